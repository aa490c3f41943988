package io.skirmish.engine.archive;

import io.aeron.ChannelUri;
import io.aeron.ControlledFragmentAssembler;
import io.aeron.Image;
import io.aeron.Subscription;
import io.aeron.archive.client.AeronArchive;
import io.aeron.logbuffer.ControlledFragmentHandler;
import io.aeron.logbuffer.Header;
import io.skirmish.engine.protocol.RecordedFrameFlyweight;
import org.agrona.BitUtil;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * One Aeron Archive replay of a room's recording, read into a bounded ring of frames numbered 1, 2, 3... (the feed
 * index): the source that spectator and replay cursors read from. The replay is started with
 * {@link AeronArchive#REPLAY_ALL_AND_FOLLOW}, so that it follows a recording that is still active as it grows (the room is
 * live) and ends at the stop position of one that has stopped; the subscription is for that replay's session only.
 * <p>
 * A spectator feed keeps the newest keyframe recorded at least the delay ago (the anchor) and every frame after it,
 * so a spectator who joins late starts from a state; a replay feed keeps the newest keyframe before the first seq
 * wanted and what follows. Frames before what the cursors still need ({@code keepFrom}) leave. When the ring is
 * full (bytes or frames), reading from the archive pauses ({@code FEED_BUFFER_FULL}): the frames wait in the archive,
 * not in memory, and nothing is lost; a spectator feed whose oldest frame no cursor needs drops it instead
 * ({@code FEED_FRAMES_EVICTED}), so late joiners start after it. Conductor thread only; allocation-free after
 * construction.
 */
public final class RecordingFeed implements AutoCloseable, ControlledFragmentHandler
{
    /** Mode: follow the live recording behind a delay. */
    public static final int SPECTATE = 1;
    /** Mode: replay from a seq. */
    public static final int REPLAY = 2;
    /** Most fragments read from the archive per duty cycle. */
    static final int FRAGMENT_LIMIT = 256;

    private final AeronArchive archive;
    private final AsyncReplayStarter starter;
    private final long[] recordingIds;
    private final long[] startPositions;
    private final String replayChannel;
    private final int replayStreamId;
    private int segment;
    private long repeatedKeyframeSeq = Long.MIN_VALUE;
    private long replaySessionId;
    private Subscription subscription;
    private long readSeq = Long.MIN_VALUE;
    private final ControlledFragmentAssembler assembler = new ControlledFragmentAssembler(this);
    private final RecordedFrameFlyweight frame = new RecordedFrameFlyweight();
    private final int roomId;
    private final int mode;
    private final long delayNs;
    private final long fromSeq;
    private final UnsafeBuffer bytes;
    private final int slotMask;
    private final int[] offsets;
    private final int[] lengths;
    private final long[] timestampsNs;
    private final AtomicCounter bufferFull;
    private final AtomicCounter evicted;
    private long oldest = 1;
    private long newest;
    private int writeOffset;
    private long anchor;
    private long scanIndex = 1;
    private long keepFrom;
    private long nowNs;
    private boolean ready;
    private boolean ended;
    private boolean full;
    private long fullSinceNs;
    private Image image;

    /**
     * Start the archive replay of one recording from its start. Cold path: blocks on the archive.
     *
     * @param archive         the archive client.
     * @param recordingId     the recording.
     * @param replayChannel   where the archive sends the replay (IPC when it shares the server's driver).
     * @param replayStreamId  the replay's stream id.
     * @param roomId          the recorded room.
     * @param mode            {@link #SPECTATE} or {@link #REPLAY}.
     * @param delayNs         spectator delay ({@link #SPECTATE}).
     * @param fromSeq         first seq wanted ({@link #REPLAY}; 1 or less for all).
     * @param bufferLength    bytes of frames held.
     * @param maxFrames       frames held (rounded up to a power of two).
     * @param bufferFull      counts pauses of a full buffer.
     * @param evicted         counts frames a full spectator buffer dropped.
     */
    public RecordingFeed(
        final AeronArchive archive,
        final long recordingId,
        final String replayChannel,
        final int replayStreamId,
        final int roomId,
        final int mode,
        final long delayNs,
        final long fromSeq,
        final int bufferLength,
        final int maxFrames,
        final AtomicCounter bufferFull,
        final AtomicCounter evicted)
    {
        this(archive, new long[]{ recordingId }, new long[]{ archive.getStartPosition(recordingId) }, replayChannel,
            replayStreamId, roomId, mode, delayNs, fromSeq, bufferLength, maxFrames, bufferFull, evicted);
    }

