package io.skirmish.engine;

import io.skirmish.engine.client.GameClient;
import io.skirmish.engine.client.ServerLocator;
import io.skirmish.engine.security.ConnectTokens;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.Room;
import io.skirmish.engine.server.RoomOptions;
import io.skirmish.engine.server.ServerTestSupport;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Failover to another server: a room server in a JVM of its own (archive directory {@code server-1} under a shared
 * root) runs a durable room with three clients emitting into it; it is killed with SIGKILL mid-stream; a second,
 * already running server ({@code server-2}, another port, its own session id range) restores the room from the
 * dead server's directory and takes over its sessions; the clients, whose resumes go unanswered, ask their
 * {@link ServerLocator}, move there, and resume. Every client has each seq of the room from its join to the last
 * exactly once and in order, every emit exactly once, no resync; the dead server's files are unchanged but for the
 * take-over mark, and a server started again on its directory restores neither the room nor the sessions.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FailoverSystemTest
{
    private static final int ROOM = 61;
    private static final int CLIENTS = 3;
    private static final int EMIT_TYPE = 9;
    private static final long EMIT_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(5);

    private final SystemTestHarness harness = new SystemTestHarness();
    private File root;
    private ChildServer child;
    private GameClient[] clients;
    private final int[] emitted = new int[CLIENTS];
    private final UnsafeBuffer emitPayload = new UnsafeBuffer(new byte[64]);
    private boolean emitting = true;
    private long lastEmitNs;

    @AfterEach
    void after() throws InterruptedException
    {
        if (null != child)
        {
            child.close();
        }
        harness.close();
        if (null != root)
        {
            IoUtil.delete(root, true);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "plain", "tokens" })
    void shouldMoveTheRoomAndItsSessionsToAnotherServerAfterASigkill(final String mode) throws Exception
    {
        final boolean tokens = "tokens".equals(mode);
        root = Files.createTempDirectory("skirmish-failover").toFile();
        final File deadDir = new File(root, "server-1");
        final File liveDir = new File(root, "server-2");
        final int portA = Tests.freePortPair();
        final int portB = Tests.freePortPair();
        child = new ChildServer(DurableSessionsChild.class, portA, deadDir.getAbsolutePath(), Integer.toString(ROOM),
            Integer.toString(CLIENTS), tokens ? "tokens" : "plain");
        final ChildServer killed = child;
        Tests.await(() -> killed.output().contains("ready"), 60_000, FailoverSystemTest::pause,
            () -> "child ready: " + killed.diagnostics());

        final GameServer.Context ctxB = harness.serverContext(portB)
            .archiveDirectoryName(liveDir.getAbsolutePath())
            .resumeWindowNs(DurableSessionsChild.RESUME_WINDOW_NS)
            .sessionIdBase(2 << 20);
        final GameServer serverB = harness.launch(tokens ? DurableSessionsChild.withTokens(ctxB, portB) : ctxB);

        // the game's backend: knows where the room is once the directory moved it
        final String[] roomServer = { "127.0.0.1:" + portA };
        final AtomicInteger located = new AtomicInteger();
        final ServerLocator locator = (sessionId, server, reason, move) ->
        {
            if (server.equals(roomServer[0]))
            {
                return false;
            }
            located.incrementAndGet();
            move.server(roomServer[0]);
            return true;
        };
        final ConnectTokens backend = new ConnectTokens(DurableSessionsChild.TOKEN_SECRET);
        final DurableSessionsSystemTest.SeqListener[] listeners = new DurableSessionsSystemTest.SeqListener[CLIENTS];
        clients = new GameClient[CLIENTS];
        for (int i = 0; i < CLIENTS; i++)
        {
            listeners[i] = new DurableSessionsSystemTest.SeqListener();
            final GameClient.Context clientCtx = harness.clientContext(portA).listener(listeners[i])
                .serverLocator(locator);
            if (tokens)
            {
                final ConnectTokens.Minted minted = backend.mint(
                    1000 + i, System.currentTimeMillis() + 60_000, "game.example.com:" + portA, new byte[0]);
                clientCtx.connectToken(minted.token(), minted.sessionKey());
            }
            clients[i] = harness.connect(clientCtx);
            harness.awaitConnected(clients[i]);
            clients[i].join(ROOM);
        }
        Tests.await(() -> minDelivered(listeners) >= 300, 60_000, this::pollOrPark,
            () -> "events before the kill " + minDelivered(listeners) + ", child sent " + killed.lastSent() +
            ": " + killed.output());

        final long killedNs = System.nanoTime();
        assertTrue(child.kill());
        final long lastSent = child.lastSent();
        final Map<String, String> deadFilesBefore = files(deadDir);

        // the directory would notice the silence after its server timeout; here the take-over starts at once
        final Room room = serverB.restoreRoom(ROOM, new RoomOptions().historyCount(16_384)
            .historyBytes(8 * 1024 * 1024), deadDir);
        final long restoredNs = System.nanoTime();
        final long restoredSeq = room.lastSeq();
        assertEquals(CLIENTS, serverB.sessionsTakenOver(), "sessions taken over");
        assertEquals(CLIENTS, room.memberCount(), "members of the restored room");
        roomServer[0] = "127.0.0.1:" + portB;
        System.out.println(mode + ": room " + ROOM + " restored on the other server at seq " + restoredSeq +
            " (child sent " + lastSent + ") with " + CLIENTS + " sessions, " +
            TimeUnit.NANOSECONDS.toMillis(restoredNs - killedNs) + " ms after the kill");

        final Map<String, String> deadFilesAfter = files(deadDir);
        final String mark = deadFilesAfter.remove("skirmish-taken-over.log");
        assertTrue(null != mark, "take-over mark written: " + deadFilesAfter.keySet());
        assertEquals(deadFilesBefore, deadFilesAfter, "the dead server's files are unchanged");

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
            () -> "resumed " + resumes(listeners) + ", delivered up to " + lasts(listeners) + " of " +
            room.lastSeq() + ", states " + states(clients) + ", located " + located.get());
        for (int i = 0; i < CLIENTS; i++)
        {
            if (0 == resumedAfterMs[i])
            {
                resumedAfterMs[i] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedNs); // resumed last
            }
        }
        emitting = false;
        Tests.drive(500, this::pollOrPark);
        final long finalSeq = room.lastSeq();
        Tests.await(() -> minLast(listeners) >= finalSeq, 20_000, this::pollOrPark,
            () -> "delivered up to " + lasts(listeners) + " of " + finalSeq);

        for (int i = 0; i < CLIENTS; i++)
        {
            final DurableSessionsSystemTest.SeqListener l = listeners[i];
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
            assertEquals("127.0.0.1:" + portB, clients[i].context().server(), "client " + i + " moved");
            for (int j = 0; j < CLIENTS; j++)
            {
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
                    assertEquals(firstSeen + k, (int)fromJ.get(k), "client " + i + ": emit " + k + " of client " +
                        j + " (exactly once, in order)");
                }
                assertEquals(emitted[j], firstSeen + fromJ.size(),
                    "client " + i + " got every emit of client " + j + " up to the last");
            }
            System.out.println("client " + i + ": delivered " + l.seqs.size() + " seqs " + first + ".." + l.last() +
                " exactly once in order, 0 resyncs, emitted " + emitted[i] + ", resumed on the other server " +
                resumedAfterMs[i] + " ms after the kill");
        }
        assertTrue(located.get() >= CLIENTS, "every client asked its locator: " + located.get());
        final Set<Integer> takenIds = new TreeSet<>();
        for (final GameClient client : clients)
        {
            takenIds.add(client.sessionId());
        }
        assertEquals(takenIds, ServerTestSupport.persistedSessionIds(liveDir,
            tokens ? DurableSessionsChild.TOKEN_SECRET : null),
            "the resumed sessions are persisted in the taking server's own store");

        // the dead server comes back on its directory: the room and the sessions it lost are not restored there
        final GameServer.Context ctxA = harness.serverContext(Tests.freePortPair())
            .archiveDirectoryName(deadDir.getAbsolutePath());
        final GameServer revived = harness.launch(tokens ? DurableSessionsChild.withTokens(ctxA, portA) : ctxA);
        assertThrows(IllegalStateException.class, () -> revived.restoreRoom(ROOM, new RoomOptions()));
        assertEquals(0, revived.restoreSessions(), "taken-over sessions are not restored by the dead server");
        assertThrows(IllegalStateException.class, () -> serverB.restoreRoom(ROOM + 1, new RoomOptions(), deadDir),
            "a live server's directory is refused");
    }

    /**
     * @return each file of the directory (the engine's lock file aside) with its length and modification time.
     */
    private static Map<String, String> files(final File dir) throws IOException
    {
        final Map<String, String> files = new TreeMap<>();
        final File[] all = dir.listFiles();
        for (final File file : null == all ? new File[0] : all)
        {
            if (!file.getName().equals("skirmish-archive.lock"))
            {
                files.put(file.getName(), file.length() + " " + Files.getLastModifiedTime(file.toPath()).toMillis() +
                    " " + (file.length() < 1 << 20 ? Arrays.hashCode(Files.readAllBytes(file.toPath())) : 0));
            }
        }
        return files;
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

    private static long minDelivered(final DurableSessionsSystemTest.SeqListener[] listeners)
    {
        long min = Long.MAX_VALUE;
        for (final DurableSessionsSystemTest.SeqListener l : listeners)
        {
            min = Math.min(min, l.seqs.size());
        }
        return min;
    }

    private static long minLast(final DurableSessionsSystemTest.SeqListener[] listeners)
    {
        long min = Long.MAX_VALUE;
        for (final DurableSessionsSystemTest.SeqListener l : listeners)
        {
            min = Math.min(min, l.last());
        }
        return min;
    }

    private static boolean allResumedPast(final DurableSessionsSystemTest.SeqListener[] listeners, final long seq)
    {
        for (final DurableSessionsSystemTest.SeqListener l : listeners)
        {
            if (0 == l.resumes || l.last() < seq)
            {
                return false;
            }
        }
        return true;
    }

    private static String resumes(final DurableSessionsSystemTest.SeqListener[] listeners)
    {
        final StringBuilder sb = new StringBuilder();
        for (final DurableSessionsSystemTest.SeqListener l : listeners)
        {
            sb.append(l.resumes).append(' ');
        }
        return sb.toString();
    }

    private static String lasts(final DurableSessionsSystemTest.SeqListener[] listeners)
    {
        final StringBuilder sb = new StringBuilder();
        for (final DurableSessionsSystemTest.SeqListener l : listeners)
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
