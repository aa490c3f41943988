package io.skirmish.engine.server;

/**
 * The server-side state of a {@link Session}. Zero is closed, positive is progress, as with the client's {@code ClientState}.
 * Immutable; safe on any thread (read a session's state on the conductor thread).
 */
public enum SessionState
{
    /** The session ended; it will not come back. */
    CLOSED(0),
    /** The connection was lost; the session and its rooms are kept for the resume window. */
    SUSPENDED(1),
    /** Accepted; waiting for the client to bind its unreliable lanes. */
    BINDING(2),
    /** Connected on every lane. */
    CONNECTED(3);

    private final int code;

    SessionState(final int code)
    {
        this.code = code;
    }

    /**
     * @return the state code.
     */
    public int code()
    {
        return code;
    }
}
