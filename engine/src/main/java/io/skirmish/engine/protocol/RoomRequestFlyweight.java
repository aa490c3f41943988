package io.skirmish.engine.protocol;

/**
 * JOIN_REQUEST and LEAVE_REQUEST, client to server on the reliable lane. The payload of a join is game data handed
 * to the server's join authorizer (a password, a team choice).
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                       Header (8 bytes)                        |
 *  +---------------------------------------------------------------+
 *  |                          Room Id (32)                         |
 *  +---------------------------------------------------------------+
 *  |                         Request Id (32)                       |
 *  +---------------------------------------------------------------+
 *  |                         Reserved (64)                         |
 *  +---------------------------------------------------------------+
 *  |                           Payload                            ...
 * </pre>
 */
public final class RoomRequestFlyweight extends FrameHeaderFlyweight
{
    /** Offset of the room id. */
    public static final int ROOM_ID_OFFSET = 8;
    /** Offset of the request id. */
    public static final int REQUEST_ID_OFFSET = 12;
    /** Offset of the payload. */
    public static final int PAYLOAD_OFFSET = 24;

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
    public RoomRequestFlyweight roomId(final int roomId)
    {
        putInt(ROOM_ID_OFFSET, roomId);
        return this;
    }

    /**
     * @return request id chosen by the client, echoed in the result.
     */
    public int requestId()
    {
        return getInt(REQUEST_ID_OFFSET);
    }

    /**
     * @param requestId chosen by the client.
     * @return this for a fluent API.
     */
    public RoomRequestFlyweight requestId(final int requestId)
    {
        putInt(REQUEST_ID_OFFSET, requestId);
        putLong(REQUEST_ID_OFFSET + 4, 0);
        return this;
    }

    /**
     * @return payload length given the wrapped frame length.
     */
    public int payloadLength()
    {
        return frameLength - PAYLOAD_OFFSET;
    }
}
