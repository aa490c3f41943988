package io.skirmish.engine.server;

import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.protocol.FrameHeaderFlyweight;
import io.skirmish.engine.protocol.FrameType;
import io.skirmish.engine.protocol.ReliableAckFlyweight;
import io.skirmish.engine.protocol.ReliableFrameFlyweight;
import io.skirmish.engine.status.Counters;
import io.skirmish.engine.transport.ChunkAssembler;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.collections.ArrayListUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.ArrayList;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The server's half of the client's reliable frames: each session's frames are handled in seq order and exactly
 * once; one that arrives again is dropped; one that arrives after a lost one is kept ({@link ReliableHold}) until
 * the lost one comes, and the acknowledgement tells the client which it holds, so that only the lost ones are sent
 * again; a chunked frame is put together across resends. Every session that sent a reliable frame in a duty cycle
 * is acknowledged at the end of it ({@link #sendAcks()}), so the acknowledgement shares a datagram with what else the
 * cycle sent it. Conductor thread only; allocation-free but for a session's first chunked frame.
 */
final class ReliableReceiver
{
    /** Handles a reliable frame once, in order. */
    interface Handler
    {
        /**
         * @param peer   the session.
         * @param type   the enclosed frame's type.
         * @param buffer holding the enclosed frame.
         * @param offset of the enclosed frame.
         * @param length of the enclosed frame.
         */
        void onReliableFrame(Peer peer, int type, DirectBuffer buffer, int offset, int length);
    }

    private final int maxFrameLength;
    private final Handler handler;
    private final FrameGate gate;
    private final ReliableSender sender;
    private final ReliableFrameFlyweight frameFlyweight = new ReliableFrameFlyweight();
    private final ReliableAckFlyweight ackFlyweight = new ReliableAckFlyweight();
    private final UnsafeBuffer ackBuffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(64, 64));
    private final ArrayList<Peer> ackPending = new ArrayList<>();
    private final AtomicCounter duplicates;
    private final AtomicCounter outOfOrder;
    private final AtomicCounter chunkedCompleted;
    private DurableAcks durableAcks = new DurableAcks();

    ReliableReceiver(
        final int maxFrameLength,
        final Counters counters,
        final FrameGate gate,
        final ReliableSender sender,
        final Handler handler)
    {
        this.maxFrameLength = maxFrameLength;
        this.gate = gate;
        this.sender = sender;
        this.handler = handler;
        this.duplicates = counters.get(EngineCounter.RELIABLE_DUPLICATES_DROPPED);
        this.outOfOrder = counters.get(EngineCounter.RELIABLE_OUT_OF_ORDER);
        this.chunkedCompleted = counters.get(EngineCounter.CHUNKED_FRAMES_COMPLETED);
    }

    /**
     * @param durableAcks holds back the acknowledgement of frames that reached a durable room until recorded.
     */
    void durableAcks(final DurableAcks durableAcks)
    {
        this.durableAcks = durableAcks;
    }

    /**
     * A RELIABLE frame that passed the gate.
     *
     * @param peer   its session.
     * @param buffer holding it.
     * @param offset of it.
     * @param length of it.
     */
    void onFrame(final Peer peer, final DirectBuffer buffer, final int offset, final int length)
    {
        final ReliableFrameFlyweight frame = frameFlyweight;
        frame.wrap(buffer, offset, length);
        final long seq = frame.seq();
        final int count = frame.chunkCount();
        if (seq < 1 || count < 1 || frame.enclosedLength() > maxFrameLength)
        {
            gate.reject(peer, EngineCounter.DROPPED_MALFORMED);
            return;
        }
        if (peer.reliableBaseUnknown)
        {
            // a session restored after a restart: its client's reliable seqs go on from where they were
            peer.reliableBaseUnknown = false;
            peer.reliableAckedSeq = seq - 1;
        }
        if (seq > peer.reliableHighestSeen)
        {
            peer.reliableHighestSeen = seq;
        }
        ackSoon(peer);
        if (seq <= peer.reliableAckedSeq)
        {
            duplicates.incrementRelease();
            return;
        }
        final int dataOffset = offset + ReliableFrameFlyweight.DATA_OFFSET;
        if (seq != peer.reliableAckedSeq + 1)
        {
            // after a loss: kept, in order, unless chunked or too far ahead (those come again)
            outOfOrder.incrementRelease();
            if (1 == count && seq - peer.reliableAckedSeq - 1 < ReliableHold.WINDOW &&
                frame.dataLength() == frame.enclosedLength())
            {
                ReliableHold hold = peer.reliableHold;
                if (null == hold)
                {
                    hold = new ReliableHold();
                    peer.reliableHold = hold;
                }
                hold.hold(seq, buffer, dataOffset, frame.dataLength());
            }
            return;
        }
        if (1 == count)
        {
            if (frame.dataLength() != frame.enclosedLength())
            {
                gate.reject(peer, EngineCounter.DROPPED_MALFORMED);
                return;
            }
            deliver(peer, seq, buffer, dataOffset, frame.dataLength());
            deliverHeld(peer);
            return;
        }
        ChunkAssembler chunks = peer.reliableChunks;
        if (null == chunks)
        {
            chunks = new ChunkAssembler(1, maxFrameLength);
            peer.reliableChunks = chunks;
        }
        final int whole = chunks.onChunk(FrameType.RELIABLE, 0, seq, frame.enclosedLength(), frame.chunkIndex(), count,
            buffer, dataOffset, frame.dataLength());
        if (ChunkAssembler.MALFORMED == whole)
        {
            gate.reject(peer, EngineCounter.DROPPED_MALFORMED);
        }
        else if (whole > 0)
        {
            chunkedCompleted.incrementRelease();
            deliver(peer, seq, chunks.frameBuffer(), 0, whole);
            deliverHeld(peer);
        }
    }

    private void deliverHeld(final Peer peer)
    {
        final ReliableHold hold = peer.reliableHold;
        if (null == hold)
        {
            return;
        }
        long next = peer.reliableAckedSeq + 1;
        while (hold.contains(next) && peer.state() != SessionState.CLOSED)
        {
            hold.remove(next);
            deliver(peer, next, hold.frame(next), 0, hold.length(next));
            next = peer.reliableAckedSeq + 1;
        }
    }

    private void deliver(final Peer peer, final long seq, final DirectBuffer buffer, final int offset, final int length)
    {
        // the seq is spent whatever the frame turns out to be: a bad frame is counted, never asked for again
        peer.reliableAckedSeq = seq;
        if (FrameHeaderFlyweight.VALID != FrameHeaderFlyweight.validate(buffer, offset, length) ||
            buffer.getInt(offset + FrameHeaderFlyweight.SESSION_ID_OFFSET, LITTLE_ENDIAN) != peer.sessionId)
        {
            gate.reject(peer, EngineCounter.DROPPED_MALFORMED);
            return;
        }
        final int type = buffer.getByte(offset + FrameHeaderFlyweight.TYPE_OFFSET) & 0xFF;
        if (!isReliableType(type))
        {
            gate.reject(peer, EngineCounter.DROPPED_UNKNOWN_TYPE);
            return;
        }
        if (gate.withinMessageRate(peer, type, length))
        {
            durableAcks.begin(peer, seq);
            try
            {
                handler.onReliableFrame(peer, type, buffer, offset, length);
            }
            finally
            {
                durableAcks.end();
            }
        }
    }

    private static boolean isReliableType(final int type)
    {
        switch (type)
        {
            case FrameType.MESSAGE:
            case FrameType.JOIN_REQUEST:
            case FrameType.LEAVE_REQUEST:
            case FrameType.ROOM_EMIT:
            case FrameType.REPLAY_REQUEST:
            case FrameType.FEED_REQUEST:
            case FrameType.DISCONNECT:
                return true;

            default:
                return false;
        }
    }

    private void ackSoon(final Peer peer)
    {
        peer.reliableAckDue = true;
        if (!peer.reliableAckPending)
        {
            peer.reliableAckPending = true;
            ackPending.add(peer);
        }
    }

    /**
     * Acknowledge the reliable frames that arrived this cycle, and those whose acknowledgement waited for the
     * archive once it has recorded them; a session whose lane does not take the acknowledgement now is tried again
     * next cycle, and one still waiting for the archive stays on the list (acknowledged again when that moves).
     *
     * @return acknowledgements sent.
     */
    int sendAcks()
    {
        int sent = 0;
        for (int i = ackPending.size() - 1; i >= 0; i--)
        {
            final Peer peer = ackPending.get(i);
            if (peer.state() == SessionState.BINDING)
            {
                continue;
            }
            if (peer.state() == SessionState.CONNECTED)
            {
                final long ackedSeq = durableAcks.ackedSeq(peer);
                if (peer.reliableAckDue || ackedSeq != peer.reliableAckSent)
                {
                    ackFlyweight.wrapForEncode(ackBuffer, 0, FrameType.RELIABLE_ACK, peer.sessionId);
                    final long held = null == peer.reliableHold ? 0 : peer.reliableHold.mask(peer.reliableAckedSeq);
                    final boolean onlyWaiting = ackedSeq < peer.reliableAckedSeq && 0 == held;
                    // frames only waiting for the archive: no later loss to report, so none to send again at once
                    ackFlyweight.ackedSeq(ackedSeq)
                        .highestSeenSeq(onlyWaiting ? ackedSeq : peer.reliableHighestSeen)
                        .heldMask(onlyWaiting ? 0 : heldMask(peer.reliableAckedSeq, held, ackedSeq));
                    if (sender.offer(peer, ackBuffer, 0, ReliableAckFlyweight.LENGTH) < 0)
                    {
                        continue;
                    }
                    sent++;
                    peer.reliableAckDue = false;
                    peer.reliableAckSent = ackedSeq;
                }
                if (durableAcks.isWaiting(peer))
                {
                    continue;
                }
            }
            peer.reliableAckDue = false;
            peer.reliableAckPending = false;
            ArrayListUtil.fastUnorderedRemove(ackPending, i);
        }
        return sent;
    }

    /**
     * The frames the server has but does not acknowledge yet, when a later one was lost: those out of order, and
     * those handled but waiting for the archive (bit {@code i}: seq {@code ackedSeq + 2 + i}), so that the client
     * sends again only the lost ones.
     */
    private static long heldMask(final long handled, final long held, final long ackedSeq)
    {
        if (ackedSeq >= handled)
        {
            return held;
        }
        final long waiting = handled - ackedSeq;
        return waiting >= Long.SIZE ? -1L : ((1L << (waiting - 1)) - 1) | (held << waiting);
    }
}
