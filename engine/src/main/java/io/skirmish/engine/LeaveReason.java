package io.skirmish.engine;

/**
 * Why a session left a room. The code travels in LEFT_ROOM frames and membership events. Immutable; safe on any
 * thread. A code this version does not know reads as {@link #KICKED}.
 */
public enum LeaveReason
{
    /** The client asked to leave. */
    LEFT(0),
    /** The server removed the session. */
    KICKED(1),
    /** The room was closed. */
    ROOM_CLOSED(2),
    /** The session ended (after its resume window, if any). */
    DISCONNECTED(3);

    private static final LeaveReason[] BY_CODE = values();

    private final int code;

    LeaveReason(final int code)
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
     * @param code wire code.
     * @return the reason; {@link #KICKED} for an unknown code.
     */
    public static LeaveReason get(final int code)
    {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : KICKED;
    }
}
