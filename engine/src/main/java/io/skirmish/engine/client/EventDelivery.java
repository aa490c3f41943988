package io.skirmish.engine.client;

import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.LeaveReason;
import io.skirmish.engine.codec.KryoCodec;
import io.skirmish.engine.protocol.FrameHeaderFlyweight;
import io.skirmish.engine.protocol.JoinResultFlyweight;
import io.skirmish.engine.protocol.RoomEventFlyweight;
import io.skirmish.engine.protocol.SystemEvent;
import io.skirmish.engine.status.Counters;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.status.AtomicCounter;

import static io.skirmish.engine.protocol.FrameHeaderFlyweight.FLAG_EXCEPT_SENDER;
import static io.skirmish.engine.protocol.FrameHeaderFlyweight.FLAG_KRYO;
import static io.skirmish.engine.protocol.FrameHeaderFlyweight.FLAG_SYSTEM;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * In-order, exactly-once delivery of every sequenced stream the client is in: its rooms and its direct stream
 * (room 0). An event after a gap is held and the gap asked for again ({@code REPLAY_REQUEST}, repeated until it is
 * filled); a resync replaces what the history could no longer replay; deliveries are acknowledged at most every
 * {@code ackInterval}. Membership comes from the server's join results and left-room notices. Client thread only;
 * allocation-free once every room's inbox exists.
 */
final class EventDelivery
{
    private final ClientListener listener;
    private final ErrorHandler errors;
    private final KryoCodec codec;
    private final ClientSender sender;
    private final SnapshotReceiver snapshots;
    private final int maxHeldEvents;
    private final long replayRequestTimeoutNs;
    private final long ackIntervalNs;
    private final Int2ObjectHashMap<RoomInbox> inboxes = new Int2ObjectHashMap<>();
    private final RoomEventFlyweight eventFlyweight = new RoomEventFlyweight();
    private final JoinResultFlyweight joinResultFlyweight = new JoinResultFlyweight();
    private final AtomicCounter delivered;
    private final AtomicCounter replayed;
    private final AtomicCounter duplicates;
    private final AtomicCounter gaps;
    private final AtomicCounter resyncs;
    private final AtomicCounter undecodable;
    private final AtomicCounter unknown;
    private volatile Int2ObjectHashMap<ClientMessageHandler<Object>> handlers = new Int2ObjectHashMap<>();
    private long nowNs;

    EventDelivery(
        final GameClient.Context ctx,
        final Counters counters,
        final KryoCodec codec,
        final ClientSender sender,
        final SnapshotReceiver snapshots,
        final ErrorHandler errors)
    {
        this.listener = ctx.listener;
        this.errors = errors;
        this.codec = codec;
        this.sender = sender;
        this.snapshots = snapshots;
        this.maxHeldEvents = ctx.maxHeldEvents;
        this.replayRequestTimeoutNs = ctx.replayRequestTimeoutNs;
        this.ackIntervalNs = ctx.ackIntervalNs;
        this.delivered = counters.get(EngineCounter.EVENTS_DELIVERED);
        this.replayed = counters.get(EngineCounter.EVENTS_REPLAYED);
        this.duplicates = counters.get(EngineCounter.DUPLICATES_DROPPED);
        this.gaps = counters.get(EngineCounter.GAPS_DETECTED);
        this.resyncs = counters.get(EngineCounter.RESYNCS);
        this.undecodable = counters.get(EngineCounter.DROPPED_UNDECODABLE);
        this.unknown = counters.get(EngineCounter.DROPPED_UNKNOWN_TYPE);
        reset();
    }

    @SuppressWarnings("unchecked")
    synchronized void registerHandler(final Class<?> type, final ClientMessageHandler<?> handler)
    {
        final int typeId = codec.registry().typeId(type);
        if (typeId < 0)
        {
            throw new IllegalArgumentException(type.getName() + " is not registered in the MessageRegistry");
        }
        final Int2ObjectHashMap<ClientMessageHandler<Object>> copy = new Int2ObjectHashMap<>(handlers);
        copy.put(typeId, (ClientMessageHandler<Object>)handler);
        handlers = copy;
    }

    /**
     * A new session: no rooms, the direct stream from seq 1.
     */
    void reset()
    {
        inboxes.clear();
        inboxes.put(0, new RoomInbox(0, 1, maxHeldEvents));
    }

