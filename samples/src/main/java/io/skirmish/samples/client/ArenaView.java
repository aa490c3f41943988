package io.skirmish.samples.client;

import java.util.Arrays;

import static io.skirmish.samples.arena.ArenaProtocol.ARENA_HEIGHT;
import static io.skirmish.samples.arena.ArenaProtocol.ARENA_WIDTH;

/**
 * What one frame shows: the interpolated entities plus a few facts about the interpolation. Filled by
 * {@link ArenaInterpolator#sample(long, ArenaView)} and drawn by the renderer; reused from frame to frame, and
 * owned by the render thread.
 */
public final class ArenaView
{
    /** Number of entities. */
    public int count;
    /** Entity ids. */
    public int[] ids = new int[16];
    /** Entity kinds. */
    public byte[] kinds = new byte[16];
    /** Entity flags. */
    public byte[] flags = new byte[16];
    /** Entity scores. */
    public int[] scores = new int[16];
    /** Interpolated x positions. */
    public float[] xs = new float[16];
    /** Interpolated y positions. */
    public float[] ys = new float[16];
    /** Arena width in world units. */
    public int width = ARENA_WIDTH;
    /** Arena height in world units. */
    public int height = ARENA_HEIGHT;
    /** Session id of the local player, highlighted; 0 for none. */
    public int localSessionId;
    /** Title drawn in the corner, e.g. the arena name; may be null. */
    public String title;
    /** The (fractional) tick being shown. */
    public double renderTick;
    /** Newest tick received. */
    public long newestTick;
    /** Snapshots in the buffer. */
    public int bufferedFrames;
    /** How far the newest snapshot is ahead of the render time, in ms (negative: starving). */
    public double bufferAheadMs;
    /** Interpolation delay in ms. */
    public double delayMs;
    /** True when the render time passed the newest snapshot, so the newest positions are held. */
    public boolean holding;
    /** Frames drawn per second, measured by the window (0 when unknown). */
    public double fps;

    /**
     * Make room for a number of entities.
     *
     * @param capacity entities needed.
     */
    public void ensureCapacity(final int capacity)
    {
        if (ids.length < capacity)
        {
            final int length = Math.max(capacity, ids.length * 2);
            ids = Arrays.copyOf(ids, length);
            kinds = Arrays.copyOf(kinds, length);
            flags = Arrays.copyOf(flags, length);
            scores = Arrays.copyOf(scores, length);
            xs = Arrays.copyOf(xs, length);
            ys = Arrays.copyOf(ys, length);
        }
    }

    /**
     * Show the entities of one snapshot exactly as they are (no interpolation); the ticks are left to the caller.
     *
     * @param frame the snapshot.
     */
    public void set(final SnapshotFrame frame)
    {
        ensureCapacity(frame.count());
        count = frame.count();
        width = frame.width();
        height = frame.height();
        for (int i = 0; i < count; i++)
        {
            ids[i] = frame.id(i);
            kinds[i] = (byte)frame.kind(i);
            flags[i] = (byte)frame.flags(i);
            scores[i] = frame.score(i);
            xs[i] = frame.x(i);
            ys[i] = frame.y(i);
        }
    }
}