    /**
     * Start the archive replay of a room's match over its recordings, one after the other (a room restored after
     * restarts): each from its start position, the first possibly from a seek; what a later recording repeats of
     * an earlier one (seqs already read) is skipped. Cold path: blocks on the archive, here and at each next
     * recording.
     *
     * @param archive         the archive client.
     * @param recordingIds    the recordings, in order.
     * @param startPositions  where to start each.
     * @param replayChannel   where the archive sends the replay (IPC when it shares the server's driver).
     * @param replayStreamId  the replay's stream id.
     * @param roomId          the recorded room.
     * @param mode            {@link #SPECTATE} or {@link #REPLAY}.
     * @param delayNs         spectator delay ({@link #SPECTATE}).
     * @param fromSeq         first seq wanted ({@link #REPLAY}; 1 or less for all).
     * @param bufferLength    bytes of frames held.
     * @param maxFrames       frames held (rounded up to a power of two).
     * @param bufferFull      counts pauses of a full buffer.
     * @param evicted         counts frames a full spectator buffer dropped.
     */
    public RecordingFeed(
        final AeronArchive archive,
        final long[] recordingIds,
        final long[] startPositions,
        final String replayChannel,
        final int replayStreamId,
        final int roomId,
        final int mode,
        final long delayNs,
        final long fromSeq,
        final int bufferLength,
        final int maxFrames,
        final AtomicCounter bufferFull,
        final AtomicCounter evicted)
    {
        this.archive = archive;
        this.starter = null;
        this.recordingIds = recordingIds;
        this.startPositions = startPositions;
        this.replayChannel = replayChannel;
        this.replayStreamId = replayStreamId;
        this.roomId = roomId;
        this.mode = mode;
        this.delayNs = delayNs;
        this.fromSeq = fromSeq;
        this.bufferFull = bufferFull;
        this.evicted = evicted;
        this.bytes = new UnsafeBuffer(new byte[bufferLength]);
        final int slots = BitUtil.findNextPositivePowerOfTwo(maxFrames);
        this.slotMask = slots - 1;
        this.offsets = new int[slots];
        this.lengths = new int[slots];
        this.timestampsNs = new long[slots];
        startSegment(0);
    }

    private void startSegment(final int index)
    {
        segment = index;
        image = null;
        replaySessionId = archive.startReplay(recordingIds[index], startPositions[index],
            AeronArchive.REPLAY_ALL_AND_FOLLOW, replayChannel, replayStreamId);
        try
        {
            subscription = archive.context().aeron().addSubscription(
                ChannelUri.addSessionId(replayChannel, (int)replaySessionId), replayStreamId);
        }
        catch (final RuntimeException ex)
        {
            archive.stopReplay(replaySessionId);
            throw ex;
        }
    }

    /**
     * Take over a replay started without blocking ({@link AsyncReplayStarter}): its subscription becomes this feed's,
     * and closing the feed stops the replay without waiting for the archive.
     *
     * @param started      the done start.
     * @param starter      what started it.
     * @param mode         {@link #SPECTATE} or {@link #REPLAY}.
     * @param fromSeq      first seq wanted ({@link #REPLAY}; 1 or less for all).
     * @param bufferLength bytes of frames held.
     * @param maxFrames    frames held (rounded up to a power of two).
     * @param bufferFull   counts pauses of a full buffer.
     * @param evicted      counts frames a full spectator buffer dropped.
     */
    public RecordingFeed(
        final AsyncReplayStarter.Start started,
        final AsyncReplayStarter starter,
        final int mode,
        final long fromSeq,
        final int bufferLength,
        final int maxFrames,
        final AtomicCounter bufferFull,
        final AtomicCounter evicted)
    {
        this.archive = null;
        this.starter = starter;
        this.recordingIds = new long[1];
        this.startPositions = new long[1];
        this.replayChannel = null;
        this.replayStreamId = 0;
        this.roomId = started.roomId();
        this.mode = mode;
        this.delayNs = started.delayNs();
        this.fromSeq = fromSeq;
        this.bufferFull = bufferFull;
        this.evicted = evicted;
        this.bytes = new UnsafeBuffer(new byte[bufferLength]);
        final int slots = BitUtil.findNextPositivePowerOfTwo(maxFrames);
        this.slotMask = slots - 1;
        this.offsets = new int[slots];
        this.lengths = new int[slots];
        this.timestampsNs = new long[slots];
        this.replaySessionId = started.replaySessionId();
        this.subscription = started.subscription();
    }

