package io.skirmish.engine.server;

/**
 * One network replay's look-up, handed from the conductor to the {@link ReplayLookups} thread and back through
 * their queues: the request's fields are written before it is offered, the answer's before it is offered back (the
 * queues order the writes).
 */
final class ReplayLookup
{
    static final int PENDING = 0;
    static final int FOUND = 1;
    static final int NO_SUCH_ROOM = 2;
    static final int ARCHIVE_ERROR = 3;

    final int roomId;
    final long recordingId;
    final long fromSeq;
    int outcome = PENDING;
    long[] recordingIds;
    long[] startPositions;
    RuntimeException error;

    ReplayLookup(final int roomId, final long recordingId, final long fromSeq)
    {
        this.roomId = roomId;
        this.recordingId = recordingId;
        this.fromSeq = fromSeq;
    }
}
