package io.skirmish.benchmarks;

import io.skirmish.benchmarks.rig.EchoRig;
import io.skirmish.benchmarks.rig.SpectatorLoad;
import io.skirmish.benchmarks.rig.Threading;
import io.skirmish.engine.EngineCounter;
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
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The players' event round trip at a game's pace, with a plain room, a durable one, and a durable one watched by
 * {@code spectators} spectators {@code delayMs} behind, one after the other in one run: the rigs of
 * {@link DurableRoundTripBenchmark} (server on its own thread, SHARED), round trips sent at a fixed {@code rate}
 * (default 200 a second: a busy room's events) and recorded into HdrHistogram from each one's intended send time, so
 * a stall shows in the percentiles (no coordinated omission). Each configuration gets a fresh rig, {@code warmupSeconds}
 * unrecorded, then {@code seconds} recorded; prints p50, p99, p99.9 and max, and each p99 against the plain room's.
 * <pre>
 * java --add-opens java.base/jdk.internal.misc=ALL-UNNAMED -Drate=200 -Dseconds=20 \
 *     -cp benchmarks/target/benchmarks.jar io.skirmish.benchmarks.DurableRoundTripFixedRate
 * </pre>
 */
public final class DurableRoundTripFixedRate
{
    private static final long HIGHEST_TRACKABLE_NS = TimeUnit.SECONDS.toNanos(10);
    private static final int PAYLOAD_LENGTH = 32;

    private final Histogram histogram = new Histogram(HIGHEST_TRACKABLE_NS, 3);
    private long recordFromNs = Long.MAX_VALUE;
    private long received;

    private DurableRoundTripFixedRate()
    {
    }

    /**
     * Run the three configurations and print the table.
     *
     * @param args ignored; settings are system properties: {@code rate} (200), {@code warmupSeconds} (5),
     *             {@code seconds} (20), {@code spectators} (50), {@code delayMs} (2000).
     * @throws IOException when an archive directory cannot be created.
     */
    public static void main(final String[] args) throws IOException
    {
        final int rate = Integer.getInteger("rate", 200);
        final int warmupSeconds = Integer.getInteger("warmupSeconds", 5);
        final int seconds = Integer.getInteger("seconds", 20);
        final int spectators = Integer.getInteger("spectators", 50);
        final long delayMs = Long.getLong("delayMs", 2000);
        final PrintStream out = System.out;
        out.printf(Locale.ROOT, "# fixed-rate players' round trip: %d/s, %d s warm-up, %d s measured, %d B payload, " +
            "%d spectators %d ms behind in the last configuration, %d cores%n",
            rate, warmupSeconds, seconds, PAYLOAD_LENGTH, spectators, delayMs,
            Runtime.getRuntime().availableProcessors());
        final String[] names = { "plain room", "durable room", "durable room, " + spectators + " spectators" };
        final Histogram[] results = new Histogram[names.length];
        for (int i = 0; i < names.length; i++)
        {
            results[i] = new DurableRoundTripFixedRate().run(i > 0, 2 == i ? spectators : 0, delayMs, rate,
                warmupSeconds, seconds, out);
        }
        out.println("| room | round trips | p50 us | p99 us | p99.9 us | max us | p99 vs plain |");
        out.println("|---|---|---|---|---|---|---|");
        for (int i = 0; i < names.length; i++)
        {
            final Histogram h = results[i];
            out.printf(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f | %.1f | %+.1f %% |%n", names[i], h.getTotalCount(),
                us(h, 50), us(h, 99), us(h, 99.9), h.getMaxValue() / 1000.0,
                100.0 * (h.getValueAtPercentile(99) - results[0].getValueAtPercentile(99)) /
                results[0].getValueAtPercentile(99));
        }
    }

    private Histogram run(
        final boolean durable,
        final int spectators,
        final long delayMs,
        final int rate,
        final int warmupSeconds,
        final int seconds,
        final PrintStream out) throws IOException
    {
        final UnsafeBuffer payload = new UnsafeBuffer(BufferUtil.allocateDirectAligned(PAYLOAD_LENGTH, 64));
        final IdleStrategy idle = new YieldingIdleStrategy();
        final long intervalNs = TimeUnit.SECONDS.toNanos(1) / rate;
        final File archiveDir = durable ? Files.createTempDirectory("skirmish-rtt-fixed-archive").toFile() : null;
        try (EchoRig rig = durable ?
            EchoRig.launchDurable(Threading.THREADED, new YieldingIdleStrategy(), this::onEcho, archiveDir) :
            EchoRig.launchEngine(Threading.THREADED, new YieldingIdleStrategy(), this::onEcho, null, false);
            SpectatorLoad load = SpectatorLoad.launch(spectators, rig.server(),
                "127.0.0.1:" + rig.server().context().port(), EchoRig.ENGINE_ROOM_ID,
                TimeUnit.MILLISECONDS.toNanos(delayMs)))
        {
            long sent = 0;
            long nextSendNs = System.nanoTime();
            recordFromNs = nextSendNs + TimeUnit.SECONDS.toNanos(warmupSeconds);
            final long endNs = recordFromNs + TimeUnit.SECONDS.toNanos(seconds);
            while (true)
            {
                final long nowNs = System.nanoTime();
                if (nowNs - endNs >= 0)
                {
                    break;
                }
                int work = 0;
                if (nowNs - nextSendNs >= 0)
                {
                    payload.putLong(0, nextSendNs);
                    if (rig.send(payload, 0, PAYLOAD_LENGTH))
                    {
                        nextSendNs += intervalNs;
                        sent++;
                        work++;
                    }
                }
                work += rig.poll() + load.poll();
                idle.idle(work);
            }
            final long drainDeadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (received < sent && System.nanoTime() - drainDeadlineNs < 0)
            {
                idle.idle(rig.poll());
            }
            if (received < sent)
            {
                throw new IllegalStateException((sent - received) + " of " + sent + " round trips never completed");
            }
            out.printf(Locale.ROOT, "%s room, %d spectators: %s; recording lost %d; spectators handed %d frames, " +
                "server feed frames sent %d, resent %d%n", durable ? "durable" : "plain", spectators,
                describe(histogram), rig.server().counter(EngineCounter.RECORDING_FRAMES_LOST), load.framesReceived(),
                rig.server().counter(EngineCounter.FEED_FRAMES_SENT),
                rig.server().counter(EngineCounter.FEED_FRAMES_RESENT));
        }
        finally
        {
            if (null != archiveDir)
            {
                IoUtil.delete(archiveDir, true);
            }
        }
        return histogram;
    }

    private void onEcho(final DirectBuffer buffer, final int offset, final int length)
    {
        received++;
        final long intendedSendNs = buffer.getLong(offset);
        if (intendedSendNs - recordFromNs >= 0)
        {
            histogram.recordValue(Math.min(System.nanoTime() - intendedSendNs, HIGHEST_TRACKABLE_NS));
        }
    }

    private static double us(final Histogram histogram, final double percentile)
    {
        return histogram.getValueAtPercentile(percentile) / 1000.0;
    }

    private static String describe(final Histogram h)
    {
        return String.format(Locale.ROOT, "count=%d p50=%.1fus p99=%.1fus p99.9=%.1fus max=%.1fus",
            h.getTotalCount(), us(h, 50), us(h, 99), us(h, 99.9), h.getMaxValue() / 1000.0);
    }
}
