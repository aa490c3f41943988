package io.skirmish.directory.protocol;

/**
 * REPORT, room server to directory, every report interval: its health and up to {@link #MAX_ROOMS} rooms with their
 * kind, member count, size and flags ({@link #ROOM_FLAG_DURABLE}: the room is durable, and the directory places it
 * on another server when this one dies). A report is also a heartbeat. With {@link #FLAG_COMPLETE} the report lists
 * every room the server has, and the directory closes the server's reported rooms it leaves out. A server with more
 * than {@link #MAX_ROOMS} rooms sends its report in parts, each with {@link #FLAG_PART}, its part index (flag bits
 * 8-15), the part count (bits 16-23) and the report's number (bits 24-31, the same in every part of one report): the
 * directory takes the parts of one report, received in order with none missing, as one complete report.
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                      Header (16 bytes)                        |
 *  +---------------------------------------------------------------+
 *  |                         Server Id (32)                        |
 *  +---------------------------------------------------------------+
 *  |                          Health (32)                          |
 *  +---------------------------------------------------------------+
 *  |                        Room Count (32)                        |
 *  +---------------------------------------------------------------+
 *  |                           Flags (32)                          |
 *  +---------------------------------------------------------------+
 *  |                   Room Id (32), per room                      |
 *  +---------------------------------------------------------------+
 *  |                           Kind (32)                           |
 *  +---------------------------------------------------------------+
 *  |                          Members (32)                         |
 *  +---------------------------------------------------------------+
 *  |                        Max Players (32)                       |
 *  +---------------------------------------------------------------+
 *  |                        Room Flags (32)                        |
 *  +---------------------------------------------------------------+
 *  |                        ... more rooms                        ...
 * </pre>
 */
public final class ReportFlyweight extends DirectoryHeaderFlyweight
{
    /** Offset of the server id. */
    public static final int SERVER_ID_OFFSET = 16;
    /** Offset of the health. */
    public static final int HEALTH_OFFSET = 20;
    /** Offset of the room count. */
    public static final int ROOM_COUNT_OFFSET = 24;
    /** Offset of the flags. */
    public static final int FLAGS_OFFSET = 28;
    /** Offset of the first room entry. */
    public static final int ROOMS_OFFSET = 32;
    /** Length of a room entry. */
    public static final int ROOM_LENGTH = 20;
    /** Most rooms in one report. */
    public static final int MAX_ROOMS = 256;
    /** Flag: the report lists all the server's rooms. */
    public static final int FLAG_COMPLETE = 0x1;
    /** Flag: one part of a report in parts (index, count and report number in the flags' upper bytes). */
    public static final int FLAG_PART = 0x2;
    /** Most parts of one report (so most rooms reported: {@code MAX_PARTS * MAX_ROOMS}). */
    public static final int MAX_PARTS = 255;

    /**
     * @param index  the part's index, from 0.
     * @param count  parts of the report.
     * @param number the report's number (its low 8 bits are kept).
     * @return the flags of that part.
     */
    public static int partFlags(final int index, final int count, final int number)
    {
        return FLAG_PART | (index & 0xFF) << 8 | (count & 0xFF) << 16 | (number & 0xFF) << 24;
    }

    /**
     * @param flags a report's flags.
     * @return the part index in them.
     */
    public static int partIndex(final int flags)
    {
        return (flags >>> 8) & 0xFF;
    }

    /**
     * @param flags a report's flags.
     * @return the part count in them.
     */
    public static int partCount(final int flags)
    {
        return (flags >>> 16) & 0xFF;
    }

    /**
     * @param flags a report's flags.
     * @return the report number in them.
     */
    public static int partNumber(final int flags)
    {
        return (flags >>> 24) & 0xFF;
    }

    /** Room flag: the room is durable (recorded to a shared archive), re-placed when its server dies. */
    public static final int ROOM_FLAG_DURABLE = 0x1;

    /**
     * @return server id.
     */
    public int serverId()
    {
        return getInt(SERVER_ID_OFFSET);
    }

    /**
     * @param serverId server id.
     * @return this for a fluent API.
     */
    public ReportFlyweight serverId(final int serverId)
    {
        putInt(SERVER_ID_OFFSET, serverId);
        return this;
    }

    /**
     * @return health: 0 healthy, positive degraded (the directory places no new rooms there), negative draining.
     */
    public int health()
    {
        return getInt(HEALTH_OFFSET);
    }

    /**
     * @param health 0 healthy, positive degraded, negative draining.
     * @return this for a fluent API.
     */
    public ReportFlyweight health(final int health)
    {
        putInt(HEALTH_OFFSET, health);
        return this;
    }

    /**
     * @return number of room entries.
     */
    public int roomCount()
    {
        return getInt(ROOM_COUNT_OFFSET);
    }

    /**
     * @param roomCount number of room entries.
     * @return this for a fluent API.
     */
    public ReportFlyweight roomCount(final int roomCount)
    {
        putInt(ROOM_COUNT_OFFSET, roomCount);
        return this;
    }

    /**
     * @return flags.
     */
    public int flags()
    {
        return getInt(FLAGS_OFFSET);
    }

    /**
     * @param flags flags.
     * @return this for a fluent API.
     */
    public ReportFlyweight flags(final int flags)
    {
        putInt(FLAGS_OFFSET, flags);
        return this;
    }

    /**
     * @param index of the entry.
     * @return its room id.
     */
    public int roomId(final int index)
    {
        return getInt(ROOMS_OFFSET + index * ROOM_LENGTH);
    }

    /**
     * @param index of the entry.
     * @return its room kind.
     */
    public int kind(final int index)
    {
        return getInt(ROOMS_OFFSET + index * ROOM_LENGTH + 4);
    }

    /**
     * @param index of the entry.
     * @return its member count.
     */
    public int members(final int index)
    {
        return getInt(ROOMS_OFFSET + index * ROOM_LENGTH + 8);
    }

    /**
     * @param index of the entry.
     * @return its most players.
     */
    public int maxPlayers(final int index)
    {
        return getInt(ROOMS_OFFSET + index * ROOM_LENGTH + 12);
    }

    /**
     * @param index of the entry.
     * @return its room flags.
     */
    public int roomFlags(final int index)
    {
        return getInt(ROOMS_OFFSET + index * ROOM_LENGTH + 16);
    }

    /**
     * Write one room entry.
     *
     * @param index      of the entry.
     * @param roomId     room id.
     * @param kind       room kind.
     * @param members    members now.
     * @param maxPlayers most players.
     * @param roomFlags  {@link #ROOM_FLAG_DURABLE} or 0.
     * @return this for a fluent API.
     */
    public ReportFlyweight room(
        final int index, final int roomId, final int kind, final int members, final int maxPlayers,
        final int roomFlags)
    {
        final int at = ROOMS_OFFSET + index * ROOM_LENGTH;
        putInt(at, roomId);
        putInt(at + 4, kind);
        putInt(at + 8, members);
        putInt(at + 12, maxPlayers);
        putInt(at + 16, roomFlags);
        return this;
    }

    /**
     * @param roomCount rooms in the message.
     * @return length of a message with that many rooms.
     */
    public static int length(final int roomCount)
    {
        return ROOMS_OFFSET + roomCount * ROOM_LENGTH;
    }
}
