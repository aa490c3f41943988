package io.skirmish.engine.client;

import java.util.Arrays;

/**
 * The client's three clocks on the server's tick timeline (tick {@code t} is at {@code t * tickIntervalNs}): the
 * estimate of the tick the server is simulating now, the client's input tick which runs ahead of it so that each
 * input arrives just before the server simulates its tick, and the render time which runs behind it so that there
 * is a snapshot on each side of it.
 * <pre>
 *   render time = server time - behind      (behind = RTT / 2 + render delay)
 *   server time = now - offset              (offset from the fastest recent snapshot arrival and RTT / 2)
 *   input time  = now - input offset        (input offset = send time - arrival, smoothed, - lead margin)
 * </pre>
 * The server measures, for the newest input of every input frame, how long before its tick is simulated it arrived
 * (its lead), and sends that back with every snapshot. The clock keeps the local time it sent each input at, so
 * each reported lead gives one sample of {@code local send time - arrival on the tick timeline}: a property of the
 * network alone, not of the clock's own corrections since, so feedback that is a round trip old cannot make the
 * clock overshoot. The input clock aims at that (smoothed) minus the lead margin: one tick interval (an input frame
 * lost is repaired by the next one, a tick later) plus three times the samples' variation.
 * <p>
 * Corrections are made by time dilation, never by jumps: both offsets and behind move towards their targets
 * at a rate proportional to the error (time constant 200 ms) and at most {@link #MAX_DILATION} of the time
 * elapsed, so the clocks run a few percent faster or slower. Only syncing (the first snapshot, and the first lead
 * measured, a round trip later), a snapshot after a silence of more than a second (a resume), or an error above
 * {@link #RESYNC_THRESHOLD_NS} re-syncs by a jump ({@link #resyncCount()}).
 * <p>
 * With a clock the client also sends each input frame a second time half a tick later (when no newer input went
 * meanwhile), so that a lost frame is repaired half a tick later rather than a whole tick.
 * <p>
 * The client conductor feeds the clock (when {@link GameClient.Context#tickRateHz(int)} is set, from the snapshots
 * of the room it delivered most recently); the game reads it, typically once per frame. Client thread only (the
 * thread that polls the client); allocation-free.
 */
public final class TickClock
{
    /** Value of the tick queries before the clock is synced. */
    public static final long NOT_SYNCED = Long.MIN_VALUE;
    /** Lead value meaning "none measured". */
    public static final long NO_LEAD = Long.MIN_VALUE;
    /** The most the clocks run faster or slower than the local clock while correcting. */
    public static final double MAX_DILATION = 0.10;
    /** Most input ticks {@link #pollInputTick(long)} returns one by one to catch up after a late frame. */
    public static final int MAX_CATCH_UP_TICKS = 8;
    /** An error above this is corrected by a jump (a re-sync), not by dilation. */
    public static final long RESYNC_THRESHOLD_NS = 300_000_000L;

    private static final long SILENCE_RESYNC_NS = 1_000_000_000L;
    private static final double SLEW_TIME_CONSTANT_NS = 200_000_000.0;
    private static final int ARRIVALS = 32;
    private static final int SENT = 256;

    private final long tickIntervalNs;
    private final long renderDelayNs;
    private final long minLeadMarginNs;
    private final long[] arrivalOffsetsNs = new long[ARRIVALS];
    private final long[] sentTicks = new long[SENT];
    private final long[] sentLocalTimesNs = new long[SENT];
    private int arrivalCount;
    private int arrivalHead;

    private boolean synced;
    private long lastAdvanceNs;
    private long lastSnapshotNs;
    private double offsetNs;
    private double inputOffsetNs;
    private double behindNs;
    private double targetOffsetNs;
    private double targetInputOffsetNs;
    private double targetBehindNs;
    private double upstreamNs = Double.NaN;
    private double upstreamDeviationNs;
    private long upstreamSamples;
    private double inputDilation;
    private long lastLeadNs = NO_LEAD;
    private long lastLeadInputTick = Long.MIN_VALUE;
    private long lastPolledInputTick = Long.MIN_VALUE;
    private long resyncCount;

