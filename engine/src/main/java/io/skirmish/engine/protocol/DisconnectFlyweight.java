package io.skirmish.engine.protocol;

/**
 * DISCONNECT, either direction on the reliable lane: the session ends.
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                       Header (8 bytes)                        |
 *  +---------------------------------------------------------------+
 *  |                     Disconnect Reason Code (32)               |
 *  +---------------------------------------------------------------+
 *  |                         Reserved (32)                         |
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class DisconnectFlyweight extends FrameHeaderFlyweight
{
    /** Offset of the reason code. */
    public static final int REASON_OFFSET = 8;
    /** Length of the frame. */
    public static final int LENGTH = 16;

    /**
     * @return the reason code.
     */
    public int reason()
    {
        return getInt(REASON_OFFSET);
    }

    /**
     * @param reason code.
     * @return this for a fluent API.
     */
    public DisconnectFlyweight reason(final int reason)
    {
        putInt(REASON_OFFSET, reason);
        putInt(REASON_OFFSET + 4, 0);
        return this;
    }
}
