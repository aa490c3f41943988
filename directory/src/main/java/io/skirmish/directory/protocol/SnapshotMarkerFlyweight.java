package io.skirmish.directory.protocol;

/**
 * SNAPSHOT_BEGIN and SNAPSHOT_END: the first and last records of the directory's snapshot, with the format version
 * and the next seat and room ids.
 * <pre>
 * +---------------------------------------------------------------+
 * |                      Header (16 bytes)                        |
 * +---------------------------------------------------------------+
 * |                      Format Version (32)                      |
 * +---------------------------------------------------------------+
 * |                        Next Room Id (32)                      |
 * +---------------------------------------------------------------+
 * |                        Next Seat Id (64)                      |
 * |                                                               |
 * +---------------------------------------------------------------+
 * </pre>
 */
public final class SnapshotMarkerFlyweight extends DirectoryHeaderFlyweight
{
    /** Offset of the snapshot format version. */
    public static final int FORMAT_VERSION_OFFSET = 16;
    /** Offset of the next room id the directory assigns. */
    public static final int NEXT_ROOM_ID_OFFSET = 20;
    /** Offset of the next seat id. */
    public static final int NEXT_SEAT_ID_OFFSET = 24;
    /** Length of the message. */
    public static final int LENGTH = 32;

    /**
     * @return snapshot format version.
     */
    public int formatVersion()
    {
        return getInt(FORMAT_VERSION_OFFSET);
    }

    /**
     * @param formatVersion snapshot format version.
     * @return this for a fluent API.
     */
    public SnapshotMarkerFlyweight formatVersion(final int formatVersion)
    {
        putInt(FORMAT_VERSION_OFFSET, formatVersion);
        return this;
    }

    /**
     * @return next room id the directory assigns.
     */
    public int nextRoomId()
    {
        return getInt(NEXT_ROOM_ID_OFFSET);
    }

    /**
     * @param nextRoomId next room id the directory assigns.
     * @return this for a fluent API.
     */
    public SnapshotMarkerFlyweight nextRoomId(final int nextRoomId)
    {
        putInt(NEXT_ROOM_ID_OFFSET, nextRoomId);
        return this;
    }

    /**
     * @return next seat id.
     */
    public long nextSeatId()
    {
        return getLong(NEXT_SEAT_ID_OFFSET);
    }

    /**
     * @param nextSeatId next seat id.
     * @return this for a fluent API.
     */
    public SnapshotMarkerFlyweight nextSeatId(final long nextSeatId)
    {
        putLong(NEXT_SEAT_ID_OFFSET, nextSeatId);
        return this;
    }
}
