package io.skirmish.directory.protocol;

/**
 * REGISTER_SERVER, room server to directory: the server's id, how many players it holds, the id of the connect
 * token key it verifies with (the backend mints tokens for it with that key) and its public address, exactly as in
 * its {@code GameServer.Context#publicAddresses} (the address connect tokens are minted for). Registering again
 * updates them and revives a server marked dead.
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                      Header (16 bytes)                        |
 *  +---------------------------------------------------------------+
 *  |                         Server Id (32)                        |
 *  +---------------------------------------------------------------+
 *  |                         Capacity (32)                         |
 *  +---------------------------------------------------------------+
 *  |                       Token Key Id (32)                       |
 *  +---------------------------------------------------------------+
 *  |                      Address Length (32)                      |
 *  +---------------------------------------------------------------+
 *  |                     Address (ASCII, host:port)               ...
 * </pre>
 */
public final class RegisterServerFlyweight extends DirectoryHeaderFlyweight
{
    /** Offset of the server id. */
    public static final int SERVER_ID_OFFSET = 16;
    /** Offset of the capacity. */
    public static final int CAPACITY_OFFSET = 20;
    /** Offset of the token key id. */
    public static final int TOKEN_KEY_ID_OFFSET = 24;
    /** Offset of the address length. */
    public static final int ADDRESS_LENGTH_OFFSET = 28;
    /** Offset of the address. */
    public static final int ADDRESS_OFFSET = 32;
    /** Longest address, as for connect tokens. */
    public static final int MAX_ADDRESS_LENGTH = 128;

    /**
     * @return server id.
     */
    public int serverId()
    {
        return getInt(SERVER_ID_OFFSET);
    }

    /**
     * @param serverId server id, positive.
     * @return this for a fluent API.
     */
    public RegisterServerFlyweight serverId(final int serverId)
    {
        putInt(SERVER_ID_OFFSET, serverId);
        return this;
    }

    /**
     * @return capacity in players.
     */
    public int capacity()
    {
        return getInt(CAPACITY_OFFSET);
    }

    /**
     * @param capacity in players.
     * @return this for a fluent API.
     */
    public RegisterServerFlyweight capacity(final int capacity)
    {
        putInt(CAPACITY_OFFSET, capacity);
        return this;
    }

    /**
     * @return token key id.
     */
    public int tokenKeyId()
    {
        return getInt(TOKEN_KEY_ID_OFFSET);
    }

    /**
     * @param tokenKeyId token key id.
     * @return this for a fluent API.
     */
    public RegisterServerFlyweight tokenKeyId(final int tokenKeyId)
    {
        putInt(TOKEN_KEY_ID_OFFSET, tokenKeyId);
        return this;
    }

    /**
     * @return the declared address length.
     */
    public int addressLength()
    {
        return getInt(ADDRESS_LENGTH_OFFSET);
    }

    /**
     * @return the address (allocates: cold path).
     */
    public String address()
    {
        return getAscii(ADDRESS_OFFSET, addressLength());
    }

    /**
     * @param address public address, ASCII.
     * @return this for a fluent API.
     */
    public RegisterServerFlyweight address(final String address)
    {
        putInt(ADDRESS_LENGTH_OFFSET, putAscii(ADDRESS_OFFSET, address));
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
