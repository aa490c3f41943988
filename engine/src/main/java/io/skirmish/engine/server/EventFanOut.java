package io.skirmish.engine.server;

import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.EngineException;
import io.skirmish.engine.SendResult;
import io.skirmish.engine.codec.KryoCodec;
import io.skirmish.engine.jfr.ServerEvents;
import io.skirmish.engine.protocol.FrameHeaderFlyweight;
import io.skirmish.engine.protocol.FrameType;
import io.skirmish.engine.protocol.RoomEventFlyweight;
import io.skirmish.engine.status.Counters;
import io.skirmish.engine.transport.Outlet;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.collections.ArrayListUtil;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.ArrayList;
import java.util.concurrent.TimeUnit;

import static io.skirmish.engine.protocol.FrameHeaderFlyweight.FLAG_EXCEPT_SENDER;
import static io.skirmish.engine.protocol.FrameHeaderFlyweight.FLAG_KRYO;
import static io.skirmish.engine.protocol.FrameHeaderFlyweight.FLAG_REPLAY;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Sequenced events to rooms and sessions: encodes each event once, gives it the stream's next seq, keeps it in the
 * stream's history and offers the same bytes to every member that is caught up. A member whose lane does not take
 * it, or that has more than a window of events unacknowledged, is skipped, counted and marked behind; behind members
 * are pumped from history at the pace their lanes and acknowledgements allow, or resynced when history no longer
 * reaches back to what they need. The lanes are unreliable at the Aeron level, so a client asks again for exactly
 * the ranges it lacks and gets those before anything new (selective repeat); a session with events it has not
 * acknowledged hears each stream's newest seq a short while after the last one was sent ({@link StreamHeadsProbe}),
 * so that a lost last event is asked for too. Conductor thread only; allocation-free.
 */
final class EventFanOut
{
    static final int PUMP_LIMIT = 64;
    /**
     * A replay request for what a resync stands in for, arriving this long after the resync was sent, means the
     * resync was lost (the downstream is unreliable): a request the client sent before the resync reached it comes
     * sooner.
     */
    static final long RESYNC_LOST_AFTER_NS = TimeUnit.MILLISECONDS.toNanos(500);
    static final int MAX_RESEND_RANGES = 8;
    /** Room left on a lane when pumping history, for what must not wait behind it: pongs, acks, snapshots. */
    static final int PUMP_HEADROOM = 8 * 1024;

