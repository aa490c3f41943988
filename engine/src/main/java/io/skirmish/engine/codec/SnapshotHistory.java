package io.skirmish.engine.codec;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

/**
 * A bounded window of past snapshot states indexed by tick: slot {@code tick mod capacity} holds the newest state
 * stored for a tick with that remainder, so a tick is retained until a tick {@code capacity} or more later replaces
 * it. Used by the server (states sent to a member, or a room's shared states) and the client (states delivered per
 * room) as delta baselines.
 * <p>
 * A slot's buffer grows (doubling) the first time a larger state is stored in it, and is kept: after warm-up no call
 * allocates. One thread only.
 */
public final class SnapshotHistory
{
    /** Tick of an empty slot. */
    public static final long EMPTY = Long.MIN_VALUE;

    private static final int MIN_SLOT_CAPACITY = 256;

    private final long[] ticks;
    private final int[] lengths;
    private final UnsafeBuffer[] states;

    /**
     * @param capacity number of ticks retained.
     */
    public SnapshotHistory(final int capacity)
    {
        if (capacity < 1)
        {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        ticks = new long[capacity];
        lengths = new int[capacity];
        states = new UnsafeBuffer[capacity];
        Arrays.fill(ticks, EMPTY);
    }

    /**
     * @return number of ticks retained.
     */
    public int capacity()
    {
        return ticks.length;
    }

    private int slot(final long tick)
    {
        return (int)Math.floorMod(tick, (long)ticks.length);
    }

    /**
     * Keep a copy of a state for a tick, replacing whatever occupied its slot.
     *
     * @param tick   the state's tick.
     * @param buffer the state.
     * @param offset of the state.
     * @param length of the state.
     */
    public void store(final long tick, final DirectBuffer buffer, final int offset, final int length)
    {
        final int slot = slot(tick);
        UnsafeBuffer state = states[slot];
        if (null == state || state.capacity() < length)
        {
            final int previous = null == state ? MIN_SLOT_CAPACITY / 2 : state.capacity();
            state = new UnsafeBuffer(new byte[Math.max(length, Math.max(MIN_SLOT_CAPACITY, previous * 2))]);
            states[slot] = state;
        }
        if (length > 0)
        {
            state.putBytes(0, buffer, offset, length);
        }
        ticks[slot] = tick;
        lengths[slot] = length;
    }

    /**
     * @param tick a tick.
     * @return true when the state for that tick is retained.
     */
    public boolean contains(final long tick)
    {
        return tick != EMPTY && ticks[slot(tick)] == tick;
    }

    /**
     * @param tick a retained tick (see {@link #contains(long)}).
     * @return the buffer holding its state from offset 0.
     */
    public UnsafeBuffer buffer(final long tick)
    {
        return states[slot(tick)];
    }

    /**
     * @param tick a retained tick.
     * @return its state's length.
     */
    public int length(final long tick)
    {
        return lengths[slot(tick)];
    }

    /**
     * Forget every state (buffers are kept for reuse).
     */
    public void clear()
    {
        Arrays.fill(ticks, EMPTY);
    }
}
