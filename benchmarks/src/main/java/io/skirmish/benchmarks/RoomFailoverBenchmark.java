package io.skirmish.benchmarks;

import io.skirmish.directory.DirectoryCluster;
import io.skirmish.directory.DirectoryNode;
import io.skirmish.directory.server.RoomServerLink;
import io.skirmish.directory.server.RoomServerListener;
import io.skirmish.engine.ThreadingMode;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.Room;
import io.skirmish.engine.server.RoomOptions;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Time from a room server's death to its rooms serving again. Each round starts a three-node directory in this
 * process and two room servers as JVMs of their own (this class's {@code server} mode: a {@code GameServer} with
 * its archive in {@code <root>/server-<id>} and a {@code RoomServerLink} on the shared root); server 1 opens
 * {@code rooms} durable rooms and broadcasts into each every 2 ms; once it has recorded a while, it is killed with
 * SIGKILL. Measured: from the kill to the moment server 2 has restored the last of them (its link's
 * {@code onRoomPlaced} with {@code restored == true}, stamped by the wall clock, which both processes share). It is
 * the directory's server timeout (the silence after which a server is marked dead) plus the re-placement and the
 * restores. Properties: {@code rounds} (5), {@code rooms} (2), {@code serverTimeoutMs} (2000), {@code runMs}
 * (2000, recording before the kill).
 */
public final class RoomFailoverBenchmark
{
    private RoomFailoverBenchmark()
    {
    }

