package io.skirmish.engine.client;

import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.SendResult;
import io.skirmish.engine.protocol.FrameType;
import io.skirmish.engine.protocol.ReliableFrameFlyweight;
import io.skirmish.engine.security.FrameCipher;
import io.skirmish.engine.security.LaneCrypto;
import io.skirmish.engine.status.Counters;
import io.skirmish.engine.status.RttEstimator;
import io.skirmish.engine.transport.ChunkAssembler;
import io.skirmish.engine.transport.FrameOffer;
import io.skirmish.engine.transport.Outlet;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.concurrent.TimeUnit;

/**
 * The client's half of its reliable frames (messages, emits, joins and leaves, replay requests): each gets the
 * session's next reliable seq and is kept until the server acknowledges it. At most {@link #IN_FLIGHT} seqs past the
 * acknowledged one are out at once (the server keeps that many after a loss). A frame is sent again when its
 * acknowledgement does not come within a timeout (from the round trip, doubling while nothing comes, at most a
 * second); at once, once per round trip, when the server reports later frames arrived and does not hold this one
 * (selective repeat); and from the first one the server lacks on every new connection of the session, so that
 * nothing a client sent is lost across loss, an outage or a resume. A frame too long for one datagram goes as chunks
 * of one seq. The outbox is bounded in frames and bytes; a send that
 * does not fit is refused with {@link SendResult#QUEUE_FULL}, never dropped. Client thread only; allocation-free.
 */
final class ReliableOutbox
{
    static final int MAX_FRAMES = 1024;
    /** Most seqs past the acknowledged one sent at once: the server's hold window. */
    static final int IN_FLIGHT = 63;

    private static final long NEVER = Long.MIN_VALUE;
    private static final long MIN_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long INITIAL_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long MAX_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(1);
    private static final long FAST_RESEND_GAP_NS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final int RESEND_BUDGET = 64;

    private final FrameOffer frameOffer;
    private final LaneCrypto crypto;
    private final RttEstimator rtt;
    private final UnsafeBuffer store;
    private final UnsafeBuffer envelope = new UnsafeBuffer(BufferUtil.allocateDirectAligned(64 * 1024, 64));
    private final ReliableFrameFlyweight flyweight = new ReliableFrameFlyweight();
    private final long[] seqs = new long[MAX_FRAMES];
    private final int[] offsets = new int[MAX_FRAMES];
    private final int[] lengths = new int[MAX_FRAMES];
    private final long[] sentNs = new long[MAX_FRAMES];
    private final boolean[] everSent = new boolean[MAX_FRAMES];
    private final boolean[] heldByServer = new boolean[MAX_FRAMES];
    private final AtomicCounter resent;
    private final AtomicCounter chunked;
    private int head;
    private int count;
    private int storeHead;
    private int storeTail;
    private long nextSeq = 1;
    private long ackedSeq;
    private long timeoutNs = INITIAL_TIMEOUT_NS;
    private long lastFastResendNs = NEVER;
    private int sessionId;

    ReliableOutbox(
        final int capacityBytes,
        final FrameOffer frameOffer,
        final LaneCrypto crypto,
        final RttEstimator rtt,
        final Counters counters)
    {
        this.frameOffer = frameOffer;
        this.crypto = crypto;
        this.rtt = rtt;
        this.store = new UnsafeBuffer(BufferUtil.allocateDirectAligned(capacityBytes, 64));
        this.resent = counters.get(EngineCounter.RELIABLE_FRAMES_RESENT);
        this.chunked = counters.get(EngineCounter.CHUNKED_FRAMES_SENT);
    }

    void sessionId(final int sessionId)
    {
        this.sessionId = sessionId;
    }

    /**
     * @return frames sent and not yet acknowledged.
     */
    int pending()
    {
        return count;
    }

    /**
     * @return the oldest seq the server has not acknowledged, or the next seq when it acknowledged all: a resume
     * tells the server, so that a restarted one continues the session's reliable seqs exactly.
     */
    long firstUnackedSeq()
    {
        return count > 0 ? seqs[head] : nextSeq;
    }

