package io.skirmish.engine.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * JFR event {@code io.skirmish.SlowTick}:
 * a room tick started more than an interval late, or its onTick took longer than the interval.
 * Committed by {@link ServerEvents} on the server conductor thread, only while a recording enables it.
 */
@Name("io.skirmish.SlowTick")
@Label("Slow Tick")
@Category({ "Skirmish", "Server" })
@StackTrace(false)
@Description("A room tick started more than an interval late, or its onTick took longer than the interval.")
public final class SlowTickEvent extends Event
{
    /** The room. */
    @Label("Room Id")
    @Description("The room.")
    public int roomId;

    /** The tick. */
    @Label("Tick")
    @Description("The tick.")
    public long tick;

    /** How long the room listener's onTick ran. */
    @Label("Duration")
    @Timespan(Timespan.NANOSECONDS)
    @Description("How long the room listener's onTick ran.")
    public long durationNs;

    /** How far behind its schedule the tick started. */
    @Label("Late")
    @Timespan(Timespan.NANOSECONDS)
    @Description("How far behind its schedule the tick started.")
    public long lateNs;

    /** The room's tick interval. */
    @Label("Interval")
    @Timespan(Timespan.NANOSECONDS)
    @Description("The room's tick interval.")
    public long intervalNs;
}
