package io.skirmish.benchmarks;

import io.skirmish.engine.codec.DeltaCodec;
import io.skirmish.engine.codec.XorRleDeltaCodec;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The snapshot path's CPU and allocation cost, without the network: a world of {@value #ENTITIES} entities of
 * {@value #ENTITY_LENGTH} bytes ({@value #STATE_LENGTH} bytes of state) in which about 10% of the entities move each
 * tick. Read with {@code -prof gc}: every operation should allocate 0 B/op.
 * <ul>
 *     <li>{@link #fullCopy()}: copy the whole state into a send buffer (what a full snapshot costs before the
 *     network).</li>
 *     <li>{@link #deltaEncode()}: {@link XorRleDeltaCodec#encode} of a tick against the previous tick.</li>
 *     <li>{@link #deltaDecode()}: {@link XorRleDeltaCodec#decode} of that delta against the previous tick.</li>
 *     <li>{@link #tickAndDeltaEncode()}: step the world (move ~10% of the entities) and delta-encode the new tick
 *     against the previous one, as a server does each tick.</li>
 * </ul>
 * The states are precomputed as a ring of {@value #RING} consecutive ticks so encode and decode see the same inputs
 * in every iteration. The bytes per client per tick, full against delta (the codec's output; the engine adds its
 * snapshot frame header), are printed once at set-up and tear-down.
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar SnapshotCodec -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED" })
@State(Scope.Thread)
public class SnapshotCodecBenchmark
{
    /** Entities in the world. */
    public static final int ENTITIES = 64;
    /** Bytes per entity: id, x, y, z, yaw, vx, vy (4 bytes each), health and flags (2 bytes each). */
    public static final int ENTITY_LENGTH = 32;
    /** Bytes of state. */
    public static final int STATE_LENGTH = ENTITIES * ENTITY_LENGTH;
    /** Entities that move per tick (10% of {@value #ENTITIES}, rounded up). */
    public static final int MOVED_PER_TICK = 7;
    /** Consecutive ticks precomputed. */
    public static final int RING = 64;

    private static final int ID_OFFSET = 0;
    private static final int X_OFFSET = 4;
    private static final int Y_OFFSET = 8;
    private static final int Z_OFFSET = 12;
    private static final int YAW_OFFSET = 16;
    private static final int VX_OFFSET = 20;
    private static final int VY_OFFSET = 24;
    private static final int HEALTH_OFFSET = 28;
    private static final int FLAGS_OFFSET = 30;
    private static final int MAX_DELTA_LENGTH = STATE_LENGTH * 2 + 64;

    private final DeltaCodec codec = XorRleDeltaCodec.INSTANCE;
    private final UnsafeBuffer[] states = new UnsafeBuffer[RING];
    private final UnsafeBuffer[] deltas = new UnsafeBuffer[RING];
    private final int[] deltaLengths = new int[RING];
    private final UnsafeBuffer fullOut = new UnsafeBuffer(BufferUtil.allocateDirectAligned(STATE_LENGTH, 64));
    private final UnsafeBuffer deltaOut = new UnsafeBuffer(BufferUtil.allocateDirectAligned(MAX_DELTA_LENGTH, 64));
    private final UnsafeBuffer decodeOut = new UnsafeBuffer(BufferUtil.allocateDirectAligned(STATE_LENGTH, 64));
    private final UnsafeBuffer world = new UnsafeBuffer(BufferUtil.allocateDirectAligned(STATE_LENGTH, 64));
    private final UnsafeBuffer previousWorld = new UnsafeBuffer(BufferUtil.allocateDirectAligned(STATE_LENGTH, 64));
    private final SplittableRandom random = new SplittableRandom(42);
    private int index;
    private long deltaBytesTotal;
    private long deltaTicks;

    /**
     * Build the ring of ticks and their deltas, and check that every delta decodes back to its tick.
     */
    @Setup(Level.Trial)
    public void setup()
    {
        for (int e = 0; e < ENTITIES; e++)
        {
            final int at = e * ENTITY_LENGTH;
            world.putInt(at + ID_OFFSET, 1000 + e);
            world.putFloat(at + X_OFFSET, (float)(random.nextDouble() * 500));
            world.putFloat(at + Y_OFFSET, (float)(random.nextDouble() * 500));
            world.putFloat(at + Z_OFFSET, 0.0f);
            world.putFloat(at + YAW_OFFSET, (float)(random.nextDouble() * 360));
            world.putFloat(at + VX_OFFSET, (float)(random.nextDouble() * 4 - 2));
            world.putFloat(at + VY_OFFSET, (float)(random.nextDouble() * 4 - 2));
            world.putShort(at + HEALTH_OFFSET, (short)100);
            world.putShort(at + FLAGS_OFFSET, (short)0);
        }
        for (int t = 0; t < RING; t++)
        {
            step(world);
            states[t] = new UnsafeBuffer(BufferUtil.allocateDirectAligned(STATE_LENGTH, 64));
            states[t].putBytes(0, world, 0, STATE_LENGTH);
        }
        long total = 0;
        for (int t = 0; t < RING; t++)
        {
            final UnsafeBuffer baseline = states[(t + RING - 1) % RING];
            deltas[t] = new UnsafeBuffer(BufferUtil.allocateDirectAligned(MAX_DELTA_LENGTH, 64));
            deltaLengths[t] = codec.encode(
                baseline, 0, STATE_LENGTH, states[t], 0, STATE_LENGTH, deltas[t], 0, MAX_DELTA_LENGTH);
            final int decoded = codec.decode(
                baseline, 0, STATE_LENGTH, deltas[t], 0, deltaLengths[t], decodeOut, 0, STATE_LENGTH);
            if (decoded != STATE_LENGTH || decodeOut.compareTo(states[t]) != 0)
            {
                throw new IllegalStateException("delta of tick " + t + " does not decode back to it");
            }
            total += deltaLengths[t];
        }
        // The wrap from the last tick back to the first is not a real step; it is excluded from the average.
        total -= deltaLengths[0];
        previousWorld.putBytes(0, world, 0, STATE_LENGTH);
        System.out.printf("%nsnapshot bytes per client per tick: full %d, delta %.1f (%.1f%% of full), " +
            "%d of %d entities moved per tick%n",
            STATE_LENGTH, total / (double)(RING - 1), 100.0 * total / (RING - 1) / STATE_LENGTH,
            MOVED_PER_TICK, ENTITIES);
    }

    /**
     * Print the delta size seen by {@link #tickAndDeltaEncode()}.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        if (deltaTicks > 0)
        {
            System.out.printf("%ntickAndDeltaEncode: full %d B, delta %.1f B per client per tick over %d ticks%n",
                STATE_LENGTH, deltaBytesTotal / (double)deltaTicks, deltaTicks);
        }
    }

    private void step(final UnsafeBuffer state)
    {
        for (int i = 0; i < MOVED_PER_TICK; i++)
        {
            final int at = random.nextInt(ENTITIES) * ENTITY_LENGTH;
            final float vx = state.getFloat(at + VX_OFFSET);
            final float vy = state.getFloat(at + VY_OFFSET);
            state.putFloat(at + X_OFFSET, state.getFloat(at + X_OFFSET) + vx * 0.1f);
            state.putFloat(at + Y_OFFSET, state.getFloat(at + Y_OFFSET) + vy * 0.1f);
            final float yaw = state.getFloat(at + YAW_OFFSET) + (float)(random.nextDouble() * 10);
            state.putFloat(at + YAW_OFFSET, yaw % 360.0f);
            // Steering: the velocity changes by a random amount each time, so the entity never settles.
            state.putFloat(at + VX_OFFSET, Math.max(-2.0f, Math.min(2.0f, vx + (float)(random.nextDouble() - 0.5))));
            state.putFloat(at + VY_OFFSET, Math.max(-2.0f, Math.min(2.0f, vy + (float)(random.nextDouble() - 0.5))));
        }
    }

    private int next()
    {
        final int i = index;
        index = (i + 1) & (RING - 1);
        return i;
    }

    /**
     * Copy a whole tick's state into the send buffer.
     *
     * @return a byte of the copy.
     */
    @Benchmark
    public byte fullCopy()
    {
        fullOut.putBytes(0, states[next()], 0, STATE_LENGTH);
        return fullOut.getByte(STATE_LENGTH - 1);
    }

    /**
     * Delta-encode a tick against the previous tick.
     *
     * @return delta length.
     */
    @Benchmark
    public int deltaEncode()
    {
        final int t = next();
        return codec.encode(
            states[(t + RING - 1) & (RING - 1)], 0, STATE_LENGTH, states[t], 0, STATE_LENGTH,
            deltaOut, 0, MAX_DELTA_LENGTH);
    }

    /**
     * Decode a tick's delta against the previous tick.
     *
     * @return decoded length.
     */
    @Benchmark
    public int deltaDecode()
    {
        final int t = next();
        return codec.decode(
            states[(t + RING - 1) & (RING - 1)], 0, STATE_LENGTH, deltas[t], 0, deltaLengths[t],
            decodeOut, 0, STATE_LENGTH);
    }

    /**
     * Step the world (move ~10% of the entities) and delta-encode it against the previous tick.
     *
     * @return delta length.
     */
    @Benchmark
    public int tickAndDeltaEncode()
    {
        previousWorld.putBytes(0, world, 0, STATE_LENGTH);
        step(world);
        final int length = codec.encode(
            previousWorld, 0, STATE_LENGTH, world, 0, STATE_LENGTH, deltaOut, 0, MAX_DELTA_LENGTH);
        deltaBytesTotal += length;
        deltaTicks++;
        return length;
    }

    /**
     * Run this benchmark alone with the GC profiler.
     *
     * @param args ignored.
     * @throws RunnerException if a benchmark fails.
     */
    public static void main(final String[] args) throws RunnerException
    {
        new Runner(new OptionsBuilder()
            .include(SnapshotCodecBenchmark.class.getName())
            .addProfiler("gc")
            .shouldFailOnError(true)
            .build()).run();
    }
}
