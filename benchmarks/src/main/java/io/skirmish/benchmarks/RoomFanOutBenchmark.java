package io.skirmish.benchmarks;

import io.skirmish.benchmarks.rig.FanOutRig;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * Room fan-out: 32-byte events sent to every member of a room of 8, 64 or 256 on loopback, engine
 * ({@code Room.broadcast}) against raw Aeron arranged the same way and KryoNet ({@code sendToAllUDP},
 * {@code sendToAllTCP}) in the same run, and the engine with the room durable ({@code ENGINE_DURABLE}: every event
 * also recorded to an Aeron Archive embedded in the server, invoked by the server's duty cycle). The primary score is
 * events per second; the {@code deliveries} counter is events received per second summed over all members (counted by the members themselves, so a lost UDP datagram is
 * not a delivery), and {@code offered} is events times members handed to the transport per second.
 * <p>
 * Two threads are busy: the benchmark thread sends (and, for the engine and raw Aeron, runs the server's INVOKER
 * duty cycle, embedded driver included, once every {@code eventsPerPoll} events, as a server tick that produces
 * several events would), and one thread drives every member, each with its own embedded INVOKER driver. KryoNet's
 * server also has its own (mostly blocked) update thread.
 * <p>
 * The sender keeps at most {@value #WINDOW_EVENTS_PER_MEMBER} events per member in flight, so it measures what the
 * members sustain rather than how fast a queue fills. Over UDP, when nothing arrives for {@value #STALL_MS} ms the
 * missing deliveries are written off as lost and sending resumes; a reliable transport that delivers nothing for
 * {@value #STALL_LIMIT_RELIABLE_MS} ms fails the run.
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar RoomFanOut
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED" })
@State(Scope.Benchmark)
public class RoomFanOutBenchmark
{
    /** Events in flight per member before the sender waits. */
    public static final int WINDOW_EVENTS_PER_MEMBER = 256;
    /** Milliseconds without any delivery after which in-flight UDP deliveries count as lost. */
    public static final int STALL_MS = 1;
    /** Milliseconds without any delivery after which a reliable transport fails the benchmark. */
    public static final int STALL_LIMIT_RELIABLE_MS = 10_000;

    /** Who fans out. */
    @Param({ "ENGINE", "ENGINE_DURABLE", "AERON", "KRYONET_UDP", "KRYONET_TCP" })
    public FanOutRig.Impl impl;

    /** Room size. */
    @Param({ "8", "64", "256" })
    public int members;

    /** Events sent per server duty cycle (engine and raw Aeron only; KryoNet's server runs its own thread). */
    @Param({ "16" })
    public int eventsPerPoll;

    private FanOutRig rig;
    private long window;
    private long stallLimitNs;
    private long offered;
    private long writtenOff;
    private long events;

    /**
     * Per-iteration counters, reported by JMH as rates.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Deliveries
    {
        /** Events received by members. */
        public long deliveries;
        /** Events times members handed to the transport. */
        public long offered;

        private long receivedAtStart;
        private long offeredAtStart;
        private boolean started;

        /**
         * Start counting afresh.
         */
        @Setup(Level.Iteration)
        public void reset()
        {
            deliveries = 0;
            offered = 0;
            started = false;
        }
    }

    /**
     * Launch the rig with every member in the room.
     */
    @Setup(Level.Trial)
    public void setup()
    {
        rig = FanOutRig.launch(impl, members);
        window = (long)WINDOW_EVENTS_PER_MEMBER * members;
        stallLimitNs = TimeUnit.MILLISECONDS.toNanos(rig.lossy() ? STALL_MS : STALL_LIMIT_RELIABLE_MS);
    }

    /**
     * Release the rig; fails the trial if it recorded errors.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        rig.close();
    }

    /**
     * Send one event to the whole room.
     *
     * @param counters this iteration's counters.
     */
    @Benchmark
    public void broadcast(final Deliveries counters)
    {
        final FanOutRig rig = this.rig;
        final long received = rig.received();
        if (!counters.started)
        {
            counters.started = true;
            counters.receivedAtStart = received;
            counters.offeredAtStart = offered;
        }
        if (offered - writtenOff - received > window)
        {
            awaitWindow(rig, received);
        }
        offered += rig.broadcast();
        if (++events % eventsPerPoll == 0)
        {
            rig.pollSender();
        }
        counters.deliveries = rig.received() - counters.receivedAtStart;
        counters.offered = offered - counters.offeredAtStart;
    }

    private void awaitWindow(final FanOutRig rig, final long receivedNow)
    {
        long received = receivedNow;
        long lastProgressNs = System.nanoTime();
        while (offered - writtenOff - received > window)
        {
            if (0 == rig.pollSender())
            {
                Thread.yield();
            }
            final long latest = rig.received();
            final long nowNs = System.nanoTime();
            if (latest != received)
            {
                received = latest;
                lastProgressNs = nowNs;
            }
            else if (nowNs - lastProgressNs > stallLimitNs)
            {
                if (!rig.lossy())
                {
                    throw new IllegalStateException(impl + ": no delivery for " + STALL_LIMIT_RELIABLE_MS +
                        " ms, " + (offered - writtenOff - received) + " in flight");
                }
                writtenOff = offered - received;
                break;
            }
        }
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
            .include(RoomFanOutBenchmark.class.getName())
            .shouldFailOnError(true)
            .build()).run();
    }
}
