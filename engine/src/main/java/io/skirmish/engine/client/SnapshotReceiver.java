package io.skirmish.engine.client;

import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.NetworkInfo;
import io.skirmish.engine.SendResult;
import io.skirmish.engine.codec.DeltaCodec;
import io.skirmish.engine.codec.SnapshotHistory;
import io.skirmish.engine.protocol.FrameHeaderFlyweight;
import io.skirmish.engine.protocol.FrameType;
import io.skirmish.engine.protocol.SnapshotAckFlyweight;
import io.skirmish.engine.protocol.SnapshotFlyweight;
import io.skirmish.engine.status.Counters;
import io.skirmish.engine.status.NetworkMeter;
import io.skirmish.engine.status.RttEstimator;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.Arrays;

/**
 * The client's snapshot path, per room: drops stale and duplicate frames, reassembles multi-part snapshots,
 * applies deltas against the baseline they name, keeps a window of delivered states by tick
 * ({@link GameClient.Context#snapshotWindow(int)}), hands each new state to the game, and acknowledges the newest
 * tick per room to the server with {@code SNAPSHOT_ACK} frames. Owned by the {@link ClientConductor}; its thread
 * only.
 * <p>
 * A state is delivered only when complete, newer than every tick delivered before in its room, and (for a delta)
 * decoded against exactly the baseline the server used; otherwise it is dropped and counted:
 * {@link EngineCounter#SNAPSHOTS_STALE_DROPPED} (at or below the newest tick, or a duplicate part),
 * {@link EngineCounter#SNAPSHOTS_INCOMPLETE_DROPPED} (a newer tick started before every part arrived),
 * {@link EngineCounter#SNAPSHOTS_BASELINE_MISSING} (the named baseline left the window, or was never delivered:
 * the client then asks for a full snapshot), {@link EngineCounter#DROPPED_MALFORMED} (bad fields or a delta that
 * does not decode).
 */
final class SnapshotReceiver
{
    private static final long NO_TICK = SnapshotAckFlyweight.NO_TICK;
    private static final long NOT_PENDING = Long.MIN_VALUE;
    /** Inputs sent within this long count as flowing: they carry the newest ack. */
    private static final long INPUTS_FLOWING_NS = 100_000_000L;
    /** While inputs flow, a SNAPSHOT_ACK for the room they acknowledge waits this long for one to carry it. */
    private static final long ACK_HOLD_NS = 50_000_000L;

    /** One room's snapshot state. */
    static final class RoomState
    {
        final int roomId;
        final SnapshotHistory window;
        long newestTick = Long.MIN_VALUE;
        int newestSeq;

        long assemblyTick = Long.MIN_VALUE;
        long assemblyBaselineTick;
        int assemblySeq;
        int assemblyLeadUs;
        int assemblyLeadTickDelta;
        int partCount;
        int partsReceived;
        int totalLength;
        long[] receivedMask = new long[1];
        UnsafeBuffer assembly = new UnsafeBuffer(new byte[2048]);

        long ackTick = NO_TICK;
        boolean ackPending;
        long ackPendingSinceNs = NOT_PENDING;

        RoomState(final int roomId, final int window)
        {
            this.roomId = roomId;
            this.window = new SnapshotHistory(window);
        }
    }

    private final ClientListener listener;
    private final ErrorHandler errorHandler;
    private final DeltaCodec codec;
    private final int window;
    private final int maxSnapshotLength;
    private final UnsafeBuffer decodeBuffer;
    private final UnsafeBuffer ackBuffer =
        new UnsafeBuffer(BufferUtil.allocateDirectAligned(SnapshotAckFlyweight.MAX_LENGTH + 64, 64));
    private int preparedAckCount;
    private final SnapshotFlyweight snapshotFlyweight = new SnapshotFlyweight();
    private final SnapshotAckFlyweight ackFlyweight = new SnapshotAckFlyweight();
    private final Int2ObjectHashMap<RoomState> rooms = new Int2ObjectHashMap<>();
    private RoomState[] pendingAcks = new RoomState[8];
    private int pendingAckCount;
    private int lastAckRoomId;
    private long lastAckTick = NO_TICK;
    private long snapshotsExpected;
    private long snapshotsReceived;
    private final NetworkMeter meter = new NetworkMeter();
    private final TickClock tickClock;
    private final NanoClock clock;
    private final RttEstimator rtt;
    private int clockRoomId;
    private long lastInputNs = Long.MIN_VALUE / 2;

