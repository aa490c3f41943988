package io.skirmish.engine.server;

/**
 * One session's place in one event stream: what it was sent and what it acknowledged. A member that is
 * {@code behind} receives no live events; the fan-out pumps it from history, paced by its lane, until it has caught
 * up (or resyncs it when history no longer reaches back far enough). A membership that ended while the session
 * still had events of the room coming ({@code departed}) stays with the session, owed the room's events up to
 * {@code finalSeq}, until the client acknowledges them; only then does its leave reach the game. The ranges a
 * client asked for again ({@code resendFrom..resendTo}) are sent before anything new. Conductor thread only.
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
    long finalSeq = Long.MAX_VALUE;
    long joinNoticeSeq;
    long leftNoticeSeq;
    boolean departed;
    SnapshotPublisher.MemberState snapshotState;
    long[] resendFrom;
    long[] resendTo;
    int resendCount;
    long resyncedUpTo;
    long leadInputTick = Long.MIN_VALUE;
    long leadNs;
    long resyncSentNs;
    boolean resyncLost;
    /**
     * Restored with its session after a restart ({@link RoomRegistry#restoreMember}): the seq the room was restored
     * at, told to the client in its resume state until it shows it holds nothing past it; else -1.
     */
    long restoredAtSeq = -1;

    Membership(final Peer peer, final EventStream stream, final Room room)
    {
        this.peer = peer;
        this.stream = stream;
        this.room = room;
    }

    /**
     * @return the last seq this member is owed: the stream's newest, or the one it had when the membership ended.
     */
    long lastOwedSeq()
    {
        return Math.min(Math.min(stream.lastSeq, stream.sendableSeq), finalSeq);
    }
}
