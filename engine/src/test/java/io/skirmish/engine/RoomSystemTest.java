package io.skirmish.engine;

import io.skirmish.engine.client.GameClient;
import io.skirmish.engine.protocol.JoinResultFlyweight;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.Room;
import io.skirmish.engine.server.RoomListener;
import io.skirmish.engine.server.RoomOptions;
import io.skirmish.engine.server.Session;
import io.skirmish.engine.sim.NetworkSimulator;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rooms over real UDP: membership, fan-out, emits with veto, and sequenced delivery under loss.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RoomSystemTest
{
    private static final int ROOM = 7;
    private final SystemTestHarness harness = new SystemTestHarness();

    @AfterEach
    void after()
    {
        harness.close();
    }

    static UnsafeBuffer utf8(final String text)
    {
        return new UnsafeBuffer(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Records the sequence of one room as the game saw it: seq and payload, including membership events. */
    static class RoomRecorder extends RecordingClientListener
    {
        final int room;
        final List<Long> seqs = new ArrayList<>();
        final List<String> payloads = new ArrayList<>();
        long firstSeq = -1;

        RoomRecorder()
        {
            this(ROOM);
        }

        RoomRecorder(final int room)
        {
            this.room = room;
        }

        public void onJoined(final int roomId, final long nextSeq)
        {
            super.onJoined(roomId, nextSeq);
            if (roomId == room && firstSeq < 0)
            {
                firstSeq = nextSeq;
            }
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
            if (roomId == room)
            {
                seqs.add(seq);
                payloads.add(buffer.getStringWithoutLengthUtf8(offset, length));
            }
        }

        public void onMemberJoined(final int roomId, final long seq, final int sessionId)
        {
            super.onMemberJoined(roomId, seq, sessionId);
            if (roomId == room)
            {
                seqs.add(seq);
                payloads.add("+" + sessionId);
            }
        }

        public void onMemberLeft(final int roomId, final long seq, final int sessionId, final LeaveReason reason)
        {
            super.onMemberLeft(roomId, seq, sessionId, reason);
            if (roomId == room)
            {
                seqs.add(seq);
                payloads.add("-" + sessionId);
            }
        }

        public void onResync(
            final int roomId, final long seq, final DirectBuffer buffer, final int offset, final int length)
        {
            super.onResync(roomId, seq, buffer, offset, length);
        }
    }

    static void assertContiguous(final List<Long> seqs, final long first, final long last)
    {
        assertEquals(last - first + 1, seqs.size(), "count of delivered seqs " + first + ".." + last);
        for (int i = 0; i < seqs.size(); i++)
        {
            assertEquals(first + i, (long)seqs.get(i), "seq at index " + i);
        }
    }

    @Test
    void shouldJoinBroadcastEmitAndLeave()
    {
        final int port = Tests.freePortPair();
        final List<String> vetoed = new ArrayList<>();
        final GameServer server = harness.launch(harness.serverContext(port)
            .defaultRoomListener(new RoomListener()
            {
                public boolean onJoinRequest(
                    final Room room, final Session session, final DirectBuffer buffer, final int offset, final int length)
                {
                    return !"wrong".equals(buffer.getStringWithoutLengthUtf8(offset, length));
                }

                public boolean onEmit(
                    final Room room,
                    final Session sender,
                    final int typeId,
                    final DirectBuffer buffer,
                    final int offset,
                    final int length)
                {
                    final boolean allowed = typeId != 666;
                    if (!allowed)
                    {
                        vetoed.add(buffer.getStringWithoutLengthUtf8(offset, length));
                    }
                    return allowed;
                }
            }));
        final Room room = server.createRoom(ROOM, new RoomOptions());

        final RoomRecorder a = new RoomRecorder();
        final RoomRecorder b = new RoomRecorder();
        final RoomRecorder c = new RoomRecorder();
        final GameClient ca = harness.connect(harness.clientContext(port).listener(a));
        final GameClient cb = harness.connect(harness.clientContext(port).listener(b));
        final GameClient cc = harness.connect(harness.clientContext(port).listener(c));
        harness.awaitConnected(ca);
        harness.awaitConnected(cb);
        harness.awaitConnected(cc);

        ca.join(ROOM);
        cb.join(ROOM);
        final UnsafeBuffer wrong = utf8("wrong");
        cc.join(ROOM, wrong, 0, wrong.capacity());
        cc.join(999);
        Tests.await(() -> a.joined.contains(ROOM) && b.joined.contains(ROOM) && c.joinFailures.size() == 2, 5_000,
            harness::pollAll, () -> "joins: a=" + a.joined + " b=" + b.joined + " c=" + c.joinFailures);
        assertTrue(c.joinFailures.contains(ROOM + ":" + JoinResultFlyweight.DENIED));
        assertTrue(c.joinFailures.contains(999 + ":" + JoinResultFlyweight.NO_SUCH_ROOM));
        assertEquals(2, room.memberCount());

        final UnsafeBuffer hello = utf8("hello room");
        final long seq = room.broadcast(1, hello, 0, hello.capacity());
        final UnsafeBuffer fromA = utf8("from a");
        ca.emit(ROOM, 2, fromA, 0, fromA.capacity());
        final UnsafeBuffer notForB = utf8("not for b");
        cb.emitExceptSelf(ROOM, 3, notForB, 0, notForB.capacity());
        final UnsafeBuffer veto = utf8("cheat");
        cb.emit(ROOM, 666, veto, 0, veto.capacity());
        final UnsafeBuffer last = utf8("last");
        room.broadcastExcept(ca.sessionId(), 4, last, 0, last.capacity());

        Tests.await(() -> a.payloads.contains("not for b") && b.payloads.contains("from a") &&
            b.payloads.contains("last") && vetoed.size() == 1, 5_000, harness::pollAll,
            () -> "events a=" + a.payloads + " b=" + b.payloads);

        // server sends are sequenced at once; client emits when they reach the server
        assertEquals(List.of("+" + ca.sessionId(), "+" + cb.sessionId(), "hello room", "from a", "not for b"), a.payloads);
        assertEquals(List.of(1L, 2L, 3L, 5L, 6L), a.seqs);
        assertEquals(List.of("+" + cb.sessionId(), "hello room", "last", "from a"), b.payloads);
        assertEquals(List.of(2L, 3L, 4L, 5L), b.seqs);
        assertEquals(3, seq);
        assertEquals(1, server.counter(EngineCounter.EMITS_VETOED));
        assertEquals(room.lastSeq(), 6);
        assertEquals(room.lastSeq(), ca.lastDeliveredSeq(ROOM));
        assertEquals(room.lastSeq(), cb.lastDeliveredSeq(ROOM));

        cb.leave(ROOM);
        Tests.await(() -> b.left.contains(ROOM + ":" + LeaveReason.LEFT) &&
            a.payloads.contains("-" + cb.sessionId()), 5_000, harness::pollAll, () -> "leave");
        assertEquals(1, room.memberCount());
        assertTrue(!cb.isMemberOf(ROOM));

        server.closeRoom(ROOM);
        Tests.await(() -> a.left.contains(ROOM + ":" + LeaveReason.ROOM_CLOSED), 5_000, harness::pollAll,
            () -> "room closed");
        assertEquals(0, server.roomCount());
    }

    @Test
    void shouldGiveLateJoinerTheCurrentSeqAndConfiguredBacklog()
    {
        final int port = Tests.freePortPair();
        final GameServer server = harness.launch(harness.serverContext(port));
        final Room withBacklog = server.createRoom(ROOM, new RoomOptions().backlogCount(5));
        final Room noBacklog = server.createRoom(ROOM + 1, new RoomOptions());
        for (int i = 0; i < 20; i++)
        {
            final UnsafeBuffer event = utf8("old-" + i);
            withBacklog.broadcast(1, event, 0, event.capacity());
            noBacklog.broadcast(1, event, 0, event.capacity());
        }

        final RoomRecorder late = new RoomRecorder(ROOM);
        final RoomRecorder lateNoBacklog = new RoomRecorder(ROOM + 1);
        final GameClient client = harness.connect(harness.clientContext(port).listener(late));
        final GameClient other = harness.connect(harness.clientContext(port).listener(lateNoBacklog));
        harness.awaitConnected(client);
        harness.awaitConnected(other);
        client.join(ROOM);
        other.join(ROOM + 1);
        Tests.await(() -> client.lastDeliveredSeq(ROOM) == withBacklog.lastSeq() &&
            other.lastDeliveredSeq(ROOM + 1) == noBacklog.lastSeq(), 5_000, harness::pollAll, () -> "joined");

        assertEquals(16, late.firstSeq, "next seq after a backlog of 5 from seq 20");
        assertEquals(List.of("old-15", "old-16", "old-17", "old-18", "old-19", "+" + client.sessionId()),
            late.payloads);
        assertContiguous(late.seqs, 16, 21);
        assertEquals(21, lateNoBacklog.firstSeq, "the joiner learns the room's current seq");
        assertEquals(List.of("+" + other.sessionId()), lateNoBacklog.payloads);
    }

    @Test
    void shouldDeliverEveryEventExactlyOnceInOrderUnderLossDuplicationAndReordering()
    {
        final int port = Tests.freePortPair();
        final GameServer server = harness.launch(harness.serverContext(port)
            .sessionTimeoutNs(TimeUnit.SECONDS.toNanos(10)));
        final Room room = server.createRoom(ROOM, new RoomOptions().historyCount(65_536).historyBytes(8 << 20));

        final int clientCount = 3;
        final RoomRecorder[] recorders = new RoomRecorder[clientCount];
        final GameClient[] clients = new GameClient[clientCount];
        for (int i = 0; i < clientCount; i++)
        {
            recorders[i] = new RoomRecorder();
            clients[i] = harness.connect(harness.clientContext(port)
                .listener(recorders[i])
                .connectTimeoutNs(TimeUnit.SECONDS.toNanos(20))
                .networkSimulator(new NetworkSimulator(1000 + i)
                    .latencyMs(2)
                    .jitterMs(2)
                    .lossPercent(20)
                    .duplicatePercent(5)
                    .reorderPercent(5)));
        }
        for (final GameClient client : clients)
        {
            Tests.await(client::isConnected, 30_000, harness::pollAll, () -> "connect under loss " + client.state());
            client.join(ROOM);
        }
        Tests.await(() -> room.memberCount() == clientCount && recorders[clientCount - 1].joined.contains(ROOM),
            20_000, harness::pollAll, () -> "all joined");

        final int serverEvents = 1500;
        final int emitsPerClient = 500;
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[64]);
        int sentByServer = 0;
        final int[] emitted = new int[clientCount];
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (sentByServer < serverEvents || sumOf(emitted) < emitsPerClient * clientCount)
        {
            assertTrue(System.nanoTime() < deadline, "sending took too long");
            if (sentByServer < serverEvents)
            {
                final int length = payload.putStringWithoutLengthUtf8(0, "s" + sentByServer);
                if (room.broadcast(1, payload, 0, length) > 0)
                {
                    sentByServer++;
                }
            }
            for (int i = 0; i < clientCount; i++)
            {
                if (emitted[i] < emitsPerClient && clients[i].isConnected())
                {
                    final int length = payload.putStringWithoutLengthUtf8(0, "c" + i + ":" + emitted[i]);
                    if (clients[i].emit(ROOM, 2, payload, 0, length) > 0)
                    {
                        emitted[i]++;
                    }
                }
            }
            harness.pollAll();
        }

        final long expectedLast = (long)clientCount + serverEvents + (long)emitsPerClient * clientCount;
        Tests.await(() -> room.lastSeq() == expectedLast && allDelivered(clients, expectedLast), 60_000,
            harness::pollAll, () -> "delivery: lastSeq=" + room.lastSeq() + " delivered=" + delivered(clients));

        for (int i = 0; i < clientCount; i++)
        {
            final RoomRecorder recorder = recorders[i];
            assertContiguous(recorder.seqs, recorder.firstSeq, expectedLast);
            final List<String> fromServer = new ArrayList<>();
            for (final String p : recorder.payloads)
            {
                if (p.startsWith("s"))
                {
                    fromServer.add(p);
                }
            }
            assertEquals(serverEvents, fromServer.size());
            for (int e = 0; e < serverEvents; e++)
            {
                assertEquals("s" + e, fromServer.get(e));
            }
            for (int other = 0; other < clientCount; other++)
            {
                int next = 0;
                for (final String p : recorder.payloads)
                {
                    if (p.startsWith("c" + other + ":"))
                    {
                        assertEquals("c" + other + ":" + next, p, "emits of client " + other + " in order");
                        next++;
                    }
                }
                assertEquals(emitsPerClient, next, "all emits of client " + other + " seen by " + i);
            }
            assertEquals(0, recorder.resyncs.size());
        }
        long retransmits = 0;
        for (final GameClient client : clients)
        {
            retransmits += client.networkSimulator().packetsLost();
        }
        assertTrue(retransmits > 100, "the simulator really dropped packets: " + retransmits);
    }

    static int sumOf(final int[] values)
    {
        int sum = 0;
        for (final int v : values)
        {
            sum += v;
        }
        return sum;
    }

    static boolean allDelivered(final GameClient[] clients, final long seq)
    {
        for (final GameClient client : clients)
        {
            if (client.lastDeliveredSeq(ROOM) != seq)
            {
                return false;
            }
        }
        return true;
    }

    static String delivered(final GameClient[] clients)
    {
        final StringBuilder sb = new StringBuilder();
        for (final GameClient client : clients)
        {
            sb.append(client.lastDeliveredSeq(ROOM)).append(' ');
        }
        return sb.toString();
    }

    static int writeState(final MutableDirectBuffer buffer, final int offset, final String state)
    {
        return buffer.putStringWithoutLengthUtf8(offset, state);
    }
}
