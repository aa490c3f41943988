package io.skirmish.engine.protocol;

/**
 * FEED_REQUEST, client to server inside a {@code RELIABLE} envelope: open a read-only feed of a durable room's
 * recording (spectate it behind a delay, or replay it at a speed), or stop one. The feed id is the client's own
 * name for the feed, echoed in every {@link FeedFrameFlyweight}. The speed is an IEEE 754 double (0 or infinity: as
 * fast as possible).
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                       Header (8 bytes)                        |
 *  +---------------------------------------------------------------+
 *  |                          Feed Id (32)                         |
 *  +---------------------------------------------------------------+
 *  |                          Room Id (32)                         |
 *  +---------------------------------------------------------------+
 *  |                            Mode (32)                          |
 *  +---------------------------------------------------------------+
 *  |                         Recording (32)                        |
 *  +---------------------------------------------------------------+
 *  |                          Delay Ns (64)                        |
 *  +---------------------------------------------------------------+
 *  |                          From Seq (64)                        |
 *  +---------------------------------------------------------------+
 *  |                           Speed (64)                          |
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class FeedRequestFlyweight extends FrameHeaderFlyweight
{
    /** Mode: follow the room's live recording behind the delay. */
    public static final int SPECTATE = 1;
    /** Mode: replay the room's newest recording from a seq at a speed. */
    public static final int REPLAY = 2;
    /** Mode: stop the feed. */
    public static final int STOP = 3;

    /** Offset of the feed id. */
    public static final int FEED_ID_OFFSET = 8;
    /** Offset of the room id. */
    public static final int ROOM_ID_OFFSET = 12;
    /** Offset of the mode. */
    public static final int MODE_OFFSET = 16;
    /** Offset of the recording a replay picks: its recording id plus one, 0 for the room's newest match. */
    public static final int RECORDING_OFFSET = 20;
    /** Offset of the delay. */
    public static final int DELAY_OFFSET = 24;
    /** Offset of the first seq wanted. */
    public static final int FROM_SEQ_OFFSET = 32;
    /** Offset of the speed. */
    public static final int SPEED_OFFSET = 40;
    /** Length of the frame. */
    public static final int LENGTH = 48;

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
    public FeedRequestFlyweight feedId(final int feedId)
    {
        putInt(FEED_ID_OFFSET, feedId);
        return this;
    }

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
    public FeedRequestFlyweight roomId(final int roomId)
    {
        putInt(ROOM_ID_OFFSET, roomId);
        return this;
    }

    /**
     * @return {@link #SPECTATE}, {@link #REPLAY} or {@link #STOP}.
     */
    public int mode()
    {
        return getInt(MODE_OFFSET);
    }

    /**
     * @param mode {@link #SPECTATE}, {@link #REPLAY} or {@link #STOP}.
     * @return this for a fluent API.
     */
    public FeedRequestFlyweight mode(final int mode)
    {
        putInt(MODE_OFFSET, mode);
        putInt(MODE_OFFSET + 4, 0);
        return this;
    }

    /**
     * @return the recording whose match a replay wants, or -1 for the room's newest match (the field is the
     * recording id plus one: 0, as older clients send, is the newest).
     */
    public long recordingId()
    {
        return (getInt(RECORDING_OFFSET) & 0xFFFF_FFFFL) - 1;
    }

    /**
     * Set after {@link #mode(int)}, which clears it.
     *
     * @param recordingId the recording whose match a replay wants (below 2^32 - 1), or -1 for the newest.
     * @return this for a fluent API.
     */
    public FeedRequestFlyweight recordingId(final long recordingId)
    {
        putInt(RECORDING_OFFSET, (int)(recordingId + 1));
        return this;
    }

    /**
     * @return the spectator delay in nanoseconds.
     */
    public long delayNs()
    {
        return getLong(DELAY_OFFSET);
    }

    /**
     * @param delayNs the spectator delay in nanoseconds.
     * @return this for a fluent API.
     */
    public FeedRequestFlyweight delayNs(final long delayNs)
    {
        putLong(DELAY_OFFSET, delayNs);
        return this;
    }

    /**
     * @return first seq a replay wants (it starts at the newest keyframe before it).
     */
    public long fromSeq()
    {
        return getLong(FROM_SEQ_OFFSET);
    }

    /**
     * @param fromSeq first seq a replay wants.
     * @return this for a fluent API.
     */
    public FeedRequestFlyweight fromSeq(final long fromSeq)
    {
        putLong(FROM_SEQ_OFFSET, fromSeq);
        return this;
    }

    /**
     * @return replay speed factor (1 recorded pace; 0 or infinity as fast as possible).
     */
    public double speed()
    {
        return Double.longBitsToDouble(getLong(SPEED_OFFSET));
    }

    /**
     * @param speed replay speed factor.
     * @return this for a fluent API.
     */
    public FeedRequestFlyweight speed(final double speed)
    {
        putLong(SPEED_OFFSET, Double.doubleToRawLongBits(speed));
        return this;
    }
}