    /**
     * Resume a session from another process at the seqs it had delivered.
     *
     * @param lastDeliveredByRoom room id to last delivered seq.
     */
    void restore(final Long2LongHashMap lastDeliveredByRoom)
    {
        lastDeliveredByRoom.forEachLong(
            (roomId, seq) -> inboxes.put((int)roomId, new RoomInbox((int)roomId, seq + 1, maxHeldEvents)));
    }

    /**
     * @param roomId a room (0 for the direct stream).
     * @return seq of the last event delivered in order, or -1 when not in the room.
     */
    long lastDelivered(final int roomId)
    {
        final RoomInbox inbox = inboxes.get(roomId);
        return null == inbox ? -1 : inbox.lastDelivered();
    }

    boolean isMember(final int roomId)
    {
        return 0 != roomId && inboxes.containsKey(roomId);
    }

    /**
     * A resumed session: tell the server where each stream stands, and ask for the gaps already known.
     */
    void onResumed(final long nowNs)
    {
        this.nowNs = nowNs;
        final Int2ObjectHashMap<RoomInbox>.ValueIterator it = inboxes.values().iterator();
        while (it.hasNext())
        {
            final RoomInbox inbox = it.next();
            if (sender.sendEventAck(inbox.roomId, inbox.lastDelivered()) > 0)
            {
                inbox.lastAckSent = inbox.lastDelivered();
            }
            if (inbox.heldCount() > 0)
            {
                requestReplay(inbox, inbox.lowestHeld() - 1);
            }
        }
    }

    void onJoinResult(final DirectBuffer buffer, final int offset, final int length)
    {
        final JoinResultFlyweight result = joinResultFlyweight;
        result.wrap(buffer, offset, length);
        final int roomId = result.roomId();
        if (result.status() == JoinResultFlyweight.JOINED)
        {
            if (!inboxes.containsKey(roomId) && roomId != 0)
            {
                final long nextSeq = result.nextSeq();
                inboxes.put(roomId, new RoomInbox(roomId, nextSeq, maxHeldEvents));
                listener.onJoined(roomId, nextSeq);
            }
        }
        else
        {
            listener.onJoinFailed(roomId, result.requestId(), result.status());
        }
    }

    void onLeftRoom(final int roomId, final LeaveReason reason)
    {
        snapshots.removeRoom(roomId);
        if (null != inboxes.remove(roomId))
        {
            listener.onLeft(roomId, reason);
        }
    }

    void onRoomEvent(final DirectBuffer buffer, final int offset, final int length, final long nowNs)
    {
        this.nowNs = nowNs;
        final RoomEventFlyweight event = eventFlyweight;
        event.wrap(buffer, offset, length);
        final RoomInbox inbox = inboxes.get(event.roomId());
        if (null == inbox)
        {
            unknown.incrementRelease();
            return;
        }
        final long seq = event.seq();
        if ((event.flags() & FrameHeaderFlyweight.FLAG_REPLAY) != 0)
        {
            replayed.incrementRelease();
        }
        if (seq < inbox.nextExpected)
        {
            duplicates.incrementRelease();
            return;
        }
        if (seq == inbox.nextExpected)
        {
            deliver(inbox, buffer, offset, length);
            drainHeld(inbox);
            return;
        }
        if (inbox.canHold(seq))
        {
            inbox.hold(seq, buffer, offset, length);
        }
        if (inbox.gapFrom != inbox.nextExpected)
        {
            inbox.gapFrom = inbox.nextExpected;
            gaps.incrementRelease();
        }
        if (inbox.requestedFrom != inbox.nextExpected || nowNs - inbox.lastRequestNs >= replayRequestTimeoutNs)
        {
            requestReplay(inbox, seq - 1);
        }
    }

    void onResync(final DirectBuffer buffer, final int offset, final int length)
    {
        final RoomEventFlyweight event = eventFlyweight;
        event.wrap(buffer, offset, length);
        final RoomInbox inbox = inboxes.get(event.roomId());
        if (null == inbox)
        {
            return;
        }
        final long seq = event.seq();
        if (seq < inbox.nextExpected - 1)
        {
            return;
        }
        resyncs.incrementRelease();
        inbox.nextExpected = seq + 1;
        inbox.releaseUpTo(seq);
        inbox.requestedFrom = -1;
        listener.onResync(
            inbox.roomId, seq, buffer, offset + RoomEventFlyweight.PAYLOAD_OFFSET, event.payloadLength());
        drainHeld(inbox);
    }

