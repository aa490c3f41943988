package io.skirmish.engine;

import io.skirmish.engine.client.ClientState;
import io.skirmish.engine.client.ResumeFallback;
import io.skirmish.engine.client.GameClient;
import io.skirmish.engine.server.ConnectRequest;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.Room;
import io.skirmish.engine.server.RoomOptions;
import io.skirmish.engine.server.ServerTestSupport;
import io.skirmish.engine.server.Session;
import io.skirmish.engine.sim.NetworkSimulator;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A resume tells the truth, over real UDP through the simulator's relay: what the server changed while the session
 * was away (events, a kick, a closed room, a join) reaches the client in order, before the client reports itself
 * resumed, in the same process or a new one; a client polled at a game loop's pace drains a backlog of thousands of
 * events without falling into rebinds; and each stream is delivered exactly once, in order.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ResumeSystemTest
{
    private static final int ROOM_A = 11;
    private static final int ROOM_B = 12;
    private static final int ROOM_C = 13;

    private final SystemTestHarness harness = new SystemTestHarness();
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[256]);
    private final RecordingServerListener serverListener = new RecordingServerListener();

    @AfterEach
    void after()
    {
        harness.close();
    }

    /** Everything the game was told, in the order it was told. */
    static final class Timeline extends RecordingClientListener
    {
        final List<String> told = new ArrayList<>();
        final Map<Integer, List<Long>> seqs = new TreeMap<>();
        long deliveredWhenResumed = -1;
        int room = ROOM_A;

        public void onConnected(final int sessionId, final boolean resumed)
        {
            super.onConnected(sessionId, resumed);
            told.add("connected " + resumed);
            if (resumed)
            {
                deliveredWhenResumed = seqs.getOrDefault(room, List.of()).size();
            }
        }

        public void onJoined(final int roomId, final long nextSeq)
        {
            super.onJoined(roomId, nextSeq);
            told.add("joined " + roomId);
        }

        public void onLeft(final int roomId, final LeaveReason reason)
        {
            super.onLeft(roomId, reason);
            told.add("left " + roomId + " " + reason);
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
            super.onEvent(roomId, seq, senderSessionId, typeId, buffer, offset, length);
            seqs.computeIfAbsent(roomId, (id) -> new ArrayList<>()).add(seq);
            told.add("event " + roomId + " " + buffer.getStringWithoutLengthUtf8(offset, length));
        }

        public void onMemberJoined(final int roomId, final long seq, final int sessionId)
        {
            super.onMemberJoined(roomId, seq, sessionId);
            seqs.computeIfAbsent(roomId, (id) -> new ArrayList<>()).add(seq);
        }

        public void onMemberLeft(final int roomId, final long seq, final int sessionId, final LeaveReason reason)
        {
            super.onMemberLeft(roomId, seq, sessionId, reason);
            seqs.computeIfAbsent(roomId, (id) -> new ArrayList<>()).add(seq);
        }

        int indexOf(final String entry)
        {
            final int index = told.indexOf(entry);
            assertTrue(index >= 0, "never told \"" + entry + "\": " + told);
            return index;
        }
    }

    private GameServer server(final int port)
    {
        final GameServer server = harness.launch(harness.serverContext(port)
            .listener(serverListener)
            .sessionTimeoutNs(TimeUnit.MILLISECONDS.toNanos(1_000))
            .keepAliveIntervalNs(TimeUnit.MILLISECONDS.toNanos(100))
            .resumeWindowNs(TimeUnit.SECONDS.toNanos(60)));
        server.poll();
        return server;
    }

    private GameClient client(final int port, final Timeline timeline, final NetworkSimulator sim)
    {
        final GameClient client = harness.connect(harness.clientContext(port).listener(timeline)
            .networkSimulator(sim).connectTimeoutNs(TimeUnit.SECONDS.toNanos(5)));
        harness.awaitConnected(client);
        return client;
    }

    private void join(final GameClient client, final Timeline timeline, final int roomId)
    {
        client.join(roomId);
        Tests.await(() -> timeline.joined.contains(roomId), 10_000, harness::pollAll, () -> "joined " + roomId);
    }

    private long broadcast(final Room room, final String text)
    {
        final int length = payload.putStringWithoutLengthUtf8(0, text);
        final long seq = room.broadcast(1, payload, 0, length);
        assertTrue(seq > 0, "broadcast " + text + ": " + seq);
        return seq;
    }

    private void awaitSuspended(final int count)
    {
        Tests.await(() -> serverListener.suspended.size() == count, 20_000, harness::pollAll,
            () -> "the server suspended the session");
    }

    /**
     * While the session is away the server sends to room A, kicks it from A, closes B, joins it to C and sends there
     * and directly.
     */
    private long[] changeWhileAway(final GameServer server, final Session session)
    {
        final Room a = server.room(ROOM_A);
        broadcast(a, "a-while-away-1");
        final long lastOwedA = broadcast(a, "a-while-away-2");
        assertTrue(a.leave(session, LeaveReason.KICKED));
        assertTrue(server.closeRoom(ROOM_B));
        final Room c = server.createRoom(ROOM_C, new RoomOptions());
        assertTrue(c.join(session));
        broadcast(c, "c-while-away");
        final UnsafeBuffer direct = RoomSystemTest.utf8("direct-while-away");
        server.send(session, 7, direct, 0, direct.capacity());
        return new long[]{ lastOwedA, c.lastSeq() };
    }

    private void assertToldTheTruth(final Timeline timeline, final GameClient client, final Session session)
    {
        final int kicked = timeline.indexOf("left " + ROOM_A + " KICKED");
        assertTrue(timeline.indexOf("event " + ROOM_A + " a-while-away-1") < kicked, timeline.told.toString());
        assertTrue(timeline.indexOf("event " + ROOM_A + " a-while-away-2") < kicked, timeline.told.toString());
        final int closed = timeline.indexOf("left " + ROOM_B + " ROOM_CLOSED");
        final int joinedC = timeline.told.lastIndexOf("joined " + ROOM_C);
        assertTrue(joinedC >= 0 && joinedC < timeline.indexOf("event " + ROOM_C + " c-while-away"), timeline.told.toString());
        final int resumed = timeline.indexOf("connected true");
        assertTrue(resumed > kicked && resumed > closed && resumed > timeline.indexOf("event 0 direct-while-away") &&
            resumed > timeline.indexOf("event " + ROOM_C + " c-while-away"),
            "resumed is reported once everything missed was delivered: " + timeline.told);

        assertFalse(client.isMemberOf(ROOM_A));
        assertFalse(client.isMemberOf(ROOM_B));
        assertTrue(client.isMemberOf(ROOM_C));
        final TreeSet<Integer> serverRooms = new TreeSet<>();
        session.forEachRoom(serverRooms::add);
        assertEquals(new TreeSet<>(List.of(ROOM_C)), serverRooms, "the server's view");

        for (final Map.Entry<Integer, List<Long>> stream : timeline.seqs.entrySet())
        {
            final List<Long> seqs = stream.getValue();
            for (int i = 1; i < seqs.size(); i++)
            {
                assertTrue(seqs.get(i) > seqs.get(i - 1), "in order, once, room " + stream.getKey() + ": " + seqs);
            }
        }
        assertEquals(1, timeline.left.stream().filter((l) -> l.startsWith(ROOM_A + ":")).count(), "told once");
        assertEquals(1, timeline.left.stream().filter((l) -> l.startsWith(ROOM_B + ":")).count(), "told once");
    }

    @Test
    void shouldTellAResumedSessionEveryChangeMadeWhileItWasAway()
    {
        final int port = Tests.freePortPair();
        final GameServer server = server(port);
        final Room a = server.createRoom(ROOM_A, new RoomOptions());
        server.createRoom(ROOM_B, new RoomOptions());
        final NetworkSimulator sim = new NetworkSimulator(3);
        final Timeline timeline = new Timeline();
        final GameClient client = client(port, timeline, sim);
        join(client, timeline, ROOM_A);
        join(client, timeline, ROOM_B);
        final long before = broadcast(a, "a-before");
        Tests.await(() -> client.lastDeliveredSeq(ROOM_A) == before, 10_000, harness::pollAll, () -> "delivered");
        final Session session = server.session(client.sessionId());

        sim.lossPercent(100);
        awaitSuspended(1);
        final long[] heads = changeWhileAway(server, session);
        sim.lossPercent(0);

        Tests.await(() -> timeline.resumes == 1, 30_000, harness::pollAll,
            () -> "resumed: " + client.state() + " " + timeline.told);
        assertToldTheTruth(timeline, client, session);
        assertEquals(heads[1], client.lastDeliveredSeq(ROOM_C));
        assertContiguousFrom(timeline.seqs.get(ROOM_A), heads[0]);
    }

    @Test
    void shouldTellANewProcessResumingTheSessionEveryChangeMadeWhileItWasAway()
    {
        final int port = Tests.freePortPair();
        final GameServer server = server(port);
        final Room a = server.createRoom(ROOM_A, new RoomOptions());
        server.createRoom(ROOM_B, new RoomOptions());
        final Timeline first = new Timeline();
        final GameClient original = client(port, first, null);
        join(original, first, ROOM_A);
        join(original, first, ROOM_B);
        final long before = broadcast(a, "a-before");
        Tests.await(() -> original.lastDeliveredSeq(ROOM_A) == before, 10_000, harness::pollAll, () -> "delivered");
        final Session session = server.session(original.sessionId());
        final int sessionId = original.sessionId();
        final long secret = original.resumeSecret();
        final long deliveredA = original.lastDeliveredSeq(ROOM_A);
        final long deliveredB = original.lastDeliveredSeq(ROOM_B);
        final long deliveredDirect = original.lastDeliveredSeq(0);
        harness.abortClient(original);
        awaitSuspended(1);

        final long[] heads = changeWhileAway(server, session);

        final Timeline second = new Timeline();
        final GameClient restarted = harness.connect(harness.clientContext(port).listener(second)
            .resume(sessionId, secret)
            .resumeRoom(ROOM_A, deliveredA)
            .resumeRoom(ROOM_B, deliveredB)
            .resumeRoom(0, deliveredDirect));
        Tests.await(() -> second.resumes == 1, 30_000, harness::pollAll,
            () -> "resumed: " + restarted.state() + " " + second.told);
        assertEquals(sessionId, restarted.sessionId());
        assertToldTheTruth(second, restarted, session);
        assertEquals(heads[1], restarted.lastDeliveredSeq(ROOM_C));
        assertContiguousFrom(second.seqs.get(ROOM_A), heads[0]);
        assertFalse(second.told.contains("event " + ROOM_A + " a-before"), "nothing delivered twice across processes");
    }

    @Test
    void shouldTellANewProcessWithoutHintsItsRoomsAndNothingTwice()
    {
        final int port = Tests.freePortPair();
        final GameServer server = server(port);
        final Room a = server.createRoom(ROOM_A, new RoomOptions());
        final Timeline first = new Timeline();
        final GameClient original = client(port, first, null);
        join(original, first, ROOM_A);
        final long before = broadcast(a, "a-before");
        Tests.await(() -> original.lastDeliveredSeq(ROOM_A) == before, 10_000, harness::pollAll, () -> "delivered");
        // acknowledged before the crash
        Tests.drive(200, harness::pollAll);
        final int sessionId = original.sessionId();
        final long secret = original.resumeSecret();
        harness.abortClient(original);
        awaitSuspended(1);
        final long missed = broadcast(a, "a-missed");

        final Timeline second = new Timeline();
        final GameClient restarted = harness.connect(harness.clientContext(port).listener(second)
            .resume(sessionId, secret));
        Tests.await(() -> second.resumes == 1 && restarted.lastDeliveredSeq(ROOM_A) == missed, 30_000,
            harness::pollAll, () -> "resumed: " + restarted.state() + " " + second.told);
        assertTrue(restarted.isMemberOf(ROOM_A), "learnt its room from the server");
        assertEquals(List.of("joined " + ROOM_A, "event " + ROOM_A + " a-missed", "connected true"), second.told);
    }

    @ParameterizedTest(name = "polled every {0} ms")
    @ValueSource(longs = { 16, 50 })
    void shouldResumeABacklogOfTenThousandEventsAtAGameLoopsPace(final long pollIntervalMs)
    {
        final int port = Tests.freePortPair();
        final GameServer server = server(port);
        final Room room = server.createRoom(ROOM_A, new RoomOptions().historyCount(30_000).historyBytes(16 << 20));
        final NetworkSimulator sim = new NetworkSimulator(5);
        final Timeline timeline = new Timeline();
        final GameClient client = client(port, timeline, sim);
        join(client, timeline, ROOM_A);
        final long first = broadcast(room, "first");
        Tests.await(() -> client.lastDeliveredSeq(ROOM_A) == first, 10_000, harness::pollAll, () -> "delivered");

        sim.lossPercent(100);
        awaitSuspended(1);
        for (int i = 0; i < 10_000; i++)
        {
            broadcast(room, "backlog-" + i);
        }
        final long last = room.lastSeq();
        sim.lossPercent(0);

        final long startNs = System.nanoTime();
        final long deadlineNs = startNs + TimeUnit.SECONDS.toNanos(60);
        while (timeline.resumes == 0 || client.lastDeliveredSeq(ROOM_A) < last)
        {
            assertTrue(System.nanoTime() - deadlineNs < 0, "caught up at a game loop's pace: " + client.state() +
                " delivered " + client.lastDeliveredSeq(ROOM_A) + "/" + last);
            Tests.drive(pollIntervalMs, server::poll);
            client.poll();
        }
        final long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        System.out.println("backlog of 10000 resumed at one poll per " + pollIntervalMs + " ms in " + tookMs + " ms");

        assertEquals(0, client.counter(EngineCounter.LANE_REBINDS), "no rebind loops");
        assertEquals(ClientState.CONNECTED, client.state());
        assertContiguousFrom(timeline.seqs.get(ROOM_A), last);
        assertEquals(timeline.seqs.get(ROOM_A).size(), timeline.deliveredWhenResumed,
            "resumed was reported after the whole backlog");
    }

    @Test
    void shouldReportResumedOnlyOnceABacklogOfTwentyThousandEventsIsDelivered()
    {
        final int port = Tests.freePortPair();
        final GameServer server = server(port);
        final Room room = server.createRoom(ROOM_A, new RoomOptions().historyCount(40_000).historyBytes(32 << 20));
        final NetworkSimulator sim = new NetworkSimulator(6);
        final Timeline timeline = new Timeline();
        final GameClient client = client(port, timeline, sim);
        join(client, timeline, ROOM_A);
        sim.lossPercent(100);
        awaitSuspended(1);
        final String filler = "x".repeat(200);
        for (int i = 0; i < 20_000; i++)
        {
            broadcast(room, "b" + i + filler);
        }
        final long last = room.lastSeq();
        sim.lossPercent(0);

        Tests.await(() -> timeline.resumes == 1, 60_000, harness::pollAll,
            () -> "resumed: " + client.lastDeliveredSeq(ROOM_A) + "/" + last);
        assertEquals(last, client.lastDeliveredSeq(ROOM_A), "every missed event delivered when resumed is reported");
        assertEquals(timeline.seqs.get(ROOM_A).size(), timeline.deliveredWhenResumed);
        assertContiguousFrom(timeline.seqs.get(ROOM_A), last);
    }

    @Test
    void shouldDeliverExactlyOnceInOrderOverALossyNetworkAfterTheOutage()
    {
        final int port = Tests.freePortPair();
        final GameServer server = server(port);
        final Room room = server.createRoom(ROOM_A, new RoomOptions().historyCount(10_000).historyBytes(8 << 20));
        final NetworkSimulator sim = new NetworkSimulator(8);
        final Timeline timeline = new Timeline();
        final GameClient client = client(port, timeline, sim);
        join(client, timeline, ROOM_A);
        sim.lossPercent(100);
        awaitSuspended(1);
        for (int i = 0; i < 2_000; i++)
        {
            broadcast(room, "l" + i);
        }
        sim.lossPercent(10).jitterMs(3).latencyMs(2).duplicatePercent(3).reorderPercent(3);
        for (int i = 0; i < 200; i++)
        {
            broadcast(room, "live" + i);
            harness.pollAll();
        }
        final long last = room.lastSeq();

        Tests.await(() -> timeline.resumes >= 1 && client.lastDeliveredSeq(ROOM_A) == last, 60_000, harness::pollAll,
            () -> "caught up under loss: " + client.state() + " " + client.lastDeliveredSeq(ROOM_A) + "/" + last);
        assertContiguousFrom(timeline.seqs.get(ROOM_A), last);
        assertEquals(0, timeline.resyncs.size());
    }

    @Test
    void shouldShowTheConnectHookWhichSessionAResumeIsForAndLetItRefuse()
    {
        final int port = Tests.freePortPair();
        final List<String> hookSaw = new ArrayList<>();
        final GameServer server = harness.launch(harness.serverContext(port)
            .listener(new RecordingServerListener()
            {
                public void onSessionSuspended(final Session session, final DisconnectReason reason)
                {
                    super.onSessionSuspended(session, reason);
                    serverListener.suspended.add(reason);
                }

                public void onConnectRequest(final ConnectRequest request)
                {
                    if (request.isResume())
                    {
                        final Session session = request.resumeSession();
                        hookSaw.add(session.sessionId() + " " + session.attachment());
                        if ("banned".equals(session.attachment()))
                        {
                            request.reject(DisconnectReason.DENIED);
                        }
                    }
                }
            })
            .sessionTimeoutNs(TimeUnit.MILLISECONDS.toNanos(1_000))
            .keepAliveIntervalNs(TimeUnit.MILLISECONDS.toNanos(100))
            .resumeWindowNs(TimeUnit.SECONDS.toNanos(60)));
        final NetworkSimulator sim = new NetworkSimulator(11);
        final Timeline timeline = new Timeline();
        final GameClient client = client(port, timeline, sim);
        final Session session = server.session(client.sessionId());
        session.attachment("player-1");

        sim.lossPercent(100);
        awaitSuspended(1);
        sim.lossPercent(0);
        Tests.await(() -> timeline.resumes == 1, 30_000, harness::pollAll, () -> "resumed: " + client.state());
        assertEquals(List.of(session.sessionId() + " player-1"), hookSaw);

        session.attachment("banned");
        sim.lossPercent(100);
        awaitSuspended(2);
        sim.lossPercent(0);
        Tests.await(() -> client.state() == ClientState.CONNECTION_REJECTED, 30_000, harness::pollAll,
            () -> "refused: " + client.state());
        assertEquals(DisconnectReason.DENIED, client.disconnectReason());
        assertEquals(DisconnectReason.DENIED, timeline.disconnected);
        assertEquals(2, hookSaw.size());
    }

    @Test
    void shouldCarryOnAsANewSessionWhenTheServerRestartedAndTheGameAskedForIt()
    {
        final int port = Tests.freePortPair();
        final GameServer first = server(port);
        first.createRoom(ROOM_A, new RoomOptions());
        final Timeline timeline = new Timeline();
        final GameClient client = harness.connect(harness.clientContext(port).listener(timeline)
            .resumeFallback(ResumeFallback.NEW_SESSION).connectTimeoutNs(TimeUnit.SECONDS.toNanos(5)));
        harness.awaitConnected(client);
        join(client, timeline, ROOM_A);
        final int oldSessionId = client.sessionId();

        harness.servers.remove(first);
        assertEquals("", DriverErrors.of(first));
        ServerTestSupport.abort(first);
        Tests.await(() -> client.state() != ClientState.CONNECTED, 20_000, harness::pollAll,
            () -> "the client noticed: " + client.state());
        final GameServer restarted = server(port);
        restarted.createRoom(ROOM_A, new RoomOptions());

        Tests.await(() -> timeline.connects == 2, 30_000, harness::pollAll,
            () -> "a new session: " + client.state() + " " + timeline.told);
        assertTrue(client.isConnected());
        assertEquals(DisconnectReason.RESUME_REJECTED, timeline.disconnected);
        assertFalse(client.isMemberOf(ROOM_A), "the old session's rooms are gone");
        assertTrue(timeline.indexOf("left " + ROOM_A + " DISCONNECTED") <
            timeline.told.lastIndexOf("connected false"), timeline.told.toString());
        assertEquals(1, restarted.sessionCount());
        assertEquals(0, timeline.resumes);
        assertTrue(client.sessionId() > 0);
        assertEquals(1, oldSessionId);
    }

    @Test
    void shouldBroadcastToEverySessionIncludingOneThatIsAwayAndListRoomsAndMembers()
    {
        final int port = Tests.freePortPair();
        final GameServer server = server(port);
        server.createRoom(ROOM_A, new RoomOptions());
        server.createRoom(ROOM_B, new RoomOptions());
        final Timeline here = new Timeline();
        final Timeline away = new Timeline();
        final NetworkSimulator sim = new NetworkSimulator(12);
        final GameClient present = client(port, here, null);
        final GameClient absent = client(port, away, sim);
        join(present, here, ROOM_A);
        join(absent, away, ROOM_A);
        join(absent, away, ROOM_B);

        final List<String> listed = new ArrayList<>();
        server.forEachRoom((room) ->
        {
            final TreeSet<Integer> members = new TreeSet<>();
            room.forEachMember((member) -> members.add(member.sessionId()));
            listed.add(room.roomId() + "=" + members);
        });
        listed.sort(String::compareTo);
        assertEquals(List.of(ROOM_A + "=[" + present.sessionId() + ", " + absent.sessionId() + "]",
            ROOM_B + "=[" + absent.sessionId() + "]"), listed);

        sim.lossPercent(100);
        awaitSuspended(1);
        final UnsafeBuffer news = RoomSystemTest.utf8("to everyone");
        assertEquals(2, server.broadcastAll(9, news, 0, news.capacity()));
        Tests.await(() -> here.told.contains("event 0 to everyone"), 10_000, harness::pollAll, () -> "present got it");
        sim.lossPercent(0);
        Tests.await(() -> away.resumes == 1, 30_000, harness::pollAll, () -> "resumed: " + absent.state());
        assertEquals(1, away.told.stream().filter("event 0 to everyone"::equals).count(), "once, after the resume");
        assertEquals(1, here.told.stream().filter("event 0 to everyone"::equals).count());
    }

    /**
     * The seqs a member delivered rise by exactly one and end at the given seq.
     */
    private static void assertContiguousFrom(final List<Long> seqs, final long last)
    {
        assertTrue(null != seqs && !seqs.isEmpty(), "delivered something");
        RoomSystemTest.assertContiguous(seqs, seqs.get(0), last);
    }
}
