package io.skirmish.engine.client;

import io.skirmish.engine.DisconnectReason;
import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.LeaveReason;
import io.skirmish.engine.ThreadingMode;
import org.agrona.DirectBuffer;

/**
 * The game's hooks into a {@link GameClient}. Every method has a no-op default. Every method is called on the
 * thread that drives the client: the thread calling {@link GameClient#poll()} in the default
 * {@link ThreadingMode#INVOKER} mode, or the client's agent thread otherwise. Do not block in them. Buffers and
 * decoded messages are valid only during the call.
 * <p>
 * Errors: an exception thrown by a callback is caught, counted in {@link EngineCounter#ERRORS} and passed to the
 * context's {@link GameClient.Context#errorHandler error handler}; the client carries on.
 */
public interface ClientListener
{
    /**
     * The connection state changed (see {@code docs/STATE-MACHINE.md}).
     *
     * @param oldState previous state.
     * @param newState new state.
     */
    default void onStateChange(final ClientState oldState, final ClientState newState)
    {
    }

    /**
     * The session is connected on every lane.
     *
     * @param sessionId the session id.
     * @param resumed   true when an earlier session was resumed (rooms and missed events come back).
     */
    default void onConnected(final int sessionId, final boolean resumed)
    {
    }

    /**
     * The server refused the connect as full or busy, and the client will ask again after a backoff (see
     * {@link GameClient.Context#retryWhenRefusedNs(long)}); when it does not retry, {@link #onDisconnected} follows
     * with the reason instead.
     *
     * @param reason    {@link DisconnectReason#SERVER_FULL} or {@link DisconnectReason#SERVER_BUSY}.
     * @param retryInNs how long until it asks again: its own backoff, or longer when the server advised a longer wait
     *                  (it does while it refuses many clients).
     */
    default void onConnectRefused(final DisconnectReason reason, final long retryInNs)
    {
    }

    /**
     * The session ended and will not be resumed.
     *
     * @param reason why.
     */
    default void onDisconnected(final DisconnectReason reason)
    {
    }

    /**
     * The client is now a member of a room: after a join request, a server-initiated join, or a resume.
     *
     * @param roomId  the room.
     * @param nextSeq seq of the first event it will be delivered (backlog first, when configured).
     */
    default void onJoined(final int roomId, final long nextSeq)
    {
    }

    /**
     * A join request failed.
     *
     * @param roomId    the room.
     * @param requestId the id returned by {@link GameClient#join(int)}.
     * @param status    a {@code JoinResultFlyweight} status: DENIED, NO_SUCH_ROOM, ROOM_FULL, TOO_MANY_ROOMS,
     *                  ALREADY_MEMBER.
     */
    default void onJoinFailed(final int roomId, final int requestId, final int status)
    {
    }

    /**
     * The client is no longer a member of a room.
     *
     * @param roomId the room.
     * @param reason why.
     */
    default void onLeft(final int roomId, final LeaveReason reason)
    {
    }

    /**
     * A raw event, in seq order, exactly once. Room id 0 is a direct message from the server to this session.
     *
     * @param roomId          the room, or 0 for a direct message.
     * @param seq             the room's (or the direct lane's) seq.
     * @param senderSessionId the emitting session, 0 when the server sent it.
     * @param typeId          the game's type id.
     * @param buffer          payload.
     * @param offset          of the payload.
     * @param length          of the payload.
     */
    default void onEvent(
        final int roomId,
        final long seq,
        final int senderSessionId,
        final int typeId,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
    }

    /**
     * A registered (Kryo) event, in seq order, exactly once, when no typed handler is registered for its type.
     *
     * @param roomId          the room, or 0 for a direct message.
     * @param seq             the seq.
     * @param senderSessionId the emitting session, 0 when the server sent it.
     * @param message         the decoded message.
     */
    default void onEvent(final int roomId, final long seq, final int senderSessionId, final Object message)
    {
    }

    /**
     * Another session joined a room this client is in (delivered in seq order with the room's events).
     *
     * @param roomId    the room.
     * @param seq       the membership event's seq.
     * @param sessionId the new member (may be this client's own session).
     */
    default void onMemberJoined(final int roomId, final long seq, final int sessionId)
    {
    }

    /**
     * A session left a room this client is in (delivered in seq order with the room's events).
     *
     * @param roomId    the room.
     * @param seq       the membership event's seq.
     * @param sessionId the former member.
     * @param reason    why.
     */
    default void onMemberLeft(final int roomId, final long seq, final int sessionId, final LeaveReason reason)
    {
    }

    /**
     * The session resumed into a restarted server (its durable rooms and sessions restored from the archive) whose
     * direct stream continues past seqs this client never received: the direct messages and notices the previous
     * server process had sent but not delivered are gone (the direct stream is not recorded). Direct messages go on
     * from {@code nextSeq}; rooms are not affected. Counted in {@code DIRECT_STREAM_RESETS}. Called on the client
     * thread (the one polling), before the resume is reported.
     *
     * @param lastDeliveredSeq the last direct seq delivered before.
     * @param nextSeq          the direct seq that comes next.
     * @param reason           why.
     */
    default void onDirectStreamReset(
        final long lastDeliveredSeq, final long nextSeq, final DirectStreamResetReason reason)
    {
    }

    /**
     * The session resumed into a restarted server that restored a room at a seq below what this client had
     * delivered: the room was durable with {@code DurableDelivery.LIVE} (its members got events before the archive
     * recorded them) and the events {@code restoredSeq + 1 .. lastDeliveredSeq} this client delivered died with the
     * previous server process; the restored room gives those seqs to new events. The client does not take them for
     * duplicates: it goes back to {@code restoredSeq} and asks for a resync, so {@link #onResync} for the room comes
     * next (with the restored room's state), then every event after it, exactly once. Counted in
     * {@code ROOM_RESTORE_RESYNCS}. Called on the client thread (the one polling), while the resume is under way.
     *
     * @param roomId           the room.
     * @param lastDeliveredSeq the last seq delivered before.
     * @param restoredSeq      the seq the restored room's recording ended at.
     */
    default void onRoomRestored(final int roomId, final long lastDeliveredSeq, final long restoredSeq)
    {
    }

    /**
     * Events this client missed are no longer in the server's history: the server sent the room's state instead.
     * Events continue from {@code seq + 1}. Nothing between the last delivered event and {@code seq} will come.
     *
     * @param roomId the room (0: direct messages were lost).
     * @param seq    the room seq the state corresponds to.
     * @param buffer the state written by the server's {@code RoomListener.onResync}, possibly empty.
     * @param offset of the state.
     * @param length of the state.
     */
    default void onResync(final int roomId, final long seq, final DirectBuffer buffer, final int offset, final int length)
    {
    }

    /**
     * A complete snapshot state, newer than any delivered before for its room. Deltas arrive already applied: the
     * buffer holds the full state for the tick, byte for byte what the server published. Stale, duplicate and
     * incomplete snapshots, and deltas whose baseline the client no longer holds, are dropped and counted. The
     * buffer is the client's own copy (kept as a future delta baseline): read it, do not change it, and copy what
     * you keep (e.g. into an {@link InterpolationBuffer}).
     *
     * @param roomId       the room it describes.
     * @param tick         its tick.
     * @param baselineTick the acked tick it was delta-encoded against on the wire, or -1 when it came in full.
     * @param buffer       the state.
     * @param offset       of the state.
     * @param length       of the state.
     */
    default void onSnapshot(
        final int roomId,
        final long tick,
        final long baselineTick,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
    }
}
