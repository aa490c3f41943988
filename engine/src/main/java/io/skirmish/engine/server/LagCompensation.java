package io.skirmish.engine.server;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Server-side lag compensation: a bounded history of the room's past states by tick (whatever the game records:
 * entity positions, hit boxes), and a rewind to exactly what a client was rendering when it produced an input, so a
 * shot is judged against what the shooter saw.
 * <p>
 * Every input carries its render view (the two snapshot ticks the client blended and the blend; see
 * {@code GameClient.sendInput} with a view). While the game handles an input in {@link ServerListener#onInput} it
 * calls {@link #rewind(Session, long, View)}, which finds both states and hands them out with the blend; the game
 * blends them as its client does and runs its hit test there. A view further back than
 * {@link #maxRewindTicks()} is served at the limit instead (counted in
 * {@link io.skirmish.engine.EngineCounter#REWINDS_CLAMPED}): a client with a very high latency cannot make the
 * server judge by a world long gone.
 * <p>
 * Configure a room's with {@link RoomOptions#lagCompensation(int, int)} and reach it with
 * {@link Room#lagCompensation()}, or make one directly. Record each tick after simulating it (the state the
 * snapshot of that tick shows). Conductor thread only (or one thread of the game's); allocation-free: the states are
 * copied into slots allocated at construction.
 * <pre>{@code
 * // RoomListener.onTick, after stepping the world:
 * room.lagCompensation().record(tick, world, 0, worldLength);
 * // ServerListener.onInput, for a shot:
 * if (history.rewind(session, room.tick(), view) >= 0)
 * {
 *     hit = hitTest(shot, view.fromBuffer(), view.toBuffer(), view.blend());
 * }
 * }</pre>
 */
public final class LagCompensation
{
    /** Return code: a tick of the view is not in the history (never recorded, or older than it reaches). */
    public static final long NOT_HELD = -1;
    /** Return code: the input carried no render view. */
    public static final long NO_VIEW = -2;
    /** Return code: {@link #record} with a tick not above the newest, or a state longer than the slots. */
    public static final long REJECTED = -3;

    /**
     * The states a client was rendering, and the blend between them; reuse one instance. The buffers are views
     * into the history and stay valid until the next {@link #record}.
     */
    public static final class View
    {
        long fromTick;
        long toTick;
        double blend;
        double depthTicks;
        boolean clamped;
        final UnsafeBuffer fromBuffer = new UnsafeBuffer(0, 0);
        final UnsafeBuffer toBuffer = new UnsafeBuffer(0, 0);

        /**
         * @return the older tick rendered.
         */
        public long fromTick()
        {
            return fromTick;
        }

        /**
         * @return the newer tick rendered (equal to {@link #fromTick()} when not blending).
         */
        public long toTick()
        {
            return toTick;
        }

        /**
         * @return the blend from the older state towards the newer, in [0, 1).
         */
        public double blend()
        {
            return blend;
        }

        /**
         * @return how far back the rendered time is from the current tick, in ticks (fractional).
         */
        public double depthTicks()
        {
            return depthTicks;
        }

        /**
         * @return true when the view was further back than the limit and the state at the limit is served.
         */
        public boolean clamped()
        {
            return clamped;
        }

        /**
         * @return the older state (exactly its length).
         */
        public DirectBuffer fromBuffer()
        {
            return fromBuffer;
        }

        /**
         * @return the newer state (exactly its length).
         */
        public DirectBuffer toBuffer()
        {
            return toBuffer;
        }

        /**
         * {@inheritDoc}
         */
        public String toString()
        {
            return "View{from=" + fromTick + ", to=" + toTick + ", blend=" + blend + ", depthTicks=" + depthTicks +
                ", clamped=" + clamped + "}";
        }
    }

    private final int maxRewindTicks;
    private final long[] ticks;
    private final int[] lengths;
    private final UnsafeBuffer[] states;
    private final AtomicCounter rewinds;
    private final AtomicCounter clampedRewinds;
    private long newestTick = Long.MIN_VALUE;

    /**
     * @param maxRewindTicks how far back a rewind may go, in ticks, at least 1; the history holds this many ticks
     *                       and two more.
     * @param maxStateLength largest state recorded, in bytes.
     */
    public LagCompensation(final int maxRewindTicks, final int maxStateLength)
    {
        this(maxRewindTicks, maxStateLength, null, null);
    }

    LagCompensation(
        final int maxRewindTicks,
        final int maxStateLength,
        final AtomicCounter rewinds,
        final AtomicCounter clampedRewinds)
    {
        if (maxRewindTicks < 1 || maxStateLength < 0)
        {
            throw new IllegalArgumentException(
                "maxRewindTicks=" + maxRewindTicks + " maxStateLength=" + maxStateLength);
        }
        this.maxRewindTicks = maxRewindTicks;
        this.rewinds = rewinds;
        this.clampedRewinds = clampedRewinds;
        final int capacity = maxRewindTicks + 2;
        this.ticks = new long[capacity];
        this.lengths = new int[capacity];
        this.states = new UnsafeBuffer[capacity];
        for (int i = 0; i < capacity; i++)
        {
            ticks[i] = Long.MIN_VALUE;
            states[i] = new UnsafeBuffer(new byte[Math.max(1, maxStateLength)]);
        }
    }

    /**
     * @return how far back a rewind may go, in ticks.
     */
    public int maxRewindTicks()
    {
        return maxRewindTicks;
    }

    /**
     * @return the newest tick recorded, {@link Long#MIN_VALUE} before any.
     */
    public long newestTick()
    {
        return newestTick;
    }

    /**
     * @param tick a tick.
     * @return true when its state is held.
     */
    public boolean holds(final long tick)
    {
        return ticks[slot(tick)] == tick;
    }

    /**
     * Keep a copy of the state of a tick; the oldest is dropped.
     *
     * @param tick   the tick, above {@link #newestTick()}.
     * @param state  the state (as the game's hit test reads it).
     * @param offset of the state.
     * @param length of the state.
     * @return 0, or {@link #REJECTED}.
     */
    public long record(final long tick, final DirectBuffer state, final int offset, final int length)
    {
        if (tick <= newestTick || length < 0 || length > states[0].capacity())
        {
            return REJECTED;
        }
        final int slot = slot(tick);
        ticks[slot] = tick;
        lengths[slot] = length;
        states[slot].putBytes(0, state, offset, length);
        newestTick = tick;
        return 0;
    }

    /**
     * Rewind to what the client saw when it produced the input being handed to {@link ServerListener#onInput}
     * (the session's {@link Session#inputRenderFromTick()}, {@link Session#inputRenderToTick()},
     * {@link Session#inputRenderBlend()}).
     *
     * @param session     the input's session, during {@code onInput}.
     * @param currentTick the tick being simulated (e.g. {@link Room#tick()}), which the limit counts back from.
     * @param view        filled with the two states and the blend.
     * @return 0, or {@link #NO_VIEW}, {@link #NOT_HELD}.
     */
    public long rewind(final Session session, final long currentTick, final View view)
    {
        if (session.inputRenderFromTick < 0)
        {
            return NO_VIEW;
        }
        return rewind(
            session.inputRenderFromTick, session.inputRenderToTick, session.inputRenderBlend, currentTick, view);
    }

    /**
     * Rewind to a render view the game kept with an input.
     *
     * @param fromTick    the older tick rendered.
     * @param toTick      the newer tick rendered, at least the older.
     * @param blend       the blend between them, in [0, 1).
     * @param currentTick the tick being simulated, which the limit counts back from.
     * @param view        filled with the two states and the blend.
     * @return 0, or {@link #NO_VIEW} (a negative from tick, or to below from), {@link #NOT_HELD}.
     */
    public long rewind(
        final long fromTick, final long toTick, final double blend, final long currentTick, final View view)
    {
        if (fromTick < 0 || toTick < fromTick)
        {
            return NO_VIEW;
        }
        long from = fromTick;
        long to = toTick;
        double alpha = toTick == fromTick ? 0 : Math.max(0, Math.min(blend, 1));
        final long limitTick = currentTick - maxRewindTicks;
        boolean clamped = false;
        if (from < limitTick)
        {
            clamped = true;
            final double renderTick = from + alpha * (to - from);
            if (renderTick <= limitTick || to <= limitTick)
            {
                from = limitTick;
                to = limitTick;
                alpha = 0;
            }
            else
            {
                // keep blending towards the newer state, from the limit
                from = limitTick;
                alpha = (renderTick - limitTick) / (to - limitTick);
            }
        }
        final int fromSlot = slot(from);
        final int toSlot = slot(to);
        if (ticks[fromSlot] != from || ticks[toSlot] != to)
        {
            return NOT_HELD;
        }
        view.fromTick = from;
        view.toTick = to;
        view.blend = alpha;
        view.clamped = clamped;
        view.depthTicks = currentTick - (from + alpha * (to - from));
        view.fromBuffer.wrap(states[fromSlot], 0, lengths[fromSlot]);
        view.toBuffer.wrap(states[toSlot], 0, lengths[toSlot]);
        if (null != rewinds)
        {
            rewinds.incrementRelease();
            if (clamped)
            {
                clampedRewinds.incrementRelease();
            }
        }
        return 0;
    }

    private int slot(final long tick)
    {
        return (int)Math.floorMod(tick, (long)ticks.length);
    }
}
