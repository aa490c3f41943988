package io.skirmish.engine.protocol;

/**
 * JOIN_RESULT, server to client on the reliable lane. On success, {@code nextSeq} is the seq of the first room
 * event the joiner will be delivered (after any backlog, which starts at {@code nextSeq - backlogCount}).
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                       Header (8 bytes)                        |
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
public final class JoinResultFlyweight extends FrameHeaderFlyweight
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

    /** Offset of the room id. */
    public static final int ROOM_ID_OFFSET = 8;
    /** Offset of the request id. */
    public static final int REQUEST_ID_OFFSET = 12;
    /** Offset of the status. */
    public static final int STATUS_OFFSET = 16;
    /** Offset of the backlog count. */
    public static final int BACKLOG_COUNT_OFFSET = 20;
    /** Offset of the next seq. */
    public static final int NEXT_SEQ_OFFSET = 24;
    /** Length of the frame. */
    public static final int LENGTH = 32;

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
    public JoinResultFlyweight roomId(final int roomId)
    {
        putInt(ROOM_ID_OFFSET, roomId);
        return this;
    }

    /**
     * @return echoed request id, 0 for a server-initiated join.
     */
    public int requestId()
    {
        return getInt(REQUEST_ID_OFFSET);
    }

    /**
     * @param requestId echoed request id.
     * @return this for a fluent API.
     */
    public JoinResultFlyweight requestId(final int requestId)
    {
        putInt(REQUEST_ID_OFFSET, requestId);
        return this;
    }

    /**
     * @return status code.
     */
    public int status()
    {
        return getInt(STATUS_OFFSET);
    }

    /**
     * @param status code.
     * @return this for a fluent API.
     */
    public JoinResultFlyweight status(final int status)
    {
        putInt(STATUS_OFFSET, status);
        return this;
    }

    /**
     * @return number of backlog events that follow.
     */
    public int backlogCount()
    {
        return getInt(BACKLOG_COUNT_OFFSET);
    }

    /**
     * @param count number of backlog events.
     * @return this for a fluent API.
     */
    public JoinResultFlyweight backlogCount(final int count)
    {
        putInt(BACKLOG_COUNT_OFFSET, count);
        return this;
    }

    /**
     * @return seq of the first live event the joiner receives.
     */
    public long nextSeq()
    {
        return getLong(NEXT_SEQ_OFFSET);
    }

    /**
     * @param seq of the first live event.
     * @return this for a fluent API.
     */
    public JoinResultFlyweight nextSeq(final long seq)
    {
        putLong(NEXT_SEQ_OFFSET, seq);
        return this;
    }
}
