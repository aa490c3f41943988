package io.skirmish.engine.server;

/**
 * One session's place in one event stream: what it was sent and what it acknowledged. A member that is
 * {@code behind} receives no live events; the fan-out pumps it from history, paced by its lane, until it has caught
 * up (or resyncs it when history no longer reaches back far enough). Conductor thread only.
 */
final class Membership
{
    final Peer peer;
    final EventStream stream;
    final Room room;
    int indexInRoom = -1;
    boolean behind;
    boolean inBehindList;
    long nextSeqToSend;
    long ackedSeq;
    SnapshotPublisher.MemberState snapshotState;

    Membership(final Peer peer, final EventStream stream, final Room room)
    {
        this.peer = peer;
        this.stream = stream;
        this.room = room;
    }
}