    /**
     * @param args none for the benchmark; {@code server port aeronDir root serverId nodes rooms} for a room server.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        if (args.length > 0 && "server".equals(args[0]))
        {
            server(args);
            return;
        }
        final int rounds = Integer.getInteger("rounds", 5);
        final int rooms = Integer.getInteger("rooms", 2);
        final long serverTimeoutMs = Long.getLong("serverTimeoutMs", 2_000);
        final long runMs = Long.getLong("runMs", 2_000);
        final PrintStream out = System.out;
        out.printf(Locale.ROOT, "# room failover: %d rounds, %d durable rooms, directory server timeout %d ms, " +
            "%d cores%n", rounds, rooms, serverTimeoutMs, Runtime.getRuntime().availableProcessors());
        final long[] servingMs = new long[rounds];
        final long[] afterDeadMs = new long[rounds];
        for (int round = 0; round < rounds; round++)
        {
            final File dir = new File(System.getProperty("java.io.tmpdir"), "skirmish-failover-bench-" +
                System.nanoTime());
            final int basePort = 53_000 + (int)(ProcessHandle.current().pid() % 40) * 40;
            final String nodes = DirectoryCluster.nodes("localhost", basePort, 3);
            DirectoryCluster cluster = null;
            Child a = null;
            Child b = null;
            try
            {
                cluster = DirectoryCluster.launch(3, (i) -> new DirectoryNode.Context().nodeId(i).nodes(nodes)
                    .baseDir(new File(dir, "node-" + i)).aeronDirectoryName(new File(dir, "aeron-" + i).getPath())
                    .deleteOnStart(true).serverTimeoutMs(serverTimeoutMs)
                    .leaderHeartbeatTimeoutNs(TimeUnit.SECONDS.toNanos(1))
                    .electionTimeoutNs(TimeUnit.MILLISECONDS.toNanos(500))
                    .startupCanvassTimeoutNs(TimeUnit.SECONDS.toNanos(5))
                    .idleStrategySupplier(RoomFailoverBenchmark::idle));
                final File root = new File(dir, "shared");
                a = new Child(basePort + 100, root, 1, nodes, rooms);
                b = new Child(basePort + 110, root, 2, nodes, 0);
                final Child first = a;
                final Child second = b;
                await(() -> first.count("ready") > 0 && second.count("ready") > 0, 60_000, "servers ready");
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(runMs));
                final long killedMs = System.currentTimeMillis();
                a.kill();
                await(() -> second.count("placed ") >= rooms, 60_000, "rooms restored on server 2: " +
                    second.output());
                long last = 0;
                for (final String line : second.lines("placed "))
                {
                    if (!line.contains("restored=true"))
                    {
                        throw new IllegalStateException("not restored: " + line);
                    }
                    last = Math.max(last, Long.parseLong(line.substring(line.indexOf("at=") + 3)));
                }
                servingMs[round] = last - killedMs;
                afterDeadMs[round] = servingMs[round] - serverTimeoutMs;
                out.printf(Locale.ROOT, "round %d: %d rooms serving again on server 2 %d ms after the SIGKILL " +
                    "(%d ms past the server timeout): %s%n", round + 1, rooms, servingMs[round], afterDeadMs[round],
                    second.lines("placed "));
            }
            finally
            {
                CloseHelper.quietCloseAll(a, b, cluster);
                IoUtil.delete(dir, true);
            }
        }
        Arrays.sort(servingMs);
        Arrays.sort(afterDeadMs);
        out.printf(Locale.ROOT, "kill to serving: p50 %d ms, max %d ms; past the %d ms server timeout: p50 %d ms, " +
            "max %d ms%n", servingMs[rounds / 2], servingMs[rounds - 1], serverTimeoutMs, afterDeadMs[rounds / 2],
            afterDeadMs[rounds - 1]);
    }

    private static void await(final BooleanSupplier condition, final long timeoutMs,
        final String what)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new IllegalStateException("timed out: " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    private static IdleStrategy idle()
    {
        return new BackoffIdleStrategy(10, 10, TimeUnit.MICROSECONDS.toNanos(10), TimeUnit.MILLISECONDS.toNanos(1));
    }

    private static RoomOptions options()
    {
        return new RoomOptions().maxMembers(16).historyCount(4096);
    }

    private static void server(final String[] args) throws InterruptedException
    {
        final int port = Integer.parseInt(args[1]);
        final File root = new File(args[3]);
        final int serverId = Integer.parseInt(args[4]);
        final int rooms = Integer.parseInt(args[6]);
        final RoomServerLink link = new RoomServerLink(new RoomServerLink.Context()
            .nodes(args[5])
            .serverId(serverId)
            .publicAddress("127.0.0.1:" + port)
            .capacity(100)
            .sharedArchiveRoot(root)
            .reportIntervalNs(TimeUnit.MILLISECONDS.toNanos(200))
            .connectTimeoutNs(TimeUnit.SECONDS.toNanos(30))
            .roomOptions((id, kind, min, max, properties) -> options())
            .listener(new RoomServerListener()
            {
                public void onRoomPlaced(final Room room, final int kind, final byte[] properties,
                    final boolean restored)
                {
                    System.out.println("placed " + room.roomId() + " restored=" + restored + " seq=" +
                        room.lastSeq() + " at=" + System.currentTimeMillis());
                }
            })
            .idleStrategy(idle()));
        final GameServer server = GameServer.launch(new GameServer.Context()
            .bindAddress("127.0.0.1")
            .port(port)
            .aeronDirectoryName(args[2])
            .archiveDirectoryName(new File(root, "server-" + serverId).getAbsolutePath())
            .sessionIdBase(serverId << 20)
            .threadingMode(ThreadingMode.SHARED)
            .idleStrategy(idle())
            .driverIdleStrategy(idle())
            .errorHandler(Throwable::printStackTrace)
            .listener(link.listener(null)));
        final CountDownLatch created = new CountDownLatch(1);
        while (!server.proxy().execute(() ->
        {
            for (int i = 1; i <= rooms; i++)
            {
                server.createRoom(100 + i, options().durable(true));
            }
            created.countDown();
        }))
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        created.await();
        link.start(server);
        while (!link.isRegistered())
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        System.out.println("ready");
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[64]);
        final Runnable broadcast = () -> server.forEachRoom((room) ->
        {
            if (room.isDurable())
            {
                final int length = payload.putStringWithoutLengthUtf8(0, "event " + (room.lastSeq() + 1));
                room.broadcast(7, payload, 0, length);
            }
        });
        while (true)
        {
            server.proxy().execute(broadcast);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }

    /** A room server JVM; its output lines are kept. */
    private static final class Child implements AutoCloseable
    {
        private final List<String> output = new ArrayList<>();
        private final File aeronDir;
        private final Process process;

        Child(final int port, final File root, final int serverId, final String nodes, final int rooms)
            throws IOException
        {
            aeronDir = new File(System.getProperty("java.io.tmpdir"), "skirmish-failover-bench-server-" +
                serverId + "-" + System.nanoTime());
            process = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
                "-Xmx192m", "-XX:MaxDirectMemorySize=256m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), RoomFailoverBenchmark.class.getName(), "server",
                Integer.toString(port), aeronDir.getAbsolutePath(), root.getAbsolutePath(),
                Integer.toString(serverId), nodes, Integer.toString(rooms)))
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
                    synchronized (output)
                    {
                        output.add(line);
                    }
                }
            }
            catch (final IOException ignore)
            {
                // ended
            }
        }

        int count(final String prefix)
        {
            return lines(prefix).size();
        }

        List<String> lines(final String prefix)
        {
            final List<String> lines = new ArrayList<>();
            synchronized (output)
            {
                for (final String line : output)
                {
                    if (line.startsWith(prefix))
                    {
                        lines.add(line);
                    }
                }
            }
            return lines;
        }

        String output()
        {
            synchronized (output)
            {
                return String.join("\n", output);
            }
        }

        void kill() throws InterruptedException
        {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
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
