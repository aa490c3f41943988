package io.skirmish.engine;

import io.aeron.ExclusivePublication;
import io.aeron.Image;

import java.util.concurrent.TimeUnit;

/**
 * Turns cumulative byte and snapshot totals into per-window rates for {@link NetworkInfo}. A window closes at the
 * first sample at least {@link #WINDOW_NS} after it opened. On the server it also follows the session's lanes by
 * their Aeron positions (a resumed session gets new lanes; their positions are followed from first sight). One
 * thread only.
 */
final class NetworkMeter
{
    static final long WINDOW_NS = TimeUnit.SECONDS.toNanos(1);

    private boolean started;
    private long windowStartNs;
    private long startBytesIn;
    private long startBytesOut;
    private long startExpected;
    private long startReceived;

    long bytesInPerSecond;
    long bytesOutPerSecond;
    double lossPercent;
    int reportedLossHundredthsPercent;

    private final PositionTracker controlIn = new PositionTracker();
    private final PositionTracker inputIn = new PositionTracker();
    private final PositionTracker eventsOut = new PositionTracker();
    private final PositionTracker snapshotsOut = new PositionTracker();
    private long laneBytesIn;
    private long laneBytesOut;

    /** Cumulative bytes of a lane whose position restarts when the lane is replaced. */
    private static final class PositionTracker
    {
        Object source;
        long lastPosition;

        long advance(final Object current, final long position)
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
    void sample(final long nowNs, final long bytesIn, final long bytesOut, final long expected, final long received)
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

    private void restart(
        final long nowNs, final long bytesIn, final long bytesOut, final long expected, final long received)
    {
        windowStartNs = nowNs;
        startBytesIn = bytesIn;
        startBytesOut = bytesOut;
        startExpected = expected;
        startReceived = received;
    }

    /**
     * Server side: follow a session's lanes and close the window when due.
     *
     * @param session the session.
     * @param nowNs   current time.
     */
    void sampleSession(final Session session, final long nowNs)
    {
        final ServerConductor.Connection connection = session.connection;
        final ServerConductor.InputLink link = session.inputLink;
        final Image controlImage = null == connection ? null : connection.image;
        final ExclusivePublication eventsPublication = null == connection ? null : connection.publication;
        final Image inputImage = null == link ? null : link.image;
        final ExclusivePublication snapshotPublication = null == link ? null : link.publication;
        laneBytesIn += controlIn.advance(controlImage, position(controlImage));
        laneBytesIn += inputIn.advance(inputImage, position(inputImage));
        laneBytesOut += eventsOut.advance(eventsPublication, position(eventsPublication));
        laneBytesOut += snapshotsOut.advance(snapshotPublication, position(snapshotPublication));
        sample(nowNs, laneBytesIn, laneBytesOut, 0, 0);
        lossPercent = reportedLossHundredthsPercent / 100.0;
    }

    private static long position(final Image image)
    {
        return null == image || image.isClosed() ? 0 : image.position();
    }

    private static long position(final ExclusivePublication publication)
    {
        return null == publication || publication.isClosed() ? 0 : publication.position();
    }

    void fill(final NetworkInfo info, final long rttNs, final long rttJitterNs)
    {
        info.rttNs = rttNs;
        info.rttJitterNs = rttJitterNs;
        info.snapshotLossPercent = lossPercent;
        info.bytesInPerSecond = bytesInPerSecond;
        info.bytesOutPerSecond = bytesOutPerSecond;
    }
}
