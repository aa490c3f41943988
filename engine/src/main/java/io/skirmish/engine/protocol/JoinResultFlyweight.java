package io.skirmish.engine.protocol;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The payload of a {@link SystemEvent#JOIN_RESULT} event on a session's direct stream (room 0): the answer to a
 * join request, or a join the server made. Being sequenced, it reaches the client in order with the session's other
 * notices and is replayed after a resume like any event. On success, {@code nextSeq} is the seq of the first room
 * event the joiner will be delivered (after any backlog, which starts at {@code nextSeq - backlogCount}).
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                          Room Id (32)                         |
 *  +---------------------------------------------------------------+
 *  |                         Request Id (32)                       |
 *  +---------------------------------------------------------------+
 *  |                          Status (32)                          |
 *  +---------------------------------------------------------------+
 *  |                       Backlog Count (32)                      |
 *  +---------------------------------------------------------------+
 *  |                         Next Seq (64)                         |
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class JoinResultFlyweight
{
    /** Status: joined. */
    public static final int JOINED = 0;
    /** Status: the game's authorizer denied the join. */
    public static final int DENIED = 1;
    /** Status: no room with that id. */
    public static final int NO_SUCH_ROOM = 2;
    /** Status: the room is full. */
    public static final int ROOM_FULL = 3;
    /** Status: the session is in too many rooms. */
    public static final int TOO_MANY_ROOMS = 4;
    /** Status: the session was already a member. */
    public static final int ALREADY_MEMBER = 5;

    /** Offset of the room id in the payload. */
    public static final int ROOM_ID_OFFSET = 0;
    /** Offset of the request id. */
    public static final int REQUEST_ID_OFFSET = 4;
    /** Offset of the status. */
    public static final int STATUS_OFFSET = 8;
    /** Offset of the backlog count. */
    public static final int BACKLOG_COUNT_OFFSET = 12;
    /** Offset of the next seq. */
    public static final int NEXT_SEQ_OFFSET = 16;
    /** Length of the payload. */
    public static final int LENGTH = 24;

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;

    /**
     * @param buffer holding the payload.
     * @param offset of the payload.
     * @return this for a fluent API.
     */
    public JoinResultFlyweight wrap(final DirectBuffer buffer, final int offset)
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
    public JoinResultFlyweight roomId(final int roomId)
    {
        mutableBuffer.putInt(offset + ROOM_ID_OFFSET, roomId, LITTLE_ENDIAN);
        return this;
    }

    /**
     * @return echoed request id, 0 for a server-initiated join.
     */
    public int requestId()
    {
        return buffer.getInt(offset + REQUEST_ID_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param requestId echoed request id.
     * @return this for a fluent API.
     */
    public JoinResultFlyweight requestId(final int requestId)
    {
        mutableBuffer.putInt(offset + REQUEST_ID_OFFSET, requestId, LITTLE_ENDIAN);
        return this;
    }

    /**
     * @return status code.
     */
    public int status()
    {
        return buffer.getInt(offset + STATUS_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param status code.
     * @return this for a fluent API.
     */
    public JoinResultFlyweight status(final int status)
    {
        mutableBuffer.putInt(offset + STATUS_OFFSET, status, LITTLE_ENDIAN);
        return this;
    }

    /**
     * @return number of backlog events that follow.
     */
    public int backlogCount()
    {
        return buffer.getInt(offset + BACKLOG_COUNT_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param count number of backlog events.
     * @return this for a fluent API.
     */
    public JoinResultFlyweight backlogCount(final int count)
    {
        mutableBuffer.putInt(offset + BACKLOG_COUNT_OFFSET, count, LITTLE_ENDIAN);
        return this;
    }

    /**
     * @return seq of the first event the joiner receives.
     */
    public long nextSeq()
    {
        return buffer.getLong(offset + NEXT_SEQ_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param seq of the first event the joiner receives.
     * @return this for a fluent API.
     */
    public JoinResultFlyweight nextSeq(final long seq)
    {
        mutableBuffer.putLong(offset + NEXT_SEQ_OFFSET, seq, LITTLE_ENDIAN);
        return this;
    }
}
