package io.skirmish.benchmarks;

import io.skirmish.benchmarks.rig.EchoRig;
import io.skirmish.benchmarks.rig.Threading;
import org.HdrHistogram.Histogram;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.YieldingIdleStrategy;

import java.io.PrintStream;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Event round trips sent at a fixed rate, recorded into HdrHistogram from each message's <em>intended</em> send
 * time, so a stall delays every message scheduled behind it and shows in the percentiles (no coordinated omission).
 * Runs the same rigs as {@link EventRoundTripBenchmark}: first a warm-up pass over every configuration (so the JIT
 * has compiled the driver and engine before anything is recorded), then a measured pass, raw Aeron then the engine,
 * for each thread arrangement, each on a fresh rig with its own warm-up. Prints p50/p99/p99.9/max side by side with
 * the engine/raw ratios.
 * <p>
 * Settings are system properties: {@code rate} (messages per second, default 10000), {@code warmupSeconds} (3),
 * {@code seconds} (10), {@code payloadLength} (32), {@code idle} ({@code yield} or {@code backoff}: the echo
 * thread's idle strategy; {@code backoff} is the engine's default for its own thread).
 * <pre>
 * java --add-opens java.base/jdk.internal.misc=ALL-UNNAMED -Drate=10000 -Dseconds=10 \
 *     -cp benchmarks/target/benchmarks.jar io.skirmish.benchmarks.EventRoundTripFixedRate
 * </pre>
 */
public final class EventRoundTripFixedRate
{
    private static final long HIGHEST_TRACKABLE_NS = TimeUnit.SECONDS.toNanos(10);

    private final Histogram histogram = new Histogram(HIGHEST_TRACKABLE_NS, 3);
    private long recordFromNs = Long.MAX_VALUE;
    private long received;

    private EventRoundTripFixedRate()
    {
    }

    /**
     * Run every configuration and print the table.
     *
     * @param args ignored; see the class Javadoc for the system properties.
     */
    public static void main(final String[] args)
    {
        final int rate = Integer.getInteger("rate", 10_000);
        final int warmupSeconds = Integer.getInteger("warmupSeconds", 3);
        final int seconds = Integer.getInteger("seconds", 10);
        final int payloadLength = Integer.getInteger("payloadLength", 32);
        final String idle = System.getProperty("idle", "yield");

        final PrintStream out = System.out;
        out.printf(Locale.ROOT, "# fixed-rate event round trip: %d msg/s, %d s warm-up, %d s measured, %d B payload, " +
            "echo idle=%s, %d cores%n", rate, warmupSeconds, seconds, payloadLength, idle,
            Runtime.getRuntime().availableProcessors());

        for (final Threading threading : Threading.values())
        {
            for (final EchoRig.Impl impl : EchoRig.Impl.values())
            {
                new EventRoundTripFixedRate().run(impl, threading, rate, warmupSeconds, 0, payloadLength,
                    idleStrategy(idle));
            }
        }

        final Map<Threading, EnumMap<EchoRig.Impl, Histogram>> results = new EnumMap<>(Threading.class);
        for (final Threading threading : Threading.values())
        {
            final EnumMap<EchoRig.Impl, Histogram> byImpl = new EnumMap<>(EchoRig.Impl.class);
            for (final EchoRig.Impl impl : new EchoRig.Impl[]{ EchoRig.Impl.AERON, EchoRig.Impl.ENGINE })
            {
                final Histogram histogram = new EventRoundTripFixedRate().run(
                    impl, threading, rate, warmupSeconds, seconds, payloadLength, idleStrategy(idle));
                byImpl.put(impl, histogram);
                out.printf(Locale.ROOT, "%-13s %-6s %s%n", threading, impl, describe(histogram));
            }
            results.put(threading, byImpl);
        }

        out.println();
        out.println("| threading | impl | count | p50 us | p99 us | p99.9 us | max us |");
        out.println("|---|---|---|---|---|---|---|");
        for (final Map.Entry<Threading, EnumMap<EchoRig.Impl, Histogram>> entry : results.entrySet())
        {
            for (final Map.Entry<EchoRig.Impl, Histogram> byImpl : entry.getValue().entrySet())
            {
                final Histogram h = byImpl.getValue();
                out.printf(Locale.ROOT, "| %s | %s | %d | %.1f | %.1f | %.1f | %.1f |%n", entry.getKey(),
                    byImpl.getKey(), h.getTotalCount(), us(h, 50), us(h, 99), us(h, 99.9), h.getMaxValue() / 1000.0);
            }
        }

        out.println();
        for (final Threading threading : Threading.values())
        {
            final Histogram engine = results.get(threading).get(EchoRig.Impl.ENGINE);
            final Histogram raw = results.get(threading).get(EchoRig.Impl.AERON);
            out.printf(Locale.ROOT, "ratio engine/raw %-13s p50 %.2fx  p99 %.2fx  p99.9 %.2fx%n", threading,
                ratio(engine, raw, 50), ratio(engine, raw, 99), ratio(engine, raw, 99.9));
        }
        final Histogram rawInvoker = results.get(Threading.SINGLE_THREAD).get(EchoRig.Impl.AERON);
        for (final Threading threading : Threading.values())
        {
            out.printf(Locale.ROOT, "goal: engine %-13s p99 / raw SINGLE_THREAD p99 = %.2fx (goal <= 1.5x)%n",
                threading, ratio(results.get(threading).get(EchoRig.Impl.ENGINE), rawInvoker, 99));
        }
        out.printf(Locale.ROOT, "goal: engine THREADED p50 / raw THREADED p50 = %.2fx (goal <= 1.0x)%n",
            ratio(results.get(Threading.THREADED).get(EchoRig.Impl.ENGINE),
                results.get(Threading.THREADED).get(EchoRig.Impl.AERON), 50));
    }