    /**
     * Acknowledge what was delivered, and ask again for gaps whose replay did not come.
     *
     * @return work done.
     */
    int housekeeping(final long nowNs)
    {
        this.nowNs = nowNs;
        int work = 0;
        final Int2ObjectHashMap<RoomInbox>.ValueIterator it = inboxes.values().iterator();
        while (it.hasNext())
        {
            final RoomInbox inbox = it.next();
            final long lastDelivered = inbox.lastDelivered();
            if (lastDelivered > inbox.lastAckSent && nowNs - inbox.lastAckSentNs >= ackIntervalNs &&
                sender.sendEventAck(inbox.roomId, lastDelivered) > 0)
            {
                inbox.lastAckSent = lastDelivered;
                inbox.lastAckSentNs = nowNs;
                work++;
            }
            if (inbox.heldCount() > 0 && nowNs - inbox.lastRequestNs >= replayRequestTimeoutNs)
            {
                requestReplay(inbox, inbox.lowestHeld() - 1);
                work++;
            }
        }
        return work;
    }

    private void drainHeld(final RoomInbox inbox)
    {
        while (inbox.heldCount() > 0 && inbox.isHeld(inbox.nextExpected))
        {
            final long seq = inbox.nextExpected;
            final DirectBuffer frame = inbox.heldFrame(seq);
            final int frameLength = inbox.heldLength(seq);
            inbox.release(seq);
            deliver(inbox, frame, 0, frameLength);
        }
    }

    private void requestReplay(final RoomInbox inbox, final long toSeq)
    {
        if (sender.sendReplayRequest(
            inbox.roomId, inbox.nextExpected, Math.max(toSeq, inbox.nextExpected)) > 0)
        {
            inbox.requestedFrom = inbox.nextExpected;
            inbox.lastRequestNs = nowNs;
        }
    }

    private void deliver(final RoomInbox inbox, final DirectBuffer buffer, final int offset, final int length)
    {
        final RoomEventFlyweight event = eventFlyweight;
        event.wrap(buffer, offset, length);
        final long seq = event.seq();
        inbox.nextExpected = seq + 1;
        final int flags = event.flags();
        final int payloadLength = event.payloadLength();
        if ((flags & FLAG_EXCEPT_SENDER) != 0 && payloadLength == 0)
        {
            return;
        }
        try
        {
            final int payloadOffset = offset + RoomEventFlyweight.PAYLOAD_OFFSET;
            if ((flags & FLAG_SYSTEM) != 0)
            {
                delivered.incrementRelease();
                onSystemEvent(inbox.roomId, seq, event.typeId(), buffer, payloadOffset, payloadLength);
            }
            else if ((flags & FLAG_KRYO) != 0)
            {
                onObject(inbox.roomId, seq, event.typeId(), event.senderSessionId(), buffer, payloadOffset,
                    payloadLength);
            }
            else
            {
                delivered.incrementRelease();
                listener.onEvent(
                    inbox.roomId, seq, event.senderSessionId(), event.typeId(), buffer, payloadOffset, payloadLength);
            }
        }
        catch (final Throwable t)
        {
            errors.onError(t);
        }
    }

    private void onSystemEvent(
        final int roomId,
        final long seq,
        final int typeId,
        final DirectBuffer buffer,
        final int payloadOffset,
        final int payloadLength)
    {
        if (payloadLength < SystemEvent.PAYLOAD_LENGTH)
        {
            return;
        }
        final int member = buffer.getInt(payloadOffset, LITTLE_ENDIAN);
        if (typeId == SystemEvent.MEMBER_JOINED)
        {
            listener.onMemberJoined(roomId, seq, member);
        }
        else if (typeId == SystemEvent.MEMBER_LEFT)
        {
            listener.onMemberLeft(roomId, seq, member, LeaveReason.get(buffer.getInt(payloadOffset + 4, LITTLE_ENDIAN)));
        }
    }

    private void onObject(
        final int roomId,
        final long seq,
        final int typeId,
        final int senderSessionId,
        final DirectBuffer buffer,
        final int payloadOffset,
        final int payloadLength)
    {
        final Object message = codec.decode(typeId, buffer, payloadOffset, payloadLength);
        if (null == message)
        {
            undecodable.incrementRelease();
            return;
        }
        delivered.incrementRelease();
        final ClientMessageHandler<Object> handler = handlers.get(typeId);
        if (null != handler)
        {
            handler.onMessage(roomId, senderSessionId, message);
        }
        else
        {
            listener.onEvent(roomId, seq, senderSessionId, message);
        }
    }
}
