package io.skirmish.engine.security;

/**
 * A token bucket rate limiter on the injected clock: {@code ratePerSecond} tokens per second, holding at most
 * {@code burst}. Single-threaded, allocation free.
 */
public final class TokenBucket
{
    private final long ratePerSecond;
    private final long burst;
    private long tokens;
    private long lastRefillNs;
    private long remainderNs;

    /**
     * @param ratePerSecond tokens added per second; 0 or less for no limit.
     * @param burst         most tokens held.
     * @param nowNs         current time.
     */
    public TokenBucket(final long ratePerSecond, final long burst, final long nowNs)
    {
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
        this.tokens = burst;
        this.lastRefillNs = nowNs;
    }

    /**
     * @param nowNs  current time.
     * @param amount tokens wanted.
     * @return true when they were available and taken.
     */
    public boolean tryConsume(final long nowNs, final long amount)
    {
        if (ratePerSecond <= 0)
        {
            return true;
        }
        final long elapsedNs = nowNs - lastRefillNs + remainderNs;
        if (elapsedNs > 0)
        {
            final long added = Math.min(burst, elapsedNs / 1_000_000_000L * ratePerSecond +
                (elapsedNs % 1_000_000_000L) * ratePerSecond / 1_000_000_000L);
            if (added > 0)
            {
                tokens = Math.min(burst, tokens + added);
                remainderNs = tokens == burst ? 0 : elapsedNs - added * 1_000_000_000L / ratePerSecond;
                lastRefillNs = nowNs;
            }
        }
        if (tokens >= amount)
        {
            tokens -= amount;
            return true;
        }
        return false;
    }
}
