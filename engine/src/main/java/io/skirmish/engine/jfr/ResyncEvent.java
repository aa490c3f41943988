package io.skirmish.engine.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JFR event {@code io.skirmish.Resync}: a session was sent a room's state instead of events that had left the history.
 * Committed by {@link ServerEvents} on the server conductor thread, only while a recording enables it.
 */
@Name("io.skirmish.Resync")
@Label("Resync")
@Category({ "Skirmish", "Server" })
@StackTrace(false)
@Description("A session was sent a room's state instead of events that had left the history.")
public final class ResyncEvent extends Event
{
    /** The receiver. */
    @Label("Session Id")
    @Description("The receiver.")
    public int sessionId;

    /** The room id, or 0 for the session's direct stream. */
    @Label("Stream Id")
    @Description("The room id, or 0 for the session's direct stream.")
    public int streamId;

    /** The seq the resync stands for. */
    @Label("Seq")
    @Description("The seq the resync stands for.")
    public long seq;
}
