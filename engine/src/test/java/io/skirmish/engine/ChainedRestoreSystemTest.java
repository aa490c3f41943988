package io.skirmish.engine;

import io.skirmish.engine.archive.RoomRecording;
import io.skirmish.engine.archive.RoomRecordings;
import io.skirmish.engine.archive.RoomReplayHandler;
import io.skirmish.engine.client.GameClient;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.Room;
import io.skirmish.engine.server.RoomOptions;
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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A restored room's new recording is self-contained: it repeats the restored keyframe and the events after it, so
 * that a restore from that recording alone (a second failover, from the taking server's archive directory only)
 * still finds the game state; restores and replays over several recordings of the same room on one archive apply
 * and hand over each event once; a spectator of a restored room gets the keyframe at once.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ChainedRestoreSystemTest
{
    private static final int ROOM = 43;
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);

    private final SystemTestHarness harness = new SystemTestHarness();
    private File root;

    @AfterEach
    void after()
    {
        harness.close();
        if (null != root)
        {
            IoUtil.delete(root, true);
        }
    }

    @Test
    void shouldRestoreTheGameStateAfterASecondFailoverFromTheTakingServersDirectoryOnly() throws Exception
    {
        root = Files.createTempDirectory("skirmish-chained").toFile();
        final File dirA = new File(root, "server-1");
        final File dirB = new File(root, "server-2");
        final File dirC = new File(root, "server-3");
        final List<byte[]> sent = new ArrayList<>();
        sent.add(null); // seqs start at 1

        final int portA = Tests.freePortPair();
        final GameServer a = harness.launch(harness.serverContext(portA)
            .archiveDirectoryName(dirA.getAbsolutePath()).sessionIdBase(1 << 20));
        final Room roomA = a.createRoom(ROOM, new RoomOptions().durable(true));
        final GameClient player = harness.connect(harness.clientContext(portA));
        harness.awaitConnected(player);
        player.join(ROOM);
        final UnsafeBuffer emitted = new UnsafeBuffer("emit".getBytes(StandardCharsets.US_ASCII));
        Tests.await(() -> 1 == roomA.lastSeq() && player.isMemberOf(ROOM), 10_000, harness::pollAll, () -> "joined");
        for (int i = 0; i < 5; i++)
        {
            final long result = player.emit(ROOM, 9, emitted, 0, emitted.capacity());
            assertTrue(result > 0, "emit " + result);
        }
        Tests.await(() -> 6 == roomA.lastSeq(), 10_000, harness::pollAll, () -> "emits at " + roomA.lastSeq());
        for (int i = 0; i < 6; i++)
        {
            sent.add(null); // the join and the emits: before the keyframe, not restored to the game
        }
        broadcast(roomA, sent, 34, "a");
        keyframe(roomA, "state at 40", 40, sent);
        broadcast(roomA, sent, 20, "a");
        close(a);

        final GameServer b = launch(dirB, 2);
        final RoomRestoreSystemTest.Restored onB = new RoomRestoreSystemTest.Restored();
        final Room roomB = b.restoreRoom(ROOM, new RoomOptions().listener(onB), dirA);
        assertEquals(60, roomB.lastSeq());
        assertEquals(List.of("40:state at 40"), onB.keyframes);
        assertEquals(range(41, 60), onB.seqs);
        final long senderSeqOnB = ServerTestSupport.restoredSenderSeq(roomB, player.sessionId());
        assertTrue(senderSeqOnB > 0, "the player's emits are in A's recording: " + senderSeqOnB);
        broadcast(roomB, sent, 30, "b");
        assertEquals(90, roomB.lastSeq());
        close(b);

        final GameServer c = launch(dirC, 3);
        final RoomRestoreSystemTest.Restored onC = new RoomRestoreSystemTest.Restored();
        final Room roomC = c.restoreRoom(ROOM, new RoomOptions().listener(onC), dirB);
        assertEquals(90, roomC.lastSeq(), "the seq continues after B's last");
        assertEquals(List.of("40:state at 40"), onC.keyframes, "A's keyframe, from B's recording");
        assertEquals(range(41, 90), onC.seqs, "every event since the keyframe, A's and B's, once each");
        for (int k = 0; k < onC.seqs.size(); k++)
        {
            assertArrayEquals(sent.get(41 + k), onC.payloads.get(k), "payload of " + (41 + k));
        }
        assertEquals(senderSeqOnB, ServerTestSupport.restoredSenderSeq(roomC, player.sessionId()),
            "the player's reliable seq survives the second failover");
        final UnsafeBuffer next = new UnsafeBuffer("on C".getBytes(StandardCharsets.US_ASCII));
        assertEquals(91, roomC.broadcast(7, next, 0, next.capacity()));
        System.out.println("chained failover: C restored from B only at seq " + roomC.lastSeq() + " with keyframe " +
            onC.keyframes + " and " + onC.seqs.size() + " events after it");
    }

    @Test
    void shouldApplyEachEventOnceAcrossTwoRestartsOnTheOwnArchiveAndStitchEachSeqOnce() throws Exception
    {
        root = Files.createTempDirectory("skirmish-chained").toFile();
        final File dir = new File(root, "server-1");
        final List<byte[]> sent = new ArrayList<>();
        sent.add(null);

        final GameServer a = launch(dir, 1);
        final Room roomA = a.createRoom(ROOM, new RoomOptions().durable(true));
        broadcast(roomA, sent, 20, "a"); // no keyframe: the repeat starts at seq 1, yet starts no new lifetime
        close(a);

        final GameServer b = launch(dir, 1);
        final RoomRestoreSystemTest.Restored onB = new RoomRestoreSystemTest.Restored();
        final Room roomB = b.restoreRoom(ROOM, new RoomOptions().listener(onB));
        assertEquals(range(1, 20), onB.seqs);
        broadcast(roomB, sent, 20, "b");
        keyframe(roomB, "state at 40", 40, sent);
        broadcast(roomB, sent, 10, "b");
        close(b);

        final GameServer c = launch(dir, 1);
        final RoomRestoreSystemTest.Restored onC = new RoomRestoreSystemTest.Restored();
        final Room roomC = c.restoreRoom(ROOM, new RoomOptions().listener(onC));
        assertEquals(50, roomC.lastSeq());
        assertEquals(List.of("40:state at 40"), onC.keyframes);
        assertEquals(range(41, 50), onC.seqs);
        broadcast(roomC, sent, 15, "c");
        close(c);

        final GameServer d = launch(dir, 1);
        final RoomRestoreSystemTest.Restored onD = new RoomRestoreSystemTest.Restored();
        final Room roomD = d.restoreRoom(ROOM, new RoomOptions().listener(onD));
        assertEquals(65, roomD.lastSeq(), "the seq continues");
        assertEquals(List.of("40:state at 40"), onD.keyframes, "the keyframe once");
        assertEquals(range(41, 65), onD.seqs, "each event after the keyframe once, across three recordings");
        for (int k = 0; k < onD.seqs.size(); k++)
        {
            assertArrayEquals(sent.get(41 + k), onD.payloads.get(k), "payload of " + (41 + k));
        }

        final RoomRecordings recordings = d.roomRecordings();
        final List<RoomRecording> list = recordings.list(ROOM);
        assertEquals(4, list.size(), "one recording per process: " + list);
        assertTrue(list.get(0).startsLifetime());
        for (int i = 1; i < list.size(); i++)
        {
            assertFalse(list.get(i).startsLifetime(), "a restored recording continues the lifetime: " + list);
        }
        assertEquals(1, list.get(0).firstSeq());
        assertEquals(21, list.get(1).firstSeq(), "the first seq B added");
        assertEquals(51, list.get(2).firstSeq());
        assertEquals(65, list.get(2).lastSeq());

        final StitchedSeqs stitched = new StitchedSeqs();
        assertTrue(recordings.replayRoom(ROOM, 1, 0, stitched, TIMEOUT_NS) > 0);
        assertEquals(range(1, 65), stitched.seqs, "each seq once, in order");
        assertEquals(1, stitched.keyframes.size(), "the repeated keyframe skipped: " + stitched.keyframes);
        assertEquals(40L, stitched.keyframes.getLong(0));
        for (int k = 1; k <= 65; k++)
        {
            assertArrayEquals(sent.get(k), stitched.payloads.get(k - 1), "stitched payload of " + k);
        }

        final StitchedSeqs alone = new StitchedSeqs();
        assertTrue(recordings.replay(list.get(2).recordingId(), 1, alone, TIMEOUT_NS) > 0);
        assertEquals(40L, alone.keyframes.getLong(0), "C's recording alone starts with the keyframe");
        assertEquals(range(41, 65), alone.seqs);
        System.out.println("own archive, three restarts: " + list + ", stitched " + stitched.seqs.size() + " seqs");
    }

    @Test
    void shouldFeedASpectatorOfARestoredRoomTheRestoredKeyframeAtOnce() throws Exception
    {
        root = Files.createTempDirectory("skirmish-chained").toFile();
        final File dir = new File(root, "server-1");
        final List<byte[]> sent = new ArrayList<>();
        sent.add(null);
        final GameServer a = launch(dir, 1);
        final Room roomA = a.createRoom(ROOM, new RoomOptions().durable(true));
        broadcast(roomA, sent, 30, "a");
        keyframe(roomA, "state at 30", 30, sent);
        broadcast(roomA, sent, 5, "a");
        close(a);

        final int port = Tests.freePortPair();
        final GameServer b = harness.launch(harness.serverContext(port).archiveDirectoryName(dir.getAbsolutePath()));
        final Room roomB = b.restoreRoom(ROOM, new RoomOptions());
        assertEquals(35, roomB.lastSeq());
        final GameClient spectator = harness.connect(harness.clientContext(port));
        harness.awaitConnected(spectator);
        final FeedSystemTest.FeedRecorder feed = new FeedSystemTest.FeedRecorder();
        assertTrue(spectator.spectate(ROOM, 0, feed) > 0);
        Tests.await(() -> feed.frames.size() >= 6, 10_000, harness::pollAll, () -> "feed " + feed.frames);
        assertEquals("K", feed.frames.get(0).kind(), "the restored keyframe first: " + feed.frames);
        assertEquals(30, feed.frames.get(0).seq());
        assertArrayEquals("state at 30".getBytes(StandardCharsets.US_ASCII), feed.frames.get(0).payload());
        for (int k = 1; k <= 5; k++)
        {
            assertEquals("E", feed.frames.get(k).kind());
            assertEquals(30 + k, feed.frames.get(k).seq());
        }
        final UnsafeBuffer next = new UnsafeBuffer("live".getBytes(StandardCharsets.US_ASCII));
        assertEquals(36, roomB.broadcast(7, next, 0, next.capacity()));
        Tests.await(() -> feed.frames.size() >= 7, 10_000, harness::pollAll, () -> "feed " + feed.frames);
        assertEquals(36, feed.frames.get(6).seq());
        assertEquals(7, feed.frames.size(), "nothing twice: " + feed.frames);
    }

    @Test
    void shouldReplayAMatchAcrossARestoredRecordingWithItsRepeatedKeyframeOnce() throws Exception
    {
        root = Files.createTempDirectory("skirmish-chained").toFile();
        final File dir = new File(root, "server-1");
        final List<byte[]> sent = new ArrayList<>();
        sent.add(null);
        final GameServer a = launch(dir, 1);
        final Room roomA = a.createRoom(ROOM, new RoomOptions().durable(true));
        broadcast(roomA, sent, 20, "a");
        keyframe(roomA, "state at 20", 20, sent); // A's last record: the repeat's keyframe has the seq A ended at
        close(a);

        final int port = Tests.freePortPair();
        final GameServer b = harness.launch(harness.serverContext(port).archiveDirectoryName(dir.getAbsolutePath()));
        final Room roomB = b.restoreRoom(ROOM, new RoomOptions());
        broadcast(roomB, sent, 5, "b");
        final GameClient viewer = harness.connect(harness.clientContext(port));
        harness.awaitConnected(viewer);
        final FeedSystemTest.FeedRecorder feed = new FeedSystemTest.FeedRecorder();
        assertTrue(viewer.replay(ROOM, 1, 0, feed) > 0);
        // the room is open: the replay follows its live recording; a repeated keyframe would come before seq 21
        Tests.await(() -> feed.frames.size() >= 26, 10_000, harness::pollAll, () -> "feed " + feed.frames);
        final List<String> frames = new ArrayList<>();
        feed.frames.forEach((f) -> frames.add(f.kind() + f.seq()));
        final List<String> expected = new ArrayList<>();
        for (int k = 1; k <= 20; k++)
        {
            expected.add("E" + k);
        }
        expected.add("K20");
        for (int k = 21; k <= 25; k++)
        {
            expected.add("E" + k);
        }
        assertEquals(expected, frames, "the match across both recordings, the repeated keyframe once");

        final StitchedSeqs stitched = new StitchedSeqs();
        assertTrue(b.roomRecordings().replayRoom(ROOM, 1, 0, stitched, TIMEOUT_NS) > 0);
        assertEquals(range(1, 25), stitched.seqs);
        assertEquals(1, stitched.keyframes.size(), "a stitched replay: the repeated keyframe once too");
    }

    /** Seqs, payloads and keyframes a replay hands over. */
    static final class StitchedSeqs implements RoomReplayHandler
    {
        final List<Long> seqs = new ArrayList<>();
        final List<byte[]> payloads = new ArrayList<>();
        final LongArrayList keyframes = new LongArrayList();

        public void onEvent(
            final long seq,
            final int typeId,
            final int flags,
            final int senderSessionId,
            final long timestampNs,
            final DirectBuffer buffer,
            final int offset,
            final int length)
        {
            seqs.add(seq);
            final byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            payloads.add(bytes);
        }

        public void onKeyframe(
            final long seq, final long timestampNs, final DirectBuffer buffer, final int offset, final int length)
        {
            keyframes.addLong(seq);
        }
    }

    private GameServer launch(final File dir, final int serverId)
    {
        return harness.launch(harness.serverContext(Tests.freePortPair())
            .archiveDirectoryName(dir.getAbsolutePath())
            .sessionIdBase(serverId << 20));
    }

    private void close(final GameServer server)
    {
        server.close();
        harness.servers.remove(server);
    }

    private void broadcast(final Room room, final List<byte[]> sent, final int count, final String tag)
    {
        for (int i = 0; i < count; i++)
        {
            final long seq = room.lastSeq() + 1;
            final byte[] bytes = (tag + " event " + seq).getBytes(StandardCharsets.US_ASCII);
            assertEquals(seq, room.broadcast(100 + (int)(seq % 3), new UnsafeBuffer(bytes), 0, bytes.length));
            sent.add(bytes);
            if (0 == seq % 10)
            {
                harness.pollAll();
            }
        }
    }

    private static void keyframe(final Room room, final String state, final long expectedSeq, final List<byte[]> sent)
    {
        assertEquals(expectedSeq + 1, sent.size());
        final byte[] bytes = state.getBytes(StandardCharsets.US_ASCII);
        assertEquals(expectedSeq, room.recordKeyframe(new UnsafeBuffer(bytes), 0, bytes.length));
    }

    private static List<Long> range(final long from, final long to)
    {
        final List<Long> list = new ArrayList<>();
        for (long s = from; s <= to; s++)
        {
            list.add(s);
        }
        return list;
    }
}
