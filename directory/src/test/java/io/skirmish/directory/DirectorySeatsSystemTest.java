package io.skirmish.directory;

import io.skirmish.directory.protocol.DirectoryAuth;
import io.skirmish.directory.protocol.DirectoryResult;
import io.aeron.driver.MediaDriver;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.AgentRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The seat fixes on a real three-node directory: a request sent again after its seat was confirmed, a placement that
 * its server never creates, a dead server's rooms at the end of its retention, and a durable ticket.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DirectorySeatsSystemTest
{
    private static final int ROOM = 7;
    private static final int DURABLE_ROOM = 8;

    private final File dir = new File(System.getProperty("java.io.tmpdir"), "skirmish-directory-seats-" +
        System.nanoTime());
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final AtomicInteger placements = new AtomicInteger();
    private String nodes;
    private MediaDriver clientDriver;
    private DirectoryCluster cluster;
    private AgentRunner reporterRunner;

    @BeforeEach
    void before()
    {
        nodes = DirectoryCluster.nodes("localhost", DirectoryTests.freeBasePort(3), 3);
        clientDriver = DirectoryTests.clientDriver(new File(dir, "client-driver"));
    }

    @AfterEach
    void after()
    {
        CloseHelper.closeAll(reporterRunner);
        CloseHelper.closeAll(closeables);
        CloseHelper.closeAll(cluster, clientDriver);
        IoUtil.delete(dir, true);
    }

    @Test
    void shouldAnswerARequestSentAgainAfterItsSeatWasConfirmedWithTheSameSeat()
    {
        launchCluster(UnaryOperator.identity());
        startReporter();
        final DirectoryClient client = client(1);
        awaitRoomReported(client);
        try (RawDirectorySession backend = new RawDirectorySession(
            nodes, clientDriver.aeronDirectoryName(), DirectoryAuth.ROLE_ANY, null))
        {
            final long seatId = backend.seatInRoom(ROOM, 5_000_001);
            assertTrue(seatId > 0, DirectoryResult.name(seatId));
            assertEquals(DirectoryResult.OK, backend.confirm(seatId, 5_000_002), "the room server confirmed it");
            assertEquals(seatId, backend.seatInRoom(ROOM, 5_000_001),
                "the same request again (its answer lost) gets the same seat");
            assertEquals(DirectoryResult.OK, backend.confirm(seatId, 5_000_003), "a confirm sent again is OK");
        }
        final RoomStatus status = new RoomStatus();
        assertEquals(DirectoryResult.OK, client.describe(ROOM, status));
        assertEquals(0, status.reserved(), "nothing reserved by the repeat: " + status);
    }

    @Test
    void shouldRemoveAPlacementNobodyCreatesAndADeadServersRoomsAfterItsRetention()
    {
        launchCluster((ctx) -> ctx.placementTimeoutMs(1_000).serverTimeoutMs(2_000).deadServerRetentionMs(1_500));
        startReporter();
        final DirectoryClient client = client(1);
        awaitRoomReported(client);
        final RoomStatus status = new RoomStatus();
        assertEquals(DirectoryResult.OK, client.describe(DURABLE_ROOM, status));
        assertTrue(status.isDurable());

        final Seat seat = new Seat();
        assertTrue(client.requestSeat(new Ticket().kind(5).maxPlayers(4).durable(true), seat) > 0);
        final int placed = seat.roomId();
        assertEquals(DirectoryResult.OK, client.describe(placed, status));
        assertEquals(RoomStatus.PLACED, status.state());
        assertTrue(status.isDurable(), "placed durable for a durable ticket: " + status);
        DirectoryTests.await(() -> placements.get() > 0, 10_000, client::poll, () -> "the server was told");
        DirectoryTests.await(() -> DirectoryResult.NO_SUCH_ROOM == client.describe(placed, status), 10_000,
            client::poll, () -> "the placement the server never created is removed, " + status);
        assertEquals(DirectoryResult.NO_SUCH_SEAT, client.confirm(seat.seatId()), "with its seat");

        reporterRunner.close();
        reporterRunner = null;
        DirectoryTests.await(() -> DirectoryResult.NO_SUCH_ROOM == client.describe(ROOM, status), 15_000,
            client::poll, () -> "the dead server's room is removed after the retention, " + status);
        assertEquals(DirectoryResult.OK, client.describe(DURABLE_ROOM, status));
        assertEquals(RoomStatus.ORPHANED, status.state(), "the durable room waits for a server to take it");
    }

    private void launchCluster(final UnaryOperator<DirectoryNode.Context> customise)
    {
        cluster = DirectoryCluster.launch(3, (i) -> customise.apply(DirectoryTests.nodeContext(nodes, i, dir)));
    }

    private DirectoryClient client(final int backendId)
    {
        final DirectoryClient client = DirectoryClient.connect(new DirectoryClient.Context()
            .nodes(nodes)
            .aeronDirectoryName(clientDriver.aeronDirectoryName())
            .backendId(backendId)
            .connectTimeoutNs(TimeUnit.SECONDS.toNanos(20))
            .requestTimeoutNs(TimeUnit.SECONDS.toNanos(20))
            .idleStrategy(DirectoryTests.idle()));
        closeables.add(client);
        return client;
    }

    private void startReporter()
    {
        final DirectoryReporter reporter = DirectoryReporter.launch(new DirectoryReporter.Context()
            .nodes(nodes)
            .aeronDirectoryName(clientDriver.aeronDirectoryName())
            .serverId(1)
            .publicAddress("game1.example.com:40123")
            .capacity(100)
            .reportIntervalNs(TimeUnit.MILLISECONDS.toNanos(200))
            .connectTimeoutNs(TimeUnit.SECONDS.toNanos(20))
            .listener(new ReporterListener()
            {
                public void onRoomPlaced(
                    final int roomId, final int kind, final int minPlayers, final int maxPlayers,
                    final byte[] properties, final boolean restore)
                {
                    placements.incrementAndGet(); // and never creates it
                }
            }));
        reporter.room(ROOM, 1, 0, 10);
        reporter.room(DURABLE_ROOM, 1, 0, 10, true);
        reporterRunner = new AgentRunner(DirectoryTests.idle(), Throwable::printStackTrace, null, reporter);
        AgentRunner.startOnThread(reporterRunner);
    }

    private void awaitRoomReported(final DirectoryClient client)
    {
        final RoomStatus status = new RoomStatus();
        DirectoryTests.await(() -> DirectoryResult.OK == client.describe(ROOM, status), 20_000, client::poll,
            () -> "the room server registered and reported room " + ROOM);
    }
}
