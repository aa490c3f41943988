package io.skirmish.engine.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JFR event {@code io.skirmish.RoomClosed}: a room was closed; its members were told ROOM_CLOSED.
 * Committed by {@link ServerEvents} on the server conductor thread, only while a recording enables it.
 */
@Name("io.skirmish.RoomClosed")
@Label("Room Closed")
@Category({ "Skirmish", "Server" })
@StackTrace(false)
@Description("A room was closed; its members were told ROOM_CLOSED.")
public final class RoomClosedEvent extends Event
{
    /** The room. */
    @Label("Room Id")
    @Description("The room.")
    public int roomId;

    /** Members it had when it closed. */
    @Label("Members")
    @Description("Members it had when it closed.")
    public int members;

    /** Ticks it ran. */
    @Label("Ticks")
    @Description("Ticks it ran.")
    public long ticks;
}
