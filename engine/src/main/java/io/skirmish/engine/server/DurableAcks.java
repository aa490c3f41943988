package io.skirmish.engine.server;

import io.skirmish.engine.archive.RoomArchive;
import io.skirmish.engine.archive.RoomRecorder;
import org.agrona.DirectBuffer;
import org.agrona.collections.ArrayListUtil;

import java.util.ArrayList;

/**
 * Holds back the acknowledgement of a client's reliable frame whose handling put events into a durable room until
 * the archive has recorded them, so that a frame the client was told is delivered survives a crash of the server
 * process: until then the frame stays in the client's resend queue and a restarted server gets it again. While a
 * reliable frame is handled ({@link #begin}/{@link #end}), every event recorded in a durable room is preceded in
 * the recording by a {@code SENDER_SEQ} record naming the frame, from which a restarted server learns which of a
 * restored session's frames it already has. A session has at most two waiting frames (the newest of an epoch that
 * is closed and waiting for the archive, and the newest of the open one): the acknowledgement it is sent stops just
 * before the older one. Sessions that touch no durable room, and servers without an archive, are acknowledged as
 * before, with no added latency.
 * <p>
 * The same holds for what the members of a durable room receive: its events go out (from the room's history, as a
 * behind member is pumped) only once the archive has recorded them, so that no client ever holds an event a
 * restarted server does not have (it would take the same seq for another event). This costs a durable room's
 * events the recording's latency (one or two duty cycles with the embedded archive); other rooms are untouched. A
 * {@link DurableDelivery#LIVE} room's members get each event at once (the crash is made up for by an explicit
 * resync after a restore, see {@link RoomRegistry#resume}); only its senders' acknowledgements wait.
 * Conductor thread only; allocation-free (but for the list of waiting rooms growing).
 */
final class DurableAcks
{
    private final ArrayList<Room> waitingRooms = new ArrayList<>();
    private EventFanOut fanOut;
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
     * @param fanOut whose behind members are pumped once their durable rooms' events are recorded.
     */
    void fanOut(final EventFanOut fanOut)
    {
        this.fanOut = fanOut;
    }

    /**
     * Record an event of a durable room (after the {@code SENDER_SEQ} of the client frame that produced it, if any)
     * and hold its delivery until the archive has it.
     *
     * @return true when the members are to get it later, from the history; false to send it now (no archive, or a
     * {@link DurableDelivery#LIVE} room: only the sender's acknowledgement waits for the recording).
     */
    boolean record(
        final Room room,
        final long seq,
        final long nowNs,
        final int flags,
        final int typeId,
        final int senderSessionId,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        onRecord(room.recorder, seq, nowNs);
        room.recorder.onEvent(seq, nowNs, flags, typeId, senderSessionId, buffer, offset, length);
        if (null == archive || null == fanOut || room.liveDelivery)
        {
            return false;
        }
        final long epoch = archive.markOffered();
        final EventStream stream = room.stream;
        if (Long.MAX_VALUE == stream.sendableSeq)
        {
            stream.sendableSeq = seq - 1;
        }
        if (0 == room.deliveryWaitEpoch || room.deliveryWaitEpoch == epoch)
        {
            room.deliveryWaitEpoch = epoch;
            room.deliveryWaitSeq = seq;
        }
        else
        {
            room.deliveryNextEpoch = epoch;
            room.deliveryNextSeq = seq;
        }
        if (!room.inDeliveryWait)
        {
            room.inDeliveryWait = true;
            waitingRooms.add(room);
        }
        return true;
    }

    /**
     * Let the members of durable rooms have the events the archive has recorded since the last call.
     *
     * @return rooms released.
     */
    int releaseDeliveries()
    {
        if (waitingRooms.isEmpty())
        {
            return 0;
        }
        final long recorded = archive.recordedEpoch();
        int work = 0;
        for (int i = waitingRooms.size() - 1; i >= 0; i--)
        {
            final Room room = waitingRooms.get(i);
            if (room.deliveryWaitEpoch > recorded && !room.closed)
            {
                continue;
            }
            room.stream.sendableSeq = room.deliveryWaitSeq;
            room.deliveryWaitEpoch = room.deliveryNextEpoch;
            room.deliveryWaitSeq = room.deliveryNextSeq;
            room.deliveryNextEpoch = 0;
            if (0 != room.deliveryWaitEpoch && room.deliveryWaitEpoch <= recorded)
            {
                room.stream.sendableSeq = room.deliveryWaitSeq;
                room.deliveryWaitEpoch = 0;
            }
            if (room.closed)
            {
                room.stream.sendableSeq = Long.MAX_VALUE;
                room.deliveryWaitEpoch = 0;
            }
            final Membership[] members = room.members;
            for (int k = 0, n = room.memberCount; k < n; k++)
            {
                fanOut.markBehind(members[k]);
            }
            if (0 == room.deliveryWaitEpoch)
            {
                room.inDeliveryWait = false;
                ArrayListUtil.fastUnorderedRemove(waitingRooms, i);
            }
            work++;
        }
        return work;
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
