package io.skirmish.engine.server;

/**
 * A sequenced stream of reliable events: a room, or one session's direct lane (id 0). Seqs start at 1 and rise by
 * exactly one per event. Conductor thread only.
 */
class EventStream
{
    final int id;
    final EventHistory history;
    long lastSeq;
    /** The newest seq that may go out (a durable room's events wait for the archive), {@code MAX_VALUE} for all. */
    long sendableSeq = Long.MAX_VALUE;

    EventStream(final int id, final EventHistory history)
    {
        this.id = id;
        this.history = history;
    }

    long nextSeq()
    {
        return ++lastSeq;
    }
}
