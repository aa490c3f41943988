package io.skirmish.engine.archive;

import org.agrona.DirectBuffer;

/**
 * Receives a recorded room's frames during {@link RoomRecordings#replay}, in recorded order, on the replaying
 * thread. The buffers are only valid during the call.
 */
public interface RoomReplayHandler
{
    /**
     * A room event.
     *
     * @param seq             the event's seq.
     * @param typeId          its type id.
     * @param flags           its flags (e.g. system, Kryo).
     * @param senderSessionId the sender, 0 for the server.
     * @param timestampNs     the server's nano clock when it was recorded.
     * @param buffer          holding the payload.
     * @param offset          of the payload.
     * @param length          of the payload.
     */
    void onEvent(
        long seq, int typeId, int flags, int senderSessionId, long timestampNs, DirectBuffer buffer, int offset,
        int length);

    /**
     * A keyframe of the game's room state.
     *
     * @param seq         the room seq the state follows.
     * @param timestampNs when it was recorded.
     * @param buffer      holding the state.
     * @param offset      of the state.
     * @param length      of the state.
     */
    default void onKeyframe(
        final long seq, final long timestampNs, final DirectBuffer buffer, final int offset, final int length)
    {
    }

    /**
     * The events that follow were produced by handling a client's reliable frame (a restarted server acknowledges
     * that frame to the restored session). Most handlers ignore it.
     *
     * @param nextSeq         the room seq of the next event.
     * @param senderSessionId the client's session.
     * @param reliableSeq     the client's reliable seq of the frame.
     */
    default void onSenderSeq(final long nextSeq, final int senderSessionId, final long reliableSeq)
    {
    }

    /**
     * Frames were lost before reaching the recording.
     *
     * @param fromSeq    seq of the first lost frame.
     * @param lostFrames how many frames were lost.
     */
    default void onGap(final long fromSeq, final int lostFrames)
    {
    }

    /**
     * A ticking room's tick, recorded about once a second. Most handlers ignore it.
     *
     * @param seq     the room's last seq when recorded.
     * @param tick    the room's tick.
     * @param epochMs the recording server's wall clock, epoch milliseconds.
     */
    default void onTick(final long seq, final long tick, final long epochMs)
    {
    }

    /**
     * The recording starts a restored room's recording: the frames up to {@code restoredSeq} that follow repeat what
     * the room's earlier recordings hold (the restored keyframe, the events after it, the sender seqs and the tick),
     * so that the recording is self-contained. Handed over only when the replay reads this recording first; a
     * stitched replay skips the repeat. Called on the replaying thread. Most handlers ignore it.
     *
     * @param seq          the repeated keyframe's seq, or 0 without one.
     * @param hasKeyframe  whether a repeated keyframe follows.
     * @param restoredSeq  the seq the room was restored at: the repeat ends there.
     */
    default void onRestored(final long seq, final boolean hasKeyframe, final long restoredSeq)
    {
    }
}
