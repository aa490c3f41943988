package io.skirmish.engine.protocol;

/**
 * FEED_ACK, client to server on the upstream lane (unreliable: it is sent again and again): every frame of the feed
 * before Next Index has been delivered. With {@link #FLAG_GAP} the client has seen a frame after a lost one, and the
 * server sends again from Next Index at once.
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                       Header (8 bytes)                        |
 *  +---------------------------------------------------------------+
 *  |                          Feed Id (32)                         |
 *  +---------------------------------------------------------------+
 *  |                         Ack Flags (32)                        |
 *  +---------------------------------------------------------------+
 *  |                         Next Index (64)                       |
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class FeedAckFlyweight extends FrameHeaderFlyweight
{
    /** Ack flag: a gap was seen, send again from the next index. */
    public static final int FLAG_GAP = 0x1;

    /** Offset of the feed id. */
    public static final int FEED_ID_OFFSET = 8;
    /** Offset of the ack flags. */
    public static final int ACK_FLAGS_OFFSET = 12;
    /** Offset of the next index wanted. */
    public static final int NEXT_INDEX_OFFSET = 16;
    /** Length of the frame. */
    public static final int LENGTH = 24;

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
    public FeedAckFlyweight feedId(final int feedId)
    {
        putInt(FEED_ID_OFFSET, feedId);
        return this;
    }

    /**
     * @return ack flags.
     */
    public int ackFlags()
    {
        return getInt(ACK_FLAGS_OFFSET);
    }

    /**
     * @param flags ack flags.
     * @return this for a fluent API.
     */
    public FeedAckFlyweight ackFlags(final int flags)
    {
        putInt(ACK_FLAGS_OFFSET, flags);
        return this;
    }

    /**
     * @return index of the next frame wanted.
     */
    public long nextIndex()
    {
        return getLong(NEXT_INDEX_OFFSET);
    }

    /**
     * @param index of the next frame wanted.
     * @return this for a fluent API.
     */
    public FeedAckFlyweight nextIndex(final long index)
    {
        putLong(NEXT_INDEX_OFFSET, index);
        return this;
    }
}
