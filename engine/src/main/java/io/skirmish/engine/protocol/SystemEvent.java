package io.skirmish.engine.protocol;

/**
 * Type ids of the engine's own room events (membership changes), sent with the system flag so they never collide
 * with the game's type ids. Their payload is the member's session id (int) and, for a leave, the reason code (int).
 */
public final class SystemEvent
{
    /** A session joined the room. */
    public static final int MEMBER_JOINED = 1;
    /** A session left the room. */
    public static final int MEMBER_LEFT = 2;
    /** Length of a membership event's payload. */
    public static final int PAYLOAD_LENGTH = 8;

    private SystemEvent()
    {
    }
}
