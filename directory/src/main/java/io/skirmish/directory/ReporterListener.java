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
     * The directory placed a new room on this server, matched from a ticket: create it (with
     * {@link DirectoryReporter#room} reported, the directory stops asking). Said once per room until reported.
     *
     * @param roomId     the room id the directory chose.
     * @param kind       room kind.
     * @param minPlayers fewest players it starts with.
     * @param maxPlayers most players.
     * @param properties the ticket's properties (a fresh copy).
     */
    default void onRoomPlaced(int roomId, int kind, int minPlayers, int maxPlayers, byte[] properties)
    {
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
