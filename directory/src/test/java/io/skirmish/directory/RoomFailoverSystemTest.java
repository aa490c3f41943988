package io.skirmish.directory;

import io.aeron.driver.MediaDriver;
import io.skirmish.directory.protocol.DirectoryResult;
import io.skirmish.engine.LeaveReason;
import io.skirmish.engine.ThreadingMode;
import io.skirmish.engine.client.ClientListener;
import io.skirmish.engine.client.GameClient;
import io.skirmish.engine.client.ServerLocator;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Failover through the directory with real processes: a three-node directory in this process, two room servers
 * as child JVMs ({@link LinkedRoomServerChild}) with their archives under one shared root, and three clients here
 * in a durable room of server 1, each emitting every 5 ms. Server 1 is killed with SIGKILL mid-traffic; the
 * directory marks it dead and re-places the room on server 2, whose link restores it from server 1's archive
 * directory with its sessions; the clients' resumes go unanswered, their {@link ServerLocator} (backed by a thread
 * asking the directory where the room is, as a game's backend would) names server 2, and they resume there. Every
 * client has each seq from its join on exactly once and in order, no resync, and every emit exactly once.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class RoomFailoverSystemTest
{
    private static final int ROOM = 71;
    private static final int CLIENTS = 3;
    private static final int EMIT_TYPE = 9;
    private static final long EMIT_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(5);

    private final File dir = new File(System.getProperty("java.io.tmpdir"), "skirmish-room-failover-test-" +
        System.nanoTime());
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final GameClient[] clients = new GameClient[CLIENTS];
    private final Listener[] listeners = new Listener[CLIENTS];
    private final int[] emitted = new int[CLIENTS];
    private final UnsafeBuffer emitPayload = new UnsafeBuffer(new byte[64]);
    private final AtomicBoolean locating = new AtomicBoolean(true);
    private final AtomicInteger roomServerId = new AtomicInteger();
    private final AtomicInteger located = new AtomicInteger();
    private final String[] addresses = new String[3];
    private Thread backendThread;
    private DirectoryCluster cluster;
    private MediaDriver clientDriver;
    private boolean emitting = true;
    private long lastEmitNs;

    /** A client's view of the room: every seq handed to it, and the emits among them. */
    static final class Listener implements ClientListener
    {
        final LongArrayList seqs = new LongArrayList();
        final List<String> emits = new ArrayList<>();
        long joinedAtSeq = -1;
        int resumes;
        long resumedAtNs;
        int connects;
        int resyncs;

        public void onConnected(final int sessionId, final boolean resumed)
        {
            if (resumed)
            {
                resumes++;
                resumedAtNs = System.nanoTime();
            }
            else
            {
                connects++;
            }
        }

        public void onJoined(final int roomId, final long nextSeq)
        {
            joinedAtSeq = nextSeq;
        }

        public void onResync(final int roomId, final long seq, final DirectBuffer buffer, final int offset,
            final int length)
        {
            resyncs++;
        }

        public void onEvent(final int roomId, final long seq, final int senderSessionId, final int typeId,
            final DirectBuffer buffer, final int offset, final int length)
        {
            seqs.addLong(seq);
            if (EMIT_TYPE == typeId)
            {
                emits.add(buffer.getStringWithoutLengthUtf8(offset, length));
            }
        }

        public void onMemberJoined(final int roomId, final long seq, final int sessionId)
        {
            seqs.addLong(seq);
        }

        public void onMemberLeft(final int roomId, final long seq, final int sessionId,
            final LeaveReason reason)
        {
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
        locating.set(false);
        if (null != backendThread)
        {
            backendThread.join(10_000);
        }
        CloseHelper.closeAll(clients);
        CloseHelper.closeAll(closeables);
        CloseHelper.closeAll(cluster, clientDriver);
        IoUtil.delete(dir, true);
    }

    @Test
    void shouldBringAKilledServersDurableRoomBackOnTheOtherServerWithItsClients() throws Exception
    {
        final String nodes = DirectoryCluster.nodes("localhost", DirectoryTests.freeBasePort(3), 3);
        cluster = DirectoryCluster.launch(3, (i) -> DirectoryTests.nodeContext(nodes, i, dir).serverTimeoutMs(2_000));
        clientDriver = DirectoryTests.clientDriver(new File(dir, "client-driver"));
        final File root = new File(dir, "shared");
        final int portA = DirectoryTests.freeBasePort(1);
        final int portB = DirectoryTests.freeBasePort(1);
        addresses[1] = "127.0.0.1:" + portA;
        addresses[2] = "127.0.0.1:" + portB;
        final Child serverA = new Child(portA, root, 1, nodes, ROOM, CLIENTS);
        closeables.add(serverA);
        final Child serverB = new Child(portB, root, 2, nodes, 0, CLIENTS);
        closeables.add(serverB);
        DirectoryTests.await(() -> serverA.saw("ready") && serverB.saw("ready"), 60_000, () -> pause(10),
            () -> "both room servers registered: " + serverA.output() + " / " + serverB.output());

        startBackend(nodes);
        final ServerLocator locator = (sessionId, server, reason, move) ->
        {
            final int id = roomServerId.get();
            if (0 == id || server.equals(addresses[id]))
            {
                return false;
            }
            located.incrementAndGet();
            move.server(addresses[id]);
            return true;
        };
        for (int i = 0; i < CLIENTS; i++)
        {
            listeners[i] = new Listener();
            clients[i] = GameClient.connect(new GameClient.Context()
                .server(addresses[1])
                .aeronDirectoryName(clientDriver.aeronDirectoryName())
                .embeddedMediaDriver(false)
                .threadingMode(ThreadingMode.INVOKER)
                .connectTimeoutNs(TimeUnit.SECONDS.toNanos(10))
                .serverLocator(locator)
                .listener(listeners[i])
                .errorHandler(Throwable::printStackTrace));
            final GameClient client = clients[i];
            DirectoryTests.await(client::isConnected, 20_000, this::pollOrPark, () -> "connected: " + client.state());
            client.join(ROOM);
        }
        DirectoryTests.await(() -> minDelivered() >= 300, 60_000, this::pollOrPark,
            () -> "events before the kill " + minDelivered() + ": " + serverA.output());
        DirectoryTests.await(() -> 1 == roomServerId.get(), 20_000, this::pollOrPark,
            () -> "the directory has the room on server 1: " + roomServerId.get());

        final long killedMs = System.currentTimeMillis();
        final long killedNs = System.nanoTime();
        serverA.kill();
        final long lastSent = serverA.lastSent();

        DirectoryTests.await(() -> serverB.saw("placed " + ROOM), 30_000, this::pollOrPark,
            () -> "the room placed on server 2: " + serverB.output());
        final String placed = serverB.line("placed " + ROOM);
        final long servingMs = Long.parseLong(placed.substring(placed.indexOf("at=") + 3)) - killedMs;
        final long restoredSeq = Long.parseLong(placed.replaceAll(".* seq=(\\d+) .*", "$1"));
        assertTrue(placed.contains("restored=true") && placed.contains("members=" + CLIENTS),
            "restored with its sessions: " + placed);

        DirectoryTests.await(() -> allResumedPast(restoredSeq + 300), 60_000, this::pollOrPark, () -> "resumed " + resumes() + ", delivered up to " + lasts() + ", located " + located.get() + ": " +
            serverB.output());
        emitting = false;
        DirectoryTests.await(this::everyEmitSeen, 20_000, this::pollOrPark, () -> "every emit delivered");

        for (int i = 0; i < CLIENTS; i++)
        {
            final Listener l = listeners[i];
            assertEquals(l.joinedAtSeq, l.seqs.getLong(0), "client " + i + " first seq: the one its join named");
            for (int k = 1; k < l.seqs.size(); k++)
            {
                assertEquals(l.seqs.getLong(k - 1) + 1, l.seqs.getLong(k), "client " + i + " seq at " + k);
            }
            assertEquals(0, l.resyncs, "client " + i + " resyncs");
            assertEquals(1, l.resumes, "client " + i + " resumes");
            assertEquals(1, l.connects, "client " + i + " connects");
            assertEquals(addresses[2], clients[i].context().server(), "client " + i + " followed the room");
            for (int j = 0; j < CLIENTS; j++)
            {
                final List<Integer> fromJ = emitsOf(l, j);
                final int firstSeen = 0 == i ? 0 : fromJ.isEmpty() ? 0 : fromJ.get(0);
                for (int k = 0; k < fromJ.size(); k++)
                {
                    assertEquals(firstSeen + k, (int)fromJ.get(k), "client " + i + ": emit " + k + " of " + j);
                }
            }
            System.out.println("client " + i + ": " + l.seqs.size() + " seqs " + l.seqs.getLong(0) + ".." +
                l.last() + " exactly once in order, 0 resyncs, " + emitted[i] + " emits, resumed on server 2 " +
                TimeUnit.NANOSECONDS.toMillis(l.resumedAtNs - killedNs) + " ms after the kill");
        }
        System.out.println("room " + ROOM + ": server 1 SIGKILLed at seq " + lastSent + "; serving again on " +
            "server 2 at seq " + restoredSeq + " with " + CLIENTS + " sessions " + servingMs + " ms after the kill " +
            "(directory server timeout 2 s); located " + located.get() + " times");
    }

    /**
     * A room server taken for dead while alive: server 1 is stopped (SIGSTOP) past the directory's server timeout,
     * so the directory re-places its durable room on server 2, whose link finds server 1's archive directory still
     * locked and defers, opening nothing; server 1 is continued (SIGCONT), reports the room again, and the directory
     * gives it back. Server 2 never opens the room.
     */
    @Test
    void shouldNotOpenARoomOfAServerTakenForDeadWhileItIsAliveAndGiveItBack() throws Exception
    {
        final String nodes = DirectoryCluster.nodes("localhost", DirectoryTests.freeBasePort(3), 3);
        cluster = DirectoryCluster.launch(3, (i) -> DirectoryTests.nodeContext(nodes, i, dir).serverTimeoutMs(2_000));
        clientDriver = DirectoryTests.clientDriver(new File(dir, "client-driver"));
        final File root = new File(dir, "shared");
        final Child serverA = new Child(DirectoryTests.freeBasePort(1), root, 1, nodes, ROOM, 1_000);
        closeables.add(serverA);
        final Child serverB = new Child(DirectoryTests.freeBasePort(1), root, 2, nodes, 0, 1_000);
        closeables.add(serverB);
        DirectoryTests.await(() -> serverA.saw("ready") && serverB.saw("ready"), 60_000, () -> pause(10),
            () -> "both room servers registered: " + serverA.output() + " / " + serverB.output());
        final DirectoryClient backend = DirectoryClient.connect(new DirectoryClient.Context()
            .nodes(nodes)
            .aeronDirectoryName(clientDriver.aeronDirectoryName())
            .backendId(1)
            .connectTimeoutNs(TimeUnit.SECONDS.toNanos(20))
            .requestTimeoutNs(TimeUnit.SECONDS.toNanos(5))
            .idleStrategy(DirectoryTests.idle()));
        closeables.add(backend);
        final RoomStatus status = new RoomStatus();
        final Supplier<String> where = () -> "room " + ROOM + " on server " + status.serverId() + " state " +
            status.state() + "; server 1: " + serverA.output() + "; server 2: " + serverB.output();
        DirectoryTests.await(() -> DirectoryResult.OK == backend.describe(ROOM, status) &&
            RoomStatus.OPEN == status.state() && 1 == status.serverId(), 20_000, () -> pause(50), where);

        serverA.signal("STOP");
        DirectoryTests.await(() -> serverB.saw("deferred "), 30_000, () -> pause(50),
            () -> "server 2 deferred the restore: " + serverB.output());
        assertEquals(DirectoryResult.OK, backend.describe(ROOM, status));
        assertEquals(2, status.serverId(), "re-placed on server 2");
        assertEquals(RoomStatus.PLACED, status.state(), "and not opened there");

        serverA.signal("CONT");
        DirectoryTests.await(() -> DirectoryResult.OK == backend.describe(ROOM, status) &&
            RoomStatus.OPEN == status.state() && 1 == status.serverId(), 30_000, () -> pause(50), where);
        final String deferredAtReturn = lastLine(serverB, "deferred ");
        pause(1_000); // five of server 2's report intervals: the directory must not remind it of the room again
        assertEquals(deferredAtReturn, lastLine(serverB, "deferred "), "no placement after the room went back");
        assertFalse(serverB.saw("placed " + ROOM), "server 2 never opened the room: " + serverB.output());
        assertEquals(DirectoryResult.OK, backend.describe(ROOM, status));
        assertEquals(1, status.serverId());
        assertEquals(RoomStatus.OPEN, status.state());
        System.out.println("room " + ROOM + ": server 1 stopped past the server timeout, re-placed on server 2, " +
            deferredAtReturn + " there, given back to server 1 on its return");
    }

    private static String lastLine(final Child child, final String prefix)
    {
        String last = null;
        for (final String line : child.output().split("\n"))
        {
            if (line.startsWith(prefix))
            {
                last = line;
            }
        }
        return last;
    }

    private void startBackend(final String nodes)
    {
        final DirectoryClient backend = DirectoryClient.connect(new DirectoryClient.Context()
            .nodes(nodes)
            .aeronDirectoryName(clientDriver.aeronDirectoryName())
            .backendId(1)
            .connectTimeoutNs(TimeUnit.SECONDS.toNanos(20))
            .requestTimeoutNs(TimeUnit.SECONDS.toNanos(5))
            .idleStrategy(DirectoryTests.idle()));
        final RoomStatus status = new RoomStatus();
        backendThread = new Thread(() ->
        {
            try
            {
                while (locating.get())
                {
                    if (DirectoryResult.OK == backend.describe(ROOM, status) && RoomStatus.OPEN == status.state())
                    {
                        roomServerId.set(status.serverId());
                    }
                    pause(100);
                }
            }
            finally
            {
                backend.close();
            }
        }, "backend");
        backendThread.start();
    }

    private static List<Integer> emitsOf(final Listener l, final int j)
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
        return fromJ;
    }

    private boolean everyEmitSeen()
    {
        for (int i = 0; i < CLIENTS; i++)
        {
            for (int j = 0; j < CLIENTS; j++)
            {
                final List<Integer> fromJ = emitsOf(listeners[i], j);
                if (fromJ.isEmpty() || fromJ.get(fromJ.size() - 1) != emitted[j] - 1)
                {
                    return false;
                }
            }
        }
        return true;
    }

    private void pollOrPark()
    {
        final long nowNs = System.nanoTime();
        if (emitting && nowNs - lastEmitNs >= EMIT_INTERVAL_NS)
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
        int work = 0;
        for (final GameClient client : clients)
        {
            if (null != client)
            {
                work += client.poll();
            }
        }
        if (0 == work)
        {
            pause(1);
        }
    }

    private long minDelivered()
    {
        long min = Long.MAX_VALUE;
        for (final Listener l : listeners)
        {
            min = Math.min(min, null == l ? 0 : l.seqs.size());
        }
        return min;
    }

    private boolean allResumedPast(final long seq)
    {
        for (final Listener l : listeners)
        {
            if (0 == l.resumes || l.last() < seq)
            {
                return false;
            }
        }
        return true;
    }

    private String resumes()
    {
        final StringBuilder sb = new StringBuilder();
        for (final Listener l : listeners)
        {
            sb.append(l.resumes).append(' ');
        }
        return sb.toString();
    }

    private String lasts()
    {
        final StringBuilder sb = new StringBuilder();
        for (final Listener l : listeners)
        {
            sb.append(l.last()).append(' ');
        }
        return sb.toString();
    }

    private static void pause(final long ms)
    {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(ms));
    }

    /** A {@link LinkedRoomServerChild} process; {@link #kill()} is a SIGKILL. */
    static final class Child implements AutoCloseable
    {
        private final List<String> output = new ArrayList<>();
        private final AtomicLong lastSent = new AtomicLong();
        private final File aeronDir;
        private final Process process;

        Child(final int port, final File root, final int serverId, final String nodes, final int roomId,
            final int members) throws IOException
        {
            aeronDir = new File(System.getProperty("java.io.tmpdir"), "skirmish-linked-" + serverId + "-" +
                System.nanoTime());
            final String classPath = System.getProperty("surefire.test.class.path",
                System.getProperty("java.class.path"));
            process = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
                "-Xmx192m", "-XX:MaxDirectMemorySize=256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", classPath, LinkedRoomServerChild.class.getName(),
                Integer.toString(port), aeronDir.getAbsolutePath(), root.getAbsolutePath(),
                Integer.toString(serverId), nodes, Integer.toString(roomId), Integer.toString(members)))
                .redirectErrorStream(true).start();
            final Thread reader = new Thread(this::read, "server-" + serverId + "-output");
            reader.setDaemon(true);
            reader.start();
        }

        private void read()
        {
            try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
            {
                String line;
                while (null != (line = in.readLine()))
                {
                    if (line.startsWith("sent "))
                    {
                        lastSent.set(Long.parseLong(line.substring(5).trim()));
                    }
                    else
                    {
                        synchronized (output)
                        {
                            output.add(line);
                        }
                    }
                }
            }
            catch (final IOException ignore)
            {
                // ended
            }
        }

        long lastSent()
        {
            return lastSent.get();
        }

        boolean saw(final String prefix)
        {
            return null != line(prefix);
        }

        String line(final String prefix)
        {
            synchronized (output)
            {
                for (final String line : output)
                {
                    if (line.startsWith(prefix))
                    {
                        return line;
                    }
                }
                return null;
            }
        }

        String output()
        {
            synchronized (output)
            {
                return String.join("\n", output);
            }
        }

        void signal(final String signal) throws IOException, InterruptedException
        {
            final Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
            assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && 0 == kill.exitValue(), "kill -" + signal);
        }

        void kill() throws InterruptedException
        {
            process.destroyForcibly();
            assertTrue(process.waitFor(10, TimeUnit.SECONDS), "killed");
        }

        public void close() throws InterruptedException
        {
            if (process.isAlive())
            {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            IoUtil.delete(aeronDir, true);
        }
    }
}
