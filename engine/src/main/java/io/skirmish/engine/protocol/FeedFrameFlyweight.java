package io.skirmish.engine.protocol;

import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * FEED_FRAME, server to client: a batch of consecutive frames of a spectator or replay feed. The feed numbers its
 * frames itself (1, 2, 3... with no gaps, so the client sees a lost one); Index is the number of the first frame in
 * the batch, Record Count how many follow it, each as an entry: its length, then a frame of the room's recorded stream
 * exactly as Aeron Archive holds it ({@link RecordedFrameFlyweight}: an event with its seq, a keyframe, a gap marker),
 * or, with record type {@link #END}, the end of the feed (Type Id: the {@code FeedEndReason} code), padded to 8
 * bytes. The server packs what is due for one client into one frame up to a datagram; a single frame longer than a
 * datagram travels alone, in {@code CHUNK}s.
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                       Header (8 bytes)                        |
 *  +---------------------------------------------------------------+
 *  |                          Feed Id (32)                         |
 *  +---------------------------------------------------------------+
 *  |                        Record Count (32)                      |
 *  +---------------------------------------------------------------+
 *  |                           Index (64)                          |
 *  +---------------------------------------------------------------+
 *  |                       Record Length (32)                      |
 *  +---------------------------------------------------------------+
 *  |                          Reserved (32)                        |
 *  +---------------------------------------------------------------+
 *  |       Recorded Frame (RecordedFrameFlyweight), padded to 8   ...
 *  +---------------------------------------------------------------+
 *  |        ... Record Count entries of Length, Reserved, Frame   ...
 * </pre>
 */
public final class FeedFrameFlyweight extends FrameHeaderFlyweight
{
    /** Record type of the frame that ends a feed (never recorded: feeds only; far from the recorded types). */
    public static final int END = 0xFFFF;

    /** Offset of the feed id. */
    public static final int FEED_ID_OFFSET = 8;
    /** Offset of the number of recorded frames in the batch. */
    public static final int RECORD_COUNT_OFFSET = 12;
    /** Offset of the first frame's index in the feed. */
    public static final int INDEX_OFFSET = 16;
    /** Offset of the first entry. */
    public static final int RECORD_OFFSET = 24;
    /** Length of an entry's header (the record length and a reserved word) before its recorded frame. */
    public static final int ENTRY_HEADER_LENGTH = 8;
    /** Entries are padded to this alignment. */
    public static final int ENTRY_ALIGNMENT = 8;

    /**
     * @return the client's feed id.
     */
    public int feedId()
    {
        return getInt(FEED_ID_OFFSET);
    }

    /**
     * @param feedId the client's feed id.
     * @return this for a fluent API.
     */
    public FeedFrameFlyweight feedId(final int feedId)
    {
        putInt(FEED_ID_OFFSET, feedId);
        return this;
    }

    /**
     * @return how many recorded frames the batch holds.
     */
    public int recordCount()
    {
        return getInt(RECORD_COUNT_OFFSET);
    }

    /**
     * @param count how many recorded frames the batch holds.
     * @return this for a fluent API.
     */
    public FeedFrameFlyweight recordCount(final int count)
    {
        putInt(RECORD_COUNT_OFFSET, count);
        return this;
    }

    /**
     * @return the index of the batch's first frame in the feed, from 1.
     */
    public long index()
    {
        return getLong(INDEX_OFFSET);
    }

    /**
     * @param index of the batch's first frame in the feed.
     * @return this for a fluent API.
     */
    public FeedFrameFlyweight index(final long index)
    {
        putLong(INDEX_OFFSET, index);
        return this;
    }

    /**
     * @param recordLength length of a recorded frame.
     * @return the length of its entry: the entry header, the frame, padding.
     */
    public static int entryLength(final int recordLength)
    {
        return BitUtil.align(ENTRY_HEADER_LENGTH + recordLength, ENTRY_ALIGNMENT);
    }

    /**
     * @param buffer      holding a batch.
     * @param entryOffset of an entry in the buffer.
     * @return the length of the entry's recorded frame.
     */
    public static int recordLength(final DirectBuffer buffer, final int entryOffset)
    {
        return buffer.getInt(entryOffset, LITTLE_ENDIAN);
    }

    /**
     * Write an entry's header; its recorded frame follows at {@code entryOffset + ENTRY_HEADER_LENGTH}.
     *
     * @param buffer       holding a batch.
     * @param entryOffset  of the entry in the buffer.
     * @param recordLength length of the entry's recorded frame.
     * @return the length of the entry, padding included.
     */
    public static int putEntryHeader(final MutableDirectBuffer buffer, final int entryOffset, final int recordLength)
    {
        buffer.putInt(entryOffset, recordLength, LITTLE_ENDIAN);
        buffer.putInt(entryOffset + 4, 0, LITTLE_ENDIAN);
        return entryLength(recordLength);
    }
}
