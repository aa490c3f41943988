package io.skirmish.engine.client;

import com.sun.management.ThreadMXBean;
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
 * clamping at both ends, wrap-around, the local clock from arrival times (fastest arrival, late states, dropped
 * states, fallback without arrival times), holding past the newest state, and no allocation.
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

    private boolean add(final long tick, final long arrivalNs)
    {
        state.putLong(0, tick * 100);
        return buffer.add(tick, arrivalNs, state, 0, 8);
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
    void shouldRenderFromTheLocalClockMinusTheFastestArrivalOffset()
    {
        buffer.delayNs(15_000_000L);
        add(10, 1_000_000_000L + 10 * TICK_NS + 3_000_000L);
        add(11, 1_000_000_000L + 11 * TICK_NS + 1_000_000L);
        add(12, 1_000_000_000L + 12 * TICK_NS + 2_000_000L);
        final long offsetNs = 1_000_000_000L + 1_000_000L;

        final long nowNs = 1_000_000_000L + 12 * TICK_NS + 2_000_000L;
        assertEquals(nowNs - offsetNs - 15_000_000L, buffer.renderTimeNs(nowNs));
        assertEquals(11 * TICK_NS - 4_000_000L, buffer.renderTimeNs(nowNs));

        assertTrue(buffer.sample(buffer.renderTimeNs(nowNs), sample));
        assertEquals(10, sample.fromTick());
        assertEquals(11, sample.toTick());
        assertEquals(0.6, sample.alpha(), 1e-9);
        assertEquals(1000, value(sample.fromBuffer()));
        assertEquals(1100, value(sample.toBuffer()));
        assertEquals(11 * TICK_NS - 4_000_000L, sample.renderTimeNs());
        assertFalse(sample.holding());
    }

    @Test
    void shouldAdvanceTheRenderTimeWithTheLocalClockBetweenArrivals()
    {
        add(10, 10 * TICK_NS);
        add(11, 11 * TICK_NS);
        final long first = buffer.renderTimeNs(11 * TICK_NS);
        final long later = buffer.renderTimeNs(11 * TICK_NS + 4_000_000L);
        assertEquals(11 * TICK_NS - 2 * TICK_NS, first);
        assertEquals(first + 4_000_000L, later);
        assertEquals(buffer.renderTimeNs(), buffer.renderTimeNs(11 * TICK_NS));

        buffer.sample(buffer.renderTimeNs(11 * TICK_NS + 15_000_000L), sample);
        assertEquals(10, sample.fromTick());
        assertEquals(11, sample.toTick());
        assertEquals(0.5, sample.alpha(), 1e-9);
    }

    @Test
    void shouldKeepTheFastestArrivalAsTheClockWhenAStateIsLate()
    {
        buffer.delayNs(2 * TICK_NS);
        add(1, TICK_NS + 2_000_000L);
        add(2, 2 * TICK_NS + 2_000_000L);
        final long nowNs = 3 * TICK_NS + 2_000_000L;
        final long before = buffer.renderTimeNs(nowNs);
        assertTrue(add(3, 3 * TICK_NS + 25_000_000L));
        assertEquals(before, buffer.renderTimeNs(nowNs));
        assertEquals(TICK_NS, buffer.renderTimeNs(nowNs));

        buffer.sample(buffer.renderTimeNs(nowNs + TICK_NS / 2), sample);
        assertEquals(1, sample.fromTick());
        assertEquals(2, sample.toTick());
        assertEquals(0.5, sample.alpha(), 1e-9);
    }

    @Test
    void shouldNotLetARejectedStateMoveTheClock()
    {
        add(5, 5 * TICK_NS + 8_000_000L);
        final long nowNs = 6 * TICK_NS;
        final long before = buffer.renderTimeNs(nowNs);
        assertFalse(add(5, 0));
        assertFalse(add(4, 0));
        assertFalse(buffer.add(6, 0, new UnsafeBuffer(new byte[17]), 0, 17));
        assertEquals(before, buffer.renderTimeNs(nowNs));
        assertEquals(1, buffer.size());
    }

    @Test
    void shouldForgetTheFastestArrivalOnceItsStateIsDropped()
    {
        buffer.delayNs(0);
        add(1, TICK_NS);
        for (long tick = 2; tick <= 4; tick++)
        {
            add(tick, tick * TICK_NS + 5_000_000L);
        }
        final long nowNs = 10 * TICK_NS;
        assertEquals(10 * TICK_NS, buffer.renderTimeNs(nowNs));

        add(5, 5 * TICK_NS + 6_000_000L);
        assertEquals(2, buffer.oldestTick());
        assertEquals(10 * TICK_NS - 5_000_000L, buffer.renderTimeNs(nowNs));

        buffer.clear();
        assertEquals(Long.MIN_VALUE, buffer.renderTimeNs(nowNs));
        add(1);
        assertEquals(buffer.renderTimeNs(), buffer.renderTimeNs(nowNs));
    }

    @Test
    void shouldFallBackToTheNewestTickClockWithoutArrivalTimes()
    {
        assertEquals(Long.MIN_VALUE, buffer.renderTimeNs(123));
        add(10);
        add(11);
        assertEquals(11 * TICK_NS - 2 * TICK_NS, buffer.renderTimeNs(0));
        assertEquals(buffer.renderTimeNs(), buffer.renderTimeNs(Long.MAX_VALUE));

        add(12, 12 * TICK_NS + 1_000_000L);
        assertEquals(5 * TICK_NS - 1_000_000L - 2 * TICK_NS, buffer.renderTimeNs(5 * TICK_NS));
    }

    @Test
    void shouldHoldTheNewestStateWhenTheRenderTimeIsPastIt()
    {
        add(1, TICK_NS);
        add(2, 2 * TICK_NS);
        final long renderTimeNs = buffer.renderTimeNs(50 * TICK_NS);
        assertTrue(buffer.sample(renderTimeNs, sample));
        assertTrue(sample.holding());
        assertEquals(renderTimeNs, sample.renderTimeNs());
        assertEquals(2, sample.fromTick());
        assertEquals(2, sample.toTick());
        assertEquals(0.0, sample.alpha(), 1e-9);
        assertEquals(200, value(sample.fromBuffer()));
        assertEquals(200, value(sample.toBuffer()));
        assertEquals(46 * TICK_NS, renderTimeNs - buffer.tickTimeNs(buffer.newestTick()));

        buffer.sample(2 * TICK_NS, sample);
        assertFalse(sample.holding(), "at the newest state is not past it");
        assertEquals(2, sample.fromTick());
        buffer.sample(2 * TICK_NS + 1, sample);
        assertTrue(sample.holding());
        buffer.sample(TICK_NS + TICK_NS / 2, sample);
        assertFalse(sample.holding());
        assertEquals(TICK_NS + TICK_NS / 2, sample.renderTimeNs());
        buffer.sample(0, sample);
        assertFalse(sample.holding(), "before the oldest state is not holding the newest");
        assertEquals(1, sample.fromTick());
        assertEquals(1, sample.toTick());
    }

    @Test
    void shouldNotAllocate()
    {
        final ThreadMXBean threads = (ThreadMXBean)ManagementFactory.getThreadMXBean();
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

    @Test
    void shouldNotAllocateOnTheLocalClock()
    {
        final ThreadMXBean threads = (ThreadMXBean)ManagementFactory.getThreadMXBean();
        long tick = 0;
        for (int i = 0; i < 50_000; i++)
        {
            tick = cycleWithArrival(tick);
        }
        final long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 50_000; i++)
        {
            tick = cycleWithArrival(tick);
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

    private long cycleWithArrival(final long tick)
    {
        final long next = tick + 1;
        final long arrivalNs = next * TICK_NS + (next % 3) * 1_000_000L;
        add(next, arrivalNs);
        if (!buffer.sample(buffer.renderTimeNs(arrivalNs + TICK_NS / 2), sample) || sample.holding() ||
            sample.alpha() < 0 || sample.alpha() >= 1 || (next > 2 && sample.fromTick() == sample.toTick()))
        {
            throw new AssertionError(sample.toString());
        }
        return next;
    }
}
