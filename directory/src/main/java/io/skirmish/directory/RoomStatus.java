package io.skirmish.directory;

import io.skirmish.directory.protocol.RoomStatusFlyweight;

/**
 * A room as the directory holds it, answering {@link DirectoryClient#describeRoom}. A reusable holder.
 */
public final class RoomStatus
{
    /** {@link #state()}: placed by the directory, not yet reported by its server. */
    public static final int PLACED = 1;
    /** {@link #state()}: reported by its server. */
    public static final int OPEN = 2;
    /** {@link #state()}: its server was marked dead. */
    public static final int ORPHANED = 3;

    private int roomId;
    private int serverId;
    private int kind;
    private int state;
    private int members;
    private int reserved;
    private int minPlayers;
    private int maxPlayers;
    private long reportedAtMs;
    private boolean durable;

    void set(final RoomStatusFlyweight status)
    {
        roomId = status.roomId();
        serverId = status.serverId();
        kind = status.kind();
        state = status.state();
        members = status.members();
        reserved = status.reserved();
        minPlayers = status.minPlayers();
        maxPlayers = status.maxPlayers();
        reportedAtMs = status.reportedAtMs();
        durable = 0 != (status.flags() & RoomStatusFlyweight.FLAG_DURABLE);
    }

    /**
     * @return room id.
     */
    public int roomId()
    {
        return roomId;
    }

    /**
     * @return room server id.
     */
    public int serverId()
    {
        return serverId;
    }

    /**
     * @return room kind.
     */
    public int kind()
    {
        return kind;
    }

    /**
     * @return {@link #PLACED}, {@link #OPEN} or {@link #ORPHANED}.
     */
    public int state()
    {
        return state;
    }

    /**
     * @return members its server reported, plus seats confirmed since.
     */
    public int members()
    {
        return members;
    }

    /**
     * @return players of unexpired, unconfirmed seats.
     */
    public int reserved()
    {
        return reserved;
    }

    /**
     * @return fewest players the room starts with.
     */
    public int minPlayers()
    {
        return minPlayers;
    }

    /**
     * @return most players.
     */
    public int maxPlayers()
    {
        return maxPlayers;
    }

    /**
     * @return cluster time of the last report naming it, 0 for none.
     */
    public long reportedAtMs()
    {
        return reportedAtMs;
    }

    /**
     * @return whether the room is durable (re-placed on another server if its server dies).
     */
    public boolean isDurable()
    {
        return durable;
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "RoomStatus{roomId=" + roomId + ", serverId=" + serverId + ", kind=" + kind + ", state=" + state +
            ", members=" + members + ", reserved=" + reserved + ", max=" + maxPlayers + ", durable=" + durable + "}";
    }
}
