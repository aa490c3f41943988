package io.skirmish.engine.server;

import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.SendResult;
import io.skirmish.engine.protocol.FrameHeaderFlyweight;
import io.skirmish.engine.protocol.FrameType;
import io.skirmish.engine.security.FrameCipher;
import io.skirmish.engine.status.Counters;
import io.skirmish.engine.transport.FrameOffer;
import io.skirmish.engine.transport.Outlet;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.ArrayListUtil;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.ArrayList;

/**
 * The writer of a session's downstream lane for everything but snapshots. Frames are sealed under the connection's
 * key (every frame but CONNECT_ACCEPT) and offered, as chunks when too long for a datagram; frames that must leave in
 * order with the session's events (the accept, a resume's state, lane bound) wait in the session's outbox when the
 * lane is busy, and everything else for that session waits behind them. The lane is unreliable at the Aeron level: a
 * frame lost on the way is recovered by what refers to it (a room seq and its replay, a connect request sent again).
 * Conductor thread only.
 */
final class ReliableSender
{
    private final FrameOffer frameOffer;
    private final AtomicCounter reliableSendFailed;
    private final ArrayList<Peer> outboxPeers = new ArrayList<>();

    ReliableSender(final FrameOffer frameOffer, final Counters counters)
    {
        this.frameOffer = frameOffer;
        this.reliableSendFailed = counters.get(EngineCounter.RELIABLE_SEND_FAILED);
    }

    /**
     * Seal and offer a frame to a session's events lane now.
     *
     * @return the new position, or a negative {@link SendResult} code.
     */
    long offer(final Peer peer, final MutableDirectBuffer buffer, final int offset, final int length)
    {
        final boolean plain =
            (buffer.getByte(offset + FrameHeaderFlyweight.TYPE_OFFSET) & 0xFF) == FrameType.CONNECT_ACCEPT;
        return frameOffer.offerChunked(
            peer.events(), plain ? null : peer.crypto, FrameCipher.DOWNSTREAM_LANE, buffer, offset, length);
    }

    /**
     * Offer a frame on a lane that has no session (a reject), as it is.
     */
    long offerPlain(final Outlet outlet, final MutableDirectBuffer buffer, final int offset, final int length)
    {
        return frameOffer.offer(outlet, null, FrameCipher.DOWNSTREAM_LANE, buffer, offset, length);
    }

    /**
     * @return true when a frame offered to the session now would not overtake its outbox.
     */
    boolean isClear(final Peer peer)
    {
        return peer.outbox.length() == 0;
    }

    /**
     * Send a frame that must arrive in order with the session's events; when the lane is busy it waits in the
     * outbox. A session without a lane (suspended) gets nothing: what it misses is recovered on resume.
     */
    void sendInOrder(final Peer peer, final MutableDirectBuffer buffer, final int offset, final int length)
    {
        final SessionOutbox outbox = peer.outbox;
        if (outbox.length() == 0)
        {
            if (null == peer.lane)
            {
                return;
            }
            if (offer(peer, buffer, offset, length) > 0)
            {
                return;
            }
            reliableSendFailed.incrementRelease();
        }
        outbox.append(buffer, offset, length);
        if (!peer.inOutboxList)
        {
            peer.inOutboxList = true;
            outboxPeers.add(peer);
        }
    }

    /**
     * Offer what waits in the outboxes, in order, as far as each lane takes it.
     *
     * @return frames sent.
     */
    int flushOutboxes()
    {
        int work = 0;
        for (int i = outboxPeers.size() - 1; i >= 0; i--)
        {
            final Peer peer = outboxPeers.get(i);
            final SessionOutbox outbox = peer.outbox;
            if (null != peer.events())
            {
                while (outbox.length() > 0)
                {
                    if (offer(peer, outbox.buffer(), outbox.headOffset(), outbox.headLength()) < 0)
                    {
                        break;
                    }
                    outbox.removeHead();
                    work++;
                }
            }
            if (outbox.length() == 0 || peer.state() == SessionState.CLOSED)
            {
                peer.inOutboxList = false;
                ArrayListUtil.fastUnorderedRemove(outboxPeers, i);
            }
        }
        return work;
    }

    /**
     * Drop what waits for a session (its connection is gone; a resume recovers the events).
     */
    void clear(final Peer peer)
    {
        peer.outbox.clear();
    }

    int outboxCount()
    {
        return outboxPeers.size();
    }
}
