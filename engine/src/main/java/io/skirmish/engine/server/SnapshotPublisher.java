package io.skirmish.engine.server;

import io.aeron.logbuffer.BufferClaim;
import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.EngineException;
import io.skirmish.engine.SendResult;
import io.skirmish.engine.codec.DeltaCodec;
import io.skirmish.engine.codec.SnapshotHistory;
import io.skirmish.engine.protocol.FrameType;
import io.skirmish.engine.protocol.SnapshotAckFlyweight;
import io.skirmish.engine.protocol.SnapshotFlyweight;
import io.skirmish.engine.security.FrameCipher;
import io.skirmish.engine.status.Counters;
import io.skirmish.engine.transport.FrameOffer;
import io.skirmish.engine.transport.Outlet;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * The server's snapshot path: per-member and shared snapshots, the acked-baseline bookkeeping, delta encoding and
 * splitting into datagram-sized parts, each sealed for encrypted sessions. Conductor thread only.
 * <p>
 * For every member of a room the publisher keeps the newest tick the client acknowledged (from
 * {@code SNAPSHOT_ACK} frames and the ack piggybacked on {@code INPUT}) and, for per-member snapshots, a window of
 * the states it sent that member ({@link GameServer.Context#snapshotWindow(int)} ticks). Shared snapshots keep one
 * window per room. A snapshot goes out as a delta against the member's acked tick when that tick is still in the
 * window and the delta is smaller than the state; otherwise in full. Acks of a previous connection of the session
 * (before a resume) are forgotten.
 * <p>
 * Steady state allocates nothing: the writer's buffer, the encode buffers and the windows' slots are reused (the
 * buffers are made on first use, so a server without snapshots does not hold them).
 */
final class SnapshotPublisher
{
    private static final int ENCODE_CACHE_SIZE = 4;
    private static final long NO_TICK = SnapshotAckFlyweight.NO_TICK;

    /** Snapshot bookkeeping of one member of one room. */
    static final class MemberState
    {
        Lane lane;
        long ackedTick = NO_TICK;
        long lastSentTick = Long.MIN_VALUE;
        long sinceTick = Long.MIN_VALUE;
        int thinning = 1;
        long nextThinningChangeTick;
        int snapshotSeq;
        SnapshotHistory history;
    }

    /** Most ticks a degraded member goes between snapshots: its rate falls to an eighth at worst. */
    static final int MAX_THINNING = 8;
    /** A lane with less room than this takes no snapshot: what room it has is left for events. */
    static final int LANE_RESERVE = 8 * 1024;

    private final DeltaCodec codec;
    private final FrameOffer frameOffer;
    private final ErrorHandler errors;
    private final int window;
    private final int maxSnapshotLength;
    private final UnsafeBuffer[] encodeBuffers = new UnsafeBuffer[ENCODE_CACHE_SIZE];
    private final long[] encodedBaselines = new long[ENCODE_CACHE_SIZE];
    private final int[] encodedLengths = new int[ENCODE_CACHE_SIZE];
    private final BufferClaim bufferClaim = new BufferClaim();
    private final SnapshotFlyweight snapshotFlyweight = new SnapshotFlyweight();
    private final SnapshotAckFlyweight ackFlyweight = new SnapshotAckFlyweight();
    private final AtomicCounter partsSent;
    private final AtomicCounter sendsDropped;
    private final AtomicCounter deltasSent;
    private final AtomicCounter fullsSent;
    private final AtomicCounter snapshotBytesSent;
    private final AtomicCounter malformed;
    private final AtomicCounter thinned;
    private final AtomicCounter degradedGauge;
    private long degradedTotal;
    private int degradedInPublish;
    private UnsafeBuffer stateBuffer;
    private int encodedCount;
    private int nextEncodeSlot;

    SnapshotPublisher(
        final GameServer.Context ctx, final Counters counters, final FrameOffer frameOffer, final ErrorHandler errors)
    {
        this.codec = ctx.deltaCodec();
        this.frameOffer = frameOffer;
        this.errors = errors;
        this.window = ctx.snapshotWindow();
        this.maxSnapshotLength = ctx.maxSnapshotLength();
        this.partsSent = counters.get(EngineCounter.SNAPSHOTS_SENT);
        this.sendsDropped = counters.get(EngineCounter.UNRELIABLE_SEND_DROPPED);
        this.deltasSent = counters.get(EngineCounter.SNAPSHOTS_DELTA_SENT);
        this.fullsSent = counters.get(EngineCounter.SNAPSHOTS_FULL_SENT);
        this.thinned = counters.get(EngineCounter.SNAPSHOTS_THINNED);
        this.degradedGauge = counters.get(EngineCounter.DEGRADED_MEMBERS);
        this.snapshotBytesSent = counters.get(EngineCounter.SNAPSHOT_BYTES_SENT);
        this.malformed = counters.get(EngineCounter.DROPPED_MALFORMED);
    }

    private UnsafeBuffer stateBuffer()
    {
        if (null == stateBuffer)
        {
            stateBuffer = new UnsafeBuffer(new byte[maxSnapshotLength]);
            for (int i = 0; i < ENCODE_CACHE_SIZE; i++)
            {
                encodeBuffers[i] = new UnsafeBuffer(new byte[maxSnapshotLength]);
            }
        }
        return stateBuffer;
    }

    /**
     * See {@link Room#publishSnapshot(long, SnapshotWriter)}.
     */
    long publish(final Room room, final long tick, final SnapshotWriter writer)
    {
        final long check = checkTick(room, tick);
        if (check < 0)
        {
            return check;
        }
        room.lastSnapshotTick = tick;
        encodedCount = 0;
        degradedInPublish = 0;
        final UnsafeBuffer stateBuffer = stateBuffer();

        int sent = 0;
        final Membership[] members = room.members;
        for (int i = 0, n = room.memberCount; i < n; i++)
        {
            final Membership m = members[i];
            final Peer peer = m.peer;
            final Outlet outlet = snapshotOutlet(peer);
            if (null == outlet)
            {
                continue;
            }
            final MemberState state = memberState(m, peer);
            if (!isDue(state, outlet, tick))
            {
                continue;
            }

            int length;
            try
            {
                length = writer.write(peer.session, tick, stateBuffer, 0, maxSnapshotLength);
            }
            catch (final Throwable t)
            {
                errors.onError(t);
                continue;
            }
            if (length < 0)
            {
                continue;
            }
            if (length > maxSnapshotLength)
            {
                errors.onError(new EngineException(
                    "SnapshotWriter wrote " + length + " bytes, more than maxLength " + maxSnapshotLength,
                    EngineException.Category.ERROR));
                continue;
            }

            SnapshotHistory history = state.history;
            if (null == history && window > 0)
            {
                history = new SnapshotHistory(window);
                state.history = history;
            }
            encodedCount = 0;
            if (send(m, peer, outlet, state, history, room.roomId, tick, stateBuffer, 0, length) >= 0)
            {
                if (null != history)
                {
                    history.store(tick, stateBuffer, 0, length);
                }
                sent++;
            }
        }
        updateDegraded(room);
        return sent;
    }

    /**
     * See {@link Room#publishSharedSnapshot(long, DirectBuffer, int, int)}.
     */
    long publishShared(final Room room, final long tick, final DirectBuffer state, final int offset, final int length)
    {
        final long check = checkTick(room, tick);
        if (check < 0)
        {
            return check;
        }
        if (length < 0 || length > maxSnapshotLength)
        {
            return SendResult.MESSAGE_TOO_LARGE;
        }
        room.lastSnapshotTick = tick;
        SnapshotHistory history = room.snapshotHistory;
        if (null == history && window > 0)
        {
            history = new SnapshotHistory(window);
            room.snapshotHistory = history;
        }
        encodedCount = 0;
        degradedInPublish = 0;
        stateBuffer();

        int sent = 0;
        final Membership[] members = room.members;
        for (int i = 0, n = room.memberCount; i < n; i++)
        {
            final Membership m = members[i];
            final Peer peer = m.peer;
            final Outlet outlet = snapshotOutlet(peer);
            if (null == outlet)
            {
                continue;
            }
            final MemberState memberState = memberState(m, peer);
            if (isDue(memberState, outlet, tick) &&
                send(m, peer, outlet, memberState, history, room.roomId, tick, state, offset, length) >= 0)
            {
                sent++;
            }
        }
        if (null != history)
        {
            history.store(tick, state, offset, length);
        }
        updateDegraded(room);
        return sent;
    }

    /**
     * Graceful degradation, in this order, before anything is refused: a member whose acknowledgements fall more than
     * half the baseline window behind has its snapshot rate halved (down to one in {@value #MAX_THINNING} ticks), so
     * that what it does acknowledge stays a baseline for deltas and its lane keeps room; its rate doubles again once
     * it acknowledges within a quarter of the window. A member whose lane has less than {@value #LANE_RESERVE} bytes
     * of room skips the tick, leaving that room to its events, which are never dropped. A full snapshot goes only to
     * a member with no baseline left in the window. Changes are at most one per half window, so a member does not
     * flap.
     *
     * @return true when the member gets this tick's snapshot.
     */
    private boolean isDue(final MemberState state, final Outlet outlet, final long tick)
    {
        if (Long.MIN_VALUE == state.sinceTick)
        {
            state.sinceTick = tick;
            state.nextThinningChangeTick = tick;
        }
        final long lag = tick - (state.ackedTick >= 0 ? state.ackedTick : state.sinceTick);
        if (tick >= state.nextThinningChangeTick && window > 1)
        {
            if (lag > window / 2 && state.thinning < MAX_THINNING)
            {
                state.thinning <<= 1;
                state.nextThinningChangeTick = tick + window / 2;
            }
            else if (lag <= window / 4 && state.thinning > 1)
            {
                state.thinning >>= 1;
                state.nextThinningChangeTick = tick + window / 2;
            }
        }
        if (state.thinning > 1)
        {
            degradedInPublish++;
        }
        if ((state.thinning > 1 && Long.MIN_VALUE != state.lastSentTick && tick - state.lastSentTick < state.thinning) ||
            outlet.availableWindow() < LANE_RESERVE)
        {
            thinned.incrementRelease();
            return false;
        }
        return true;
    }

    private void updateDegraded(final Room room)
    {
        if (degradedInPublish != room.degradedMembers)
        {
            degradedTotal += degradedInPublish - room.degradedMembers;
            room.degradedMembers = degradedInPublish;
            degradedGauge.setRelease(degradedTotal);
        }
    }

    /**
     * A room closed: its degraded members are no longer counted.
     */
    void onRoomClosed(final Room room)
    {
        degradedInPublish = 0;
        updateDegraded(room);
    }

    private static long checkTick(final Room room, final long tick)
    {
        if (tick < 0)
        {
            throw new IllegalArgumentException("tick must not be negative: " + tick);
        }
        if (room.closed)
        {
            return SendResult.NO_SUCH_ROOM;
        }
        if (tick <= room.lastSnapshotTick)
        {
            return SendResult.STALE_TICK;
        }
        return 0;
    }

    private static Outlet snapshotOutlet(final Peer peer)
    {
        return peer.state() == SessionState.CONNECTED ? peer.events() : null;
    }

    private static MemberState memberState(final Membership m, final Peer peer)
    {
        MemberState state = m.snapshotState;
        if (null == state)
        {
            state = new MemberState();
            m.snapshotState = state;
        }
        final Lane lane = peer.lane;
        if (state.lane != lane)
        {
            state.lane = lane;
            state.ackedTick = NO_TICK;
            state.sinceTick = Long.MIN_VALUE;
        }
        return state;
    }

    private long send(
        final Membership m,
        final Peer peer,
        final Outlet outlet,
        final MemberState state,
        final SnapshotHistory history,
        final int roomId,
        final long tick,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        long baselineTick = SnapshotFlyweight.NO_BASELINE;
        DirectBuffer payload = buffer;
        int payloadOffset = offset;
        int payloadLength = length;

        final long acked = state.ackedTick;
        if (null != history && acked >= 0 && acked < tick && tick - acked < window && history.contains(acked))
        {
            final int slot = encode(history, acked, buffer, offset, length);
            if (encodedLengths[slot] >= 0)
            {
                baselineTick = acked;
                payload = encodeBuffers[slot];
                payloadOffset = 0;
                payloadLength = encodedLengths[slot];
            }
        }

        final int seq = state.snapshotSeq + 1;
        int leadUs = SnapshotFlyweight.NO_LEAD;
        int leadTickDelta = 0;
        final long leadTickDistance = m.leadInputTick - tick;
        if (Long.MIN_VALUE != m.leadInputTick && leadTickDistance >= Integer.MIN_VALUE &&
            leadTickDistance <= Integer.MAX_VALUE)
        {
            leadUs = (int)Math.max(Integer.MIN_VALUE + 1, Math.min(Integer.MAX_VALUE, m.leadNs / 1000));
            leadTickDelta = (int)leadTickDistance;
        }
        final long result = sendParts(peer, outlet, roomId, tick, baselineTick, seq, leadUs, leadTickDelta,
            payload, payloadOffset, payloadLength);
        if (result >= 0)
        {
            state.snapshotSeq = seq;
            state.lastSentTick = tick;
            if (SnapshotFlyweight.NO_BASELINE == baselineTick)
            {
                fullsSent.incrementRelease();
            }
            else
            {
                deltasSent.incrementRelease();
            }
        }
        return result;
    }

    /**
     * Encode against a baseline, reusing an encoding made for another member in this publish.
     *
     * @return the encode slot; its length is negative when the delta was not smaller than the state.
     */
    private int encode(
        final SnapshotHistory history,
        final long baselineTick,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        for (int i = 0; i < encodedCount; i++)
        {
            if (encodedBaselines[i] == baselineTick)
            {
                return i;
            }
        }
        final int slot;
        if (encodedCount < ENCODE_CACHE_SIZE)
        {
            slot = encodedCount++;
        }
        else
        {
            slot = nextEncodeSlot;
            nextEncodeSlot = (nextEncodeSlot + 1) % ENCODE_CACHE_SIZE;
        }

        int encoded;
        try
        {
            encoded = codec.encode(
                history.buffer(baselineTick), 0, history.length(baselineTick),
                buffer, offset, length,
                encodeBuffers[slot], 0, length - 1);
        }
        catch (final Throwable t)
        {
            errors.onError(t);
            encoded = DeltaCodec.TOO_LONG;
        }
        encodedBaselines[slot] = baselineTick;
        encodedLengths[slot] = encoded;
        return slot;
    }

    /**
     * Send one snapshot to one member, split into parts that each fit a datagram (each sealed when the session is
     * encrypted). Counts parts, bytes and drops.
     *
     * @return the snapshot's length, or a negative {@link SendResult} when a part could not be claimed.
     */
    long sendParts(
        final Peer peer,
        final Outlet outlet,
        final int roomId,
        final long tick,
        final long baselineTick,
        final int seq,
        final int leadUs,
        final int leadTickDelta,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        final int maxPart = outlet.maxPayloadLength() - SnapshotFlyweight.PAYLOAD_OFFSET - peer.crypto.sendTrailerLength();
        final int parts = Math.max(1, (length + maxPart - 1) / maxPart);
        if (parts > 0xFFFF)
        {
            return SendResult.MESSAGE_TOO_LARGE;
        }
        int position = 0;
        long bytes = 0;
        for (int part = 0; part < parts; part++)
        {
            final int partLength = Math.min(maxPart, length - position);
            final int frameLength = SnapshotFlyweight.PAYLOAD_OFFSET + partLength;
            final long result = frameOffer.tryClaim(outlet, peer.crypto, frameLength, bufferClaim);
            if (result < 0)
            {
                sendsDropped.incrementRelease();
                addSent(part, bytes);
                return result;
            }
            final MutableDirectBuffer claimed = bufferClaim.buffer();
            final int claimOffset = bufferClaim.offset();
            snapshotFlyweight.wrapForEncode(claimed, claimOffset, FrameType.SNAPSHOT, peer.sessionId);
            snapshotFlyweight.roomId(roomId).partIndex(part).partCount(parts).tick(tick).baselineTick(baselineTick)
                .totalLength(length).snapshotSeq(seq).inputLead(leadUs, leadTickDelta);
            if (partLength > 0)
            {
                claimed.putBytes(claimOffset + SnapshotFlyweight.PAYLOAD_OFFSET, buffer, offset + position, partLength);
            }
            bytes += frameOffer.commit(bufferClaim, peer.crypto, FrameCipher.DOWNSTREAM_LANE, frameLength);
            position += partLength;
        }
        addSent(parts, bytes);
        return length;
    }

    /**
     * See {@link GameServer#sendSnapshot}: one session's snapshot as it is, never delta-encoded.
     */
    long sendRaw(
        final Peer peer, final int roomId, final long tick, final DirectBuffer buffer, final int offset, final int length)
    {
        if (peer.state() != SessionState.CONNECTED)
        {
            sendsDropped.incrementRelease();
            return SendResult.NOT_CONNECTED_SESSION;
        }
        if (length > maxSnapshotLength || length < 0)
        {
            return SendResult.MESSAGE_TOO_LARGE;
        }
        final Outlet outlet = peer.events();
        if (null == outlet)
        {
            sendsDropped.incrementRelease();
            return SendResult.NOT_CONNECTED;
        }
        return sendParts(peer, outlet, roomId, tick, SnapshotFlyweight.NO_BASELINE, 0, SnapshotFlyweight.NO_LEAD, 0,
            buffer, offset, length);
    }

    private void addSent(final int parts, final long bytes)
    {
        if (parts > 0)
        {
            partsSent.getAndAddRelease(parts);
            snapshotBytesSent.getAndAddRelease(bytes);
        }
    }

    /**
     * A per-room ack: the client delivered {@code tick} in {@code roomId}.
     *
     * @param peer       the client.
     * @param roomId     the room.
     * @param tick       the newest tick delivered, or {@link SnapshotAckFlyweight#NO_TICK} to forget the baseline.
     * @param allowReset true when {@link SnapshotAckFlyweight#NO_TICK} may reset the baseline (SNAPSHOT_ACK only).
     */
    void onAck(final Peer peer, final int roomId, final long tick, final boolean allowReset)
    {
        final Membership m = peer.session.memberships.get(roomId);
        if (null == m || null == m.snapshotState)
        {
            return;
        }
        final MemberState state = memberState(m, peer);
        if (tick == NO_TICK)
        {
            if (allowReset)
            {
                state.ackedTick = NO_TICK;
                state.sinceTick = Long.MIN_VALUE;
            }
        }
        else if (tick > state.ackedTick && tick <= state.lastSentTick)
        {
            state.ackedTick = tick;
        }
    }

    /**
     * A SNAPSHOT_ACK frame from a connected session (already validated for header and minimum length).
     *
     * @return false when malformed (counted); the caller treats it as a violation.
     */
    boolean onAckFrame(final Peer peer, final DirectBuffer buffer, final int offset, final int length)
    {
        final SnapshotAckFlyweight ack = ackFlyweight;
        ack.wrap(buffer, offset, length);
        final int count = ack.count();
        if (count > SnapshotAckFlyweight.MAX_ENTRIES || SnapshotAckFlyweight.length(count) > length)
        {
            malformed.incrementRelease();
            return false;
        }
        peer.session.networkMeter.reportedLoss(ack.lossHundredthsPercent());
        for (int i = 0; i < count; i++)
        {
            onAck(peer, ack.roomId(i), ack.tick(i), true);
        }
        return true;
    }
}
