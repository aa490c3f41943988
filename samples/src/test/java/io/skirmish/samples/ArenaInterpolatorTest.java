package io.skirmish.samples;

import com.sun.management.ThreadMXBean;
import io.skirmish.samples.client.ArenaInterpolator;
import io.skirmish.samples.client.ArenaView;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static io.skirmish.samples.arena.ArenaProtocol.*;
import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo's interpolation over the engine's buffer shows the world a fixed delay in the past on the local clock,
 * blends the snapshots around that time, holds the newest one when it runs dry, ignores stale and malformed
 * snapshots, does not blend across a teleport, and allocates nothing per frame. Time is passed in.
 */
class ArenaInterpolatorTest
{
    private static final long TICK_NS = 1_000_000_000L / 30;
    private static final long DELAY_NS = 100_000_000L;

    private final UnsafeBuffer state = new UnsafeBuffer(new byte[MAX_SNAPSHOT_LENGTH]);

    @Test
    void shouldBlendTheTwoSnapshotsAroundTheRenderTime()
    {
        final ArenaInterpolator buffer = new ArenaInterpolator(16, DELAY_NS);
        final ArenaView view = new ArenaView();
        assertFalse(buffer.sample(0, view));
        for (int tick = 1; tick <= 10; tick++)
        {
            add(buffer, tick, tick * TICK_NS, tick * 10f);
        }

        assertTrue(buffer.sample(5 * TICK_NS + TICK_NS / 2 + DELAY_NS, view));
        assertEquals(55f, view.xs[0], 0.01f);
        assertEquals(5.5, view.renderTick, 1e-6);
        assertFalse(view.holding);
        assertEquals(10, view.bufferedFrames);
        assertEquals(10, view.newestTick);
        assertEquals(150.0, view.bufferAheadMs, 1e-3);
        assertEquals(100.0, view.delayMs, 1e-9);
        assertEquals(1, view.count);
        assertEquals(100f, view.ys[0], 0.01f);
    }

    @Test
    void shouldHoldTheNewestSnapshotWhenStarvedAndIgnoreStaleOnes()
    {
        final ArenaInterpolator buffer = new ArenaInterpolator(4, DELAY_NS);
        final ArenaView view = new ArenaView();
        add(buffer, 1, TICK_NS, 10f);
        add(buffer, 2, 2 * TICK_NS, 20f);
        assertFalse(add(buffer, 2, 3 * TICK_NS, 99f));

        assertTrue(buffer.sample(50 * TICK_NS, view));
        assertTrue(view.holding);
        assertEquals(20f, view.xs[0], 0.01f);
        assertEquals(2.0, view.renderTick, 1e-9);
        assertTrue(view.bufferAheadMs < 0, "starving: " + view.bufferAheadMs);
    }

    @Test
    void shouldKeepTheFastestArrivalAsTheClockWhenASnapshotIsLate()
    {
        final ArenaInterpolator buffer = new ArenaInterpolator(16, DELAY_NS);
        final ArenaView view = new ArenaView();
        for (int tick = 1; tick <= 10; tick++)
        {
            add(buffer, tick, tick * TICK_NS + 20_000_000L, tick * 10f);
        }
        add(buffer, 11, 11 * TICK_NS + 250_000_000L, 110f);

        assertTrue(buffer.sample(8 * TICK_NS + 20_000_000L + DELAY_NS, view));
        assertEquals(8.0, view.renderTick, 1e-6);
        assertEquals(80f, view.xs[0], 0.01f);
    }

    @Test
    void shouldNotBlendAcrossATeleport()
    {
        final ArenaInterpolator buffer = new ArenaInterpolator(4, DELAY_NS);
        final ArenaView view = new ArenaView();
        add(buffer, 1, TICK_NS, 10f);
        add(buffer, 2, 2 * TICK_NS, 900f);
        buffer.sample(TICK_NS + TICK_NS / 2 + DELAY_NS, view);
        assertEquals(900f, view.xs[0], 0.01f);
    }

    @Test
    void shouldIgnoreMalformedSnapshots()
    {
        final ArenaInterpolator buffer = new ArenaInterpolator(4, DELAY_NS);
        final ArenaView view = new ArenaView();
        final int length = encode(10f);
        assertFalse(buffer.add(1, TICK_NS, state, 0, SNAPSHOT_HEADER_LENGTH - 1));
        assertFalse(buffer.add(1, TICK_NS, state, 0, length - 1));
        assertFalse(buffer.add(1, TICK_NS, state, 0, MAX_SNAPSHOT_LENGTH + 1));
        assertEquals(0, buffer.size());
        assertFalse(buffer.sample(2 * TICK_NS + DELAY_NS, view));
        assertEquals(0, view.count);
        assertTrue(buffer.add(1, TICK_NS, state, 0, length));
    }

    @Test
    void shouldFollowTheArenaTickRateAndTheDelay()
    {
        final long tickNs = 1_000_000_000L / 60;
        final ArenaInterpolator buffer = new ArenaInterpolator(8, DELAY_NS);
        final ArenaView view = new ArenaView();
        for (int tick = 1; tick <= 4; tick++)
        {
            final int length = Snapshots.encode(state, 60, new int[]{ 1 }, new byte[]{ KIND_PLAYER },
                new byte[]{ 0 }, new int[]{ 0 }, new float[]{ tick * 10f }, new float[]{ 100f });
            assertTrue(buffer.add(tick, tick * tickNs, state, 0, length));
        }
        buffer.delayNs(tickNs);
        assertTrue(buffer.sample(3 * tickNs + tickNs / 4 + tickNs, view));
        assertEquals(3.25, view.renderTick, 1e-6);
        assertEquals(32.5f, view.xs[0], 0.01f);

        buffer.delayNs(-5);
        assertEquals(0, buffer.delayNs());
    }

    @Test
    void shouldNotAllocatePerFrame()
    {
        final ThreadMXBean threads = (ThreadMXBean)ManagementFactory.getThreadMXBean();
        final ArenaInterpolator buffer = new ArenaInterpolator(16, DELAY_NS);
        final ArenaView view = new ArenaView();
        final int length = encode(0f);
        long tick = 0;
        for (int i = 0; i < 20_000; i++)
        {
            tick = frame(buffer, view, tick, length);
        }
        final long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 20_000; i++)
        {
            tick = frame(buffer, view, tick, length);
        }
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 1024, "allocated " + allocated + " bytes");
    }

    private long frame(final ArenaInterpolator buffer, final ArenaView view, final long tick, final int length)
    {
        final long next = tick + 1;
        state.putFloat(SNAPSHOT_HEADER_LENGTH + ENTITY_X_OFFSET, next % 50, LITTLE_ENDIAN);
        buffer.add(next, next * TICK_NS, state, 0, length);
        if (!buffer.sample(next * TICK_NS + TICK_NS / 2, view) || view.holding)
        {
            throw new AssertionError("tick " + next);
        }
        return next;
    }

    private boolean add(final ArenaInterpolator buffer, final long tick, final long receivedNs, final float x)
    {
        return buffer.add(tick, receivedNs, state, 0, encode(x));
    }

    private int encode(final float x)
    {
        return Snapshots.encode(state, 30, new int[]{ 1 }, new byte[]{ KIND_PLAYER }, new byte[]{ 0 },
            new int[]{ 0 }, new float[]{ x }, new float[]{ 100f });
    }
}
