package io.skirmish.samples;

import io.skirmish.samples.client.ArenaView;
import io.skirmish.samples.client.InterpolationBuffer;
import io.skirmish.samples.client.SnapshotFrame;
import org.junit.jupiter.api.Test;

import static io.skirmish.samples.arena.ArenaProtocol.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The interpolation buffer shows the world a fixed delay in the past, blends the snapshots around that time,
 * holds the newest one when it runs dry, and ignores stale snapshots. Time is passed in.
 */
class InterpolationBufferTest
{
    private static final long TICK_NS = 1_000_000_000L / 30;
    private static final long DELAY_NS = 100_000_000L;

    @Test
    void shouldBlendTheTwoSnapshotsAroundTheRenderTime()
    {
        final InterpolationBuffer buffer = new InterpolationBuffer(16, DELAY_NS);
        final ArenaView view = new ArenaView();
        assertFalse(buffer.sample(0, view));
        for (int tick = 1; tick <= 10; tick++)
        {
            buffer.add(frame(tick, tick * TICK_NS, tick * 10f));
        }

        assertTrue(buffer.sample(5 * TICK_NS + TICK_NS / 2 + DELAY_NS, view));
        assertEquals(55f, view.xs[0], 0.01f);
        assertEquals(5.5, view.renderTick, 1e-6);
        assertFalse(view.holding);
        assertEquals(10, view.bufferedFrames);
    }

    @Test
    void shouldHoldTheNewestSnapshotWhenStarvedAndIgnoreStaleOnes()
    {
        final InterpolationBuffer buffer = new InterpolationBuffer(4, DELAY_NS);
        final ArenaView view = new ArenaView();
        buffer.add(frame(1, TICK_NS, 10f));
        buffer.add(frame(2, 2 * TICK_NS, 20f));
        assertFalse(buffer.add(frame(2, 3 * TICK_NS, 99f)));

        assertTrue(buffer.sample(50 * TICK_NS, view));
        assertTrue(view.holding);
        assertEquals(20f, view.xs[0], 0.01f);
    }

    @Test
    void shouldKeepTheFastestArrivalAsTheClockWhenASnapshotIsLate()
    {
        final InterpolationBuffer buffer = new InterpolationBuffer(16, DELAY_NS);
        final ArenaView view = new ArenaView();
        for (int tick = 1; tick <= 10; tick++)
        {
            buffer.add(frame(tick, tick * TICK_NS + 20_000_000L, tick * 10f));
        }
        buffer.add(frame(11, 11 * TICK_NS + 250_000_000L, 110f));

        assertTrue(buffer.sample(8 * TICK_NS + 20_000_000L + DELAY_NS, view));
        assertEquals(8.0, view.renderTick, 1e-6);
        assertEquals(80f, view.xs[0], 0.01f);
    }

    @Test
    void shouldNotBlendAcrossATeleport()
    {
        final InterpolationBuffer buffer = new InterpolationBuffer(4, DELAY_NS);
        final ArenaView view = new ArenaView();
        buffer.add(frame(1, TICK_NS, 10f));
        buffer.add(frame(2, 2 * TICK_NS, 900f));
        buffer.sample(TICK_NS + TICK_NS / 2 + DELAY_NS, view);
        assertEquals(900f, view.xs[0], 0.01f);
    }

    private static SnapshotFrame frame(final long tick, final long receivedNs, final float x)
    {
        return new SnapshotFrame(FIRST_ARENA_ROOM_ID, tick, receivedNs, 30, ARENA_WIDTH, ARENA_HEIGHT,
            new int[]{ 1 }, new byte[]{ KIND_PLAYER }, new byte[]{ 0 }, new int[]{ 0 },
            new float[]{ x }, new float[]{ 100f });
    }
}