    private final AtomicCounter framesIn;
    private final AtomicCounter bytesIn;
    private final AtomicCounter bytesOut;
    private final AtomicCounter received;
    private final AtomicCounter staleDropped;
    private final AtomicCounter incompleteDropped;
    private final AtomicCounter baselineMissing;
    private final AtomicCounter malformed;
    private final AtomicCounter sendsDropped;
    private final AtomicCounter errors;

    SnapshotReceiver(
        final ClientListener listener,
        final ErrorHandler errorHandler,
        final DeltaCodec codec,
        final int window,
        final int maxSnapshotLength,
        final TickClock tickClock,
        final NanoClock clock,
        final RttEstimator rtt,
        final Counters counters)
    {
        this.tickClock = tickClock;
        this.clock = clock;
        this.rtt = rtt;
        this.listener = listener;
        this.errorHandler = errorHandler;
        this.codec = codec;
        this.window = window;
        this.maxSnapshotLength = maxSnapshotLength;
        this.decodeBuffer = new UnsafeBuffer(new byte[maxSnapshotLength]);
        this.framesIn = counters.get(EngineCounter.FRAMES_IN);
        this.bytesIn = counters.get(EngineCounter.BYTES_IN);
        this.bytesOut = counters.get(EngineCounter.BYTES_OUT);
        this.received = counters.get(EngineCounter.SNAPSHOTS_RECEIVED);
        this.staleDropped = counters.get(EngineCounter.SNAPSHOTS_STALE_DROPPED);
        this.incompleteDropped = counters.get(EngineCounter.SNAPSHOTS_INCOMPLETE_DROPPED);
        this.baselineMissing = counters.get(EngineCounter.SNAPSHOTS_BASELINE_MISSING);
        this.malformed = counters.get(EngineCounter.DROPPED_MALFORMED);
        this.sendsDropped = counters.get(EngineCounter.UNRELIABLE_SEND_DROPPED);
        this.errors = counters.get(EngineCounter.ERRORS);
    }

    /**
     * @return room of the newest delivered snapshot (piggybacked on INPUT), 0 before any.
     */
    int lastAckRoomId()
    {
        return lastAckRoomId;
    }

    /**
     * @return tick of the newest delivered snapshot (piggybacked on INPUT), -1 before any.
     */
    long lastAckTick()
    {
        return lastAckTick;
    }

    /**
     * @param roomId a room.
     * @return newest tick delivered for the room, {@link Long#MIN_VALUE} before any.
     */
    long newestTick(final int roomId)
    {
        final RoomState room = rooms.get(roomId);
        return null == room ? Long.MIN_VALUE : room.newestTick;
    }

    /**
     * Forget every room (the lanes were closed: a resumed or new session starts from full snapshots).
     */
    void reset()
    {
        rooms.clear();
        Arrays.fill(pendingAcks, 0, pendingAckCount, null);
        pendingAckCount = 0;
        lastAckRoomId = 0;
        lastAckTick = NO_TICK;
        clockRoomId = 0;
        if (null != tickClock)
        {
            tickClock.reset();
        }
    }

    /**
     * Forget a room the client left.
     *
     * @param roomId the room.
     */
    void removeRoom(final int roomId)
    {
        final RoomState room = rooms.remove(roomId);
        if (null != room && room.ackPending)
        {
            for (int i = 0; i < pendingAckCount; i++)
            {
                if (pendingAcks[i] == room)
                {
                    pendingAcks[i] = pendingAcks[--pendingAckCount];
                    pendingAcks[pendingAckCount] = null;
                    break;
                }
            }
        }
        if (lastAckRoomId == roomId)
        {
            lastAckRoomId = 0;
            lastAckTick = NO_TICK;
        }
        if (clockRoomId == roomId)
        {
            clockRoomId = 0;
        }
    }

