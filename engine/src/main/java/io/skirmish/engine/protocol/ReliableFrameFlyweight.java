package io.skirmish.engine.protocol;

/**
 * RELIABLE, client to server: the envelope of every client frame that must arrive (a message, an emit, a join or a
 * leave, a replay request), numbered by the session's reliable seq. The server processes seqs in order and exactly
 * once and acknowledges them ({@link ReliableAckFlyweight}); the client resends what is not acknowledged. A frame too
 * long for one datagram travels as several chunks of the same seq, each of {@code ceil(frameLength / chunkCount)}
 * bytes but the last; the server keeps the chunks it has across resends until the frame is whole.
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                       Header (8 bytes)                        |
 *  +---------------------------------------------------------------+
 *  |                        Reliable Seq (64)                      |
 *  +---------------------------------------------------------------+
 *  |                       Frame Length (32)                       |
 *  +-------------------------------+-------------------------------+
 *  |        Chunk Index (16)       |        Chunk Count (16)       |
 *  +-------------------------------+-------------------------------+
 *  |                The frame, or this chunk of it                ...
 * </pre>
 */
public final class ReliableFrameFlyweight extends FrameHeaderFlyweight
{
    /** Offset of the reliable seq. */
    public static final int SEQ_OFFSET = 8;
    /** Offset of the length of the whole enclosed frame. */
    public static final int FRAME_LENGTH_OFFSET = 16;
    /** Offset of the chunk index. */
    public static final int CHUNK_INDEX_OFFSET = 20;
    /** Offset of the chunk count. */
    public static final int CHUNK_COUNT_OFFSET = 22;
    /** Offset of the enclosed frame or chunk. */
    public static final int DATA_OFFSET = 24;

    /**
     * @return the reliable seq, from 1 per session.
     */
    public long seq()
    {
        return getLong(SEQ_OFFSET);
    }

    /**
     * @param seq the reliable seq.
     * @return this for a fluent API.
     */
    public ReliableFrameFlyweight seq(final long seq)
    {
        putLong(SEQ_OFFSET, seq);
        return this;
    }

    /**
     * @return length of the whole enclosed frame.
     */
    public int enclosedLength()
    {
        return getInt(FRAME_LENGTH_OFFSET);
    }

    /**
     * @param length of the whole enclosed frame.
     * @return this for a fluent API.
     */
    public ReliableFrameFlyweight enclosedLength(final int length)
    {
        putInt(FRAME_LENGTH_OFFSET, length);
        return this;
    }

    /**
     * @return index of this chunk, from 0.
     */
    public int chunkIndex()
    {
        return getShort(CHUNK_INDEX_OFFSET);
    }

    /**
     * @return how many chunks the frame travels in, 1 when it fits one datagram.
     */
    public int chunkCount()
    {
        return getShort(CHUNK_COUNT_OFFSET);
    }

    /**
     * @param index of this chunk.
     * @param count of chunks.
     * @return this for a fluent API.
     */
    public ReliableFrameFlyweight chunk(final int index, final int count)
    {
        putShort(CHUNK_INDEX_OFFSET, index);
        putShort(CHUNK_COUNT_OFFSET, count);
        return this;
    }

    /**
     * @return bytes of the enclosed frame in this chunk.
     */
    public int dataLength()
    {
        return frameLength - DATA_OFFSET;
    }
}
