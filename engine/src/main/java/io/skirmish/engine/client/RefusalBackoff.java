package io.skirmish.engine.client;

import java.util.SplittableRandom;

/**
 * When to ask again after the server refused a connect as full or busy: exponential backoff from
 * {@value #FIRST_DELAY_MS} ms, doubling up to {@value #MAX_DELAY_MS} ms, each delay drawn uniformly from half to
 * one and a half times its step, so that clients refused together do not come back together as a storm. When the
 * server advises a longer wait (it does when it refuses many clients at once), the step is that advice instead. Gives
 * up once the first refusal is longer ago than the context's {@code retryWhenRefusedNs}. Client thread only.
 */
final class RefusalBackoff
{
    static final long FIRST_DELAY_MS = 250;
    static final long MAX_DELAY_MS = 4_000;

    private final long budgetNs;
    private final SplittableRandom random;
    private long firstRefusalNs;
    private int refusals;

    /**
     * @param budgetNs how long after the first refusal to keep asking; 0 never asks again.
     * @param seed     of the jitter.
     */
    RefusalBackoff(final long budgetNs, final long seed)
    {
        this.budgetNs = budgetNs;
        this.random = new SplittableRandom(seed);
    }

    /**
     * The server refused again.
     *
     * @param nowNs        the time.
     * @param retryAfterNs the server's advice of how long to wait, 0 for none.
     * @return how long to wait before asking again, or -1 to give up.
     */
    long onRefused(final long nowNs, final long retryAfterNs)
    {
        if (0 == refusals)
        {
            firstRefusalNs = nowNs;
        }
        if (budgetNs <= 0 || nowNs - firstRefusalNs >= budgetNs)
        {
            return -1;
        }
        final long stepMs = Math.max(
            Math.min(MAX_DELAY_MS, FIRST_DELAY_MS << Math.min(refusals, 5)), retryAfterNs / 1_000_000L);
        refusals++;
        final long delayMs = stepMs / 2 + random.nextLong(stepMs);
        return Math.min(delayMs * 1_000_000L, budgetNs - (nowNs - firstRefusalNs));
    }

    /**
     * Connected: the next refusal starts a new series.
     */
    void reset()
    {
        refusals = 0;
    }

    int refusals()
    {
        return refusals;
    }
}
