package io.skirmish.engine.status;

import io.skirmish.engine.NetworkInfo;

import java.util.concurrent.TimeUnit;

/**
 * Turns cumulative byte and snapshot totals into per-window rates for {@link NetworkInfo}. A window closes at the
 * first sample at least {@link #WINDOW_NS} after it opened. One thread only; allocation-free.
 */
public final class NetworkMeter
{
    /** Shortest window over which rates are measured. */
    public static final long WINDOW_NS = TimeUnit.SECONDS.toNanos(1);

    private boolean started;
    private long windowStartNs;
    private long startBytesIn;
    private long startBytesOut;
    private long startExpected;
    private long startReceived;
    private long bytesInPerSecond;
    private long bytesOutPerSecond;
    private double lossPercent;

    /**
     * Cumulative bytes of a lane whose position restarts when the lane is replaced (a resumed session gets new
     * lanes; their positions are followed from first sight).
     */
    public static final class PositionTracker
    {
        private Object source;
        private long lastPosition;

        /**
         * @param current  the lane now (an image or publication), or null.
         * @param position its position.
         * @return bytes moved since the last call on the same lane; 0 for a new lane.
         */
        public long advance(final Object current, final long position)
        {
            if (current != source)
            {
                source = current;
                lastPosition = position;
                return 0;
            }
            final long delta = position - lastPosition;
            lastPosition = position;
            return Math.max(0, delta);
        }
    }

    /**
     * Close the window when it is due.
     *
     * @param nowNs    current time.
     * @param bytesIn  cumulative bytes in.
     * @param bytesOut cumulative bytes out.
     * @param expected cumulative snapshots expected (sent, as far as the receiver can tell).
     * @param received cumulative snapshots received and used.
     */
    public void sample(
        final long nowNs, final long bytesIn, final long bytesOut, final long expected, final long received)
    {
        if (!started)
        {
            started = true;
            restart(nowNs, bytesIn, bytesOut, expected, received);
            return;
        }
        final long elapsedNs = nowNs - windowStartNs;
        if (elapsedNs < WINDOW_NS)
        {
            return;
        }
        bytesInPerSecond = (long)((bytesIn - startBytesIn) * 1e9 / elapsedNs);
        bytesOutPerSecond = (long)((bytesOut - startBytesOut) * 1e9 / elapsedNs);
        final long expectedInWindow = expected - startExpected;
        final long receivedInWindow = received - startReceived;
        lossPercent = expectedInWindow > 0 ?
            Math.max(0, Math.min(100.0, (expectedInWindow - receivedInWindow) * 100.0 / expectedInWindow)) : 0;
        restart(nowNs, bytesIn, bytesOut, expected, received);
    }

    /**
     * Close the window when it is due, for the byte rates only (the loss figure comes from {@link #reportedLoss}).
     *
     * @param nowNs    current time.
     * @param bytesIn  cumulative bytes in.
     * @param bytesOut cumulative bytes out.
     */
    public void sampleBytes(final long nowNs, final long bytesIn, final long bytesOut)
    {
        final double loss = lossPercent;
        sample(nowNs, bytesIn, bytesOut, 0, 0);
        lossPercent = loss;
    }

    /**
     * Set the loss figure from the far side's report (the server learns the client's snapshot loss from its acks).
     *
     * @param hundredthsPercent loss in hundredths of a percent.
     */
    public void reportedLoss(final int hundredthsPercent)
    {
        lossPercent = Math.max(0, Math.min(10_000, hundredthsPercent)) / 100.0;
    }

    /**
     * @return snapshot loss in percent over the last closed window (or as reported).
     */
    public double lossPercent()
    {
        return lossPercent;
    }

    /**
     * Fill a caller's {@link NetworkInfo} with the last closed window's figures and the given RTT.
     *
     * @param info        to fill.
     * @param rttNs       smoothed RTT.
     * @param rttJitterNs RTT variation.
     * @return info.
     */
    public NetworkInfo fill(final NetworkInfo info, final long rttNs, final long rttJitterNs)
    {
        return info.update(rttNs, rttJitterNs, lossPercent, bytesInPerSecond, bytesOutPerSecond);
    }

    private void restart(
        final long nowNs, final long bytesIn, final long bytesOut, final long expected, final long received)
    {
        windowStartNs = nowNs;
        startBytesIn = bytesIn;
        startBytesOut = bytesOut;
        startExpected = expected;
        startReceived = received;
    }
}
