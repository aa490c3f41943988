package io.skirmish.directory.protocol;

/**
 * HEARTBEAT, room server to directory: alive, with its health, between reports.
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                      Header (16 bytes)                        |
 *  +---------------------------------------------------------------+
 *  |                         Server Id (32)                        |
 *  +---------------------------------------------------------------+
 *  |                          Health (32)                          |
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class HeartbeatFlyweight extends DirectoryHeaderFlyweight
{
    /** Offset of the server id. */
    public static final int SERVER_ID_OFFSET = 16;
    /** Offset of the health. */
    public static final int HEALTH_OFFSET = 20;
    /** Length of the message. */
    public static final int LENGTH = 24;

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
    public HeartbeatFlyweight serverId(final int serverId)
    {
        putInt(SERVER_ID_OFFSET, serverId);
        return this;
    }

    /**
     * @return health, as in REPORT.
     */
    public int health()
    {
        return getInt(HEALTH_OFFSET);
    }

    /**
     * @param health as in REPORT.
     * @return this for a fluent API.
     */
    public HeartbeatFlyweight health(final int health)
    {
        putInt(HEALTH_OFFSET, health);
        return this;
    }
}
