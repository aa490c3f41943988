package io.skirmish.engine.server;

import io.skirmish.engine.LeaveReason;
import io.skirmish.engine.SendResult;
import io.skirmish.engine.archive.RoomRecorder;
import io.skirmish.engine.codec.MessageRegistry;
import io.skirmish.engine.codec.SnapshotHistory;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.function.Consumer;

/**
 * A socket.io-style room: a set of sessions and a sequenced stream of reliable events fanned out to them. Every
 * event gets the room's next seq (rising by exactly one), is kept in a bounded history for replay, and is offered
 * to each member's own publication; a member that is back-pressured is skipped, counted and caught up from history
 * later, so one slow member never blocks the room.
 * <p>
 * Use a room on the server conductor thread only (from listener callbacks, or from the thread calling
 * {@link GameServer#poll()}); from other threads use {@link GameServer#proxy()}. As with {@link GameServer}'s
 * methods, a call from another thread throws {@link IllegalStateException}.
 * <p>
 * Errors: sends return the event's seq, or a negative {@link SendResult} code (a closed room, a payload over the
 * server's {@code maxMessageLength}, an unregistered class); they do not throw. A member that cannot take the event
 * now is not an error: it is caught up later.
 */
public final class Room
{
    /** How many recent ticks' durations a room keeps for {@link #tickTimeNs(long)}. */
    public static final int TICK_TIME_HISTORY = 256;

    final int roomId;
    final EventStream stream;
    final RoomOptions options;
    final RoomListener listener;
    final AtomicCounter oldestSeqCounter;
    private final RoomRegistry registry;
    private final EventFanOut fanOut;
    private final SnapshotPublisher snapshots;
    private final ConductorThread thread;
    Membership[] members = new Membership[8];
    int memberCount;
    boolean closed;
    long tick;
    long nextTickNs;
    long tickIntervalNs;
    /** A durable room records its tick when it reaches this one ({@link RoomRegistry#tick}). */
    long nextRecordedTick;
    final long[] tickTimesNs = new long[TICK_TIME_HISTORY];
    long lastSnapshotTick = Long.MIN_VALUE;
    SnapshotHistory snapshotHistory;
    int degradedMembers;
    LagCompensation lagCompensation;
    Object attachment;
    RoomRecorder recorder;
    /** Restored rooms: the highest client reliable seq recorded per session ({@link RoomRestore#senderSeqs()}). */
    Long2LongHashMap restoredSenderSeqs;
    /** {@link DurableAcks}: the epochs and newest seqs of events waiting for the archive before delivery. */
    long deliveryWaitEpoch;
    long deliveryWaitSeq;
    long deliveryNextEpoch;
    long deliveryNextSeq;
    boolean inDeliveryWait;
    /** A durable room whose members get its events without waiting on the recording ({@link DurableDelivery#LIVE}). */
    final boolean liveDelivery;
    /** Restored by {@link GameServer#restoreRoom}: the seq its recording ended at (the restored seq), else -1. */
    long restoredSeq = -1;
    /** Restored: tells this restore from any other of the room (clients seeing it twice act once), else 0. */
    long restoreId;

    Room(
        final int roomId,
        final RoomOptions options,
        final RoomListener listener,
        final RoomRegistry registry,
        final EventFanOut fanOut,
        final SnapshotPublisher snapshots,
        final ConductorThread thread,
        final AtomicCounter oldestSeqCounter)
    {
        this.roomId = roomId;
        this.options = options;
        this.listener = listener;
        this.registry = registry;
        this.fanOut = fanOut;
        this.snapshots = snapshots;
        this.thread = thread;
        this.oldestSeqCounter = oldestSeqCounter;
        this.liveDelivery = options.durable && DurableDelivery.LIVE == options.durableDelivery;
        this.stream = new EventStream(
            roomId, new EventHistory(options.historyCount, options.historyBytes, options.historyAgeNs));
    }

    /**
     * @return the room id (positive; 0 is the reserved direct lane).
     */
    public int roomId()
    {
        return roomId;
    }

    /**
     * @return seq of the newest event (0 before the first).
     */
    public long lastSeq()
    {
        return stream.lastSeq;
    }

    /**
     * @return seq of the oldest event still in the replay history (greater than {@link #lastSeq()} when empty).
     */
    public long oldestRetainedSeq()
    {
        return stream.history.oldestSeq();
    }

