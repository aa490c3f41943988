package io.skirmish.engine.client;

import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.NetworkInfo;
import io.skirmish.engine.codec.XorRleDeltaCodec;
import io.skirmish.engine.protocol.FrameType;
import io.skirmish.engine.protocol.SnapshotAckFlyweight;
import io.skirmish.engine.protocol.SnapshotFlyweight;
import io.skirmish.engine.status.Counters;
import io.skirmish.engine.status.NetworkMeter;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client's snapshot path without a network: stale and duplicate drops, reassembly in any order, deltas applied
 * against the right baseline, a delta whose baseline is gone dropped and a full snapshot requested, acks, loss.
 */
class SnapshotReceiverTest
{
    private static final int ROOM = 7;
    private static final int MAX_PART = 1000;

    private final Counters counters = new Counters(
        new CountersManager(new UnsafeBuffer(new byte[512 * 1024]), new UnsafeBuffer(new byte[128 * 1024])), false);
    private final List<long[]> delivered = new ArrayList<>();
    private final List<byte[]> states = new ArrayList<>();
    private final ClientListener listener = new ClientListener()
    {
        public void onSnapshot(
            final int roomId,
            final long tick,
            final long baselineTick,
            final DirectBuffer buffer,
            final int offset,
            final int length)
        {
            delivered.add(new long[]{ roomId, tick, baselineTick });
            final byte[] state = new byte[length];
            buffer.getBytes(offset, state);
            states.add(state);
        }
    };
    private final SnapshotReceiver receiver = new SnapshotReceiver(
        listener, Throwable::printStackTrace, XorRleDeltaCodec.INSTANCE, 4, 64 * 1024,
        null, System::nanoTime, new io.skirmish.engine.status.RttEstimator(Long.MAX_VALUE), counters);
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[2048]);
    private final UnsafeBuffer deltaBuffer = new UnsafeBuffer(new byte[64 * 1024]);
    private final SnapshotFlyweight flyweight = new SnapshotFlyweight();
    private int seq;

    private long counter(final EngineCounter counter)
    {
        return counters.get(counter).get();
    }

    /** Send a payload as the server would: split into parts of at most MAX_PART, in the given part order. */
    private void send(final long tick, final long baselineTick, final byte[] payload, final int... order)
    {
        final int parts = Math.max(1, (payload.length + MAX_PART - 1) / MAX_PART);
        final int snapshotSeq = ++seq;
        final int[] partOrder = order.length > 0 ? order : indices(parts);
        for (final int part : partOrder)
        {
            final int partLength = Math.min(MAX_PART, payload.length - part * MAX_PART);
            flyweight.wrapForEncode(frame, 0, FrameType.SNAPSHOT, 1);
            flyweight.roomId(ROOM).partIndex(part).partCount(parts).tick(tick).baselineTick(baselineTick)
                .totalLength(payload.length).snapshotSeq(snapshotSeq);
            frame.putBytes(SnapshotFlyweight.PAYLOAD_OFFSET, payload, part * MAX_PART, partLength);
            receiver.onFrame(frame, 0, SnapshotFlyweight.PAYLOAD_OFFSET + partLength, true);
        }
    }

    private byte[] delta(final byte[] baseline, final byte[] target)
    {
        final int length = XorRleDeltaCodec.INSTANCE.encode(
            new UnsafeBuffer(baseline), 0, baseline.length, new UnsafeBuffer(target), 0, target.length,
            deltaBuffer, 0, deltaBuffer.capacity());
        return Arrays.copyOf(deltaBuffer.byteArray(), length);
    }

    private static int[] indices(final int count)
    {
        final int[] indices = new int[count];
        for (int i = 0; i < count; i++)
        {
            indices[i] = i;
        }
        return indices;
    }

    private static byte[] state(final long seed, final int length)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final byte[] state = new byte[length];
        for (int i = 0; i < length; i++)
        {
            state[i] = (byte)random.nextInt(256);
        }
        return state;
    }

    private static byte[] change(final byte[] state, final int... positions)
    {
        final byte[] changed = state.clone();
        for (final int position : positions)
        {
            changed[position] ^= 0x55;
        }
        return changed;
    }

    @Test
    void shouldDeliverFullThenDeltasAndDropStaleAndDuplicateTicks()
    {
        final byte[] s1 = state(1, 300);
        final byte[] s2 = change(s1, 5, 200);
        final byte[] s3 = change(s2, 17);
        send(1, -1, s1);
        send(2, 1, delta(s1, s2));
        send(2, 1, delta(s1, s2));
        send(3, 2, delta(s2, s3));
        send(2, 1, delta(s1, s2));
        send(1, -1, s1);

        assertEquals(3, delivered.size());
        assertArrayEquals(s1, states.get(0));
        assertArrayEquals(s2, states.get(1));
        assertArrayEquals(s3, states.get(2));
        assertEquals(2, delivered.get(2)[2]);
        assertEquals(3, counter(EngineCounter.SNAPSHOTS_STALE_DROPPED));
        assertEquals(3, counter(EngineCounter.SNAPSHOTS_RECEIVED));
        assertEquals(3, receiver.newestTick(ROOM));
        assertEquals(ROOM, receiver.lastAckRoomId());
        assertEquals(3, receiver.lastAckTick());
    }

    @Test
    void shouldReassemblePartsInAnyOrderAndCountDuplicatesAndIncompleteTicks()
    {
        final byte[] s1 = state(2, 2500);
        send(1, -1, s1, 2, 0, 0, 1);
        assertEquals(1, delivered.size());
        assertArrayEquals(s1, states.get(0));
        assertEquals(1, counter(EngineCounter.SNAPSHOTS_STALE_DROPPED), "duplicate part");

        final byte[] s2 = state(3, 2500);
        final byte[] s3 = state(4, 2500);
        send(2, -1, s2, 1, 2);
        send(3, -1, s3, 2, 1, 0);
        assertEquals(1, counter(EngineCounter.SNAPSHOTS_INCOMPLETE_DROPPED));
        assertEquals(2, delivered.size());
        assertArrayEquals(s3, states.get(1));

        send(2, -1, s2, 0);
        assertEquals(2, delivered.size());
        assertEquals(2, counter(EngineCounter.SNAPSHOTS_STALE_DROPPED));
    }

    @Test
    void shouldDropDeltaWhoseBaselineIsGoneAndAskForFull()
    {
        final byte[] s1 = state(5, 100);
        send(1, -1, s1);
        byte[] previous = s1;
        for (long tick = 2; tick <= 6; tick++)
        {
            final byte[] next = change(previous, (int)tick);
            send(tick, tick - 1, delta(previous, next));
            previous = next;
        }
        assertEquals(6, delivered.size());
        assertEquals(SnapshotAckFlyweight.length(1), receiver.prepareAcks(1, 0), "one room's ack pending");
        receiver.onAcksSent();

        // window is 4 ticks: tick 1 left it when tick 5 arrived
        send(7, 1, delta(s1, change(previous, 1)));
        assertEquals(6, delivered.size());
        assertEquals(1, counter(EngineCounter.SNAPSHOTS_BASELINE_MISSING));

        final SnapshotAckFlyweight ack = new SnapshotAckFlyweight();
        final int length = receiver.prepareAcks(1, 0);
        ack.wrap(receiver.ackBuffer(), 0, length);
        assertEquals(FrameType.SNAPSHOT_ACK, ack.type());
        assertEquals(1, ack.count());
        assertEquals(ROOM, ack.roomId(0));
        assertEquals(SnapshotAckFlyweight.NO_TICK, ack.tick(0));
        receiver.onAcksSent();
        assertEquals(0, receiver.prepareAcks(1, 0));

        final byte[] s8 = state(6, 120);
        send(8, -1, s8);
        assertArrayEquals(s8, states.get(6));
        ack.wrap(receiver.ackBuffer(), 0, receiver.prepareAcks(1, 0));
        assertEquals(8, ack.tick(0));
    }

    @Test
    void shouldDropUndecodableDeltaAndMalformedFrames()
    {
        final byte[] s1 = state(7, 64);
        send(1, -1, s1);
        send(2, 1, new byte[]{ (byte)0xFF, (byte)0xFF, (byte)0xFF, (byte)0xFF, (byte)0xFF, (byte)0xFF });
        assertEquals(1, delivered.size());
        assertEquals(1, counter(EngineCounter.DROPPED_MALFORMED));

        send(4, 4, s1);
        assertEquals(2, counter(EngineCounter.DROPPED_MALFORMED), "baseline not older than the tick");
        receiver.onFrame(frame, 0, 20, true);
        assertEquals(3, counter(EngineCounter.DROPPED_MALFORMED), "too short");
        send(5, -1, s1);
        assertEquals(2, delivered.size());
    }

    @Test
    void shouldMeasureLossFromSnapshotSeqs()
    {
        final byte[] s = state(8, 32);
        final NetworkInfo info = new NetworkInfo();
        receiver.prepareAcks(1, 0);
        for (long tick = 1; tick <= 100; tick++)
        {
            if (tick % 4 == 0)
            {
                seq++;
                continue;
            }
            send(tick, -1, s);
        }
        receiver.prepareAcks(1, NetworkMeter.WINDOW_NS);
        receiver.networkInfo(info, 0, 0);
        assertEquals(25.0, info.snapshotLossPercent(), 1.5);
        assertTrue(info.bytesInPerSecond() > 0);
    }

    @Test
    void shouldNotAllocateOnceWarm()
    {
        final SnapshotReceiver quiet = new SnapshotReceiver(
            new ClientListener()
            {
            },
            Throwable::printStackTrace, XorRleDeltaCodec.INSTANCE, 8, 64 * 1024,
            null, System::nanoTime, new io.skirmish.engine.status.RttEstimator(Long.MAX_VALUE), counters);
        final byte[] full = state(10, 2500);
        final byte[] next = change(full, 3, 700, 2100);
        final byte[] delta = delta(full, next);
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        long tick = 0;
        for (int i = 0; i < 20_000; i++)
        {
            tick = cycle(quiet, tick, full, delta);
        }
        final long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 20_000; i++)
        {
            tick = cycle(quiet, tick, full, delta);
        }
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 1024, "allocated " + allocated + " bytes");
    }

    private long cycle(final SnapshotReceiver quiet, final long tick, final byte[] full, final byte[] delta)
    {
        final long fullTick = tick + 1;
        for (int part = 0; part < 3; part++)
        {
            final int partLength = Math.min(MAX_PART, full.length - part * MAX_PART);
            flyweight.wrapForEncode(frame, 0, FrameType.SNAPSHOT, 1);
            flyweight.roomId(ROOM).partIndex(part).partCount(3).tick(fullTick).baselineTick(-1)
                .totalLength(full.length).snapshotSeq((int)fullTick);
            frame.putBytes(SnapshotFlyweight.PAYLOAD_OFFSET, full, part * MAX_PART, partLength);
            quiet.onFrame(frame, 0, SnapshotFlyweight.PAYLOAD_OFFSET + partLength, true);
        }
        flyweight.wrapForEncode(frame, 0, FrameType.SNAPSHOT, 1);
        flyweight.roomId(ROOM).partIndex(0).partCount(1).tick(fullTick + 1).baselineTick(fullTick)
            .totalLength(delta.length).snapshotSeq((int)fullTick + 1);
        frame.putBytes(SnapshotFlyweight.PAYLOAD_OFFSET, delta);
        quiet.onFrame(frame, 0, SnapshotFlyweight.PAYLOAD_OFFSET + delta.length, true);
        if (quiet.newestTick(ROOM) != fullTick + 1 || quiet.prepareAcks(1, fullTick) != SnapshotAckFlyweight.length(1))
        {
            throw new AssertionError("tick " + fullTick);
        }
        quiet.onAcksSent();
        return fullTick + 1;
    }

    @Test
    void shouldForgetRoomsOnReset()
    {
        send(1, -1, state(9, 10));
        receiver.reset();
        assertEquals(Long.MIN_VALUE, receiver.newestTick(ROOM));
        assertEquals(0, receiver.prepareAcks(1, 0));
        send(1, -1, state(9, 10));
        assertEquals(2, delivered.size());
    }
}
