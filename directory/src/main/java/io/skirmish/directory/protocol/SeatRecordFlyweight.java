package io.skirmish.directory.protocol;

/**
 * SNAPSHOT_SEAT: one unexpired seat in the directory's snapshot; the correlation id is the request that reserved it
 * (so a repeated request still finds it). A confirmed seat (flag 1) is kept until its expiry only for that: its
 * players are the room's members. Format version 1 snapshots end the record after the party size (no flags).
 * <pre>
 * +---------------------------------------------------------------+
 * |                      Header (16 bytes)                        |
 * +---------------------------------------------------------------+
 * |                           Seat Id (64)                        |
 * |                                                               |
 * +---------------------------------------------------------------+
 * |                     Expires At ms (64)                        |
 * |                                                               |
 * +---------------------------------------------------------------+
 * |                   Cluster Session Id (64)                     |
 * |                                                               |
 * +---------------------------------------------------------------+
 * |                          Room Id (32)                         |
 * +---------------------------------------------------------------+
 * |                        Party Size (32)                        |
 * +---------------------------------------------------------------+
 * |                           Flags (32)                          |
 * +---------------------------------------------------------------+
 * |                         Reserved (32)                         |
 * +---------------------------------------------------------------+
 * </pre>
 */
public final class SeatRecordFlyweight extends DirectoryHeaderFlyweight
{
    /** Offset of the seat id. */
    public static final int SEAT_ID_OFFSET = 16;
    /** Offset of the expiry. */
    public static final int EXPIRES_AT_MS_OFFSET = 24;
    /** Offset of the cluster session of the backend that asked. */
    public static final int SESSION_ID_OFFSET = 32;
    /** Offset of the room id. */
    public static final int ROOM_ID_OFFSET = 40;
    /** Offset of the players the seat holds. */
    public static final int PARTY_SIZE_OFFSET = 44;
    /** Offset of the flags. */
    public static final int FLAGS_OFFSET = 48;
    /** Flag: the seat was confirmed. */
    public static final int FLAG_CONFIRMED = 1;
    /** Length of the record in format version 1 (no flags). */
    public static final int LENGTH_V1 = 48;
    /** Length of the message. */
    public static final int LENGTH = 56;

    /**
     * @return seat id.
     */
    public long seatId()
    {
        return getLong(SEAT_ID_OFFSET);
    }

    /**
     * @param seatId seat id.
     * @return this for a fluent API.
     */
    public SeatRecordFlyweight seatId(final long seatId)
    {
        putLong(SEAT_ID_OFFSET, seatId);
        return this;
    }

    /**
     * @return expiry, cluster time in ms.
     */
    public long expiresAtMs()
    {
        return getLong(EXPIRES_AT_MS_OFFSET);
    }

    /**
     * @param expiresAtMs expiry, cluster time in ms.
     * @return this for a fluent API.
     */
    public SeatRecordFlyweight expiresAtMs(final long expiresAtMs)
    {
        putLong(EXPIRES_AT_MS_OFFSET, expiresAtMs);
        return this;
    }

    /**
     * @return cluster session of the backend that asked.
     */
    public long sessionId()
    {
        return getLong(SESSION_ID_OFFSET);
    }

    /**
     * @param sessionId cluster session of the backend that asked.
     * @return this for a fluent API.
     */
    public SeatRecordFlyweight sessionId(final long sessionId)
    {
        putLong(SESSION_ID_OFFSET, sessionId);
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
    public SeatRecordFlyweight roomId(final int roomId)
    {
        putInt(ROOM_ID_OFFSET, roomId);
        return this;
    }

    /**
     * @return players the seat holds.
     */
    public int partySize()
    {
        return getInt(PARTY_SIZE_OFFSET);
    }

    /**
     * @param partySize players the seat holds.
     * @return this for a fluent API.
     */
    public SeatRecordFlyweight partySize(final int partySize)
    {
        putInt(PARTY_SIZE_OFFSET, partySize);
        return this;
    }

    /**
     * @return flags ({@link #FLAG_CONFIRMED}).
     */
    public int flags()
    {
        return getInt(FLAGS_OFFSET);
    }

    /**
     * @param flags flags ({@link #FLAG_CONFIRMED}).
     * @return this for a fluent API.
     */
    public SeatRecordFlyweight flags(final int flags)
    {
        putInt(FLAGS_OFFSET, flags);
        putInt(FLAGS_OFFSET + 4, 0);
        return this;
    }
}