    /**
     * @param tickIntervalNs  the server's tick interval ({@code 1e9 / tickRateHz}).
     * @param renderDelayNs   how far behind the newest snapshot's arrival to render (covers jitter and a lost
     *                        snapshot; two tick intervals is typical).
     * @param minLeadMarginNs the least lead to aim for, above one tick interval plus three times the measured
     *                        variation of the upstream delay.
     */
    TickClock(final long tickIntervalNs, final long renderDelayNs, final long minLeadMarginNs)
    {
        if (tickIntervalNs <= 0 || renderDelayNs < 0 || minLeadMarginNs < 0)
        {
            throw new IllegalArgumentException("tickIntervalNs=" + tickIntervalNs + " renderDelayNs=" +
                renderDelayNs + " minLeadMarginNs=" + minLeadMarginNs);
        }
        this.tickIntervalNs = tickIntervalNs;
        this.renderDelayNs = renderDelayNs;
        this.minLeadMarginNs = minLeadMarginNs;
        Arrays.fill(sentTicks, Long.MIN_VALUE);
    }

    /**
     * @return the server's tick interval in nanoseconds.
     */
    public long tickIntervalNs()
    {
        return tickIntervalNs;
    }

    /**
     * @return true once the first snapshot synced the clock.
     */
    public boolean isSynced()
    {
        return synced;
    }

    /**
     * @param nowNs the local time ({@link System#nanoTime()}).
     * @return the estimate of the server's tick time now, on the tick timeline; {@link #NOT_SYNCED} before sync.
     */
    public long serverTimeNs(final long nowNs)
    {
        if (!synced)
        {
            return NOT_SYNCED;
        }
        advance(nowNs);
        return (long)(nowNs - offsetNs);
    }

    /**
     * @param nowNs the local time.
     * @return the tick the server is simulating now (estimate), {@link #NOT_SYNCED} before sync.
     */
    public long serverTick(final long nowNs)
    {
        final long timeNs = serverTimeNs(nowNs);
        return NOT_SYNCED == timeNs ? NOT_SYNCED : Math.floorDiv(timeNs, tickIntervalNs);
    }

    /**
     * @param nowNs the local time.
     * @return the input time: the server time plus {@link #aheadNs()}; {@link #NOT_SYNCED} before sync.
     */
    public long inputTimeNs(final long nowNs)
    {
        if (!synced)
        {
            return NOT_SYNCED;
        }
        advance(nowNs);
        return (long)(nowNs - inputOffsetNs);
    }

    /**
     * @param nowNs the local time.
     * @return the tick the client's input now is for, {@link #NOT_SYNCED} before sync. It may repeat or, after a
     * re-sync, go back; see {@link #pollInputTick(long)}.
     */
    public long inputTick(final long nowNs)
    {
        final long timeNs = inputTimeNs(nowNs);
        return NOT_SYNCED == timeNs ? NOT_SYNCED : Math.floorDiv(timeNs, tickIntervalNs);
    }

    /**
     * The next input tick due: call in a loop each frame until it returns {@link #NOT_SYNCED} and, for each tick,
     * sample input and send it for that tick. The ticks returned always increase by one: a frame that came late
     * catches up on the ticks it missed, up to {@link #MAX_CATCH_UP_TICKS} (further behind, or after a re-sync
     * forwards, it skips to the current tick and the server reports the ticks between missing; after a re-sync
     * backwards none is returned until the clock passes the last one).
     *
     * @param nowNs the local time.
     * @return the next input tick, or {@link #NOT_SYNCED} when none is due.
     */
    public long pollInputTick(final long nowNs)
    {
        final long tick = inputTick(nowNs);
        if (NOT_SYNCED == tick || tick <= lastPolledInputTick)
        {
            return NOT_SYNCED;
        }
        final boolean catchUp =
            Long.MIN_VALUE != lastPolledInputTick && tick - lastPolledInputTick <= MAX_CATCH_UP_TICKS;
        lastPolledInputTick = catchUp ? lastPolledInputTick + 1 : tick;
        return lastPolledInputTick;
    }