    /**
     * Record a keyframe of the game's state of a durable room, tagged with the room's current seq ({@link #lastSeq()}):
     * the state after that event. Never waits on the recording; copies the bytes.
     *
     * @param state  buffer holding the state.
     * @param offset of the state.
     * @param length of the state, at most the server's {@code maxMessageLength}.
     * @return the seq the keyframe is tagged with, or {@link SendResult#NO_SUCH_ROOM} when the room is closed or
     * not durable, or {@link SendResult#MESSAGE_TOO_LARGE}.
     */
    public long recordKeyframe(final DirectBuffer state, final int offset, final int length)
    {
        thread.check();
        if (closed || null == recorder)
        {
            return SendResult.NO_SUCH_ROOM;
        }
        if (length < 0 || length > registry.maxMessageLength())
        {
            return SendResult.MESSAGE_TOO_LARGE;
        }
        recorder.onKeyframe(stream.lastSeq, registry.nowNs(), state, offset, length);
        return stream.lastSeq;
    }

    /**
     * @return true when the room is recorded to the archive.
     */
    public boolean isDurable()
    {
        return null != recorder;
    }

    /**
     * @return for a room opened again by {@link GameServer#restoreRoom}, the seq its recording ended at (the last
     * event restored; the room's seq continued after it), else -1.
     */
    public long restoredSeq()
    {
        return restoredSeq;
    }

    /**
     * @return number of members.
     */
    public int memberCount()
    {
        return memberCount;
    }

    /**
     * @param index from 0 to {@link #memberCount()} - 1.
     * @return the member at that index (order changes as members leave).
     */
    public Session member(final int index)
    {
        if (index < 0 || index >= memberCount)
        {
            throw new IndexOutOfBoundsException("index=" + index + " memberCount=" + memberCount);
        }
        return members[index].peer.session;
    }

    /**
     * Visit every member without allocating (pass a non-capturing or cached consumer).
     *
     * @param consumer called once per member.
     */
    public void forEachMember(final Consumer<Session> consumer)
    {
        for (int i = 0; i < memberCount; i++)
        {
            consumer.accept(members[i].peer.session);
        }
    }

    /**
     * @param session a session.
     * @return true when it is a member.
     */
    public boolean hasMember(final Session session)
    {
        final Membership m = session.memberships.get(roomId);
        return null != m && m.room == this;
    }

    /**
     * @return the room's options.
     */
    public RoomOptions options()
    {
        return options;
    }

    /**
     * @return the current tick number (0 before the first tick, or for rooms without a tick rate).
     */
    public long tick()
    {
        return tick;
    }

    /**
     * How long the room listener's {@code onTick} ran for one of the last {@link #TICK_TIME_HISTORY} ticks: what a
     * metrics sampler reads, a tick at a time since the one it read last, so the duty cycle only stores a number.
     *
     * @param tick a tick number, at most {@link #tick()}.
     * @return the duration in nanoseconds, or -1 when that tick is not (or no longer) kept.
     */
    public long tickTimeNs(final long tick)
    {
        return tick <= 0 || tick > this.tick || this.tick - tick >= TICK_TIME_HISTORY ?
            -1 : tickTimesNs[(int)(tick & (TICK_TIME_HISTORY - 1))];
    }

    /**
     * @return the room's lag-compensation history ({@link RoomOptions#lagCompensation(int, int)}), or null when
     * the room has none.
     */
    public LagCompensation lagCompensation()
    {
        return lagCompensation;
    }

    /**
     * @return true once the room was closed.
     */
    public boolean isClosed()
    {
        return closed;
    }

    /**
     * @return the game's object attached to this room, or null.
     */
    public Object attachment()
    {
        return attachment;
    }

    /**
     * @param attachment the game's object for this room.
     */
    public void attachment(final Object attachment)
    {
        this.attachment = attachment;
    }

    /**
     * Add a session to the room (server-initiated; not subject to the join listener).
     *
     * @param session to add.
     * @return true when added; false if already a member, the room is full or the session is in too many rooms.
     */
    public boolean join(final Session session)
    {
        thread.check();
        final Peer peer = registry.peerOf(session);
        return null != peer && registry.join(this, peer, 0) == 0;
    }