    private static IdleStrategy idleStrategy(final String name)
    {
        return "backoff".equals(name) ?
            new BackoffIdleStrategy(10, 20, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MICROSECONDS.toNanos(100)) :
            new YieldingIdleStrategy();
    }

    private Histogram run(
        final EchoRig.Impl impl,
        final Threading threading,
        final int rate,
        final int warmupSeconds,
        final int seconds,
        final int payloadLength,
        final IdleStrategy echoIdle)
    {
        final UnsafeBuffer payload = new UnsafeBuffer(BufferUtil.allocateDirectAligned(Math.max(8, payloadLength), 64));
        final IdleStrategy idle = new YieldingIdleStrategy();
        final long intervalNs = TimeUnit.SECONDS.toNanos(1) / rate;
        try (EchoRig rig = EchoRig.launch(impl, threading, echoIdle, this::onEcho))
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
                    if (rig.send(payload, 0, payloadLength))
                    {
                        nextSendNs += intervalNs;
                        sent++;
                        work++;
                    }
                }
                work += rig.poll();
                idle.idle(work);
            }

            final long drainDeadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (received < sent && System.nanoTime() - drainDeadlineNs < 0)
            {
                idle.idle(rig.poll());
            }
            if (received < sent)
            {
                throw new IllegalStateException(impl + " " + threading + ": " + (sent - received) + " of " + sent +
                    " round trips never completed");
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

    private static double ratio(final Histogram engine, final Histogram raw, final double percentile)
    {
        return (double)engine.getValueAtPercentile(percentile) / raw.getValueAtPercentile(percentile);
    }

    private static String describe(final Histogram h)
    {
        return String.format(Locale.ROOT, "count=%d p50=%.1fus p99=%.1fus p99.9=%.1fus max=%.1fus",
            h.getTotalCount(), us(h, 50), us(h, 99), us(h, 99.9), h.getMaxValue() / 1000.0);
    }
}
