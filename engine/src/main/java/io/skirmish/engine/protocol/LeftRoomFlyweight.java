package io.skirmish.engine.protocol;

/**
 * LEFT_ROOM, server to client on the reliable lane: the session is no longer a member of the room.
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                       Header (8 bytes)                        |
 *  +---------------------------------------------------------------+
 *  |                          Room Id (32)                         |
 *  +---------------------------------------------------------------+
 *  |                       Leave Reason Code (32)                  |
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class LeftRoomFlyweight extends FrameHeaderFlyweight
{
    /** Offset of the room id. */
    public static final int ROOM_ID_OFFSET = 8;
    /** Offset of the reason. */
    public static final int REASON_OFFSET = 12;
    /** Length of the frame. */
    public static final int LENGTH = 16;

    /**
     * @return room id.
     */
    public int roomId()
    {
        return getInt(ROOM_ID_OFFSET);
    }

    /**
     * @param roomId room id.
     * @return this for a fluent API.
     */
    public LeftRoomFlyweight roomId(final int roomId)
    {
        putInt(ROOM_ID_OFFSET, roomId);
        return this;
    }

    /**
     * @return leave reason code.
     */
    public int reason()
    {
        return getInt(REASON_OFFSET);
    }

    /**
     * @param reason leave reason code.
     * @return this for a fluent API.
     */
    public LeftRoomFlyweight reason(final int reason)
    {
        putInt(REASON_OFFSET, reason);
        return this;
    }
}
