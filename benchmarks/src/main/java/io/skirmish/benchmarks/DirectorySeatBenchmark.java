package io.skirmish.benchmarks;

import io.skirmish.directory.DirectoryClient;
import io.skirmish.directory.DirectoryCluster;
import io.skirmish.directory.DirectoryListener;
import io.skirmish.directory.DirectoryNode;
import io.skirmish.directory.DirectoryReporter;
import io.skirmish.directory.RoomStatus;
import io.skirmish.directory.Seat;
import io.skirmish.directory.protocol.DirectoryResult;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.HdrHistogram.Histogram;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.ShutdownSignalBarrier;
import org.agrona.concurrent.YieldingIdleStrategy;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Seat requests against a three-node directory cluster on this machine (dev mode: the three nodes, each with its own
 * media driver, archive, consensus module and service, in this JVM; the backends' client driver too), over loopback
 * UDP. Two runs: closed loop (one backend, one blocking request at a time: the latency of a seat request, the log
 * replicated to a majority before the answer) and windowed (several backends, each keeping a window of asynchronous
 * requests in flight: seats per second, and the latency of each request from send to answer). Every request reserves
 * a seat in one big room; nothing is released.
 * <p>
 * System properties: {@code seconds} (measured seconds per run, default 10), {@code warmupSeconds} (3),
 * {@code backends} (2), {@code window} (16), {@code idle} ({@code backoff}, the nodes' default, parking up to 1 ms,
 * or {@code yield}), {@code split} (false: with true, the three nodes run in a child JVM of their own, started
 * pinned with {@code taskset -c} {@code directoryCpus} (default 0), and this JVM, pinned by its caller, holds only
 * the backends, their driver and the reporter).
 * <pre>
 * java --add-opens java.base/jdk.internal.misc=ALL-UNNAMED -Dseconds=10 \
 *     -cp benchmarks/target/benchmarks.jar io.skirmish.benchmarks.DirectorySeatBenchmark
 * taskset -c 1 java --add-opens java.base/jdk.internal.misc=ALL-UNNAMED -Dsplit=true -DdirectoryCpus=0 \
 *     -cp benchmarks/target/benchmarks.jar io.skirmish.benchmarks.DirectorySeatBenchmark
 * </pre>
 */
public final class DirectorySeatBenchmark
{
    private static final int ROOM = 1;
    private static final long HIGHEST_TRACKABLE_NS = TimeUnit.SECONDS.toNanos(30);

    private DirectorySeatBenchmark()
    {
    }

    /**
     * Run both and print the results.
     *
     * @param args ignored; see the class Javadoc for the system properties.
     */
    public static void main(final String[] args) throws InterruptedException, IOException
    {
        if ("directory".equals(System.getProperty("role")))
        {
            runDirectory();
            return;
        }
        final boolean split = Boolean.getBoolean("split");
        final int seconds = Integer.getInteger("seconds", 10);
        final int warmupSeconds = Integer.getInteger("warmupSeconds", 3);
        final int backends = Integer.getInteger("backends", 2);
        final int window = Integer.getInteger("window", 16);
        final String idle = System.getProperty("idle", "backoff");
        final PrintStream out = System.out;
        final File dir = new File(System.getProperty("java.io.tmpdir"), "skirmish-directory-bench-" + System.nanoTime());
        final int basePort = 52_000 + (int)(ProcessHandle.current().pid() % 50) * 40;
        final String nodes = DirectoryCluster.nodes("localhost", basePort, 3);
        out.printf(Locale.ROOT, "# directory seat requests: 3 nodes %s, idle=%s, %d s warm-up, %d s measured, " +
            "%d cores for this JVM%n", split ? "in a child JVM pinned to cpus " +
            System.getProperty("directoryCpus", "0") : "in process", idle, warmupSeconds, seconds,
            Runtime.getRuntime().availableProcessors());

        DirectoryCluster cluster = null;
        Process directory = null;
        MediaDriver driver = null;
        AgentRunner reporterRunner = null;
        final List<DirectoryClient> clients = new ArrayList<>();
        final List<Forwarding> listeners = new ArrayList<>();
        try
        {
            if (split)
            {
                directory = startDirectory(basePort, dir, idle, out);
            }
            else
            {
                cluster = launchCluster(nodes, dir, idle);
            }
            driver = MediaDriver.launch(new MediaDriver.Context().aeronDirectoryName(new File(dir, "client").getPath())
                .threadingMode(ThreadingMode.SHARED).sharedIdleStrategy(idleStrategy(idle))
                .termBufferSparseFile(true).dirDeleteOnStart(true).dirDeleteOnShutdown(true));
            final DirectoryReporter reporter = DirectoryReporter.launch(new DirectoryReporter.Context().nodes(nodes)
                .aeronDirectoryName(driver.aeronDirectoryName()).serverId(1).publicAddress("game1:40123")
                .capacity(Integer.MAX_VALUE).connectTimeoutNs(TimeUnit.SECONDS.toNanos(30)));
            reporter.room(ROOM, 1, 0, Integer.MAX_VALUE);
            reporterRunner = new AgentRunner(idleStrategy(idle), Throwable::printStackTrace, null, reporter);
            AgentRunner.startOnThread(reporterRunner);
            for (int i = 0; i < backends; i++)
            {
                listeners.add(new Forwarding());
                clients.add(DirectoryClient.connect(new DirectoryClient.Context().nodes(nodes)
                    .aeronDirectoryName(driver.aeronDirectoryName()).backendId(1 + i).maxPendingRequests(window).listener(listeners.get(i))
                    .connectTimeoutNs(TimeUnit.SECONDS.toNanos(30)).idleStrategy(idleStrategy(idle))));
            }
            final RoomStatus status = new RoomStatus();
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (DirectoryResult.OK != clients.get(0).describe(ROOM, status))
            {
                if (System.nanoTime() - deadlineNs > 0)
                {
                    throw new IllegalStateException("the room was never reported");
                }
            }

            closedLoop(clients.get(0), warmupSeconds);
            print(out, "closed loop, 1 backend, 1 in flight", closedLoop(clients.get(0), seconds), seconds);
            windowed(clients, listeners, window, warmupSeconds);
            print(out, "windowed, " + backends + " backends x " + window + " in flight",
                windowed(clients, listeners, window, seconds), seconds);
            clients.get(0).describe(ROOM, status);
            out.println("# room after the runs: " + status);
        }
        finally
        {
            CloseHelper.closeAll(clients);
            CloseHelper.closeAll(reporterRunner, cluster, driver);
            if (null != directory)
            {
                directory.destroy();
                if (!directory.waitFor(30, TimeUnit.SECONDS))
                {
                    directory.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
            IoUtil.delete(dir, true);
        }
    }

    private static DirectoryCluster launchCluster(final String nodes, final File dir, final String idle)
    {
        return DirectoryCluster.launch(3, (i) -> new DirectoryNode.Context().nodeId(i).nodes(nodes)
            .baseDir(new File(dir, "node-" + i)).aeronDirectoryName(new File(dir, "aeron-" + i).getPath())
            .deleteOnStart(true).defaultSeatTtlMs(600_000).idleStrategySupplier(() -> idleStrategy(idle)));
    }

    /** The child JVM: the three nodes until SIGTERM, "READY" on stdout once they are up. */
    private static void runDirectory()
    {
        final String nodes = DirectoryCluster.nodes("localhost", Integer.getInteger("basePort"), 3);
        final File dir = new File(System.getProperty("dir"));
        try (ShutdownSignalBarrier barrier = new ShutdownSignalBarrier();
            DirectoryCluster cluster = launchCluster(nodes, dir, System.getProperty("idle", "backoff")))
        {
            System.out.println("READY " + nodes + " " + cluster.size() + " nodes, " +
                Runtime.getRuntime().availableProcessors() + " cores for the directory JVM");
            barrier.await();
        }
    }

    private static Process startDirectory(final int basePort, final File dir, final String idle, final PrintStream out)
        throws IOException
    {
        final List<String> command = new ArrayList<>(List.of("taskset", "-c", System.getProperty("directoryCpus", "0"),
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Drole=directory", "-DbasePort=" + basePort,
            "-Ddir=" + new File(dir, "directory").getAbsolutePath(), "-Didle=" + idle,
            "-cp", System.getProperty("java.class.path"), DirectorySeatBenchmark.class.getName()));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final BufferedReader reader = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while (null != (line = reader.readLine()))
        {
            if (line.startsWith("READY"))
            {
                out.println("# directory JVM pid " + process.pid() + ": " + line);
                break;
            }
            out.println("# directory: " + line);
        }
        if (null == line)
        {
            throw new IllegalStateException("the directory JVM ended before it was up");
        }
        final Thread drain = new Thread(() ->
        {
            try
            {
                String more;
                while (null != (more = reader.readLine()))
                {
                    out.println("# directory: " + more);
                }
            }
            catch (final IOException ignore)
            {
                // it ended
            }
        }, "directory-output");
        drain.setDaemon(true);
        drain.start();
        return process;
    }

    private static Histogram closedLoop(final DirectoryClient client, final int seconds)
    {
        final Histogram histogram = new Histogram(HIGHEST_TRACKABLE_NS, 3);
        final Seat seat = new Seat();
        final long endNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long nowNs;
        while ((nowNs = System.nanoTime()) - endNs < 0)
        {
            final long seatId = client.requestSeat(ROOM, 1, seat);
            if (seatId <= 0)
            {
                throw new IllegalStateException("seat refused: " + DirectoryResult.name(seatId));
            }
            histogram.recordValue(System.nanoTime() - nowNs);
        }
        return histogram;
    }

    private static Histogram windowed(
        final List<DirectoryClient> clients, final List<Forwarding> listeners, final int window, final int seconds)
        throws InterruptedException
    {
        final Histogram total = new Histogram(HIGHEST_TRACKABLE_NS, 3);
        final List<Thread> threads = new ArrayList<>();
        final List<Histogram> histograms = new ArrayList<>();
        for (int i = 0; i < clients.size(); i++)
        {
            final DirectoryClient client = clients.get(i);
            final Forwarding forwarding = listeners.get(i);
            final Histogram histogram = new Histogram(HIGHEST_TRACKABLE_NS, 3);
            histograms.add(histogram);
            final Thread thread = new Thread(
                () -> window(client, forwarding, window, seconds, histogram), "backend");
            threads.add(thread);
            thread.start();
        }
        for (final Thread thread : threads)
        {
            thread.join();
        }
        histograms.forEach(total::add);
        return total;
    }

    private static void window(
        final DirectoryClient client, final Forwarding forwarding, final int window, final int seconds,
        final Histogram histogram)
    {
        final Long2LongHashMap sentAtNs = new Long2LongHashMap(-1);
        final long[] failures = { 0 };
        final DirectoryListener listener = new DirectoryListener()
        {
            public void onSeat(final long correlationId, final Seat seat)
            {
                histogram.recordValue(System.nanoTime() - sentAtNs.remove(correlationId));
            }

            public void onResult(final long correlationId, final long code)
            {
                sentAtNs.remove(correlationId);
                failures[0]++;
            }
        };
        final BackoffIdleStrategy idle = new BackoffIdleStrategy();
        final long endNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        forwarding.delegate = listener;
        while (System.nanoTime() - endNs < 0 || client.pendingRequests() > 0)
        {
            int work = 0;
            while (client.pendingRequests() < window && System.nanoTime() - endNs < 0)
            {
                final long sendNs = System.nanoTime();
                final long id = client.seatInRoom(ROOM, 1, 0);
                if (id < 0)
                {
                    break;
                }
                sentAtNs.put(id, sendNs);
                work++;
            }
            work += client.poll();
            idle.idle(work);
        }
        if (failures[0] > 0)
        {
            throw new IllegalStateException(failures[0] + " seat requests failed");
        }
    }

    private static void print(final PrintStream out, final String name, final Histogram h, final int seconds)
    {
        out.printf(Locale.ROOT, "%-45s %8.0f seats/s  p50 %7.3f ms  p99 %7.3f ms  p99.9 %7.3f ms  max %7.3f ms  " +
            "(%d requests)%n", name, h.getTotalCount() / (double)seconds, ms(h.getValueAtPercentile(50)),
            ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()), h.getTotalCount());
    }

    private static double ms(final long ns)
    {
        return ns / 1e6;
    }

    private static IdleStrategy idleStrategy(final String idle)
    {
        return "yield".equals(idle) ? new YieldingIdleStrategy() : new BackoffIdleStrategy(
            10, 10, TimeUnit.MICROSECONDS.toNanos(10), TimeUnit.MILLISECONDS.toNanos(1));
    }

    /** Hands answers to the listener of the current run (set on the thread that polls). */
    private static final class Forwarding implements DirectoryListener
    {
        private DirectoryListener delegate = new DirectoryListener()
        {
        };

        public void onSeat(final long correlationId, final Seat seat)
        {
            delegate.onSeat(correlationId, seat);
        }

        public void onResult(final long correlationId, final long code)
        {
            delegate.onResult(correlationId, code);
        }

        public void onRoomStatus(final long correlationId, final RoomStatus status)
        {
            delegate.onRoomStatus(correlationId, status);
        }
    }
}
