package io.skirmish.engine.archive;

import io.skirmish.engine.protocol.RecordedFrameFlyweight;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableRingBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import static io.skirmish.engine.protocol.RecordedFrameFlyweight.EVENT;
import static io.skirmish.engine.protocol.RecordedFrameFlyweight.GAP;
import static io.skirmish.engine.protocol.RecordedFrameFlyweight.KEYFRAME;
import static io.skirmish.engine.protocol.RecordedFrameFlyweight.PAYLOAD_OFFSET;
import static io.skirmish.engine.protocol.RecordedFrameFlyweight.RESTORED;
import static io.skirmish.engine.protocol.RecordedFrameFlyweight.SENDER_SEQ;
import static io.skirmish.engine.protocol.RecordedFrameFlyweight.TICK;
import static io.skirmish.engine.protocol.RecordedFrameFlyweight.TICK_PAYLOAD_LENGTH;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Records one durable room's frames without ever waiting: each frame is offered once to the recorded publication;
 * if that does not take it (back pressure, not yet connected), it is copied into a bounded pending buffer, and while
 * anything is pending every newer frame queues behind it so the recording keeps the room's order. The pending
 * buffer is drained on each duty cycle ({@link #doWork()}). A frame that does not fit is lost to the recording:
 * counted ({@code RECORDING_FRAMES_LOST}) and covered by one {@link RecordedFrameFlyweight#GAP} marker, placed in
 * the stream where the loss happened once the pending buffer has drained to half full (frames that come before
 * then are lost too and counted in the same gap), so a reader always sees the gap. Conductor thread
 * only; allocation-free (the pending buffer is allocated at its full size up front).
 */
public final class RoomRecorder
{
    /** Most pending frames offered per duty cycle. */
    static final int DRAIN_LIMIT = 64;

    private final int roomId;
    private final RecordingSink sink;
    private final ExpandableRingBuffer pending;
    private final UnsafeBuffer headerBuffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(64, 64));
    private final UnsafeBuffer scratch;
    private final UnsafeBuffer reliableSeqBuffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(64, 64));
    private final RecordedFrameFlyweight header = new RecordedFrameFlyweight();
    private final RecordedFrameFlyweight scratchFrame = new RecordedFrameFlyweight();
    private final ExpandableRingBuffer.MessageConsumer drainer = this::offerPending;
    private final AtomicCounter deferred;
    private final AtomicCounter lost;
    private final AtomicCounter gaps;
    private boolean gapOpen;
    private long gapFromSeq;
    private int gapLostFrames;
    private long gapTimestampNs;
    private long framesLost;
    private long gapsMarked;
    private long framesRecorded;

    /**
     * @param roomId              the room.
     * @param sink                the recorded publication.
     * @param maxMessageLength    largest event or keyframe payload.
     * @param pendingBufferLength most bytes held while the recording is back-pressured (a power of two).
     * @param deferred            counts frames that waited in the pending buffer.
     * @param lost                counts frames lost to the recording.
     * @param gaps                counts gap markers.
     */
    public RoomRecorder(
        final int roomId,
        final RecordingSink sink,
        final int maxMessageLength,
        final int pendingBufferLength,
        final AtomicCounter deferred,
        final AtomicCounter lost,
        final AtomicCounter gaps)
    {
        this.roomId = roomId;
        this.sink = sink;
        final int capacity = BitUtil.findNextPositivePowerOfTwo(pendingBufferLength);
        this.pending = new ExpandableRingBuffer(capacity, capacity, true);
        this.scratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            BitUtil.align(PAYLOAD_OFFSET + maxMessageLength, 64), 64));
        this.header.wrap(headerBuffer, 0, PAYLOAD_OFFSET);
        this.deferred = deferred;
        this.lost = lost;
        this.gaps = gaps;
    }

    /**
     * Record a room event.
     *
     * @param seq             the event's seq.
     * @param nowNs           the server's nano clock.
     * @param flags           the event's flags.
     * @param typeId          the event's type id.
     * @param senderSessionId the sender, 0 for the server.
     * @param payload         buffer holding the payload.
     * @param offset          of the payload.
     * @param length          of the payload.
     */
    public void onEvent(
        final long seq,
        final long nowNs,
        final int flags,
        final int typeId,
        final int senderSessionId,
        final DirectBuffer payload,
        final int offset,
        final int length)
    {
        record(EVENT, flags, seq, nowNs, typeId, senderSessionId, payload, offset, length);
    }

    /**
     * Record that the events that follow were produced by handling a client's reliable frame, so that a restarted
     * server knows that frame is in the recording.
     *
     * @param nextSeq         the room seq of the next event.
     * @param nowNs           the server's nano clock.
     * @param senderSessionId the client's session.
     * @param reliableSeq     the frame's reliable seq.
     */
    public void onSenderSeq(final long nextSeq, final long nowNs, final int senderSessionId, final long reliableSeq)
    {
        reliableSeqBuffer.putLong(0, reliableSeq, LITTLE_ENDIAN);
        record(SENDER_SEQ, 0, nextSeq, nowNs, 0, senderSessionId, reliableSeqBuffer, 0, 8);
    }

    /**
     * Record a ticking room's tick, so that a restored room continues its tick count.
     *
     * @param seq     the room's last seq.
     * @param nowNs   the server's nano clock.
     * @param tick    the room's tick.
     * @param epochMs the server's wall clock, epoch milliseconds.
     */
    public void onTick(final long seq, final long nowNs, final long tick, final long epochMs)
    {
        reliableSeqBuffer.putLong(0, tick, LITTLE_ENDIAN);
        reliableSeqBuffer.putLong(8, epochMs, LITTLE_ENDIAN);
        record(TICK, 0, seq, nowNs, 0, 0, reliableSeqBuffer, 0, TICK_PAYLOAD_LENGTH);
    }

    /**
     * Record a keyframe of the game's room state.
     *
     * @param seq    the room seq the state follows.
     * @param nowNs  the server's nano clock.
     * @param state  buffer holding the state.
     * @param offset of the state.
     * @param length of the state.
     */
    public void onKeyframe(
        final long seq, final long nowNs, final DirectBuffer state, final int offset, final int length)
    {
        record(KEYFRAME, 0, seq, nowNs, 0, 0, state, offset, length);
    }

    /**
     * Start a restored room's recording with the {@link RecordedFrameFlyweight#RESTORED} marker: the frames recorded
     * next, up to {@code restoredSeq}, repeat the room's earlier recordings. Call first, before any other record.
     *
     * @param seq         the repeated keyframe's seq, or 0 without one.
     * @param hasKeyframe whether a repeated keyframe follows.
     * @param nowNs       the server's nano clock.
     * @param restoredSeq the seq the room was restored at.
     */
    public void onRestored(final long seq, final boolean hasKeyframe, final long nowNs, final long restoredSeq)
    {
        reliableSeqBuffer.putLong(0, restoredSeq, LITTLE_ENDIAN);
        record(RESTORED, 0, seq, nowNs, hasKeyframe ? 1 : 0, 0, reliableSeqBuffer, 0, 8);
    }

    /**
     * Repeat, in a restored room's recording, a gap an earlier recording of the room had (frames lost to it), so
     * that the restored recording's seqs continue after it.
     *
     * @param fromSeq    seq of the first lost frame.
     * @param nowNs      the server's nano clock.
     * @param lostFrames how many frames were lost.
     */
    public void onRepeatedGap(final long fromSeq, final long nowNs, final int lostFrames)
    {
        record(GAP, 0, fromSeq, nowNs, lostFrames, 0, reliableSeqBuffer, 0, 0);
    }

    /**
     * @return the most bytes the pending buffer holds.
     */
    public int pendingCapacity()
    {
        return pending.maxCapacity();
    }

    /**
     * Offer what is pending, then a gap marker if one is owed. Call once per duty cycle.
     *
     * @return work count.
     */
    public int doWork()
    {
        int work = 0;
        if (!pending.isEmpty())
        {
            work += pending.consume(drainer, DRAIN_LIMIT);
        }
        if (gapOpen && hasRoomForGap())
        {
            work += placeGap() ? 1 : 0;
        }
        return work;
    }

    /**
     * @return the room id.
     */
    public int roomId()
    {
        return roomId;
    }

    /**
     * @return true when nothing is pending and no gap marker is owed.
     */
    public boolean isDrained()
    {
        return pending.isEmpty() && !gapOpen;
    }

    /**
     * @return bytes pending, message headers included.
     */
    public int pendingBytes()
    {
        return pending.size();
    }

    /**
     * @return frames lost to this recording so far.
     */
    public long framesLost()
    {
        return framesLost;
    }

    /**
     * @return gap markers placed in this recording so far.
     */
    public long gapsMarked()
    {
        return gapsMarked;
    }

    /**
     * @return true when a loss has happened whose gap marker is not in the stream yet.
     */
    public boolean isGapOpen()
    {
        return gapOpen;
    }

    /**
     * @return frames offered to the recording (directly or from the pending buffer).
     */
    public long framesRecorded()
    {
        return framesRecorded;
    }

    private void record(
        final int recordType,
        final int flags,
        final long seq,
        final long nowNs,
        final int typeId,
        final int senderSessionId,
        final DirectBuffer payload,
        final int offset,
        final int length)
    {
        if (gapOpen && (!hasRoomForGap() || !placeGap()))
        {
            lose(seq, nowNs);
            return;
        }
        if (pending.isEmpty())
        {
            header.header(recordType, flags, roomId, seq, nowNs, typeId, senderSessionId);
            if (sink.offer(headerBuffer, 0, PAYLOAD_OFFSET, payload, offset, length) > 0)
            {
                framesRecorded++;
                return;
            }
        }
        scratchFrame.wrap(scratch, 0, PAYLOAD_OFFSET + length)
            .header(recordType, flags, roomId, seq, nowNs, typeId, senderSessionId);
        if (length > 0)
        {
            scratch.putBytes(PAYLOAD_OFFSET, payload, offset, length);
        }
        if (pending.append(scratch, 0, PAYLOAD_OFFSET + length))
        {
            deferred.incrementRelease();
        }
        else
        {
            lose(seq, nowNs);
        }
    }

    /**
     * A gap marker waits until the pending buffer is at most half full, so that one spell of back pressure makes one
     * gap rather than a marker for every frame that does not fit.
     */
    private boolean hasRoomForGap()
    {
        return pending.size() <= pending.maxCapacity() / 2;
    }

    private void lose(final long seq, final long nowNs)
    {
        if (!gapOpen)
        {
            gapOpen = true;
            gapFromSeq = seq;
            gapLostFrames = 0;
            gapTimestampNs = nowNs;
        }
        gapLostFrames++;
        framesLost++;
        lost.incrementRelease();
    }

    private boolean placeGap()
    {
        scratchFrame.wrap(scratch, 0, PAYLOAD_OFFSET)
            .header(GAP, 0, roomId, gapFromSeq, gapTimestampNs, gapLostFrames, 0);
        final boolean placed = pending.isEmpty() ?
            sink.offer(scratch, 0, PAYLOAD_OFFSET) > 0 || pending.append(scratch, 0, PAYLOAD_OFFSET) :
            pending.append(scratch, 0, PAYLOAD_OFFSET);
        if (placed)
        {
            gapOpen = false;
            gapsMarked++;
            gaps.incrementRelease();
        }
        return placed;
    }

    private boolean offerPending(
        final MutableDirectBuffer buffer, final int offset, final int length, final int headOffset)
    {
        if (sink.offer(buffer, offset, length) > 0)
        {
            framesRecorded++;
            return true;
        }
        return false;
    }
}
