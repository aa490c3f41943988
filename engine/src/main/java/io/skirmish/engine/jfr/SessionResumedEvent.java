package io.skirmish.engine.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JFR event {@code io.skirmish.SessionResumed}: a suspended session was resumed by its client.
 * Committed by {@link ServerEvents} on the server conductor thread, only while a recording enables it.
 */
@Name("io.skirmish.SessionResumed")
@Label("Session Resumed")
@Category({ "Skirmish", "Server" })
@StackTrace(false)
@Description("A suspended session was resumed by its client.")
public final class SessionResumedEvent extends Event
{
    /** The session. */
    @Label("Session Id")
    @Description("The session.")
    public int sessionId;

    /** The client id. */
    @Label("Client Id")
    @Description("The client id.")
    public long clientId;
}
