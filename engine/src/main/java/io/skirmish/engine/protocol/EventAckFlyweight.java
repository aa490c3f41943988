package io.skirmish.engine.protocol;

/**
 * EVENT_ACK, client to server on the reliable lane: every event of the room up to and including {@code seq} has
 * been delivered to the game. The server uses it to know who is behind and where a resumed session restarts.
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                       Header (8 bytes)                        |
 *  +---------------------------------------------------------------+
 *  |                          Room Id (32)                         |
 *  +---------------------------------------------------------------+
 *  |                         Reserved (32)                         |
 *  +---------------------------------------------------------------+
 *  |                      Delivered Seq (64)                       |
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class EventAckFlyweight extends FrameHeaderFlyweight
{
    /** Offset of the room id. */
    public static final int ROOM_ID_OFFSET = 8;
    /** Offset of the delivered seq. */
    public static final int SEQ_OFFSET = 16;
    /** Length of the frame. */
    public static final int LENGTH = 24;

    /**
     * @return room id, 0 for the direct lane.
     */
    public int roomId()
    {
        return getInt(ROOM_ID_OFFSET);
    }

    /**
     * @param roomId room id.
     * @return this for a fluent API.
     */
    public EventAckFlyweight roomId(final int roomId)
    {
        putInt(ROOM_ID_OFFSET, roomId);
        putInt(ROOM_ID_OFFSET + 4, 0);
        return this;
    }

    /**
     * @return highest seq delivered in order.
     */
    public long seq()
    {
        return getLong(SEQ_OFFSET);
    }

    /**
     * @param seq highest seq delivered in order.
     * @return this for a fluent API.
     */
    public EventAckFlyweight seq(final long seq)
    {
        putLong(SEQ_OFFSET, seq);
        return this;
    }
}
