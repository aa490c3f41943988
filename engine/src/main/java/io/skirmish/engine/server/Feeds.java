package io.skirmish.engine.server;

import io.aeron.Aeron;
import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.FeedEndReason;
import io.skirmish.engine.archive.AsyncReplayStarter;
import io.skirmish.engine.archive.RecordingFeed;
import io.skirmish.engine.archive.RoomArchive;
import io.skirmish.engine.archive.RoomRecording;
import io.skirmish.engine.archive.RoomRecordings;
import io.skirmish.engine.protocol.FeedAckFlyweight;
import io.skirmish.engine.protocol.FeedFrameFlyweight;
import io.skirmish.engine.protocol.FeedRequestFlyweight;
import io.skirmish.engine.protocol.FrameType;
import io.skirmish.engine.protocol.RecordedFrameFlyweight;
import io.skirmish.engine.status.Counters;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Spectators and replays: read-only feeds of durable rooms to clients, fed from Aeron Archive rather than from the
 * live fan-out. Each spectated (room, delay) has one {@link RecordingFeed}, an archive replay that follows the room's
 * live recording, shared by every spectator at that delay; each replay has one of its own. A {@link FeedCursor} per
 * client releases the feed's frames when they are due (recorded timestamp plus the delay; or the recorded pace over
 * the speed) and makes them arrive: frames are numbered per client, the client acknowledges what it delivered and
 * says when it saw a gap, and the server sends again from the first frame not acknowledged (on a gap, or when no
 * acknowledgement came for a while), at most a window of frames ahead of the acknowledgements. The players' fan-out
 * does not see any of this. Conductor thread only. A spectator feed's archive replay is started without blocking
 * ({@link AsyncReplayStarter}: its cursors wait until it runs); a replay's still blocks on the archive (cold path).
 */
final class Feeds implements AutoCloseable
{
    static final int MAX_FEEDS_PER_SESSION = 4;
    static final int WINDOW = 256;
    static final int SEND_LIMIT = 16;
    static final int MAX_FRAMES = 64 * 1024;
    static final long GAP_HOLDOFF_NS = TimeUnit.MILLISECONDS.toNanos(10);
    /** No acknowledgement advanced for this long (clients acknowledge every 100 ms while frames arrive): resend. */
    static final long RESEND_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(300);
    /** Room kept in a datagram for the trailer (sealing) of a batch. */
    static final int TRAILER_ALLOWANCE = 32;
    /** Fraction of the flush interval between the flush phases of cursors started one after the other. */
    private static final double STAGGER = 0.6180339887;
    static final long OVERRUN_AFTER_NS = TimeUnit.SECONDS.toNanos(2);
    static final long END_GIVE_UP_NS = TimeUnit.SECONDS.toNanos(5);

    private final RoomArchive archive;
    private final RoomRegistry rooms;
    private final ReliableSender sender;
    private final ErrorHandler errors;
    private final int bufferLength;
    private final int maxArchiveFeeds;
    private final long flushIntervalNs;
    private final long staggerStepNs;
    private final UnsafeBuffer sendBuffer;
    private final FeedFrameFlyweight frameFlyweight = new FeedFrameFlyweight();
    private final RecordedFrameFlyweight recordFlyweight = new RecordedFrameFlyweight();
    private final FeedRequestFlyweight requestFlyweight = new FeedRequestFlyweight();
    private final FeedAckFlyweight ackFlyweight = new FeedAckFlyweight();
    private final ArrayList<RecordingFeed> feeds = new ArrayList<>();
    private final ArrayList<FeedCursor> cursors = new ArrayList<>();
    private final FeedOpenings openings;
    private final AtomicCounter spectators;
    private final AtomicCounter replays;
    private final AtomicCounter archiveReplays;
    private final AtomicCounter framesSent;
    private final AtomicCounter batchesSent;
    private final AtomicCounter acksReceived;
    private final AtomicCounter framesResent;
    private final AtomicCounter writesRefused;
    private final AtomicCounter bufferFull;
    private final AtomicCounter evicted;
    private final AtomicCounter overruns;
    private final AtomicCounter refused;
    private final AtomicCounter malformed;
    private long nowNs;
    private long cursorsStarted;
    private long packedTo;
    private long overrunAt;

