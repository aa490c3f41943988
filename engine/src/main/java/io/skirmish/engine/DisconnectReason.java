package io.skirmish.engine;

/**
 * Why a session ended or a connect attempt failed. The code travels on the wire in CONNECT_REJECT and DISCONNECT
 * frames. Each reason says whether the client may resume its session. Immutable; safe on any thread. A code this
 * version does not know reads as {@link #ERROR}.
 */
public enum DisconnectReason
{
    /** No reason recorded (still connected). */
    NONE(0),
    /** The client closed the session. */
    CLIENT_CLOSED(1),
    /** The server was shut down. */
    SERVER_SHUTDOWN(2),
    /** Nothing was heard from the peer within the session timeout. */
    TIMED_OUT(3),
    /** The server has no free session slot. */
    SERVER_FULL(4),
    /** The server's authenticator or connect listener refused the connection. */
    DENIED(5),
    /** The game disconnected the session. */
    KICKED(6),
    /** The connect attempt got no answer within the connect timeout. */
    CONNECT_TIMED_OUT(7),
    /** A resume named an unknown or expired session, or the wrong secret. */
    RESUME_REJECTED(8),
    /** The peer's transport went away (Aeron image lost). */
    TRANSPORT_LOST(9),
    /** The peer sent too many invalid frames. */
    PROTOCOL_VIOLATION(10),
    /** The session was resumed from another connection. */
    SUPERSEDED(11),
    /** The connect token was forged or malformed. */
    TOKEN_INVALID(12),
    /** The connect token has expired. */
    TOKEN_EXPIRED(13),
    /** The connect token was minted for another server. */
    TOKEN_WRONG_SERVER(14),
    /** The connect token was already used. */
    TOKEN_REPLAYED(15),
    /** The client or server speaks another protocol version. */
    VERSION_MISMATCH(16),
    /** The session's resume window passed without a resume. */
    RESUME_WINDOW_EXPIRED(17),
    /** A local error closed the client. */
    ERROR(18),
    /** The server requires payload encryption and the client did not ask for it. */
    ENCRYPTION_REQUIRED(19),
    /** The client asked for payload encryption and the server cannot give it (it uses no connect tokens). */
    ENCRYPTION_UNAVAILABLE(20),
    /** The server is at its load limit ({@code admissionLoadLimit}): it refuses new sessions to keep serving its own. */
    SERVER_BUSY(21),
    /** The server is draining before it stops: it refuses new sessions and lets its rooms finish. */
    SERVER_DRAINING(22);

    private static final DisconnectReason[] BY_CODE;

    static
    {
        final DisconnectReason[] values = values();
        BY_CODE = new DisconnectReason[values.length];
        for (final DisconnectReason reason : values)
        {
            BY_CODE[reason.code] = reason;
        }
    }

    private final int code;

    DisconnectReason(final int code)
    {
        this.code = code;
    }

    /**
     * @return the wire code.
     */
    public int code()
    {
        return code;
    }

    /**
     * @return true when a client that lost its session this way may come back and resume it.
     */
    public boolean isResumable()
    {
        return this == TIMED_OUT || this == TRANSPORT_LOST;
    }

    /**
     * Look a reason up by its wire code.
     *
     * @param code wire code.
     * @return the reason, or {@link #ERROR} for an unknown code.
     */
    public static DisconnectReason get(final int code)
    {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : ERROR;
    }
}
