package io.skirmish.engine.client;

import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.LeaveReason;
import io.skirmish.engine.codec.KryoCodec;
import io.skirmish.engine.protocol.FrameHeaderFlyweight;
import io.skirmish.engine.protocol.JoinResultFlyweight;
import io.skirmish.engine.protocol.LeftRoomFlyweight;
import io.skirmish.engine.protocol.ResumeStateFlyweight;
import io.skirmish.engine.protocol.RoomEventFlyweight;
import io.skirmish.engine.protocol.StreamHeadsFlyweight;
import io.skirmish.engine.protocol.SystemEvent;
import io.skirmish.engine.status.Counters;
import io.skirmish.engine.status.RttEstimator;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.concurrent.TimeUnit;

import static io.skirmish.engine.protocol.FrameHeaderFlyweight.FLAG_EXCEPT_SENDER;
import static io.skirmish.engine.protocol.FrameHeaderFlyweight.FLAG_KRYO;
import static io.skirmish.engine.protocol.FrameHeaderFlyweight.FLAG_SYSTEM;

/**
 * In-order, exactly-once delivery of every sequenced stream the client is in: its rooms and its direct stream
 * (room 0). An event after a gap is held and exactly the missing range asked for again ({@code REPLAY_REQUEST}, a
 * reliable frame), once when the gap appears and again every two round trips (at most {@code replayRequestTimeout})
 * while it stays open; a
 * {@code STREAM_HEADS} frame that names a seq beyond the highest seen means the last events were lost, and they are
 * asked for the same way. A resync replaces what the history could no longer replay. Deliveries are acknowledged
 * with the next input sent ({@link #ackNow}) or after {@code ackInterval}.
 * <p>
 * Membership is a notice on the direct stream, so it reaches the game in order with the session's other notices:
 * a join result opens a room's inbox; a leave names the room's last seq the session is owed, and the direct stream
 * waits at the leave until the room has been delivered up to that seq, so that every event of a membership reaches
 * the game before its {@code onLeft}. After a resume the server says where each stream continues and how far it
 * reached ({@code RESUME_STATE}); {@link #isCaughtUp()} tells when all of it has been delivered. Client thread only;
 * allocation-free once every room's inbox exists.
 */
final class EventDelivery
{
    private static final int NO_ROOM = -1;
    private static final int MAX_RANGES_PER_REQUEST = 8;
    private static final long MIN_RETRY_NS = TimeUnit.MILLISECONDS.toNanos(20);

    private final ClientListener listener;
    private final ErrorHandler errors;
    private final ClientSender sender;
    private final SnapshotReceiver snapshots;
    private final int maxHeldEvents;
    private final long replayRequestTimeoutNs;
    private final long ackIntervalNs;
    private final Int2ObjectHashMap<RoomInbox> inboxes = new Int2ObjectHashMap<>();
    private final Long2LongHashMap orphanedUpTo = new Long2LongHashMap(-1);
    private final RoomEventFlyweight eventFlyweight = new RoomEventFlyweight();
    private final JoinResultFlyweight joinResultFlyweight = new JoinResultFlyweight();
    private final LeftRoomFlyweight leftRoomFlyweight = new LeftRoomFlyweight();
    private final ResumeStateFlyweight resumeStateFlyweight = new ResumeStateFlyweight();
    private final StreamHeadsFlyweight headsFlyweight = new StreamHeadsFlyweight();
    private final ResumeTargets targets;
    private final RttEstimator rtt;
    private final AtomicCounter delivered;
    private final AtomicCounter replayed;
    private final AtomicCounter duplicates;
    private final AtomicCounter gaps;
    private final AtomicCounter tailGaps;
    private final AtomicCounter resyncs;
    private final RoomRestores restores;
    private final AtomicCounter unknown;
    private final EventDispatch dispatch;
    private int blockedOnRoom = NO_ROOM;
    private long blockedUntilSeq;
    private long nowNs;

