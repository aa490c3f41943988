package io.skirmish.directory.protocol;

/**
 * ROOM_STATUS (answering DESCRIBE_ROOM), ROOM_PLACED (to the room server the directory placed a new room on, sent
 * again with each of its reports until it reports the room) and SNAPSHOT_ROOM: a room's state. Occupied is members
 * plus the players of unexpired seats. State: 1 placed (not yet reported by its server), 2 open (reported), 3 orphaned
 * (its server was marked dead and it was not re-placed). Flags: {@link #FLAG_DURABLE} the room is durable;
 * {@link #FLAG_RESTORE} it was re-placed from a dead server, and its new server restores it rather than creating it.
 * <pre>
 * +---------------------------------------------------------------+
 * |                      Header (16 bytes)                        |
 * +---------------------------------------------------------------+
 * |                          Room Id (32)                         |
 * +---------------------------------------------------------------+
 * |                         Server Id (32)                        |
 * +---------------------------------------------------------------+
 * |                           Kind (32)                           |
 * +---------------------------------------------------------------+
 * |                           State (32)                          |
 * +---------------------------------------------------------------+
 * |                          Members (32)                         |
 * +---------------------------------------------------------------+
 * |                         Reserved (32)                         |
 * +---------------------------------------------------------------+
 * |                        Min Players (32)                       |
 * +---------------------------------------------------------------+
 * |                        Max Players (32)                       |
 * +---------------------------------------------------------------+
 * |                     Reported At ms (64)                       |
 * |                                                               |
 * +---------------------------------------------------------------+
 * |                     Properties Length (32)                    |
 * +---------------------------------------------------------------+
 * |                           Flags (32)                          |
 * +---------------------------------------------------------------+
 * |                       Properties (bytes)                     ...
 * </pre>
 */
public final class RoomStatusFlyweight extends DirectoryHeaderFlyweight
{
    /** Offset of the room id. */
    public static final int ROOM_ID_OFFSET = 16;
    /** Offset of the room server id. */
    public static final int SERVER_ID_OFFSET = 20;
    /** Offset of the room kind. */
    public static final int KIND_OFFSET = 24;
    /** Offset of the room state. */
    public static final int STATE_OFFSET = 28;
    /** Offset of the members the server reported. */
    public static final int MEMBERS_OFFSET = 32;
    /** Offset of the players of unexpired. */
    public static final int RESERVED_OFFSET = 36;
    /** Offset of the fewest players the room starts with. */
    public static final int MIN_PLAYERS_OFFSET = 40;
    /** Offset of the most players. */
    public static final int MAX_PLAYERS_OFFSET = 44;
    /** Offset of the cluster time of the last report naming it. */
    public static final int REPORTED_AT_MS_OFFSET = 48;
    /** Offset of the length of the properties. */
    public static final int PROPERTIES_LENGTH_OFFSET = 56;
    /** Length of the message without its variable part. */
    public static final int MIN_LENGTH = 64;

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
    public RoomStatusFlyweight roomId(final int roomId)
    {
        putInt(ROOM_ID_OFFSET, roomId);
        return this;
    }

    /**
     * @return room server id.
     */
    public int serverId()
    {
        return getInt(SERVER_ID_OFFSET);
    }

    /**
     * @param serverId room server id.
     * @return this for a fluent API.
     */
    public RoomStatusFlyweight serverId(final int serverId)
    {
        putInt(SERVER_ID_OFFSET, serverId);
        return this;
    }

    /**
     * @return room kind.
     */
    public int kind()
    {
        return getInt(KIND_OFFSET);
    }

    /**
     * @param kind room kind.
     * @return this for a fluent API.
     */
    public RoomStatusFlyweight kind(final int kind)
    {
        putInt(KIND_OFFSET, kind);
        return this;
    }

    /**
     * @return room state.
     */
    public int state()
    {
        return getInt(STATE_OFFSET);
    }

    /**
     * @param state room state.
     * @return this for a fluent API.
     */
    public RoomStatusFlyweight state(final int state)
    {
        putInt(STATE_OFFSET, state);
        return this;
    }

