package io.skirmish.engine;

import io.aeron.archive.ArchivingMediaDriver;
import io.aeron.archive.client.AeronArchive;
import io.skirmish.engine.archive.RoomArchive;
import io.skirmish.engine.archive.RoomRecordings;
import io.skirmish.engine.archive.RoomReplayHandler;
import io.skirmish.engine.client.GameClient;
import io.skirmish.engine.protocol.FrameHeaderFlyweight;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.Room;
import io.skirmish.engine.server.RoomOptions;
import io.skirmish.engine.server.Session;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A durable room over real UDP with an embedded ArchivingMediaDriver: every event, membership events and a kick
 * included, and the keyframes, replay from the archive byte for byte and in order; a plain room records nothing.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DurableRoomSystemTest
{
    private static final int DURABLE = 31;
    private static final int PLAIN = 32;
    private static final int EVENTS = 200;

    private final SystemTestHarness harness = new SystemTestHarness();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private File archiveDir;

    /** One frame as it was sent or replayed. */
    record Frame(String kind, long seq, int typeId, int flags, byte[] payload)
    {
        public boolean equals(final Object o)
        {
            return o instanceof Frame f && f.kind.equals(kind) && f.seq == seq && f.typeId == typeId &&
                f.flags == flags && Arrays.equals(f.payload, payload);
        }

        public int hashCode()
        {
            return Long.hashCode(seq);
        }

        public String toString()
        {
            return kind + "#" + seq + "/" + typeId + "/" + flags + "/" + payload.length;
        }
    }

    @AfterEach
    void after()
    {
        harness.close();
        for (int i = closeables.size() - 1; i >= 0; i--)
        {
            CloseHelper.quietClose(closeables.get(i));
        }
        if (null != archiveDir)
        {
            IoUtil.delete(archiveDir, true);
        }
    }

    @Test
    void shouldReplayEveryEventAndKeyframeByteForByte() throws Exception
    {
        archiveDir = Files.createTempDirectory("skirmish-archive-test").toFile();
        final int port = Tests.freePortPair();
        final GameServer server = harness.launch(harness.serverContext(port)
            .archiveDirectoryName(archiveDir.getAbsolutePath()));
        final Room room = server.createRoom(DURABLE, new RoomOptions().durable(true));
        final Room plain = server.createRoom(PLAIN, new RoomOptions());
        assertTrue(room.isDurable());

        final RecordingClientListener la = new RecordingClientListener();
        final RecordingClientListener lb = new RecordingClientListener();
        final GameClient a = harness.connect(harness.clientContext(port).listener(la));
        final GameClient b = harness.connect(harness.clientContext(port).listener(lb));
        harness.awaitConnected(a);
        harness.awaitConnected(b);
        a.join(DURABLE);
        b.join(DURABLE);
        a.join(PLAIN);
        Tests.await(() -> room.memberCount() == 2 && plain.memberCount() == 1, 10_000, harness::pollAll,
            () -> "members " + room.memberCount());

        final List<Frame> expectedKeyframes = new ArrayList<>();
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[300]);
        for (int i = 0; i < EVENTS; i++)
        {
            final int length = 1 + (i * 7) % 300;
            for (int j = 0; j < length; j++)
            {
                payload.putByte(j, (byte)(i * 31 + j));
            }
            assertTrue(room.broadcast(100 + i % 5, payload, 0, length) > 0);
            plain.broadcast(1, payload, 0, length);
            if (i == 50 || i == 150)
            {
                final byte[] state = ("state at " + i).getBytes();
                final long seq = room.recordKeyframe(new UnsafeBuffer(state), 0, state.length);
                assertEquals(room.lastSeq(), seq);
                expectedKeyframes.add(new Frame("K", seq, 0, 0, state));
            }
            if (i % 20 == 0)
            {
                harness.pollAll();
            }
            if (i == 100)
            {
                Tests.drive(300, harness::pollAll);
            }
        }
        final Session kicked = room.member(room.memberCount() - 1);
        room.leave(kicked, LeaveReason.KICKED);
        final UnsafeBuffer last = new UnsafeBuffer("after the kick".getBytes());
        room.broadcast(7, last, 0, last.capacity());
        final long lastSeq = room.lastSeq();
        harness.pollAll();
        assertEquals(0, server.counter(EngineCounter.RECORDING_FRAMES_LOST));
        assertEquals(0, server.counter(EngineCounter.RECORDING_GAPS));
        final long deferred = server.counter(EngineCounter.RECORDING_FRAMES_DEFERRED);

        server.close();
        harness.servers.remove(server);

        final List<Frame> replayed = new ArrayList<>();
        final long[] gaps = new long[1];
        final AeronArchive archive = launchArchiveOn(archiveDir);
        final RoomRecordings recordings = new RoomRecordings(archive, false, RoomArchive.DEFAULT_RECORDING_CHANNEL,
            RoomRecordings.DEFAULT_REPLAY_CHANNEL, RoomRecordings.DEFAULT_REPLAY_STREAM_ID);
        final LongArrayList ids = recordings.recordingIds(DURABLE);
        assertEquals(1, ids.size(), "recordings of the durable room");
        assertEquals(0, recordings.recordingIds(PLAIN).size(), "recordings of the plain room");

        final RoomReplayHandler handler = new RoomReplayHandler()
        {
            public void onEvent(
                final long seq, final int typeId, final int flags, final int sender, final long timestampNs,
                final DirectBuffer buffer, final int offset, final int length)
            {
                replayed.add(new Frame("E", seq, typeId, flags, bytes(buffer, offset, length)));
            }

            public void onKeyframe(
                final long seq, final long timestampNs, final DirectBuffer buffer, final int offset, final int length)
            {
                replayed.add(new Frame("K", seq, 0, 0, bytes(buffer, offset, length)));
            }

            public void onGap(final long fromSeq, final int lostFrames)
            {
                gaps[0]++;
            }
        };
        final long fullStartNs = System.nanoTime();
        final long frames = recordings.replay(ids.getLong(0), 1, handler, TimeUnit.SECONDS.toNanos(30));
        final long fullNs = System.nanoTime() - fullStartNs;
        final List<Frame> fullSpeed = new ArrayList<>(replayed);
        replayed.clear();
        final long pacedStartNs = System.nanoTime();
        final long pacedFrames = recordings.replay(ids.getLong(0), 1, 3.0, handler, TimeUnit.SECONDS.toNanos(30));
        final long pacedNs = System.nanoTime() - pacedStartNs;
        assertEquals(fullSpeed, replayed, "a paced replay hands over the same frames");
        assertEquals(frames, pacedFrames);
        assertTrue(pacedNs >= TimeUnit.MILLISECONDS.toNanos(90), "at 3x, 300 ms of recording take 100 ms: " + pacedNs);

        assertEquals(0, gaps[0], "gaps");
        final List<Frame> events = new ArrayList<>();
        final List<Frame> keyframes = new ArrayList<>();
        for (final Frame f : replayed)
        {
            (f.kind.equals("E") ? events : keyframes).add(f);
        }
        assertEquals(expectedKeyframes, keyframes);
        assertEquals(lastSeq, events.size(), "every seq from 1");
        for (int i = 0; i < events.size(); i++)
        {
            assertEquals(i + 1, events.get(i).seq, "seq in order");
        }
        // 2 joins, EVENTS broadcasts, the kick, the last event
        final int firstBroadcast = 2;
        int system = 0;
        for (final Frame f : events)
        {
            system += (f.flags & FrameHeaderFlyweight.FLAG_SYSTEM) != 0 ? 1 : 0;
        }
        assertEquals(3, system, "membership events: two joins and the kick");
        for (int i = 0; i < EVENTS; i++)
        {
            final int length = 1 + (i * 7) % 300;
            final byte[] expected = new byte[length];
            for (int j = 0; j < length; j++)
            {
                expected[j] = (byte)(i * 31 + j);
            }
            final Frame f = events.get(firstBroadcast + i);
            assertEquals(100 + i % 5, f.typeId);
            assertEquals(0, f.flags);
            assertArrayEquals(expected, f.payload, "payload of event " + i);
        }
        assertArrayEquals("after the kick".getBytes(), events.get(events.size() - 1).payload);
        // keyframes sit right after the event whose seq they carry
        for (final Frame k : keyframes)
        {
            final int index = replayed.indexOf(k);
            assertEquals(k.seq, replayed.get(index - 1).seq);
        }
        System.out.println("durable room: replayed " + events.size() + " events (" + system + " membership) and " +
            keyframes.size() + " keyframes, " + frames + " frames, 0 gaps, " + deferred + " deferred; full speed " +
            TimeUnit.NANOSECONDS.toMillis(fullNs) + " ms, paced 3x " + TimeUnit.NANOSECONDS.toMillis(pacedNs) + " ms");
    }

    @Test
    void shouldRecordWithTheArchiveOnItsOwnThreadInDedicatedMode() throws Exception
    {
        archiveDir = Files.createTempDirectory("skirmish-archive-test").toFile();
        final int port = Tests.freePortPair();
        final GameServer server = harness.launch(harness.serverContext(port)
            .threadingMode(ThreadingMode.DEDICATED)
            .archiveDirectoryName(archiveDir.getAbsolutePath()));
        final AtomicBoolean done = new AtomicBoolean();
        final long[] lastSeq = new long[1];
        assertTrue(server.proxy().execute(() ->
        {
            final Room room = server.createRoom(DURABLE, new RoomOptions().durable(true));
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[64]);
            for (int i = 0; i < 1000; i++)
            {
                payload.putInt(0, i);
                room.broadcast(9, payload, 0, 4 + i % 60);
            }
            room.recordKeyframe(payload, 0, 64);
            lastSeq[0] = room.lastSeq();
            server.closeRoom(DURABLE);
            done.set(true);
        }));
        Tests.await(done::get, 10_000, () -> 0, () -> "room recorded and closed");
        server.close();
        harness.servers.remove(server);

        final AeronArchive archive = launchArchiveOn(archiveDir);
        final RoomRecordings recordings = new RoomRecordings(archive, false, RoomArchive.DEFAULT_RECORDING_CHANNEL,
            RoomRecordings.DEFAULT_REPLAY_CHANNEL, RoomRecordings.DEFAULT_REPLAY_STREAM_ID);
        final LongArrayList ids = recordings.recordingIds(DURABLE);
        assertEquals(1, ids.size());
        final long[] next = { 1 };
        final int[] keyframes = new int[1];
        final long frames = recordings.replay(ids.getLong(0), 500, new RoomReplayHandler()
        {
            public void onEvent(
                final long seq, final int typeId, final int flags, final int sender, final long timestampNs,
                final DirectBuffer buffer, final int offset, final int length)
            {
                assertEquals(next[0] == 1 ? 500 : next[0], seq);
                assertEquals((int)seq - 1, buffer.getInt(offset));
                assertEquals(4 + (seq - 1) % 60, length);
                next[0] = seq + 1;
            }

            public void onKeyframe(
                final long seq, final long timestampNs, final DirectBuffer buffer, final int offset, final int length)
            {
                assertEquals(lastSeq[0], seq);
                keyframes[0]++;
            }
        }, TimeUnit.SECONDS.toNanos(30));
        assertEquals(1000, lastSeq[0]);
        assertEquals(1001, next[0]);
        assertEquals(1, keyframes[0]);
        assertEquals(502, frames, "events 500 to 1000 and the keyframe");
        System.out.println("dedicated: replayed from seq 500: " + frames + " frames");
    }

    @Test
    void shouldRefuseADurableRoomWithoutAnArchive()
    {
        final GameServer server = harness.launch(harness.serverContext(Tests.freePortPair()));
        assertThrows(IllegalStateException.class, () -> server.createRoom(DURABLE, new RoomOptions().durable(true)));
        assertFalse(server.context().archiveEnabled());
    }

    private AeronArchive launchArchiveOn(final File dir)
    {
        final ArchiveOnDirectory archive = ArchiveOnDirectory.launch(dir);
        closeables.add(archive);
        return archive.archive();
    }

    private static byte[] bytes(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] b = new byte[length];
        buffer.getBytes(offset, b);
        return b;
    }
}
