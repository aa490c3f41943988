package io.skirmish.engine.status;

import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StallWatchTest
{
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long START = TimeUnit.SECONDS.toNanos(1000);

    private final CountersManager countersManager = new CountersManager(
        new UnsafeBuffer(new byte[64 * 1024]), new UnsafeBuffer(new byte[16 * 1024]));
    private final AtomicCounter stalls = countersManager.newCounter("stalls");
    private final StallWatch watch = new StallWatch(stalls);

    @Test
    void shouldCreditOnlyTheTimeBeyondTheThresholdAndCountEachStall()
    {
        assertEquals(0, watch.onCycle(START), "the first cycle has nothing to compare with");
        assertEquals(0, watch.onCycle(START + 100 * MS), "a 100 ms gap is not a stall");
        assertEquals(0, stalls.get());
        assertEquals(1900 * MS, watch.onCycle(START + 2100 * MS), "a 2 s gap: 1.9 s credited");
        assertEquals(0, watch.onCycle(START + 2101 * MS));
        assertEquals(1, stalls.get());
        assertEquals(MS, watch.onCycle(START + 2202 * MS));
        assertEquals(2, stalls.get());
    }

    @Test
    void shouldTellWhetherARoundTripSpansAStall()
    {
        watch.onCycle(START);
        assertFalse(watch.stalledSince(START - 10 * MS), "no stall yet");
        watch.onCycle(START + 10 * MS);
        watch.onCycle(START + 2010 * MS);
        assertTrue(watch.stalledSince(START + 5 * MS), "a ping sent before the stall");
        assertFalse(watch.stalledSince(START + 2010 * MS), "a ping sent when it ended");
        assertFalse(watch.stalledSince(START + 2500 * MS));
    }
}
