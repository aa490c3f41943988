package io.skirmish.engine;

import io.aeron.Publication;
import io.skirmish.engine.codec.MessageRegistry;

/**
 * Return codes of every send path. A send returns a non-negative value on success (a position, or a count) and one
 * of these negative codes on an expected failure, the way {@link Publication#offer} does; exceptions are kept for
 * programming errors.
 */
public final class SendResult
{
    /** The peer's lane is not connected (yet, or any more). */
    public static final long NOT_CONNECTED = Publication.NOT_CONNECTED;
    /** The peer is not keeping up; on an unreliable lane the message was dropped and counted. */
    public static final long BACK_PRESSURED = Publication.BACK_PRESSURED;
    /** Aeron did administrative work; the send may be retried. */
    public static final long ADMIN_ACTION = Publication.ADMIN_ACTION;
    /** The lane is closed. */
    public static final long CLOSED = Publication.CLOSED;
    /** The lane reached its maximum position. */
    public static final long MAX_POSITION_EXCEEDED = Publication.MAX_POSITION_EXCEEDED;
    /** The message is larger than the lane allows. */
    public static final long MESSAGE_TOO_LARGE = -10;
    /** No session with that id. */
    public static final long NO_SUCH_SESSION = -11;
    /** No room with that id. */
    public static final long NO_SUCH_ROOM = -12;
    /** The message's class is not registered in the {@link MessageRegistry}. */
    public static final long NOT_REGISTERED = -13;
    /** The sender exceeded its rate limit. */
    public static final long RATE_LIMITED = -14;
    /** A cross-thread command queue is full. */
    public static final long QUEUE_FULL = -15;
    /** The session is not a member of the room. */
    public static final long NOT_MEMBER = -16;
    /** The client is not connected. */
    public static final long NOT_CONNECTED_SESSION = -17;
    /** A snapshot's tick is not newer than the room's last published snapshot tick. */
    public static final long STALE_TICK = -18;
    /** The client spectates or replays that room: the feed is read-only, the write is refused and counted. */
    public static final long READ_ONLY = -30;

    private SendResult()
    {
    }

    /**
     * Describe a result code (cold path, allocates).
     *
     * @param result a value returned by a send.
     * @return a readable name.
     */
    public static String describe(final long result)
    {
        if (result >= 0)
        {
            return "OK(" + result + ")";
        }
        if (result == NOT_CONNECTED) { return "NOT_CONNECTED"; }
        if (result == BACK_PRESSURED) { return "BACK_PRESSURED"; }
        if (result == ADMIN_ACTION) { return "ADMIN_ACTION"; }
        if (result == CLOSED) { return "CLOSED"; }
        if (result == MAX_POSITION_EXCEEDED) { return "MAX_POSITION_EXCEEDED"; }
        if (result == MESSAGE_TOO_LARGE) { return "MESSAGE_TOO_LARGE"; }
        if (result == NO_SUCH_SESSION) { return "NO_SUCH_SESSION"; }
        if (result == NO_SUCH_ROOM) { return "NO_SUCH_ROOM"; }
        if (result == NOT_REGISTERED) { return "NOT_REGISTERED"; }
        if (result == RATE_LIMITED) { return "RATE_LIMITED"; }
        if (result == QUEUE_FULL) { return "QUEUE_FULL"; }
        if (result == NOT_MEMBER) { return "NOT_MEMBER"; }
        if (result == NOT_CONNECTED_SESSION) { return "NOT_CONNECTED_SESSION"; }
        if (result == STALE_TICK) { return "STALE_TICK"; }
        if (result == READ_ONLY) { return "READ_ONLY"; }
        return "UNKNOWN(" + result + ")";
    }
}
