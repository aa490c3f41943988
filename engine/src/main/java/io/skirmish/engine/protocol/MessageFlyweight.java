package io.skirmish.engine.protocol;

/**
 * MESSAGE, client to server on the reliable lane: a direct message to the server. The payload is raw bytes with a
 * game-chosen type id, or Kryo bytes of a registered type when {@link #FLAG_KRYO} is set.
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                       Header (8 bytes)                        |
 *  +---------------------------------------------------------------+
 *  |                      Client Message Seq (64)                  |
 *  +---------------------------------------------------------------+
 *  |                          Type Id (32)                         |
 *  +---------------------------------------------------------------+
 *  |                         Reserved (32)                         |
 *  +---------------------------------------------------------------+
 *  |                           Payload                            ...
 * </pre>
 */
public final class MessageFlyweight extends FrameHeaderFlyweight
{
    /** Offset of the client's message sequence number. */
    public static final int SEQ_OFFSET = 8;
    /** Offset of the type id. */
    public static final int TYPE_ID_OFFSET = 16;
    /** Offset of the payload. */
    public static final int PAYLOAD_OFFSET = 24;

    /**
     * @return the client's message sequence number, rising by one per message of the session.
     */
    public long seq()
    {
        return getLong(SEQ_OFFSET);
    }

    /**
     * @param seq the client's message sequence number.
     * @return this for a fluent API.
     */
    public MessageFlyweight seq(final long seq)
    {
        putLong(SEQ_OFFSET, seq);
        return this;
    }

    /**
     * @return the message type id.
     */
    public int typeId()
    {
        return getInt(TYPE_ID_OFFSET);
    }

    /**
     * @param typeId the message type id.
     * @return this for a fluent API.
     */
    public MessageFlyweight typeId(final int typeId)
    {
        putInt(TYPE_ID_OFFSET, typeId);
        putInt(TYPE_ID_OFFSET + 4, 0);
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
