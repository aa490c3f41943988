package io.skirmish.engine.client;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PredictionRingTest
{
    /** State: one int position; input: one int velocity. */
    private static final class Mover implements PredictionRing.Predictor
    {
        int steps;

        public int step(
            final long tick,
            final DirectBuffer input,
            final int inputLength,
            final MutableDirectBuffer state,
            final int stateLength)
        {
            steps++;
            final int dx = inputLength >= 4 ? input.getInt(0) : 0;
            state.putInt(0, state.getInt(0) + dx);
            return 4;
        }

        public double error(
            final long tick,
            final DirectBuffer predicted,
            final int predictedLength,
            final DirectBuffer authoritative,
            final int offset,
            final int length)
        {
            return Math.abs(predicted.getInt(0) - authoritative.getInt(offset));
        }
    }

    private final PredictionRing ring = new PredictionRing(16, 4, 4);
    private final Mover mover = new Mover();
    private final UnsafeBuffer input = new UnsafeBuffer(new byte[4]);
    private final UnsafeBuffer state = new UnsafeBuffer(new byte[4]);

    private long predict(final long tick, final int dx)
    {
        input.putInt(0, dx);
        return ring.predict(tick, input, 0, 4, mover);
    }

    private long reconcile(final long tick, final int x)
    {
        state.putInt(0, x);
        return ring.reconcile(tick, state, 0, 4, mover);
    }

    @Test
    void shouldPredictAndNotReplayWhenRight()
    {
        assertEquals(PredictionRing.TICK_NOT_HELD, predict(1, 1));
        state.putInt(0, 100);
        ring.reset(10, state, 0, 4);
        for (int t = 11; t <= 15; t++)
        {
            assertEquals(4, predict(t, 2));
        }
        assertEquals(110, ring.state().getInt(0));
        final int steps = mover.steps;
        assertEquals(0, reconcile(12, 104));
        assertEquals(0.0, ring.lastError());
        assertEquals(steps, mover.steps);
        assertEquals(PredictionRing.STALE_TICK, reconcile(12, 104));
        assertEquals(PredictionRing.STALE_TICK, predict(15, 1));
    }

    @Test
    void shouldReplayInputsAfterAMisprediction()
    {
        state.putInt(0, 0);
        ring.reset(0, state, 0, 4);
        for (int t = 1; t <= 10; t++)
        {
            predict(t, 1);
        }
        // the server pushed the player 5 further at tick 6
        assertEquals(4, reconcile(6, 11));
        assertEquals(5.0, ring.lastError());
        assertEquals(15, ring.state().getInt(0));
        assertEquals(1, ring.mispredictions());
        assertEquals(4, ring.replayedTicks());
        // the replayed predictions are the ones compared next
        assertEquals(0, reconcile(8, 13));
    }

    @Test
    void shouldStepSkippedTicksWithoutInputAndForgetOldOnes()
    {
        state.putInt(0, 0);
        ring.reset(0, state, 0, 4);
        predict(1, 3);
        predict(4, 1);
        assertEquals(4, ring.state().getInt(0));
        predict(100, 1);
        assertEquals(5, ring.state().getInt(0));
        assertEquals(PredictionRing.TICK_NOT_HELD, reconcile(50, 5));
        assertEquals(0, reconcile(95, 4));
    }

    @Test
    void shouldResetToAServerStateNewerThanEveryPrediction()
    {
        state.putInt(0, 0);
        ring.reset(0, state, 0, 4);
        predict(1, 1);
        assertEquals(0, reconcile(5, 42));
        assertEquals(42, ring.state().getInt(0));
        assertEquals(5, ring.newestTick());
    }

    @Test
    void shouldNotAllocateOnceWarm()
    {
        state.putInt(0, 0);
        ring.reset(0, state, 0, 4);
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        long tick = 0;
        for (int round = 0; round < 2; round++)
        {
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 20_000; i++)
            {
                tick++;
                predict(tick, 1);
                if (tick > 6)
                {
                    reconcile(tick - 5, (int)(tick - 5) + (i & 1));
                }
            }
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            if (1 == round)
            {
                // a one-off allocation by the JIT or the bean itself may show; an allocating predict or reconcile
                // would show at least 16 bytes for each of the 20,000 calls
                assertTrue(allocated < 20_000, "bytes allocated by 20,000 predictions and reconciles: " + allocated);
            }
        }
    }
}
