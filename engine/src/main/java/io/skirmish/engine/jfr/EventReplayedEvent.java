package io.skirmish.engine.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JFR event {@code io.skirmish.EventReplayed}: an event was resent to a session from its stream history.
 * Committed by {@link ServerEvents} on the server conductor thread, only while a recording enables it.
 */
@Name("io.skirmish.EventReplayed")
@Label("Event Replayed")
@Category({ "Skirmish", "Server" })
@StackTrace(false)
@Description("An event was resent to a session from its stream history.")
public final class EventReplayedEvent extends Event
{
    /** The receiver. */
    @Label("Session Id")
    @Description("The receiver.")
    public int sessionId;

    /** The room id, or 0 for the session's direct stream. */
    @Label("Stream Id")
    @Description("The room id, or 0 for the session's direct stream.")
    public int streamId;

    /** The event's seq. */
    @Label("Seq")
    @Description("The event's seq.")
    public long seq;
}
