package io.skirmish.directory.protocol;

/**
 * SEAT_GRANTED, directory to the backend that asked: a seat is reserved in a room on a room server until the expiry
 * (cluster time, ms since the epoch). The backend mints a connect token for the server's address with the key the
 * token key id names, and hands it to its player; the room server confirms the seat when the player arrives.
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
 * |                          Room Id (32)                         |
 * +---------------------------------------------------------------+
 * |                         Server Id (32)                        |
 * +---------------------------------------------------------------+
 * |                       Token Key Id (32)                       |
 * +---------------------------------------------------------------+
 * |                        Party Size (32)                        |
 * +---------------------------------------------------------------+
 * |                   Occupied, this seat included (32)           |
 * +---------------------------------------------------------------+
 * |                        Max Players (32)                       |
 * +---------------------------------------------------------------+
 * |                      Address Length (32)                      |
 * +---------------------------------------------------------------+
 * |                         Reserved (32)                         |
 * +---------------------------------------------------------------+
 * |                     Address (ASCII, host:port)               ...
 * </pre>
 */
public final class SeatGrantedFlyweight extends DirectoryHeaderFlyweight
{
    /** Offset of the seat id. */
    public static final int SEAT_ID_OFFSET = 16;
    /** Offset of the expiry. */
    public static final int EXPIRES_AT_MS_OFFSET = 24;
    /** Offset of the room id. */
    public static final int ROOM_ID_OFFSET = 32;
    /** Offset of the room server id. */
    public static final int SERVER_ID_OFFSET = 36;
    /** Offset of the id of the connect token key the server verifies with. */
    public static final int TOKEN_KEY_ID_OFFSET = 40;
    /** Offset of the players the seat holds. */
    public static final int PARTY_SIZE_OFFSET = 44;
    /** Offset of the members plus reserved seats in the room. */
    public static final int OCCUPIED_OFFSET = 48;
    /** Offset of the most players in the room. */
    public static final int MAX_PLAYERS_OFFSET = 52;
    /** Offset of the length of the address. */
    public static final int ADDRESS_LENGTH_OFFSET = 56;
    /** Length of the message without its variable part. */
    public static final int MIN_LENGTH = 64;

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
    public SeatGrantedFlyweight seatId(final long seatId)
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
    public SeatGrantedFlyweight expiresAtMs(final long expiresAtMs)
    {
        putLong(EXPIRES_AT_MS_OFFSET, expiresAtMs);
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
    public SeatGrantedFlyweight roomId(final int roomId)
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
    public SeatGrantedFlyweight serverId(final int serverId)
    {
        putInt(SERVER_ID_OFFSET, serverId);
        return this;
    }

    /**
     * @return id of the connect token key the server verifies with.
     */
    public int tokenKeyId()
    {
        return getInt(TOKEN_KEY_ID_OFFSET);
    }

    /**
     * @param tokenKeyId id of the connect token key the server verifies with.
     * @return this for a fluent API.
     */
    public SeatGrantedFlyweight tokenKeyId(final int tokenKeyId)
    {
        putInt(TOKEN_KEY_ID_OFFSET, tokenKeyId);
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
    public SeatGrantedFlyweight partySize(final int partySize)
    {
        putInt(PARTY_SIZE_OFFSET, partySize);
        return this;
    }

    /**
     * @return members plus reserved seats in the room, this one included.
     */
    public int occupied()
    {
        return getInt(OCCUPIED_OFFSET);
    }

    /**
     * @param occupied members plus reserved seats in the room, this one included.
     * @return this for a fluent API.
     */
    public SeatGrantedFlyweight occupied(final int occupied)
    {
        putInt(OCCUPIED_OFFSET, occupied);
        return this;
    }

    /**
     * @return most players in the room.
     */
    public int maxPlayers()
    {
        return getInt(MAX_PLAYERS_OFFSET);
    }

    /**
     * @param maxPlayers most players in the room.
     * @return this for a fluent API.
     */
    public SeatGrantedFlyweight maxPlayers(final int maxPlayers)
    {
        putInt(MAX_PLAYERS_OFFSET, maxPlayers);
        return this;
    }

    /**
     * @return length of the address.
     */
    public int addressLength()
    {
        return getInt(ADDRESS_LENGTH_OFFSET);
    }

    /**
     * @param addressLength length of the address.
     * @return this for a fluent API.
     */
    public SeatGrantedFlyweight addressLength(final int addressLength)
    {
        putInt(ADDRESS_LENGTH_OFFSET, addressLength);
        return this;
    }

    /** Offset of the address. */
    public static final int ADDRESS_OFFSET = 64;

    /**
     * @return the room server's public address (allocates: cold path).
     */
    public String address()
    {
        return getAscii(ADDRESS_OFFSET, addressLength());
    }

    /**
     * @param address the room server's public address.
     * @return this for a fluent API.
     */
    public SeatGrantedFlyweight address(final String address)
    {
        addressLength(putAscii(ADDRESS_OFFSET, address));
        return this;
    }

    /**
     * @return length of the message as written.
     */
    public int length()
    {
        return ADDRESS_OFFSET + addressLength();
    }
}
