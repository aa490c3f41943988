package io.skirmish.engine.server;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LagCompensationTest
{
    private final LagCompensation history = new LagCompensation(10, 8);
    private final LagCompensation.View view = new LagCompensation.View();
    private final UnsafeBuffer state = new UnsafeBuffer(new byte[8]);

    private void recordTicks(final long from, final long to)
    {
        for (long t = from; t <= to; t++)
        {
            state.putLong(0, t * 100);
            assertEquals(0, history.record(t, state, 0, 8));
        }
    }

    @Test
    void shouldHandOutBothStatesAndTheBlend()
    {
        recordTicks(1, 30);
        assertEquals(0, history.rewind(25, 26, 0.25, 30, view));
        assertEquals(2500, view.fromBuffer().getLong(0));
        assertEquals(2600, view.toBuffer().getLong(0));
        assertEquals(0.25, view.blend());
        assertEquals(4.75, view.depthTicks(), 1e-9);
        assertFalse(view.clamped());
    }

    @Test
    void shouldRejectWhatItDoesNotHold()
    {
        recordTicks(1, 30);
        assertEquals(LagCompensation.NO_VIEW, history.rewind(-1, -1, 0, 30, view));
        assertEquals(LagCompensation.NO_VIEW, history.rewind(5, 4, 0, 30, view));
        assertEquals(LagCompensation.NOT_HELD, history.rewind(29, 31, 0.5, 30, view));
        assertEquals(LagCompensation.REJECTED, history.record(30, state, 0, 8));
        assertEquals(LagCompensation.REJECTED, history.record(31, state, 0, 9));
    }

    @Test
    void shouldClampAtTheLimit()
    {
        recordTicks(1, 30);
        assertEquals(0, history.rewind(5, 6, 0.5, 30, view));
        assertTrue(view.clamped());
        assertEquals(20, view.fromTick());
        assertEquals(20, view.toTick());
        assertEquals(2000, view.fromBuffer().getLong(0));
        assertEquals(10.0, view.depthTicks(), 1e-9);

        // a blend that straddles the limit keeps blending towards the newer state
        assertEquals(0, history.rewind(19, 21, 0.75, 30, view));
        assertTrue(view.clamped());
        assertEquals(20, view.fromTick());
        assertEquals(21, view.toTick());
        assertEquals(0.5, view.blend(), 1e-9);
    }

    @Test
    void shouldNotAllocateOnceWarm()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        long tick = 0;
        for (int round = 0; round < 2; round++)
        {
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 20_000; i++)
            {
                tick++;
                state.putLong(0, tick);
                history.record(tick, state, 0, 8);
                if (tick > 5)
                {
                    history.rewind(tick - 4, tick - 3, 0.5, tick, view);
                }
            }
            if (1 == round)
            {
                // a one-off allocation by the JIT or the bean itself may show; an allocating record or rewind would
                // show at least 16 bytes for every one of the 20,000 calls
                final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
                assertTrue(allocated < 20_000, "bytes allocated by 20,000 records and rewinds: " + allocated);
            }
        }
    }
}
