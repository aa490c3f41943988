package io.skirmish.engine;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.function.Consumer;

/**
 * A socket.io-style room: a set of sessions and a sequenced stream of reliable events fanned out to them. Every
 * event gets the room's next seq (rising by exactly one), is kept in a bounded history for replay, and is offered
 * to each member's own publication; a member that is back-pressured is skipped, counted and caught up from history
 * later, so one slow member never blocks the room.
 * <p>
 * Use a room on the server conductor thread only (from listener callbacks, or from the thread calling
 * {@link GameServer#poll()}); from other threads use {@link GameServer#proxy()}.
 */
public final class Room
{
    final int roomId;
    final EventStream stream;
    final RoomOptions options;
    final RoomListener listener;
    final ServerConductor conductor;
    final AtomicCounter oldestSeqCounter;
    Membership[] members = new Membership[8];
    int memberCount;
    boolean closed;
    long tick;
    long nextTickNs;
    long tickIntervalNs;
    Object attachment;

    Room(
        final int roomId,
        final RoomOptions options,
        final RoomListener listener,
        final ServerConductor conductor,
        final AtomicCounter oldestSeqCounter)
    {
        this.roomId = roomId;
        this.options = options;
        this.listener = listener;
        this.conductor = conductor;
        this.oldestSeqCounter = oldestSeqCounter;
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
        return members[index].session;
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
            consumer.accept(members[i].session);
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
        return conductor.join(this, session, 0) == 0;
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
        return conductor.leave(this, session, reason);
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
        return conductor.broadcast(this, typeId, 0, buffer, offset, length, 0, 0);
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
        return conductor.broadcast(this, typeId, 0, buffer, offset, length, 0, exceptSessionId);
    }

    /**
     * Send a registered message to every member.
     *
     * @param message an instance of a class registered in the {@link MessageRegistry}.
     * @return the event's seq, or a negative {@link SendResult} code.
     */
    public long broadcast(final Object message)
    {
        return conductor.broadcastObject(this, message, 0);
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
        return conductor.broadcastObject(this, message, exceptSessionId);
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "Room{id=" + roomId + ", members=" + memberCount + ", lastSeq=" + stream.lastSeq + "}";
    }
}
