package io.skirmish.engine.protocol;

/**
 * FEED_FRAME, server to client: one frame of a spectator or replay feed, numbered by the feed (Index: 1, 2, 3...
 * with no gaps, so the client sees a lost frame), carrying a frame of the room's recorded stream exactly as Aeron
 * Archive holds it ({@link RecordedFrameFlyweight}: an event with its seq, a keyframe, a gap marker), or, with
 * record type {@link #END}, the end of the feed (Type Id: the {@code FeedEndReason} code). Longer than a datagram,
 * it travels in {@code CHUNK}s.
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                       Header (8 bytes)                        |
 *  +---------------------------------------------------------------+
 *  |                          Feed Id (32)                         |
 *  +---------------------------------------------------------------+
 *  |                          Reserved (32)                        |
 *  +---------------------------------------------------------------+
 *  |                           Index (64)                          |
 *  +---------------------------------------------------------------+
 *  |            Recorded Frame (RecordedFrameFlyweight)           ...
 * </pre>
 */
public final class FeedFrameFlyweight extends FrameHeaderFlyweight
{
    /**
     * Record type of the frame that ends a feed (never recorded: feeds only); distinct from every
     * {@link RecordedFrameFlyweight} record type (4 is {@code SENDER_SEQ}, which a feed carries through).
     */
    public static final int END = 100;

    /** Offset of the feed id. */
    public static final int FEED_ID_OFFSET = 8;
    /** Offset of the frame's index in the feed. */
    public static final int INDEX_OFFSET = 16;
    /** Offset of the recorded frame. */
    public static final int RECORD_OFFSET = 24;

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
        putInt(FEED_ID_OFFSET + 4, 0);
        return this;
    }

    /**
     * @return the frame's index in the feed, from 1.
     */
    public long index()
    {
        return getLong(INDEX_OFFSET);
    }

    /**
     * @param index the frame's index in the feed.
     * @return this for a fluent API.
     */
    public FeedFrameFlyweight index(final long index)
    {
        putLong(INDEX_OFFSET, index);
        return this;
    }
}