    EventDelivery(
        final GameClient.Context ctx,
        final Counters counters,
        final KryoCodec codec,
        final ClientSender sender,
        final SnapshotReceiver snapshots,
        final RttEstimator rtt,
        final ErrorHandler errors)
    {
        this.rtt = rtt;
        this.listener = ctx.listener;
        this.errors = errors;
        this.sender = sender;
        this.snapshots = snapshots;
        this.maxHeldEvents = ctx.maxHeldEvents;
        this.replayRequestTimeoutNs = ctx.replayRequestTimeoutNs;
        this.ackIntervalNs = ctx.ackIntervalNs;
        this.targets = new ResumeTargets();
        this.delivered = counters.get(EngineCounter.EVENTS_DELIVERED);
        this.replayed = counters.get(EngineCounter.EVENTS_REPLAYED);
        this.duplicates = counters.get(EngineCounter.DUPLICATES_DROPPED);
        this.gaps = counters.get(EngineCounter.GAPS_DETECTED);
        this.tailGaps = counters.get(EngineCounter.TAIL_GAPS_DETECTED);
        this.resyncs = counters.get(EngineCounter.RESYNCS);
        this.restores = new RoomRestores(ctx.listener, sender, counters, errors);
        this.dispatch = new EventDispatch(ctx.listener, codec, counters);
        this.unknown = counters.get(EngineCounter.DROPPED_UNKNOWN_TYPE);
        reset();
    }

    void registerHandler(final Class<?> type, final ClientMessageHandler<?> handler)
    {
        dispatch.registerHandler(type, handler);
    }

    /**
     * A new session: no rooms, the direct stream from seq 1.
     */
    void reset()
    {
        inboxes.clear();
        orphanedUpTo.clear();
        targets.clear();
        blockedOnRoom = NO_ROOM;
        inboxes.put(0, new RoomInbox(0, 1, maxHeldEvents));
    }

    /**
     * The session ended for good (a refused resume): the game leaves every room it was in.
     *
     * @param reason told for each room.
     */
    void leaveAll(final LeaveReason reason)
    {
        final Int2ObjectHashMap<RoomInbox>.KeyIterator it = inboxes.keySet().iterator();
        while (it.hasNext())
        {
            final int roomId = it.nextInt();
            if (0 != roomId)
            {
                snapshots.removeRoom(roomId);
                listener.onLeft(roomId, reason);
            }
        }
        reset();
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
     * @return true when every stream of a resumed session has been delivered up to where it reached when the
     * session came back (always true outside a resume).
     */
    boolean isCaughtUp()
    {
        return targets.isEmpty();
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
            if (inbox.heldCount() > 0 && !isBlocked(inbox))
            {
                requestMissing(inbox);
            }
        }
    }

    /**
     * RESUME_STATE: where each stream continues and how far it reached. Rooms this client did not know it was in (a
     * new process resuming the session) are opened; each stream becomes a target {@link #isCaughtUp()} waits for.
     */
    void onResumeState(final DirectBuffer buffer, final int offset, final int length)
    {
        final ResumeStateFlyweight state = resumeStateFlyweight;
        state.wrap(buffer, offset, length);
        if (!ResumeStateFlyweight.isComplete(buffer, offset, length))
        {
            unknown.incrementRelease();
            return;
        }
        targets.clear();
        for (int i = 0, restoredCount = state.restoredCount(); i < restoredCount; i++)
        {
            restores.onRestored(inboxes.get(state.restoredRoomId(i)), state.restoredSeq(i), state.restoreId(i), nowNs);
        }
        for (int i = 0, count = state.count(); i < count; i++)
        {
            final int roomId = state.roomId(i);
            final int kind = state.kind(i);
            final long fromSeq = state.fromSeq(i);
            RoomInbox inbox = inboxes.get(roomId);
            if (null == inbox && ResumeStateFlyweight.LEFT_WHILE_AWAY == kind && state.noticeSeq(i) <= lastDelivered(0))
            {
                sender.sendEventAck(roomId, state.headSeq(i)); // its leave was delivered, the ack lost: let it go
                continue;
            }
            if (null == inbox && (ResumeStateFlyweight.MEMBER == kind || ResumeStateFlyweight.LEFT_WHILE_AWAY == kind))
            {
                inbox = openRoom(roomId, fromSeq);
            }
            if (null != inbox && fromSeq > inbox.nextExpected && !inbox.awaitingRestoreResync)
            {
                inbox.releaseUpTo(fromSeq - 1);
                inbox.nextExpected = fromSeq;
                drainHeld(inbox);
            }
            targets.add(roomId, state.headSeq(i));
        }
        targets.retainUnmet(inboxes);
    }

