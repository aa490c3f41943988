package io.skirmish.engine.server;

import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.protocol.FrameType;
import io.skirmish.engine.protocol.StreamHeadsFlyweight;
import io.skirmish.engine.status.Counters;
import org.agrona.BufferUtil;
import org.agrona.collections.ArrayListUtil;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.ArrayList;

/**
 * Tail-loss detection for the sessions' event streams, over lanes that are unreliable at the Aeron level: a lost
 * event is found by the client when a later one arrives, but nothing arrives after a lost last one. So a session that
 * was sent events it has not acknowledged is told, a short while after the last one, the newest seq of each such
 * stream ({@code STREAM_HEADS}); a client that lacks them asks for them, one that has them acknowledges again (its
 * acknowledgement was what got lost). Only sessions sent something since their last probe are visited. Conductor
 * thread only; allocation-free.
 */
final class StreamHeadsProbe
{
    private final long headsDelayNs;
    private final ReliableSender sender;
    private final CachedNanoClock clock;
    private final ArrayList<Peer> probeCandidates = new ArrayList<>();
    private final UnsafeBuffer headsBuffer;
    private final StreamHeadsFlyweight headsFlyweight = new StreamHeadsFlyweight();
    private final AtomicCounter headsSent;

    StreamHeadsProbe(
        final long headsDelayNs,
        final int maxStreamsPerSession,
        final ReliableSender sender,
        final CachedNanoClock clock,
        final Counters counters)
    {
        this.headsDelayNs = headsDelayNs;
        this.sender = sender;
        this.clock = clock;
        this.headsBuffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            StreamHeadsFlyweight.length(maxStreamsPerSession) + 64, 64));
        this.headsSent = counters.get(EngineCounter.STREAM_HEADS_SENT);
    }

    void noteSent(final Peer peer)
    {
        peer.lastEventSentNs = clock.nanoTime();
        if (!peer.inProbeList)
        {
            peer.inProbeList = true;
            probeCandidates.add(peer);
        }
    }

    /**
     * Tell each session that has events it has not acknowledged, a while after the last was sent, the newest seq of
     * each such stream: a client whose last event was lost asks for it, one whose acknowledgement was lost sends it
     * again. The while is {@code headsDelay} plus the session's round trip, so that an acknowledgement on its way
     * is not overtaken.
     *
     * @return frames sent.
     */
    int probeHeads(final long nowNs)
    {
        int sent = 0;
        for (int i = probeCandidates.size() - 1; i >= 0; i--)
        {
            final Peer peer = probeCandidates.get(i);
            if (peer.state() == SessionState.CLOSED || peer.state() == SessionState.SUSPENDED)
            {
                peer.inProbeList = false;
                ArrayListUtil.fastUnorderedRemove(probeCandidates, i);
                continue;
            }
            if (nowNs - peer.lastEventSentNs < headsDelayNs + peer.session.rtt.rttNs())
            {
                continue;
            }
            final int count = encodeHeads(peer);
            if (0 == count)
            {
                peer.inProbeList = false;
                ArrayListUtil.fastUnorderedRemove(probeCandidates, i);
                continue;
            }
            if (peer.state() == SessionState.CONNECTED && sender.isClear(peer) &&
                sender.offer(peer, headsBuffer, 0, StreamHeadsFlyweight.length(count)) > 0)
            {
                headsSent.incrementRelease();
                sent++;
            }
            peer.lastEventSentNs = nowNs;
        }
        return sent;
    }

    private int encodeHeads(final Peer peer)
    {
        final StreamHeadsFlyweight heads = headsFlyweight;
        heads.wrapForEncode(headsBuffer, 0, FrameType.STREAM_HEADS, peer.sessionId);
        final int capacity = (headsBuffer.capacity() - StreamHeadsFlyweight.ENTRIES_OFFSET) /
            StreamHeadsFlyweight.ENTRY_LENGTH;
        int count = addHead(heads, 0, capacity, peer.session.direct);
        final Int2ObjectHashMap<Membership>.ValueIterator it = peer.session.memberships.values().iterator();
        while (it.hasNext())
        {
            count = addHead(heads, count, capacity, it.next());
        }
        for (int i = 0, n = peer.departures.size(); i < n; i++)
        {
            count = addHead(heads, count, capacity, peer.departures.get(i));
        }
        heads.count(count);
        return count;
    }

    private static int addHead(
        final StreamHeadsFlyweight heads, final int count, final int capacity, final Membership m)
    {
        final long sentUpTo = Math.min(m.nextSeqToSend - 1, m.lastOwedSeq());
        if (count >= capacity || sentUpTo <= m.ackedSeq)
        {
            return count;
        }
        heads.entry(count, m.stream.id, sentUpTo);
        return count + 1;
    }
}
