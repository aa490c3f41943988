package io.skirmish.engine;

import io.aeron.AeronCounters;
import io.skirmish.engine.client.ClientState;
import io.skirmish.engine.client.GameClient;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.Room;
import io.skirmish.engine.server.RoomListener;
import io.skirmish.engine.server.RoomOptions;
import io.skirmish.engine.server.ServerTestSupport;
import io.skirmish.engine.server.Session;
import io.skirmish.engine.sim.NetworkSimulator;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many clients connecting, joining, emitting, crashing, resuming from a new process and leaving at random, under
 * loss, duplication, reordering and latency from the network simulator. At the end every event a member was
 * delivered matches the room's log, in order, without gaps or duplicates, members that stayed have everything, and
 * sessions, rooms and Aeron resources are back to zero. {@code -Dskirmish.soak.minutes=N} for a long run (default
 * 0.25 in CI); {@code -Dskirmish.soak.seed=S}.
 */
@Timeout(value = 7200, unit = TimeUnit.SECONDS)
class SoakSystemTest
{
    private static final double MINUTES = Double.parseDouble(System.getProperty("skirmish.soak.minutes", "0.25"));
    private static final long SEED = Long.getLong("skirmish.soak.seed", 7L);
    private static final int PLAYERS = Integer.getInteger("skirmish.soak.players", 6);
    private static final int[] ROOMS = { 1, 2, 3 };

