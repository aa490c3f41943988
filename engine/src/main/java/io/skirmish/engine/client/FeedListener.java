package io.skirmish.engine.client;

import io.skirmish.engine.FeedEndReason;
import io.skirmish.engine.ThreadingMode;
import org.agrona.DirectBuffer;

/**
 * Receives a spectator or replay feed of a durable room ({@link GameClient#spectate}, {@link GameClient#replay}):
 * the room's recorded frames in recorded order, each exactly once, with the room's seqs. A feed starts with a
 * keyframe when the recording has one before the starting point (the newest one recorded at least the delay ago for
 * a spectator; the newest one before the first seq wanted for a replay), then every event after it. Every method
 * has a no-op default and is called on the thread that drives the client: the thread calling
 * {@link GameClient#poll()} in the default {@link ThreadingMode#INVOKER} mode, or the client's agent thread
 * otherwise. Buffers are valid only during the call.
 */
public interface FeedListener
{
    /**
     * A keyframe of the game's room state.
     *
     * @param feedId      the feed.
     * @param roomId      the room.
     * @param seq         the room seq the state follows (the events after it come next).
     * @param timestampNs the server's clock when it was recorded.
     * @param buffer      holding the state.
     * @param offset      of the state.
     * @param length      of the state.
     */
    default void onFeedKeyframe(
        final int feedId,
        final int roomId,
        final long seq,
        final long timestampNs,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
    }

    /**
     * A room event, as the players got it.
     *
     * @param feedId          the feed.
     * @param roomId          the room.
     * @param seq             the event's room seq.
     * @param typeId          its type id.
     * @param flags           its flags (system, Kryo).
     * @param senderSessionId who emitted it, 0 for the server.
     * @param timestampNs     the server's clock when it was recorded.
     * @param buffer          holding the payload.
     * @param offset          of the payload.
     * @param length          of the payload.
     */
    default void onFeedEvent(
        final int feedId,
        final int roomId,
        final long seq,
        final int typeId,
        final int flags,
        final int senderSessionId,
        final long timestampNs,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
    }

    /**
     * The recording itself lacks frames here (its pending buffer overflowed on the server while the room ran).
     *
     * @param feedId     the feed.
     * @param roomId     the room.
     * @param fromSeq    the first seq lost.
     * @param lostFrames how many frames were lost.
     */
    default void onFeedGap(final int feedId, final int roomId, final long fromSeq, final int lostFrames)
    {
    }

    /**
     * The feed ended; nothing more comes for it.
     *
     * @param feedId  the feed.
     * @param roomId  the room.
     * @param lastSeq the seq of the last frame delivered (0 for none).
     * @param reason  why.
     */
    default void onFeedEnd(final int feedId, final int roomId, final long lastSeq, final FeedEndReason reason)
    {
    }
}
