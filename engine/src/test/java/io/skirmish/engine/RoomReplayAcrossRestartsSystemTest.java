package io.skirmish.engine;

import io.aeron.ChannelUri;
import io.aeron.ExclusivePublication;
import io.aeron.archive.client.AeronArchive;
import io.aeron.archive.codecs.SourceLocation;
import io.skirmish.engine.archive.RecordingSink;
import io.skirmish.engine.archive.RoomArchive;
import io.skirmish.engine.archive.RoomRecorder;
import io.skirmish.engine.archive.RoomRecording;
import io.skirmish.engine.archive.RoomRecordings;
import io.skirmish.engine.archive.RoomReplayHandler;
import io.skirmish.engine.client.FeedListener;
import io.skirmish.engine.client.GameClient;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.Room;
import io.skirmish.engine.server.RoomOptions;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replays of a room across the recordings of several server processes (a room restored after restarts), of an
 * older match (the room id reused), from a late seq (a seek, not a read of the whole recording), and a restore that
 * meets a recording the archive still has active (it waits or refuses, never skips it).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RoomReplayAcrossRestartsSystemTest
{
    private static final int ROOM = 61;
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);

    private final SystemTestHarness harness = new SystemTestHarness();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private File archiveDir;

    @AfterEach
    void after()
    {
        harness.close();
        CloseHelper.quietCloseAll(closeables);
        if (null != archiveDir)
        {
            IoUtil.delete(archiveDir, true);
        }
    }

    /** What a replay hands over: "E seq type payload" or "K seq state". */
    static final class Frames implements RoomReplayHandler
    {
        final List<String> frames = new ArrayList<>();
        final List<Long> eventSeqs = new ArrayList<>();

        public void onEvent(
            final long seq, final int typeId, final int flags, final int senderSessionId, final long timestampNs,
            final DirectBuffer buffer, final int offset, final int length)
        {
            eventSeqs.add(seq);
            frames.add("E" + seq + ":" + typeId + ":" + hex(buffer, offset, length));
        }

        public void onKeyframe(
            final long seq, final long timestampNs, final DirectBuffer buffer, final int offset, final int length)
        {
            frames.add("K" + seq + ":" + hex(buffer, offset, length));
        }
    }

    static String hex(final DirectBuffer buffer, final int offset, final int length)
    {
        final StringBuilder sb = new StringBuilder(length * 2);
        for (int i = 0; i < length; i++)
        {
            sb.append(Integer.toHexString(buffer.getByte(offset + i) & 0xFF));
        }
        return sb.toString();
    }

    private static String payloadOf(final int seq, final int length)
    {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[length]);
        fill(b, seq, length);
        return hex(b, 0, length);
    }

    private static void fill(final UnsafeBuffer payload, final long seq, final int length)
    {
        for (int j = 0; j < length; j++)
        {
            payload.putByte(j, (byte)(seq * 31 + j));
        }
    }

    @Test
    void shouldStitchARestoredRoomsRecordingsAndReplayAnOlderMatch() throws Exception
    {
        archiveDir = Files.createTempDirectory("skirmish-stitch").toFile();
        final List<String> expected = restoredTwice();
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[64]);
        // a fourth process reuses the room id for a new match
        final GameServer fresh = harness.launch(harness.serverContext(Tests.freePortPair())
            .archiveDirectoryName(archiveDir.getAbsolutePath()));
        final Room newMatch = fresh.createRoom(ROOM, new RoomOptions().durable(true));
        final List<String> expectedNewMatch = new ArrayList<>();
        for (int i = 0; i < 25; i++)
        {
            final long seq = i + 1;
            fill(payload, seq, 9);
            assertEquals(seq, newMatch.broadcast(8, payload, 0, 9));
            expectedNewMatch.add("E" + seq + ":8:" + payloadOf((int)seq, 9));
            fresh.poll();
        }
        fresh.close();
        harness.servers.remove(fresh);

        final RoomRecordings recordings = recordingsOn(archiveDir);
        final List<RoomRecording> list = recordings.list(ROOM);
        System.out.println("recordings: " + list);
        assertEquals(4, list.size());
        assertEquals(1, list.get(0).firstSeq());
        assertEquals(40, list.get(0).lastSeq());
        assertEquals(41, list.get(1).firstSeq());
        assertEquals(80, list.get(1).lastSeq());
        assertEquals(81, list.get(2).firstSeq());
        assertEquals(120, list.get(2).lastSeq());
        assertEquals(1, list.get(3).firstSeq());
        assertEquals(25, list.get(3).lastSeq());
        assertTrue(list.get(0).startsLifetime());
        assertFalse(list.get(1).startsLifetime());
        assertFalse(list.get(2).startsLifetime());
        assertTrue(list.get(3).startsLifetime(), "the reused id starts a new match");
        for (final RoomRecording r : list)
        {
            assertFalse(r.isActive());
            assertTrue(r.stopTimestampMs() >= r.startTimestampMs());
        }

        final Frames newest = new Frames();
        assertEquals(25, recordings.replayRoom(ROOM, 1, 0, newest, TIMEOUT_NS));
        assertEquals(expectedNewMatch, newest.frames, "the room's newest match");

        final Frames older = new Frames();
        assertEquals(expected.size(), recordings.replayMatch(ROOM, list.get(1).recordingId(), 1, 0, older, TIMEOUT_NS));
        assertEquals(expected, older.frames, "the older match, stitched over three recordings");

        final Frames late = new Frames();
        recordings.replayMatch(ROOM, list.get(0).recordingId(), 75, 0, late, TIMEOUT_NS);
        assertEquals(expected.subList(expected.indexOf(expected.stream()
            .filter(f -> f.startsWith("E75:")).findFirst().orElseThrow()), expected.size()), late.frames,
            "from seq 75: the first recording is not read, the second entered by a seek");

        final Frames one = new Frames();
        recordings.replay(list.get(0).recordingId(), 1, one, TIMEOUT_NS);
        assertEquals(expected.subList(0, 41), one.frames, "one recording alone");
    }

    /**
     * Three server processes on the archive directory, one after the other: the room created, then restored twice;
     * each adds 40 events and a keyframe after the 20th.
     *
     * @return the frames recorded, in order.
     */
    private List<String> restoredTwice()
    {
        final List<String> expected = new ArrayList<>();
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[64]);
        // three processes: the room created, then restored twice; each adds events and a keyframe
        for (int run = 0; run < 3; run++)
        {
            final GameServer server = harness.launch(harness.serverContext(Tests.freePortPair())
                .archiveDirectoryName(archiveDir.getAbsolutePath()));
            final Room room = 0 == run ? server.createRoom(ROOM, new RoomOptions().durable(true)) :
                server.restoreRoom(ROOM, new RoomOptions());
            assertEquals(run * 40L, room.lastSeq(), "the restored room continues its seq");
            for (int i = 0; i < 40; i++)
            {
                final long seq = room.lastSeq() + 1;
                final int length = 1 + (int)(seq % 64);
                fill(payload, seq, length);
                assertEquals(seq, room.broadcast(7, payload, 0, length));
                expected.add("E" + seq + ":7:" + payloadOf((int)seq, length));
                if (i == 19)
                {
                    final UnsafeBuffer state = new UnsafeBuffer(("state " + seq).getBytes());
                    room.recordKeyframe(state, 0, state.capacity());
                    expected.add("K" + seq + ":" + hex(state, 0, state.capacity()));
                }
                server.poll();
            }
            server.close();
            harness.servers.remove(server);
        }
        return expected;
    }

    @Test
    void shouldReplayAMatchOverTheNetworkAcrossRestartsAndAnOlderMatch() throws Exception
    {
        archiveDir = Files.createTempDirectory("skirmish-net-stitch").toFile();
        final List<String> expected = restoredTwice();
        final int port = Tests.freePortPair();
        final GameServer server = harness.launch(harness.serverContext(port)
            .archiveDirectoryName(archiveDir.getAbsolutePath()));
        final Room newMatch = server.createRoom(ROOM, new RoomOptions().durable(true));
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[9]);
        final List<String> expectedNewMatch = new ArrayList<>();
        for (int seq = 1; seq <= 25; seq++)
        {
            fill(payload, seq, 9);
            assertEquals(seq, newMatch.broadcast(8, payload, 0, 9));
            expectedNewMatch.add("E" + seq + ":8:" + payloadOf(seq, 9));
            server.poll();
        }
        server.closeRoom(ROOM);
        final List<RoomRecording> list = server.roomRecordings().list(ROOM);
        assertEquals(4, list.size());

        final GameClient viewer = harness.connect(harness.clientContext(port).threadingMode(ThreadingMode.INVOKER));
        harness.awaitConnected(viewer);
        final NetworkFrames newest = replay(viewer, -1, 1);
        assertEquals(expectedNewMatch, newest.frames, "the newest match");

        final NetworkFrames older = replay(viewer, list.get(0).recordingId(), 1);
        assertEquals(expected, older.frames, "the older match, over its three recordings, each seq once");

        // from seq 95: the newest keyframe before it (after seq 60) is in the match's second recording, not the
        // third, where seq 95 is
        final NetworkFrames late = replay(viewer, list.get(2).recordingId(), 95);
        final int keyframe60 = expected.indexOf(expected.stream().filter(f -> f.startsWith("K60:")).findFirst()
            .orElseThrow());
        assertEquals(expected.subList(keyframe60, expected.size()), late.frames, "from the keyframe before seq 95");

        final NetworkFrames missing = new NetworkFrames();
        assertTrue(viewer.replay(ROOM, 999_999, 1, 0, missing) > 0);
        Tests.await(() -> null != missing.end, 10_000, harness::pollAll, () -> "refused");
        assertEquals(FeedEndReason.NO_SUCH_ROOM, missing.end, "a recording that is not the room's");
    }

    private NetworkFrames replay(final GameClient viewer, final long recordingId, final long fromSeq)
    {
        final NetworkFrames frames = new NetworkFrames();
        assertTrue(viewer.replay(ROOM, recordingId, fromSeq, 0, frames) > 0);
        Tests.await(() -> null != frames.end, 30_000, harness::pollAll, () -> "replay of " + recordingId);
        assertEquals(FeedEndReason.FINISHED, frames.end);
        return frames;
    }

    /** What a network replay delivers, as {@link Frames} has it. */
    static final class NetworkFrames implements FeedListener
    {
        final List<String> frames = new ArrayList<>();
        FeedEndReason end;

        public void onFeedKeyframe(
            final int feedId, final int roomId, final long seq, final long timestampNs, final DirectBuffer buffer,
            final int offset, final int length)
        {
            frames.add("K" + seq + ":" + hex(buffer, offset, length));
        }

        public void onFeedEvent(
            final int feedId, final int roomId, final long seq, final int typeId, final int flags,
            final int senderSessionId, final long timestampNs, final DirectBuffer buffer, final int offset,
            final int length)
        {
            frames.add("E" + seq + ":" + typeId + ":" + hex(buffer, offset, length));
        }

        public void onFeedEnd(final int feedId, final int roomId, final long lastSeq, final FeedEndReason reason)
        {
            end = reason;
        }
    }

    @Test
    void shouldSkipWhatARecordingRepeatsOfTheOneBefore() throws Exception
    {
        archiveDir = Files.createTempDirectory("skirmish-overlap").toFile();
        final ArchiveOnDirectory archive = ArchiveOnDirectory.launch(archiveDir);
        closeables.add(0, archive);
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[32]);
        // the first recording: events 1..60, a keyframe after 40
        try (FakeRecording first = new FakeRecording(archive.archive()))
        {
            for (long seq = 1; seq <= 60; seq++)
            {
                fill(payload, seq, 32);
                first.recorder.onEvent(seq, System.nanoTime(), 0, 5, 0, payload, 0, 32);
                if (40 == seq)
                {
                    first.recorder.onKeyframe(40, System.nanoTime(), payload, 0, 4);
                }
            }
            first.awaitRecorded();
        }
        // the next starts with the restored keyframe and the events after it (what the first already has), then goes on
        try (FakeRecording second = new FakeRecording(archive.archive()))
        {
            fill(payload, 40, 32);
            second.recorder.onKeyframe(40, System.nanoTime(), payload, 0, 4);
            for (long seq = 41; seq <= 90; seq++)
            {
                fill(payload, seq, 32);
                second.recorder.onEvent(seq, System.nanoTime(), 0, 5, 0, payload, 0, 32);
            }
            second.awaitRecorded();
        }
        final RoomRecordings recordings = new RoomRecordings(archive.archive(), false,
            RoomArchive.DEFAULT_RECORDING_CHANNEL, RoomRecordings.DEFAULT_REPLAY_CHANNEL,
            RoomRecordings.DEFAULT_REPLAY_STREAM_ID);
        final List<RoomRecording> list = recordings.list(ROOM);
        assertEquals(2, list.size());
        assertEquals(41, list.get(1).firstSeq(), "after its keyframe");
        assertFalse(list.get(1).startsLifetime());
        final Frames frames = new Frames();
        recordings.replayRoom(ROOM, 1, 0, frames, TIMEOUT_NS);
        final List<Long> seqs = new ArrayList<>();
        for (long seq = 1; seq <= 90; seq++)
        {
            seqs.add(seq);
        }
        assertEquals(seqs, frames.eventSeqs, "every seq exactly once, in order");
        assertEquals(1, frames.frames.stream().filter(f -> f.startsWith("K")).count(), "the repeated keyframe skipped");
        for (int i = 0; i < frames.eventSeqs.size(); i++)
        {
            final long seq = frames.eventSeqs.get(i);
            assertTrue(frames.frames.contains("E" + seq + ":5:" + payloadOf((int)seq, 32)), "payload of " + seq);
        }
    }

    @Test
    void shouldSeekToALateSeqInsteadOfReadingTheWholeRecording() throws Exception
    {
        archiveDir = Files.createTempDirectory("skirmish-seek").toFile();
        final GameServer server = harness.launch(harness.serverContext(Tests.freePortPair())
            .archiveDirectoryName(archiveDir.getAbsolutePath())
            .recordingChannel("aeron:ipc?term-length=64k"));
        final Room room = server.createRoom(ROOM, new RoomOptions().durable(true));
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[200]);
        final List<String> expected = new ArrayList<>();
        final int events = 4000;
        for (int i = 1; i <= events; i++)
        {
            fill(payload, i, 200);
            assertEquals(i, room.broadcast(3, payload, 0, 200));
            expected.add("E" + i + ":3:" + payloadOf(i, 200));
            if (i % 500 == 0)
            {
                final UnsafeBuffer state = new UnsafeBuffer(("state " + i).getBytes());
                room.recordKeyframe(state, 0, state.capacity());
                expected.add("K" + i + ":" + hex(state, 0, state.capacity()));
            }
            if (i % 16 == 0)
            {
                Tests.drive(1, harness::pollAll);
            }
        }
        server.close();
        harness.servers.remove(server);

        // over the network, from a server on the directory: the replay enters the recording at the term of the
        // keyframe before seq 3900 (after seq 3500), 14 terms in
        final int port = Tests.freePortPair();
        final GameServer second = harness.launch(harness.serverContext(port)
            .archiveDirectoryName(archiveDir.getAbsolutePath())
            .recordingChannel("aeron:ipc?term-length=64k"));
        final GameClient viewer = harness.connect(harness.clientContext(port).threadingMode(ThreadingMode.INVOKER));
        harness.awaitConnected(viewer);
        final NetworkFrames network = new NetworkFrames();
        assertTrue(viewer.replay(ROOM, 3900, 0, network) > 0);
        Tests.await(() -> null != network.end, 30_000, harness::pollAll, () -> "network replay from seq 3900");
        final int keyframe3500 = expected.indexOf("K3500:" + hex(new UnsafeBuffer("state 3500".getBytes()), 0, 10));
        assertEquals(expected.subList(keyframe3500, expected.size()), network.frames,
            "from the keyframe before seq 3900");
        second.close();
        harness.servers.remove(second);

        final RoomRecordings recordings = recordingsOn(archiveDir);
        final RoomRecording recording = recordings.list(ROOM).get(0);
        final long recordingId = recording.recordingId();
        final long recordedBytes = recording.stopPosition() - recording.startPosition();

        final RoomRecordings full = new RoomRecordings(recordings.archive(), false,
            RoomArchive.DEFAULT_RECORDING_CHANNEL, RoomRecordings.DEFAULT_REPLAY_CHANNEL,
            RoomRecordings.DEFAULT_REPLAY_STREAM_ID);
        final Frames all = new Frames();
        full.replay(recordingId, 1, all, TIMEOUT_NS);
        assertEquals(expected, all.frames);

        final RoomRecordings seeking = new RoomRecordings(recordings.archive(), false,
            RoomArchive.DEFAULT_RECORDING_CHANNEL, RoomRecordings.DEFAULT_REPLAY_CHANNEL,
            RoomRecordings.DEFAULT_REPLAY_STREAM_ID);
        final Frames late = new Frames();
        final long fromSeq = 3900;
        seeking.replay(recordingId, fromSeq, late, TIMEOUT_NS);
        final int firstLate = expected.indexOf("E" + fromSeq + ":3:" + payloadOf((int)fromSeq, 200));
        assertEquals(expected.subList(firstLate, expected.size()), late.frames, "from seq 3900, exact");
        System.out.println("seek: recording " + recordedBytes + " bytes; full replay read " + full.bytesRead() +
            " bytes (" + full.framesRead() + " frames); from seq " + fromSeq + " read " + seeking.bytesRead() +
            " bytes (" + seeking.framesRead() + " frames)");
        assertTrue(full.bytesRead() > recordedBytes * 3 / 4, "the full replay reads the recording");
        assertTrue(seeking.bytesRead() < 2 * 64 * 1024 + 101 * 300 + 64 * 1024,
            "the late replay reads about a term, not the whole recording: " + seeking.bytesRead());

        final RoomRecordings keyframeSeek = seeking;
        final long position = keyframeSeek.keyframeSeekPosition(recordingId, fromSeq, TIMEOUT_NS);
        assertTrue(position > recording.startPosition() && position < recording.stopPosition() - 64 * 1024 * 2,
            "the keyframe after seq 3500 is in a late term: " + position);
        final Frames fromPosition = new Frames();
        keyframeSeek.replay(recordingId, 3500, fromPosition, TIMEOUT_NS);
        assertEquals("K3500:" + hex(new UnsafeBuffer("state 3500".getBytes()), 0, 10), fromPosition.frames.get(1),
            "the event 3500, then the keyframe after it");
    }

    @Test
    void shouldWaitForOrRefuseARecordingStillActiveRatherThanRestoreWithoutIt() throws Exception
    {
        archiveDir = Files.createTempDirectory("skirmish-active").toFile();
        // an external archive that outlives the server: it still records a dead server's room
        final ArchiveOnDirectory external = ArchiveOnDirectory.launch(archiveDir);
        closeables.add(0, external);
        final FakeRecording stale = new FakeRecording(external.archive());
        closeables.add(0, stale);
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[32]);
        for (long seq = 1; seq <= 50; seq++)
        {
            fill(payload, seq, 32);
            stale.recorder.onEvent(seq, System.nanoTime(), 0, 5, 0, payload, 0, 32);
        }
        stale.awaitRecorded();
        assertEquals(AeronArchive.NULL_POSITION, external.archive().getStopPosition(stale.recordingId()), "active");

        final GameServer server = harness.launch(harness.serverContext(Tests.freePortPair())
            .embeddedMediaDriver(false)
            .aeronDirectoryName(external.aeronDirectoryName())
            .aeronArchiveContext(RoomArchive.localArchiveContext(external.aeronDirectoryName()))
            .activeRecordingWaitNs(TimeUnit.MILLISECONDS.toNanos(300)));
        final IllegalStateException refused = assertThrows(IllegalStateException.class,
            () -> server.restoreRoom(ROOM, new RoomOptions()), "not restored without the active recording");
        assertTrue(refused.getMessage().contains("still active"), refused.getMessage());
        assertEquals(null, server.room(ROOM));

        // the dead server's publication goes (its driver timed it out): the recording stops, the restore has it all
        stale.publication.close();
        Tests.await(() -> AeronArchive.NULL_POSITION != external.archive().getStopPosition(stale.recordingId()),
            10_000, harness::pollAll, () -> "the stale recording stops");
        final List<Long> restored = new ArrayList<>();
        final Room room = server.restoreRoom(ROOM, new RoomOptions().listener(new io.skirmish.engine.server.RoomListener()
        {
            public void onRestoreEvent(
                final Room room, final long seq, final int typeId, final int flags, final int senderSessionId,
                final DirectBuffer buffer, final int offset, final int length)
            {
                restored.add(seq);
            }
        }));
        assertEquals(50, room.lastSeq());
        assertEquals(50, restored.size());
    }

    private RoomRecordings recordingsOn(final File dir)
    {
        final ArchiveOnDirectory archive = ArchiveOnDirectory.launch(dir);
        closeables.add(0, archive);
        return new RoomRecordings(archive.archive(), false, RoomArchive.DEFAULT_RECORDING_CHANNEL,
            RoomRecordings.DEFAULT_REPLAY_CHANNEL, RoomRecordings.DEFAULT_REPLAY_STREAM_ID);
    }

    /** A room's recording written straight to an archive, as a server's would be (its recorder, its channel). */
    static final class FakeRecording implements AutoCloseable
    {
        final AeronArchive archive;
        final ExclusivePublication publication;
        final long subscriptionId;
        final RoomRecorder recorder;

        FakeRecording(final AeronArchive archive)
        {
            this.archive = archive;
            publication = archive.context().aeron().addExclusivePublication(
                RoomArchive.DEFAULT_RECORDING_CHANNEL, ROOM);
            subscriptionId = archive.startRecording(
                ChannelUri.addSessionId(RoomArchive.DEFAULT_RECORDING_CHANNEL, publication.sessionId()), ROOM,
                SourceLocation.LOCAL, true);
            final CountersManager counters = new CountersManager(
                new UnsafeBuffer(new byte[64 * 1024]), new UnsafeBuffer(new byte[16 * 1024]));
            final AtomicCounter c1 = counters.newCounter("deferred");
            final AtomicCounter c2 = counters.newCounter("lost");
            final AtomicCounter c3 = counters.newCounter("gaps");
            recorder = new RoomRecorder(ROOM, new RecordingSink()
            {
                public long offer(
                    final DirectBuffer b1, final int o1, final int l1, final DirectBuffer b2, final int o2, final int l2)
                {
                    return publication.offer(b1, o1, l1, b2, o2, l2);
                }

                public long offer(final DirectBuffer buffer, final int offset, final int length)
                {
                    return publication.offer(buffer, offset, length);
                }
            }, 1024, 1024 * 1024, c1, c2, c3);
        }

        long recordingId()
        {
            final long[] id = { -1 };
            archive.listRecordingsForUri(0, 100, "aeron:ipc", ROOM,
                (controlSessionId, correlationId, recordingId, startTimestamp, stopTimestamp, startPosition,
                stopPosition, initialTermId, segmentFileLength, termBufferLength, mtuLength, sessionId, streamId,
                strippedChannel, originalChannel, sourceIdentity) ->
                {
                    if (sessionId == publication.sessionId())
                    {
                        id[0] = recordingId;
                    }
                });
            return id[0];
        }

        void awaitRecorded()
        {
            Tests.await(() ->
            {
                recorder.doWork();
                final long id = recordingId();
                return recorder.isDrained() && id >= 0 && archive.getRecordingPosition(id) >= publication.position();
            }, 10_000, null, () -> "recorded");
        }

        public void close()
        {
            if (!publication.isClosed())
            {
                final long id = recordingId();
                archive.stopRecording(subscriptionId);
                Tests.await(() -> AeronArchive.NULL_POSITION != archive.getStopPosition(id), 10_000, null,
                    () -> "stopped");
            }
            CloseHelper.quietClose(publication);
        }
    }
}
