package io.skirmish.engine.client;

import org.junit.jupiter.api.Test;

import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tick clock against a simulated network in virtual time: a server ticking on its own timeline, one-way delays
 * with jitter and loss in both directions, leads measured as the engine's server does.
 */
class TickClockTest
{
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long TICK_NS = TimeUnit.SECONDS.toNanos(1) / 30;
    private static final long SERVER_EPOCH_NS = 987_654_321L;

    /** A virtual network and server around one clock. */
    private static final class Rig
    {
        final TickClock clock = new TickClock(TICK_NS, 2 * TICK_NS, 0);
        final Random random = new Random(7);
        final PriorityQueue<long[]> events = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
        long oneWayNs;
        long jitterNs;
        double loss;
        long nowNs;
        long nextServerTick = 1;
        long newestInputTick = Long.MIN_VALUE;
        long newestLeadNs = TickClock.NO_LEAD;
        long onTime;
        long late;
        long maxStepNs;
        long lastInputTimeNs = Long.MIN_VALUE;

        static final int SNAPSHOT = 0;
        static final int INPUT = 1;

        Rig(final long oneWayNs, final long jitterNs, final double loss)
        {
            this.oneWayNs = oneWayNs;
            this.jitterNs = jitterNs;
            this.loss = loss;
        }

        long serverTimeNs(final long localNs)
        {
            return localNs - SERVER_EPOCH_NS;
        }

        long delayNs()
        {
            return oneWayNs + (long)((random.nextDouble() * 2 - 1) * jitterNs);
        }

        void run(final long untilNs)
        {
            for (; nowNs < untilNs; nowNs += MS)
            {
                // server ticks
                while (serverTimeNs(nowNs) >= nextServerTick * TICK_NS)
                {
                    if (random.nextDouble() >= loss)
                    {
                        events.add(new long[]{ nowNs + delayNs(), SNAPSHOT, nextServerTick, newestInputTick,
                            newestLeadNs });
                    }
                    nextServerTick++;
                }
                while (!events.isEmpty() && events.peek()[0] <= nowNs)
                {
                    final long[] e = events.poll();
                    if (SNAPSHOT == e[1])
                    {
                        clock.onSnapshot(e[2], e[0], e[3], e[4], 2 * oneWayNs);
                    }
                    else
                    {
                        onInputAtServer(e[2], e[0]);
                    }
                }
                final long inputTimeNs = clock.inputTimeNs(nowNs);
                if (TickClock.NOT_SYNCED != inputTimeNs && Long.MIN_VALUE != lastInputTimeNs)
                {
                    maxStepNs = Math.max(maxStepNs, Math.abs(inputTimeNs - lastInputTimeNs - MS));
                }
                lastInputTimeNs = inputTimeNs;
                final long tick = clock.pollInputTick(nowNs);
                if (TickClock.NOT_SYNCED != tick)
                {
                    clock.onInputSent(tick, nowNs);
                    if (random.nextDouble() >= loss)
                    {
                        events.add(new long[]{ nowNs + delayNs(), INPUT, tick });
                    }
                }
            }
        }

        void onInputAtServer(final long tick, final long arrivalNs)
        {
            if (tick <= newestInputTick)
            {
                return;
            }
            // redundancy: a frame carries the earlier inputs, so the ticks it fills in arrive now too
            final long serverNs = serverTimeNs(arrivalNs);
            final long simulated = nextServerTick - 1;
            for (long t = Math.max(newestInputTick + 1, tick - 7); t <= tick; t++)
            {
                if (t > simulated)
                {
                    onTime++;
                }
                else
                {
                    late++;
                }
            }
            newestInputTick = tick;
            newestLeadNs = tick * TICK_NS - serverNs;
        }

        long measuredLeadNs()
        {
            return clock.lastLeadNs();
        }

        void resetCounts()
        {
            onTime = 0;
            late = 0;
            maxStepNs = 0;
        }

        double onTimePercent()
        {
            return 100.0 * onTime / Math.max(1, onTime + late);
        }
    }

