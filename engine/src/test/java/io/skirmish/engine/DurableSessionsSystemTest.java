package io.skirmish.engine;

import io.skirmish.engine.client.DirectStreamResetReason;
import io.skirmish.engine.client.GameClient;
import io.skirmish.engine.security.ConnectTokens;
import io.skirmish.engine.server.DurableDelivery;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.Room;
import io.skirmish.engine.server.RoomOptions;
import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The clients of a durable room whose server process is killed with SIGKILL mid-stream keep trying to resume, and
 * resume into the room a new server restores on the same archive directory, with its sessions: each client gets
 * every seq of the room from its join to the last exactly once and in order.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DurableSessionsSystemTest
{
    private static final int ROOM = 51;
    private static final int CLIENTS = 3;
    private static final int EMIT_TYPE = 9;
    private static final long EMIT_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(5);

    private final SystemTestHarness harness = new SystemTestHarness();
    private File archiveDir;
    private ChildServer child;
    private GameClient[] clients;
    private final int[] emitted = new int[CLIENTS];
    private final UnsafeBuffer emitPayload = new UnsafeBuffer(new byte[64]);
    private boolean emitting = true;
    private long lastEmitNs;

    /** Every seq of the room a client is handed, events and membership events, in the order handed. */
    static final class SeqListener extends RecordingClientListener
    {
        final LongArrayList seqs = new LongArrayList();
        final List<String> emits = new ArrayList<>();
        long joinedAtSeq = -1;
        int directResets;
        /** onRoomRestored calls, and the number of seqs delivered at each resync. */
        final List<String> restored = new ArrayList<>();
        final LongArrayList resyncAt = new LongArrayList();
        final LongArrayList resyncSeqs = new LongArrayList();
        int emitsAtResync = -1;

        public void onRoomRestored(final int roomId, final long lastDeliveredSeq, final long restoredSeq)
        {
            restored.add(roomId + "/" + lastDeliveredSeq + "/" + restoredSeq);
        }

        public void onResync(
            final int roomId, final long seq, final DirectBuffer buffer, final int offset, final int length)
        {
            super.onResync(roomId, seq, buffer, offset, length);
            resyncAt.addLong(seqs.size());
            resyncSeqs.addLong(seq);
            emitsAtResync = emits.size();
        }

        public void onDirectStreamReset(
            final long lastDeliveredSeq, final long nextSeq, final DirectStreamResetReason reason)
        {
            assertEquals(DirectStreamResetReason.SERVER_RESTARTED, reason);
            assertTrue(nextSeq > lastDeliveredSeq + 1, lastDeliveredSeq + " -> " + nextSeq);
            directResets++;
        }

        public void onJoined(final int roomId, final long nextSeq)
        {
            super.onJoined(roomId, nextSeq);
            joinedAtSeq = nextSeq;
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
            seqs.addLong(seq);
            if (EMIT_TYPE == typeId)
            {
                emits.add(buffer.getStringWithoutLengthUtf8(offset, length));
            }
        }

        public void onMemberJoined(final int roomId, final long seq, final int sessionId)
        {
            super.onMemberJoined(roomId, seq, sessionId);
            seqs.addLong(seq);
        }

        public void onMemberLeft(final int roomId, final long seq, final int sessionId, final LeaveReason reason)
        {
            super.onMemberLeft(roomId, seq, sessionId, reason);
            seqs.addLong(seq);
        }

        long last()
        {
            return seqs.isEmpty() ? 0 : seqs.getLong(seqs.size() - 1);
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

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "plain", "tokens", "tokens-encrypted", "plain-down-8s", "plain-window-expired", "plain-live",
        "plain-live-behind" })
    void shouldResumeEveryClientIntoTheRestoredRoomAfterASigkill(final String mode) throws Exception
    {
        final boolean tokens = mode.startsWith("tokens");
        final boolean encrypt = mode.endsWith("encrypted");
        final boolean behind = mode.endsWith("live-behind");
        final boolean live = mode.endsWith("live") || behind;
        archiveDir = Files.createTempDirectory("skirmish-sessions-kill").toFile();
        final int port = Tests.freePortPair();
        child = new ChildServer(DurableSessionsChild.class, port, archiveDir.getAbsolutePath(), Integer.toString(ROOM),
            Integer.toString(CLIENTS), tokens ? "tokens" : "plain", behind ? "live-stop:150" : live ? "live" : "recorded");
        final ConnectTokens backend = new ConnectTokens(DurableSessionsChild.TOKEN_SECRET);
        final ChildServer killed = child;
        Tests.await(() -> killed.output().contains("ready"), 60_000, DurableSessionsSystemTest::pause,
            () -> "child ready: " + killed.diagnostics());

        final SeqListener[] listeners = new SeqListener[CLIENTS];
        clients = new GameClient[CLIENTS];
        for (int i = 0; i < CLIENTS; i++)
        {
            listeners[i] = new SeqListener();
            final GameClient.Context clientCtx = harness.clientContext(port).listener(listeners[i]);
            if (tokens)
            {
                final ConnectTokens.Minted minted = backend.mint(
                    1000 + i, System.currentTimeMillis() + 60_000, "game.example.com:" + port, new byte[0]);
                clientCtx.connectToken(minted.token(), minted.sessionKey()).payloadEncryption(encrypt);
            }
            clients[i] = harness.connect(clientCtx);
            harness.awaitConnected(clients[i]);
            clients[i].join(ROOM);
        }
        Tests.await(() -> minDelivered(listeners) >= 300, 60_000, this::pollOrPark,
            () -> "events before the kill " + minDelivered(listeners) + ", child sent " + killed.lastSent() +
            ": " + killed.output());

        final int[] acceptedBeforeKill = emitted.clone();
        final long killedNs = System.nanoTime();
        assertTrue(child.kill());
        final long lastSent = child.lastSent();
        final long[] beforeKill = new long[CLIENTS];
        for (int i = 0; i < CLIENTS; i++)
        {
            beforeKill[i] = listeners[i].last();
        }

        // the clients keep trying to resume while the server waits for the killed archive to go stale
        if (mode.endsWith("down-8s"))
        {
            // the server stays down for longer than the session timeout (3 s) and Aeron's liveness timeouts, within
            // the resume window (60 s): the clients keep trying on fresh lanes meanwhile
            Tests.drive(8_000, this::pollOrPark);
        }
        final boolean windowExpires = mode.endsWith("window-expired");
        final GameServer.Context restartCtx = harness.serverContext(port)
            .archiveDirectoryName(archiveDir.getAbsolutePath())
            .resumeWindowNs(windowExpires ? TimeUnit.SECONDS.toNanos(1) : DurableSessionsChild.RESUME_WINDOW_NS);
        final GameServer server = ChildServer.launchAfterCrash(() -> harness.launch(
            tokens ? DurableSessionsChild.withTokens(restartCtx, port) : restartCtx), this::pollOrPark);
        final Room room = server.restoreRoom(ROOM, new RoomOptions().historyCount(16_384)
            .historyBytes(8 * 1024 * 1024).durableDelivery(live ? DurableDelivery.LIVE : DurableDelivery.RECORDED));
        final long restoredSeq = room.lastSeq();
        final int restoredSessions = server.restoreSessions();
        assertEquals(CLIENTS, restoredSessions, "sessions restored");
        assertEquals(CLIENTS, room.memberCount(), "members of the restored room");
        if (windowExpires)
        {
            // the restored sessions' window (1 s here) runs out before their clients come back: each client is
            // told explicitly (RESUME_REJECTED), never left waiting in silence
            Tests.await(() -> 0 == server.sessionCount(), 10_000, () ->
            {
                server.poll();
                return pause();
            }, () -> "restored sessions expire: " + server.sessionCount());
            Tests.await(() -> allTold(listeners), 30_000, this::pollOrPark,
                () -> "every client told: " + states(clients));
            for (int i = 0; i < CLIENTS; i++)
            {
                assertEquals(DisconnectReason.RESUME_REJECTED, listeners[i].disconnected, "client " + i);
                assertEquals(0, listeners[i].resumes, "client " + i + " resumes");
            }
            System.out.println("restored sessions expired before their clients came back: every client told " +
                "RESUME_REJECTED");
            return;
        }
        System.out.println(mode + " after SIGKILL: child sent " + lastSent + ", restored room at seq " + restoredSeq +
            ", " + restoredSessions + " sessions, up " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedNs) +
            " ms after the kill");

        final UnsafeBuffer payload = new UnsafeBuffer(new byte[64]);
        final long[] resumedAfterMs = new long[CLIENTS];
        final long[] lastBroadcastNs = { 0 };
        final Tests.Poller broadcasting = () ->
        {
            final long nowNs = System.nanoTime();
            if (nowNs - lastBroadcastNs[0] >= TimeUnit.MILLISECONDS.toNanos(2))
            {
                lastBroadcastNs[0] = nowNs;
                final int length = payload.putStringWithoutLengthUtf8(0, "event " + (room.lastSeq() + 1));
                room.broadcast(7, payload, 0, length);
            }
            for (int i = 0; i < CLIENTS; i++)
            {
                if (0 == resumedAfterMs[i] && listeners[i].resumes > 0)
                {
                    resumedAfterMs[i] = TimeUnit.NANOSECONDS.toMillis(nowNs - killedNs);
                }
            }
            return pollOrPark();
        };
        Tests.await(() -> allResumedPast(listeners, restoredSeq + 300), 90_000, broadcasting,
            () -> "resumed " + resumes(listeners) + ", delivered up to " + lasts(listeners) + " of " + room.lastSeq() +
            ", states " + states(clients));
        if (live)
        {
            final long moreUpTo = room.lastSeq() + 300; // a resync jumps to the head: the room goes on after it
            Tests.await(() -> room.lastSeq() >= moreUpTo, 20_000, broadcasting, () -> "room at " + room.lastSeq());
        }
        emitting = false;
        Tests.drive(500, this::pollOrPark); // the last emits reach the server and are sequenced
        final long finalSeq = room.lastSeq();
        Tests.await(() -> minLast(listeners) >= finalSeq, 20_000, this::pollOrPark,
            () -> "delivered up to " + lasts(listeners) + " of " + finalSeq);

        System.out.println(Tests.counters(server));
        for (int i = 0; i < CLIENTS; i++)
        {
            System.out.println("client " + i + ": " + Tests.counters(clients[i]));
        }
        if (live)
        {
            final int resynced = assertLiveClients(listeners, restoredSeq, finalSeq, beforeKill, lastSent);
            if (behind)
            {
                // the recording stopped at seq 150 and every client delivered 300 and more: each is told
                assertEquals(CLIENTS, resynced, "clients resynced after a restore below what they delivered");
            }
            return;
        }
        for (int i = 0; i < CLIENTS; i++)
        {
            final SeqListener l = listeners[i];
            final long first = l.seqs.getLong(0);
            assertEquals(l.joinedAtSeq, first, "client " + i + " first seq: the one its join result named");
            for (int k = 1; k < l.seqs.size(); k++)
            {
                assertEquals(l.seqs.getLong(k - 1) + 1, l.seqs.getLong(k), "client " + i + " seq at " + k);
            }
            assertEquals(finalSeq, l.last(), "client " + i + " last seq");
            assertEquals(0, l.resyncs.size(), "client " + i + " resyncs");
            assertEquals(1, l.resumes, "client " + i + " resumes");
            assertEquals(1, l.connects, "client " + i + " connects");
            assertEquals(1, l.directResets, "client " + i + ": the direct stream's reset is signalled, once");
            assertEquals(1, clients[i].counter(EngineCounter.DIRECT_STREAM_RESETS));
            for (int j = 0; j < CLIENTS; j++)
            {
                // every emit a client made (those the killed server had acknowledged but not recorded came again
                // from the client's resend queue) is in the room exactly once, in order; the first client joined
                // before anyone emitted, so it has them all
                final List<Integer> fromJ = new ArrayList<>();
                for (final String emit : l.emits)
                {
                    final String[] parts = emit.split(" ");
                    if (Integer.parseInt(parts[1]) == j)
                    {
                        fromJ.add(Integer.parseInt(parts[2]));
                    }
                }
                final int firstSeen = 0 == i ? 0 : fromJ.isEmpty() ? 0 : fromJ.get(0);
                for (int k = 0; k < fromJ.size(); k++)
                {
                    assertEquals(firstSeen + k, (int)fromJ.get(k), "client " + i + ": emit " + k + " of client " + j +
                        " seen of " + emitted[j] + " emitted (exactly once, in order)");
                }
                assertEquals(emitted[j], firstSeen + fromJ.size(),
                    "client " + i + " got every emit of client " + j + " up to the last");
            }
            System.out.println("client " + i + ": emitted " + emitted[i] + " (" + acceptedBeforeKill[i] +
                " before the kill), saw " + l.emits.size() + " emits, each exactly once");
            System.out.println("client " + i + ": delivered " + l.seqs.size() + " seqs " + first + ".." + l.last() +
                " exactly once in order (" + beforeKill[i] + " before the kill), 0 resyncs, resumed " +
                resumedAfterMs[i] + " ms after the kill");
        }
    }

    /**
     * A LIVE room: each client either has every seq exactly once in order (it had delivered no further than the
     * restored room's recording), or was told the room was restored before what it delivered and got exactly one
     * resync for it: A's seqs exactly once in order up to what it had delivered, then the restored room's from after
     * the resync, exactly once in order; never a silent loss or duplicate.
     */
    private int assertLiveClients(
        final SeqListener[] listeners, final long restoredSeq, final long finalSeq, final long[] beforeKill,
        final long lastSent)
    {
        int resynced = 0;
        for (int i = 0; i < CLIENTS; i++)
        {
            final SeqListener l = listeners[i];
            assertEquals(l.joinedAtSeq, l.seqs.getLong(0), "client " + i + " first seq");
            assertEquals(finalSeq, l.last(), "client " + i + " last seq");
            assertEquals(1, l.resumes, "client " + i + " resumes");
            assertEquals(l.restored.size(), clients[i].counter(EngineCounter.ROOM_RESTORE_RESYNCS), "client " + i);
            if (l.restored.isEmpty())
            {
                assertEquals(0, l.resyncs.size(), "client " + i + " resyncs without a restore below it");
                assertTrue(beforeKill[i] <= restoredSeq, "client " + i + " had delivered " + beforeKill[i] +
                    ", the room was restored at " + restoredSeq + ": it must have been told");
                for (int k = 1; k < l.seqs.size(); k++)
                {
                    assertEquals(l.seqs.getLong(k - 1) + 1, l.seqs.getLong(k), "client " + i + " seq at " + k);
                }
                System.out.println("client " + i + ": delivered " + beforeKill[i] + " before the kill (restored at " +
                    restoredSeq + "): every seq " + l.joinedAtSeq + ".." + finalSeq + " exactly once in order");
                continue;
            }
            resynced++;
            assertEquals(1, l.resyncs.size(), "client " + i + " exactly one resync: " + l.resyncs);
            final int at = (int)l.resyncAt.getLong(0);
            final long resyncSeq = l.resyncSeqs.getLong(0);
            // what the client had delivered when it learned of the restore: at least what it had when the child was
            // killed (events already on their way are still delivered after the kill; the child's last "sent" lines
            // may die with it, so what it printed is no upper bound)
            final long lastBefore = l.seqs.getLong(at - 1);
            assertTrue(lastBefore >= beforeKill[i], "client " + i + ": the last seq before the resync " + lastBefore +
                ", delivered at the kill " + beforeKill[i] + ", sent " + lastSent);
            assertEquals(List.of(ROOM + "/" + lastBefore + "/" + restoredSeq), l.restored, "client " + i);
            assertTrue(lastBefore > restoredSeq, "client " + i);
            assertTrue(resyncSeq >= restoredSeq, "client " + i + " resync at " + resyncSeq);
            assertEquals(resyncSeq + 1, l.seqs.getLong(at), "client " + i + ": the first seq after the resync");
            for (int k = 1; k < l.seqs.size(); k++)
            {
                if (k != at)
                {
                    assertEquals(l.seqs.getLong(k - 1) + 1, l.seqs.getLong(k), "client " + i + " seq at " + k);
                }
            }
            final List<String> after = l.emits.subList(l.emitsAtResync, l.emits.size());
            assertEquals(after.size(), new HashSet<>(after).size(), "client " + i + " emits after the resync");
            System.out.println("client " + i + ": delivered " + beforeKill[i] + " before the kill, the room restored at " +
                restoredSeq + " (the child sent up to " + lastSent + "): told once, one resync at " + resyncSeq +
                ", then every seq " + (resyncSeq + 1) + ".." + finalSeq + " exactly once in order");
        }
        System.out.println("LIVE room after SIGKILL: " + resynced + " of " + CLIENTS + " clients resynced once, " +
            (CLIENTS - resynced) + " exact");
        return resynced;
    }

    private int pollOrPark()
    {
        final long nowNs = System.nanoTime();
        if (emitting && null != clients && nowNs - lastEmitNs >= EMIT_INTERVAL_NS)
        {
            lastEmitNs = nowNs;
            for (int i = 0; i < CLIENTS; i++)
            {
                if (null != clients[i] && clients[i].isConnected())
                {
                    final int length = emitPayload.putStringWithoutLengthUtf8(0, "emit " + i + " " + emitted[i]);
                    if (clients[i].emit(ROOM, EMIT_TYPE, emitPayload, 0, length) > 0)
                    {
                        emitted[i]++;
                    }
                }
            }
        }
        if (0 == harness.pollAll())
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return 1;
    }

    private static long minDelivered(final SeqListener[] listeners)
    {
        long min = Long.MAX_VALUE;
        for (final SeqListener l : listeners)
        {
            min = Math.min(min, l.seqs.size());
        }
        return min;
    }

    private static long minLast(final SeqListener[] listeners)
    {
        long min = Long.MAX_VALUE;
        for (final SeqListener l : listeners)
        {
            min = Math.min(min, l.last());
        }
        return min;
    }

    private static boolean allTold(final SeqListener[] listeners)
    {
        for (final SeqListener l : listeners)
        {
            if (null == l.disconnected)
            {
                return false;
            }
        }
        return true;
    }

    private static boolean allResumedPast(final SeqListener[] listeners, final long seq)
    {
        for (final SeqListener l : listeners)
        {
            if (0 == l.resumes || l.last() < seq)
            {
                return false;
            }
        }
        return true;
    }

    private static String resumes(final SeqListener[] listeners)
    {
        final StringBuilder sb = new StringBuilder();
        for (final SeqListener l : listeners)
        {
            sb.append(l.resumes).append(' ');
        }
        return sb.toString();
    }

    private static String lasts(final SeqListener[] listeners)
    {
        final StringBuilder sb = new StringBuilder();
        for (final SeqListener l : listeners)
        {
            sb.append(l.last()).append(' ');
        }
        return sb.toString();
    }

    private static String states(final GameClient[] clients)
    {
        final StringBuilder sb = new StringBuilder();
        for (final GameClient c : clients)
        {
            sb.append(c.state()).append(' ');
        }
        return sb.toString();
    }

    private static int pause()
    {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        return 1;
    }
}
