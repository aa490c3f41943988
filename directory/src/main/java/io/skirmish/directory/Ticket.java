package io.skirmish.directory;

import io.skirmish.directory.protocol.SeatRequestFlyweight;

/**
 * A matchmaking ticket: a party looking for a room of a kind, with between min and max players and the same
 * properties (compared byte for byte, e.g. a region and a mode). Reusable; fluent setters.
 */
public final class Ticket
{
    private int kind;
    private int partySize = 1;
    private int minPlayers = 1;
    private int maxPlayers = 1;
    private int ttlMs;
    private boolean durable;
    private final byte[] properties = new byte[SeatRequestFlyweight.MAX_PROPERTIES_LENGTH];
    private int propertiesLength;

    /**
     * @param kind room kind.
     * @return this for a fluent API.
     */
    public Ticket kind(final int kind)
    {
        this.kind = kind;
        return this;
    }

    /**
     * @return room kind.
     */
    public int kind()
    {
        return kind;
    }

    /**
     * @param durable ask for a durable room: only durable rooms match, and a room placed for the ticket is durable
     *                (its server records it, and it is re-placed if that server dies); default false, which matches
     *                only rooms that are not durable.
     * @return this for a fluent API.
     */
    public Ticket durable(final boolean durable)
    {
        this.durable = durable;
        return this;
    }

    /**
     * @return whether the ticket asks for a durable room.
     */
    public boolean durable()
    {
        return durable;
    }

    /**
     * @param partySize players in the party; default 1.
     * @return this for a fluent API.
     */
    public Ticket partySize(final int partySize)
    {
        this.partySize = partySize;
        return this;
    }

    /**
     * @return players in the party.
     */
    public int partySize()
    {
        return partySize;
    }

    /**
     * @param minPlayers fewest players a matching room starts with.
     * @return this for a fluent API.
     */
    public Ticket minPlayers(final int minPlayers)
    {
        this.minPlayers = minPlayers;
        return this;
    }

    /**
     * @return fewest players.
     */
    public int minPlayers()
    {
        return minPlayers;
    }

    /**
     * @param maxPlayers most players in a matching room; a new room gets this many.
     * @return this for a fluent API.
     */
    public Ticket maxPlayers(final int maxPlayers)
    {
        this.maxPlayers = maxPlayers;
        return this;
    }

    /**
     * @return most players.
     */
    public int maxPlayers()
    {
        return maxPlayers;
    }

    /**
     * @param ttlMs how long the seat is held unconfirmed, 0 for the directory's default.
     * @return this for a fluent API.
     */
    public Ticket ttlMs(final int ttlMs)
    {
        this.ttlMs = ttlMs;
        return this;
    }

    /**
     * @return the TTL.
     */
    public int ttlMs()
    {
        return ttlMs;
    }

    /**
     * @param properties matched byte for byte; at most {@link SeatRequestFlyweight#MAX_PROPERTIES_LENGTH} bytes.
     * @return this for a fluent API.
     */
    public Ticket properties(final byte[] properties)
    {
        if (properties.length > this.properties.length)
        {
            throw new IllegalArgumentException("ticket properties over " + this.properties.length + " bytes");
        }
        System.arraycopy(properties, 0, this.properties, 0, properties.length);
        propertiesLength = properties.length;
        return this;
    }

    byte[] propertyBytes()
    {
        return properties;
    }

    /**
     * @return length of the properties.
     */
    public int propertiesLength()
    {
        return propertiesLength;
    }
}
