package io.skirmish.engine.jfr;

import jdk.jfr.EventType;

/**
 * Commits the server's Flight Recorder events. Each method returns at once, allocating nothing, unless a running
 * recording enables its event type; only then is an event object made, filled and committed. Called on the server
 * conductor thread, except {@link #drainStarted(int, int)}: on the thread that called {@code GameServer.drain()}.
 */
public final class ServerEvents
{
    private static final EventType CONNECTED = EventType.getEventType(SessionConnectedEvent.class);
    private static final EventType RESUMED = EventType.getEventType(SessionResumedEvent.class);
    private static final EventType CLOSED = EventType.getEventType(SessionClosedEvent.class);
    private static final EventType REJECTED = EventType.getEventType(ConnectRejectedEvent.class);
    private static final EventType REPLAYED = EventType.getEventType(EventReplayedEvent.class);
    private static final EventType RESYNC = EventType.getEventType(ResyncEvent.class);
    private static final EventType ROOM_CREATED = EventType.getEventType(RoomCreatedEvent.class);
    private static final EventType ROOM_CLOSED = EventType.getEventType(RoomClosedEvent.class);
    private static final EventType SLOW_TICK = EventType.getEventType(SlowTickEvent.class);
    private static final EventType DRAIN_STARTED = EventType.getEventType(DrainStartedEvent.class);

    private ServerEvents()
    {
    }

    /**
     * @param sessionId the new session.
     * @param clientId  its client id.
     */
    public static void connected(final int sessionId, final long clientId)
    {
        if (CONNECTED.isEnabled())
        {
            final SessionConnectedEvent event = new SessionConnectedEvent();
            event.sessionId = sessionId;
            event.clientId = clientId;
            event.commit();
        }
    }

    /**
     * @param sessionId the resumed session.
     * @param clientId  its client id.
     */
    public static void resumed(final int sessionId, final long clientId)
    {
        if (RESUMED.isEnabled())
        {
            final SessionResumedEvent event = new SessionResumedEvent();
            event.sessionId = sessionId;
            event.clientId = clientId;
            event.commit();
        }
    }

    /**
     * @param sessionId the session that ended.
     * @param clientId  its client id.
     * @param reason    the reason's name.
     */
    public static void closed(final int sessionId, final long clientId, final String reason)
    {
        if (CLOSED.isEnabled())
        {
            final SessionClosedEvent event = new SessionClosedEvent();
            event.sessionId = sessionId;
            event.clientId = clientId;
            event.reason = reason;
            event.commit();
        }
    }

    /**
     * @param clientNonce     the refused request's nonce.
     * @param resumeSessionId the session a resume named, 0 for a new connect.
     * @param reason          the reason's name.
     */
    public static void rejected(final long clientNonce, final int resumeSessionId, final String reason)
    {
        if (REJECTED.isEnabled())
        {
            final ConnectRejectedEvent event = new ConnectRejectedEvent();
            event.clientNonce = clientNonce;
            event.resumeSessionId = resumeSessionId;
            event.reason = reason;
            event.commit();
        }
    }

    /**
     * @param sessionId the receiver.
     * @param streamId  the room id, 0 for the direct stream.
     * @param seq       the event resent.
     */
    public static void replayed(final int sessionId, final int streamId, final long seq)
    {
        if (REPLAYED.isEnabled())
        {
            final EventReplayedEvent event = new EventReplayedEvent();
            event.sessionId = sessionId;
            event.streamId = streamId;
            event.seq = seq;
            event.commit();
        }
    }

    /**
     * @param sessionId the receiver.
     * @param streamId  the room id, 0 for the direct stream.
     * @param seq       the seq the resync stands for.
     */
    public static void resync(final int sessionId, final int streamId, final long seq)
    {
        if (RESYNC.isEnabled())
        {
            final ResyncEvent event = new ResyncEvent();
            event.sessionId = sessionId;
            event.streamId = streamId;
            event.seq = seq;
            event.commit();
        }
    }

    /**
     * @param roomId     the room.
     * @param tickRateHz its tick rate, 0 for none.
     * @param maxMembers its member limit.
     */
    public static void roomCreated(final int roomId, final int tickRateHz, final int maxMembers)
    {
        if (ROOM_CREATED.isEnabled())
        {
            final RoomCreatedEvent event = new RoomCreatedEvent();
            event.roomId = roomId;
            event.tickRateHz = tickRateHz;
            event.maxMembers = maxMembers;
            event.commit();
        }
    }

    /**
     * @param roomId  the room.
     * @param members members it had.
     * @param ticks   ticks it ran.
     */
    public static void roomClosed(final int roomId, final int members, final long ticks)
    {
        if (ROOM_CLOSED.isEnabled())
        {
            final RoomClosedEvent event = new RoomClosedEvent();
            event.roomId = roomId;
            event.members = members;
            event.ticks = ticks;
            event.commit();
        }
    }

    /**
     * @param roomId     the room.
     * @param tick       the tick.
     * @param durationNs how long onTick ran.
     * @param lateNs     how late the tick started.
     * @param intervalNs the room's tick interval.
     */
    public static void slowTick(
        final int roomId, final long tick, final long durationNs, final long lateNs, final long intervalNs)
    {
        if (SLOW_TICK.isEnabled())
        {
            final SlowTickEvent event = new SlowTickEvent();
            event.roomId = roomId;
            event.tick = tick;
            event.durationNs = durationNs;
            event.lateNs = lateNs;
            event.intervalNs = intervalNs;
            event.commit();
        }
    }

    /**
     * @param sessions sessions open.
     * @param rooms    rooms open.
     */
    public static void drainStarted(final int sessions, final int rooms)
    {
        if (DRAIN_STARTED.isEnabled())
        {
            final DrainStartedEvent event = new DrainStartedEvent();
            event.sessions = sessions;
            event.rooms = rooms;
            event.commit();
        }
    }
}
