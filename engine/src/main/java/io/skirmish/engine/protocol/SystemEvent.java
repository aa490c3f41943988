package io.skirmish.engine.protocol;

/**
 * Type ids of the engine's own events, sent with {@link FrameHeaderFlyweight#FLAG_SYSTEM} so they never collide with
 * the game's type ids. In a room: a member joined or left (payload: the member's session id, int, and for a leave
 * the reason code, int). On a session's direct stream (room 0): the session's own membership notices, whose
 * payloads are {@link JoinResultFlyweight} and {@link LeftRoomFlyweight}.
 */
public final class SystemEvent
{
    /** A session joined the room. */
    public static final int MEMBER_JOINED = 1;
    /** A session left the room. */
    public static final int MEMBER_LEFT = 2;
    /** Length of a membership event's payload. */
    public static final int PAYLOAD_LENGTH = 8;
    /** Direct stream: the answer to a join, or a join the server made. */
    public static final int JOIN_RESULT = 3;
    /** Direct stream: the session left a room (it left, was kicked, the room closed). */
    public static final int LEFT_ROOM = 4;

    private SystemEvent()
    {
    }
}