    private final SystemTestHarness harness = new SystemTestHarness();
    private final SplittableRandom random = new SplittableRandom(SEED);
    private final Map<Integer, Map<Long, String>> roomLogs = new HashMap<>();
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[128]);
    private GameServer server;
    private int port;
    private long violations;

    @AfterEach
    void after()
    {
        harness.close();
    }

    /** Everything one session was delivered, per room, as segments that each start at a join or a resync. */
    static final class SessionLog
    {
        final Map<Integer, List<List<long[]>>> segments = new HashMap<>();
        final Map<Long, String> payloads = new HashMap<>();
        int resyncs;

        void start(final int room)
        {
            segments.computeIfAbsent(room, (r) -> new ArrayList<>()).add(new ArrayList<>());
        }

        void deliver(final int room, final long seq, final String payload)
        {
            final List<List<long[]>> list = segments.computeIfAbsent(room, (r) -> new ArrayList<>());
            if (list.isEmpty())
            {
                list.add(new ArrayList<>());
            }
            list.get(list.size() - 1).add(new long[]{ seq });
            payloads.put(((long)room << 40) | seq, payload);
        }
    }

    /** One player: a chain of client processes, each resuming the previous session when it can. */
    final class Player extends RecordingClientListener
    {
        final int index;
        final NetworkSimulator simulator;
        GameClient client;
        SessionLog log;
        int sessionId;
        long secret;
        long downUntilNs;
        int emitted;
        final Map<Integer, Long> resumeSeqs = new HashMap<>();
        final List<String> trace = new ArrayList<>();

        void trace(final String what)
        {
            trace.add(what);
            if (trace.size() > 200)
            {
                trace.remove(0);
            }
        }

        Player(final int index)
        {
            this.index = index;
            this.simulator = new NetworkSimulator(SEED * 31 + index)
                .latencyMs(3).jitterMs(2).lossPercent(3).duplicatePercent(2).reorderPercent(2);
        }

        public void onJoined(final int roomId, final long nextSeq)
        {
            trace("joined " + roomId + "@" + nextSeq);
            log.start(roomId);
        }

        public void onLeft(final int roomId, final LeaveReason reason)
        {
            super.onLeft(roomId, reason);
            trace("left " + roomId + " " + reason + " delivered0=" + (null == client ? -2 : client.lastDeliveredSeq(0)));
        }

        public void onConnected(final int sessionId, final boolean resumed)
        {
            super.onConnected(sessionId, resumed);
            trace("connected " + sessionId + (resumed ? " resumed" : ""));
        }

        public void onEvent(
            final int roomId,
            final long seq,
            final int senderSessionId,
            final int typeId,
            final DirectBuffer buffer,
            final int offset,
            final int length)
        {
            if (roomId != 0)
            {
                log.deliver(roomId, seq, buffer.getStringWithoutLengthAscii(offset, length));
            }
        }

        public void onMemberJoined(final int roomId, final long seq, final int sessionId)
        {
            log.deliver(roomId, seq, "+" + sessionId);
        }

        public void onMemberLeft(final int roomId, final long seq, final int sessionId, final LeaveReason reason)
        {
            log.deliver(roomId, seq, "-" + sessionId);
        }

        public void onResync(final int roomId, final long seq, final DirectBuffer buffer, final int offset,
            final int length)
        {
            log.resyncs++;
            log.start(roomId);
        }
    }

    private final List<SessionLog> allLogs = new ArrayList<>();
    private Player[] players;

    private void serverTrace(final int sessionId, final String what)
    {
        for (final Player p : players)
        {
            if (null != p.client && p.client.sessionId() == sessionId)
            {
                p.trace(what);
            }
        }
    }

    private void record(final Room room, final long seq, final String text)
    {
        roomLogs.computeIfAbsent(room.roomId(), (r) -> new HashMap<>()).put(seq, text);
    }

    @Test
    void shouldDeliverExactlyOnceInOrderThroughChurnAndFaults()
    {
        port = Tests.freePortPair();
        server = harness.launch(harness.serverContext(port)
            .sessionTimeoutNs(TimeUnit.MILLISECONDS.toNanos(1500))
            .keepAliveIntervalNs(TimeUnit.MILLISECONDS.toNanos(100))
            .resumeWindowNs(TimeUnit.SECONDS.toNanos(4))
            .maxMessagesPerSecond(0)
            .driverCustomizer((ctx) -> ctx
                .imageLivenessTimeoutNs(TimeUnit.SECONDS.toNanos(2))
                .publicationLingerTimeoutNs(TimeUnit.MILLISECONDS.toNanos(200))
                .publicationConnectionTimeoutNs(TimeUnit.SECONDS.toNanos(2)))
            .defaultRoomListener(new RoomListener()
            {
                public boolean onEmit(
                    final Room room, final Session sender, final int typeId, final DirectBuffer buffer,
                    final int offset, final int length)
                {
                    record(room, room.lastSeq() + 1, buffer.getStringWithoutLengthAscii(offset, length));
                    return true;
                }

                public void onJoined(final Room room, final Session session)
                {
                    record(room, room.lastSeq(), "+" + session.sessionId());
                    serverTrace(session.sessionId(), "server joined " + room.roomId() + "@" + room.lastSeq());
                }

                public void onLeft(final Room room, final Session session, final LeaveReason reason)
                {
                    record(room, room.lastSeq(), "-" + session.sessionId());
                    serverTrace(session.sessionId(), "server left " + room.roomId() + "@" + room.lastSeq() + " " +
                        reason);
                }
            }));
        final CountersReader serverCounters = server.aeron().countersReader();
        final int baselinePublications = countByType(serverCounters, AeronCounters.DRIVER_PUBLISHER_LIMIT_TYPE_ID);
        final int baselineImages = countByType(serverCounters, AeronCounters.DRIVER_SUBSCRIBER_POSITION_TYPE_ID);
        for (final int roomId : ROOMS)
        {
            server.createRoom(roomId, new RoomOptions().historyCount(1 << 16).historyBytes(32 << 20).historyAgeNs(0));
        }

        players = new Player[PLAYERS];
        for (int i = 0; i < PLAYERS; i++)
        {
            players[i] = new Player(i);
        }

        final long endNs = System.nanoTime() + (long)(MINUTES * 60e9);
        long serverEvents = 0;
        long crashes = 0;
        long resumes = 0;
        long leaves = 0;
        long heapAtWarmup = -1;
        final long warmupEndNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        long nextStepNs = 0;
        while (System.nanoTime() - endNs < 0)
        {
            harness.pollAll();
            final long nowNs = System.nanoTime();
            if (nowNs - nextStepNs < 0)
            {
                continue;
            }
            nextStepNs = nowNs + TimeUnit.MILLISECONDS.toNanos(5);
            if (heapAtWarmup < 0 && nowNs - warmupEndNs > 0)
            {
                heapAtWarmup = usedHeapAfterGc();
            }

            if (random.nextInt(4) == 0)
            {
                final Room room = server.room(ROOMS[random.nextInt(ROOMS.length)]);
                final int length = payload.putStringWithoutLengthAscii(0, "s" + serverEvents);
                final long seq = room.broadcast(1, payload, 0, length);
                assertTrue(seq > 0);
                record(room, seq, "s" + serverEvents);
                serverEvents++;
            }

            final Player p = players[random.nextInt(PLAYERS)];
            if (null == p.client)
            {
                if (nowNs - p.downUntilNs > 0)
                {
                    start(p);
                    if (0 != p.sessionId)
                    {
                        resumes++;
                    }
                }
                continue;
            }
            if (p.client.state().isFailure() || p.client.state() == ClientState.DISCONNECTED)
            {
                harness.closeClient(p.client);
                p.client = null;
                p.sessionId = 0;
                continue;
            }
            if (!p.client.isConnected())
            {
                continue;
            }
            final int action = random.nextInt(1000);
            final int roomId = ROOMS[random.nextInt(ROOMS.length)];
            if (action < 700)
            {
                if (p.client.isMemberOf(roomId))
                {
                    final int length = payload.putStringWithoutLengthAscii(0, "p" + p.index + ":" + p.emitted);
                    if (p.client.emit(roomId, 2, payload, 0, length) > 0)
                    {
                        p.emitted++;
                    }
                }
            }
            else if (action < 850)
            {
                if (!p.client.isMemberOf(roomId))
                {
                    p.trace("join " + roomId + " -> " + p.client.join(roomId));
                }
            }
            else if (action < 900)
            {
                if (p.client.isMemberOf(roomId))
                {
                    p.trace("leave " + roomId + " -> " + p.client.leave(roomId));
                    leaves++;
                }
            }
            else if (action < 915)
            {
                // crash: the process dies; a new one resumes the session a little later
                crashes++;
                p.sessionId = p.client.sessionId();
                p.secret = p.client.resumeSecret();
                p.resumeSeqs.clear();
                for (final int r : ROOMS)
                {
                    final long last = p.client.lastDeliveredSeq(r);
                    if (last >= 0)
                    {
                        p.resumeSeqs.put(r, last);
                    }
                }
                p.resumeSeqs.put(0, p.client.lastDeliveredSeq(0));
                p.trace("crash " + p.resumeSeqs);
                harness.abortClient(p.client);
                p.client = null;
                p.downUntilNs = nowNs + TimeUnit.MILLISECONDS.toNanos(random.nextInt(2500));
            }
            else if (action < 918)
            {
                p.trace("close");
                harness.closeClient(p.client);
                p.client = null;
                p.sessionId = 0;
            }
        }
        final long heapAtEnd = usedHeapAfterGc();

        // let the rooms settle, then every member that stayed must have everything
        for (final Player p : players)
        {
            if (null != p.client && !p.client.isConnected())
            {
                Tests.await(() -> p.client.isConnected() || p.client.state().isFailure() ||
                    p.client.state() == ClientState.DISCONNECTED, 20_000, harness::pollAll,
                    () -> "player " + p.index + " settles: " + p.client.state());
            }
        }
        Tests.await(() -> allCaughtUp(players), 60_000, harness::pollAll, () -> "members caught up: " +
            caughtUpStatus(players) + " " + Tests.counters(server));

        for (final SessionLog log : allLogs)
        {
            verify(log);
        }

        for (final Player p : players)
        {
            if (null != p.client)
            {
                harness.closeClient(p.client);
                p.client = null;
            }
        }
        Tests.await(() -> server.sessionCount() == 0 && roomsEmpty(), 30_000, harness::pollAll,
            () -> "sessions gone: " + ServerTestSupport.resourceCounts(server));
        assertEquals("sessions=0 lanes=0 pendingLanes=0 binding=0 outboxes=0 behind=0", awaitResources());
        Tests.await(() -> countByType(serverCounters, AeronCounters.DRIVER_PUBLISHER_LIMIT_TYPE_ID) ==
            baselinePublications && countByType(serverCounters, AeronCounters.DRIVER_SUBSCRIBER_POSITION_TYPE_ID) ==
            baselineImages, 30_000, harness::pollAll, () -> "Aeron publications and images released");
        assertEquals(0, server.counter(EngineCounter.ERRORS));

        long totalEvents = 0;
        for (final int roomId : ROOMS)
        {
            totalEvents += server.room(roomId).lastSeq();
        }
        final long heapGrowth = heapAtEnd - Math.max(0, heapAtWarmup);
        System.out.printf("soak: minutes=%.2f players=%d room events=%d server events=%d crashes=%d resumes=%d " +
            "leaves=%d sessions=%d deliveries=%d replayed=%d resyncs=%d heap growth=%d KiB%n",
            MINUTES, PLAYERS, totalEvents, serverEvents, crashes, resumes, leaves, allLogs.size(),
            server.counter(EngineCounter.ROOM_EVENT_DELIVERIES), server.counter(EngineCounter.EVENTS_REPLAYED),
            server.counter(EngineCounter.RESYNCS), heapGrowth / 1024);
        assertTrue(crashes > 0 && totalEvents > 100, "the soak did something");
        assertTrue(heapGrowth < 64L * 1024 * 1024, "heap flat: grew " + heapGrowth / 1024 + " KiB");
    }

    private String awaitResources()
    {
        Tests.await(() -> ServerTestSupport.resourceCounts(server).equals(
            "sessions=0 lanes=0 pendingLanes=0 binding=0 outboxes=0 behind=0"), 30_000, harness::pollAll, () -> "resources: " + ServerTestSupport.resourceCounts(server));
        return ServerTestSupport.resourceCounts(server);
    }

    private boolean roomsEmpty()
    {
        for (final int roomId : ROOMS)
        {
            if (server.room(roomId).memberCount() != 0)
            {
                return false;
            }
        }
        return true;
    }

    private void start(final Player p)
    {
        final GameClient.Context ctx = harness.clientContext(port)
            .listener(p)
            .networkSimulator(p.simulator)
            .connectTimeoutNs(TimeUnit.SECONDS.toNanos(3));
        p.trace("start " + (0 != p.sessionId ? "resume " + p.sessionId : "new"));
        if (0 != p.sessionId)
        {
            ctx.resume(p.sessionId, p.secret);
            p.resumeSeqs.forEach(ctx::resumeRoom);
        }
        else
        {
            p.log = new SessionLog();
            allLogs.add(p.log);
        }
        p.client = harness.connect(ctx);
        Tests.await(() -> p.client.isConnected() || p.client.state().isFailure(), 20_000, harness::pollAll,
            () -> "player " + p.index + " connects: " + p.client.state());
        if (!p.client.isConnected())
        {
            // resume window passed: start over as a new session
            harness.closeClient(p.client);
            p.client = null;
            p.sessionId = 0;
        }
    }

    private boolean allCaughtUp(final Player[] players)
    {
        for (final Player p : players)
        {
            if (!caughtUp(p))
            {
                return false;
            }
        }
        return true;
    }

    private boolean caughtUp(final Player p)
    {
        if (null == p.client || !p.client.isConnected())
        {
            return true;
        }
        for (final int roomId : ROOMS)
        {
            if (p.client.isMemberOf(roomId) && p.client.lastDeliveredSeq(roomId) != server.room(roomId).lastSeq())
            {
                return false;
            }
        }
        return true;
    }

    private String caughtUpStatus(final Player[] players)
    {
        final StringBuilder sb = new StringBuilder();
        for (final Player p : players)
        {
            if (null != p.client)
            {
                sb.append(p.index).append(':').append(p.client.state());
                for (final int roomId : ROOMS)
                {
                    sb.append(' ').append(p.client.isMemberOf(roomId) ? "member " : "")
                        .append(p.client.lastDeliveredSeq(roomId)).append('/').append(server.room(roomId).lastSeq());
                }
                sb.append(" [").append(Tests.counters(p.client)).append("] ")
                    .append(ServerTestSupport.membershipDump(server, p.client.sessionId()));
                if (!caughtUp(p))
                {
                    sb.append(" trace ").append(p.trace);
                }
                sb.append("; ");
            }
        }
        return sb.toString();
    }

    private void verify(final SessionLog log)
    {
        for (final Map.Entry<Integer, List<List<long[]>>> entry : log.segments.entrySet())
        {
            final int roomId = entry.getKey();
            final Map<Long, String> expected = roomLogs.get(roomId);
            for (final List<long[]> segment : entry.getValue())
            {
                for (int i = 0; i < segment.size(); i++)
                {
                    final long seq = segment.get(i)[0];
                    if (i > 0)
                    {
                        assertEquals(segment.get(i - 1)[0] + 1, seq, "room " + roomId + " contiguous");
                    }
                    assertEquals(expected.get(seq), log.payloads.get(((long)roomId << 40) | seq),
                        "room " + roomId + " seq " + seq + " content");
                }
            }
        }
    }

    private static int countByType(final CountersReader reader, final int typeId)
    {
        final int[] count = { 0 };
        reader.forEach((counterId, type, keyBuffer, label) ->
        {
            if (type == typeId)
            {
                count[0]++;
            }
        });
        return count[0];
    }

    private static long usedHeapAfterGc()
    {
        final Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++)
        {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
