package io.skirmish.directory;

import io.skirmish.directory.protocol.DirectoryAuth;
import io.skirmish.directory.protocol.DirectoryResult;
import io.skirmish.engine.EngineException;
import io.aeron.driver.MediaDriver;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.AgentRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real three-node directory with shared secrets: the right secret gets in, a wrong or missing one is refused (and
 * counted by the leader), and an authenticated session may only make its own role's requests.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DirectoryAuthSystemTest
{
    private static final int ROOM = 7;
    private static final byte[] BACKEND_SECRET = "backend secret, 32 bytes or so..".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SERVER_SECRET = "room server secret".getBytes(StandardCharsets.UTF_8);

    private final File dir = new File(System.getProperty("java.io.tmpdir"), "skirmish-directory-auth-" +
        System.nanoTime());
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private String nodes;
    private MediaDriver clientDriver;
    private DirectoryCluster cluster;
    private final List<AgentRunner> runners = new ArrayList<>();

    @BeforeEach
    void before()
    {
        nodes = DirectoryCluster.nodes("localhost", DirectoryTests.freeBasePort(3), 3);
        clientDriver = DirectoryTests.clientDriver(new File(dir, "client-driver"));
        cluster = DirectoryCluster.launch(3, (i) -> DirectoryTests.nodeContext(nodes, i, dir)
            .backendSecret(BACKEND_SECRET).serverSecret(SERVER_SECRET));
    }

    @AfterEach
    void after()
    {
        CloseHelper.closeAll(runners);
        CloseHelper.closeAll(closeables);
        CloseHelper.closeAll(cluster, clientDriver);
        IoUtil.delete(dir, true);
    }

    @Test
    void shouldLetInOnlyTheRightSecretsAndEachRoleOnlyToItsOwnRequests()
    {
        final DirectoryReporter server = reporter(1, SERVER_SECRET);
        final DirectoryClient backend = client(1, BACKEND_SECRET);
        final RoomStatus status = new RoomStatus();
        DirectoryTests.await(() -> DirectoryResult.OK == backend.describe(ROOM, status), 20_000, backend::poll,
            () -> "the room server with the servers' secret registered and reported room " + ROOM);
        final Seat seat = new Seat();
        assertTrue(backend.requestSeat(ROOM, 2, seat) > 0, "the backend with the backends' secret gets a seat");
        assertTrue(server.isRegistered());

        final EngineException wrong = assertThrows(EngineException.class,
            () -> client(2, "not the secret".getBytes(StandardCharsets.UTF_8)));
        assertTrue(wrong.getMessage().contains("refused"), wrong.getMessage());
        assertThrows(EngineException.class, () -> client(3, null), "no credentials at all");
        assertThrows(EngineException.class, () -> client(4, SERVER_SECRET),
            "the servers' secret does not make a backend");
        final DirectoryReporter impostor = reporter(2, BACKEND_SECRET);
        DirectoryTests.await(impostor::wasRefused, 20_000, backend::poll,
            () -> "a room server with the backends' secret is refused");
        assertTrue(!impostor.isRegistered());
        final DirectoryNode leader = cluster.leader();
        assertTrue(null != leader && leader.connectionsRefused() >= 4, "refused connections counted by the leader: " +
            (null == leader ? "no leader" : leader.connectionsRefused()));

        try (RawDirectorySession asBackend = new RawDirectorySession(nodes, clientDriver.aeronDirectoryName(), DirectoryAuth.ROLE_BACKEND, BACKEND_SECRET);
            RawDirectorySession asServer = new RawDirectorySession(nodes, clientDriver.aeronDirectoryName(), DirectoryAuth.ROLE_SERVER, SERVER_SECRET))
        {
            assertEquals(DirectoryResult.NOT_AUTHORISED, asBackend.register(3, 101),
                "an authenticated backend cannot register a server");
            assertEquals(DirectoryResult.NOT_AUTHORISED, asServer.seatInRoom(ROOM, 102),
                "an authenticated room server cannot ask for seats");
            assertEquals(DirectoryResult.OK, asServer.register(3, 103), "but it can register");
        }
        assertEquals(DirectoryResult.OK, backend.describe(ROOM, status));
        assertEquals(2, status.reserved(), "nothing was reserved by the refused requests");
    }

    private DirectoryClient client(final int backendId, final byte[] secret)
    {
        final DirectoryClient client = DirectoryClient.connect(new DirectoryClient.Context()
            .nodes(nodes)
            .aeronDirectoryName(clientDriver.aeronDirectoryName())
            .backendId(backendId)
            .secret(secret)
            .connectTimeoutNs(TimeUnit.SECONDS.toNanos(10))
            .requestTimeoutNs(TimeUnit.SECONDS.toNanos(20))
            .idleStrategy(DirectoryTests.idle()));
        closeables.add(client);
        return client;
    }

    private DirectoryReporter reporter(final int serverId, final byte[] secret)
    {
        final DirectoryReporter reporter = DirectoryReporter.launch(new DirectoryReporter.Context()
            .nodes(nodes)
            .aeronDirectoryName(clientDriver.aeronDirectoryName())
            .serverId(serverId)
            .publicAddress("game" + serverId + ".example.com:40123")
            .capacity(100)
            .secret(secret)
            .reportIntervalNs(TimeUnit.MILLISECONDS.toNanos(200))
            .connectTimeoutNs(TimeUnit.SECONDS.toNanos(5)));
        reporter.room(ROOM + serverId - 1, 1, 0, 10);
        final AgentRunner runner = new AgentRunner(DirectoryTests.idle(), Throwable::printStackTrace, null, reporter);
        runners.add(runner);
        AgentRunner.startOnThread(runner);
        return reporter;
    }
}
