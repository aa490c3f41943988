package io.skirmish.engine.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JFR event {@code io.skirmish.RoomCreated}: a room was opened.
 * Committed by {@link ServerEvents} on the server conductor thread, only while a recording enables it.
 */
@Name("io.skirmish.RoomCreated")
@Label("Room Created")
@Category({ "Skirmish", "Server" })
@StackTrace(false)
@Description("A room was opened.")
public final class RoomCreatedEvent extends Event
{
    /** The room. */
    @Label("Room Id")
    @Description("The room.")
    public int roomId;

    /** Its tick rate, 0 when it does not tick. */
    @Label("Tick Rate")
    @Description("Its tick rate, 0 when it does not tick.")
    public int tickRateHz;

    /** Its member limit. */
    @Label("Max Members")
    @Description("Its member limit.")
    public int maxMembers;
}
