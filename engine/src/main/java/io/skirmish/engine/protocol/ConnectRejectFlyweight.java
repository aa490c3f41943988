package io.skirmish.engine.protocol;

/**
 * CONNECT_REJECT, server to client: the connect or resume was refused.
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                       Header (8 bytes)                        |
 *  +---------------------------------------------------------------+
 *  |                        Client Nonce (64)                      |
 *  +---------------------------------------------------------------+
 *  |                     Reject Reason Code (32)                   |
 *  +---------------------------------------------------------------+
 *  |                      Retry After Ms (32)                      |
 *  +---------------------------------------------------------------+
 * </pre>
 * The reason code is a {@code DisconnectReason} code; retry-after is the server's advice of how long a refused client
 * waits before asking again, 0 for none (version 5 before it sent 0 here).
 */
public final class ConnectRejectFlyweight extends FrameHeaderFlyweight
{
    /** Offset of the echoed client nonce. */
    public static final int CLIENT_NONCE_OFFSET = 8;
    /** Offset of the reason code. */
    public static final int REASON_OFFSET = 16;
    /** Offset of the advised retry delay. */
    public static final int RETRY_AFTER_MS_OFFSET = 20;
    /** Length of the frame. */
    public static final int LENGTH = 24;

    /**
     * @return echoed client nonce.
     */
    public long clientNonce()
    {
        return getLong(CLIENT_NONCE_OFFSET);
    }

    /**
     * @param nonce echoed client nonce.
     * @return this for a fluent API.
     */
    public ConnectRejectFlyweight clientNonce(final long nonce)
    {
        putLong(CLIENT_NONCE_OFFSET, nonce);
        return this;
    }

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
    public ConnectRejectFlyweight reason(final int reason)
    {
        putInt(REASON_OFFSET, reason);
        putInt(RETRY_AFTER_MS_OFFSET, 0);
        return this;
    }

    /**
     * @return advised wait before asking again in ms, 0 for none.
     */
    public int retryAfterMs()
    {
        return Math.max(0, getInt(RETRY_AFTER_MS_OFFSET));
    }

    /**
     * @param retryAfterMs advised wait before asking again in ms, 0 for none.
     * @return this for a fluent API.
     */
    public ConnectRejectFlyweight retryAfterMs(final int retryAfterMs)
    {
        putInt(RETRY_AFTER_MS_OFFSET, retryAfterMs);
        return this;
    }
}