    /**
     * Remove a session from the room; it is told, and the other members receive a membership event.
     *
     * @param session to remove.
     * @param reason  told to everyone.
     * @return true when it was a member.
     */
    public boolean leave(final Session session, final LeaveReason reason)
    {
        thread.check();
        final Peer peer = registry.peerOf(session);
        return null != peer && registry.leave(this, peer, reason);
    }

    /**
     * Send a raw event to every member.
     *
     * @param typeId the game's type id.
     * @param buffer payload.
     * @param offset of the payload.
     * @param length of the payload.
     * @return the event's seq, or a negative {@link SendResult} code.
     */
    public long broadcast(final int typeId, final DirectBuffer buffer, final int offset, final int length)
    {
        thread.check();
        return fanOut.broadcast(this, typeId, 0, buffer, offset, length, 0, 0);
    }

    /**
     * Send a raw event to every member except one (it still advances that member's seq, without the payload).
     *
     * @param exceptSessionId the member that does not get the event.
     * @param typeId          the game's type id.
     * @param buffer          payload.
     * @param offset          of the payload.
     * @param length          of the payload.
     * @return the event's seq, or a negative {@link SendResult} code.
     */
    public long broadcastExcept(
        final int exceptSessionId, final int typeId, final DirectBuffer buffer, final int offset, final int length)
    {
        thread.check();
        return fanOut.broadcast(this, typeId, 0, buffer, offset, length, 0, exceptSessionId);
    }

    /**
     * Send a registered message to every member.
     *
     * @param message an instance of a class registered in the {@link MessageRegistry}.
     * @return the event's seq, or a negative {@link SendResult} code.
     */
    public long broadcast(final Object message)
    {
        thread.check();
        return fanOut.broadcastObject(this, message, 0);
    }

    /**
     * Send a registered message to every member except one.
     *
     * @param exceptSessionId the member that does not get the event.
     * @param message         an instance of a registered class.
     * @return the event's seq, or a negative {@link SendResult} code.
     */
    public long broadcastExcept(final int exceptSessionId, final Object message)
    {
        thread.check();
        return fanOut.broadcastObject(this, message, exceptSessionId);
    }

    /**
     * Publish each member's own snapshot for a tick on the unreliable snapshot lane. The writer is called once per
     * connected member and writes that member's state straight into the engine's buffer; the engine then sends it
     * as a delta against the newest state that member acknowledged (when still in the
     * {@link GameServer.Context#snapshotWindow(int) window}, and smaller), or in full, split into datagram-sized
     * parts. A member whose lane is back-pressured misses this tick (counted); nothing is retried. Conductor thread
     * only; allocation-free once warm.
     *
     * @param tick   the snapshot's tick, usually {@link #tick()} from {@link RoomListener#onTick}; must be higher
     *               than any tick published in this room before.
     * @param writer writes one member's state (keep it in a field: no capturing lambda per tick).
     * @return number of members sent a snapshot, or a negative {@link SendResult} code: {@link SendResult#STALE_TICK}
     * or {@link SendResult#NO_SUCH_ROOM}.
     */
    public long publishSnapshot(final long tick, final SnapshotWriter writer)
    {
        thread.check();
        return snapshots.publish(this, tick, writer);
    }

    /**
     * Publish one snapshot for a tick to every member. The state is copied once into the room's window of past
     * states; each member gets it as a delta against the newest state it acknowledged (an encoding is reused by
     * every member with the same baseline), or in full. Conductor thread only; allocation-free once warm.
     *
     * @param tick   the snapshot's tick; must be higher than any tick published in this room before.
     * @param state  the room's state.
     * @param offset of the state.
     * @param length of the state, at most {@link GameServer.Context#maxSnapshotLength(int)}.
     * @return number of members sent the snapshot, or a negative {@link SendResult} code:
     * {@link SendResult#STALE_TICK}, {@link SendResult#MESSAGE_TOO_LARGE} or {@link SendResult#NO_SUCH_ROOM}.
     */
    public long publishSharedSnapshot(final long tick, final DirectBuffer state, final int offset, final int length)
    {
        thread.check();
        return snapshots.publishShared(this, tick, state, offset, length);
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "Room{id=" + roomId + ", members=" + memberCount + ", lastSeq=" + stream.lastSeq + "}";
    }
}
