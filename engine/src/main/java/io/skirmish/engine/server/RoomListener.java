package io.skirmish.engine.server;

import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.LeaveReason;
import io.skirmish.engine.ThreadingMode;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The game's hooks into one room (or every room, when set as the server default). Every method is called on the
 * server conductor thread (the thread calling {@link GameServer#poll()} in {@link ThreadingMode#INVOKER} mode) and
 * must not block. Buffers are valid only during the call.
 * <p>
 * Errors: an exception thrown by a callback is caught, counted in {@link EngineCounter#ERRORS} and passed to the
 * server's error handler. A join request whose callback throws is denied, an emit whose callback throws is
 * dropped, and a resync whose {@link #onResync} throws carries an empty state.
 */
public interface RoomListener
{
    /**
     * A session asks to join. Return false to deny; the client is told {@code DENIED}.
     *
     * @param room    the room.
     * @param session the session asking.
     * @param buffer  join payload from the client (e.g. a password), possibly empty.
     * @param offset  of the payload.
     * @param length  of the payload.
     * @return true to allow the join.
     */
    default boolean onJoinRequest(
        final Room room, final Session session, final DirectBuffer buffer, final int offset, final int length)
    {
        return true;
    }

    /**
     * A session joined (after it was told; other members receive a membership event).
     *
     * @param room    the room.
     * @param session the new member.
     */
    default void onJoined(final Room room, final Session session)
    {
    }

    /**
     * A session left.
     *
     * @param room    the room.
     * @param session the former member.
     * @param reason  why.
     */
    default void onLeft(final Room room, final Session session, final LeaveReason reason)
    {
    }

    /**
     * A member emitted an event to the room. Return false to veto it; it is then neither sequenced nor relayed,
     * and counted as vetoed. Typed handlers registered with {@link GameServer#onEmit} run instead for their types.
     *
     * @param room    the room.
     * @param sender  the emitting member.
     * @param typeId  the event's type id.
     * @param buffer  the payload.
     * @param offset  of the payload.
     * @param length  of the payload.
     * @return true to relay it to the room.
     */
    default boolean onEmit(
        final Room room,
        final Session sender,
        final int typeId,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        return true;
    }

    /**
     * A member asked for events that have left the room's history. Write the room's current state so the client
     * can resync; the client's listener is told it was resynced at {@link Room#lastSeq()} and continues after it.
     *
     * @param room    the room.
     * @param session the member to resync.
     * @param buffer  to write the state into.
     * @param offset  at which to write.
     * @param maxLength most bytes that may be written.
     * @return bytes written (0 for an empty resync).
     */
    default int onResync(
        final Room room, final Session session, final MutableDirectBuffer buffer, final int offset, final int maxLength)
    {
        return 0;
    }

    /**
     * The room's fixed-rate tick (when the room has a tick rate): called once per {@code 1 / tickRateHz}, numbered
     * from 1 without gaps. A tick that starts more than one interval late is counted in
     * {@link EngineCounter#TICKS_LATE} and the schedule restarts from it (no burst of catch-up ticks). The place to
     * step the simulation and {@link Room#publishSnapshot(long, SnapshotWriter) publish snapshots} with this tick.
     *
     * @param room  the room.
     * @param tick  tick number, from 1.
     * @param nowNs the conductor's clock for this duty cycle.
     */
    default void onTick(final Room room, final long tick, final long nowNs)
    {
    }

    /**
     * While {@link GameServer#restoreRoom} rebuilds a durable room from the archive: the newest keyframe the game
     * recorded with {@link Room#recordKeyframe}, before the events after it ({@link #onRestoreEvent}). Not called
     * when the room's recordings hold no keyframe. The room has no members yet and its {@link Room#lastSeq()} is
     * already the last recorded seq; do not send to it from here.
     *
     * @param room   the room being restored.
     * @param seq    the seq the state follows.
     * @param buffer holding the state.
     * @param offset of the state.
     * @param length of the state.
     */
    default void onRestoreKeyframe(
        final Room room, final long seq, final DirectBuffer buffer, final int offset, final int length)
    {
    }

    /**
     * While {@link GameServer#restoreRoom} rebuilds a durable room: each recorded event after the newest keyframe
     * (every event, when there is none), in seq order, membership events ({@code FLAG_SYSTEM}) included.
     *
     * @param room            the room being restored.
     * @param seq             the event's seq.
     * @param typeId          its type id.
     * @param flags           its flags.
     * @param senderSessionId its sender in the previous process, 0 for the server.
     * @param buffer          holding the payload.
     * @param offset          of the payload.
     * @param length          of the payload.
     */
    default void onRestoreEvent(
        final Room room,
        final long seq,
        final int typeId,
        final int flags,
        final int senderSessionId,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
    }
}
