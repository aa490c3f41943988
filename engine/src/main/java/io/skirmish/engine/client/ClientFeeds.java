package io.skirmish.engine.client;

import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.FeedEndReason;
import io.skirmish.engine.SendResult;
import io.skirmish.engine.protocol.FeedAckFlyweight;
import io.skirmish.engine.protocol.FeedFrameFlyweight;
import io.skirmish.engine.protocol.FeedRequestFlyweight;
import io.skirmish.engine.protocol.RecordedFrameFlyweight;
import io.skirmish.engine.status.Counters;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.concurrent.TimeUnit;

/**
 * The client's spectator and replay feeds: asks the server for them (a reliable {@code FEED_REQUEST}), delivers
 * each feed's frames to its {@link FeedListener} in index order, exactly once, and acknowledges them
 * ({@code FEED_ACK}, every {@value #ACK_INTERVAL_MS} ms while frames arrive or at once after
 * {@value #ACK_AFTER_FRAMES} frames, every {@value #IDLE_ACK_INTERVAL_MS} ms otherwise); frames come in batches (one
 * FEED_FRAME holds consecutive ones); a frame after a lost one is dropped, counted and answered at once with the gap
 * flag, so the server
 * sends again from the lost one (go-back-N); only the end of a feed the server cut off ({@code OVERRUN}) is taken
 * after a gap, since what it skipped is gone. A room the client spectates or replays is read-only: emits to it are
 * refused here ({@link SendResult#READ_ONLY}) and counted. Client thread only; allocation-free after a feed opens.
 */
final class ClientFeeds
{
    static final int MAX_FEEDS = 8;
    static final long ACK_INTERVAL_MS = 100;
    static final long IDLE_ACK_INTERVAL_MS = 200;
    /** Frames delivered since the last acknowledgement that make the next one go at once (a quarter window). */
    static final int ACK_AFTER_FRAMES = 64;
    private static final long ACK_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(ACK_INTERVAL_MS);
    private static final long IDLE_ACK_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(IDLE_ACK_INTERVAL_MS);
    private static final long GAP_HOLDOFF_NS = TimeUnit.MILLISECONDS.toNanos(5);

    private final ClientSender sender;
    private final ErrorHandler errors;
    private final Feed[] feeds = new Feed[MAX_FEEDS];
    private final FeedFrameFlyweight frameFlyweight = new FeedFrameFlyweight();
    private final RecordedFrameFlyweight recordFlyweight = new RecordedFrameFlyweight();
    private final AtomicCounter delivered;
    private final AtomicCounter gaps;
    private final AtomicCounter duplicates;
    private final AtomicCounter writesRefused;
    private int nextFeedId = 1;

    ClientFeeds(final ClientSender sender, final Counters counters, final ErrorHandler errors)
    {
        this.sender = sender;
        this.errors = errors;
        this.delivered = counters.get(EngineCounter.FEED_FRAMES_DELIVERED);
        this.gaps = counters.get(EngineCounter.FEED_GAPS_DETECTED);
        this.duplicates = counters.get(EngineCounter.FEED_DUPLICATES_DROPPED);
        this.writesRefused = counters.get(EngineCounter.FEED_WRITES_REFUSED);
    }

    /**
     * Open a feed.
     *
     * @return the feed id (positive), or a negative {@link SendResult} code.
     */
    long open(
        final boolean connected,
        final int sessionId,
        final int mode,
        final int roomId,
        final long delayNs,
        final long fromSeq,
        final double speed,
        final FeedListener listener)
    {
        return open(connected, sessionId, mode, roomId, delayNs, fromSeq, speed, -1, listener);
    }

    /**
     * Open a feed of a chosen recording's match (a replay), or of the newest with -1.
     *
     * @return the feed id (positive), or a negative {@link SendResult} code.
     */
    long open(
        final boolean connected,
        final int sessionId,
        final int mode,
        final int roomId,
        final long delayNs,
        final long fromSeq,
        final double speed,
        final long recordingId,
        final FeedListener listener)
    {
        if (roomId <= 0)
        {
            return SendResult.NO_SUCH_ROOM;
        }
        if (!connected)
        {
            return SendResult.NOT_CONNECTED_SESSION;
        }
        int slot = -1;
        for (int i = 0; i < MAX_FEEDS; i++)
        {
            if (null == feeds[i])
            {
                slot = i;
                break;
            }
        }
        if (slot < 0)
        {
            return SendResult.QUEUE_FULL;
        }
        final int feedId = nextFeedId++;
        final long result = sender.sendFeedRequest(feedId, roomId, mode, delayNs, fromSeq, speed, recordingId);
        if (result < 0)
        {
            return result;
        }
        feeds[slot] = new Feed(feedId, roomId, sessionId, listener);
        return feedId;
    }

