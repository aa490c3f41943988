package io.skirmish.directory;

/**
 * Answers to a {@link DirectoryClient}'s asynchronous requests, matched by the correlation id the request returned.
 * Called on the thread that calls {@link DirectoryClient#poll()}; the holders passed in are reused after the call.
 */
public interface DirectoryListener
{
    /**
     * A seat was reserved.
     *
     * @param correlationId of the request.
     * @param seat          the seat.
     */
    default void onSeat(long correlationId, Seat seat)
    {
    }

    /**
     * A request finished without a seat or room to show: a confirm or release ({@link
     * io.skirmish.directory.protocol.DirectoryResult#OK} or a negative code), or a seat or describe request that
     * failed (NO_CAPACITY, NO_SUCH_ROOM, ..., or TIMEOUT when the deadline passed unanswered).
     *
     * @param correlationId of the request.
     * @param code          result code.
     */
    default void onResult(long correlationId, long code)
    {
    }

    /**
     * A room's state, answering a describe.
     *
     * @param correlationId of the request.
     * @param status        the room.
     */
    default void onRoomStatus(long correlationId, RoomStatus status)
    {
    }
}
