package io.skirmish.engine.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JFR event {@code io.skirmish.SessionClosed}: a session ended for good.
 * Committed by {@link ServerEvents} on the server conductor thread, only while a recording enables it.
 */
@Name("io.skirmish.SessionClosed")
@Label("Session Closed")
@Category({ "Skirmish", "Server" })
@StackTrace(false)
@Description("A session ended for good.")
public final class SessionClosedEvent extends Event
{
    /** The session. */
    @Label("Session Id")
    @Description("The session.")
    public int sessionId;

    /** The client id. */
    @Label("Client Id")
    @Description("The client id.")
    public long clientId;

    /** The DisconnectReason. */
    @Label("Reason")
    @Description("The DisconnectReason.")
    public String reason;
}