    void onRoomEvent(final DirectBuffer buffer, final int offset, final int length, final long nowNs)
    {
        this.nowNs = nowNs;
        final RoomEventFlyweight event = eventFlyweight;
        event.wrap(buffer, offset, length);
        final int roomId = event.roomId();
        final RoomInbox inbox = inboxes.get(roomId);
        final long seq = event.seq();
        if (null == inbox)
        {
            // a room whose join notice is still to be delivered (the direct stream waits at a leave): asked for
            // again once the notice opens it
            unknown.incrementRelease();
            if (seq > orphanedUpTo.get(roomId))
            {
                orphanedUpTo.put(roomId, seq);
            }
            return;
        }
        if ((event.flags() & FrameHeaderFlyweight.FLAG_REPLAY) != 0)
        {
            replayed.incrementRelease();
        }
        if (seq < inbox.nextExpected)
        {
            duplicates.incrementRelease();
            return;
        }
        if (inbox.awaitingRestoreResync)
        {
            // the restored room's events after the seq it was restored at: kept for after the resync
            if (inbox.canHold(seq))
            {
                inbox.hold(seq, buffer, offset, length);
            }
            return;
        }
        final long highestSeen = inbox.highestSeen;
        if (seq > highestSeen)
        {
            inbox.highestSeen = seq;
        }
        if (seq == inbox.nextExpected && !inbox.isHeld(seq))
        {
            if (deliver(inbox, buffer, offset, length))
            {
                drainHeld(inbox);
            }
            else
            {
                inbox.hold(seq, buffer, offset, length);
            }
            return;
        }
        if (inbox.canHold(seq))
        {
            inbox.hold(seq, buffer, offset, length);
        }
        if (seq > highestSeen + 1 && !isBlocked(inbox))
        {
            // a new gap: ask for exactly what is missing before this event, once now
            gaps.incrementRelease();
            requestRange(inbox, Math.max(inbox.nextExpected, highestSeen + 1), seq - 1);
        }
    }

    /**
     * STREAM_HEADS: the newest seq of each stream the server has sent this session and not had acknowledged. Beyond
     * the highest seen, the last events were lost: asked for. Already delivered: the acknowledgement was lost: sent
     * again.
     */
    void onStreamHeads(final DirectBuffer buffer, final int offset, final int length, final long nowNs)
    {
        this.nowNs = nowNs;
        if (!StreamHeadsFlyweight.isComplete(buffer, offset, length))
        {
            unknown.incrementRelease();
            return;
        }
        final StreamHeadsFlyweight heads = headsFlyweight;
        heads.wrap(buffer, offset, length);
        for (int i = 0, count = heads.count(); i < count; i++)
        {
            final int roomId = heads.roomId(i);
            final long head = heads.headSeq(i);
            final RoomInbox inbox = inboxes.get(roomId);
            if (null == inbox)
            {
                if (head > orphanedUpTo.get(roomId))
                {
                    orphanedUpTo.put(roomId, head);
                }
                continue;
            }
            if (inbox.awaitingRestoreResync)
            {
                continue; // the resync it asked for stands in for everything up to its seq
            }
            if (head < inbox.nextExpected)
            {
                if (sender.sendEventAck(roomId, inbox.lastDelivered()) > 0)
                {
                    inbox.lastAckSent = inbox.lastDelivered();
                    inbox.lastAckSentNs = nowNs;
                }
            }
            else if (head > inbox.highestSeen)
            {
                tailGaps.incrementRelease();
                final long from = Math.max(inbox.nextExpected, inbox.highestSeen + 1);
                inbox.highestSeen = head;
                requestRange(inbox, from, head);
            }
        }
    }

    /**
     * Acknowledge every stream delivered further than last acknowledged, now (with an input, in one datagram).
     *
     * @return acknowledgements sent.
     */
    int ackNow(final long nowNs)
    {
        int sent = 0;
        final Int2ObjectHashMap<RoomInbox>.ValueIterator it = inboxes.values().iterator();
        while (it.hasNext())
        {
            final RoomInbox inbox = it.next();
            final long lastDelivered = inbox.lastDelivered();
            if (lastDelivered > inbox.lastAckSent && sender.sendEventAck(inbox.roomId, lastDelivered) > 0)
            {
                inbox.lastAckSent = lastDelivered;
                inbox.lastAckSentNs = nowNs;
                sent++;
            }
        }
        return sent;
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
        if (seq == inbox.lastResyncSeq && seq < inbox.nextExpected)
        {
            // the same resync again: a duplicated datagram, or one sent again after it got through
            duplicates.incrementRelease();
            return;
        }
        inbox.lastResyncSeq = seq;
        inbox.awaitingRestoreResync = false;
        resyncs.incrementRelease();
        inbox.nextExpected = seq + 1;
        inbox.highestSeen = Math.max(inbox.highestSeen, seq);
        inbox.releaseUpTo(seq);
        inbox.lastProgressNs = nowNs;
        listener.onResync(
            inbox.roomId, seq, buffer, offset + RoomEventFlyweight.PAYLOAD_OFFSET, event.payloadLength());
        onProgress(inbox);
        drainHeld(inbox);
    }