    /**
     * A fragment from the snapshot lane.
     *
     * @param buffer       the frame.
     * @param offset       of the frame.
     * @param length       of the frame.
     * @param unfragmented true when the frame arrived in one Aeron fragment (snapshot parts always do).
     */
    void onFrame(final DirectBuffer buffer, final int offset, final int length, final boolean unfragmented)
    {
        if (!unfragmented ||
            FrameHeaderFlyweight.validate(buffer, offset, length) != FrameHeaderFlyweight.VALID ||
            (buffer.getByte(offset + FrameHeaderFlyweight.TYPE_OFFSET) & 0xFF) != FrameType.SNAPSHOT)
        {
            malformed.incrementRelease();
            return;
        }
        final SnapshotFlyweight snapshot = snapshotFlyweight;
        snapshot.wrap(buffer, offset, length);
        final int partCount = snapshot.partCount();
        final int partIndex = snapshot.partIndex();
        final int totalLength = snapshot.totalLength();
        final long tick = snapshot.tick();
        final long baselineTick = snapshot.baselineTick();
        if (partCount < 1 || partIndex >= partCount || totalLength < 0 || totalLength > maxSnapshotLength ||
            tick < 0 || (baselineTick != SnapshotFlyweight.NO_BASELINE && (baselineTick < 0 || baselineTick >= tick)))
        {
            malformed.incrementRelease();
            return;
        }
        framesIn.incrementRelease();
        bytesIn.getAndAddRelease(length);

        final int roomId = snapshot.roomId();
        RoomState room = rooms.get(roomId);
        if (null == room)
        {
            room = new RoomState(roomId, window);
            rooms.put(roomId, room);
        }
        if (tick <= room.newestTick)
        {
            staleDropped.incrementRelease();
            return;
        }

        final int payloadOffset = offset + SnapshotFlyweight.PAYLOAD_OFFSET;
        final int partLength = snapshot.payloadLength();
        if (1 == partCount)
        {
            if (totalLength != partLength)
            {
                malformed.incrementRelease();
                return;
            }
            deliver(room, tick, baselineTick, snapshot.snapshotSeq(), snapshot.inputLeadUs(), snapshot.leadTickDelta(),
                buffer, payloadOffset, totalLength);
            return;
        }

        if (tick != room.assemblyTick)
        {
            if (room.assemblyTick > room.newestTick && room.partsReceived > 0)
            {
                if (tick < room.assemblyTick)
                {
                    staleDropped.incrementRelease();
                    return;
                }
                incompleteDropped.incrementRelease();
            }
            startAssembly(room, tick, baselineTick, snapshot.snapshotSeq(), partCount, totalLength);
        }
        if (partCount != room.partCount || totalLength != room.totalLength ||
            baselineTick != room.assemblyBaselineTick)
        {
            malformed.incrementRelease();
            return;
        }
        final long bit = 1L << (partIndex & 63);
        if ((room.receivedMask[partIndex >> 6] & bit) != 0)
        {
            staleDropped.incrementRelease();
            return;
        }
        final int partOffset = partIndex == partCount - 1 ? totalLength - partLength : partIndex * partLength;
        if (partOffset < 0 || partOffset + partLength > totalLength || (partIndex < partCount - 1 && partLength < 1))
        {
            malformed.incrementRelease();
            return;
        }
        room.assembly.putBytes(partOffset, buffer, payloadOffset, partLength);
        room.receivedMask[partIndex >> 6] |= bit;
        room.assemblyLeadUs = snapshot.inputLeadUs();
        room.assemblyLeadTickDelta = snapshot.leadTickDelta();
        if (++room.partsReceived == partCount)
        {
            deliver(room, tick, room.assemblyBaselineTick, room.assemblySeq, room.assemblyLeadUs,
                room.assemblyLeadTickDelta, room.assembly, 0, totalLength);
        }
    }

