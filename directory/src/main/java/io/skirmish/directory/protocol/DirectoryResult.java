package io.skirmish.directory.protocol;

/**
 * Result codes of directory requests: {@link #OK} or a positive id on success, a negative code for each expected
 * failure. The directory's own codes travel in {@code RESULT} messages; the client's ({@link #TIMEOUT},
 * {@link #BACK_PRESSURED}, {@link #NOT_CONNECTED}, {@link #CLOSED}) never leave the client.
 */
public final class DirectoryResult
{
    /** Done. */
    public static final long OK = 0;
    /** The room, or every matching room and every live server, has no space for the party. */
    public static final long NO_CAPACITY = -1;
    /** No such room. */
    public static final long NO_SUCH_ROOM = -2;
    /** No such seat: never granted, already confirmed or released, or expired. */
    public static final long NO_SUCH_SEAT = -3;
    /** A ticket needs a new room but no room server is registered and alive. */
    public static final long NO_LIVE_SERVER = -4;
    /** The room's server stopped reporting and was marked dead. */
    public static final long SERVER_DEAD = -5;
    /** A report or heartbeat from a server the directory does not know as live: register (again). */
    public static final long NOT_REGISTERED = -6;
    /** The request is malformed or out of range; counted by the directory. */
    public static final long INVALID_REQUEST = -7;
    /** Client side: no answer before the deadline. */
    public static final long TIMEOUT = -8;
    /** Client side: too many requests in flight, or the ingress is back pressured; try again. */
    public static final long BACK_PRESSURED = -9;
    /** Client side: not connected to the cluster. */
    public static final long NOT_CONNECTED = -10;
    /** Client side: the client is closed. */
    public static final long CLOSED = -11;
    /** The session's role may not make this request (a backend registering a server, a room server asking for a seat). */
    public static final long NOT_AUTHORISED = -12;

    private DirectoryResult()
    {
    }

    /**
     * @param code a result code.
     * @return its name, for logs and failure messages.
     */
    public static String name(final long code)
    {
        if (code >= 0)
        {
            return 0 == code ? "OK" : Long.toString(code);
        }
        final String[] names = {
            "NO_CAPACITY", "NO_SUCH_ROOM", "NO_SUCH_SEAT", "NO_LIVE_SERVER", "SERVER_DEAD", "NOT_REGISTERED",
            "INVALID_REQUEST", "TIMEOUT", "BACK_PRESSURED", "NOT_CONNECTED", "CLOSED", "NOT_AUTHORISED" };
        final int index = (int)(-code - 1);
        return index < names.length ? names[index] : "UNKNOWN(" + code + ")";
    }
}
