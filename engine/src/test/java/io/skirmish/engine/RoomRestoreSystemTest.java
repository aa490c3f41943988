package io.skirmish.engine;

import io.skirmish.engine.client.GameClient;
import io.skirmish.engine.client.TickClock;
import io.skirmish.engine.protocol.RoomEventFlyweight;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.Room;
import io.skirmish.engine.server.RoomListener;
import io.skirmish.engine.server.RoomOptions;
import io.skirmish.engine.server.ServerListener;
import io.skirmish.engine.server.Session;
import io.skirmish.engine.server.ServerTestSupport;
import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server restarted on the same archive directory restores its durable room: the seq continues after the last
 * recorded one, the history holds the last events, and the game is handed the newest keyframe and exactly the
 * events after it; first after a clean close in the same process, then after a separate server process is killed
 * with SIGKILL mid-stream.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RoomRestoreSystemTest
{
    private static final int ROOM = 41;
    private static final int HISTORY = 64;
    private static final int TICK_RATE_HZ = 50;

    private final SystemTestHarness harness = new SystemTestHarness();
    private File archiveDir;
    private ChildServer child;

    /** What the game is handed while a room is restored. */
    static final class Restored implements RoomListener
    {
        final List<String> keyframes = new ArrayList<>();
        final List<Long> seqs = new ArrayList<>();
        final List<byte[]> payloads = new ArrayList<>();

        public void onRestoreKeyframe(
            final Room room, final long seq, final DirectBuffer buffer, final int offset, final int length)
        {
            keyframes.add(seq + ":" + buffer.getStringWithoutLengthAscii(offset, length));
        }

        public void onRestoreEvent(
            final Room room,
            final long seq,
            final int typeId,
            final int flags,
            final int senderSessionId,
            final DirectBuffer buffer,
            final int offset,
            final int length)
        {
            seqs.add(seq);
            final byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            payloads.add(bytes);
        }
    }

    /** A ticking room publishing a snapshot each tick; the inputs the game is handed, with the room's tick then. */
    static final class Ticking implements RoomListener, ServerListener
    {
        final UnsafeBuffer state = new UnsafeBuffer(new byte[8]);
        final LongArrayList inputTicks = new LongArrayList();
        final LongArrayList roomTicksAtInput = new LongArrayList();
        Room room;

        public void onTick(final Room room, final long tick, final long nowNs)
        {
            this.room = room;
            state.putLong(0, tick);
            room.publishSharedSnapshot(tick, state, 0, 8);
        }

        public void onInput(
            final Session session, final long inputTick, final DirectBuffer buffer, final int offset, final int length)
        {
            inputTicks.addLong(inputTick);
            roomTicksAtInput.addLong(null == room ? -1 : room.tick());
        }

        long lastInputTick()
        {
            return inputTicks.isEmpty() ? -1 : inputTicks.getLong(inputTicks.size() - 1);
        }
    }

    @AfterEach
    void after() throws InterruptedException
    {
        if (null != child)
        {
            child.close();
        }
        harness.close();
        if (null != archiveDir)
        {
            IoUtil.delete(archiveDir, true);
        }
    }

    @Test
    void shouldRestoreSeqHistoryAndStateAfterARestartInProcess() throws Exception
    {
        archiveDir = Files.createTempDirectory("skirmish-restore-test").toFile();
        final GameServer a = launch(Tests.freePortPair());
        final Room room = a.createRoom(ROOM, new RoomOptions().durable(true).historyCount(HISTORY));
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[256]);
        final List<byte[]> sent = new ArrayList<>();
        sent.add(null); // seqs start at 1
        for (int i = 1; i <= 150; i++)
        {
            final int length = 1 + (i * 13) % 256;
            for (int j = 0; j < length; j++)
            {
                payload.putByte(j, (byte)(i * 17 + j));
            }
            assertEquals(i, room.broadcast(100 + i % 3, payload, 0, length));
            final byte[] bytes = new byte[length];
            payload.getBytes(0, bytes);
            sent.add(bytes);
            if (40 == i || 100 == i)
            {
                final byte[] state = ("state at " + i).getBytes(StandardCharsets.US_ASCII);
                assertEquals(i, room.recordKeyframe(new UnsafeBuffer(state), 0, state.length));
            }
            if (0 == i % 25)
            {
                harness.pollAll();
            }
        }
        close(a);

        final int portB = Tests.freePortPair();
        final GameServer b = launch(portB);
        final Restored restored = new Restored();
        final Room again = b.restoreRoom(ROOM, new RoomOptions().historyCount(HISTORY).listener(restored));
        assertTrue(again.isDurable());
        assertEquals(150, again.lastSeq(), "seq continues after the last recorded");
        assertEquals(List.of("100:state at 100"), restored.keyframes, "the newest keyframe only");
        assertEquals(50, restored.seqs.size(), "events after the keyframe: " + restored.seqs);
        for (int k = 0; k < 50; k++)
        {
            assertEquals(101 + k, restored.seqs.get(k));
            assertArrayEquals(sent.get(101 + k), restored.payloads.get(k), "payload of " + (101 + k));
        }
        assertEquals(150 - HISTORY + 1, again.oldestRetainedSeq(), "history holds the last events");
        for (long seq = again.oldestRetainedSeq(); seq <= 150; seq++)
        {
            final UnsafeBuffer event = new UnsafeBuffer(ServerTestSupport.historyEvent(again, seq));
            final RoomEventFlyweight frame = new RoomEventFlyweight();
            frame.wrap(event, 0, event.capacity());
            assertEquals(seq, frame.seq());
            assertEquals(100 + seq % 3, frame.typeId());
            final byte[] bytes = new byte[event.capacity() - RoomEventFlyweight.PAYLOAD_OFFSET];
            event.getBytes(RoomEventFlyweight.PAYLOAD_OFFSET, bytes);
            assertArrayEquals(sent.get((int)seq), bytes, "history payload of " + seq);
        }
        System.out.println("in-process restore: lastSeq=" + again.lastSeq() + " keyframe=" + restored.keyframes +
            " events after it=" + restored.seqs.size() + " history=" + again.oldestRetainedSeq() + ".." +
            again.lastSeq());

        final RecordingClientListener listener = new RecordingClientListener();
        final GameClient client = harness.connect(harness.clientContext(portB).listener(listener));
        harness.awaitConnected(client);
        client.join(ROOM);
        Tests.await(() -> 1 == again.memberCount(), 10_000, harness::pollAll, () -> "joined B");
        final UnsafeBuffer next = new UnsafeBuffer("after the restart".getBytes(StandardCharsets.UTF_8));
        final long nextSeq = again.broadcast(9, next, 0, next.capacity());
        assertEquals(152, nextSeq, "151 is the join's membership event");
        Tests.await(() -> listener.events.contains(ROOM + "/152/0/9/after the restart"), 10_000, harness::pollAll,
            () -> "client events " + listener.events + " membership " + listener.membership);
        System.out.println("client on B: membership=" + listener.membership + " events=" + listener.events);
        close(b);

        final GameServer c = launch(Tests.freePortPair());
        final Restored third = new Restored();
        final Room stitched = c.restoreRoom(ROOM, new RoomOptions().historyCount(HISTORY).listener(third));
        assertEquals(152, stitched.lastSeq(), "B's recording continues A's");
        assertEquals(List.of("100:state at 100"), third.keyframes);
        assertEquals(52, third.seqs.size(), "events after the keyframe across both recordings");
        assertEquals(152L, third.seqs.get(51));
        assertArrayEquals("after the restart".getBytes(StandardCharsets.UTF_8), third.payloads.get(51));
    }

    @Test
    void shouldRestoreOnlyTheLatestLifetimeOfARoomIdAndAnEmptyRoomWithoutRecordings() throws Exception
    {
        archiveDir = Files.createTempDirectory("skirmish-restore-lifetime").toFile();
        final GameServer a = launch(Tests.freePortPair());
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[16]);
        final Room first = a.createRoom(ROOM, new RoomOptions().durable(true));
        for (int i = 1; i <= 30; i++)
        {
            payload.putInt(0, i);
            first.broadcast(1, payload, 0, 4);
        }
        final byte[] oldState = "old".getBytes(StandardCharsets.US_ASCII);
        first.recordKeyframe(new UnsafeBuffer(oldState), 0, oldState.length);
        assertTrue(a.closeRoom(ROOM));
        final Room second = a.createRoom(ROOM, new RoomOptions().durable(true));
        for (int i = 1; i <= 5; i++)
        {
            payload.putInt(0, 1000 + i);
            second.broadcast(2, payload, 0, 4);
        }
        close(a);

        final GameServer b = launch(Tests.freePortPair());
        final Restored restored = new Restored();
        final Room room = b.restoreRoom(ROOM, new RoomOptions().listener(restored));
        assertEquals(5, room.lastSeq(), "the room created afresh, not the closed one");
        assertEquals(List.of(), restored.keyframes, "the closed room's keyframe is not restored");
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), restored.seqs);
        assertEquals(1005, new UnsafeBuffer(restored.payloads.get(4)).getInt(0));

        final Room empty = b.restoreRoom(ROOM + 1, new RoomOptions().listener(new Restored()));
        assertEquals(0, empty.lastSeq(), "nothing recorded: an empty durable room");
        assertTrue(empty.isDurable());
    }

    @Test
    void shouldRestoreWhatWasRecordedBeforeASigkill() throws Exception
    {
        archiveDir = Files.createTempDirectory("skirmish-restore-kill").toFile();
        child = new ChildServer(DurableRoomChild.class, Tests.freePortPair(), archiveDir.getAbsolutePath(),
            Integer.toString(ROOM));
        final ChildServer killed = child;
        Tests.await(() -> killed.lastSent() >= 300, 60_000, RoomRestoreSystemTest::pause,
            () -> "child sent " + killed.lastSent() + ": " + killed.output());
        assertTrue(child.kill());
        final long lastSent = child.lastSent();

        final int port = Tests.freePortPair();
        final GameServer server = ChildServer.launchAfterCrash(() -> launch(port), RoomRestoreSystemTest::pause);
        final Restored restored = new Restored();
        final Room room = server.restoreRoom(ROOM, new RoomOptions().historyCount(HISTORY).listener(restored));
        final long lastSeq = room.lastSeq();
        System.out.println("after SIGKILL: child printed sent " + lastSent + ", recorded and restored " + lastSeq +
            ", keyframe " + restored.keyframes + ", events after it " + restored.seqs.size() + ", exit " +
            child.exitValue());
        assertTrue(lastSeq >= 300 && lastSeq <= lastSent + 1, "recorded " + lastSeq + " of " + lastSent);
        assertEquals(List.of(DurableRoomChild.KEYFRAME_SEQ + ":state after " + DurableRoomChild.KEYFRAME_SEQ),
            restored.keyframes);
        assertEquals(lastSeq - DurableRoomChild.KEYFRAME_SEQ, restored.seqs.size());
        for (int k = 0; k < restored.seqs.size(); k++)
        {
            final long seq = DurableRoomChild.KEYFRAME_SEQ + 1 + k;
            assertEquals(seq, restored.seqs.get(k));
            assertArrayEquals(("event " + seq).getBytes(StandardCharsets.UTF_8), restored.payloads.get(k));
        }
        assertEquals(lastSeq - HISTORY + 1, room.oldestRetainedSeq());

        final RecordingClientListener listener = new RecordingClientListener();
        final GameClient client = harness.connect(harness.clientContext(port).listener(listener));
        harness.awaitConnected(client);
        client.join(ROOM);
        Tests.await(() -> 1 == room.memberCount(), 10_000, harness::pollAll, () -> "joined");
        final UnsafeBuffer next = new UnsafeBuffer("event after".getBytes(StandardCharsets.UTF_8));
        assertEquals(lastSeq + 2, room.broadcast(7, next, 0, next.capacity()));
        final String expected = ROOM + "/" + (lastSeq + 2) + "/0/7/event after";
        Tests.await(() -> listener.events.contains(expected), 10_000, harness::pollAll,
            () -> "client events " + listener.events);
    }

    @Test
    void shouldContinueTheTicksOfARestoredRoomSoThatAResumedClientsInputsGoOn() throws Exception
    {
        archiveDir = Files.createTempDirectory("skirmish-restore-ticks").toFile();
        final int port = Tests.freePortPair();
        final Ticking sideA = new Ticking();
        final GameServer a = harness.launch(harness.serverContext(port).listener(sideA)
            .archiveDirectoryName(archiveDir.getAbsolutePath()));
        final Room roomA = a.createRoom(ROOM, new RoomOptions().durable(true).tickRateHz(TICK_RATE_HZ)
            .listener(sideA));
        final RecordingClientListener listener = new RecordingClientListener();
        final GameClient client = harness.connect(harness.clientContext(port).listener(listener)
            .tickRateHz(TICK_RATE_HZ));
        harness.awaitConnected(client);
        client.join(ROOM);
        final UnsafeBuffer input = new UnsafeBuffer(new byte[4]);
        final Tests.Poller playing = () ->
        {
            final TickClock clock = client.tickClock();
            long tick;
            while (client.isConnected() && TickClock.NOT_SYNCED != (tick = clock.pollInputTick(System.nanoTime())))
            {
                input.putInt(0, (int)tick);
                client.sendInput(tick, input, 0, 4);
            }
            if (0 == harness.pollAll())
            {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            return 1;
        };
        Tests.await(() -> sideA.lastInputTick() >= 6L * TICK_RATE_HZ, 60_000, playing,
            () -> "inputs on A up to " + sideA.lastInputTick() + " at tick " + roomA.tick());
        final long tickA = roomA.tick();
        final long lastInputA = sideA.lastInputTick();
        harness.servers.remove(a);
        ServerTestSupport.abort(a); // as a crash: the client is not told, and keeps its tick clock

        final Ticking sideB = new Ticking();
        final GameServer b = harness.launch(harness.serverContext(port).listener(sideB)
            .archiveDirectoryName(archiveDir.getAbsolutePath()));
        final Room roomB = b.restoreRoom(ROOM, new RoomOptions().tickRateHz(TICK_RATE_HZ).listener(sideB));
        final long restoredTick = roomB.tick();
        assertTrue(restoredTick > tickA, "the restored room's tick " + restoredTick + " continues after " + tickA);
        assertEquals(1, b.restoreSessions());
        final long[] tickAtResume = { -1 };
        Tests.await(() -> sideB.inputTicks.size() >= 20, 60_000, () ->
        {
            if (tickAtResume[0] < 0 && listener.resumes > 0)
            {
                tickAtResume[0] = roomB.tick();
            }
            return playing.poll();
        }, () -> "inputs on B " + sideB.inputTicks.size() + ", resumes " + listener.resumes + ", room tick " +
            roomB.tick() + ", client's input tick " + client.tickClock().inputTick(System.nanoTime()));
        final long firstInputB = sideB.inputTicks.getLong(0);
        final long roomTickAtFirst = sideB.roomTicksAtInput.getLong(0);
        System.out.println("ticks across a restart: A reached tick " + tickA + " (last input " + lastInputA +
            "), B restored at tick " + restoredTick + ", client resumed at B's tick " + tickAtResume[0] +
            ", first input on B for tick " + firstInputB + " at B's tick " + roomTickAtFirst);
        assertEquals(1, listener.resumes, "resumed, not a new session");
        assertTrue(firstInputB > lastInputA, "input ticks keep rising: " + firstInputB + " after " + lastInputA);
        assertTrue(tickAtResume[0] > 0 && roomTickAtFirst - tickAtResume[0] < TICK_RATE_HZ,
            "the resumed client's inputs reach the game within a second of ticks of its resume, not once the " +
            "room's tick has passed the old one: resumed at " + tickAtResume[0] + ", first input at " + roomTickAtFirst);
        for (int i = 0; i < sideB.inputTicks.size(); i++)
        {
            final long lead = sideB.inputTicks.getLong(i) - sideB.roomTicksAtInput.getLong(i);
            assertTrue(lead > -TICK_RATE_HZ && lead < TICK_RATE_HZ,
                "input for tick " + sideB.inputTicks.getLong(i) + " at room tick " + sideB.roomTicksAtInput.getLong(i));
        }
    }

    private GameServer launch(final int port)
    {
        return harness.launch(harness.serverContext(port).archiveDirectoryName(archiveDir.getAbsolutePath()));
    }

    private void close(final GameServer server)
    {
        server.close();
        harness.servers.remove(server);
    }

    private static int pause()
    {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        return 1;
    }
}
