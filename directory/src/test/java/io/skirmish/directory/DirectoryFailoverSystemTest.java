package io.skirmish.directory;

import io.skirmish.directory.protocol.DirectoryResult;
import io.aeron.driver.MediaDriver;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.AgentRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three directory nodes in three JVMs; two backends fill a room seat by seat while the leader's JVM is SIGKILLed.
 * The two survivors elect a new leader, the backends' requests go on being served (those the dead leader left
 * unanswered are sent again, and answered with the seat already reserved, never a second one), and in the end the
 * room holds exactly its places: every seat granted once, none lost, none double-booked.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DirectoryFailoverSystemTest
{
    private static final int ROOM = 7;
    private static final int ROOM_MAX = 1500;
    private static final int KILL_AFTER = 300;

    private final File dir = new File(System.getProperty("java.io.tmpdir"), "skirmish-directory-failover-" +
        System.nanoTime());
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<NodeProcess> processes = new ArrayList<>();
    private MediaDriver clientDriver;
    private AgentRunner reporterRunner;

    @AfterEach
    void after()
    {
        CloseHelper.closeAll(reporterRunner);
        CloseHelper.closeAll(closeables);
        CloseHelper.closeAll(processes);
        CloseHelper.closeAll(clientDriver);
        IoUtil.delete(dir, true);
    }

    @Test
    void shouldKeepServingSeatsWithoutDoubleBookingWhenTheLeaderIsKilled() throws Exception
    {
        final String nodes = DirectoryCluster.nodes("localhost", DirectoryTests.freeBasePort(3), 3);
        for (int i = 0; i < 3; i++)
        {
            processes.add(new NodeProcess(i, nodes, dir,
                DirectoryNode.Configuration.LEADER_HEARTBEAT_TIMEOUT_MS_PROP_NAME + "=" +
                TimeUnit.NANOSECONDS.toMillis(DirectoryTests.LEADER_HEARTBEAT_TIMEOUT_NS),
                DirectoryNode.Configuration.ELECTION_TIMEOUT_MS_PROP_NAME + "=" +
                TimeUnit.NANOSECONDS.toMillis(DirectoryTests.ELECTION_TIMEOUT_NS),
                DirectoryNode.Configuration.SEAT_TTL_MS_PROP_NAME + "=120000",
                DirectoryNode.Configuration.SERVER_TIMEOUT_MS_PROP_NAME + "=60000"));
        }
        clientDriver = DirectoryTests.clientDriver(new File(dir, "client-driver"));
        final DirectoryReporter reporter = DirectoryReporter.launch(new DirectoryReporter.Context()
            .nodes(nodes)
            .aeronDirectoryName(clientDriver.aeronDirectoryName())
            .serverId(1)
            .publicAddress("game1.example.com:40123")
            .capacity(ROOM_MAX)
            .reportIntervalNs(TimeUnit.MILLISECONDS.toNanos(200))
            .connectTimeoutNs(TimeUnit.SECONDS.toNanos(30)));
        reporter.room(ROOM, 1, 0, ROOM_MAX);
        reporterRunner = new AgentRunner(DirectoryTests.idle(), Throwable::printStackTrace, null, reporter);
        AgentRunner.startOnThread(reporterRunner);
        final DirectoryClient monitor = client(nodes, 1);
        final RoomStatus status = new RoomStatus();
        DirectoryTests.await(() -> DirectoryResult.OK == monitor.describe(ROOM, status), 60_000, monitor::poll,
            () -> "the room server registered and reported, " + outputs());

        final List<Long> granted = new ArrayList<>();
        final List<Throwable> failures = new ArrayList<>();
        final AtomicLong maxGapNs = new AtomicLong();
        final List<Thread> backends = new ArrayList<>();
        for (int t = 0; t < 2; t++)
        {
            final DirectoryClient backend = client(nodes, 10 + t);
            final Thread thread = new Thread(() -> fill(backend, granted, failures, maxGapNs), "backend-" + t);
            backends.add(thread);
            thread.start();
        }

        DirectoryTests.await(() -> count(granted) >= KILL_AFTER, 60_000, monitor::poll,
            () -> "the first " + KILL_AFTER + " seats, " + count(granted));
        final int leaderId = monitor.leaderMemberId();
        final NodeProcess leader = processes.get(leaderId);
        final long killNs = System.nanoTime();
        assertTrue(leader.kill(), "the leader's JVM died");
        final int grantedAtKill = count(granted);
        System.out.println("killed leader node " + leaderId + " after " + grantedAtKill + " seats");

        for (final Thread thread : backends)
        {
            thread.join();
        }
        final long afterNs = System.nanoTime() - killNs;
        assertEquals(List.of(), failures, "no request failed or timed out");
        assertEquals(ROOM_MAX, granted.size(), "exactly the room's places were granted");
        assertEquals(ROOM_MAX, new HashSet<>(granted).size(), "no seat granted twice");
        assertTrue(granted.size() - grantedAtKill > 0, "seats granted after the kill");
        DirectoryTests.await(() -> DirectoryResult.OK == monitor.describe(ROOM, status), 30_000, monitor::poll,
            () -> "the room described after the election");
        assertEquals(ROOM_MAX, status.reserved(), "the directory holds every seat once: " + status);
        assertNotEquals(leaderId, monitor.leaderMemberId(), "a survivor leads");
        System.out.println("after the kill: " + (granted.size() - grantedAtKill) + " seats in " +
            TimeUnit.NANOSECONDS.toMillis(afterNs) + " ms, longest wait between seats " +
            TimeUnit.NANOSECONDS.toMillis(maxGapNs.get()) + " ms, new leader node " + monitor.leaderMemberId());
    }

    private static void fill(
        final DirectoryClient backend, final List<Long> granted, final List<Throwable> failures,
        final AtomicLong maxGapNs)
    {
        try
        {
            final Seat seat = new Seat();
            long lastNs = System.nanoTime();
            long seatId;
            while ((seatId = backend.requestSeat(ROOM, 1, seat)) > 0)
            {
                final long nowNs = System.nanoTime();
                maxGapNs.accumulateAndGet(nowNs - lastNs, Math::max);
                lastNs = nowNs;
                synchronized (granted)
                {
                    granted.add(seatId);
                }
            }
            assertEquals(DirectoryResult.NO_CAPACITY, seatId, DirectoryResult.name(seatId));
        }
        catch (final Throwable ex)
        {
            synchronized (failures)
            {
                failures.add(ex);
            }
        }
    }

    private static int count(final List<Long> granted)
    {
        synchronized (granted)
        {
            return granted.size();
        }
    }

    private DirectoryClient client(final String nodes, final int backendId)
    {
        final DirectoryClient client = DirectoryClient.connect(new DirectoryClient.Context()
            .nodes(nodes)
            .aeronDirectoryName(clientDriver.aeronDirectoryName())
            .backendId(backendId)
            .connectTimeoutNs(TimeUnit.SECONDS.toNanos(30))
            .requestTimeoutNs(TimeUnit.SECONDS.toNanos(30))
            .resendIntervalNs(TimeUnit.MILLISECONDS.toNanos(500))
            .idleStrategy(DirectoryTests.idle()));
        closeables.add(client);
        return client;
    }

    private String outputs()
    {
        final StringBuilder out = new StringBuilder();
        for (final NodeProcess process : processes)
        {
            out.append('\n').append(process.output());
        }
        return out.toString();
    }
}
