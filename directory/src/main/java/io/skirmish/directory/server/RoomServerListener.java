package io.skirmish.directory.server;

import io.skirmish.engine.server.Room;
import io.skirmish.engine.server.Session;

/**
 * What a {@link RoomServerLink} tells the game. Every method has a no-op default and is called on the game server's
 * conductor thread (like every {@code ServerListener} callback), and must not block.
 */
public interface RoomServerListener
{
    /**
     * The directory placed a room on this server and the link opened it (created empty, or restored from the
     * server's archive when the directory asked for a restore and the server has an archive).
     *
     * @param room       the room, open.
     * @param kind       the room kind of the ticket it was placed for.
     * @param properties the ticket's properties.
     * @param restored   true when it was opened with {@code GameServer.restoreRoom}.
     */
    default void onRoomPlaced(final Room room, final int kind, final byte[] properties, final boolean restored)
    {
    }

    /**
     * A player arrived with a connect token minted from a seat, and the link joined it to the seat's room (before
     * the game's {@code onSessionConnected}). The seat is confirmed with the directory next.
     *
     * @param session the player's session.
     * @param room    the seat's room, the session now a member.
     * @param seatId  the seat.
     */
    default void onSeatTaken(final Session session, final Room room, final long seatId)
    {
    }
}