    /**
     * Read what the archive has, keeping the frames from {@code keepFrom} on (and the anchor).
     *
     * @param nowNs    the server's clock (the recording's timestamps are on it).
     * @param keepFrom lowest feed index a cursor still needs ({@code Long.MAX_VALUE} for none).
     * @return work count.
     */
    public int poll(final long nowNs, final long keepFrom)
    {
        this.nowNs = nowNs;
        this.keepFrom = keepFrom;
        advanceAnchor(nowNs);
        evictBefore(Math.min(keepFrom, floor()));
        if (ended)
        {
            return 0;
        }
        if (null == image)
        {
            if (subscription.imageCount() == 0)
            {
                return 0;
            }
            image = subscription.imageAtIndex(0);
        }
        final int fragments = image.controlledPoll(assembler, FRAGMENT_LIMIT);
        if (0 == fragments && (image.isEndOfStream() || image.isClosed()))
        {
            if (segment + 1 < recordingIds.length)
            {
                // this recording is read: the match goes on in the next (cold path: blocks on the archive)
                CloseHelper.quietClose(subscription);
                startSegment(segment + 1);
                return 1;
            }
            ended = true;
            ready = true;
        }
        else if (fragments < FRAGMENT_LIMIT && !full && SPECTATE == mode)
        {
            // drained what the archive had: caught up with the live recording
            ready = true;
        }
        advanceAnchor(nowNs);
        return fragments;
    }

