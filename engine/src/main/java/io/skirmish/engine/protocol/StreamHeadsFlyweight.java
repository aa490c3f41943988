package io.skirmish.engine.protocol;

import org.agrona.DirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * STREAM_HEADS, server to client: the newest seq the session is owed on each of its streams that it has not yet
 * acknowledged all of. Sent a short while after the last event of such a stream, so that a client whose last event
 * was lost learns of it without waiting for the next one, and asks for it; a client that already has everything
 * acknowledges again (its acknowledgement was the frame that got lost).
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                       Header (8 bytes)                        |
 *  +---------------------------------------------------------------+
 *  |                          Count (32)                           |
 *  +---------------------------------------------------------------+
 *  |                         Reserved (32)                         |
 *  +---------------------------------------------------------------+
 *  |                    Entries (16 bytes each)                   ...
 *
 *  Entry:
 *  +---------------------------------------------------------------+
 *  |                          Room Id (32)                         |
 *  +---------------------------------------------------------------+
 *  |                         Reserved (32)                         |
 *  +---------------------------------------------------------------+
 *  |                         Head Seq (64)                         |
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class StreamHeadsFlyweight extends FrameHeaderFlyweight
{
    /** Offset of the entry count. */
    public static final int COUNT_OFFSET = 8;
    /** Offset of the first entry. */
    public static final int ENTRIES_OFFSET = 16;
    /** Length of one entry. */
    public static final int ENTRY_LENGTH = 16;

    /**
     * @return entries in the frame.
     */
    public int count()
    {
        return getInt(COUNT_OFFSET);
    }

    /**
     * @param count entries in the frame.
     * @return this for a fluent API.
     */
    public StreamHeadsFlyweight count(final int count)
    {
        putInt(COUNT_OFFSET, count);
        putInt(COUNT_OFFSET + 4, 0);
        return this;
    }

    /**
     * @param index of an entry.
     * @return its room id, 0 for the direct stream.
     */
    public int roomId(final int index)
    {
        return getInt(ENTRIES_OFFSET + index * ENTRY_LENGTH);
    }

    /**
     * @param index of an entry.
     * @return the newest seq of its stream.
     */
    public long headSeq(final int index)
    {
        return getLong(ENTRIES_OFFSET + index * ENTRY_LENGTH + 8);
    }

    /**
     * Write an entry.
     *
     * @param index   of the entry.
     * @param roomId  of the stream, 0 for the direct stream.
     * @param headSeq the stream's newest seq.
     * @return this for a fluent API.
     */
    public StreamHeadsFlyweight entry(final int index, final int roomId, final long headSeq)
    {
        final int entryOffset = ENTRIES_OFFSET + index * ENTRY_LENGTH;
        putInt(entryOffset, roomId);
        putInt(entryOffset + 4, 0);
        putLong(entryOffset + 8, headSeq);
        return this;
    }

    /**
     * @param count entries.
     * @return the frame's length with that many entries.
     */
    public static int length(final int count)
    {
        return ENTRIES_OFFSET + count * ENTRY_LENGTH;
    }

    /**
     * @param buffer holding a frame.
     * @param offset of the frame.
     * @param length of the frame.
     * @return true when the frame holds every entry its count declares.
     */
    public static boolean isComplete(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < ENTRIES_OFFSET)
        {
            return false;
        }
        final int count = buffer.getInt(offset + COUNT_OFFSET, LITTLE_ENDIAN);
        return count >= 0 && count <= (length - ENTRIES_OFFSET) / ENTRY_LENGTH;
    }
}
