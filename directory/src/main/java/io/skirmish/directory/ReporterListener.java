package io.skirmish.directory;

/**
 * What a {@link DirectoryReporter} hears from the directory. Called on the thread that runs the reporter's
 * {@link DirectoryReporter#doWork()}.
 */
public interface ReporterListener
{
    /**
     * The directory accepted the server's registration (again, after a reconnect or a leader change).
     */
    default void onRegistered()
    {
    }

    /**
     * The directory placed a room on this server, a new one matched from a ticket or a durable one whose server died:
     * create or restore it (with
     * {@link DirectoryReporter#room} reported, the directory stops asking). Said once per room until reported.
     *
     * @param roomId     the room id the directory chose.
     * @param kind       room kind.
     * @param minPlayers fewest players it starts with.
     * @param maxPlayers most players.
     * @param properties the ticket's properties (a fresh copy).
     * @param restore    true for a durable room of a dead server placed here: restore it (from the shared archive)
     *                   rather than create it empty.
     */
    default void onRoomPlaced(
        int roomId, int kind, int minPlayers, int maxPlayers, byte[] properties, boolean restore)
    {
    }

    /**
     * The directory placed a room on this server, with whether the room is to be durable (a ticket that asked for a
     * durable room, or a durable room re-placed). By default calls
     * {@link #onRoomPlaced(int, int, int, int, byte[], boolean)}, which does not say it. Called on the reporter's
     * thread (the one that calls {@link DirectoryReporter#doWork()}).
     *
     * @param roomId     the room id the directory chose.
     * @param kind       room kind.
     * @param minPlayers fewest players it starts with.
     * @param maxPlayers most players.
     * @param properties the ticket's properties (a fresh copy).
     * @param durable    true when the directory holds the room as durable: open it durable (recorded).
     * @param restore    true for a durable room of a dead server placed here: restore it rather than create it.
     */
    default void onRoomPlaced(
        int roomId, int kind, int minPlayers, int maxPlayers, byte[] properties, boolean durable, boolean restore)
    {
        onRoomPlaced(roomId, kind, minPlayers, maxPlayers, properties, restore);
    }

    /**
     * A seat confirm was answered.
     *
     * @param seatId the seat.
     * @param code   OK, or NO_SUCH_SEAT when it had expired or was released.
     */
    default void onSeatConfirmed(long seatId, long code)
    {
    }
}