    /**
     * @return members the server reported, plus confirmed seats since.
     */
    public int members()
    {
        return getInt(MEMBERS_OFFSET);
    }

    /**
     * @param members members the server reported, plus confirmed seats since.
     * @return this for a fluent API.
     */
    public RoomStatusFlyweight members(final int members)
    {
        putInt(MEMBERS_OFFSET, members);
        return this;
    }

    /**
     * @return players of unexpired, unconfirmed seats.
     */
    public int reserved()
    {
        return getInt(RESERVED_OFFSET);
    }

    /**
     * @param reserved players of unexpired, unconfirmed seats.
     * @return this for a fluent API.
     */
    public RoomStatusFlyweight reserved(final int reserved)
    {
        putInt(RESERVED_OFFSET, reserved);
        return this;
    }

    /**
     * @return fewest players the room starts with.
     */
    public int minPlayers()
    {
        return getInt(MIN_PLAYERS_OFFSET);
    }

    /**
     * @param minPlayers fewest players the room starts with.
     * @return this for a fluent API.
     */
    public RoomStatusFlyweight minPlayers(final int minPlayers)
    {
        putInt(MIN_PLAYERS_OFFSET, minPlayers);
        return this;
    }

    /**
     * @return most players.
     */
    public int maxPlayers()
    {
        return getInt(MAX_PLAYERS_OFFSET);
    }

    /**
     * @param maxPlayers most players.
     * @return this for a fluent API.
     */
    public RoomStatusFlyweight maxPlayers(final int maxPlayers)
    {
        putInt(MAX_PLAYERS_OFFSET, maxPlayers);
        return this;
    }

    /**
     * @return cluster time of the last report naming it, 0 for none.
     */
    public long reportedAtMs()
    {
        return getLong(REPORTED_AT_MS_OFFSET);
    }

    /**
     * @param reportedAtMs cluster time of the last report naming it, 0 for none.
     * @return this for a fluent API.
     */
    public RoomStatusFlyweight reportedAtMs(final long reportedAtMs)
    {
        putLong(REPORTED_AT_MS_OFFSET, reportedAtMs);
        return this;
    }

    /**
     * @return length of the properties.
     */
    public int propertiesLength()
    {
        return getInt(PROPERTIES_LENGTH_OFFSET);
    }

    /**
     * @param propertiesLength length of the properties.
     * @return this for a fluent API.
     */
    public RoomStatusFlyweight propertiesLength(final int propertiesLength)
    {
        putInt(PROPERTIES_LENGTH_OFFSET, propertiesLength);
        return this;
    }

    /** Offset of the properties. */
    public static final int PROPERTIES_OFFSET = 64;
    /** Offset of the flags. */
    public static final int FLAGS_OFFSET = 60;
    /** Flag: the room is durable. */
    public static final int FLAG_DURABLE = 0x1;
    /** Flag: re-placed from a dead server; restore it. */
    public static final int FLAG_RESTORE = 0x2;

    /**
     * @return flags.
     */
    public int flags()
    {
        return getInt(FLAGS_OFFSET);
    }

    /**
     * @param flags {@link #FLAG_DURABLE}, {@link #FLAG_RESTORE}.
     * @return this for a fluent API.
     */
    public RoomStatusFlyweight flags(final int flags)
    {
        putInt(FLAGS_OFFSET, flags);
        return this;
    }

    /**
     * Copy the properties out.
     *
     * @param dst at least {@link #propertiesLength()} bytes.
     * @return the length copied.
     */
    public int getProperties(final byte[] dst)
    {
        final int length = propertiesLength();
        getBytes(PROPERTIES_OFFSET, dst, length);
        return length;
    }

    /**
     * @param src    the properties.
     * @param length how many bytes of src, at most {@link SeatRequestFlyweight#MAX_PROPERTIES_LENGTH}.
     * @return this for a fluent API.
     */
    public RoomStatusFlyweight putProperties(final byte[] src, final int length)
    {
        propertiesLength(length);
        putBytes(PROPERTIES_OFFSET, src, length);
        return this;
    }

    /**
     * @return length of the message as written.
     */
    public int length()
    {
        return PROPERTIES_OFFSET + propertiesLength();
    }
}
