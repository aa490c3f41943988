package io.skirmish.directory.protocol;

/**
 * SEAT_BY_ROOM and SEAT_BY_TICKET, backend to directory: a seat for a party of players. By room, the room id names
 * the room and the ticket fields are zero. By ticket, the directory matches kind, properties (compared byte for byte)
 * and a room size between min and max players into the fullest open room with space, or places a new room of max
 * players on the least loaded live server. The TTL is how long the seat is held unconfirmed, 0 for the directory's
 * default; the correlation id also makes the request idempotent: asked again, the directory answers with the same seat.
 * Flag 1 (durable), by ticket: only durable rooms match, and a room placed for the ticket is durable.
 * <pre>
 * +---------------------------------------------------------------+
 * |                      Header (16 bytes)                        |
 * +---------------------------------------------------------------+
 * |                          Room Id (32)                         |
 * +---------------------------------------------------------------+
 * |                        Party Size (32)                        |
 * +---------------------------------------------------------------+
 * |                           Kind (32)                           |
 * +---------------------------------------------------------------+
 * |                        Min Players (32)                       |
 * +---------------------------------------------------------------+
 * |                        Max Players (32)                       |
 * +---------------------------------------------------------------+
 * |                           TTL ms (32)                         |
 * +---------------------------------------------------------------+
 * |                     Properties Length (32)                    |
 * +---------------------------------------------------------------+
 * |                           Flags (32)                          |
 * +---------------------------------------------------------------+
 * |                       Properties (bytes)                     ...
 * </pre>
 */
public final class SeatRequestFlyweight extends DirectoryHeaderFlyweight
{
    /** Offset of the room id. */
    public static final int ROOM_ID_OFFSET = 16;
    /** Offset of the players in the party. */
    public static final int PARTY_SIZE_OFFSET = 20;
    /** Offset of the room kind of a ticket. */
    public static final int KIND_OFFSET = 24;
    /** Offset of the fewest players the ticket's room starts with. */
    public static final int MIN_PLAYERS_OFFSET = 28;
    /** Offset of the most players in the ticket's room. */
    public static final int MAX_PLAYERS_OFFSET = 32;
    /** Offset of the how long the seat is held. */
    public static final int TTL_MS_OFFSET = 36;
    /** Offset of the length of the properties. */
    public static final int PROPERTIES_LENGTH_OFFSET = 40;
    /** Length of the message without its variable part. */
    public static final int MIN_LENGTH = 48;

    /**
     * @return room id, 0 for a ticket.
     */
    public int roomId()
    {
        return getInt(ROOM_ID_OFFSET);
    }

    /**
     * @param roomId room id, 0 for a ticket.
     * @return this for a fluent API.
     */
    public SeatRequestFlyweight roomId(final int roomId)
    {
        putInt(ROOM_ID_OFFSET, roomId);
        return this;
    }

    /**
     * @return players in the party.
     */
    public int partySize()
    {
        return getInt(PARTY_SIZE_OFFSET);
    }

    /**
     * @param partySize players in the party.
     * @return this for a fluent API.
     */
    public SeatRequestFlyweight partySize(final int partySize)
    {
        putInt(PARTY_SIZE_OFFSET, partySize);
        return this;
    }

    /**
     * @return room kind of a ticket.
     */
    public int kind()
    {
        return getInt(KIND_OFFSET);
    }

    /**
     * @param kind room kind of a ticket.
     * @return this for a fluent API.
     */
    public SeatRequestFlyweight kind(final int kind)
    {
        putInt(KIND_OFFSET, kind);
        return this;
    }

    /**
     * @return fewest players the ticket's room starts with.
     */
    public int minPlayers()
    {
        return getInt(MIN_PLAYERS_OFFSET);
    }

    /**
     * @param minPlayers fewest players the ticket's room starts with.
     * @return this for a fluent API.
     */
    public SeatRequestFlyweight minPlayers(final int minPlayers)
    {
        putInt(MIN_PLAYERS_OFFSET, minPlayers);
        return this;
    }

    /**
     * @return most players in the ticket's room.
     */
    public int maxPlayers()
    {
        return getInt(MAX_PLAYERS_OFFSET);
    }

    /**
     * @param maxPlayers most players in the ticket's room.
     * @return this for a fluent API.
     */
    public SeatRequestFlyweight maxPlayers(final int maxPlayers)
    {
        putInt(MAX_PLAYERS_OFFSET, maxPlayers);
        return this;
    }

    /**
     * @return how long the seat is held, 0 for the default.
     */
    public int ttlMs()
    {
        return getInt(TTL_MS_OFFSET);
    }

    /**
     * @param ttlMs how long the seat is held, 0 for the default.
     * @return this for a fluent API.
     */
    public SeatRequestFlyweight ttlMs(final int ttlMs)
    {
        putInt(TTL_MS_OFFSET, ttlMs);
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
    public SeatRequestFlyweight propertiesLength(final int propertiesLength)
    {
        putInt(PROPERTIES_LENGTH_OFFSET, propertiesLength);
        return this;
    }

    /** Offset of the flags. */
    public static final int FLAGS_OFFSET = 44;
    /** Flag of a ticket: it asks for a durable room. */
    public static final int FLAG_DURABLE = 1;

    /**
     * @return flags ({@link #FLAG_DURABLE}).
     */
    public int flags()
    {
        return getInt(FLAGS_OFFSET);
    }

    /**
     * @param flags flags ({@link #FLAG_DURABLE}).
     * @return this for a fluent API.
     */
    public SeatRequestFlyweight flags(final int flags)
    {
        putInt(FLAGS_OFFSET, flags);
        return this;
    }

    /** Offset of the properties. */
    public static final int PROPERTIES_OFFSET = 48;
    /** Longest properties. */
    public static final int MAX_PROPERTIES_LENGTH = 256;

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
     * @param length how many bytes of src, at most {@link #MAX_PROPERTIES_LENGTH}.
     * @return this for a fluent API.
     */
    public SeatRequestFlyweight putProperties(final byte[] src, final int length)
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
