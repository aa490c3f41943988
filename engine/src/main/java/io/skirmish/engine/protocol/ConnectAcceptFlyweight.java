package io.skirmish.engine.protocol;

/**
 * CONNECT_ACCEPT, server to client: the session is open (or resumed). The session id is in the header.
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                       Header (8 bytes)                        |
 *  +---------------------------------------------------------------+
 *  |                        Client Nonce (64)                      |
 *  +---------------------------------------------------------------+
 *  |                        Resume Secret (64)                     |
 *  +---------------------------------------------------------------+
 *  |                   Keepalive Interval Ms (32)                  |
 *  +---------------------------------------------------------------+
 *  |                    Session Timeout Ms (32)                    |
 *  +---------------------------------------------------------------+
 *  |                   Max Message Length (32)                     |
 *  +---------------------------------------------------------------+
 *  |                    Resumed (32, 0 or 1)                       |
 *  +---------------------------------------------------------------+
 *  |                    Resume Window Ms (32)                      |
 *  +---------------------------------------------------------------+
 *  |                         Lane Pair (32)                        |
 *  +---------------------------------------------------------------+
 *  |                        Server Nonce (64)                      |
 *  +---------------------------------------------------------------+
 *  |                     Reliable Acked Seq (64)                   |
 *  +---------------------------------------------------------------+
 * </pre>
 * The lane pair is the index of the server's port pair the client binds its lanes on (0: the pair it connected to);
 * the reliable acked seq is the last client reliable frame the session processed, so that a resumed client resends
 * what came after it and a new process resuming the session continues its numbering.
 */
public final class ConnectAcceptFlyweight extends FrameHeaderFlyweight
{
    /** Offset of the echoed client nonce. */
    public static final int CLIENT_NONCE_OFFSET = 8;
    /** Offset of the resume secret. */
    public static final int RESUME_SECRET_OFFSET = 16;
    /** Offset of the keepalive interval. */
    public static final int KEEPALIVE_INTERVAL_MS_OFFSET = 24;
    /** Offset of the session timeout. */
    public static final int SESSION_TIMEOUT_MS_OFFSET = 28;
    /** Offset of the maximum message length. */
    public static final int MAX_MESSAGE_LENGTH_OFFSET = 32;
    /** Offset of the resumed indicator. */
    public static final int RESUMED_OFFSET = 36;
    /** Offset of the resume window. */
    public static final int RESUME_WINDOW_MS_OFFSET = 40;
    /** Offset of the server's nonce, which with the client's derives the frame key of an encrypted session. */
    public static final int SERVER_NONCE_OFFSET = 48;
    /** Offset of the lane pair index. */
    public static final int LANE_PAIR_OFFSET = 44;
    /** Offset of the last reliable seq the session processed. */
    public static final int RELIABLE_ACKED_SEQ_OFFSET = 56;
    /** Length of the frame. */
    public static final int LENGTH = 64;

    /**
     * @return the server's nonce for this connection.
     */
    public long serverNonce()
    {
        return getLong(SERVER_NONCE_OFFSET);
    }

    /**
     * @param nonce the server's random nonce for this connection.
     * @return this for a fluent API.
     */
    public ConnectAcceptFlyweight serverNonce(final long nonce)
    {
        putLong(SERVER_NONCE_OFFSET, nonce);
        return this;
    }

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
    public ConnectAcceptFlyweight clientNonce(final long nonce)
    {
        putLong(CLIENT_NONCE_OFFSET, nonce);
        return this;
    }

    /**
     * @return secret the client presents to resume this session.
     */
    public long resumeSecret()
    {
        return getLong(RESUME_SECRET_OFFSET);
    }

    /**
     * @param secret to present on resume.
     * @return this for a fluent API.
     */
    public ConnectAcceptFlyweight resumeSecret(final long secret)
    {
        putLong(RESUME_SECRET_OFFSET, secret);
        return this;
    }

    /**
     * @return keepalive interval the server expects, in milliseconds.
     */
    public int keepAliveIntervalMs()
    {
        return getInt(KEEPALIVE_INTERVAL_MS_OFFSET);
    }

    /**
     * @param ms keepalive interval in milliseconds.
     * @return this for a fluent API.
     */
    public ConnectAcceptFlyweight keepAliveIntervalMs(final int ms)
    {
        putInt(KEEPALIVE_INTERVAL_MS_OFFSET, ms);
        return this;
    }

    /**
     * @return session timeout in milliseconds.
     */
    public int sessionTimeoutMs()
    {
        return getInt(SESSION_TIMEOUT_MS_OFFSET);
    }

    /**
     * @param ms session timeout in milliseconds.
     * @return this for a fluent API.
     */
    public ConnectAcceptFlyweight sessionTimeoutMs(final int ms)
    {
        putInt(SESSION_TIMEOUT_MS_OFFSET, ms);
        return this;
    }

    /**
     * @return largest reliable message payload the server accepts, in bytes.
     */
    public int maxMessageLength()
    {
        return getInt(MAX_MESSAGE_LENGTH_OFFSET);
    }

    /**
     * @param length largest reliable message payload in bytes.
     * @return this for a fluent API.
     */
    public ConnectAcceptFlyweight maxMessageLength(final int length)
    {
        putInt(MAX_MESSAGE_LENGTH_OFFSET, length);
        return this;
    }

    /**
     * @return true when an existing session was resumed.
     */
    public boolean resumed()
    {
        return getInt(RESUMED_OFFSET) != 0;
    }

    /**
     * @param resumed whether an existing session was resumed.
     * @return this for a fluent API.
     */
    public ConnectAcceptFlyweight resumed(final boolean resumed)
    {
        putInt(RESUMED_OFFSET, resumed ? 1 : 0);
        return this;
    }

    /**
     * @return how long the server keeps a lost session for a resume, in milliseconds (0: no resume).
     */
    public int resumeWindowMs()
    {
        return getInt(RESUME_WINDOW_MS_OFFSET);
    }

    /**
     * @param ms resume window in milliseconds.
     * @return this for a fluent API.
     */
    public ConnectAcceptFlyweight resumeWindowMs(final int ms)
    {
        putInt(RESUME_WINDOW_MS_OFFSET, ms);
        return this;
    }

    /**
     * @return index of the server's port pair the client binds its lanes on, 0 for the one it connected to.
     */
    public int lanePair()
    {
        return getInt(LANE_PAIR_OFFSET);
    }

    /**
     * @param pair index of the port pair.
     * @return this for a fluent API.
     */
    public ConnectAcceptFlyweight lanePair(final int pair)
    {
        putInt(LANE_PAIR_OFFSET, pair);
        return this;
    }

    /**
     * @return the last client reliable seq the session processed.
     */
    public long reliableAckedSeq()
    {
        return getLong(RELIABLE_ACKED_SEQ_OFFSET);
    }

    /**
     * @param seq the last client reliable seq the session processed.
     * @return this for a fluent API.
     */
    public ConnectAcceptFlyweight reliableAckedSeq(final long seq)
    {
        putLong(RELIABLE_ACKED_SEQ_OFFSET, seq);
        return this;
    }
}
