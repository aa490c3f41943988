package io.skirmish.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PacedIdleStrategyTest
{
    private static final long PERIOD_NS = 1_000_000;

    private final PacedIdleStrategy idle = new PacedIdleStrategy(PERIOD_NS, 4);

    @Test
    void shouldWaitUntilThePeriodBoundaryHoweverMuchOfItTheCycleUsed()
    {
        assertEquals(0, idle.nextWaitNs(10_000_000), "the first quiet cycle starts the pace");
        assertEquals(PERIOD_NS - 100_000, idle.nextWaitNs(10_100_000), "a short cycle waits the rest of the period");
        assertEquals(1_000, idle.nextWaitNs(11_999_000), "a cycle that used most of it waits the remainder");
        assertEquals(PERIOD_NS, idle.nextWaitNs(12_000_000), "cadence is kept from the boundary, not from the wake");
    }

    @Test
    void shouldRestartThePaceAfterACycleOverranIt()
    {
        idle.nextWaitNs(0);
        assertEquals(0, idle.nextWaitNs(PERIOD_NS * 3 + 5), "no wait after an overrun");
        assertEquals(PERIOD_NS - 5, idle.nextWaitNs(PERIOD_NS * 3 + 10), "the pace restarts from the overrun");
    }

    @Test
    void shouldRunAgainAtOnceOnlyAfterEnoughWork()
    {
        final long nowNs = System.nanoTime();
        idle.nextWaitNs(nowNs);
        idle.idle(4);
        idle.idle(100);
        assertEquals(PERIOD_NS, idle.nextWaitNs(nowNs), "cycles with enough work neither waited nor moved the pace");
        assertEquals(4, idle.loopAgainWork());
        assertThrows(IllegalArgumentException.class, () -> new PacedIdleStrategy(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new PacedIdleStrategy(1, 0));
    }
}
