package io.skirmish.engine.server;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.Arrays;

/**
 * The reliable frames of one session that arrived after a lost one, kept until the lost one comes so that they are
 * handled in order without being sent again: up to {@link #WINDOW} seqs past the next expected one, each frame
 * copied. Made for a session the first time it needs one. Conductor thread only.
 */
final class ReliableHold
{
    /** How far past the next expected seq frames are kept. */
    static final int WINDOW = 64;

    private final long[] seqs = new long[WINDOW];
    private final int[] lengths = new int[WINDOW];
    private final ExpandableArrayBuffer[] frames = new ExpandableArrayBuffer[WINDOW];

    ReliableHold()
    {
        Arrays.fill(seqs, -1);
    }

    void hold(final long seq, final DirectBuffer buffer, final int offset, final int length)
    {
        final int slot = (int)(seq % WINDOW);
        ExpandableArrayBuffer frame = frames[slot];
        if (null == frame)
        {
            frame = new ExpandableArrayBuffer(Math.max(64, length));
            frames[slot] = frame;
        }
        frame.putBytes(0, buffer, offset, length);
        lengths[slot] = length;
        seqs[slot] = seq;
    }

    boolean contains(final long seq)
    {
        return seqs[(int)(seq % WINDOW)] == seq;
    }

    MutableDirectBuffer frame(final long seq)
    {
        return frames[(int)(seq % WINDOW)];
    }

    int length(final long seq)
    {
        return lengths[(int)(seq % WINDOW)];
    }

    void remove(final long seq)
    {
        final int slot = (int)(seq % WINDOW);
        if (seqs[slot] == seq)
        {
            seqs[slot] = -1;
        }
    }

    /**
     * @param ackedSeq the last seq handled.
     * @return bit {@code i} set when seq {@code ackedSeq + 2 + i} is held.
     */
    long mask(final long ackedSeq)
    {
        long mask = 0;
        for (int i = 0; i < WINDOW - 1; i++)
        {
            if (contains(ackedSeq + 2 + i))
            {
                mask |= 1L << i;
            }
        }
        return mask;
    }

    void clear()
    {
        Arrays.fill(seqs, -1);
    }
}
