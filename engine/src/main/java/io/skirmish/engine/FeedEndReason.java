package io.skirmish.engine;

/**
 * Why a spectator or replay feed ended, as told to the client's feed listener. The codes travel in the feed's last
 * frame.
 */
public enum FeedEndReason
{
    /** A replay reached the end of the recording. */
    FINISHED(0),
    /** The room closed: its recording stopped, and everything recorded up to then was delivered. */
    ROOM_CLOSED(1),
    /** No durable room (spectate) or no recording (replay) of that id, or the server has no archive. */
    NO_SUCH_ROOM(2),
    /** The server's limit of feeds (per session or archive replays in all) was reached. */
    LIMIT_REACHED(3),
    /** The client acknowledged so slowly that it held the feed's full buffer too long: it was cut off. */
    OVERRUN(4),
    /** The client stopped the feed. */
    STOPPED(5),
    /** The archive failed the replay. */
    ARCHIVE_ERROR(6),
    /** The session ended (client side only): the feed is gone with it. */
    SESSION_LOST(7),
    /** The request was malformed (a negative delay or speed). */
    BAD_REQUEST(8);

    private static final FeedEndReason[] BY_CODE = values();

    private final int code;

    FeedEndReason(final int code)
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
     * @param code a wire code.
     * @return the reason, {@link #ARCHIVE_ERROR} for an unknown code.
     */
    public static FeedEndReason get(final int code)
    {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : ARCHIVE_ERROR;
    }
}