    @Test
    void shouldSyncAndKeepInputsOnTimeAt100MsWithJitterAndLoss()
    {
        final Rig rig = new Rig(100 * MS, 15 * MS, 0.05);
        final long convergedAtNs = convergedAt(rig, 4_000 * MS);
        assertTrue(convergedAtNs <= 2_000 * MS, "converged at " + convergedAtNs / MS + " ms");

        rig.resetCounts();
        rig.run(rig.nowNs + 30_000 * MS);
        System.out.printf("TickClockTest 100+-15 ms 5%% loss: converged after %d ms, %.2f %% on time, lead %d ms%n",
            convergedAtNs / MS, rig.onTimePercent(), rig.clock.targetLeadNs() / MS);
        assertTrue(rig.onTimePercent() >= 99.0, "on time " + rig.onTimePercent() + " %");
        assertEquals(2, rig.clock.resyncCount());
        assertTrue(rig.maxStepNs <= MS / 5, "largest step off the local clock " + rig.maxStepNs + " ns");
        final long serverTickNow = Math.floorDiv(rig.serverTimeNs(rig.nowNs), TICK_NS);
        assertTrue(Math.abs(rig.clock.serverTick(rig.nowNs) - serverTickNow) <= 1,
            rig.clock.serverTick(rig.nowNs) + " vs " + serverTickNow);
        assertTrue(rig.clock.renderTimeNs(rig.nowNs) < rig.clock.serverTimeNs(rig.nowNs));
        assertTrue(rig.clock.serverTimeNs(rig.nowNs) < rig.clock.inputTimeNs(rig.nowNs));
    }

    @Test
    void shouldFollowALatencyStepByDilationWithinTwoSeconds()
    {
        final Rig rig = new Rig(50 * MS, 15 * MS, 0.05);
        rig.run(5_000 * MS);
        final long stepNs = rig.nowNs;
        rig.oneWayNs = 150 * MS;
        rig.resetCounts();
        final long convergedAtNs = convergedAt(rig, stepNs + 4_000 * MS);
        assertTrue(convergedAtNs - stepNs <= 2_000 * MS, "converged " + (convergedAtNs - stepNs) / MS + " ms after");
        System.out.printf("TickClockTest step 50 -> 150 ms: converged %d ms after, %.2f %% on time since%n",
            (convergedAtNs - stepNs) / MS, rig.onTimePercent());
        assertEquals(2, rig.clock.resyncCount(), "no jump after syncing");
        assertTrue(rig.maxStepNs <= MS / 5, "largest step off the local clock " + rig.maxStepNs + " ns");
        assertTrue(Math.abs(rig.clock.inputDilation()) <= TickClock.MAX_DILATION + 1e-9);
    }

    @Test
    void shouldResyncByAJumpAfterASilence()
    {
        final Rig rig = new Rig(40 * MS, 5 * MS, 0);
        rig.run(2_000 * MS);
        assertEquals(2, rig.clock.resyncCount());
        final double loss = rig.loss;
        rig.loss = 1.0;
        rig.run(rig.nowNs + 3_000 * MS);
        rig.loss = loss;
        rig.oneWayNs = 400 * MS;
        rig.run(rig.nowNs + 3_000 * MS);
        assertEquals(4, rig.clock.resyncCount(), "the first snapshot and the first lead after the silence");
    }

    @Test
    void shouldReturnIncreasingInputTicks()
    {
        final TickClock clock = new TickClock(TICK_NS, 0, 0);
        assertEquals(TickClock.NOT_SYNCED, clock.pollInputTick(0));
        clock.onSnapshot(100, 1_000 * MS, 0, TickClock.NO_LEAD, 0);
        final long first = clock.pollInputTick(1_000 * MS);
        assertEquals(TickClock.NOT_SYNCED, clock.pollInputTick(1_000 * MS));
        assertTrue(first >= 100);
        assertEquals(first + 1, clock.pollInputTick(1_000 * MS + TICK_NS));
    }

    /**
     * Run until the input clock is within 8 ms of the ahead the network needs and the lead reported is on time.
     */
    private static long convergedAt(final Rig rig, final long untilNs)
    {
        while (rig.nowNs < untilNs)
        {
            rig.run(rig.nowNs + 10 * MS);
            final long neededAheadNs = rig.oneWayNs + rig.clock.targetLeadNs();
            final long aheadNs = rig.clock.inputTimeNs(rig.nowNs) - rig.serverTimeNs(rig.nowNs);
            if (rig.clock.isSynced() && Math.abs(aheadNs - neededAheadNs) < 8 * MS && rig.measuredLeadNs() > 0)
            {
                return rig.nowNs;
            }
        }
        return Long.MAX_VALUE;
    }
}