    /**
     * @return the seq the next frame gets.
     */
    long nextSeq()
    {
        return nextSeq;
    }

    /**
     * Keep a frame and send it now when there is a lane (otherwise at the next {@link #poll}).
     *
     * @return its reliable seq, or {@link SendResult#QUEUE_FULL}.
     */
    long send(final DirectBuffer frame, final int offset, final int length, final Outlet outlet, final long nowNs)
    {
        final int at = reserve(length);
        if (at < 0)
        {
            return SendResult.QUEUE_FULL;
        }
        store.putBytes(at, frame, offset, length);
        final int index = (head + count) % MAX_FRAMES;
        final long seq = nextSeq++;
        seqs[index] = seq;
        offsets[index] = at;
        lengths[index] = length;
        sentNs[index] = NEVER;
        everSent[index] = false;
        heldByServer[index] = false;
        count++;
        storeTail = at + length;
        if (null != outlet && allEarlierSent(index) && seq - ackedSeq <= IN_FLIGHT)
        {
            transmit(index, outlet, nowNs);
        }
        return seq;
    }

    private boolean allEarlierSent(final int index)
    {
        return index == head || sentNs[(index + MAX_FRAMES - 1) % MAX_FRAMES] != NEVER;
    }

    /**
     * @return where a frame of that length fits in the store, or -1.
     */
    private int reserve(final int length)
    {
        if (count == MAX_FRAMES)
        {
            return -1;
        }
        if (0 == count)
        {
            storeHead = 0;
            storeTail = 0;
            return length <= store.capacity() ? 0 : -1;
        }
        if (storeTail == storeHead)
        {
            return -1;
        }
        if (storeTail > storeHead)
        {
            if (storeTail + length <= store.capacity())
            {
                return storeTail;
            }
            return length <= storeHead ? 0 : -1;
        }
        return storeTail + length <= storeHead ? storeTail : -1;
    }

    /**
     * Send what was never sent, and send again what waited too long for its acknowledgement.
     *
     * @return frames sent.
     */
    int poll(final Outlet outlet, final long nowNs)
    {
        if (0 == count || null == outlet)
        {
            return 0;
        }
        int work = 0;
        final int first = head;
        if (sentNs[first] != NEVER && nowNs - sentNs[first] >= timeoutNs)
        {
            // nothing acknowledged within the timeout: everything unacknowledged the server does not hold goes again
            for (int i = 0; i < count; i++)
            {
                final int index = (head + i) % MAX_FRAMES;
                if (!heldByServer[index])
                {
                    sentNs[index] = NEVER;
                }
            }
            timeoutNs = Math.min(MAX_TIMEOUT_NS, timeoutNs * 2);
        }
        for (int i = 0; i < count && work < RESEND_BUDGET; i++)
        {
            final int index = (head + i) % MAX_FRAMES;
            if (seqs[index] - ackedSeq > IN_FLIGHT)
            {
                break;
            }
            if (sentNs[index] != NEVER)
            {
                continue;
            }
            if (!transmit(index, outlet, nowNs))
            {
                break;
            }
            work++;
        }
        return work;
    }

