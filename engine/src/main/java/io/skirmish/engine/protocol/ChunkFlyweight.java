package io.skirmish.engine.protocol;

/**
 * CHUNK, server to client: one piece of a frame too long for a datagram (a large room event, a resync, a long
 * resume state). The pieces of one frame share its type, room and seq; each holds
 * {@code ceil(frameLength / chunkCount)} bytes but the last. The client keeps the pieces it has, across the resends a
 * replay request brings, until the frame is whole, then handles it as if it had come in one datagram.
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                       Header (8 bytes)                        |
 *  +---------------------------------------------------------------+
 *  |                            Seq (64)                           |
 *  +---------------------------------------------------------------+
 *  |                       Frame Length (32)                       |
 *  +-------------------------------+-------------------------------+
 *  |        Chunk Index (16)       |        Chunk Count (16)       |
 *  +-------------------------------+-------------------------------+
 *  |                          Room Id (32)                         |
 *  +---------------+-----------------------------------------------+
 *  |  Frame Type   |                 Reserved (24)                 |
 *  +---------------+-----------------------------------------------+
 *  |                    This chunk of the frame                   ...
 * </pre>
 */
public final class ChunkFlyweight extends FrameHeaderFlyweight
{
    /** Offset of the seq of the chunked frame. */
    public static final int SEQ_OFFSET = 8;
    /** Offset of the length of the whole frame. */
    public static final int FRAME_LENGTH_OFFSET = 16;
    /** Offset of the chunk index. */
    public static final int CHUNK_INDEX_OFFSET = 20;
    /** Offset of the chunk count. */
    public static final int CHUNK_COUNT_OFFSET = 22;
    /** Offset of the room id of the chunked frame. */
    public static final int ROOM_ID_OFFSET = 24;
    /** Offset of the type of the chunked frame. */
    public static final int FRAME_TYPE_OFFSET = 28;
    /** Offset of the chunk's bytes. */
    public static final int DATA_OFFSET = 32;

    /**
     * @return seq of the chunked frame (a room event's seq, or a generation for frames without one).
     */
    public long seq()
    {
        return getLong(SEQ_OFFSET);
    }

    /**
     * @param seq of the chunked frame.
     * @return this for a fluent API.
     */
    public ChunkFlyweight seq(final long seq)
    {
        putLong(SEQ_OFFSET, seq);
        return this;
    }

    /**
     * @return length of the whole frame.
     */
    public int chunkedLength()
    {
        return getInt(FRAME_LENGTH_OFFSET);
    }

    /**
     * @param length of the whole frame.
     * @return this for a fluent API.
     */
    public ChunkFlyweight chunkedLength(final int length)
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
     * @return how many chunks the frame travels in.
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
    public ChunkFlyweight chunk(final int index, final int count)
    {
        putShort(CHUNK_INDEX_OFFSET, index);
        putShort(CHUNK_COUNT_OFFSET, count);
        return this;
    }

    /**
     * @return room id of the chunked frame.
     */
    public int roomId()
    {
        return getInt(ROOM_ID_OFFSET);
    }

    /**
     * @param roomId of the chunked frame.
     * @return this for a fluent API.
     */
    public ChunkFlyweight roomId(final int roomId)
    {
        putInt(ROOM_ID_OFFSET, roomId);
        return this;
    }

    /**
     * @return type of the chunked frame.
     */
    public int chunkedType()
    {
        return getInt(FRAME_TYPE_OFFSET) & 0xFF;
    }

    /**
     * @param type of the chunked frame.
     * @return this for a fluent API.
     */
    public ChunkFlyweight chunkedType(final int type)
    {
        putInt(FRAME_TYPE_OFFSET, type & 0xFF);
        return this;
    }

    /**
     * @return bytes of the frame in this chunk.
     */
    public int dataLength()
    {
        return frameLength - DATA_OFFSET;
    }
}