    private static void startAssembly(
        final RoomState room,
        final long tick,
        final long baselineTick,
        final int seq,
        final int partCount,
        final int totalLength)
    {
        room.assemblyTick = tick;
        room.assemblyBaselineTick = baselineTick;
        room.assemblySeq = seq;
        room.partCount = partCount;
        room.partsReceived = 0;
        room.totalLength = totalLength;
        final int words = (partCount + 63) / 64;
        if (room.receivedMask.length < words)
        {
            room.receivedMask = new long[words];
        }
        Arrays.fill(room.receivedMask, 0);
        if (room.assembly.capacity() < totalLength)
        {
            room.assembly = new UnsafeBuffer(new byte[Math.max(totalLength, room.assembly.capacity() * 2)]);
        }
    }

    private void deliver(
        final RoomState room,
        final long tick,
        final long baselineTick,
        final int seq,
        final int leadUs,
        final int leadTickDelta,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        room.newestTick = tick;
        if (0 != seq)
        {
            final int advance = seq - room.newestSeq;
            snapshotsExpected += 0 == room.newestSeq || advance <= 0 ? 1 : advance;
            room.newestSeq = seq;
        }

        final SnapshotHistory states = room.window;
        if (SnapshotFlyweight.NO_BASELINE == baselineTick)
        {
            states.store(tick, buffer, offset, length);
        }
        else
        {
            if (!states.contains(baselineTick))
            {
                baselineMissing.incrementRelease();
                requestFull(room);
                return;
            }
            int decoded;
            try
            {
                decoded = codec.decode(
                    states.buffer(baselineTick), 0, states.length(baselineTick),
                    buffer, offset, length,
                    decodeBuffer, 0, maxSnapshotLength);
            }
            catch (final Throwable t)
            {
                onError(t);
                decoded = DeltaCodec.MALFORMED;
            }
            if (decoded < 0)
            {
                malformed.incrementRelease();
                requestFull(room);
                return;
            }
            states.store(tick, decodeBuffer, 0, decoded);
        }

        if (0 != seq)
        {
            snapshotsReceived++;
        }
        received.incrementRelease();
        room.ackTick = tick;
        markAckPending(room);
        lastAckRoomId = room.roomId;
        lastAckTick = tick;
        if (null != tickClock)
        {
            if (0 == clockRoomId)
            {
                clockRoomId = room.roomId;
            }
            if (clockRoomId == room.roomId)
            {
                tickClock.onSnapshot(tick, clock.nanoTime(), tick + leadTickDelta,
                    SnapshotFlyweight.NO_LEAD == leadUs ? TickClock.NO_LEAD : leadUs * 1000L, rtt.rttNs());
            }
        }
        try
        {
            listener.onSnapshot(room.roomId, tick, baselineTick, states.buffer(tick), 0, states.length(tick));
        }
        catch (final Throwable t)
        {
            onError(t);
        }
    }

    private void requestFull(final RoomState room)
    {
        room.ackTick = NO_TICK;
        markAckPending(room);
    }

    private void markAckPending(final RoomState room)
    {
        if (!room.ackPending)
        {
            room.ackPending = true;
            if (pendingAckCount == pendingAcks.length)
            {
                pendingAcks = Arrays.copyOf(pendingAcks, pendingAcks.length * 2);
            }
            pendingAcks[pendingAckCount++] = room;
        }
    }

    private void onError(final Throwable t)
    {
        errors.incrementRelease();
        errorHandler.onError(t);
    }