    /**
     * Acknowledge what was delivered, ask again for gaps whose replay did not come, and, while catching up after a
     * resume, ask for what a stream still lacks when nothing has arrived for a while.
     *
     * @return work done.
     */
    int housekeeping(final long nowNs)
    {
        this.nowNs = nowNs;
        int work = 0;
        // a gap asked for again after two round trips (the answer, or the ask, was lost), at most the configured timeout
        final long rttNs = rtt.rttNs();
        final long retryNs = rttNs <= 0 ? replayRequestTimeoutNs :
            Math.min(replayRequestTimeoutNs, Math.max(MIN_RETRY_NS, 2 * rttNs + ackIntervalNs));
        final Int2ObjectHashMap<RoomInbox>.ValueIterator it = inboxes.values().iterator();
        while (it.hasNext())
        {
            final RoomInbox inbox = it.next();
            if (inbox.awaitingRestoreResync)
            {
                work += restores.retry(inbox, nowNs);
                continue;
            }
            final long lastDelivered = inbox.lastDelivered();
            if (lastDelivered > inbox.lastAckSent && nowNs - inbox.lastAckSentNs >= ackIntervalNs &&
                sender.sendEventAck(inbox.roomId, lastDelivered) > 0)
            {
                inbox.lastAckSent = lastDelivered;
                inbox.lastAckSentNs = nowNs;
                work++;
            }
            if (isBlocked(inbox) || nowNs - inbox.lastRequestNs < retryNs)
            {
                continue;
            }
            if (inbox.heldCount() > 0 || inbox.highestSeen >= inbox.nextExpected)
            {
                work += requestMissing(inbox);
            }
            else if (nowNs - inbox.lastProgressNs >= replayRequestTimeoutNs)
            {
                final long owed = Math.max(
                    targets.headOf(inbox.roomId), inbox.roomId == blockedOnRoom ? blockedUntilSeq : Long.MIN_VALUE);
                if (owed > lastDelivered)
                {
                    requestRange(inbox, inbox.nextExpected, owed);
                    work++;
                }
            }
        }
        return work;
    }

    private boolean isBlocked(final RoomInbox inbox)
    {
        return 0 == inbox.roomId && NO_ROOM != blockedOnRoom;
    }

    private RoomInbox openRoom(final int roomId, final long nextSeq)
    {
        final RoomInbox inbox = new RoomInbox(roomId, nextSeq, maxHeldEvents);
        inbox.lastProgressNs = nowNs;
        inboxes.put(roomId, inbox);
        listener.onJoined(roomId, nextSeq);
        final long orphaned = orphanedUpTo.remove(roomId);
        if (orphaned >= nextSeq)
        {
            inbox.highestSeen = orphaned;
            requestRange(inbox, nextSeq, orphaned);
        }
        return inbox;
    }

    private void drainHeld(final RoomInbox inbox)
    {
        while (inbox.heldCount() > 0 && inbox.isHeld(inbox.nextExpected))
        {
            final long seq = inbox.nextExpected;
            if (!deliver(inbox, inbox.heldFrame(seq), 0, inbox.heldLength(seq)))
            {
                return;
            }
            inbox.release(seq);
        }
    }

    /**
     * Ask for every range still missing between the next expected seq and the highest seen, a few ranges at a time;
     * beyond what can be held, only once the stream has moved on that far.
     *
     * @return requests sent.
     */
    private int requestMissing(final RoomInbox inbox)
    {
        final long last = Math.min(inbox.highestSeen, inbox.nextExpected + inbox.capacity() - 1);
        int requests = 0;
        long seq = inbox.nextExpected;
        while (seq <= last && requests < MAX_RANGES_PER_REQUEST)
        {
            if (inbox.isHeld(seq))
            {
                seq++;
                continue;
            }
            final long from = seq;
            while (seq <= last && !inbox.isHeld(seq))
            {
                seq++;
            }
            if (!requestRange(inbox, from, seq - 1))
            {
                break;
            }
            requests++;
        }
        return requests;
    }

    private boolean requestRange(final RoomInbox inbox, final long fromSeq, final long toSeq)
    {
        if (inbox.awaitingRestoreResync)
        {
            return true; // the resync it asked for stands in for these
        }
        if (sender.sendReplayRequest(inbox.roomId, fromSeq, Math.max(toSeq, fromSeq)) > 0)
        {
            inbox.lastRequestNs = nowNs;
            return true;
        }
        return false;
    }

