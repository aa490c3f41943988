package io.skirmish.engine.client;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RefusalBackoffTest
{
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void shouldBackOffExponentiallyWithJitterUpToTheCap()
    {
        final RefusalBackoff backoff = new RefusalBackoff(TimeUnit.MINUTES.toNanos(10), 42);
        long nowNs = 0;
        final long[] steps = { 250, 500, 1000, 2000, 4000, 4000, 4000 };
        for (final long stepMs : steps)
        {
            final long delayNs = backoff.onRefused(nowNs, 0);
            assertTrue(delayNs >= stepMs / 2 * MS && delayNs < stepMs * 3 / 2 * MS, stepMs + " ms step: " + delayNs);
            nowNs += delayNs;
        }
        assertEquals(steps.length, backoff.refusals());
    }

    @Test
    void shouldWaitAsLongAsTheServerAdvisesWithJitterWhenThatIsLonger()
    {
        final RefusalBackoff backoff = new RefusalBackoff(TimeUnit.MINUTES.toNanos(10), 3);
        final Set<Long> delays = new HashSet<>();
        for (int i = 0; i < 20; i++)
        {
            final long delayNs = backoff.onRefused(0, TimeUnit.SECONDS.toNanos(10));
            assertTrue(delayNs >= 5_000 * MS && delayNs < 15_000 * MS, "10 s advised: " + delayNs);
            delays.add(delayNs / MS);
        }
        assertTrue(delays.size() > 10, "spread around the advice: " + delays);
        backoff.reset();
        final long shortAdvice = backoff.onRefused(0, 10 * MS);
        assertTrue(shortAdvice >= 125 * MS && shortAdvice < 375 * MS, "advice shorter than the step: " + shortAdvice);
    }

    @Test
    void shouldSpreadClientsRefusedTogether()
    {
        final Set<Long> firstDelays = new HashSet<>();
        for (int client = 0; client < 100; client++)
        {
            firstDelays.add(new RefusalBackoff(TimeUnit.SECONDS.toNanos(30), client).onRefused(0, 0) / MS);
        }
        assertTrue(firstDelays.size() > 50, "100 clients refused at once come back at different times: " +
            firstDelays.size() + " distinct delays");
    }

    @Test
    void shouldGiveUpWhenTheBudgetIsSpentAndStartAgainAfterAConnect()
    {
        final long budgetNs = TimeUnit.SECONDS.toNanos(1);
        final RefusalBackoff backoff = new RefusalBackoff(budgetNs, 7);
        assertTrue(backoff.onRefused(0, 0) > 0);
        assertTrue(backoff.onRefused(900 * MS, 0) <= 100 * MS, "never waits past the budget");
        assertEquals(-1, backoff.onRefused(budgetNs, 0));

        backoff.reset();
        assertTrue(backoff.onRefused(5 * budgetNs, 0) > 0, "a new series after a connect");
        assertEquals(-1, new RefusalBackoff(0, 1).onRefused(0, 0), "no budget: report at once");
    }
}
