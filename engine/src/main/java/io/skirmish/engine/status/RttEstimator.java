package io.skirmish.engine.status;

/**
 * Smoothed round-trip time and its variation from ping samples, as TCP does (RFC 6298): the mean moves by 1/8 of
 * each error and the variation by 1/4 of its own. Single-threaded, allocation-free.
 */
public final class RttEstimator
{
    private final long maxSampleNs;
    private long rttNs;
    private long jitterNs;

    /**
     * @param maxSampleNs samples above this are ignored (an echo of a ping from before a pause or a resume).
     */
    public RttEstimator(final long maxSampleNs)
    {
        this.maxSampleNs = maxSampleNs;
    }

    /**
     * Add a sample.
     *
     * @param sampleNs a measured round trip; ignored when negative or above the maximum.
     */
    public void onSample(final long sampleNs)
    {
        if (sampleNs < 0 || sampleNs > maxSampleNs)
        {
            return;
        }
        if (0 == rttNs)
        {
            rttNs = sampleNs;
            jitterNs = sampleNs / 2;
        }
        else
        {
            jitterNs += (Math.abs(sampleNs - rttNs) - jitterNs) / 4;
            rttNs += (sampleNs - rttNs) / 8;
        }
    }

    /**
     * @return smoothed round-trip time in nanoseconds, 0 before the first sample.
     */
    public long rttNs()
    {
        return rttNs;
    }

    /**
     * @return smoothed variation of the round-trip time in nanoseconds.
     */
    public long jitterNs()
    {
        return jitterNs;
    }
}
