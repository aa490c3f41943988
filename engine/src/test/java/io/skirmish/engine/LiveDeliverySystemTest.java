package io.skirmish.engine;

import io.aeron.archive.client.AeronArchive;
import io.skirmish.engine.archive.RoomArchive;
import io.skirmish.engine.archive.RoomRecordings;
import io.skirmish.engine.client.GameClient;
import io.skirmish.engine.server.DurableDelivery;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.Room;
import io.skirmish.engine.server.RoomListener;
import io.skirmish.engine.server.RoomOptions;
import io.skirmish.engine.server.ServerTestSupport;
import io.skirmish.engine.server.Session;
import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link DurableDelivery#LIVE} against real Aeron Archive recordings held back by stopping them (the archive then
 * records nothing more of the room, as a stuck or far-behind archive would): a LIVE room's players keep getting its
 * events, a RECORDED room's do not. And the crash case made exact: a LIVE room whose recording ended before what
 * its clients delivered is restored from that recording by a new server on the same archive directory; each client
 * resumes, is told once ({@code onRoomRestored}), gets exactly one resync for the room, and then every event of the
 * restored room exactly once, in order.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LiveDeliverySystemTest
{
    private static final int LIVE_ROOM = 61;
    private static final int RECORDED_ROOM = 62;
    private static final int CLIENTS = 2;

    private final SystemTestHarness harness = new SystemTestHarness();
    private File archiveDir;

    /** A client's view of one room: every seq handed to the game, in order, with what happened between. */
    static final class RoomLog extends RecordingClientListener
    {
        final LongArrayList seqs = new LongArrayList();
        final List<String> payloads = new ArrayList<>();
        final List<String> restored = new ArrayList<>();
        final List<String> marks = new ArrayList<>();
        final int roomId;

        RoomLog(final int roomId)
        {
            this.roomId = roomId;
        }

        public void onEvent(
            final int roomId, final long seq, final int senderSessionId, final int typeId, final DirectBuffer buffer,
            final int offset, final int length)
        {
            super.onEvent(roomId, seq, senderSessionId, typeId, buffer, offset, length);
            if (roomId == this.roomId)
            {
                seqs.addLong(seq);
                payloads.add(buffer.getStringWithoutLengthUtf8(offset, length));
            }
        }

        public void onMemberJoined(final int roomId, final long seq, final int sessionId)
        {
            super.onMemberJoined(roomId, seq, sessionId);
            if (roomId == this.roomId)
            {
                seqs.addLong(seq);
                payloads.add("joined " + sessionId);
            }
        }

        public void onRoomRestored(final int roomId, final long lastDeliveredSeq, final long restoredSeq)
        {
            restored.add(roomId + "/" + lastDeliveredSeq + "/" + restoredSeq);
            marks.add("restored at " + seqs.size());
        }

        public void onResync(
            final int roomId, final long seq, final DirectBuffer buffer, final int offset, final int length)
        {
            super.onResync(roomId, seq, buffer, offset, length);
            if (roomId == this.roomId)
            {
                marks.add("resync at " + seqs.size());
            }
        }

        long last()
        {
            return seqs.isEmpty() ? 0 : seqs.getLong(seqs.size() - 1);
        }

        long delivered(final String prefix)
        {
            long count = 0;
            for (final String p : payloads)
            {
                if (p.startsWith(prefix))
                {
                    count++;
                }
            }
            return count;
        }
    }

    /** The room's state in a resync: which server and seq it is. */
    static final class StateListener implements RoomListener
    {
        final String name;

        StateListener(final String name)
        {
            this.name = name;
        }

        public int onResync(
            final Room room, final Session session, final MutableDirectBuffer buffer, final int offset,
            final int maxLength)
        {
            return buffer.putStringWithoutLengthUtf8(offset, name + " state at " + room.lastSeq());
        }
    }

    @AfterEach
    void after()
    {
        harness.close();
        if (null != archiveDir)
        {
            IoUtil.delete(archiveDir, true);
        }
    }

    @Test
    void shouldDeliverALiveRoomWhileItsRecordingIsHeldBackAndHoldARecordedRoom() throws Exception
    {
        archiveDir = Files.createTempDirectory("skirmish-live-delivery").toFile();
        final int port = Tests.freePortPair();
        final GameServer server = harness.launch(harness.serverContext(port)
            .archiveDirectoryName(archiveDir.getAbsolutePath()));
        final Room live = server.createRoom(LIVE_ROOM, new RoomOptions().durable(true)
            .durableDelivery(DurableDelivery.LIVE));
        final Room recorded = server.createRoom(RECORDED_ROOM, new RoomOptions().durable(true));
        final RoomLog[] liveLogs = new RoomLog[CLIENTS];
        final RoomLog[] recordedLogs = new RoomLog[CLIENTS];
        for (int i = 0; i < CLIENTS; i++)
        {
            liveLogs[i] = new RoomLog(LIVE_ROOM);
            final RoomLog recordedLog = new RoomLog(RECORDED_ROOM);
            recordedLogs[i] = recordedLog;
            final RoomLog liveLog = liveLogs[i];
            final GameClient client = harness.connect(harness.clientContext(port).listener(new Both(liveLog, recordedLog)));
            harness.awaitConnected(client);
            client.join(LIVE_ROOM);
            client.join(RECORDED_ROOM);
        }
        Tests.await(() -> live.memberCount() == CLIENTS && recorded.memberCount() == CLIENTS, 20_000,
            this::pollOrPark, () -> "members " + live.memberCount() + " " + recorded.memberCount());
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[64]);
        broadcast(live, payload, "before");
        broadcast(recorded, payload, "before");
        Tests.await(() -> all(liveLogs, "before", 1) && all(recordedLogs, "before", 1), 20_000, this::pollOrPark,
            () -> "first events: " + liveLogs[0].payloads + " " + recordedLogs[0].payloads + " " + liveLogs[1].payloads +
            " " + recordedLogs[1].payloads);

        stopRecordings(server, LIVE_ROOM, RECORDED_ROOM);
        final long lostBefore = server.counter(EngineCounter.RECORDING_FRAMES_LOST) +
            server.counter(EngineCounter.RECORDING_FRAMES_DEFERRED);
        final long sentNs = System.nanoTime();
        for (int i = 0; i < 20; i++)
        {
            broadcast(live, payload, "held " + i);
            broadcast(recorded, payload, "held " + i);
        }
        Tests.await(() -> all(liveLogs, "held", 20), 20_000, this::pollOrPark,
            () -> "live room while the recording is held back: " + liveLogs[0].payloads);
        final long liveMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentNs);
        Tests.drive(1_000, this::pollOrPark);
        for (int i = 0; i < CLIENTS; i++)
        {
            assertEquals(0, recordedLogs[i].delivered("held"), "client " + i + ": the RECORDED room waits for the " +
                "recording, which is held back: " + recordedLogs[i].payloads);
            assertEquals(20, liveLogs[i].delivered("held"), "client " + i + " live room, exactly once");
        }
        assertTrue(server.counter(EngineCounter.RECORDING_FRAMES_LOST) +
            server.counter(EngineCounter.RECORDING_FRAMES_DEFERRED) > lostBefore, "the recording was held back");
        System.out.println("recording held back: LIVE room's 20 events at both clients in " + liveMs +
            " ms, RECORDED room's 0 of 20 after a further 1 s; " + Tests.counters(server));
        harness.servers.remove(server);
        ServerTestSupport.abort(server); // closing would wait 5 s per room for recordings that were stopped
    }

    @Test
    void shouldResyncOnceAClientThatDeliveredPastWhereTheRestoredRecordingEnded() throws Exception
    {
        archiveDir = Files.createTempDirectory("skirmish-live-restore").toFile();
        final int port = Tests.freePortPair();
        final GameServer a = harness.launch(harness.serverContext(port)
            .archiveDirectoryName(archiveDir.getAbsolutePath())
            .resumeWindowNs(TimeUnit.SECONDS.toNanos(60)));
        final Room roomA = a.createRoom(LIVE_ROOM, new RoomOptions().durable(true)
            .durableDelivery(DurableDelivery.LIVE).listener(new StateListener("A")));
        final RoomLog[] logs = new RoomLog[CLIENTS];
        final GameClient[] clients = new GameClient[CLIENTS];
        for (int i = 0; i < CLIENTS; i++)
        {
            logs[i] = new RoomLog(LIVE_ROOM);
            clients[i] = harness.connect(harness.clientContext(port).listener(logs[i]));
            harness.awaitConnected(clients[i]);
            clients[i].join(LIVE_ROOM);
        }
        Tests.await(() -> roomA.memberCount() == CLIENTS, 20_000, this::pollOrPark, () -> "members");
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[64]);
        for (int i = 0; i < 50; i++)
        {
            broadcast(roomA, payload, "a " + i);
        }
        Tests.await(() -> all(logs, "a ", 50), 20_000, this::pollOrPark, () -> "A's first 50: " + logs[0].seqs + " " + logs[1].seqs + " " + logs[1].joined + logs[1].states);
        stopRecordings(a, LIVE_ROOM);
        for (int i = 50; i < 80; i++)
        {
            broadcast(roomA, payload, "a " + i);
        }
        Tests.await(() -> all(logs, "a ", 80), 20_000, this::pollOrPark, () -> "A's 80: " + logs[0].seqs);
        final long deliveredOnA = roomA.lastSeq();
        for (int i = 0; i < CLIENTS; i++)
        {
            assertEquals(deliveredOnA, logs[i].last(), "client " + i + " delivered everything A sent");
        }
        harness.servers.remove(a);
        ServerTestSupport.abort(a); // as a crash: the clients are not told

        final GameServer b = harness.launch(harness.serverContext(port)
            .archiveDirectoryName(archiveDir.getAbsolutePath())
            .resumeWindowNs(TimeUnit.SECONDS.toNanos(60)));
        final Room roomB = b.restoreRoom(LIVE_ROOM, new RoomOptions().durableDelivery(DurableDelivery.LIVE)
            .listener(new StateListener("B")));
        final long restoredSeq = roomB.restoredSeq();
        assertEquals(restoredSeq, roomB.lastSeq());
        assertTrue(restoredSeq >= 50 && restoredSeq < deliveredOnA,
            "the recording ends at " + restoredSeq + ", before what the clients delivered, " + deliveredOnA);
        assertEquals(CLIENTS, b.restoreSessions());

        final long[] lastBroadcastNs = { 0 };
        final Tests.Poller broadcasting = () ->
        {
            final long nowNs = System.nanoTime();
            if (nowNs - lastBroadcastNs[0] >= TimeUnit.MILLISECONDS.toNanos(2))
            {
                lastBroadcastNs[0] = nowNs;
                broadcast(roomB, payload, "b " + (roomB.lastSeq() + 1));
            }
            return pollOrPark();
        };
        Tests.await(() -> resumedPast(logs, deliveredOnA + 200), 60_000, broadcasting,
            () -> "resumes " + logs[0].resumes + "/" + logs[1].resumes + ", delivered " + logs[0].last() + "/" +
            logs[1].last() + " of " + roomB.lastSeq() + ", marks " + logs[0].marks + " " + logs[0].restored);
        final long moreUpTo = roomB.lastSeq() + 300; // and B's events go on after the resync
        Tests.await(() -> roomB.lastSeq() >= moreUpTo, 20_000, broadcasting, () -> "B at " + roomB.lastSeq());
        final long finalSeq = roomB.lastSeq();
        Tests.await(() -> logs[0].last() == finalSeq && logs[1].last() == finalSeq, 20_000, this::pollOrPark,
            () -> "delivered up to " + logs[0].last() + "/" + logs[1].last() + " of " + finalSeq);

        for (int i = 0; i < CLIENTS; i++)
        {
            final RoomLog l = logs[i];
            assertEquals(List.of(LIVE_ROOM + "/" + deliveredOnA + "/" + restoredSeq), l.restored,
                "client " + i + " told once that the room was restored before what it delivered");
            assertEquals(1, l.resyncs.size(), "client " + i + " resyncs: " + l.resyncs);
            assertEquals(1, clients[i].counter(EngineCounter.ROOM_RESTORE_RESYNCS), "client " + i);
            final String[] resync = l.resyncs.get(0).split("/");
            final long resyncSeq = Long.parseLong(resync[1]);
            assertTrue(resyncSeq >= restoredSeq, "client " + i + " resync at " + resyncSeq);
            assertEquals("B state at " + resyncSeq, resync[2], "client " + i + ": the restored room's state");
            // before: A's seqs exactly once in order up to what it delivered; after the resync: B's, from the next
            final int atResync = l.seqs.size() - (int)(finalSeq - resyncSeq);
            assertEquals(List.of("restored at " + atResync, "resync at " + atResync), l.marks, "client " + i);
            assertEquals(deliveredOnA, l.seqs.getLong(atResync - 1), "client " + i + " last seq before the restore");
            for (int k = 1; k < l.seqs.size(); k++)
            {
                if (k != atResync)
                {
                    assertEquals(l.seqs.getLong(k - 1) + 1, l.seqs.getLong(k), "client " + i + " seq at " + k);
                }
            }
            assertEquals(resyncSeq + 1, l.seqs.getLong(atResync), "client " + i + ": B's events from after the resync");
            for (int k = atResync; k < l.seqs.size(); k++)
            {
                assertEquals("b " + l.seqs.getLong(k), l.payloads.get(k), "client " + i + ": B's event, not A's");
            }
            assertEquals(1, l.resumes, "client " + i + " resumed, not a new session");
            System.out.println("client " + i + ": delivered A's seqs up to " + deliveredOnA + ", B restored at " +
                restoredSeq + ", one resync at " + resyncSeq + ", then B's " + (finalSeq - resyncSeq) +
                " events " + (resyncSeq + 1) + ".." + finalSeq + " exactly once in order; " +
                Tests.counters(clients[i]));
        }
    }

    private void stopRecordings(final GameServer server, final int... roomIds) throws Exception
    {
        // on a thread of its own: the archive answers only while this thread keeps polling the INVOKER server
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final boolean[] done = { false };
        final Thread stopper = new Thread(() ->
        {
            try (AeronArchive archive = AeronArchive.connect(
                RoomArchive.localArchiveContext(server.aeronDirectoryName()));
                RoomRecordings recordings = new RoomRecordings(archive, false, RoomArchive.DEFAULT_RECORDING_CHANNEL,
                    RoomRecordings.DEFAULT_REPLAY_CHANNEL, RoomRecordings.DEFAULT_REPLAY_STREAM_ID))
            {
                for (final int roomId : roomIds)
                {
                    final LongArrayList ids = recordings.recordingIds(roomId);
                    assertTrue(archive.tryStopRecordingByIdentity(ids.getLong(ids.size() - 1)), "room " + roomId);
                }
            }
            catch (final Throwable t)
            {
                failure.set(t);
            }
            finally
            {
                synchronized (done)
                {
                    done[0] = true;
                }
            }
        }, "stop-recordings");
        stopper.start();
        Tests.await(() ->
        {
            synchronized (done)
            {
                return done[0];
            }
        }, 30_000, this::pollOrPark, () -> "recordings stopped");
        stopper.join();
        assertNull(failure.get());
    }

    private static long broadcast(final Room room, final UnsafeBuffer payload, final String text)
    {
        final int length = payload.putStringWithoutLengthUtf8(0, text);
        final long seq = room.broadcast(7, payload, 0, length);
        assertTrue(seq > 0, "broadcast " + seq);
        return seq;
    }

    private static boolean all(final RoomLog[] logs, final String prefix, final int count)
    {
        for (final RoomLog l : logs)
        {
            if (l.delivered(prefix) < count)
            {
                return false;
            }
        }
        return true;
    }

    private static boolean resumedPast(final RoomLog[] logs, final long seq)
    {
        for (final RoomLog l : logs)
        {
            if (0 == l.resumes || l.last() < seq)
            {
                return false;
            }
        }
        return true;
    }

    private int pollOrPark()
    {
        if (0 == harness.pollAll())
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return 1;
    }

    /** One client's listener for two rooms. */
    static final class Both extends RecordingClientListener
    {
        private final RoomLog first;
        private final RoomLog second;

        Both(final RoomLog first, final RoomLog second)
        {
            this.first = first;
            this.second = second;
        }

        public void onEvent(
            final int roomId, final long seq, final int senderSessionId, final int typeId, final DirectBuffer buffer,
            final int offset, final int length)
        {
            first.onEvent(roomId, seq, senderSessionId, typeId, buffer, offset, length);
            second.onEvent(roomId, seq, senderSessionId, typeId, buffer, offset, length);
        }
    }
}