    private final int maxMessageLength;
    private final ReliableSender sender;
    private final KryoCodec codec;
    private final CachedNanoClock clock;
    private final ErrorHandler errors;
    private final UnsafeBuffer sendBuffer;
    private final UnsafeBuffer stubBuffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(64, 64));
    private final UnsafeBuffer kryoScratch;
    private final RoomEventFlyweight eventFlyweight = new RoomEventFlyweight();
    private final ArrayList<Membership> behindMembers = new ArrayList<>();
    private final long window;
    private final StreamHeadsProbe heads;
    private final AtomicCounter roomEventsSent;
    private final AtomicCounter deliveries;
    private final AtomicCounter skipped;
    private final AtomicCounter replayed;
    private final AtomicCounter resyncs;
    private DurableAcks durableAcks = new DurableAcks();

    EventFanOut(
        final int maxMessageLength,
        final int window,
        final long headsDelayNs,
        final int maxStreamsPerSession,
        final Counters counters,
        final ReliableSender sender,
        final KryoCodec codec,
        final CachedNanoClock clock,
        final ErrorHandler errors)
    {
        this.maxMessageLength = maxMessageLength;
        this.sender = sender;
        this.codec = codec;
        this.clock = clock;
        this.errors = errors;
        this.sendBuffer = new UnsafeBuffer(
            BufferUtil.allocateDirectAligned(RoomEventFlyweight.PAYLOAD_OFFSET + maxMessageLength + 64, 64));
        this.kryoScratch = new UnsafeBuffer(new byte[maxMessageLength]);
        this.roomEventsSent = counters.get(EngineCounter.ROOM_EVENTS_SENT);
        this.deliveries = counters.get(EngineCounter.ROOM_EVENT_DELIVERIES);
        this.skipped = counters.get(EngineCounter.FANOUT_SKIPPED);
        this.replayed = counters.get(EngineCounter.EVENTS_REPLAYED);
        this.resyncs = counters.get(EngineCounter.RESYNCS);
        this.window = window;
        this.heads = new StreamHeadsProbe(headsDelayNs, maxStreamsPerSession, sender, clock, counters);
    }

    /** @param durableAcks marks recorded events with the client frame that produced them. */
    void durableAcks(final DurableAcks durableAcks)
    {
        this.durableAcks = durableAcks;
    }

    /**
     * Sequence an event in a room and offer it to every member.
     *
     * @return the event's seq, or a negative {@link SendResult} code.
     */
    long broadcast(
        final Room room,
        final int typeId,
        final int flags,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final int senderSessionId,
        final int exceptSessionId)
    {
        if (room.closed)
        {
            return SendResult.NO_SUCH_ROOM;
        }
        if (length > maxMessageLength || length < 0)
        {
            return SendResult.MESSAGE_TOO_LARGE;
        }
        final EventStream stream = room.stream;
        final long seq = stream.nextSeq();
        final int frameLength = encode(0, flags, room.roomId, typeId, seq, senderSessionId, buffer, offset, length);
        stream.history.append(seq, clock.nanoTime(), sendBuffer, 0, frameLength, exceptSessionId);
        roomEventsSent.incrementRelease();
        if (null != room.recorder &&
            durableAcks.record(room, seq, clock.nanoTime(), flags, typeId, senderSessionId, buffer, offset, length))
        {
            return seq; // a durable room's members get it from its history once the archive has it
        }

        boolean stubEncoded = false;
        long delivered = 0;
        long missed = 0;
        final Membership[] members = room.members;
        for (int i = 0, n = room.memberCount; i < n; i++)
        {
            final Membership m = members[i];
            final Peer peer = m.peer;
            if (m.behind || !sender.isClear(peer) || null == peer.lane || seq - m.ackedSeq > window)
            {
                markBehind(m);
                continue;
            }
            final long result;
            if (peer.sessionId == exceptSessionId)
            {
                if (!stubEncoded)
                {
                    stubEncoded = true;
                    stubBuffer.putBytes(0, sendBuffer, 0, RoomEventFlyweight.PAYLOAD_OFFSET);
                    stubBuffer.putShort(
                        FrameHeaderFlyweight.FLAGS_OFFSET, (short)(flags | FLAG_EXCEPT_SENDER), LITTLE_ENDIAN);
                }
                result = sender.offer(peer, stubBuffer, 0, RoomEventFlyweight.PAYLOAD_OFFSET);
            }
            else
            {
                result = sender.offer(peer, sendBuffer, 0, frameLength);
            }
            if (result > 0)
            {
                m.nextSeqToSend = seq + 1;
                noteSent(peer);
                delivered++;
            }
            else
            {
                missed++;
                markBehind(m);
            }
        }
        if (delivered > 0)
        {
            deliveries.getAndAddRelease(delivered);
        }
        if (missed > 0)
        {
            skipped.getAndAddRelease(missed);
        }
        return seq;
    }

    /**
     * Sequence a registered message in a room and offer it to every member.
     *
     * @return the event's seq, or a negative {@link SendResult} code.
     */
    long broadcastObject(final Room room, final Object message, final int exceptSessionId)
    {
        final long length = codec.encodeTo(message, kryoScratch);
        return length < 0 ? length : broadcast(
            room, codec.registry().typeId(message.getClass()), FLAG_KRYO, kryoScratch, 0, (int)length, 0,
            exceptSessionId);
    }

    /**
     * Sequence a message on a session's direct stream and offer it.
     *
     * @return the message's seq, or a negative {@link SendResult} code.
     */
    long sendDirect(
        final Peer peer, final int typeId, final int flags, final DirectBuffer buffer, final int offset, final int length)
    {
        if (peer.state() == SessionState.CLOSED)
        {
            return SendResult.NO_SUCH_SESSION;
        }
        if (length > maxMessageLength || length < 0)
        {
            return SendResult.MESSAGE_TOO_LARGE;
        }
        final Membership m = peer.session.direct;
        final EventStream stream = m.stream;
        final long seq = stream.nextSeq();
        final int frameLength = encode(peer.sessionId, flags, 0, typeId, seq, 0, buffer, offset, length);
        stream.history.append(seq, clock.nanoTime(), sendBuffer, 0, frameLength, 0);
        if (m.behind || !sender.isClear(peer) || seq - m.ackedSeq > window)
        {
            markBehind(m);
        }
        else if (sender.offer(peer, sendBuffer, 0, frameLength) > 0)
        {
            m.nextSeqToSend = seq + 1;
            noteSent(peer);
        }
        else
        {
            skipped.incrementRelease();
            markBehind(m);
        }
        return seq;
    }

    /**
     * Sequence a registered message on a session's direct stream and offer it.
     *
     * @return the message's seq, or a negative {@link SendResult} code.
     */
    long sendDirectObject(final Peer peer, final Object message)
    {
        final long length = codec.encodeTo(message, kryoScratch);
        return length < 0 ? length : sendDirect(
            peer, codec.registry().typeId(message.getClass()), FLAG_KRYO, kryoScratch, 0, (int)length);
    }

    /**
     * Sequence a message on the direct stream of every session (each gets its own seq and recovery).
     *
     * @return the number of sessions it was sequenced for, or a negative {@link SendResult} code.
     */
    long sendAll(
        final Peer[] peers, final int typeId, final int flags, final DirectBuffer buffer, final int offset, final int length)
    {
        if (length > maxMessageLength || length < 0)
        {
            return SendResult.MESSAGE_TOO_LARGE;
        }
        long count = 0;
        for (final Peer peer : peers)
        {
            if (sendDirect(peer, typeId, flags, buffer, offset, length) > 0)
            {
                count++;
            }
        }
        return count;
    }

    /**
     * {@link #sendAll} a registered message, encoded once.
     *
     * @return the number of sessions it was sequenced for, or a negative {@link SendResult} code.
     */
    long sendAllObject(final Peer[] peers, final Object message)
    {
        final long length = codec.encodeTo(message, kryoScratch);
        return length < 0 ? length : sendAll(
            peers, codec.registry().typeId(message.getClass()), FLAG_KRYO, kryoScratch, 0, (int)length);
    }

    private int encode(
        final int headerSessionId,
        final int flags,
        final int roomId,
        final int typeId,
        final long seq,
        final int senderSessionId,
        final DirectBuffer payload,
        final int payloadOffset,
        final int payloadLength)
    {
        final RoomEventFlyweight frame = eventFlyweight;
        frame.wrapForEncode(sendBuffer, 0, FrameType.ROOM_EVENT, headerSessionId);
        frame.flags(flags);
        frame.roomId(roomId).typeId(typeId).seq(seq).senderSessionId(senderSessionId);
        if (payloadLength > 0)
        {
            sendBuffer.putBytes(RoomEventFlyweight.PAYLOAD_OFFSET, payload, payloadOffset, payloadLength);
        }
        return RoomEventFlyweight.PAYLOAD_OFFSET + payloadLength;
    }

    /**
     * Stop live delivery to a member until it is pumped up to date from history.
     */
    void markBehind(final Membership m)
    {
        m.behind = true;
        if (!m.inBehindList)
        {
            m.inBehindList = true;
            behindMembers.add(m);
        }
    }

    /**
     * A session lost its connection: every stream it is in waits for its return.
     */
    void suspend(final Peer peer)
    {
        markBehind(peer.session.direct);
        final Int2ObjectHashMap<Membership>.ValueIterator it = peer.session.memberships.values().iterator();
        while (it.hasNext())
        {
            markBehind(it.next());
        }
        for (int i = 0, n = peer.departures.size(); i < n; i++)
        {
            markBehind(peer.departures.get(i));
        }
    }

    /**
     * A session resumed: resend from the first event it did not acknowledge.
     */
    void rewindForResume(final Membership m)
    {
        if (m.ackedSeq + 1 < m.nextSeqToSend)
        {
            m.nextSeqToSend = m.ackedSeq + 1;
        }
        m.resendCount = 0;
        markBehind(m);
    }

    private void noteSent(final Peer peer)
    {
        heads.noteSent(peer);
    }

    /**
     * @return the probe that tells sessions their streams' newest seqs.
     */
    StreamHeadsProbe heads()
    {
        return heads;
    }

    /**
     * Pump every behind member of a connected session whose lane is clear, a bounded number of events each. A
     * session still binding its lanes waits, so that its handshake is not queued behind a backlog; a new membership
     * of a room the session is still owed events of from an ended one waits until those are acknowledged, so that
     * the client hears of the leave before the new join.
     *
     * @return events sent.
     */
    int pumpBehindMembers()
    {
        int work = durableAcks.releaseDeliveries();
        for (int i = behindMembers.size() - 1; i >= 0; i--)
        {
            final Membership m = behindMembers.get(i);
            final Peer peer = m.peer;
            if (!m.behind || peer.state() == SessionState.CLOSED ||
                (m.indexInRoom < 0 && null != m.room && !m.departed))
            {
                m.inBehindList = false;
                ArrayListUtil.fastUnorderedRemove(behindMembers, i);
                continue;
            }
            final Outlet outlet = peer.events();
            if (peer.state() != SessionState.CONNECTED || null == outlet || !sender.isClear(peer) ||
                !outlet.isConnected() || outlet.availableWindow() < PUMP_HEADROOM ||
                (!m.departed && null != m.room && !peer.departures.isEmpty() && null != peer.departure(m.stream.id)))
            {
                continue;
            }
            work += pump(m);
            if (!m.behind)
            {
                m.inBehindList = false;
                ArrayListUtil.fastUnorderedRemove(behindMembers, i);
            }
        }
        return work;
    }

    private int pump(final Membership m)
    {
        final long lastOwed = m.lastOwedSeq();
        int sent = 0;
        if (m.resyncLost)
        {
            // the resync never arrived: another one, to the newest seq owed, stands in for everything so far
            final int resent = resyncTo(m, lastOwed);
            m.resyncLost = 0 == resent;
            return resent;
        }
        while (m.resendCount > 0 && sent < PUMP_LIMIT)
        {
            final long seq = m.resendFrom[0];
            if (seq <= m.ackedSeq || seq <= m.resyncedUpTo)
            {
                m.resendFrom[0] = Math.max(m.ackedSeq, m.resyncedUpTo) + 1;
                continue;
            }
            if (seq > m.resendTo[0] || seq >= m.nextSeqToSend)
            {
                removeFirstResend(m);
                continue;
            }
            if (!m.stream.history.contains(seq))
            {
                return sent + resyncTo(m, lastOwed);
            }
            if (sendFromHistory(m, seq) < 0)
            {
                return sent;
            }
            m.resendFrom[0] = seq + 1;
            sent++;
        }
        while (m.nextSeqToSend <= lastOwed && sent < PUMP_LIMIT && m.nextSeqToSend - m.ackedSeq <= window)
        {
            final long seq = m.nextSeqToSend;
            if (!m.stream.history.contains(seq))
            {
                return sent + resyncTo(m, lastOwed);
            }
            if (sendFromHistory(m, seq) < 0)
            {
                return sent;
            }
            m.nextSeqToSend = seq + 1;
            sent++;
        }
        if (m.nextSeqToSend > lastOwed && 0 == m.resendCount && m.stream.sendableSeq >= m.stream.lastSeq)
        {
            m.behind = false;
        }
        return sent;
    }

    /**
     * History no longer holds what the member needs: one resync stands in for everything up to its last owed seq.
     *
     * @return frames sent (0 or 1).
     */
    private int resyncTo(final Membership m, final long lastOwed)
    {
        if (sendResync(m, lastOwed) < 0)
        {
            return 0;
        }
        m.resyncedUpTo = lastOwed;
        m.resyncSentNs = clock.nanoTime();
        m.nextSeqToSend = lastOwed + 1;
        m.resendCount = 0;
        noteSent(m.peer);
        if (0 == m.resendCount && m.nextSeqToSend > m.lastOwedSeq())
        {
            m.behind = false;
        }
        return 1;
    }

    private long sendFromHistory(final Membership m, final long seq)
    {
        final Peer peer = m.peer;
        final EventHistory history = m.stream.history;
        int length = history.copy(seq, sendBuffer, 0);
        int flags = (sendBuffer.getShort(FrameHeaderFlyweight.FLAGS_OFFSET, LITTLE_ENDIAN) & 0xFFFF) | FLAG_REPLAY;
        if (history.exceptSessionId(seq) == peer.sessionId)
        {
            length = RoomEventFlyweight.PAYLOAD_OFFSET;
            flags |= FLAG_EXCEPT_SENDER;
        }
        sendBuffer.putShort(FrameHeaderFlyweight.FLAGS_OFFSET, (short)flags, LITTLE_ENDIAN);
        final long result = sender.offer(peer, sendBuffer, 0, length);
        if (result > 0)
        {
            replayed.incrementRelease();
            ServerEvents.replayed(peer.sessionId, m.stream.id, seq);
            noteSent(peer);
        }
        return result;
    }

    private static void removeFirstResend(final Membership m)
    {
        final int count = --m.resendCount;
        System.arraycopy(m.resendFrom, 1, m.resendFrom, 0, count);
        System.arraycopy(m.resendTo, 1, m.resendTo, 0, count);
    }

    /**
     * Ask for a range to be sent again before anything new: merged with a range it touches; past the most ranges a
     * member keeps, everything from the lowest to the highest asked for is sent again.
     */
    private static void addResend(final Membership m, final long from, final long to)
    {
        if (null == m.resendFrom)
        {
            m.resendFrom = new long[MAX_RESEND_RANGES];
            m.resendTo = new long[MAX_RESEND_RANGES];
        }
        for (int i = 0; i < m.resendCount; i++)
        {
            if (from <= m.resendTo[i] + 1 && to + 1 >= m.resendFrom[i])
            {
                m.resendFrom[i] = Math.min(from, m.resendFrom[i]);
                m.resendTo[i] = Math.max(to, m.resendTo[i]);
                return;
            }
        }
        if (m.resendCount < MAX_RESEND_RANGES)
        {
            int i = m.resendCount++;
            while (i > 0 && m.resendFrom[i - 1] > from)
            {
                m.resendFrom[i] = m.resendFrom[i - 1];
                m.resendTo[i] = m.resendTo[i - 1];
                i--;
            }
            m.resendFrom[i] = from;
            m.resendTo[i] = to;
            return;
        }
        long lowest = from;
        long highest = to;
        for (int i = 0; i < m.resendCount; i++)
        {
            lowest = Math.min(lowest, m.resendFrom[i]);
            highest = Math.max(highest, m.resendTo[i]);
        }
        m.resendCount = 1;
        m.resendFrom[0] = lowest;
        m.resendTo[0] = highest;
    }

    /**
     * A resync stands in for every event up to {@code seq} that left the history: the room's state now (for an
     * ended membership: the state now, delivered before the leave).
     */
    private long sendResync(final Membership m, final long seq)
    {
        final Room room = m.room;
        final Peer peer = m.peer;
        final RoomEventFlyweight frame = eventFlyweight;
        frame.wrapForEncode(sendBuffer, 0, FrameType.RESYNC, peer.sessionId);
        frame.roomId(m.stream.id).typeId(0).seq(seq).senderSessionId(0);
        int stateLength = 0;
        if (null != room)
        {
            try
            {
                stateLength = room.listener.onResync(
                    room, peer.session, sendBuffer, RoomEventFlyweight.PAYLOAD_OFFSET, maxMessageLength);
            }
            catch (final Throwable t)
            {
                errors.onError(t);
            }
            if (stateLength < 0 || stateLength > maxMessageLength)
            {
                errors.onError(new EngineException(
                    "onResync returned an invalid length: " + stateLength, EngineException.Category.ERROR));
                stateLength = 0;
            }
        }
        final long result = sender.offer(peer, sendBuffer, 0, RoomEventFlyweight.PAYLOAD_OFFSET + stateLength);
        if (result > 0)
        {
            resyncs.incrementRelease();
            ServerEvents.resync(peer.sessionId, m.stream.id, seq);
        }
        return result;
    }

    /**
     * The client asks for a range again: what of it was sent already is sent again, from history, before anything
     * new; what was not will be sent in turn anyway.
     *
     * @return false when the request is malformed.
     */
    boolean onReplayRequest(final Membership m, final long fromSeq, final long toSeq)
    {
        if (null == m || fromSeq < 1 || toSeq < fromSeq)
        {
            return false;
        }
        // a request sent before a resync reached the client asks for what the resync already stands in for; one
        // that comes long after the resync was sent asks because the resync was lost, and nothing else would send
        // another (what follows the resync waits for acknowledgements past it)
        if (fromSeq <= m.resyncedUpTo && m.ackedSeq < m.resyncedUpTo &&
            clock.nanoTime() - m.resyncSentNs >= RESYNC_LOST_AFTER_NS)
        {
            m.resyncLost = true;
            markBehind(m);
            return true;
        }
        final long from = Math.max(fromSeq, Math.max(m.ackedSeq, m.resyncedUpTo) + 1);
        final long to = Math.min(toSeq, Math.min(m.lastOwedSeq(), m.nextSeqToSend - 1));
        if (from <= to)
        {
            addResend(m, from, to);
        }
        if (from <= m.lastOwedSeq())
        {
            markBehind(m);
        }
        return true;
    }

    /**
     * The client delivered everything of a stream up to a seq: that acknowledges every membership of the stream the
     * session has, ended ones included (their events come first in the stream), up to what each is owed.
     */
    void onEventAck(final Peer peer, final int streamId, final long seq)
    {
        if (0 == streamId)
        {
            onEventAck(peer.session.direct, seq);
            return;
        }
        final ArrayList<Membership> departures = peer.departures;
        for (int i = departures.size() - 1; i >= 0; i--)
        {
            final Membership m = departures.get(i);
            if (m.stream.id == streamId)
            {
                onEventAck(m, Math.min(seq, m.finalSeq));
            }
        }
        final Membership current = peer.session.memberships.get(streamId);
        if (null != current)
        {
            onEventAck(current, seq);
        }
    }

    /**
     * The client delivered everything a membership is owed up to a seq.
     */
    void onEventAck(final Membership m, final long seq)
    {
        if (null == m || seq > m.lastOwedSeq())
        {
            return;
        }
        if (seq > m.ackedSeq)
        {
            m.ackedSeq = seq;
        }
        m.restoredAtSeq = seq <= m.restoredAtSeq ? -1 : m.restoredAtSeq; // holds nothing past a restore's end
        if (m.behind && seq + 1 > m.nextSeqToSend)
        {
            m.nextSeqToSend = seq + 1;
        }
        if (m.departed && m.ackedSeq >= m.finalSeq)
        {
            release(m);
        }
    }

    /**
     * An ended membership is no longer owed anything (the client acknowledged all of it, or the session closed).
     */
    void release(final Membership m)
    {
        m.behind = false;
        m.peer.departures.remove(m);
    }

    int behindCount()
    {
        return behindMembers.size();
    }
}