    Feeds(
        final RoomArchive archive,
        final RoomRegistry rooms,
        final ReliableSender sender,
        final Counters counters,
        final int maxMessageLength,
        final int bufferLength,
        final int maxArchiveFeeds,
        final long flushIntervalNs,
        final ErrorHandler errors)
    {
        this.archive = archive;
        this.rooms = rooms;
        this.sender = sender;
        this.errors = errors;
        this.bufferLength = bufferLength;
        this.maxArchiveFeeds = maxArchiveFeeds;
        this.openings = new FeedOpenings(archive, errors);
        this.flushIntervalNs = flushIntervalNs;
        this.staggerStepNs = (long)(flushIntervalNs * STAGGER);
        this.sendBuffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(BitUtil.align(Math.max(
            64 * 1024, FeedFrameFlyweight.RECORD_OFFSET + FeedFrameFlyweight.entryLength(
            RecordedFrameFlyweight.PAYLOAD_OFFSET + maxMessageLength) + 128), 64), 64));
        this.spectators = counters.get(EngineCounter.FEED_SPECTATORS);
        this.replays = counters.get(EngineCounter.FEED_REPLAYS);
        this.archiveReplays = counters.get(EngineCounter.FEED_ARCHIVE_REPLAYS);
        this.framesSent = counters.get(EngineCounter.FEED_FRAMES_SENT);
        this.batchesSent = counters.get(EngineCounter.FEED_BATCHES_SENT);
        this.acksReceived = counters.get(EngineCounter.FEED_ACKS_RECEIVED);
        this.framesResent = counters.get(EngineCounter.FEED_FRAMES_RESENT);
        this.writesRefused = counters.get(EngineCounter.FEED_WRITES_REFUSED);
        this.bufferFull = counters.get(EngineCounter.FEED_BUFFER_FULL);
        this.evicted = counters.get(EngineCounter.FEED_FRAMES_EVICTED);
        this.overruns = counters.get(EngineCounter.FEED_OVERRUNS);
        this.refused = counters.get(EngineCounter.FEEDS_REFUSED);
        this.malformed = counters.get(EngineCounter.DROPPED_MALFORMED);
    }

    /**
     * A FEED_REQUEST, handled once (it came in a reliable envelope). Cold path: opening a feed allocates; a
     * spectator's does not block (its archive replay starts on later duty cycles), a replay's blocks on the archive.
     */
    void onRequest(final Peer peer, final DirectBuffer buffer, final int offset, final int length)
    {
        final FeedRequestFlyweight request = requestFlyweight;
        request.wrap(buffer, offset, length);
        final int feedId = request.feedId();
        final FeedCursor existing = find(peer, feedId);
        if (FeedRequestFlyweight.STOP == request.mode())
        {
            if (null != existing)
            {
                existing.endAfterSent(FeedEndReason.STOPPED);
            }
            return;
        }
        if (null != existing)
        {
            return;
        }
        final FeedCursor cursor = new FeedCursor(peer, feedId, request.roomId(), request.mode(), request.speed());
        final int perSession = feedsOf(peer);
        cursors.add(cursor);
        final FeedEndReason refusal = open(cursor, request, perSession);
        if (null != refusal)
        {
            refused.incrementRelease();
            cursor.endIndex = 1;
            cursor.endReason = refusal;
        }
        updateGauges();
    }

    private FeedEndReason open(final FeedCursor cursor, final FeedRequestFlyweight request, final int perSession)
    {
        final int mode = request.mode();
        final long delayNs = request.delayNs();
        final double speed = request.speed();
        if ((FeedRequestFlyweight.SPECTATE != mode && FeedRequestFlyweight.REPLAY != mode) || delayNs < 0 ||
            speed < 0 || Double.isNaN(speed))
        {
            return FeedEndReason.BAD_REQUEST;
        }
        if (perSession >= MAX_FEEDS_PER_SESSION)
        {
            return FeedEndReason.LIMIT_REACHED;
        }
        if (null == archive)
        {
            return FeedEndReason.NO_SUCH_ROOM;
        }
        final int roomId = cursor.roomId;
        try
        {
            if (FeedRequestFlyweight.SPECTATE == mode)
            {
                final Room room = rooms.room(roomId);
                if (null == room || room.closed || null == room.recorder)
                {
                    return FeedEndReason.NO_SUCH_ROOM;
                }
                cursor.feed = sharedSpectatorFeed(roomId, delayNs);
                cursor.opening = null == cursor.feed ? openings.find(roomId, delayNs) : null;
                if (null == cursor.feed && null == cursor.opening)
                {
                    if (feeds.size() + openings.size() >= maxArchiveFeeds)
                    {
                        return FeedEndReason.LIMIT_REACHED;
                    }
                    final long recordingId = archive.recordingId(room.recorder);
                    if (Aeron.NULL_VALUE == recordingId)
                    {
                        return FeedEndReason.NO_SUCH_ROOM;
                    }
                    cursor.opening = openings.start(recordingId, roomId, delayNs, nowNs);
                }
            }
            else
            {
                final RoomRecordings recordings = archive.recordings();
                final List<RoomRecording> match = recordings.match(roomId, request.recordingId());
                if (match.isEmpty())
                {
                    return FeedEndReason.NO_SUCH_ROOM;
                }
                if (feeds.size() + openings.size() >= maxArchiveFeeds)
                {
                    return FeedEndReason.LIMIT_REACHED;
                }
                cursor.feed = openReplayFeed(recordings, match, roomId, request.fromSeq());
            }
        }
        catch (final RuntimeException ex)
        {
            errors.onError(ex);
            return FeedEndReason.ARCHIVE_ERROR;
        }
        return null;
    }

    private RecordingFeed sharedSpectatorFeed(final int roomId, final long delayNs)
    {
        for (int i = 0, n = feeds.size(); i < n; i++)
        {
            final RecordingFeed feed = feeds.get(i);
            if (RecordingFeed.SPECTATE == feed.mode() && feed.roomId() == roomId && feed.delayNs() == delayNs &&
                !feed.isEnded())
            {
                return feed;
            }
        }
        return null;
    }

    private RecordingFeed openReplayFeed(
        final RoomRecordings recordings, final List<RoomRecording> match, final int roomId, final long fromSeq)
    {
        final RecordingFeed feed = MatchReplayEntry.open(
            archive, recordings, match, roomId, fromSeq, bufferLength, MAX_FRAMES, bufferFull, evicted);
        feeds.add(feed);
        return feed;
    }

    /**
     * Advance the spectator feeds being opened without blocking; hand each one that opened to its cursors, end
     * theirs when it failed.
     */
    private int advanceOpenings(final long nowNs)
    {
        int work = openings.poll(nowNs);
        for (AsyncReplayStarter.Start start; null != (start = openings.takeFinished()); work++)
        {
            final RecordingFeed feed = start.isDone() ? new RecordingFeed(start, openings.starter(),
                RecordingFeed.SPECTATE, 0, bufferLength, MAX_FRAMES, bufferFull, evicted) : null;
            if (null != feed)
            {
                feeds.add(feed);
            }
            else
            {
                errors.onError(new IllegalStateException("spectator feed of room " + start.roomId() + ": " +
                    start.failure()));
            }
            for (int j = 0, n = cursors.size(); j < n; j++)
            {
                final FeedCursor cursor = cursors.get(j);
                if (cursor.opening == start)
                {
                    cursor.opening = null;
                    cursor.feed = feed;
                    if (null == feed)
                    {
                        refused.incrementRelease();
                        cursor.endIndex = 1;
                        cursor.endReason = FeedEndReason.ARCHIVE_ERROR;
                    }
                }
            }
            updateGauges();
        }
        return work;
    }

    /**
     * A FEED_ACK: frames before the next index are delivered; with the gap flag, send again from it now.
     */
    void onAck(final Peer peer, final DirectBuffer buffer, final int offset, final int length)
    {
        final FeedAckFlyweight ack = ackFlyweight;
        ack.wrap(buffer, offset, length);
        final FeedCursor cursor = find(peer, ack.feedId());
        if (null == cursor)
        {
            return;
        }
        acksReceived.incrementRelease();
        final long next = ack.nextIndex();
        if (next > cursor.highestSent + 1)
        {
            // acknowledges what was never sent
            malformed.incrementRelease();
            return;
        }
        if (next > cursor.acked)
        {
            cursor.acked = next;
            cursor.lastAckProgressNs = nowNs;
            if (cursor.sent < next)
            {
                cursor.sent = next;
            }
            if (cursor.windowBlocked)
            {
                // the window it waited for opened: go on at once rather than at the next flush
                cursor.windowBlocked = false;
                cursor.flushNow = true;
            }
        }
        if ((ack.ackFlags() & FeedAckFlyweight.FLAG_GAP) != 0 && nowNs - cursor.lastRewindNs >= GAP_HOLDOFF_NS)
        {
            rewind(cursor);
        }
    }

    /**
     * @param peer   a session.
     * @param roomId a room.
     * @return true when the session has a feed of the room open: a write of it to the room is refused and counted.
     */
    boolean refuseWrite(final Peer peer, final int roomId)
    {
        for (int i = 0, n = cursors.size(); i < n; i++)
        {
            final FeedCursor cursor = cursors.get(i);
            if (cursor.peer == peer && cursor.roomId == roomId && cursor.isOpen())
            {
                writesRefused.incrementRelease();
                return true;
            }
        }
        return false;
    }

    /**
     * Read the archive replays, start, pace, send and end the cursors.
     *
     * @param nowNs the server's clock.
     * @return work count.
     */
    int doWork(final long nowNs)
    {
        this.nowNs = nowNs;
        if (cursors.isEmpty() && feeds.isEmpty() && 0 == openings.size())
        {
            return 0;
        }
        int work = removeFinished(nowNs);
        work += advanceOpenings(nowNs);
        for (int i = feeds.size() - 1; i >= 0; i--)
        {
            work += pollFeed(i, nowNs);
        }
        for (int i = 0, n = cursors.size(); i < n; i++)
        {
            final FeedCursor cursor = cursors.get(i);
            final RecordingFeed feed = cursor.feed;
            if (null != feed && cursor.isOpen())
            {
                if (!cursor.started && feed.isReady())
                {
                    cursor.start(feed.startIndex(), nowNs, flushPhaseNs());
                }
                if (cursor.started && feed.isEnded())
                {
                    cursor.endIndex = Math.max(feed.newestIndex() - cursor.startIndex + 2, 1);
                    cursor.endReason = RecordingFeed.SPECTATE == feed.mode() ?
                        FeedEndReason.ROOM_CLOSED : FeedEndReason.FINISHED;
                }
            }
            work += send(cursor, nowNs);
        }
        return work;
    }

    private int removeFinished(final long nowNs)
    {
        int work = 0;
        for (int i = cursors.size() - 1; i >= 0; i--)
        {
            final FeedCursor cursor = cursors.get(i);
            if (cursor.peer.state() == SessionState.CLOSED || cursor.acked > cursor.endIndex ||
                (0 != cursor.endSentNs && nowNs - cursor.endSentNs > END_GIVE_UP_NS))
            {
                cursors.remove(i);
                work++;
            }
        }
        if (work > 0)
        {
            updateGauges();
        }
        return work;
    }

    private int pollFeed(final int feedIndex, final long nowNs)
    {
        final RecordingFeed feed = feeds.get(feedIndex);
        long keepFrom = Long.MAX_VALUE;
        boolean used = false;
        for (int i = 0, n = cursors.size(); i < n; i++)
        {
            final FeedCursor cursor = cursors.get(i);
            if (cursor.feed == feed)
            {
                used = true;
                if (FeedEndReason.OVERRUN != cursor.endReason)
                {
                    // a cursor cut off holds nothing: its client gets the end after what it has
                    keepFrom = Math.min(
                        keepFrom, cursor.started ? cursor.feedIndex(cursor.acked) : feed.startIndex());
                }
            }
        }
        if (!used)
        {
            feeds.remove(feedIndex);
            CloseHelper.close(errors, feed);
            updateGauges();
            return 1;
        }
        final int work = feed.poll(nowNs, keepFrom);
        if (feed.isFull() && nowNs - feed.fullSinceNs() > OVERRUN_AFTER_NS)
        {
            cutPinning(feed);
        }
        return work;
    }

    /**
     * The feed's buffer has been full too long: a cursor whose unacknowledged, already due frames hold its oldest
     * frame is cut off, so that the others go on.
     */
    private void cutPinning(final RecordingFeed feed)
    {
        final long oldest = feed.oldestIndex();
        for (int i = 0, n = cursors.size(); i < n; i++)
        {
            final FeedCursor cursor = cursors.get(i);
            if (cursor.feed == feed && cursor.started && cursor.isOpen() &&
                cursor.feedIndex(cursor.acked) <= oldest && cursor.isDue(oldest, nowNs))
            {
                overruns.incrementRelease();
                cursor.endAfterSent(FeedEndReason.OVERRUN);
            }
        }
    }

    /**
     * Send what is due for a cursor, at its flush (or at once for a resend, the rest of a flush cut short, or a window
     * that opened): consecutive frames packed into one FEED_FRAME up to a datagram, at most {@link #SEND_LIMIT}
     * FEED_FRAMEs a duty cycle and {@link #WINDOW} frames ahead of the acknowledgements.
     */
    private int send(final FeedCursor cursor, final long nowNs)
    {
        if (!cursor.started && cursor.isOpen())
        {
            return 0;
        }
        if (cursor.sent > cursor.acked && nowNs - cursor.lastAckProgressNs > RESEND_TIMEOUT_NS &&
            nowNs - cursor.lastRewindNs > RESEND_TIMEOUT_NS)
        {
            rewind(cursor);
        }
        final Peer peer = cursor.peer;
        if (null == peer.lane || !sender.isClear(peer) || cursor.sent > cursor.endIndex ||
            !cursor.takeFlush(nowNs, flushIntervalNs))
        {
            return 0;
        }
        final int budget = Math.min(sendBuffer.capacity() - 128,
            peer.events().maxPayloadLength() - TRAILER_ALLOWANCE);
        int batches = 0;
        cursor.windowBlocked = false;
        while (cursor.sent <= cursor.endIndex)
        {
            if (batches == SEND_LIMIT)
            {
                cursor.flushNow = true;
                break;
            }
            final long first = cursor.sent;
            final int length = pack(cursor, first, budget, nowNs);
            final int count = (int)(packedTo - first);
            if (0 == count)
            {
                if (overrunAt > 0)
                {
                    overrunAt = 0;
                    overruns.incrementRelease();
                    cursor.sent = cursor.highestSent + 1;
                    cursor.endAfterSent(FeedEndReason.OVERRUN);
                    continue;
                }
                break;
            }
            if (sender.offer(peer, sendBuffer, 0, length) < 0)
            {
                cursor.flushNow = true;
                break;
            }
            if (first == cursor.acked)
            {
                // nothing was in flight: the resend timer starts now, not at the last acknowledgement
                cursor.lastAckProgressNs = nowNs;
            }
            if (first <= cursor.highestSent)
            {
                framesResent.getAndAddRelease(Math.min(packedTo - 1, cursor.highestSent) - first + 1);
            }
            if (packedTo - 1 > cursor.highestSent)
            {
                cursor.highestSent = packedTo - 1;
            }
            if (packedTo > cursor.endIndex && 0 == cursor.endSentNs)
            {
                cursor.endSentNs = nowNs;
            }
            framesSent.getAndAddRelease(count);
            batchesSent.incrementRelease();
            cursor.sent = packedTo;
            batches++;
        }
        return batches;
    }

    /**
     * Pack the cursor's frames from {@code first} into the send buffer, as many as are due, within the window and
     * within {@code budget} bytes (a single frame longer than that alone). Sets {@link #packedTo} to the index after
     * the last frame packed, and {@link #overrunAt} when the next frame has already left the feed.
     *
     * @return the FEED_FRAME's length.
     */
    private int pack(final FeedCursor cursor, final long first, final int budget, final long nowNs)
    {
        frameFlyweight.wrapForEncode(sendBuffer, 0, FrameType.FEED_FRAME, cursor.peer.sessionId);
        frameFlyweight.feedId(cursor.feedId).index(first);
        int length = FeedFrameFlyweight.RECORD_OFFSET;
        long index = first;
        final RecordingFeed feed = cursor.feed;
        while (index <= cursor.endIndex)
        {
            if (index == cursor.endIndex)
            {
                if (index > first &&
                    length + FeedFrameFlyweight.entryLength(RecordedFrameFlyweight.PAYLOAD_OFFSET) > budget)
                {
                    break;
                }
                length += encodeEnd(cursor, index, length);
                index++;
                break;
            }
            if (index - cursor.acked >= WINDOW)
            {
                cursor.windowBlocked = true;
                break;
            }
            final long feedIndex = cursor.feedIndex(index);
            if (feedIndex > feed.newestIndex() || !cursor.isDue(feedIndex, nowNs))
            {
                break;
            }
            if (feedIndex < feed.oldestIndex())
            {
                overrunAt = index == first ? index : 0;
                break;
            }
            final int entryLength = FeedFrameFlyweight.entryLength(feed.length(feedIndex));
            if (index > first && length + entryLength > budget)
            {
                break;
            }
            FeedFrameFlyweight.putEntryHeader(sendBuffer, length, feed.length(feedIndex));
            feed.copy(feedIndex, sendBuffer, length + FeedFrameFlyweight.ENTRY_HEADER_LENGTH);
            length += entryLength;
            index++;
        }
        frameFlyweight.recordCount((int)(index - first));
        packedTo = index;
        return length;
    }

    private int encodeEnd(final FeedCursor cursor, final long index, final int entryOffset)
    {
        final long lastSeq = null != cursor.feed && cursor.started && index > 1 ?
            cursor.feed.seq(Math.max(cursor.feed.oldestIndex(), Math.min(cursor.feed.newestIndex(),
            cursor.feedIndex(index - 1)))) : 0;
        recordFlyweight.wrap(sendBuffer, entryOffset + FeedFrameFlyweight.ENTRY_HEADER_LENGTH,
            RecordedFrameFlyweight.PAYLOAD_OFFSET)
            .header(FeedFrameFlyweight.END, 0, cursor.roomId, lastSeq, nowNs, cursor.endReason.code(), 0);
        return FeedFrameFlyweight.putEntryHeader(sendBuffer, entryOffset, RecordedFrameFlyweight.PAYLOAD_OFFSET);
    }

    private long flushPhaseNs()
    {
        return 0 == flushIntervalNs ? 0 : (cursorsStarted++ * staggerStepNs) % flushIntervalNs;
    }

    private void rewind(final FeedCursor cursor)
    {
        cursor.sent = cursor.acked;
        cursor.lastRewindNs = nowNs;
        cursor.flushNow = true;
    }

    private FeedCursor find(final Peer peer, final int feedId)
    {
        for (int i = 0, n = cursors.size(); i < n; i++)
        {
            final FeedCursor cursor = cursors.get(i);
            if (cursor.peer == peer && cursor.feedId == feedId)
            {
                return cursor;
            }
        }
        return null;
    }

    private int feedsOf(final Peer peer)
    {
        int count = 0;
        for (int i = 0, n = cursors.size(); i < n; i++)
        {
            if (cursors.get(i).peer == peer)
            {
                count++;
            }
        }
        return count;
    }

    private void updateGauges()
    {
        int spectating = 0;
        int replaying = 0;
        for (int i = 0, n = cursors.size(); i < n; i++)
        {
            final FeedCursor cursor = cursors.get(i);
            if (FeedRequestFlyweight.SPECTATE == cursor.mode)
            {
                spectating++;
            }
            else
            {
                replaying++;
            }
        }
        spectators.setRelease(spectating);
        replays.setRelease(replaying);
        archiveReplays.setRelease(feeds.size() + openings.size());
    }

    /**
     * Stop every archive replay.
     */
    public void close()
    {
        for (final RecordingFeed feed : feeds)
        {
            CloseHelper.quietClose(feed);
        }
        feeds.clear();
        cursors.clear();
        CloseHelper.quietClose(openings);
    }
}
