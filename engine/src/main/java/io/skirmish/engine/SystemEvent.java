package io.skirmish.engine;

/**
 * Type ids of the engine's own room events (membership changes), sent with the system flag so they never collide
 * with the game's type ids. Their payload is the member's session id (int) and, for a leave, the reason code (int).
 */
final class SystemEvent
{
    static final int MEMBER_JOINED = 1;
    static final int MEMBER_LEFT = 2;
    static final int PAYLOAD_LENGTH = 8;

    private SystemEvent()
    {
    }
}