    /**
     * @param nowNs the local time.
     * @return the time to render on the tick timeline (server time minus {@link #behindNs()}), e.g. for
     * {@link InterpolationBuffer#sample(long, InterpolationBuffer.Sample)}; {@link #NOT_SYNCED} before sync.
     */
    public long renderTimeNs(final long nowNs)
    {
        if (!synced)
        {
            return NOT_SYNCED;
        }
        advance(nowNs);
        return (long)(nowNs - offsetNs - behindNs);
    }

    /**
     * @return how far the input time runs ahead of the server time, in nanoseconds.
     */
    public long aheadNs()
    {
        return (long)(offsetNs - inputOffsetNs);
    }

    /**
     * @return how far the render time runs behind the server time, in nanoseconds.
     */
    public long behindNs()
    {
        return (long)behindNs;
    }

    /**
     * @return the ahead the clock is moving towards, in nanoseconds.
     */
    public long targetAheadNs()
    {
        return (long)(targetOffsetNs - targetInputOffsetNs);
    }

    /**
     * @return the lead the clock aims for inputs to arrive with: one tick interval plus three times the upstream
     * delay's variation, at least the minimum margin.
     */
    public long targetLeadNs()
    {
        return Math.max(minLeadMarginNs, tickIntervalNs + (long)(3 * upstreamDeviationNs));
    }

    /**
     * @return the newest lead the server reported (how long before its tick an input arrived; negative: late), or
     * {@link #NO_LEAD}.
     */
    public long lastLeadNs()
    {
        return lastLeadNs;
    }

    /**
     * @return the input clock's rate relative to the local clock, minus one, over the last step (0.05: 5 % fast).
     */
    public double inputDilation()
    {
        return inputDilation;
    }

    /**
     * @return number of jumps (the two of syncing included).
     */
    public long resyncCount()
    {
        return resyncCount;
    }

    /**
     * A snapshot arrived.
     *
     * @param tick           its tick.
     * @param arrivalNs      local time it arrived.
     * @param leadInputTick  the input tick the lead belongs to.
     * @param leadNs         the lead the server measured for that input, or {@link #NO_LEAD}.
     * @param rttNs          smoothed round-trip time, 0 when not known yet.
     */
    void onSnapshot(
        final long tick, final long arrivalNs, final long leadInputTick, final long leadNs, final long rttNs)
    {
        final boolean silence = synced && arrivalNs - lastSnapshotNs > SILENCE_RESYNC_NS;
        boolean firstLead = false;
        lastSnapshotNs = arrivalNs;
        if (silence)
        {
            arrivalCount = 0;
            arrivalHead = 0;
            upstreamNs = Double.NaN;
            Arrays.fill(sentTicks, Long.MIN_VALUE);
        }
        arrivalOffsetsNs[arrivalHead] = arrivalNs - tick * tickIntervalNs;
        arrivalHead = (arrivalHead + 1) % ARRIVALS;
        arrivalCount = Math.min(ARRIVALS, arrivalCount + 1);
        long minOffsetNs = Long.MAX_VALUE;
        for (int i = 0; i < arrivalCount; i++)
        {
            minOffsetNs = Math.min(minOffsetNs, arrivalOffsetsNs[i]);
        }
        final double halfRttNs = rttNs / 2.0;
        targetOffsetNs = minOffsetNs - halfRttNs;
        targetBehindNs = halfRttNs + renderDelayNs;

        if (NO_LEAD != leadNs && leadInputTick != lastLeadInputTick)
        {
            lastLeadInputTick = leadInputTick;
            lastLeadNs = leadNs;
            final int slot = (int)Math.floorMod(leadInputTick, (long)SENT);
            if (sentTicks[slot] == leadInputTick)
            {
                // local send time minus the arrival on the server's tick timeline: independent of the clock's own
                // corrections, it moves only with the upstream delay (and the two machines' clocks)
                final double sampleNs = sentLocalTimesNs[slot] - (leadInputTick * tickIntervalNs - leadNs);
                if (Double.isNaN(upstreamNs))
                {
                    upstreamNs = sampleNs;
                    upstreamDeviationNs = 0;
                    upstreamSamples = 1;
                    firstLead = true;
                }
                else
                {
                    // plain averages over the first samples, then moving ones; quicker to follow inputs arriving
                    // later (they would be late) than earlier
                    upstreamSamples++;
                    final double error = sampleNs - upstreamNs;
                    // the variation ignores outliers (a step in latency moves the mean, not the margin)
                    final double cappedNs = upstreamSamples <= 16 ? Math.abs(error) :
                        Math.min(Math.abs(error), 4 * upstreamDeviationNs + tickIntervalNs / 4.0);
                    upstreamDeviationNs += (cappedNs - upstreamDeviationNs) / Math.min(16, upstreamSamples - 1);
                    upstreamNs += error / Math.min(error < 0 ? 4 : 8, upstreamSamples);
                }
            }
        }
        targetInputOffsetNs = Double.isNaN(upstreamNs) ?
            targetOffsetNs - halfRttNs - targetLeadNs() : upstreamNs - targetLeadNs();

        if (!synced || silence || firstLead)
        {
            jump(arrivalNs);
            return;
        }
        advance(arrivalNs);
        if (Math.abs(targetOffsetNs - offsetNs) > RESYNC_THRESHOLD_NS ||
            Math.abs(targetInputOffsetNs - inputOffsetNs) > RESYNC_THRESHOLD_NS ||
            Math.abs(targetBehindNs - behindNs) > RESYNC_THRESHOLD_NS)
        {
            jump(arrivalNs);
        }
    }

