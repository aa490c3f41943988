package io.skirmish.engine.server;

/**
 * The conductor thread's load: the share of wall time its duty cycles spent working (the invoked driver and Aeron
 * client included) over the last completed window of one second. Time the idle strategy parks or spins is not load.
 * Admission control refuses new sessions above a limit of it. Conductor thread only; allocation-free.
 */
final class ServerLoad
{
    static final long WINDOW_NS = 1_000_000_000L;

    private long windowStartNs;
    private long busyNs;
    private boolean started;
    private double load;

    /**
     * A duty cycle ran.
     *
     * @param startNs when it started.
     * @param endNs   when it ended.
     * @return true when a window completed and {@link #load()} changed.
     */
    boolean onCycle(final long startNs, final long endNs)
    {
        if (!started)
        {
            started = true;
            windowStartNs = startNs;
        }
        busyNs += Math.max(0, endNs - startNs);
        final long elapsedNs = endNs - windowStartNs;
        if (elapsedNs >= WINDOW_NS)
        {
            load = Math.min(1.0, (double)busyNs / elapsedNs);
            busyNs = 0;
            windowStartNs = endNs;
            return true;
        }
        return false;
    }

    /**
     * @return the share of the last window the conductor worked, 0 to 1.
     */
    double load()
    {
        return load;
    }
}
