package io.skirmish.benchmarks.rig;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A room's simulated state for load runs: {@value #LENGTH} bytes of which about 10% change per tick (13 of its 128
 * longs, at positions that move with the tick), so a delta against the previous tick is a small fraction of the
 * state. Not thread-safe: stepped and published by the room's thread.
 */
public final class SteppedState
{
    /** Bytes of the state. */
    public static final int LENGTH = 1024;

    private static final int LONGS = LENGTH / 8;
    private static final int CHANGED_PER_TICK = 13;

    private final UnsafeBuffer buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(LENGTH, 64));

    /**
     * Change about 10% of the state for a tick.
     *
     * @param tick the room's tick.
     */
    public void step(final long tick)
    {
        final UnsafeBuffer buffer = this.buffer;
        for (int i = 0; i < CHANGED_PER_TICK; i++)
        {
            final int at = (int)((tick * 31 + i * 79) % LONGS) * 8;
            buffer.putLong(at, buffer.getLong(at) + tick);
        }
    }

    /**
     * @return the state, {@value #LENGTH} bytes from offset 0.
     */
    public UnsafeBuffer buffer()
    {
        return buffer;
    }
}