    /**
     * An input for a tick was sent: remember when, so that its reported lead measures the upstream delay.
     *
     * @param inputTick the input's tick.
     * @param nowNs     local time.
     */
    void onInputSent(final long inputTick, final long nowNs)
    {
        if (!synced)
        {
            return;
        }
        final int slot = (int)Math.floorMod(inputTick, (long)SENT);
        sentTicks[slot] = inputTick;
        sentLocalTimesNs[slot] = nowNs;
    }

    /**
     * Forget everything (a new session): the next snapshot syncs by a jump.
     */
    void reset()
    {
        synced = false;
        arrivalCount = 0;
        arrivalHead = 0;
        upstreamNs = Double.NaN;
        lastLeadNs = NO_LEAD;
        lastLeadInputTick = Long.MIN_VALUE;
        Arrays.fill(sentTicks, Long.MIN_VALUE);
    }

    private void jump(final long nowNs)
    {
        synced = true;
        resyncCount++;
        offsetNs = targetOffsetNs;
        inputOffsetNs = targetInputOffsetNs;
        behindNs = targetBehindNs;
        lastAdvanceNs = nowNs;
        inputDilation = 0;
    }

    private void advance(final long nowNs)
    {
        final long elapsedNs = nowNs - lastAdvanceNs;
        if (elapsedNs <= 0)
        {
            return;
        }
        lastAdvanceNs = nowNs;
        final double limitNs = MAX_DILATION * elapsedNs;
        final double inputStep = slew(targetInputOffsetNs - inputOffsetNs, elapsedNs, limitNs);
        offsetNs += slew(targetOffsetNs - offsetNs, elapsedNs, limitNs);
        inputOffsetNs += inputStep;
        behindNs += slew(targetBehindNs - behindNs, elapsedNs, limitNs);
        inputDilation = -inputStep / elapsedNs;
    }

    private static double slew(final double errorNs, final long elapsedNs, final double limitNs)
    {
        final double stepNs = errorNs * Math.min(1.0, elapsedNs / SLEW_TIME_CONSTANT_NS);
        return Math.max(-limitNs, Math.min(limitNs, stepNs));
    }
}
