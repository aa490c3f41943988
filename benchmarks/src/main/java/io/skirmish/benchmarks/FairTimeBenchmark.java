package io.skirmish.benchmarks;

import io.skirmish.engine.client.PredictionRing;
import io.skirmish.engine.server.LagCompensation;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.util.concurrent.TimeUnit;

/**
 * The cost of fair time's data structures, to be read with {@code -prof gc} ({@code gc.alloc.rate.norm} should be
 * about 0 B/op):
 * <ul>
 *     <li>{@link #rewindLookup()}: {@code LagCompensation.rewind} to a blended view 8 ticks back in a history of 64
 *     ticks of a 1 KiB world (64 entities of 16 bytes): the lookup alone.</li>
 *     <li>{@link #rewindAndHitTest()}: the cost of a rewind per shot: the rewind, then a hit test against all 64
 *     entities blended between the two states.</li>
 *     <li>{@link #recordTick()}: recording one tick's 1 KiB world into the history.</li>
 *     <li>{@link #predict()}: {@code PredictionRing.predict} of one tick (16-byte input, 16-byte state).</li>
 *     <li>{@link #reconcileAndReplay()}: one prediction and one reconciliation that mispredicted, replaying the 6
 *     inputs after it (a 100 ms round trip at 60 Hz).</li>
 * </ul>
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar FairTime -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED" })
@State(Scope.Thread)
public class FairTimeBenchmark
{
    private static final int ENTITIES = 64;
    private static final int WORLD_LENGTH = ENTITIES * 16;
    private static final int HISTORY_TICKS = 64;
    private static final int REPLAY = 6;

    /** One float per axis moved by the input. */
    private static final class Mover implements PredictionRing.Predictor
    {
        public int step(
            final long tick,
            final DirectBuffer input,
            final int inputLength,
            final MutableDirectBuffer state,
            final int stateLength)
        {
            state.putFloat(0, state.getFloat(0) + input.getFloat(0));
            state.putFloat(4, state.getFloat(4) + input.getFloat(4));
            return stateLength;
        }

        public double error(
            final long tick,
            final DirectBuffer predicted,
            final int predictedLength,
            final DirectBuffer authoritative,
            final int offset,
            final int length)
        {
            return Math.abs(predicted.getFloat(0) - authoritative.getFloat(offset));
        }
    }

    private final LagCompensation history = new LagCompensation(HISTORY_TICKS, WORLD_LENGTH);
    private final LagCompensation.View view = new LagCompensation.View();
    private final UnsafeBuffer world = new UnsafeBuffer(new byte[WORLD_LENGTH]);
    private final PredictionRing ring = new PredictionRing(64, 16, 16);
    private final Mover mover = new Mover();
    private final UnsafeBuffer input = new UnsafeBuffer(new byte[16]);
    private final UnsafeBuffer state = new UnsafeBuffer(new byte[16]);
    private long worldTick;
    private long predictTick;
    private long shot;

    /**
     * Fill the history and the ring.
     */
    @Setup
    public void setup()
    {
        for (int i = 0; i < ENTITIES; i++)
        {
            world.putFloat(i * 16, i * 10f);
            world.putFloat(i * 16 + 4, i * 5f);
        }
        for (worldTick = 1; worldTick <= HISTORY_TICKS + 2; worldTick++)
        {
            history.record(worldTick, world, 0, WORLD_LENGTH);
        }
        worldTick--;
        input.putFloat(0, 1f);
        input.putFloat(4, 0.5f);
        state.putFloat(0, 0f);
        ring.reset(0, state, 0, 16);
        for (predictTick = 1; predictTick <= 32; predictTick++)
        {
            ring.predict(predictTick, input, 0, 16, mover);
        }
        predictTick--;
    }

    /**
     * @return 0 when the view was found.
     */
    @Benchmark
    public long rewindLookup()
    {
        final long from = worldTick - 8 - (shot++ & 3);
        return history.rewind(from, from + 1, 0.375, worldTick, view);
    }

    /**
     * @return the index of the entity hit, -1 for none.
     */
    @Benchmark
    public int rewindAndHitTest()
    {
        final long from = worldTick - 8 - (shot++ & 3);
        if (history.rewind(from, from + 1, 0.375, worldTick, view) < 0)
        {
            return -2;
        }
        final DirectBuffer a = view.fromBuffer();
        final DirectBuffer b = view.toBuffer();
        final double blend = view.blend();
        final float aimX = (shot & 63) * 10f + 3f;
        final float aimY = (shot & 63) * 5f;
        for (int i = 0; i < ENTITIES; i++)
        {
            final double x = a.getFloat(i * 16) + (b.getFloat(i * 16) - a.getFloat(i * 16)) * blend;
            final double y = a.getFloat(i * 16 + 4) + (b.getFloat(i * 16 + 4) - a.getFloat(i * 16 + 4)) * blend;
            if ((aimX - x) * (aimX - x) + (aimY - y) * (aimY - y) < 16 * 16)
            {
                return i;
            }
        }
        return -1;
    }

    /**
     * @return 0 when recorded.
     */
    @Benchmark
    public long recordTick()
    {
        return history.record(++worldTick, world, 0, WORLD_LENGTH);
    }

    /**
     * @return the predicted state's length.
     */
    @Benchmark
    public long predict()
    {
        return ring.predict(++predictTick, input, 0, 16, mover);
    }

    /**
     * @return inputs replayed.
     */
    @Benchmark
    public long reconcileAndReplay()
    {
        ring.predict(++predictTick, input, 0, 16, mover);
        state.putFloat(0, predictTick * 2f);
        return ring.reconcile(predictTick - REPLAY, state, 0, 16, mover);
    }

    /**
     * Run from the IDE or the command line.
     *
     * @param args ignored.
     * @throws RunnerException on JMH failure.
     */
    public static void main(final String[] args) throws RunnerException
    {
        new Runner(new OptionsBuilder().include(FairTimeBenchmark.class.getSimpleName()).build()).run();
    }
}
