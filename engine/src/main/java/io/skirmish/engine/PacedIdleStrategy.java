package io.skirmish.engine;

import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.locks.LockSupport;

/**
 * An idle strategy that paces a duty cycle instead of chasing every event: a cycle that did at least
 * {@code loopAgainWork} units of work runs again at once (a backlog is being drained); any other cycle waits until a
 * period has passed since the last wake-up, however much or little it did. An invoked media driver visits every
 * publication and image each cycle and reads one datagram per socket, so on a server with many clients a cycle's
 * cost is set by the number of streams, not by the traffic: pacing lets datagrams gather in the sockets between
 * cycles, so that each cycle drains several, and an idle server runs {@code 1 / period} cycles a second. Feed it
 * the engine's work only, not Aeron's timer sends, or the heartbeats of many idle clients keep it spinning.
 * Not thread-safe: one per agent thread.
 */
public final class PacedIdleStrategy implements IdleStrategy
{
    private final long periodNs;
    private final int loopAgainWork;
    private long nextWakeNs;

    /**
     * @param periodNs      the pace: a quiet cycle waits until this long after the last wake-up.
     * @param loopAgainWork a cycle with at least this much work runs again at once.
     */
    public PacedIdleStrategy(final long periodNs, final int loopAgainWork)
    {
        if (periodNs <= 0 || loopAgainWork < 1)
        {
            throw new IllegalArgumentException(
                "periodNs and loopAgainWork must be positive: " + periodNs + ", " + loopAgainWork);
        }
        this.periodNs = periodNs;
        this.loopAgainWork = loopAgainWork;
    }

    /**
     * @return the pace in nanoseconds.
     */
    public long periodNs()
    {
        return periodNs;
    }

    /**
     * @return the work that makes a cycle run again at once.
     */
    public int loopAgainWork()
    {
        return loopAgainWork;
    }

    /**
     * {@inheritDoc}
     */
    public void idle(final int workCount)
    {
        if (workCount < loopAgainWork)
        {
            idle();
        }
    }

    /**
     * {@inheritDoc}
     */
    public void idle()
    {
        final long waitNs = nextWaitNs(System.nanoTime());
        if (waitNs > 0)
        {
            LockSupport.parkNanos(waitNs);
        }
    }

    /**
     * How long a quiet cycle ending now waits: until the next period boundary; none when the cycle overran it, and
     * the pace starts again from now.
     *
     * @param nowNs the time.
     * @return nanoseconds to wait.
     */
    long nextWaitNs(final long nowNs)
    {
        final long waitNs = nextWakeNs - nowNs;
        if (waitNs > 0 && waitNs <= periodNs)
        {
            nextWakeNs += periodNs;
            return waitNs;
        }
        nextWakeNs = nowNs + periodNs;
        return 0;
    }

    /**
     * {@inheritDoc}
     */
    public void reset()
    {
        nextWakeNs = System.nanoTime() + periodNs;
    }

    /**
     * {@inheritDoc}
     */
    public String alias()
    {
        return "paced";
    }

    public String toString()
    {
        return "PacedIdleStrategy{periodNs=" + periodNs + ", loopAgainWork=" + loopAgainWork + '}';
    }
}
