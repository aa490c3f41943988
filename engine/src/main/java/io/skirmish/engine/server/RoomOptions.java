package io.skirmish.engine.server;

import java.util.concurrent.TimeUnit;

/**
 * Settings of one room, given to {@link GameServer#createRoom(int, RoomOptions)}. Defaults come from the server's
 * {@link GameServer.Context}.
 * <p>
 * Threading: not thread-safe; fill it in on one thread. {@code createRoom} and
 * {@link GameServer.Context#defaultRoomOptions(RoomOptions)} copy it, so later changes do not affect them.
 * Errors: the setters do not validate; {@code createRoom} and {@link GameServer.Context#conclude()} throw
 * {@link IllegalArgumentException} for invalid values.
 */
public final class RoomOptions
{
    int maxMembers = 256;
    int historyCount = 4096;
    int historyBytes = 1024 * 1024;
    long historyAgeNs = TimeUnit.SECONDS.toNanos(60);
    int backlogCount;
    int tickRateHz;
    int maxRewindTicks;
    int rewindStateLength;
    RoomListener listener;
    boolean durable;
    DurableDelivery durableDelivery = DurableDelivery.RECORDED;

    /**
     * @param maxMembers most members at once.
     * @return this for a fluent API.
     */
    public RoomOptions maxMembers(final int maxMembers)
    {
        this.maxMembers = maxMembers;
        return this;
    }

    /**
     * @return most members at once.
     */
    public int maxMembers()
    {
        return maxMembers;
    }

    /**
     * @param count most events kept in the replay history.
     * @return this for a fluent API.
     */
    public RoomOptions historyCount(final int count)
    {
        this.historyCount = count;
        return this;
    }

    /**
     * @return most events kept in the replay history.
     */
    public int historyCount()
    {
        return historyCount;
    }

    /**
     * @param bytes most bytes of encoded events kept in the replay history.
     * @return this for a fluent API.
     */
    public RoomOptions historyBytes(final int bytes)
    {
        this.historyBytes = bytes;
        return this;
    }

    /**
     * @return most bytes of encoded events kept.
     */
    public int historyBytes()
    {
        return historyBytes;
    }

    /**
     * @param ageNs oldest event kept in the replay history, in nanoseconds (0: no age bound).
     * @return this for a fluent API.
     */
    public RoomOptions historyAgeNs(final long ageNs)
    {
        this.historyAgeNs = ageNs;
        return this;
    }

    /**
     * @return oldest event age kept, in nanoseconds.
     */
    public long historyAgeNs()
    {
        return historyAgeNs;
    }

    /**
     * @param count events a joiner receives from before its join (late-join backlog), limited by the history.
     * @return this for a fluent API.
     */
    public RoomOptions backlogCount(final int count)
    {
        this.backlogCount = count;
        return this;
    }

    /**
     * @return late-join backlog length.
     */
    public int backlogCount()
    {
        return backlogCount;
    }

    /**
     * @param hz fixed tick rate of the room in ticks per second, 0 for no tick.
     * @return this for a fluent API.
     */
    public RoomOptions tickRateHz(final int hz)
    {
        this.tickRateHz = hz;
        return this;
    }

    /**
     * @return tick rate in Hz, 0 when the room does not tick.
     */
    public int tickRateHz()
    {
        return tickRateHz;
    }

    /**
     * Give the room a {@link LagCompensation} history ({@link Room#lagCompensation()}).
     *
     * @param maxRewindTicks how far back a rewind may go, in ticks (0, the default: no history); e.g. 200 ms worth
     *                       of ticks plus the clients' render delay.
     * @param maxStateLength largest state the game records per tick, in bytes.
     * @return this for a fluent API.
     */
    public RoomOptions lagCompensation(final int maxRewindTicks, final int maxStateLength)
    {
        this.maxRewindTicks = maxRewindTicks;
        this.rewindStateLength = maxStateLength;
        return this;
    }

    /**
     * @return how far back the room's lag compensation may rewind, in ticks; 0 when it has none.
     */
    public int maxRewindTicks()
    {
        return maxRewindTicks;
    }

    /**
     * @param listener the room's hooks; null for the server's default room listener.
     * @return this for a fluent API.
     */
    public RoomOptions listener(final RoomListener listener)
    {
        this.listener = listener;
        return this;
    }

    /**
     * @return the room's hooks, or null for the server default.
     */
    public RoomListener listener()
    {
        return listener;
    }

    /**
     * Record the room's event stream (membership events included) and the keyframes the game writes with
     * {@link Room#recordKeyframe} to the server's Aeron Archive
     * (docs/durability.md). Off by default.
     *
     * @param durable true to record the room.
     * @return this for a fluent API.
     */
    public RoomOptions durable(final boolean durable)
    {
        this.durable = durable;
        return this;
    }

    /**
     * @return true when the room is recorded.
     */
    public boolean durable()
    {
        return durable;
    }

    /**
     * When a durable room's members get its events: {@link DurableDelivery#RECORDED} (the default) once the archive
     * has recorded them, exact over a crash; {@link DurableDelivery#LIVE} at once, without waiting on the recording,
     * at the price of one explicit resync per room for a client that had delivered past what the crash left recorded
     * (docs/durability.md, "Live-first delivery"). Ignored for a room that is not durable.
     *
     * @param delivery RECORDED or LIVE, not null.
     * @return this for a fluent API.
     */
    public RoomOptions durableDelivery(final DurableDelivery delivery)
    {
        this.durableDelivery = delivery;
        return this;
    }

    /**
     * @return when a durable room's members get its events.
     */
    public DurableDelivery durableDelivery()
    {
        return durableDelivery;
    }

    void validate()
    {
        if (maxMembers < 1 || historyCount < 1 || historyBytes < 1024 || backlogCount < 0 || tickRateHz < 0 ||
            maxRewindTicks < 0 || maxRewindTicks > 65_536 || rewindStateLength < 0 || null == durableDelivery)
        {
            throw new IllegalArgumentException("invalid RoomOptions: maxMembers=" + maxMembers +
                " historyCount=" + historyCount + " historyBytes=" + historyBytes + " backlogCount=" + backlogCount +
                " tickRateHz=" + tickRateHz + " maxRewindTicks=" + maxRewindTicks + " maxStateLength=" +
                rewindStateLength + " durableDelivery=" + durableDelivery);
        }
    }

    RoomOptions copy()
    {
        final RoomOptions copy = new RoomOptions();
        copy.maxMembers = maxMembers;
        copy.historyCount = historyCount;
        copy.historyBytes = historyBytes;
        copy.historyAgeNs = historyAgeNs;
        copy.backlogCount = backlogCount;
        copy.tickRateHz = tickRateHz;
        copy.maxRewindTicks = maxRewindTicks;
        copy.rewindStateLength = rewindStateLength;
        copy.listener = listener;
        copy.durable = durable;
        copy.durableDelivery = durableDelivery;
        return copy;
    }
}
