package io.skirmish.benchmarks.load;

import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.RoomOptions;
import io.skirmish.engine.server.ServerListener;
import io.skirmish.engine.server.Session;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.agrona.DirectBuffer;

import java.util.concurrent.TimeUnit;

/**
 * The load server's side of a {@link Scenario}: creates its rooms when the server starts, and holds what they share:
 * the switches the coordinator flips ({@link #publish()}, {@link #stopEvents()}), the tick-time recorder and the
 * event tallies (the server knows what it sent: events, and deliveries owed, one per member at the broadcast).
 * Written on the conductor thread, read by the main thread through volatile fields.
 */
final class LoadRooms implements ServerListener
{
    private static final long MAX_RECORDED_NS = TimeUnit.SECONDS.toNanos(10);

    private final Scenario scenario;
    private final int clients;
    private final Recorder tickTimes = new Recorder(MAX_RECORDED_NS, 3);
    private volatile boolean publishing;
    private volatile boolean eventsOn = true;
    private volatile long eventsSent;
    private volatile long eventsFailed;
    private volatile long deliveriesOwed;
    private volatile long ticks;
    private volatile long inputs;

    LoadRooms(final Scenario scenario, final int clients)
    {
        this.scenario = scenario;
        this.clients = clients;
    }

    /**
     * {@inheritDoc}
     */
    public void onStart(final GameServer server)
    {
        for (int roomId = 1, count = scenario.roomCount(clients); roomId <= count; roomId++)
        {
            final RoomOptions options = new RoomOptions().maxMembers(scenario.roomSize(clients));
            if (scenario.ticking())
            {
                options.tickRateHz(Scenario.TICK_RATE_HZ).listener(new LoadRoom(this, roomId));
            }
            server.createRoom(roomId, options);
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onInput(
        final Session session, final long inputTick, final DirectBuffer buffer, final int offset, final int length)
    {
        inputs = inputs + 1;
    }

    void publish()
    {
        publishing = true;
    }

    boolean isPublishing()
    {
        return publishing;
    }

    void stopEvents()
    {
        eventsOn = false;
    }

    boolean areEventsOn()
    {
        return eventsOn;
    }

    void onEventSent(final long seq, final int members)
    {
        if (seq > 0)
        {
            eventsSent = eventsSent + 1;
            deliveriesOwed = deliveriesOwed + members;
        }
        else
        {
            eventsFailed = eventsFailed + 1;
        }
    }

    void onTickDone(final long durationNs)
    {
        tickTimes.recordValue(Math.min(durationNs, MAX_RECORDED_NS));
        ticks = ticks + 1;
    }

    /**
     * @return tick times since the last call (the first call starts the window), in nanoseconds.
     */
    Histogram tickTimes()
    {
        return tickTimes.getIntervalHistogram();
    }

    long ticks()
    {
        return ticks;
    }

    long inputs()
    {
        return inputs;
    }

    long eventsSent()
    {
        return eventsSent;
    }

    long eventsFailed()
    {
        return eventsFailed;
    }

    long deliveriesOwed()
    {
        return deliveriesOwed;
    }
}
