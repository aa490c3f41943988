package io.skirmish.engine.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JFR event {@code io.skirmish.DrainStarted}: the server began to drain: new sessions are refused from now on.
 * Committed by {@link ServerEvents} on the thread that drains the server, only while a recording enables it.
 */
@Name("io.skirmish.DrainStarted")
@Label("Drain Started")
@Category({ "Skirmish", "Server" })
@StackTrace(false)
@Description("The server began to drain: new sessions are refused from now on.")
public final class DrainStartedEvent extends Event
{
    /** Sessions open when it began. */
    @Label("Sessions")
    @Description("Sessions open when it began.")
    public int sessions;

    /** Rooms open when it began. */
    @Label("Rooms")
    @Description("Rooms open when it began.")
    public int rooms;
}
