package io.skirmish.engine;

/**
 * Network figures for one session, filled by {@code GameClient.networkInfo(NetworkInfo)} on the client and
 * {@code Session.networkInfo(NetworkInfo)} on the server, in the manner of yojimbo's {@code GetNetworkInfo}: the
 * caller owns the instance and reuses it, so reading the figures never allocates.
 * <p>
 * Rates and loss are measured over windows of about one second, so they lag by up to a second; they are 0 until the
 * first window has closed.
 * <p>
 * Threading: fill and read it on the thread that drives the client (its polling thread) or, for a session, on the
 * server conductor thread. Errors: none; figures not measured yet read as 0.
 */
public final class NetworkInfo
{
    private long rttNs;
    private long rttJitterNs;
    private double snapshotLossPercent;
    private long bytesInPerSecond;
    private long bytesOutPerSecond;

    /**
     * @return smoothed round-trip time in nanoseconds (EWMA of ping samples, gain 1/8), 0 before the first sample.
     */
    public long rttNs()
    {
        return rttNs;
    }

    /**
     * @return smoothed RTT variation in nanoseconds (EWMA of |sample - rtt|, gain 1/4).
     */
    public long rttJitterNs()
    {
        return rttJitterNs;
    }

    /**
     * Snapshots sent to this client that it could not use (lost, incomplete, or missing their delta baseline), as a
     * percentage of those sent, over the last window. Measured by the client from per-member snapshot sequence
     * numbers; the server shows the figure the client last reported.
     *
     * @return loss in percent, 0 to 100.
     */
    public double snapshotLossPercent()
    {
        return snapshotLossPercent;
    }

    /**
     * Client: engine frame bytes received on every lane. Server: Aeron stream bytes received on the session's two
     * lanes (engine frames plus Aeron's 32-byte frame headers; on the unreliable input lane a gap left by loss is
     * counted when the server skips past it).
     *
     * @return bytes per second received over the last window.
     */
    public long bytesInPerSecond()
    {
        return bytesInPerSecond;
    }

    /**
     * Client: engine frame bytes sent on every lane. Server: Aeron stream bytes written to the session's two
     * lanes (engine frames plus Aeron's 32-byte frame headers; retransmissions not included).
     *
     * @return bytes per second sent over the last window.
     */
    public long bytesOutPerSecond()
    {
        return bytesOutPerSecond;
    }

    /**
     * Set every figure (the engine's meters fill the caller's instance this way).
     *
     * @param rttNs               smoothed round-trip time.
     * @param rttJitterNs         its variation.
     * @param snapshotLossPercent snapshot loss in percent.
     * @param bytesInPerSecond    bytes received per second.
     * @param bytesOutPerSecond   bytes sent per second.
     * @return this.
     */
    public NetworkInfo update(
        final long rttNs,
        final long rttJitterNs,
        final double snapshotLossPercent,
        final long bytesInPerSecond,
        final long bytesOutPerSecond)
    {
        this.rttNs = rttNs;
        this.rttJitterNs = rttJitterNs;
        this.snapshotLossPercent = snapshotLossPercent;
        this.bytesInPerSecond = bytesInPerSecond;
        this.bytesOutPerSecond = bytesOutPerSecond;
        return this;
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "NetworkInfo{rttUs=" + rttNs / 1000 + ", jitterUs=" + rttJitterNs / 1000 +
            ", snapshotLoss=" + String.format("%.2f", snapshotLossPercent) + "%" +
            ", inBps=" + bytesInPerSecond + ", outBps=" + bytesOutPerSecond + "}";
    }
}
