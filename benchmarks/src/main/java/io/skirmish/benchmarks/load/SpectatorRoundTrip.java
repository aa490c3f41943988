package io.skirmish.benchmarks.load;

import io.skirmish.benchmarks.rig.EchoRig;
import io.skirmish.benchmarks.rig.Threading;
import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.server.GameServer;
import org.HdrHistogram.Histogram;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.YieldingIdleStrategy;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What spectators of a durable room cost its players, with the spectators out of the way: this JVM (start it with
 * {@code taskset -c 0}) holds the server (SHARED, its own thread, which also runs its driver and archive) and the
 * player (an INVOKER client on the main thread, its own embedded driver), and sends the players' event round trip at
 * a fixed {@code rate}, recorded into HdrHistogram from each one's intended send time (no coordinated omission). The
 * {@code spectators} spectators, {@code delayMs} behind, run in a {@link SpectatorFleet} child JVM pinned with
 * {@code taskset -c spectatorCpu} (default 1), so their client-side CPU is not on the server's core.
 * <p>
 * One server and room throughout; {@code pairs} pairs of phases A (no spectators) and B (the fleet started, every
 * spectator handed frames, then measured), {@code seconds} each, after {@code warmupSeconds} unrecorded. Per phase it
 * prints the round trip's p50/p99/p99.9/max, the server's own load (its conductor's working share, sampled), the
 * feed frames it sent, each JVM's CPU, each core's busy share (everything on it) and the load average.
 * <pre>
 * taskset -c 0 java --add-opens java.base/jdk.internal.misc=ALL-UNNAMED -Drate=200 -Dseconds=20 -Dpairs=2 \
 *     -cp benchmarks/target/benchmarks.jar io.skirmish.benchmarks.load.SpectatorRoundTrip
 * </pre>
 */
public final class SpectatorRoundTrip
{
    private static final long HIGHEST_TRACKABLE_NS = TimeUnit.SECONDS.toNanos(10);
    private static final int PAYLOAD_LENGTH = 32;
    private static final int PHASE_OFFSET = 8;
    private static final int NOT_RECORDED = -1;
    private static final int CPUS = 2;

    private final Histogram[] histograms;
    private final String[] rows;
    private volatile int phase = NOT_RECORDED;
    private volatile boolean finished;
    private volatile RuntimeException failure;
    private final boolean sessionsOnly;
    private long received;

    private SpectatorRoundTrip(final int phases, final boolean sessionsOnly)
    {
        this.sessionsOnly = sessionsOnly;
        histograms = new Histogram[phases];
        rows = new String[phases];
        for (int i = 0; i < phases; i++)
        {
            histograms[i] = new Histogram(HIGHEST_TRACKABLE_NS, 3);
        }
    }

    /**
     * Run the phases and print the table.
     *
     * @param args ignored; settings are system properties: {@code rate} (200), {@code warmupSeconds} (10),
     *             {@code seconds} (20), {@code pairs} (2), {@code spectators} (50), {@code delayMs} (2000),
     *             {@code spectatorCpu} (1), {@code logDir} (the fleet's logs, default {@code target}),
     *             {@code sessionsOnly} (false: true connects the B clients without spectating).
     * @throws IOException when an archive directory cannot be created.
     */
    public static void main(final String[] args) throws IOException
    {
        final int rate = Integer.getInteger("rate", 200);
        final int warmupSeconds = Integer.getInteger("warmupSeconds", 10);
        final int seconds = Integer.getInteger("seconds", 20);
        final int pairs = Integer.getInteger("pairs", 2);
        final int spectators = Integer.getInteger("spectators", 50);
        final long delayMs = Long.getLong("delayMs", 2000);
        final int spectatorCpu = Integer.getInteger("spectatorCpu", 1);
        final boolean sessionsOnly = Boolean.getBoolean("sessionsOnly");
        final Path logDir = Path.of(System.getProperty("logDir", "target"));
        final PrintStream out = System.out;
        out.printf(Locale.ROOT, "# players' round trip at %d/s, %d B, durable room; %d x (A: no spectators, B: %d " +
            "spectators %d ms behind in a JVM on cpu %d), %d s each after %d s warm-up; this JVM on cpus %s; " +
            "load %s%n", rate, PAYLOAD_LENGTH, pairs, spectators, delayMs, spectatorCpu, seconds, warmupSeconds,
            CpuStat.allowedCpus(), CpuStat.loadAverage());
        if (sessionsOnly)
        {
            out.println("# sessionsOnly: the B clients connect but do not spectate (what their sessions alone cost)");
        }
        new SpectatorRoundTrip(2 * pairs, sessionsOnly).run(rate, warmupSeconds, seconds, spectators, delayMs, spectatorCpu, logDir,
            out);
    }

    private void run(
        final int rate,
        final int warmupSeconds,
        final int seconds,
        final int spectators,
        final long delayMs,
        final int spectatorCpu,
        final Path logDir,
        final PrintStream out) throws IOException
    {
        final UnsafeBuffer payload = new UnsafeBuffer(BufferUtil.allocateDirectAligned(PAYLOAD_LENGTH, 64));
        final IdleStrategy idle = new YieldingIdleStrategy();
        final long intervalNs = TimeUnit.SECONDS.toNanos(1) / rate;
        final File archiveDir = Files.createTempDirectory("skirmish-spectator-rtt-archive").toFile();
        try (EchoRig rig = EchoRig.launchDurable(Threading.THREADED, new YieldingIdleStrategy(), this::onEcho,
            archiveDir))
        {
            final GameServer server = rig.server();
            final String endpoint = "127.0.0.1:" + server.context().port();
            final Thread controller = new Thread(() -> control(server, endpoint, warmupSeconds, seconds, spectators,
                delayMs, spectatorCpu, logDir, out), "spectator-rtt-controller");
            controller.setDaemon(true);
            controller.start();
            long sent = 0;
            long nextSendNs = System.nanoTime();
            while (!finished)
            {
                int work = 0;
                if (System.nanoTime() - nextSendNs >= 0)
                {
                    payload.putLong(0, nextSendNs);
                    payload.putInt(PHASE_OFFSET, phase);
                    if (rig.send(payload, 0, PAYLOAD_LENGTH))
                    {
                        nextSendNs += intervalNs;
                        sent++;
                        work++;
                    }
                }
                work += rig.poll();
                idle.idle(work);
            }
            final long drainDeadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (received < sent && System.nanoTime() - drainDeadlineNs < 0)
            {
                idle.idle(rig.poll());
            }
            if (null != failure)
            {
                throw failure;
            }
            if (received < sent)
            {
                throw new IllegalStateException((sent - received) + " of " + sent + " round trips never completed");
            }
            out.printf(Locale.ROOT, "# %d round trips sent and received; recording frames lost %d%n", sent,
                server.counter(EngineCounter.RECORDING_FRAMES_LOST));
            out.println("| phase | spectators | round trips | p50 us | p99 us | p99.9 us | max us | server load | " +
                "feed frames/s | feed batches/s | feed acks/s | server frames out/s | server frames in/s | resent | " +
                "this JVM cpu | fleet cpu | cpu0 busy | cpu1 busy | load avg |");
            out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
            for (final String row : rows)
            {
                out.println(row);
            }
            summarise(out);
        }
        finally
        {
            IoUtil.delete(archiveDir, true);
        }
    }

    private void control(
        final GameServer server,
        final String endpoint,
        final int warmupSeconds,
        final int seconds,
        final int spectators,
        final long delayMs,
        final int spectatorCpu,
        final Path logDir,
        final PrintStream out)
    {
        try
        {
            Thread.sleep(TimeUnit.SECONDS.toMillis(warmupSeconds));
            for (int i = 0; i < histograms.length; i++)
            {
                final boolean watched = 1 == ((i + (Boolean.getBoolean("spectatedFirst") ? 1 : 0)) & 1);
                final String label = (watched ? "B" : "A") + (i / 2 + 1);
                ChildJvm fleet = null;
                try
                {
                    if (watched)
                    {
                        fleet = ChildJvm.launch("spectators-" + label, spectatorCpu, 0, List.of("-Xmx256m"),
                            SpectatorFleet.class.getName(), List.of("--server", endpoint, "--room",
                            Integer.toString(EchoRig.ENGINE_ROOM_ID), "--delay", delayMs + "ms", "--count",
                            Integer.toString(spectators), "--sessionsOnly", Boolean.toString(sessionsOnly)), logDir.resolve("spectator-fleet-" + label + ".log"));
                        final Report ready = fleet.await("@READY", 120_000);
                        out.println("# " + label + ": " + ready);
                        Thread.sleep(2_000);
                        fleet.send(CommandQueue.REPORT);
                        fleet.await("@RESULT", 30_000);
                    }
                    rows[i] = measure(i, label, watched ? spectators : 0, server, fleet, seconds, out);
                }
                finally
                {
                    if (null != fleet)
                    {
                        fleet.close();
                    }
                }
                if (watched)
                {
                    awaitNoFeeds(server);
                }
            }
        }
        catch (final InterruptedException ex)
        {
            failure = new IllegalStateException(ex);
        }
        catch (final IOException | RuntimeException ex)
        {
            out.printf(Locale.ROOT, "# failed: feeds open %d, archive replays %d, refused %d, frames sent %d%n",
                server.counter(EngineCounter.FEED_SPECTATORS), server.counter(EngineCounter.FEED_ARCHIVE_REPLAYS),
                server.counter(EngineCounter.FEEDS_REFUSED), server.counter(EngineCounter.FEED_FRAMES_SENT));
            failure = ex instanceof RuntimeException ? (RuntimeException)ex : new IllegalStateException(ex);
        }
        finally
        {
            finished = true;
        }
    }

    private String measure(
        final int index,
        final String label,
        final int spectators,
        final GameServer server,
        final ChildJvm fleet,
        final int seconds,
        final PrintStream out) throws InterruptedException
    {
        final String loadBefore = CpuStat.loadAverage();
        final long[][] cpuStart = CpuStat.perCpuTicks(CPUS);
        final long selfStart = ProcessCpu.ticks();
        final long fleetStart = null == fleet ? -1 : ProcessCpu.ticks(fleet.pid());
        final long feedSentStart = server.counter(EngineCounter.FEED_FRAMES_SENT);
        final long feedResentStart = server.counter(EngineCounter.FEED_FRAMES_RESENT);
        final long batchesStart = server.counter(EngineCounter.FEED_BATCHES_SENT);
        final long acksStart = server.counter(EngineCounter.FEED_ACKS_RECEIVED);
        final long framesOutStart = server.counter(EngineCounter.FRAMES_OUT);
        final long framesInStart = server.counter(EngineCounter.FRAMES_IN);
        final long startNs = System.nanoTime();
        phase = index;
        double loadSum = 0;
        int loadSamples = 0;
        final long endNs = startNs + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() - endNs < 0)
        {
            Thread.sleep(250);
            loadSum += server.load();
            loadSamples++;
        }
        phase = NOT_RECORDED;
        final long wallNs = System.nanoTime() - startNs;
        final long feedSent = server.counter(EngineCounter.FEED_FRAMES_SENT) - feedSentStart;
        final long feedResent = server.counter(EngineCounter.FEED_FRAMES_RESENT) - feedResentStart;
        final double wallSeconds = wallNs / 1e9;
        final double batchesPerSecond = (server.counter(EngineCounter.FEED_BATCHES_SENT) - batchesStart) / wallSeconds;
        final double acksPerSecond = (server.counter(EngineCounter.FEED_ACKS_RECEIVED) - acksStart) / wallSeconds;
        final double framesOutPerSecond = (server.counter(EngineCounter.FRAMES_OUT) - framesOutStart) / wallSeconds;
        final double framesInPerSecond = (server.counter(EngineCounter.FRAMES_IN) - framesInStart) / wallSeconds;
        final long feeds = server.counter(EngineCounter.FEED_SPECTATORS);
        final double selfCpu = ProcessCpu.percentOfCore(selfStart, ProcessCpu.ticks(), wallNs);
        final double fleetCpu = null == fleet ? 0 : ProcessCpu.percentOfCore(fleetStart, ProcessCpu.ticks(fleet.pid()),
            wallNs);
        final long[][] cpuEnd = CpuStat.perCpuTicks(CPUS);
        final String loadAfter = CpuStat.loadAverage();
        if (feeds != (sessionsOnly ? 0 : spectators))
        {
            throw new IllegalStateException(label + ": the server had " + feeds + " spectator feeds open, not " +
                spectators);
        }
        String fleetReport = "";
        if (null != fleet)
        {
            fleet.send(CommandQueue.REPORT);
            final Report result = fleet.await("@RESULT", 30_000);
            fleetReport = " fleet: " + result;
            if (!sessionsOnly && result.number("idleSpectators", -1) != 0)
            {
                throw new IllegalStateException(label + ": spectators without frames in the window: " + result);
            }
        }
        if ((null == fleet || sessionsOnly) && feedSent != 0)
        {
            throw new IllegalStateException(label + ": " + feedSent + " feed frames sent with no spectators");
        }
        final Histogram h = histograms[index];
        out.printf(Locale.ROOT, "# %s (%d spectators): count=%d p50=%.1fus p99=%.1fus p99.9=%.1fus max=%.1fus; " +
            "server load %.3f; feed frames sent %d resent %d, batches/s %.0f, acks/s %.0f, server frames out/s %.0f " +
            "in/s %.0f; feeds open %d; this JVM %.1f %% of a core, fleet %.1f %%; " +
            "cpu0 %.1f %% cpu1 %.1f %% busy; load %s -> %s;%s%n",
            label, spectators, h.getTotalCount(), us(h, 50), us(h, 99), us(h, 99.9), h.getMaxValue() / 1000.0,
            loadSum / loadSamples, feedSent, feedResent, batchesPerSecond, acksPerSecond, framesOutPerSecond,
            framesInPerSecond, feeds, selfCpu, fleetCpu,
            CpuStat.busyPercent(cpuStart, cpuEnd, 0), CpuStat.busyPercent(cpuStart, cpuEnd, 1), loadBefore, loadAfter,
            fleetReport);
        return String.format(Locale.ROOT, "| %s | %d | %d | %.1f | %.1f | %.1f | %.1f | %.3f | %.0f | %.0f | %.0f | " +
            "%.0f | %.0f | %d | %.0f %% | %.0f %% | %.0f %% | %.0f %% | %s -> %s |", label, spectators,
            h.getTotalCount(), us(h, 50), us(h, 99), us(h, 99.9), h.getMaxValue() / 1000.0, loadSum / loadSamples,
            feedSent / wallSeconds, batchesPerSecond, acksPerSecond, framesOutPerSecond, framesInPerSecond, feedResent,
            selfCpu, fleetCpu, CpuStat.busyPercent(cpuStart, cpuEnd, 0), CpuStat.busyPercent(cpuStart, cpuEnd, 1),
            loadBefore, loadAfter);
    }

    private static void awaitNoFeeds(final GameServer server) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (server.counter(EngineCounter.FEED_SPECTATORS) != 0 ||
            server.counter(EngineCounter.FEED_ARCHIVE_REPLAYS) != 0)
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new IllegalStateException("spectator feeds still open 30 s after the fleet exited: " +
                    server.counter(EngineCounter.FEED_SPECTATORS));
            }
            Thread.sleep(50);
        }
    }

    private void summarise(final PrintStream out)
    {
        final Histogram a = new Histogram(HIGHEST_TRACKABLE_NS, 3);
        final Histogram b = new Histogram(HIGHEST_TRACKABLE_NS, 3);
        for (int i = 0; i < histograms.length; i++)
        {
            (1 == (i & 1) ? b : a).add(histograms[i]);
        }
        out.printf(Locale.ROOT, "# all A: count=%d p50=%.1fus p99=%.1fus p99.9=%.1fus; all B: count=%d p50=%.1fus " +
            "p99=%.1fus p99.9=%.1fus; B p99 vs A p99 %+.1f %%, p50 %+.1f %%%n",
            a.getTotalCount(), us(a, 50), us(a, 99), us(a, 99.9), b.getTotalCount(), us(b, 50), us(b, 99), us(b, 99.9),
            100.0 * (b.getValueAtPercentile(99) - a.getValueAtPercentile(99)) / a.getValueAtPercentile(99),
            100.0 * (b.getValueAtPercentile(50) - a.getValueAtPercentile(50)) / a.getValueAtPercentile(50));
    }

    private void onEcho(final DirectBuffer buffer, final int offset, final int length)
    {
        received++;
        final int recordedPhase = buffer.getInt(offset + PHASE_OFFSET);
        if (recordedPhase >= 0)
        {
            histograms[recordedPhase].recordValue(
                Math.min(System.nanoTime() - buffer.getLong(offset), HIGHEST_TRACKABLE_NS));
        }
    }

    private static double us(final Histogram histogram, final double percentile)
    {
        return histogram.getValueAtPercentile(percentile) / 1000.0;
    }
}
