package io.skirmish.engine.client;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import java.util.Arrays;

/**
 * Client side of one sequenced stream (a room, or the direct lane): delivers events strictly in seq order, each
 * exactly once, holds events that arrive after a gap, and knows the highest seq seen, so that each gap is asked for
 * once when it appears and again only while it stays open.
 * Single-threaded (the client's driving thread).
 */
final class RoomInbox
{
    final int roomId;
    long nextExpected;
    long lastAckSent;
    long lastAckSentNs;
    long lastRequestNs;
    long highestSeen;
    long lastResyncSeq = -1;
    long lastProgressNs;
    /** The last server restore of this room the client acted on ({@code RESUME_STATE}), 0 for none. */
    long restoreId;
    /** Gone back to the seq its restored room ended at: nothing after it is delivered until the resync. */
    boolean awaitingRestoreResync;
    /** While awaiting: what it had delivered before going back, and when it last asked for the resync. */
    long restoreAheadSeq;
    long restoreRequestNs;
    private final long[] heldSeqs;
    private final int[] heldLengths;
    private final ExpandableArrayBuffer[] heldFrames;
    private int heldCount;

    RoomInbox(final int roomId, final long nextExpected, final int capacity)
    {
        this.roomId = roomId;
        this.nextExpected = nextExpected;
        this.lastAckSent = nextExpected - 1;
        this.highestSeen = nextExpected - 1;
        this.heldSeqs = new long[capacity];
        this.heldLengths = new int[capacity];
        this.heldFrames = new ExpandableArrayBuffer[capacity];
        Arrays.fill(heldSeqs, -1);
    }

    long lastDelivered()
    {
        return nextExpected - 1;
    }

    int heldCount()
    {
        return heldCount;
    }

    /**
     * @return how far past the next expected seq events are held.
     */
    int capacity()
    {
        return heldSeqs.length;
    }

    /**
     * @param seq a seq after a gap.
     * @return true when it can be held (within capacity of the next expected).
     */
    boolean canHold(final long seq)
    {
        return seq - nextExpected < heldSeqs.length;
    }

    void hold(final long seq, final DirectBuffer buffer, final int offset, final int length)
    {
        final int slot = (int)(seq % heldSeqs.length);
        if (heldSeqs[slot] == seq)
        {
            return;
        }
        ExpandableArrayBuffer frame = heldFrames[slot];
        if (null == frame)
        {
            frame = new ExpandableArrayBuffer(Math.max(64, length));
            heldFrames[slot] = frame;
        }
        frame.putBytes(0, buffer, offset, length);
        if (heldSeqs[slot] < 0)
        {
            heldCount++;
        }
        heldSeqs[slot] = seq;
        heldLengths[slot] = length;
    }

    boolean isHeld(final long seq)
    {
        return heldSeqs[(int)(seq % heldSeqs.length)] == seq;
    }

    DirectBuffer heldFrame(final long seq)
    {
        return heldFrames[(int)(seq % heldSeqs.length)];
    }

    int heldLength(final long seq)
    {
        return heldLengths[(int)(seq % heldSeqs.length)];
    }

    void release(final long seq)
    {
        final int slot = (int)(seq % heldSeqs.length);
        if (heldSeqs[slot] == seq)
        {
            heldSeqs[slot] = -1;
            heldCount--;
        }
    }

    /**
     * Forget held events at or below a seq (after a resync).
     *
     * @param seq inclusive bound.
     */
    void releaseUpTo(final long seq)
    {
        for (int i = 0; i < heldSeqs.length; i++)
        {
            if (heldSeqs[i] >= 0 && heldSeqs[i] <= seq)
            {
                heldSeqs[i] = -1;
                heldCount--;
            }
        }
    }

    /**
     * @return the lowest held seq, or -1 when nothing is held.
     */
    long lowestHeld()
    {
        long lowest = -1;
        for (final long seq : heldSeqs)
        {
            if (seq >= 0 && (lowest < 0 || seq < lowest))
            {
                lowest = seq;
            }
        }
        return lowest;
    }
}
