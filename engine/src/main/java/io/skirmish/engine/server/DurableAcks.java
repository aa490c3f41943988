package io.skirmish.engine.server;

import io.skirmish.engine.archive.RoomArchive;
import io.skirmish.engine.archive.RoomRecorder;

/**
 * Holds back the acknowledgement of a client's reliable frame whose handling put events into a durable room until
 * the archive has recorded them, so that a frame the client was told is delivered survives a crash of the server
 * process: until then the frame stays in the client's resend queue and a restarted server gets it again. While a
 * reliable frame is handled ({@link #begin}/{@link #end}), every event recorded in a durable room is preceded in
 * the recording by a {@code SENDER_SEQ} record naming the frame, from which a restarted server learns which of a
 * restored session's frames it already has. A session has at most two waiting frames (the newest of an epoch that
 * is closed and waiting for the archive, and the newest of the open one): the acknowledgement it is sent stops just
 * before the older one. Sessions that touch no durable room, and servers without an archive, are acknowledged as
 * before, with no added latency. Conductor thread only; allocation-free.
 */
final class DurableAcks
{
    private RoomArchive archive;
    private Peer current;
    private long currentSeq;

    /**
     * @param archive the server's archive link, or null (then nothing is held).
     */
    void archive(final RoomArchive archive)
    {
        this.archive = archive;
    }

    /**
     * A reliable frame of a session is being handled.
     */
    void begin(final Peer peer, final long seq)
    {
        if (null != archive)
        {
            current = peer;
            currentSeq = seq;
        }
    }

    /**
     * Its handling is over.
     */
    void end()
    {
        current = null;
    }

    /**
     * An event is about to be recorded in a durable room: when a client's frame produced it, mark the recording and
     * hold that frame's acknowledgement until the archive has the event.
     *
     * @param recorder the room's recorder.
     * @param nextSeq  the event's room seq.
     * @param nowNs    the server's clock.
     */
    void onRecord(final RoomRecorder recorder, final long nextSeq, final long nowNs)
    {
        final Peer peer = current;
        if (null == peer)
        {
            return;
        }
        recorder.onSenderSeq(nextSeq, nowNs, peer.sessionId, currentSeq);
        final long epoch = archive.markOffered();
        if (0 == peer.durableWaitEpoch || peer.durableWaitEpoch == epoch)
        {
            peer.durableWaitEpoch = epoch;
            peer.durableWaitSeq = currentSeq;
        }
        else
        {
            peer.durableNextEpoch = epoch;
            peer.durableNextSeq = currentSeq;
        }
    }

    /**
     * @return the seq to acknowledge to the session: every frame up to it is handled and, where it reached a
     * durable room, recorded.
     */
    long ackedSeq(final Peer peer)
    {
        if (0 != peer.durableWaitEpoch)
        {
            final long recorded = null == archive ? Long.MAX_VALUE : archive.recordedEpoch();
            if (peer.durableWaitEpoch <= recorded)
            {
                peer.durableWaitEpoch = peer.durableNextEpoch;
                peer.durableWaitSeq = peer.durableNextSeq;
                peer.durableNextEpoch = 0;
                if (0 != peer.durableWaitEpoch && peer.durableWaitEpoch <= recorded)
                {
                    peer.durableWaitEpoch = 0;
                }
            }
        }
        return 0 == peer.durableWaitEpoch ? peer.reliableAckedSeq : peer.durableWaitSeq - 1;
    }

    /**
     * @return true while the session has a frame whose acknowledgement waits for the archive.
     */
    boolean isWaiting(final Peer peer)
    {
        return 0 != peer.durableWaitEpoch;
    }
}
