package io.skirmish.engine.protocol;

/**
 * ROOM_EVENT (server to client), ROOM_EMIT (client to server) and RESYNC (server to client), all on the reliable
 * lane. A ROOM_EVENT carries the room's sequence number, which rises by exactly one per event in that room; room id
 * 0 is the session's private direct lane, with its own per-session sequence. On ROOM_EMIT the seq field is the
 * client's emit sequence. On RESYNC the seq field is the room seq that the resync state corresponds to: the client
 * continues with seq + 1.
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                       Header (8 bytes)                        |
 *  +---------------------------------------------------------------+
 *  |                          Room Id (32)                         |
 *  +---------------------------------------------------------------+
 *  |                          Type Id (32)                         |
 *  +---------------------------------------------------------------+
 *  |                            Seq (64)                           |
 *  +---------------------------------------------------------------+
 *  |                    Sender Session Id (32)                     |
 *  +---------------------------------------------------------------+
 *  |                         Reserved (32)                         |
 *  +---------------------------------------------------------------+
 *  |                           Payload                            ...
 * </pre>
 */
public final class RoomEventFlyweight extends FrameHeaderFlyweight
{
    /** Offset of the room id. */
    public static final int ROOM_ID_OFFSET = 8;
    /** Offset of the type id. */
    public static final int TYPE_ID_OFFSET = 12;
    /** Offset of the sequence number. */
    public static final int SEQ_OFFSET = 16;
    /** Offset of the sending session id, 0 for the server. */
    public static final int SENDER_OFFSET = 24;
    /** Offset of the payload. */
    public static final int PAYLOAD_OFFSET = 32;

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
    public RoomEventFlyweight roomId(final int roomId)
    {
        putInt(ROOM_ID_OFFSET, roomId);
        return this;
    }

    /**
     * @return message type id.
     */
    public int typeId()
    {
        return getInt(TYPE_ID_OFFSET);
    }

    /**
     * @param typeId message type id.
     * @return this for a fluent API.
     */
    public RoomEventFlyweight typeId(final int typeId)
    {
        putInt(TYPE_ID_OFFSET, typeId);
        return this;
    }

    /**
     * @return sequence number.
     */
    public long seq()
    {
        return getLong(SEQ_OFFSET);
    }

    /**
     * @param seq sequence number.
     * @return this for a fluent API.
     */
    public RoomEventFlyweight seq(final long seq)
    {
        putLong(SEQ_OFFSET, seq);
        return this;
    }

    /**
     * @return session id of the sender, 0 when the server sent it.
     */
    public int senderSessionId()
    {
        return getInt(SENDER_OFFSET);
    }

    /**
     * @param sessionId of the sender, 0 for the server.
     * @return this for a fluent API.
     */
    public RoomEventFlyweight senderSessionId(final int sessionId)
    {
        putInt(SENDER_OFFSET, sessionId);
        putInt(SENDER_OFFSET + 4, 0);
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