    private boolean transmit(final int index, final Outlet outlet, final long nowNs)
    {
        final boolean again = everSent[index];
        final int length = lengths[index];
        final int maxChunk = outlet.maxPayloadLength() - crypto.sendTrailerLength() - ReliableFrameFlyweight.DATA_OFFSET;
        final int chunks = ChunkAssembler.chunkCount(length, maxChunk);
        final ReliableFrameFlyweight frame = flyweight;
        frame.wrapForEncode(envelope, 0, FrameType.RELIABLE, sessionId);
        frame.seq(seqs[index]).enclosedLength(length);
        for (int i = 0; i < chunks; i++)
        {
            final int chunkLength = ChunkAssembler.chunkLength(length, chunks, i);
            frame.chunk(i, chunks);
            envelope.putBytes(ReliableFrameFlyweight.DATA_OFFSET, store,
                offsets[index] + ChunkAssembler.chunkOffset(length, chunks, i), chunkLength);
            if (frameOffer.offer(outlet, crypto, FrameCipher.UPSTREAM_LANE, envelope, 0,
                ReliableFrameFlyweight.DATA_OFFSET + chunkLength) < 0)
            {
                if (i > 0)
                {
                    sentNs[index] = nowNs;
                }
                return false;
            }
        }
        if (chunks > 1)
        {
            chunked.incrementRelease();
        }
        if (again)
        {
            resent.incrementRelease();
        }
        sentNs[index] = nowNs;
        everSent[index] = true;
        return true;
    }

    /**
     * The server processed every frame up to {@code ackedSeq} and holds those the mask names; when it saw a later one
     * than it holds, the ones it lacks before that were lost and go again now, once per round trip.
     */
    void onAck(final long ackedSeq, final long highestSeenSeq, final long heldMask, final long nowNs)
    {
        boolean released = false;
        while (count > 0 && seqs[head] <= ackedSeq)
        {
            release();
            released = true;
        }
        if (ackedSeq > this.ackedSeq)
        {
            this.ackedSeq = ackedSeq;
        }
        if (released)
        {
            timeoutNs = timeout();
        }
        if (0 == count || highestSeenSeq <= ackedSeq)
        {
            return;
        }
        final boolean resendLost =
            NEVER == lastFastResendNs || nowNs - lastFastResendNs >= Math.max(FAST_RESEND_GAP_NS, rtt.rttNs());
        for (int i = 0; i < count; i++)
        {
            final int index = (head + i) % MAX_FRAMES;
            final long seq = seqs[index];
            if (seq > highestSeenSeq)
            {
                break;
            }
            final long bit = seq - ackedSeq - 2;
            heldByServer[index] = bit >= 0 && bit < 64 && (heldMask & (1L << bit)) != 0;
            if (!heldByServer[index] && resendLost && sentNs[index] != NEVER)
            {
                sentNs[index] = NEVER;
            }
        }
        if (resendLost)
        {
            lastFastResendNs = nowNs;
        }
    }

    private long timeout()
    {
        final long rttNs = rtt.rttNs();
        return rttNs <= 0 ? INITIAL_TIMEOUT_NS :
            Math.min(MAX_TIMEOUT_NS, Math.max(MIN_TIMEOUT_NS, rttNs + 4 * rtt.jitterNs() + MIN_TIMEOUT_NS / 2));
    }

    private void release()
    {
        everSent[head] = false;
        head = (head + 1) % MAX_FRAMES;
        count--;
        if (count > 0)
        {
            storeHead = offsets[head];
        }
    }

    /**
     * A new connection of the session was accepted: what the server already processed is let go, the rest is sent
     * again on the new lane, and a new process resuming the session numbers on from where the old one got.
     *
     * @param serverAckedSeq the last reliable seq the session processed.
     */
    void onNewConnection(final long serverAckedSeq)
    {
        while (count > 0 && seqs[head] <= serverAckedSeq)
        {
            release();
        }
        if (nextSeq <= serverAckedSeq)
        {
            nextSeq = serverAckedSeq + 1;
        }
        ackedSeq = Math.max(ackedSeq, serverAckedSeq);
        for (int i = 0; i < count; i++)
        {
            final int index = (head + i) % MAX_FRAMES;
            sentNs[index] = NEVER;
            heldByServer[index] = false;
        }
        timeoutNs = timeout();
        lastFastResendNs = NEVER;
    }

    /**
     * A new session: nothing kept, numbering from 1.
     */
    void reset()
    {
        while (count > 0)
        {
            release();
        }
        nextSeq = 1;
        ackedSeq = 0;
        timeoutNs = INITIAL_TIMEOUT_NS;
        lastFastResendNs = NEVER;
    }
}
