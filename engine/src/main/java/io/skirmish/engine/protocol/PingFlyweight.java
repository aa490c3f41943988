package io.skirmish.engine.protocol;

/**
 * PING and PONG, either direction on the reliable lane: keepalive and RTT probe. A PONG echoes the PING's origin
 * timestamp, so only the originator's clock is ever compared with itself.
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                       Header (8 bytes)                        |
 *  +---------------------------------------------------------------+
 *  |                      Origin Time Ns (64)                      |
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class PingFlyweight extends FrameHeaderFlyweight
{
    /** Offset of the origin timestamp. */
    public static final int ORIGIN_TIME_OFFSET = 8;
    /** Length of the frame. */
    public static final int LENGTH = 16;

    /**
     * @return the originator's clock in nanoseconds when the PING was sent.
     */
    public long originTimeNs()
    {
        return getLong(ORIGIN_TIME_OFFSET);
    }

    /**
     * @param timeNs the originator's clock in nanoseconds.
     * @return this for a fluent API.
     */
    public PingFlyweight originTimeNs(final long timeNs)
    {
        putLong(ORIGIN_TIME_OFFSET, timeNs);
        return this;
    }
}
