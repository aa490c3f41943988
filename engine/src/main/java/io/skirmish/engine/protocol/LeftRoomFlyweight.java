package io.skirmish.engine.protocol;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The payload of a {@link SystemEvent#LEFT_ROOM} event on a session's direct stream (room 0): the session is no
 * longer a member of the room. {@code finalSeq} is the room's last event the session is owed: the client delivers
 * the room's events up to it (or a resync covering them) before it hands the game the leave, so a session that
 * was away when it was kicked, or when the room closed, still gets everything that happened while it was a member.
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                          Room Id (32)                         |
 *  +---------------------------------------------------------------+
 *  |                       Leave Reason Code (32)                  |
 *  +---------------------------------------------------------------+
 *  |                         Final Seq (64)                        |
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class LeftRoomFlyweight
{
    /** Offset of the room id in the payload. */
    public static final int ROOM_ID_OFFSET = 0;
    /** Offset of the reason. */
    public static final int REASON_OFFSET = 4;
    /** Offset of the final seq. */
    public static final int FINAL_SEQ_OFFSET = 8;
    /** Length of the payload. */
    public static final int LENGTH = 16;

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;

    /**
     * @param buffer holding the payload.
     * @param offset of the payload.
     * @return this for a fluent API.
     */
    public LeftRoomFlyweight wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer instanceof MutableDirectBuffer ? (MutableDirectBuffer)buffer : null;
        this.offset = offset;
        return this;
    }

    /**
     * @return room id.
     */
    public int roomId()
    {
        return buffer.getInt(offset + ROOM_ID_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param roomId room id.
     * @return this for a fluent API.
     */
    public LeftRoomFlyweight roomId(final int roomId)
    {
        mutableBuffer.putInt(offset + ROOM_ID_OFFSET, roomId, LITTLE_ENDIAN);
        return this;
    }

    /**
     * @return leave reason code.
     */
    public int reason()
    {
        return buffer.getInt(offset + REASON_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param reason leave reason code.
     * @return this for a fluent API.
     */
    public LeftRoomFlyweight reason(final int reason)
    {
        mutableBuffer.putInt(offset + REASON_OFFSET, reason, LITTLE_ENDIAN);
        return this;
    }

    /**
     * @return the room's last seq the session is owed.
     */
    public long finalSeq()
    {
        return buffer.getLong(offset + FINAL_SEQ_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param seq the room's last seq the session is owed.
     * @return this for a fluent API.
     */
    public LeftRoomFlyweight finalSeq(final long seq)
    {
        mutableBuffer.putLong(offset + FINAL_SEQ_OFFSET, seq, LITTLE_ENDIAN);
        return this;
    }
}
