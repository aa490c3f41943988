package io.skirmish.engine.client;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Client-side prediction and reconciliation: a ring of the client's inputs and the states it predicted from them,
 * keyed by input tick. The game predicts each input tick as it sends the input ({@link #predict}); when the server's
 * state for a tick arrives (the player's part of a snapshot) it calls {@link #reconcile}, which compares it with what
 * was predicted for that tick, reports the error, and, when they differ, takes the server's state for that tick and
 * replays the inputs after it, so that the newest predicted state ({@link #state()}) is the server's truth plus the
 * inputs it has not seen yet.
 * <p>
 * States and inputs are the game's own bytes; the game steps and compares them in a {@link Predictor}. The state of
 * tick {@code t} is the state after input {@code t} was applied, as the server's snapshot for tick {@code t} is.
 * Capacity and sizes are fixed at construction; nothing allocates afterwards. Not thread-safe: use it on one thread
 * (typically the client's polling thread, from {@link ClientListener#onSnapshot} and the input loop).
 * <pre>{@code
 * PredictionRing ring = new PredictionRing(64, 16, 64);
 * ring.reset(tick, spawnState, 0, spawnLength);             // once, from the first snapshot
 * // each input tick:
 * ring.predict(inputTick, input, 0, inputLength, predictor);
 * render(ring.state());
 * // in onSnapshot, with the player's state cut from the snapshot:
 * ring.reconcile(tick, playerState, 0, playerLength, predictor);
 * }</pre>
 */
public final class PredictionRing
{
    /** Return code: the tick is older than anything held (or nothing is held yet). */
    public static final long TICK_NOT_HELD = -1;
    /** Return code: a tick at or below one already reconciled, or not above the newest predicted. */
    public static final long STALE_TICK = -2;
    /** Return code: a state or input longer than the ring was sized for, or a step returned a bad length. */
    public static final long TOO_LONG = -3;

    /**
     * The game's simulation of its own player for prediction. Called on the thread using the ring.
     */
    public interface Predictor
    {
        /**
         * Apply one tick's input to a state, in place.
         *
         * @param tick        the tick being predicted.
         * @param input       the input (zero length for a tick the game sent no input for).
         * @param inputLength of the input.
         * @param state       the previous tick's state, to update in place (capacity: the ring's maxStateLength).
         * @param stateLength of the previous state.
         * @return the new state's length.
         */
        int step(long tick, DirectBuffer input, int inputLength, MutableDirectBuffer state, int stateLength);

        /**
         * How far a prediction was off, in the game's units (e.g. distance). Default: 0 when byte-for-byte equal,
         * otherwise 1.
         *
         * @param tick                the tick.
         * @param predicted           the state predicted for it.
         * @param predictedLength     its length.
         * @param authoritative       the server's state for it.
         * @param authoritativeOffset offset of the server's state.
         * @param authoritativeLength its length.
         * @return the error; 0 means the prediction was right and nothing is replayed.
         */
        default double error(
            final long tick,
            final DirectBuffer predicted,
            final int predictedLength,
            final DirectBuffer authoritative,
            final int authoritativeOffset,
            final int authoritativeLength)
        {
            if (predictedLength != authoritativeLength)
            {
                return 1;
            }
            for (int i = 0; i < predictedLength; i++)
            {
                if (predicted.getByte(i) != authoritative.getByte(authoritativeOffset + i))
                {
                    return 1;
                }
            }
            return 0;
        }
    }

    private final long[] ticks;
    private final int[] inputLengths;
    private final int[] stateLengths;
    private final UnsafeBuffer[] inputs;
    private final UnsafeBuffer[] states;
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private final int maxInputLength;
    private final int maxStateLength;
    private long newestTick = Long.MIN_VALUE;
    private long reconciledTick = Long.MIN_VALUE;
    private double lastError;
    private double maxError;
    private long reconciliations;
    private long mispredictions;
    private long replayedTicks;

    /**
     * @param capacity       ticks held (inputs and states), at least 2; more than the round trip in ticks.
     * @param maxInputLength largest input in bytes.
     * @param maxStateLength largest state in bytes.
     */
    public PredictionRing(final int capacity, final int maxInputLength, final int maxStateLength)
    {
        if (capacity < 2 || maxInputLength < 0 || maxStateLength < 0)
        {
            throw new IllegalArgumentException(
                "capacity=" + capacity + " maxInputLength=" + maxInputLength + " maxStateLength=" + maxStateLength);
        }
        this.maxInputLength = maxInputLength;
        this.maxStateLength = maxStateLength;
        this.ticks = new long[capacity];
        this.inputLengths = new int[capacity];
        this.stateLengths = new int[capacity];
        this.inputs = new UnsafeBuffer[capacity];
        this.states = new UnsafeBuffer[capacity];
        for (int i = 0; i < capacity; i++)
        {
            ticks[i] = Long.MIN_VALUE;
            inputs[i] = new UnsafeBuffer(new byte[Math.max(1, maxInputLength)]);
            states[i] = new UnsafeBuffer(new byte[Math.max(1, maxStateLength)]);
        }
    }

    /**
     * Start over from a known state (the first snapshot, a respawn): everything held is dropped.
     *
     * @param tick   the state's tick.
     * @param state  the state.
     * @param offset of the state.
     * @param length of the state.
     * @return 0, or {@link #TOO_LONG}.
     */
    public long reset(final long tick, final DirectBuffer state, final int offset, final int length)
    {
        if (length < 0 || length > maxStateLength)
        {
            return TOO_LONG;
        }
        for (int i = 0; i < ticks.length; i++)
        {
            ticks[i] = Long.MIN_VALUE;
        }
        final int slot = slot(tick);
        ticks[slot] = tick;
        inputLengths[slot] = 0;
        stateLengths[slot] = length;
        states[slot].putBytes(0, state, offset, length);
        newestTick = tick;
        reconciledTick = tick;
        return 0;
    }

    /**
     * Keep the input for a tick and predict the tick's state from the previous one. Ticks skipped since the newest
     * are stepped with a zero-length input.
     *
     * @param tick      the input tick, above {@link #newestTick()}.
     * @param input     the input.
     * @param offset    of the input.
     * @param length    of the input.
     * @param predictor the game's step.
     * @return the predicted state's length, or {@link #TICK_NOT_HELD} before {@link #reset}, {@link #STALE_TICK},
     * {@link #TOO_LONG}.
     */
    public long predict(
        final long tick, final DirectBuffer input, final int offset, final int length, final Predictor predictor)
    {
        if (Long.MIN_VALUE == newestTick)
        {
            return TICK_NOT_HELD;
        }
        if (tick <= newestTick)
        {
            return STALE_TICK;
        }
        if (length < 0 || length > maxInputLength)
        {
            return TOO_LONG;
        }
        final long from = Math.max(newestTick + 1, tick - ticks.length + 1);
        if (from > newestTick + 1)
        {
            // a gap longer than the ring: carry the newest state over to the first tick kept
            copyState(slot(newestTick), slot(from - 1), from - 1);
        }
        for (long t = from; t < tick; t++)
        {
            final int slot = slot(t);
            inputLengths[slot] = 0;
            if (step(t, slot, predictor) < 0)
            {
                return TOO_LONG;
            }
        }
        final int slot = slot(tick);
        inputLengths[slot] = length;
        inputs[slot].putBytes(0, input, offset, length);
        newestTick = tick;
        return step(tick, slot, predictor);
    }

    /**
     * The server's state for a tick arrived: compare it with the prediction, and when they differ take it and replay
     * the inputs after it.
     *
     * @param tick      the authoritative state's tick.
     * @param state     the server's state of the predicted entity.
     * @param offset    of the state.
     * @param length    of the state.
     * @param predictor the game's step and error measure.
     * @return the number of inputs replayed (0 when the prediction was right), or {@link #TICK_NOT_HELD} (older
     * than the ring; the server's state is not applied), {@link #STALE_TICK} (not newer than the last reconciled),
     * {@link #TOO_LONG}. A tick newer than every prediction resets the ring to it.
     */
    public long reconcile(
        final long tick, final DirectBuffer state, final int offset, final int length, final Predictor predictor)
    {
        if (length < 0 || length > maxStateLength)
        {
            return TOO_LONG;
        }
        if (Long.MIN_VALUE == newestTick || tick > newestTick)
        {
            return reset(tick, state, offset, length);
        }
        if (tick <= reconciledTick)
        {
            return STALE_TICK;
        }
        final int slot = slot(tick);
        if (ticks[slot] != tick)
        {
            return TICK_NOT_HELD;
        }
        reconciledTick = tick;
        reconciliations++;
        view.wrap(states[slot], 0, stateLengths[slot]);
        final double error = predictor.error(tick, view, stateLengths[slot], state, offset, length);
        lastError = error;
        maxError = Math.max(maxError, error);
        if (0 == error)
        {
            return 0;
        }
        mispredictions++;
        stateLengths[slot] = length;
        states[slot].putBytes(0, state, offset, length);
        long replayed = 0;
        for (long t = tick + 1; t <= newestTick; t++)
        {
            if (step(t, slot(t), predictor) < 0)
            {
                return TOO_LONG;
            }
            replayed++;
        }
        replayedTicks += replayed;
        return replayed;
    }

    /**
     * @return the newest predicted state (exactly its length); valid until the next call that changes the ring.
     */
    public DirectBuffer state()
    {
        final int slot = slot(newestTick);
        view.wrap(states[slot], 0, stateLengths[slot]);
        return view;
    }

    /**
     * @return length of {@link #state()}.
     */
    public int stateLength()
    {
        return Long.MIN_VALUE == newestTick ? 0 : stateLengths[slot(newestTick)];
    }

    /**
     * @param tick a tick.
     * @return true when its input and state are held.
     */
    public boolean holds(final long tick)
    {
        return ticks[slot(tick)] == tick;
    }

    /**
     * @return the newest predicted tick, {@link Long#MIN_VALUE} before {@link #reset}.
     */
    public long newestTick()
    {
        return newestTick;
    }

    /**
     * @return the newest tick reconciled with the server's state.
     */
    public long reconciledTick()
    {
        return reconciledTick;
    }

    /**
     * @return the error of the newest reconciliation, in the {@link Predictor}'s units.
     */
    public double lastError()
    {
        return lastError;
    }

    /**
     * @return the largest error seen.
     */
    public double maxError()
    {
        return maxError;
    }

    /**
     * @return reconciliations done (each authoritative state compared).
     */
    public long reconciliations()
    {
        return reconciliations;
    }

    /**
     * @return reconciliations whose prediction was wrong (and replayed).
     */
    public long mispredictions()
    {
        return mispredictions;
    }

    /**
     * @return inputs replayed over all reconciliations.
     */
    public long replayedTicks()
    {
        return replayedTicks;
    }

    private long step(final long tick, final int slot, final Predictor predictor)
    {
        final int previous = slot(tick - 1);
        copyState(previous, slot, tick);
        final int length = predictor.step(tick, inputs[slot], inputLengths[slot], states[slot], stateLengths[slot]);
        if (length < 0 || length > maxStateLength)
        {
            return TOO_LONG;
        }
        stateLengths[slot] = length;
        return length;
    }

    private void copyState(final int fromSlot, final int toSlot, final long toTick)
    {
        if (fromSlot != toSlot)
        {
            stateLengths[toSlot] = stateLengths[fromSlot];
            states[toSlot].putBytes(0, states[fromSlot], 0, stateLengths[fromSlot]);
        }
        ticks[toSlot] = toTick;
    }

    private int slot(final long tick)
    {
        return (int)Math.floorMod(tick, (long)ticks.length);
    }
}
