package io.skirmish.engine;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client's interpolation buffer: ordering, the render time, the two states and blend factor around it, gaps,
 * clamping at both ends, wrap-around, and no allocation.
 */
class InterpolationBufferTest
{
    private static final long TICK_NS = 10_000_000L;

    private final UnsafeBuffer state = new UnsafeBuffer(new byte[16]);
    private final InterpolationBuffer buffer = new InterpolationBuffer(4, 16, TICK_NS);
    private final InterpolationBuffer.Sample sample = new InterpolationBuffer.Sample();

    private boolean add(final long tick)
    {
        state.putLong(0, tick * 100);
        return buffer.add(tick, state, 0, 8);
    }

    private static long value(final DirectBuffer buffer)
    {
        return buffer.getLong(0);
    }

    @Test
    void shouldReportNothingWhenEmpty()
    {
        assertFalse(buffer.sample(0, sample));
        assertEquals(0, buffer.size());
        assertEquals(Long.MIN_VALUE, buffer.renderTimeNs());
        assertEquals(Long.MIN_VALUE, buffer.newestTick());
    }

    @Test
    void shouldRejectStaleDuplicateAndOversizeStates()
    {
        assertTrue(add(5));
        assertFalse(add(5));
        assertFalse(add(4));
        assertFalse(buffer.add(6, new UnsafeBuffer(new byte[17]), 0, 17));
        assertTrue(add(6));
        assertEquals(2, buffer.size());
        assertThrows(IllegalArgumentException.class, () -> new InterpolationBuffer(1, 8, TICK_NS));
        assertThrows(IllegalArgumentException.class, () -> buffer.delayNs(-1));
    }

    @Test
    void shouldRenderNewestTickTimeMinusDelay()
    {
        buffer.delayNs(15_000_000L);
        add(10);
        add(11);
        add(12);
        assertEquals(12 * TICK_NS - 15_000_000L, buffer.renderTimeNs());

        assertTrue(buffer.sample(buffer.renderTimeNs(), sample));
        assertEquals(10, sample.fromTick());
        assertEquals(11, sample.toTick());
        assertEquals(0.5, sample.alpha(), 1e-9);
        assertEquals(1000, value(sample.fromBuffer()));
        assertEquals(1100, value(sample.toBuffer()));
        assertEquals(8, sample.fromBuffer().capacity());
    }

    @Test
    void shouldBlendAcrossGapsAndClampAtBothEnds()
    {
        add(10);
        add(14);
        buffer.sample(11 * TICK_NS, sample);
        assertEquals(10, sample.fromTick());
        assertEquals(14, sample.toTick());
        assertEquals(0.25, sample.alpha(), 1e-9);

        buffer.sample(10 * TICK_NS, sample);
        assertEquals(10, sample.fromTick());
        assertEquals(14, sample.toTick());
        assertEquals(0.0, sample.alpha(), 1e-9);

        buffer.sample(20 * TICK_NS, sample);
        assertEquals(14, sample.fromTick());
        assertEquals(14, sample.toTick());
        assertEquals(0.0, sample.alpha(), 1e-9);

        buffer.sample(5 * TICK_NS, sample);
        assertEquals(10, sample.fromTick());
        assertEquals(10, sample.toTick());
    }

    @Test
    void shouldKeepTheNewestStatesWhenFull()
    {
        for (long tick = 1; tick <= 10; tick++)
        {
            add(tick);
        }
        assertEquals(4, buffer.size());
        assertEquals(7, buffer.oldestTick());
        assertEquals(10, buffer.newestTick());
        buffer.sample(8 * TICK_NS + TICK_NS / 4, sample);
        assertEquals(8, sample.fromTick());
        assertEquals(9, sample.toTick());
        assertEquals(800, value(sample.fromBuffer()));
        assertEquals(900, value(sample.toBuffer()));
        assertEquals(0.25, sample.alpha(), 1e-9);

        buffer.clear();
        assertEquals(0, buffer.size());
        assertTrue(add(3));
    }

    @Test
    void shouldNotAllocate()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        long tick = 0;
        for (int i = 0; i < 50_000; i++)
        {
            tick = cycle(tick);
        }
        final long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 50_000; i++)
        {
            tick = cycle(tick);
        }
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 1024, "allocated " + allocated + " bytes");
    }

    private long cycle(final long tick)
    {
        add(tick + 1);
        if (!buffer.sample(buffer.renderTimeNs(), sample) || sample.alpha() < 0 || sample.alpha() >= 1)
        {
            throw new AssertionError(sample.toString());
        }
        return tick + 1;
    }
}
