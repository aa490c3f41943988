package io.skirmish.engine;

import io.skirmish.engine.client.GameClient;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.Room;
import io.skirmish.engine.server.RoomListener;
import io.skirmish.engine.server.RoomOptions;
import io.skirmish.engine.server.ServerTestSupport;
import io.skirmish.engine.server.Session;
import io.skirmish.engine.sim.NetworkSimulator;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.skirmish.engine.RoomSystemTest.assertContiguous;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Recovery of missed room events over real UDP: slow consumers, history overrun, process restart with the resume
 * secret, and network drops after long idle periods.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RoomRecoverySystemTest
{
    private static final int ROOM = 11;
    private final SystemTestHarness harness = new SystemTestHarness();
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[200]);
    private int eventCounter;

    @AfterEach
    void after()
    {
        harness.close();
    }

    private final RoomListener resyncingListener = new RoomListener()
    {
        public int onResync(
            final Room room, final Session session, final MutableDirectBuffer buffer, final int offset,
            final int maxLength)
        {
            return buffer.putStringWithoutLengthUtf8(offset, "state@" + room.lastSeq());
        }
    };

    private GameServer server(final int port, final long sessionTimeoutMs)
    {
        return harness.launch(harness.serverContext(port)
            .sessionTimeoutNs(TimeUnit.MILLISECONDS.toNanos(sessionTimeoutMs))
            .resumeWindowNs(TimeUnit.SECONDS.toNanos(30))
            .defaultRoomListener(resyncingListener));
    }

    private GameClient join(final int port, final RoomSystemTest.RoomRecorder recorder, final NetworkSimulator sim)
    {
        final GameClient client = harness.connect(harness.clientContext(port)
            .listener(recorder)
            .networkSimulator(sim)
            .connectTimeoutNs(TimeUnit.SECONDS.toNanos(5)));
        harness.awaitConnected(client);
        client.join(ROOM);
        Tests.await(() -> recorder.joined.contains(ROOM), 10_000, harness::pollAll, () -> "joined");
        return client;
    }

    private void broadcast(final Room room, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            final int length = payload.putStringWithoutLengthUtf8(0, "e" + (eventCounter++) + "-" + "x".repeat(100));
            assertTrue(room.broadcast(1, payload, 0, length) > 0);
        }
    }

    /**
     * Run the room for a while polling everything except one stalled client; events keep flowing.
     */
    private void runWithStalledClient(
        final GameServer server, final Room room, final GameClient stalled, final long durationMs, final int perMs)
    {
        final long start = System.nanoTime();
        final long deadline = start + TimeUnit.MILLISECONDS.toNanos(durationMs);
        long sent = 0;
        long now;
        while ((now = System.nanoTime()) - deadline < 0)
        {
            final long due = (now - start) / 1_000_000L * perMs;
            if (sent < due)
            {
                broadcast(room, (int)(due - sent));
                sent = due;
            }
            for (int i = 0; i < 4; i++)
            {
                server.poll();
                for (final GameClient client : harness.clients)
                {
                    if (client != stalled)
                    {
                        client.poll();
                    }
                }
            }
        }
    }

    @Test
    void shouldCatchUpSlowConsumerByReplayWithoutAffectingOthers()
    {
        final int port = Tests.freePortPair();
        final GameServer server = server(port, 10_000);
        final Room room = server.createRoom(ROOM, new RoomOptions().historyCount(100_000).historyBytes(32 << 20));
        final RoomSystemTest.RoomRecorder fast = new RoomSystemTest.RoomRecorder(ROOM);
        final RoomSystemTest.RoomRecorder slow = new RoomSystemTest.RoomRecorder(ROOM);
        final GameClient fastClient = join(port, fast, null);
        final GameClient slowClient = join(port, slow, null);

        broadcast(room, 10);
        Tests.await(() -> slowClient.lastDeliveredSeq(ROOM) == room.lastSeq() &&
            fastClient.lastDeliveredSeq(ROOM) == room.lastSeq(), 5_000, harness::pollAll, () -> "warm up");

        final long beforeStall = room.lastSeq();
        runWithStalledClient(server, room, slowClient, 2_500, 4);
        assertEquals(beforeStall, slowClient.lastDeliveredSeq(ROOM), "the stalled client delivered nothing");
        assertTrue(room.lastSeq() - beforeStall > 1000, "the room kept going: " + (room.lastSeq() - beforeStall));
        Tests.await(() -> fastClient.lastDeliveredSeq(ROOM) == room.lastSeq(), 5_000, harness::pollAll,
            () -> "fast member unaffected");
        assertTrue(server.counter(EngineCounter.FANOUT_SKIPPED) > 0, "the slow member was skipped, not waited for");

        Tests.await(() -> slowClient.lastDeliveredSeq(ROOM) == room.lastSeq(), 20_000, harness::pollAll,
            () -> "slow member caught up: " + slowClient.lastDeliveredSeq(ROOM) + "/" + room.lastSeq());
        assertContiguous(slow.seqs, slow.firstSeq, room.lastSeq());
        assertContiguous(fast.seqs, fast.firstSeq, room.lastSeq());
        assertTrue(server.counter(EngineCounter.EVENTS_REPLAYED) > 0);
        assertEquals(0, slow.resyncs.size());
    }

    @Test
    void shouldResyncWhenStallOutlivesHistoryUnderContinuedLoss()
    {
        final int port = Tests.freePortPair();
        final GameServer server = server(port, 10_000);
        final Room room = server.createRoom(ROOM, new RoomOptions().historyCount(300).historyBytes(1 << 20));
        final RoomSystemTest.RoomRecorder fast = new RoomSystemTest.RoomRecorder(ROOM);
        final RoomSystemTest.RoomRecorder slow = new RoomSystemTest.RoomRecorder(ROOM);
        final GameClient fastClient = join(port, fast, null);
        final GameClient slowClient = join(port, slow,
            new NetworkSimulator(5).lossPercent(10).jitterMs(1).latencyMs(1).duplicatePercent(2));

        broadcast(room, 5);
        Tests.await(() -> slowClient.lastDeliveredSeq(ROOM) == room.lastSeq(), 5_000, harness::pollAll, () -> "warm");

        runWithStalledClient(server, room, slowClient, 2_500, 4);
        final long stallEnd = room.lastSeq();
        assertTrue(stallEnd - slowClient.lastDeliveredSeq(ROOM) > 300, "the gap is larger than the history");

        // the room keeps going while the slow member recovers, under loss
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (slowClient.lastDeliveredSeq(ROOM) < room.lastSeq() || slow.resyncs.isEmpty())
        {
            assertTrue(System.nanoTime() < deadline, "recovery stalled: delivered " +
                slowClient.lastDeliveredSeq(ROOM) + "/" + room.lastSeq() + " resyncs " + slow.resyncs + " " +
                Tests.counters(slowClient) + " " + Tests.counters(server) + " " +
                ServerTestSupport.membershipDump(server, slowClient.sessionId()));
            if (room.lastSeq() < stallEnd + 200)
            {
                broadcast(room, 1);
            }
            harness.pollAll();
        }

        // the fast member is polled all along, but on a loaded machine it may still be draining the burst
        Tests.await(() -> fastClient.lastDeliveredSeq(ROOM) == room.lastSeq(), 10_000, harness::pollAll,
            () -> "fast member caught up: " + fastClient.lastDeliveredSeq(ROOM) + "/" + room.lastSeq());

        assertEquals(1, slow.resyncs.size(), "exactly one explicit resync: " + slow.resyncs);
        final String[] resync = slow.resyncs.get(0).split("/");
        final long resyncSeq = Long.parseLong(resync[1]);
        assertEquals("state@" + resyncSeq, resync[2]);
        // before the resync: contiguous up to where it stalled; after: contiguous from resyncSeq + 1
        final List<Long> before = new ArrayList<>();
        final List<Long> after = new ArrayList<>();
        for (final long seq : slow.seqs)
        {
            (seq <= resyncSeq ? before : after).add(seq);
        }
        assertContiguous(before, slow.firstSeq, slow.firstSeq + before.size() - 1);
        assertContiguous(after, resyncSeq + 1, room.lastSeq());
        assertContiguous(fast.seqs, fast.firstSeq, room.lastSeq());
        assertEquals(0, fast.resyncs.size());
        assertTrue(server.counter(EngineCounter.RESYNCS) >= 1);
    }

    @Test
    void shouldResumeKilledClientFromNewProcessWithExactlyWhatItMissed()
    {
        final int port = Tests.freePortPair();
        final RecordingServerListener serverListener = new RecordingServerListener();
        final GameServer server = harness.launch(harness.serverContext(port)
            .listener(serverListener)
            .resumeWindowNs(TimeUnit.SECONDS.toNanos(30)));
        final Room room = server.createRoom(ROOM, new RoomOptions());
        final RoomSystemTest.RoomRecorder first = new RoomSystemTest.RoomRecorder(ROOM);
        final GameClient original = join(port, first, null);
        final Session session = server.session(original.sessionId());

        broadcast(room, 50);
        final UnsafeBuffer direct = RoomSystemTest.utf8("direct-1");
        final long directSeq1 = server.send(session, 5, direct, 0, direct.capacity());
        Tests.await(() -> original.lastDeliveredSeq(ROOM) > 20, 5_000, harness::pollAll, () -> "some delivered");

        final int sessionId = original.sessionId();
        final long secret = original.resumeSecret();
        final long lastDelivered = original.lastDeliveredSeq(ROOM);
        final long lastDirect = original.lastDeliveredSeq(0);
        harness.abortClient(original);

        broadcast(room, 50);
        final UnsafeBuffer direct2 = RoomSystemTest.utf8("direct-2");
        final long directSeq2 = server.send(session, 5, direct2, 0, direct2.capacity());
        assertEquals(directSeq1 + 1, directSeq2);

        final RoomSystemTest.RoomRecorder second = new RoomSystemTest.RoomRecorder(ROOM);
        final GameClient restarted = harness.connect(harness.clientContext(port)
            .listener(second)
            .resume(sessionId, secret)
            .resumeRoom(ROOM, lastDelivered)
            .resumeRoom(0, lastDirect));
        harness.awaitConnected(restarted);
        assertEquals(sessionId, restarted.sessionId());
        // onConnected(id, true) comes once the resumed session has caught up, which may be after CONNECTED
        Tests.await(() -> 1 == second.resumes, 10_000, harness::pollAll, () -> "resumes " + second.resumes);
        broadcast(room, 10);
        Tests.await(() -> restarted.lastDeliveredSeq(ROOM) == room.lastSeq() &&
            restarted.lastDeliveredSeq(0) == directSeq2,
            10_000, harness::pollAll, () -> "restarted caught up " + restarted.lastDeliveredSeq(ROOM));

        final List<Long> all = new ArrayList<>(first.seqs);
        all.addAll(second.seqs);
        assertContiguous(all, first.firstSeq, room.lastSeq());
        final List<String> directs = new ArrayList<>();
        for (final String event : first.events)
        {
            if (event.startsWith("0/"))
            {
                directs.add(event);
            }
        }
        for (final String event : second.events)
        {
            if (event.startsWith("0/"))
            {
                directs.add(event);
            }
        }
        // the direct stream also carries the session's join notice, so its messages follow that
        assertEquals(List.of("0/" + directSeq1 + "/0/5/direct-1", "0/" + directSeq2 + "/0/5/direct-2"), directs);
        assertEquals(1, serverListener.resumed.size());
        assertEquals(1, server.sessionCount());
    }

    @Test
    void shouldRecoverIdleMemberAfterHistoryAgedOutThenShortNetworkDrop()
    {
        final int port = Tests.freePortPair();
        final RecordingServerListener serverListener = new RecordingServerListener();
        final GameServer server = harness.launch(harness.serverContext(port)
            .listener(serverListener)
            .sessionTimeoutNs(TimeUnit.MILLISECONDS.toNanos(1_000))
            .keepAliveIntervalNs(TimeUnit.MILLISECONDS.toNanos(100))
            .resumeWindowNs(TimeUnit.SECONDS.toNanos(30)));
        final Room room = server.createRoom(ROOM, new RoomOptions().historyAgeNs(TimeUnit.SECONDS.toNanos(3)));
        final RoomSystemTest.RoomRecorder idle = new RoomSystemTest.RoomRecorder(ROOM);
        final NetworkSimulator sim = new NetworkSimulator(9);
        final GameClient client = join(port, idle, sim);
        broadcast(room, 20);
        Tests.await(() -> client.lastDeliveredSeq(ROOM) == room.lastSeq(), 5_000, harness::pollAll, () -> "delivered");

        // idle for longer than the history's age bound: everything ages out
        Tests.drive(3_200, harness::pollAll);
        Tests.await(() -> room.oldestRetainedSeq() > room.lastSeq(), 5_000, harness::pollAll, () -> "history empty");

        // a short network drop: the server suspends the session, the room goes on
        sim.lossPercent(100);
        Tests.await(() -> serverListener.suspended.size() == 1, 10_000, harness::pollAll, () -> "suspended");
        broadcast(room, 30);
        sim.lossPercent(0);

        Tests.await(() -> client.isConnected() && client.lastDeliveredSeq(ROOM) == room.lastSeq(), 20_000,
            harness::pollAll, () -> "recovered: " + client.state() + " " + client.lastDeliveredSeq(ROOM) + "/" +
            room.lastSeq());
        assertContiguous(idle.seqs, idle.firstSeq, room.lastSeq());
        assertEquals(0, idle.resyncs.size());
        assertEquals(1, serverListener.resumed.size());
    }
}
