package io.skirmish.engine.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JFR event {@code io.skirmish.SessionConnected}: a new session connected on every lane.
 * Committed by {@link ServerEvents} on the server conductor thread, only while a recording enables it.
 */
@Name("io.skirmish.SessionConnected")
@Label("Session Connected")
@Category({ "Skirmish", "Server" })
@StackTrace(false)
@Description("A new session connected on every lane.")
public final class SessionConnectedEvent extends Event
{
    /** The session. */
    @Label("Session Id")
    @Description("The session.")
    public int sessionId;

    /** The client id its connect request or token named. */
    @Label("Client Id")
    @Description("The client id its connect request or token named.")
    public long clientId;
}
