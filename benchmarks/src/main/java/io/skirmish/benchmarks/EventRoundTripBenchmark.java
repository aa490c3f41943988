package io.skirmish.benchmarks;

import io.skirmish.benchmarks.rig.Deadline;
import io.skirmish.benchmarks.rig.EchoRig;
import io.skirmish.benchmarks.rig.ScrapedMetrics;
import io.skirmish.benchmarks.rig.Threading;
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.YieldingIdleStrategy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.util.concurrent.TimeUnit;

/**
 * Round-trip time of one event through the engine (client emit, server validate + sequence + record + relay, client
 * in-order delivery, in a room of one) against raw Aeron ping-pong with the same drivers, channels settings and idle
 * strategy, over loopback UDP. One message is in flight at a time.
 * <p>
 * {@link Threading#THREADED}: the server (or raw echo) runs on its own thread, invoking its embedded driver, as the
 * engine's SHARED mode does; the client is invoked by the benchmark thread. {@link Threading#SINGLE_THREAD}: the
 * benchmark thread invokes everything. Both echo threads and every wait loop yield when idle.
 * <p>
 * SampleTime percentiles hide stalls longer than one round trip (coordinated omission); see
 * {@link EventRoundTripFixedRate} for the fixed-rate figures.
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar EventRoundTrip
 * </pre>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED" })
@State(Scope.Thread)
public class EventRoundTripBenchmark
{
    /** Engine or raw Aeron. */
    @Param({ "ENGINE", "AERON" })
    public EchoRig.Impl impl;

    /** Thread arrangement. */
    @Param({ "THREADED", "SINGLE_THREAD" })
    public Threading threading;

    /** Event payload bytes (the engine adds its 32-byte event header). */
    @Param({ "32", "256" })
    public int payloadLength;

    /** With the metrics module sampling the server and a Prometheus scrape once a second (engine only). */
    @Param({ "false", "true" })
    public boolean scrapedMetrics;

    private final IdleStrategy idle = new YieldingIdleStrategy();
    private UnsafeBuffer payload;
    private EchoRig rig;
    private ScrapedMetrics metrics;
    private long sent;
    private long received;

    /**
     * Launch the rig and wait until it echoes.
     */
    @Setup(Level.Trial)
    public void setup()
    {
        payload = new UnsafeBuffer(BufferUtil.allocateDirectAligned(payloadLength, 64));
        rig = EchoRig.launch(impl, threading, new YieldingIdleStrategy(), this::onEcho);
        metrics = scrapedMetrics && null != rig.server() ? new ScrapedMetrics(rig.server()) : null;
    }

    /**
     * Release the rig; fails the trial if it recorded errors.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        CloseHelper.closeAll(metrics, rig);
    }

    private void onEcho(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length != payloadLength || buffer.getLong(offset) != sent)
        {
            throw new IllegalStateException("unexpected echo: length=" + length + " seq=" + buffer.getLong(offset) +
                " expected " + sent);
        }
        received++;
    }

    /**
     * Send one event and wait for it to come back.
     *
     * @return echoes received so far.
     */
    @Benchmark
    public long roundTrip()
    {
        final EchoRig rig = this.rig;
        final IdleStrategy idle = this.idle;
        payload.putLong(0, ++sent);
        final long startNs = System.nanoTime();
        while (!rig.send(payload, 0, payloadLength))
        {
            awaitWork(rig, idle, startNs);
        }
        while (received < sent)
        {
            awaitWork(rig, idle, startNs);
        }
        return received;
    }

    private static void awaitWork(final EchoRig rig, final IdleStrategy idle, final long startNs)
    {
        final int work = rig.poll();
        if (0 == work)
        {
            Deadline.checkStuck(startNs, System.nanoTime(), "an echo");
        }
        idle.idle(work);
    }

    /**
     * Run this benchmark alone.
     *
     * @param args ignored.
     * @throws RunnerException if a benchmark fails.
     */
    public static void main(final String[] args) throws RunnerException
    {
        new Runner(new OptionsBuilder()
            .include(EventRoundTripBenchmark.class.getName())
            .shouldFailOnError(true)
            .build()).run();
    }
}
