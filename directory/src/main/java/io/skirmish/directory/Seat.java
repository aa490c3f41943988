package io.skirmish.directory;

import io.skirmish.directory.protocol.SeatGrantedFlyweight;
import io.skirmish.engine.security.ConnectTokens;
import org.agrona.concurrent.UnsafeBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * A seat the directory reserved: which room, on which room server, until when, and what the backend needs to mint
 * the player's connect token for that server ({@link #mint}). A reusable holder, filled by {@link DirectoryClient}.
 */
public final class Seat
{
    /** Length of the user data {@link #mint} puts in the token: the seat id then the room id, little-endian. */
    public static final int USER_DATA_LENGTH = 12;

    private long seatId;
    private long expiresAtMs;
    private int roomId;
    private int serverId;
    private int tokenKeyId;
    private int partySize;
    private int occupied;
    private int maxPlayers;
    private String address;

    void set(final SeatGrantedFlyweight granted)
    {
        seatId = granted.seatId();
        expiresAtMs = granted.expiresAtMs();
        roomId = granted.roomId();
        serverId = granted.serverId();
        tokenKeyId = granted.tokenKeyId();
        partySize = granted.partySize();
        occupied = granted.occupied();
        maxPlayers = granted.maxPlayers();
        address = granted.address();
    }

    /**
     * Mint the player's connect token for the seat's room server: valid for the server's public address, carrying
     * the seat id and room id as user data (the room server reads them with {@link #seatIdOf} and
     * {@link #roomIdOf} and confirms the seat).
     *
     * @param tokens           the backend's token minter, keyed with the key {@link #tokenKeyId()} names.
     * @param clientId         the player's id in the backend.
     * @param expiresAtEpochMs the token's expiry.
     * @return the token and its session key.
     */
    public ConnectTokens.Minted mint(final ConnectTokens tokens, final long clientId, final long expiresAtEpochMs)
    {
        final byte[] userData = new byte[USER_DATA_LENGTH];
        final UnsafeBuffer buffer = new UnsafeBuffer(userData);
        buffer.putLong(0, seatId, LITTLE_ENDIAN);
        buffer.putInt(8, roomId, LITTLE_ENDIAN);
        return tokens.mint(clientId, expiresAtEpochMs, address, userData);
    }

    /**
     * @param userData a connect token's user data, as minted by {@link #mint}.
     * @return the seat id, or 0 when the user data is not a seat's.
     */
    public static long seatIdOf(final byte[] userData)
    {
        return null == userData || userData.length != USER_DATA_LENGTH ?
            0 : new UnsafeBuffer(userData).getLong(0, LITTLE_ENDIAN);
    }

    /**
     * @param userData a connect token's user data, as minted by {@link #mint}.
     * @return the room id, or 0 when the user data is not a seat's.
     */
    public static int roomIdOf(final byte[] userData)
    {
        return null == userData || userData.length != USER_DATA_LENGTH ?
            0 : new UnsafeBuffer(userData).getInt(8, LITTLE_ENDIAN);
    }

    /**
     * @return seat id, unique in the directory.
     */
    public long seatId()
    {
        return seatId;
    }

    /**
     * @return when the seat expires unconfirmed, cluster time in ms since the epoch.
     */
    public long expiresAtMs()
    {
        return expiresAtMs;
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
     * @return id of the connect token key the room server verifies with.
     */
    public int tokenKeyId()
    {
        return tokenKeyId;
    }

    /**
     * @return players the seat holds.
     */
    public int partySize()
    {
        return partySize;
    }

    /**
     * @return members plus reserved players in the room when granted, this seat included.
     */
    public int occupied()
    {
        return occupied;
    }

    /**
     * @return most players in the room.
     */
    public int maxPlayers()
    {
        return maxPlayers;
    }

    /**
     * @return the room server's public address, the one to mint the token for.
     */
    public String address()
    {
        return address;
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "Seat{seatId=" + seatId + ", roomId=" + roomId + ", serverId=" + serverId + ", address=" + address +
            ", partySize=" + partySize + ", occupied=" + occupied + "/" + maxPlayers + ", expiresAtMs=" + expiresAtMs +
            "}";
    }
}
