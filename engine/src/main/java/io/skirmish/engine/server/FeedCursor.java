package io.skirmish.engine.server;

import io.skirmish.engine.FeedEndReason;
import io.skirmish.engine.archive.AsyncReplayStarter;
import io.skirmish.engine.archive.RecordingFeed;

/**
 * One client's place in a spectator or replay feed: where its frames start in the shared {@link RecordingFeed},
 * what has been sent and acknowledged (indexes of the client's own numbering, from 1), its pacing, and where its
 * feed ends. Owned by {@link Feeds}; conductor thread only.
 */
final class FeedCursor
{
    static final long NOT_ENDED = Long.MAX_VALUE;

    final Peer peer;
    final int feedId;
    final int roomId;
    final int mode;
    final double speed;
    RecordingFeed feed;
    AsyncReplayStarter.Start opening;
    boolean started;
    long startIndex;
    long sent = 1;
    long acked = 1;
    long highestSent;
    long endIndex = NOT_ENDED;
    FeedEndReason endReason;
    long endSentNs;
    long lastAckProgressNs;
    long lastRewindNs;
    long baseTimestampNs;
    long baseNowNs;
    long nextFlushNs;
    boolean flushNow;
    boolean windowBlocked;

    FeedCursor(final Peer peer, final int feedId, final int roomId, final int mode, final double speed)
    {
        this.peer = peer;
        this.feedId = feedId;
        this.roomId = roomId;
        this.mode = mode;
        this.speed = speed;
    }

    /**
     * Start at a frame of the feed: it becomes the client's index 1. Its first flush is {@code flushPhaseNs} away,
     * so that the cursors started together do not all flush in the same duty cycle.
     */
    void start(final long feedIndex, final long nowNs, final long flushPhaseNs)
    {
        nextFlushNs = nowNs + flushPhaseNs;
        started = true;
        startIndex = feedIndex;
        baseTimestampNs = feedIndex <= feed.newestIndex() ? feed.timestampNs(feedIndex) : 0;
        baseNowNs = nowNs;
        lastAckProgressNs = nowNs;
        lastRewindNs = nowNs;
    }

    /**
     * End the feed after what has been sent (sooner than an end already due later, e.g. a paced replay's finish):
     * the end frame takes the next index. An end already sent stays.
     */
    void endAfterSent(final FeedEndReason reason)
    {
        final long index = Math.max(sent, highestSent + 1);
        if (0 == endSentNs && index < endIndex)
        {
            endIndex = index;
            endReason = reason;
        }
    }

    /**
     * @param nowNs           the server's clock.
     * @param flushIntervalNs the feeds' flush interval.
     * @return true when the cursor may send now: its flush is due (the next one is then scheduled, keeping its
     * phase), or it has a resend, the rest of a flush, or room in the window it waited for.
     */
    boolean takeFlush(final long nowNs, final long flushIntervalNs)
    {
        if (nowNs - nextFlushNs >= 0)
        {
            nextFlushNs += flushIntervalNs;
            if (nextFlushNs - nowNs <= 0)
            {
                nextFlushNs = nowNs + flushIntervalNs;
            }
            flushNow = false;
            return true;
        }
        if (flushNow)
        {
            flushNow = false;
            return true;
        }
        return false;
    }

    /**
     * @param index a client index.
     * @return the feed index it maps to.
     */
    long feedIndex(final long index)
    {
        return startIndex + index - 1;
    }

    /**
     * @return true while the feed runs (not ending).
     */
    boolean isOpen()
    {
        return NOT_ENDED == endIndex;
    }

    /**
     * @param index a feed index held by the feed.
     * @param nowNs the server's clock.
     * @return true when that frame may be sent: its timestamp plus the delay has passed (spectators), or its time
     * since the first frame divided by the speed has (replays).
     */
    boolean isDue(final long index, final long nowNs)
    {
        final long timestampNs = feed.timestampNs(index);
        if (RecordingFeed.SPECTATE == feed.mode())
        {
            return nowNs - timestampNs >= feed.delayNs();
        }
        if (0 == speed || Double.isInfinite(speed))
        {
            return true;
        }
        return nowNs - baseNowNs >= (long)((timestampNs - baseTimestampNs) / speed);
    }
}