    /**
     * Update the network figures and encode the pending acks (one frame for up to
     * {@value SnapshotAckFlyweight#MAX_ENTRIES} rooms) into {@link #ackBuffer()}, which has room after the frame
     * for the conductor's authentication trailer. Call once per duty cycle while connected; after a successful
     * send, call {@link #onAcksSent()}.
     *
     * @param sessionId the session id for the frame header.
     * @param nowNs     current time.
     * @return length of the SNAPSHOT_ACK frame, or 0 when no ack is pending.
     */
    int prepareAcks(final int sessionId, final long nowNs)
    {
        meter.sample(nowNs, bytesIn.get(), bytesOut.get(), snapshotsExpected, snapshotsReceived);
        if (0 == pendingAckCount || holdAcks(nowNs))
        {
            preparedAckCount = 0;
            return 0;
        }

        final int count = Math.min(pendingAckCount, SnapshotAckFlyweight.MAX_ENTRIES);
        final SnapshotAckFlyweight ack = ackFlyweight;
        ack.wrapForEncode(ackBuffer, 0, FrameType.SNAPSHOT_ACK, sessionId);
        ack.count(count).lossHundredthsPercent((int)Math.round(Math.min(100.0, meter.lossPercent()) * 100));
        for (int i = 0; i < count; i++)
        {
            ack.entry(i, pendingAcks[i].roomId, pendingAcks[i].ackTick);
        }
        preparedAckCount = count;
        return SnapshotAckFlyweight.length(count);
    }

    /**
     * While inputs are flowing they carry the newest ack (of the room last delivered), so a SNAPSHOT_ACK for just
     * that room waits a little for the next input instead of going as a datagram of its own: on a jittery path two
     * datagrams sent close together may swap, and the unreliable stream drops the older, which could be the input.
     */
    private boolean holdAcks(final long nowNs)
    {
        if (nowNs - lastInputNs >= INPUTS_FLOWING_NS || pendingAckCount != 1)
        {
            return false;
        }
        final RoomState room = pendingAcks[0];
        if (room.roomId != lastAckRoomId || room.ackTick != lastAckTick || NO_TICK == room.ackTick)
        {
            return false;
        }
        if (NOT_PENDING == room.ackPendingSinceNs)
        {
            room.ackPendingSinceNs = nowNs;
        }
        return nowNs - room.ackPendingSinceNs < ACK_HOLD_NS;
    }

    /**
     * An INPUT frame went out carrying the newest ack ({@link #lastAckRoomId()}, {@link #lastAckTick()}): that room's
     * pending SNAPSHOT_ACK, when it acknowledges the same tick, is no longer needed.
     *
     * @param nowNs current time.
     */
    void onInputSent(final long nowNs)
    {
        lastInputNs = nowNs;
        if (1 == pendingAckCount && pendingAcks[0].roomId == lastAckRoomId && pendingAcks[0].ackTick == lastAckTick &&
            NO_TICK != lastAckTick)
        {
            pendingAcks[0].ackPending = false;
            pendingAcks[0].ackPendingSinceNs = NOT_PENDING;
            pendingAcks[0] = null;
            pendingAckCount = 0;
        }
    }

    /**
     * @return the buffer {@link #prepareAcks(int, long)} encodes into.
     */
    UnsafeBuffer ackBuffer()
    {
        return ackBuffer;
    }

    /**
     * The prepared acks were sent: they are no longer pending.
     */
    void onAcksSent()
    {
        final int count = Math.min(preparedAckCount, pendingAckCount);
        for (int i = 0; i < count; i++)
        {
            pendingAcks[i].ackPending = false;
            pendingAcks[i].ackPendingSinceNs = NOT_PENDING;
        }
        final int remaining = pendingAckCount - count;
        System.arraycopy(pendingAcks, count, pendingAcks, 0, remaining);
        Arrays.fill(pendingAcks, remaining, pendingAckCount, null);
        pendingAckCount = remaining;
        preparedAckCount = 0;
    }

    /**
     * Sending the prepared acks failed: they stay pending for the next duty cycle.
     *
     * @param result the negative send result.
     */
    void onAcksNotSent(final long result)
    {
        preparedAckCount = 0;
        if (result != SendResult.ADMIN_ACTION)
        {
            sendsDropped.incrementRelease();
        }
    }

    /**
     * Fill the caller's {@link NetworkInfo}.
     *
     * @param info        to fill.
     * @param rttNs       smoothed RTT.
     * @param rttJitterNs RTT jitter.
     * @return info.
     */
    NetworkInfo networkInfo(final NetworkInfo info, final long rttNs, final long rttJitterNs)
    {
        return meter.fill(info, rttNs, rttJitterNs);
    }
}