    /**
     * {@inheritDoc}
     */
    public Action onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final RecordedFrameFlyweight f = frame.wrap(buffer, offset, length);
        if (RecordedFrameFlyweight.RESTORED == f.recordType())
        {
            // a restored recording's repeat: its keyframe is skipped like its events when an earlier one was read
            repeatedKeyframeSeq = segment > 0 && 1 == f.typeId() ? f.seq() : Long.MIN_VALUE;
            return Action.CONTINUE;
        }
        if (RecordedFrameFlyweight.SENDER_SEQ == f.recordType() || RecordedFrameFlyweight.TICK == f.recordType())
        {
            return Action.CONTINUE; // the server's own bookkeeping (which client frame produced the next events,
                                    // the room's tick, a restored recording's start): spectators do not get it
        }
        if (segment > 0 && repeats(f))
        {
            return Action.CONTINUE; // a later recording of the match repeats what an earlier one had
        }
        if (REPLAY == mode && !ready)
        {
            if (f.seq() >= fromSeq)
            {
                ready = true;
            }
            else if (RecordedFrameFlyweight.KEYFRAME == f.recordType())
            {
                evictBefore(newest + 1);
                anchor = newest + 1;
            }
            else if (0 == anchor)
            {
                return Action.CONTINUE;
            }
        }
        while (!hasRoom(length))
        {
            if (!evictForRoom())
            {
                if (!full)
                {
                    full = true;
                    fullSinceNs = nowNs;
                    bufferFull.incrementRelease();
                }
                return Action.ABORT;
            }
        }
        full = false;
        append(buffer, offset, length, f.timestampNs());
        if (RecordedFrameFlyweight.EVENT == f.recordType())
        {
            readSeq = f.seq();
        }
        else if (RecordedFrameFlyweight.GAP == f.recordType())
        {
            readSeq = Math.max(readSeq, f.seq() + f.typeId() - 1);
        }
        return Action.CONTINUE;
    }

    private boolean repeats(final RecordedFrameFlyweight f)
    {
        final int type = f.recordType();
        if (Long.MIN_VALUE == readSeq)
        {
            return false;
        }
        if (RecordedFrameFlyweight.GAP == type)
        {
            return f.seq() + f.typeId() - 1 <= readSeq;
        }
        if (RecordedFrameFlyweight.KEYFRAME == type && f.seq() == repeatedKeyframeSeq)
        {
            repeatedKeyframeSeq = Long.MIN_VALUE;
            return true;
        }
        return RecordedFrameFlyweight.EVENT == type ? f.seq() <= readSeq : f.seq() < readSeq;
    }

    private boolean evictForRoom()
    {
        if (oldest > newest)
        {
            return false;
        }
        final boolean needed = ready && (oldest >= keepFrom || SPECTATE != mode);
        if (needed)
        {
            return false;
        }
        if (oldest == anchor)
        {
            anchor = 0;
        }
        evicted.incrementRelease();
        oldest++;
        return true;
    }

    private long floor()
    {
        if (SPECTATE == mode)
        {
            return startIndex();
        }
        return ready ? Long.MAX_VALUE : startIndex();
    }

    private void advanceAnchor(final long nowNs)
    {
        if (SPECTATE != mode)
        {
            return;
        }
        if (scanIndex < oldest)
        {
            scanIndex = oldest;
        }
        while (scanIndex <= newest && nowNs - timestampsNs[slot(scanIndex)] >= delayNs)
        {
            if (RecordedFrameFlyweight.KEYFRAME == recordType(scanIndex))
            {
                anchor = scanIndex;
            }
            scanIndex++;
        }
    }

    private void evictBefore(final long index)
    {
        final long to = Math.min(index, newest + 1);
        if (to > oldest)
        {
            oldest = to;
            if (anchor != 0 && anchor < oldest)
            {
                anchor = 0;
            }
        }
    }

    private boolean hasRoom(final int length)
    {
        if (newest - oldest + 1 > slotMask || length > bytes.capacity())
        {
            return false;
        }
        if (oldest > newest)
        {
            writeOffset = 0;
            return true;
        }
        final int oldestOffset = offsets[slot(oldest)];
        if (writeOffset > oldestOffset)
        {
            if (bytes.capacity() - writeOffset >= length)
            {
                return true;
            }
            if (oldestOffset >= length)
            {
                writeOffset = 0;
                return true;
            }
            return false;
        }
        return oldestOffset - writeOffset >= length;
    }

    private void append(final DirectBuffer buffer, final int offset, final int length, final long timestampNs)
    {
        final long index = newest + 1;
        final int slot = slot(index);
        bytes.putBytes(writeOffset, buffer, offset, length);
        offsets[slot] = writeOffset;
        lengths[slot] = length;
        timestampsNs[slot] = timestampNs;
        writeOffset += length;
        newest = index;
    }

    private int slot(final long index)
    {
        return (int)(index & slotMask);
    }

    /**
     * @return true once a cursor can start: a spectator feed has read up to the live end of the recording, a replay
     * feed has reached the first seq wanted (or the end).
     */
    public boolean isReady()
    {
        return ready;
    }

    /**
     * @return true when the archive replay has ended (the recording stopped and everything was read).
     */
    public boolean isEnded()
    {
        return ended;
    }

    /**
     * @return true while the ring is full and reading paused.
     */
    public boolean isFull()
    {
        return full;
    }

    /**
     * @return when the ring last filled (valid while {@link #isFull()}).
     */
    public long fullSinceNs()
    {
        return fullSinceNs;
    }

    /**
     * @return the index a new cursor starts at: the anchor keyframe, or the oldest frame held.
     */
    public long startIndex()
    {
        return 0 != anchor ? anchor : oldest;
    }

    /**
     * @return index of the oldest frame held.
     */
    public long oldestIndex()
    {
        return oldest;
    }

    /**
     * @return index of the newest frame held (0 before the first).
     */
    public long newestIndex()
    {
        return newest;
    }

    /**
     * @param index a held frame.
     * @return its recorded timestamp.
     */
    public long timestampNs(final long index)
    {
        return timestampsNs[slot(index)];
    }

    /**
     * @param index a held frame.
     * @return its record type.
     */
    public int recordType(final long index)
    {
        return bytes.getShort(offsets[slot(index)] + RecordedFrameFlyweight.RECORD_TYPE_OFFSET,
            LITTLE_ENDIAN) & 0xFFFF;
    }

    /**
     * @param index a held frame.
     * @return its seq.
     */
    public long seq(final long index)
    {
        return bytes.getLong(offsets[slot(index)] + RecordedFrameFlyweight.SEQ_OFFSET,
            LITTLE_ENDIAN);
    }

    /**
     * @param index a held frame.
     * @return its length.
     */
    public int length(final long index)
    {
        return lengths[slot(index)];
    }

    /**
     * Copy a held frame.
     *
     * @param index  the frame.
     * @param dst    destination.
     * @param offset in the destination.
     * @return length copied.
     */
    public int copy(final long index, final MutableDirectBuffer dst, final int offset)
    {
        final int slot = slot(index);
        dst.putBytes(offset, bytes, offsets[slot], lengths[slot]);
        return lengths[slot];
    }

    /**
     * @return the room.
     */
    public int roomId()
    {
        return roomId;
    }

    /**
     * @return {@link #SPECTATE} or {@link #REPLAY}.
     */
    public int mode()
    {
        return mode;
    }

    /**
     * @return the spectator delay.
     */
    public long delayNs()
    {
        return delayNs;
    }

    /**
     * Stop the archive replay and close the subscription. Cold path.
     */
    public void close()
    {
        if (!ended)
        {
            try
            {
                if (null != starter)
                {
                    starter.stopReplay(replaySessionId);
                }
                else
                {
                    archive.stopReplay(replaySessionId);
                }
            }
            catch (final RuntimeException ignore)
            {
                // the archive went first (server shutdown)
            }
        }
        CloseHelper.quietClose(subscription);
    }
}