    /**
     * @return false when the event is a leave that must wait for its room's owed events; nothing was delivered.
     */
    private boolean deliver(final RoomInbox inbox, final DirectBuffer buffer, final int offset, final int length)
    {
        final RoomEventFlyweight event = eventFlyweight;
        event.wrap(buffer, offset, length);
        final long seq = event.seq();
        final int flags = event.flags();
        final int typeId = event.typeId();
        final int payloadLength = event.payloadLength();
        final int payloadOffset = offset + RoomEventFlyweight.PAYLOAD_OFFSET;
        final boolean notice = 0 == inbox.roomId && (flags & FLAG_SYSTEM) != 0;
        if (notice && SystemEvent.LEFT_ROOM == typeId && payloadLength >= LeftRoomFlyweight.LENGTH &&
            !isOwedDelivered(buffer, payloadOffset))
        {
            return false;
        }
        inbox.nextExpected = seq + 1;
        inbox.lastProgressNs = nowNs;
        if ((flags & FLAG_EXCEPT_SENDER) != 0 && payloadLength == 0)
        {
            onProgress(inbox);
            return true;
        }
        try
        {
            if (notice)
            {
                delivered.incrementRelease();
                onNotice(typeId, buffer, payloadOffset, payloadLength);
            }
            else if ((flags & FLAG_SYSTEM) != 0)
            {
                delivered.incrementRelease();
                dispatch.onMembershipEvent(inbox.roomId, seq, typeId, buffer, payloadOffset, payloadLength);
            }
            else if ((flags & FLAG_KRYO) != 0)
            {
                dispatch.onObject(inbox.roomId, seq, typeId, event.senderSessionId(), buffer, payloadOffset,
                    payloadLength);
            }
            else
            {
                delivered.incrementRelease();
                listener.onEvent(inbox.roomId, seq, event.senderSessionId(), typeId, buffer, payloadOffset,
                    payloadLength);
            }
        }
        catch (final Throwable t)
        {
            errors.onError(t);
        }
        onProgress(inbox);
        return true;
    }

    /**
     * @return true when the room a leave names has been delivered up to the leave's final seq (or is not open);
     * otherwise the direct stream is held at the leave until it has.
     */
    private boolean isOwedDelivered(final DirectBuffer buffer, final int payloadOffset)
    {
        final LeftRoomFlyweight left = leftRoomFlyweight.wrap(buffer, payloadOffset);
        final RoomInbox room = inboxes.get(left.roomId());
        if (null == room || room.lastDelivered() >= left.finalSeq())
        {
            blockedOnRoom = NO_ROOM;
            return true;
        }
        blockedOnRoom = left.roomId();
        blockedUntilSeq = left.finalSeq();
        return false;
    }

    /**
     * A stream moved on: a resume target may be met, and the direct stream may be waiting for this room.
     */
    private void onProgress(final RoomInbox inbox)
    {
        if (!targets.isEmpty())
        {
            targets.onDelivered(inbox.roomId, inbox.lastDelivered());
        }
        if (inbox.roomId == blockedOnRoom && inbox.lastDelivered() >= blockedUntilSeq)
        {
            blockedOnRoom = NO_ROOM;
            drainHeld(inboxes.get(0));
        }
    }

    private void onNotice(final int typeId, final DirectBuffer buffer, final int payloadOffset, final int payloadLength)
    {
        if (SystemEvent.JOIN_RESULT == typeId && payloadLength >= JoinResultFlyweight.LENGTH)
        {
            final JoinResultFlyweight result = joinResultFlyweight.wrap(buffer, payloadOffset);
            final int roomId = result.roomId();
            if (result.status() != JoinResultFlyweight.JOINED)
            {
                listener.onJoinFailed(roomId, result.requestId(), result.status());
            }
            else if (!inboxes.containsKey(roomId) && roomId != 0)
            {
                openRoom(roomId, result.nextSeq());
            }
        }
        else if (SystemEvent.LEFT_ROOM == typeId && payloadLength >= LeftRoomFlyweight.LENGTH)
        {
            final LeftRoomFlyweight left = leftRoomFlyweight.wrap(buffer, payloadOffset);
            final int roomId = left.roomId();
            final long finalSeq = left.finalSeq();
            final LeaveReason reason = LeaveReason.get(left.reason());
            snapshots.removeRoom(roomId);
            if (null != inboxes.remove(roomId))
            {
                // the server keeps the ended membership until this: acknowledge it now, not at the next interval
                sender.sendEventAck(roomId, finalSeq);
                targets.onLeft(roomId, finalSeq);
                listener.onLeft(roomId, reason);
            }
        }
    }
}
