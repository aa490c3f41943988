package io.skirmish.engine.status;

import org.agrona.concurrent.status.AtomicCounter;

import java.util.concurrent.TimeUnit;

/**
 * Notices that its agent's duty cycle did not run for a while (a GC pause, a starved or suspended process, a cold
 * path that blocked) so that the time it was not listening is not blamed on its peers: a peer cannot be heard while
 * nobody reads. The owner calls {@link #onCycle(long)} once per duty cycle and, when it returns more than 0, moves its
 * liveness deadlines on by that much. Each stall is counted. Single-threaded, allocation-free.
 */
public final class StallWatch
{
    /** A gap between duty cycles longer than this is a stall; up to it, silence counts as the peers'. */
    public static final long STALL_THRESHOLD_NS = TimeUnit.MILLISECONDS.toNanos(100);

    private final AtomicCounter stalls;
    private long lastCycleNs;
    private long lastStallNs;
    private boolean started;

    /**
     * @param stalls counts the stalls seen.
     */
    public StallWatch(final AtomicCounter stalls)
    {
        this.stalls = stalls;
    }

    /**
     * A duty cycle began.
     *
     * @param nowNs the cycle's time.
     * @return how long the agent was stalled beyond {@link #STALL_THRESHOLD_NS} since the previous cycle, to take
     * off every peer's silence; 0 when it was not.
     */
    public long onCycle(final long nowNs)
    {
        final long gapNs = nowNs - lastCycleNs;
        lastCycleNs = nowNs;
        if (!started)
        {
            started = true;
            return 0;
        }
        if (gapNs > STALL_THRESHOLD_NS)
        {
            stalls.incrementRelease();
            lastStallNs = nowNs;
            return gapNs - STALL_THRESHOLD_NS;
        }
        return 0;
    }

    /**
     * Whether a stall ended after a time: a round trip timed from then measures the stall, not the network.
     *
     * @param sinceNs the time, e.g. when a ping was sent.
     * @return true when a stall was seen after it.
     */
    public boolean stalledSince(final long sinceNs)
    {
        return 0 != lastStallNs && lastStallNs - sinceNs > 0;
    }
}
