package io.skirmish.benchmarks.load;

/**
 * What the server's rooms do and how the bots are spread over them.
 */
public enum Scenario
{
    /** One room of all N clients at 30 Hz: a 1 KiB shared snapshot per tick and 3 room events a second. */
    A(0, true),
    /** Rooms of 8 clients (N / 8 rooms), each at 30 Hz with its own 1 KiB state and 3 events a second. */
    B(8, true),
    /** Rooms of 8 that do not tick: the clients connect, join and then send nothing, for the idle cost. */
    IDLE(8, false);

    /** Tick rate of ticking rooms. */
    public static final int TICK_RATE_HZ = 30;
    /** A ticking room broadcasts an event every this many ticks (3 a second at 30 Hz). */
    public static final int EVENT_EVERY_TICKS = 10;
    /** Type id of the rooms' events. */
    public static final int EVENT_TYPE_ID = 7;
    /** Bytes of a room event. */
    public static final int EVENT_LENGTH = 32;

    private final int roomSize;
    private final boolean ticking;

    Scenario(final int roomSize, final boolean ticking)
    {
        this.roomSize = roomSize;
        this.ticking = ticking;
    }

    /**
     * @param name {@code A}, {@code B} or {@code idle}, in any case.
     * @return the scenario.
     */
    public static Scenario of(final String name)
    {
        return valueOf(name.trim().toUpperCase());
    }

    /**
     * @param clients N.
     * @return rooms the server creates, numbered from 1.
     */
    public int roomCount(final int clients)
    {
        return 0 == roomSize ? 1 : (clients + roomSize - 1) / roomSize;
    }

    /**
     * @param clients N.
     * @return most members of one room.
     */
    public int roomSize(final int clients)
    {
        return 0 == roomSize ? clients : roomSize;
    }

    /**
     * @param botIndex from 0 to N - 1.
     * @return the room that bot joins.
     */
    public int roomOf(final int botIndex)
    {
        return 0 == roomSize ? 1 : 1 + botIndex / roomSize;
    }

    /**
     * @return true when the rooms tick, publish snapshots and events, and the bots send inputs.
     */
    public boolean ticking()
    {
        return ticking;
    }
}
