package io.skirmish.engine.protocol;

/**
 * REPLAY_REQUEST, client to server on the reliable lane: resend room events {@code fromSeq..toSeq} inclusive. With
 * {@link #FLAG_RESYNC}: the client holds events {@code fromSeq..toSeq} that the room, restored after a server restart
 * at {@code fromSeq - 1}, does not have (it went back to {@code fromSeq - 1}); it wants a resync to the room's
 * newest seq instead (flags 0 from clients that do not know it).
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                       Header (8 bytes)                        |
 *  +---------------------------------------------------------------+
 *  |                          Room Id (32)                         |
 *  +---------------------------------------------------------------+
 *  |                           Flags (32)                          |
 *  +---------------------------------------------------------------+
 *  |                         From Seq (64)                         |
 *  +---------------------------------------------------------------+
 *  |                          To Seq (64)                          |
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class ReplayRequestFlyweight extends FrameHeaderFlyweight
{
    /** Offset of the room id. */
    public static final int ROOM_ID_OFFSET = 8;
    /** Offset of the first seq wanted. */
    public static final int FROM_SEQ_OFFSET = 16;
    /** Offset of the last seq wanted. */
    public static final int TO_SEQ_OFFSET = 24;
    /** Offset of the request flags (the frame header has flags of its own). */
    public static final int REQUEST_FLAGS_OFFSET = 12;
    /** Length of the frame. */
    public static final int LENGTH = 32;
    /** Flag: not a replay, a resync after a restore that ended before what the client delivered. */
    public static final int FLAG_RESYNC = 1;

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
    public ReplayRequestFlyweight roomId(final int roomId)
    {
        putInt(ROOM_ID_OFFSET, roomId);
        putInt(ROOM_ID_OFFSET + 4, 0);
        return this;
    }

    /**
     * @return the request's flags ({@link #FLAG_RESYNC}).
     */
    public int requestFlags()
    {
        return getInt(REQUEST_FLAGS_OFFSET);
    }

    /**
     * @param flags the request's flags, written after {@link #roomId(int)}.
     * @return this for a fluent API.
     */
    public ReplayRequestFlyweight requestFlags(final int flags)
    {
        putInt(REQUEST_FLAGS_OFFSET, flags);
        return this;
    }

    /**
     * @return first seq wanted.
     */
    public long fromSeq()
    {
        return getLong(FROM_SEQ_OFFSET);
    }

    /**
     * @param seq first seq wanted.
     * @return this for a fluent API.
     */
    public ReplayRequestFlyweight fromSeq(final long seq)
    {
        putLong(FROM_SEQ_OFFSET, seq);
        return this;
    }

    /**
     * @return last seq wanted, inclusive.
     */
    public long toSeq()
    {
        return getLong(TO_SEQ_OFFSET);
    }

    /**
     * @param seq last seq wanted, inclusive.
     * @return this for a fluent API.
     */
    public ReplayRequestFlyweight toSeq(final long seq)
    {
        putLong(TO_SEQ_OFFSET, seq);
        return this;
    }
}
