package io.skirmish.engine.server;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Bounded history of the encoded events of one sequenced stream (a room, or a session's direct lane), for replay.
 * Bounded by count, bytes and age; events leave oldest first. Looking an event up by seq is O(1): seqs are
 * consecutive, so the slot is {@code seq % capacity}. Single-threaded (conductor).
 */
final class EventHistory
{
    private final int maxCount;
    private final long maxAgeNs;
    private final UnsafeBuffer bytes;
    private final int[] offsets;
    private final int[] lengths;
    private final int[] exceptSessionIds;
    private final long[] timestampsNs;

    private long oldestSeq = 1;
    private long newestSeq = 0;
    private int writeOffset;

    /**
     * @param maxCount most events kept.
     * @param maxBytes most bytes of encoded events kept.
     * @param maxAgeNs oldest event age kept, in nanoseconds (0 or less: no age bound).
     */
    EventHistory(final int maxCount, final int maxBytes, final long maxAgeNs)
    {
        if (maxCount < 1 || maxBytes < 64)
        {
            throw new IllegalArgumentException("history needs maxCount >= 1 and maxBytes >= 64");
        }
        this.maxCount = maxCount;
        this.maxAgeNs = maxAgeNs;
        this.bytes = new UnsafeBuffer(new byte[maxBytes]);
        this.offsets = new int[maxCount];
        this.lengths = new int[maxCount];
        this.exceptSessionIds = new int[maxCount];
        this.timestampsNs = new long[maxCount];
    }

    /**
     * @return seq of the oldest event kept; greater than {@link #newestSeq()} when empty.
     */
    long oldestSeq()
    {
        return oldestSeq;
    }

    /**
     * @return seq of the newest event appended (0 before the first).
     */
    long newestSeq()
    {
        return newestSeq;
    }

    /**
     * Empty the history and continue it after a seq: the next append is {@code lastSeq + 1}.
     *
     * @param lastSeq the seq the history continues after.
     */
    void reset(final long lastSeq)
    {
        oldestSeq = lastSeq + 1;
        newestSeq = lastSeq;
        writeOffset = 0;
    }

    int size()
    {
        return (int)(newestSeq - oldestSeq + 1);
    }

    int maxBytes()
    {
        return bytes.capacity();
    }

    /**
     * Append the next event. Events larger than the byte bound are not kept, and everything before them leaves,
     * so a replay of that range resyncs.
     *
     * @param seq             must be {@link #newestSeq()} + 1.
     * @param nowNs           current time.
     * @param src             encoded event.
     * @param srcOffset       offset of the event.
     * @param length          length of the event.
     * @param exceptSessionId session that must not receive the event's content, 0 for none.
     */
    void append(
        final long seq,
        final long nowNs,
        final DirectBuffer src,
        final int srcOffset,
        final int length,
        final int exceptSessionId)
    {
        if (seq != newestSeq + 1)
        {
            throw new IllegalStateException("history append out of order: " + seq + " after " + newestSeq);
        }
        newestSeq = seq;
        if (length > bytes.capacity())
        {
            oldestSeq = seq + 1;
            writeOffset = 0;
            return;
        }

        if (size() > maxCount)
        {
            oldestSeq++;
        }
        makeRoom(length);

        final int slot = slot(seq);
        bytes.putBytes(writeOffset, src, srcOffset, length);
        offsets[slot] = writeOffset;
        lengths[slot] = length;
        exceptSessionIds[slot] = exceptSessionId;
        timestampsNs[slot] = nowNs;
        writeOffset += length;
        expire(nowNs);
    }

    /**
     * Drop events older than the age bound.
     *
     * @param nowNs current time.
     */
    void expire(final long nowNs)
    {
        if (maxAgeNs > 0)
        {
            while (oldestSeq <= newestSeq && nowNs - timestampsNs[slot(oldestSeq)] > maxAgeNs)
            {
                oldestSeq++;
            }
        }
    }

    /**
     * @param seq to look up.
     * @return true when the event is kept.
     */
    boolean contains(final long seq)
    {
        return seq >= oldestSeq && seq <= newestSeq;
    }

    /**
     * Copy a kept event.
     *
     * @param seq    to copy; must be {@link #contains(long) contained}.
     * @param dst    destination.
     * @param offset in the destination.
     * @return length copied.
     */
    int copy(final long seq, final MutableDirectBuffer dst, final int offset)
    {
        final int slot = slot(seq);
        final int length = lengths[slot];
        dst.putBytes(offset, bytes, offsets[slot], length);
        return length;
    }

    int exceptSessionId(final long seq)
    {
        return exceptSessionIds[slot(seq)];
    }

    int length(final long seq)
    {
        return lengths[slot(seq)];
    }

    private int slot(final long seq)
    {
        return (int)(seq % maxCount);
    }

    private void makeRoom(final int length)
    {
        final int capacity = bytes.capacity();
        while (true)
        {
            if (oldestSeq > newestSeq - 1)
            {
                // nothing else kept: start from the beginning
                writeOffset = 0;
                return;
            }
            final int oldestOffset = offsets[slot(oldestSeq)];
            if (writeOffset > oldestOffset)
            {
                if (capacity - writeOffset >= length)
                {
                    return;
                }
                if (oldestOffset >= length)
                {
                    writeOffset = 0;
                    return;
                }
            }
            else if (oldestOffset - writeOffset >= length)
            {
                return;
            }
            oldestSeq++;
        }
    }
}
