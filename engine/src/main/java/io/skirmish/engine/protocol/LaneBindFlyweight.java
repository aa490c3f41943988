package io.skirmish.engine.protocol;

/**
 * LANE_BIND, client to server on the unreliable input lane: ties that lane (and the snapshot lane paired with it)
 * to the session named in the header, proven by the session's secret.
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                       Header (8 bytes)                        |
 *  +---------------------------------------------------------------+
 *  |                        Session Secret (64)                    |
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class LaneBindFlyweight extends FrameHeaderFlyweight
{
    /** Offset of the session secret. */
    public static final int SECRET_OFFSET = 8;
    /** Length of the frame. */
    public static final int LENGTH = 16;

    /**
     * @return the session secret.
     */
    public long secret()
    {
        return getLong(SECRET_OFFSET);
    }

    /**
     * @param secret the session secret.
     * @return this for a fluent API.
     */
    public LaneBindFlyweight secret(final long secret)
    {
        putLong(SECRET_OFFSET, secret);
        return this;
    }
}