    /**
     * Ask the server to stop a feed; its end arrives as {@code onFeedEnd} with {@code STOPPED}.
     *
     * @return a positive value, or a negative {@link SendResult} code.
     */
    long stop(final boolean connected, final int feedId)
    {
        final Feed feed = find(feedId);
        if (null == feed)
        {
            return SendResult.NO_SUCH_ROOM;
        }
        if (!connected)
        {
            return SendResult.NOT_CONNECTED_SESSION;
        }
        return sender.sendFeedRequest(feedId, feed.roomId, FeedRequestFlyweight.STOP, 0, 0, 0);
    }

    /**
     * @param roomId a room.
     * @return true when a feed of the room is open.
     */
    boolean isFeeding(final int roomId)
    {
        for (final Feed feed : feeds)
        {
            if (null != feed && feed.roomId == roomId)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * @param roomId a room about to be written to.
     * @return true when it is spectated or replayed: the write is refused and counted.
     */
    boolean refuseWrite(final int roomId)
    {
        if (isFeeding(roomId))
        {
            writesRefused.incrementRelease();
            return true;
        }
        return false;
    }

    void onFrame(final DirectBuffer buffer, final int offset, final int length, final long nowNs)
    {
        final FeedFrameFlyweight frame = frameFlyweight;
        frame.wrap(buffer, offset, length);
        final long first = frame.index();
        final int count = frame.recordCount();
        final Feed feed = find(frame.feedId());
        if (null == feed)
        {
            // a feed that ended here, whose last acknowledgement was lost: acknowledge again
            duplicates.incrementRelease();
            sender.sendFeedAck(frame.feedId(), first + count, 0);
            return;
        }
        final int limit = offset + length;
        int entry = offset + FeedFrameFlyweight.RECORD_OFFSET;
        for (int i = 0; i < count; i++)
        {
            if (entry + FeedFrameFlyweight.ENTRY_HEADER_LENGTH > limit)
            {
                return;
            }
            final int recordLength = FeedFrameFlyweight.recordLength(buffer, entry);
            final int recordOffset = entry + FeedFrameFlyweight.ENTRY_HEADER_LENGTH;
            if (recordLength < RecordedFrameFlyweight.PAYLOAD_OFFSET || recordLength > limit - recordOffset)
            {
                return;
            }
            if (!onRecord(feed, first + i, buffer, recordOffset, recordLength, nowNs))
            {
                return;
            }
            entry += FeedFrameFlyweight.entryLength(recordLength);
        }
        if (feed.unacked >= ACK_AFTER_FRAMES)
        {
            ack(feed, nowNs);
        }
    }

    /**
     * @return true to go on with the batch's next frame, false when the feed ended or a gap drops the rest.
     */
    private boolean onRecord(
        final Feed feed, final long index, final DirectBuffer buffer, final int offset, final int length,
        final long nowNs)
    {
        if (index < feed.next)
        {
            duplicates.incrementRelease();
            feed.ackDue = true;
            return true;
        }
        if (index > feed.next && isOverrun(buffer, offset, length))
        {
            // cut off by the server for acknowledging too slowly: what is missing before it is gone
            feed.next = index + 1;
            deliver(feed, buffer, offset, length);
            return false;
        }
        if (index > feed.next)
        {
            gaps.incrementRelease();
            if (nowNs - feed.lastGapAckNs >= GAP_HOLDOFF_NS)
            {
                feed.lastGapAckNs = nowNs;
                feed.lastAckNs = nowNs;
                sender.sendFeedAck(feed.feedId, feed.next, FeedAckFlyweight.FLAG_GAP);
            }
            return false;
        }
        feed.next++;
        feed.ackDue = true;
        feed.unacked++;
        delivered.incrementRelease();
        return deliver(feed, buffer, offset, length);
    }

    private void ack(final Feed feed, final long nowNs)
    {
        feed.ackDue = false;
        feed.unacked = 0;
        feed.lastAckNs = nowNs;
        sender.sendFeedAck(feed.feedId, feed.next, 0);
    }

    private boolean isOverrun(final DirectBuffer buffer, final int offset, final int length)
    {
        final RecordedFrameFlyweight record = recordFlyweight.wrap(buffer, offset, length);
        return FeedFrameFlyweight.END == record.recordType() && FeedEndReason.OVERRUN.code() == record.typeId();
    }

    /**
     * @return false when the frame ended the feed.
     */
    private boolean deliver(final Feed feed, final DirectBuffer buffer, final int offset, final int length)
    {
        final RecordedFrameFlyweight record = recordFlyweight.wrap(buffer, offset, length);
        final FeedListener listener = feed.listener;
        try
        {
            switch (record.recordType())
            {
                case RecordedFrameFlyweight.EVENT:
                    feed.lastSeq = record.seq();
                    listener.onFeedEvent(feed.feedId, feed.roomId, record.seq(), record.typeId(), record.flags(),
                        record.senderSessionId(), record.timestampNs(), buffer, record.payloadOffset(),
                        record.payloadLength());
                    break;

                case RecordedFrameFlyweight.KEYFRAME:
                    feed.lastSeq = record.seq();
                    listener.onFeedKeyframe(feed.feedId, feed.roomId, record.seq(), record.timestampNs(), buffer,
                        record.payloadOffset(), record.payloadLength());
                    break;

                case RecordedFrameFlyweight.GAP:
                    listener.onFeedGap(feed.feedId, feed.roomId, record.seq(), record.typeId());
                    break;

                case FeedFrameFlyweight.END:
                    sender.sendFeedAck(feed.feedId, feed.next, 0);
                    end(feed, FeedEndReason.get(record.typeId()));
                    return false;

                default:
                    break;
            }
        }
        catch (final Throwable t)
        {
            errors.onError(t);
        }
        return true;
    }

    /**
     * Acknowledge what each feed delivered; end the feeds of an earlier session.
     *
     * @return work count.
     */
    int doWork(final long nowNs, final int sessionId)
    {
        int work = 0;
        for (final Feed feed : feeds)
        {
            if (null == feed)
            {
                continue;
            }
            if (feed.sessionId != sessionId)
            {
                end(feed, FeedEndReason.SESSION_LOST);
                work++;
            }
            else if ((feed.ackDue && nowNs - feed.lastAckNs >= ACK_INTERVAL_NS) ||
                nowNs - feed.lastAckNs >= IDLE_ACK_INTERVAL_NS)
            {
                ack(feed, nowNs);
                work++;
            }
        }
        return work;
    }

    /**
     * The session is gone for good: every feed ends.
     */
    void endAll()
    {
        for (final Feed feed : feeds)
        {
            if (null != feed)
            {
                end(feed, FeedEndReason.SESSION_LOST);
            }
        }
    }

    private void end(final Feed feed, final FeedEndReason reason)
    {
        for (int i = 0; i < MAX_FEEDS; i++)
        {
            if (feeds[i] == feed)
            {
                feeds[i] = null;
            }
        }
        try
        {
            feed.listener.onFeedEnd(feed.feedId, feed.roomId, feed.lastSeq, reason);
        }
        catch (final Throwable t)
        {
            errors.onError(t);
        }
    }

    private Feed find(final int feedId)
    {
        for (final Feed feed : feeds)
        {
            if (null != feed && feed.feedId == feedId)
            {
                return feed;
            }
        }
        return null;
    }

    private static final class Feed
    {
        final int feedId;
        final int roomId;
        final int sessionId;
        final FeedListener listener;
        long next = 1;
        long lastSeq;
        long lastAckNs;
        long lastGapAckNs;
        int unacked;
        boolean ackDue;

        Feed(final int feedId, final int roomId, final int sessionId, final FeedListener listener)
        {
            this.feedId = feedId;
            this.roomId = roomId;
            this.sessionId = sessionId;
            this.listener = listener;
        }
    }
}
