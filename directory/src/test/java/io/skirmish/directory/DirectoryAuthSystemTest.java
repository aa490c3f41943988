package io.skirmish.directory;

import io.skirmish.directory.protocol.DirectoryAuth;
import io.skirmish.directory.protocol.DirectoryHeaderFlyweight;
import io.skirmish.directory.protocol.DirectoryMessageType;
import io.skirmish.directory.protocol.DirectoryResult;
import io.skirmish.directory.protocol.RegisterServerFlyweight;
import io.skirmish.directory.protocol.ResultFlyweight;
import io.skirmish.directory.protocol.SeatRequestFlyweight;
import io.skirmish.engine.EngineException;
import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.client.EgressListener;
import io.aeron.driver.MediaDriver;
import io.aeron.security.CredentialsSupplier;
import org.agrona.CloseHelper;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.IoUtil;
import org.agrona.collections.Long2LongHashMap;
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

        try (RawSession asBackend = new RawSession(DirectoryAuth.ROLE_BACKEND, BACKEND_SECRET);
            RawSession asServer = new RawSession(DirectoryAuth.ROLE_SERVER, SERVER_SECRET))
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

    /** A session made by hand with a role's credentials, to send what its role's client never would. */
    private final class RawSession implements AutoCloseable, EgressListener
    {
        private final AeronCluster session;
        private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
        private final Long2LongHashMap codes = new Long2LongHashMap(Long.MIN_VALUE);
        private final ResultFlyweight result = new ResultFlyweight();

        RawSession(final int role, final byte[] secret)
        {
            session = AeronCluster.connect(new AeronCluster.Context()
                .aeronDirectoryName(clientDriver.aeronDirectoryName())
                .ingressChannel("aeron:udp?term-length=128k")
                .ingressEndpoints(ClusterConnection.ingressEndpoints(nodes))
                .egressChannel("aeron:udp?term-length=128k|endpoint=localhost:0")
                .messageTimeoutNs(TimeUnit.SECONDS.toNanos(10))
                .credentialsSupplier(new CredentialsSupplier()
                {
                    public byte[] encodedCredentials()
                    {
                        return DirectoryAuth.credentials(role);
                    }

                    public byte[] onChallenge(final byte[] encodedChallenge)
                    {
                        return DirectoryAuth.response(secret, encodedChallenge, role);
                    }
                })
                .egressListener(this));
        }

        long register(final int serverId, final long correlationId)
        {
            final RegisterServerFlyweight register = new RegisterServerFlyweight();
            register.wrapForEncode(buffer, 0, DirectoryMessageType.REGISTER_SERVER, correlationId);
            register.serverId(serverId).capacity(10).tokenKeyId(0).address("raw.example.com:1");
            return send(correlationId, register.length());
        }

        long seatInRoom(final int roomId, final long correlationId)
        {
            final SeatRequestFlyweight request = new SeatRequestFlyweight();
            request.wrapForEncode(buffer, 0, DirectoryMessageType.SEAT_BY_ROOM, correlationId);
            request.roomId(roomId).partySize(1).kind(0).minPlayers(0).maxPlayers(0).ttlMs(0).flags(0)
                .putProperties(new byte[0], 0);
            return send(correlationId, request.length());
        }

        private long send(final long correlationId, final int length)
        {
            DirectoryTests.await(() -> session.offer(buffer, 0, length) > 0, 10_000, session::pollEgress,
                () -> "the request was taken");
            DirectoryTests.await(() -> codes.containsKey(correlationId), 10_000, session::pollEgress,
                () -> "an answer to " + correlationId);
            return codes.get(correlationId);
        }

        public void onMessage(
            final long clusterSessionId, final long timestamp, final org.agrona.DirectBuffer buffer, final int offset,
            final int length, final io.aeron.logbuffer.Header header)
        {
            if (length >= ResultFlyweight.LENGTH &&
                DirectoryMessageType.RESULT == new DirectoryHeaderFlyweight().wrap(buffer, offset).type())
            {
                result.wrap(buffer, offset);
                codes.put(result.correlationId(), result.code());
            }
        }

        public void close()
        {
            session.close();
        }
    }
}
