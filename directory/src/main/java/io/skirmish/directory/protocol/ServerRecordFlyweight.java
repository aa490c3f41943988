package io.skirmish.directory.protocol;

/**
 * SNAPSHOT_SERVER: one room server in the directory's snapshot. State: 1 alive, 2 dead.
 * <pre>
 * +---------------------------------------------------------------+
 * |                      Header (16 bytes)                        |
 * +---------------------------------------------------------------+
 * |                         Server Id (32)                        |
 * +---------------------------------------------------------------+
 * |                         Capacity (32)                         |
 * +---------------------------------------------------------------+
 * |                       Token Key Id (32)                       |
 * +---------------------------------------------------------------+
 * |                           State (32)                          |
 * +---------------------------------------------------------------+
 * |                          Health (32)                          |
 * +---------------------------------------------------------------+
 * |                      Address Length (32)                      |
 * +---------------------------------------------------------------+
 * |                   Cluster Session Id (64)                     |
 * |                                                               |
 * +---------------------------------------------------------------+
 * |                    Last Report At ms (64)                     |
 * |                                                               |
 * +---------------------------------------------------------------+
 * |                     Address (ASCII, host:port)               ...
 * </pre>
 */
public final class ServerRecordFlyweight extends DirectoryHeaderFlyweight
{
    /** Offset of the server id. */
    public static final int SERVER_ID_OFFSET = 16;
    /** Offset of the capacity in players. */
    public static final int CAPACITY_OFFSET = 20;
    /** Offset of the token key id. */
    public static final int TOKEN_KEY_ID_OFFSET = 24;
    /** Offset of the server state. */
    public static final int STATE_OFFSET = 28;
    /** Offset of the health. */
    public static final int HEALTH_OFFSET = 32;
    /** Offset of the length of the address. */
    public static final int ADDRESS_LENGTH_OFFSET = 36;
    /** Offset of the cluster session the server registered on. */
    public static final int SESSION_ID_OFFSET = 40;
    /** Offset of the cluster time of its last report. */
    public static final int LAST_REPORT_AT_MS_OFFSET = 48;
    /** Length of the message without its variable part. */
    public static final int MIN_LENGTH = 56;

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
    public ServerRecordFlyweight serverId(final int serverId)
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
     * @param capacity capacity in players.
     * @return this for a fluent API.
     */
    public ServerRecordFlyweight capacity(final int capacity)
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
    public ServerRecordFlyweight tokenKeyId(final int tokenKeyId)
    {
        putInt(TOKEN_KEY_ID_OFFSET, tokenKeyId);
        return this;
    }

    /**
     * @return server state.
     */
    public int state()
    {
        return getInt(STATE_OFFSET);
    }

    /**
     * @param state server state.
     * @return this for a fluent API.
     */
    public ServerRecordFlyweight state(final int state)
    {
        putInt(STATE_OFFSET, state);
        return this;
    }

    /**
     * @return health.
     */
    public int health()
    {
        return getInt(HEALTH_OFFSET);
    }

    /**
     * @param health health.
     * @return this for a fluent API.
     */
    public ServerRecordFlyweight health(final int health)
    {
        putInt(HEALTH_OFFSET, health);
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
    public ServerRecordFlyweight addressLength(final int addressLength)
    {
        putInt(ADDRESS_LENGTH_OFFSET, addressLength);
        return this;
    }

    /**
     * @return cluster session the server registered on.
     */
    public long sessionId()
    {
        return getLong(SESSION_ID_OFFSET);
    }

    /**
     * @param sessionId cluster session the server registered on.
     * @return this for a fluent API.
     */
    public ServerRecordFlyweight sessionId(final long sessionId)
    {
        putLong(SESSION_ID_OFFSET, sessionId);
        return this;
    }

    /**
     * @return cluster time of its last report.
     */
    public long lastReportAtMs()
    {
        return getLong(LAST_REPORT_AT_MS_OFFSET);
    }

    /**
     * @param lastReportAtMs cluster time of its last report.
     * @return this for a fluent API.
     */
    public ServerRecordFlyweight lastReportAtMs(final long lastReportAtMs)
    {
        putLong(LAST_REPORT_AT_MS_OFFSET, lastReportAtMs);
        return this;
    }

    /** Offset of the address. */
    public static final int ADDRESS_OFFSET = 56;

    /**
     * @return the public address (allocates: cold path).
     */
    public String address()
    {
        return getAscii(ADDRESS_OFFSET, addressLength());
    }

    /**
     * @param address the public address.
     * @return this for a fluent API.
     */
    public ServerRecordFlyweight address(final String address)
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
