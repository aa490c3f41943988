package io.skirmish.engine.client;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A client-side interpolation buffer for tick-stamped snapshots: keeps the newest states by tick and, for a render
 * time, hands out the two states around it and the blend factor between them. The game renders a little in the
 * past, so that it nearly always has a state on each side of the render time even when snapshots are lost or late.
 * <p>
 * Ticks map to local time through the states' arrival times: for each state, {@code arrivalNs - tick time} is the
 * one-way delay plus a constant, and the smallest of these over the states held (the fastest recent arrival) is the
 * clock offset:
 * <pre>
 *   tick time   = tick * tickIntervalNs                               ({@link #tickTimeNs(long)})
 *   offset      = min over held states of (arrivalNs - tick time)
 *   render time = nowNs - offset - delayNs                            ({@link #renderTimeNs(long)})
 * </pre>
 * So the render time advances smoothly with the local clock between arrivals, the delay covers the jitter above the
 * fastest path, and one late snapshot (a stalled sender, a retransmit) does not push the picture further into the
 * past. When the render time runs past the newest state (a burst of loss) the newest state is held rather than
 * guessed, and the sample says so ({@link Sample#holding()}). States added without an arrival time fall back to
 * {@code newest tick time - delayNs} ({@link #renderTimeNs()}), which jumps with every arrival.
 * <p>
 * A delay of two to three tick intervals hides one or two lost snapshots. Typical use, on the client's polling
 * thread:
 * <pre>{@code
 * InterpolationBuffer states = new InterpolationBuffer(32, 4096, TimeUnit.SECONDS.toNanos(1) / 60)
 *     .delayNs(TimeUnit.MILLISECONDS.toNanos(50));
 * InterpolationBuffer.Sample sample = new InterpolationBuffer.Sample();
 *
 * // in ClientListener.onSnapshot(roomId, tick, baselineTick, buffer, offset, length):
 * states.add(tick, System.nanoTime(), buffer, offset, length);
 *
 * // each frame:
 * if (states.sample(states.renderTimeNs(System.nanoTime()), sample))
 * {
 *     render(sample.fromBuffer(), sample.toBuffer(), sample.alpha());   // lerp(from, to, alpha)
 * }
 * }</pre>
 * Capacity and state size are fixed at construction; nothing allocates afterwards. Not thread-safe: when
 * snapshots are received on another thread than the one that renders, hand the bytes and their arrival time over
 * (e.g. through an Agrona ring buffer) and keep the buffer on the render thread.
 */
public final class InterpolationBuffer
{
    /**
     * The two states around a render time and the blend factor; reuse one instance. The buffers are views into
     * the interpolation buffer and stay valid until its next {@link #add}.
     */
    public static final class Sample
    {
        long fromTick;
        long toTick;
        double alpha;
        long renderTimeNs;
        boolean holding;
        final UnsafeBuffer fromBuffer = new UnsafeBuffer(0, 0);
        final UnsafeBuffer toBuffer = new UnsafeBuffer(0, 0);

        /**
         * @return tick of the state at or before the render time (the oldest held when the render time is older).
         */
        public long fromTick()
        {
            return fromTick;
        }

        /**
         * @return tick of the state after the render time; equals {@link #fromTick()} when the render time is at
         * or past the newest state, or before the oldest (no blend possible).
         */
        public long toTick()
        {
            return toTick;
        }

        /**
         * @return blend factor in [0, 1): 0 is the from state, towards 1 the to state.
         */
        public double alpha()
        {
            return alpha;
        }

        /**
         * @return the from state (exactly its length).
         */
        public DirectBuffer fromBuffer()
        {
            return fromBuffer;
        }

        /**
         * @return the to state (exactly its length).
         */
        public DirectBuffer toBuffer()
        {
            return toBuffer;
        }

        /**
         * @return the render time this sample was taken at, on the tick clock.
         */
        public long renderTimeNs()
        {
            return renderTimeNs;
        }

        /**
         * @return true when the render time is past the newest state, so the newest state is held (from and to are
         * both the newest): snapshots are late or lost, or the delay is too short for the jitter.
         */
        public boolean holding()
        {
            return holding;
        }

        /**
         * {@inheritDoc}
         */
        public String toString()
        {
            return "Sample{from=" + fromTick + ", to=" + toTick + ", alpha=" + alpha + ", renderTimeNs=" +
                renderTimeNs + ", holding=" + holding + "}";
        }
    }

    private static final long NO_OFFSET = Long.MAX_VALUE;

    private final long tickIntervalNs;
    private final long[] ticks;
    private final long[] offsetsNs;
    private final int[] lengths;
    private final UnsafeBuffer[] states;
    private long delayNs;
    private long offsetNs = NO_OFFSET;
    private int head;
    private int size;

    /**
     * @param capacity       states kept (the newest), at least 2.
     * @param maxStateLength largest state in bytes.
     * @param tickIntervalNs the server's tick interval ({@code 1e9 / tickRateHz}).
     */
    public InterpolationBuffer(final int capacity, final int maxStateLength, final long tickIntervalNs)
    {
        if (capacity < 2 || maxStateLength < 0 || tickIntervalNs <= 0)
        {
            throw new IllegalArgumentException("capacity=" + capacity + " maxStateLength=" + maxStateLength +
                " tickIntervalNs=" + tickIntervalNs);
        }
        this.tickIntervalNs = tickIntervalNs;
        this.ticks = new long[capacity];
        this.offsetsNs = new long[capacity];
        this.lengths = new int[capacity];
        this.states = new UnsafeBuffer[capacity];
        for (int i = 0; i < capacity; i++)
        {
            states[i] = new UnsafeBuffer(new byte[maxStateLength]);
        }
        this.delayNs = 2 * tickIntervalNs;
    }

    /**
     * @param delayNs how far behind the fastest arrival (or, without arrival times, the newest state) to render, in
     *                nanoseconds (default two tick intervals).
     * @return this for a fluent API.
     */
    public InterpolationBuffer delayNs(final long delayNs)
    {
        if (delayNs < 0)
        {
            throw new IllegalArgumentException("delayNs must not be negative: " + delayNs);
        }
        this.delayNs = delayNs;
        return this;
    }

    /**
     * @return the render delay in nanoseconds.
     */
    public long delayNs()
    {
        return delayNs;
    }

    /**
     * @return the tick interval in nanoseconds.
     */
    public long tickIntervalNs()
    {
        return tickIntervalNs;
    }

    /**
     * @return number of states held.
     */
    public int size()
    {
        return size;
    }

    /**
     * @return the newest tick held, {@link Long#MIN_VALUE} when empty.
     */
    public long newestTick()
    {
        return 0 == size ? Long.MIN_VALUE : ticks[index(size - 1)];
    }

    /**
     * @return the oldest tick held, {@link Long#MIN_VALUE} when empty.
     */
    public long oldestTick()
    {
        return 0 == size ? Long.MIN_VALUE : ticks[head];
    }

    /**
     * @param tick a tick.
     * @return its time on the server's tick clock, in nanoseconds.
     */
    public long tickTimeNs(final long tick)
    {
        return tick * tickIntervalNs;
    }

    /**
     * The render time without a local clock: it jumps to a new value with every state added.
     *
     * @return newest tick time minus the delay, {@link Long#MIN_VALUE} when empty.
     * @see #renderTimeNs(long)
     */
    public long renderTimeNs()
    {
        return 0 == size ? Long.MIN_VALUE : tickTimeNs(newestTick()) - delayNs;
    }

    /**
     * The render time from the local clock: {@code nowNs - offset - delayNs}, where the offset is the smallest
     * {@code arrivalNs - tick time} over the states held (see the class description).
     *
     * @param nowNs the local time, on the clock the arrival times were taken from.
     * @return the time to render on the tick clock; {@link #renderTimeNs()} when no state held carried an arrival
     * time, {@link Long#MIN_VALUE} when empty.
     */
    public long renderTimeNs(final long nowNs)
    {
        return NO_OFFSET == offsetNs ? renderTimeNs() : nowNs - offsetNs - delayNs;
    }

    /**
     * Keep a copy of a state without an arrival time; it takes no part in the local clock
     * ({@link #renderTimeNs(long)}). The oldest state is dropped when full.
     *
     * @param tick   the state's tick; must be newer than {@link #newestTick()}.
     * @param buffer the state.
     * @param offset of the state.
     * @param length of the state, at most the construction's {@code maxStateLength}.
     * @return true when added; false when the tick is not newer than the newest held, or the state is too long.
     */
    public boolean add(final long tick, final DirectBuffer buffer, final int offset, final int length)
    {
        return store(tick, NO_OFFSET, buffer, offset, length);
    }

    /**
     * Keep a copy of a state with the local time it arrived, which feeds the local clock
     * ({@link #renderTimeNs(long)}). The oldest state is dropped when full; the clock offset is recomputed over the
     * states held, so it forgets a fast arrival once its state is dropped.
     *
     * @param tick      the state's tick; must be newer than {@link #newestTick()}.
     * @param arrivalNs the local time it arrived, e.g. {@link System#nanoTime()} in
     *                  {@link ClientListener#onSnapshot(int, long, long, DirectBuffer, int, int)}.
     * @param buffer    the state.
     * @param offset    of the state.
     * @param length    of the state, at most the construction's {@code maxStateLength}.
     * @return true when added; false when the tick is not newer than the newest held, or the state is too long.
     */
    public boolean add(
        final long tick, final long arrivalNs, final DirectBuffer buffer, final int offset, final int length)
    {
        return store(tick, arrivalNs - tickTimeNs(tick), buffer, offset, length);
    }

    /**
     * Find the states around a render time.
     *
     * @param renderTimeNs the time to render, on the tick clock ({@link #renderTimeNs(long)},
     *                     {@link #renderTimeNs()}, or the game's own).
     * @param sample       filled with the two states, the blend factor, the render time and whether it is past the
     *                     newest state.
     * @return false when empty.
     */
    public boolean sample(final long renderTimeNs, final Sample sample)
    {
        if (0 == size)
        {
            return false;
        }
        int from = size - 1;
        while (from >= 0 && tickTimeNs(ticks[index(from)]) > renderTimeNs)
        {
            from--;
        }
        sample.renderTimeNs = renderTimeNs;
        sample.holding = renderTimeNs > tickTimeNs(newestTick());
        if (from < 0)
        {
            set(sample, index(0), index(0), 0);
        }
        else if (from == size - 1)
        {
            set(sample, index(from), index(from), 0);
        }
        else
        {
            final int fromSlot = index(from);
            final int toSlot = index(from + 1);
            final long fromTimeNs = tickTimeNs(ticks[fromSlot]);
            final long spanNs = tickTimeNs(ticks[toSlot]) - fromTimeNs;
            set(sample, fromSlot, toSlot, (double)(renderTimeNs - fromTimeNs) / spanNs);
        }
        return true;
    }

    /**
     * Drop every state.
     */
    public void clear()
    {
        head = 0;
        size = 0;
        offsetNs = NO_OFFSET;
    }

    private boolean store(
        final long tick, final long offsetNs, final DirectBuffer buffer, final int offset, final int length)
    {
        if ((size > 0 && tick <= newestTick()) || length < 0 || length > states[0].capacity())
        {
            return false;
        }
        final int slot;
        if (size == ticks.length)
        {
            slot = head;
            head = index(1);
        }
        else
        {
            slot = index(size);
            size++;
        }
        ticks[slot] = tick;
        offsetsNs[slot] = offsetNs;
        lengths[slot] = length;
        if (length > 0)
        {
            states[slot].putBytes(0, buffer, offset, length);
        }

        long minOffsetNs = NO_OFFSET;
        for (int i = 0; i < size; i++)
        {
            minOffsetNs = Math.min(minOffsetNs, offsetsNs[index(i)]);
        }
        this.offsetNs = minOffsetNs;
        return true;
    }

    private void set(final Sample sample, final int fromSlot, final int toSlot, final double alpha)
    {
        sample.fromTick = ticks[fromSlot];
        sample.toTick = ticks[toSlot];
        sample.alpha = alpha;
        sample.fromBuffer.wrap(states[fromSlot], 0, lengths[fromSlot]);
        sample.toBuffer.wrap(states[toSlot], 0, lengths[toSlot]);
    }

    private int index(final int position)
    {
        final int i = head + position;
        return i >= ticks.length ? i - ticks.length : i;
    }
}
