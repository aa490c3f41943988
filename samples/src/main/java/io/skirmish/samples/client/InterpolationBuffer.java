package io.skirmish.samples.client;

/**
 * A client-side interpolation buffer: keeps the last snapshots and renders the world as it was a fixed delay ago,
 * blending the two snapshots around that moment, so positions move smoothly at any frame rate even though
 * snapshots arrive at the tick rate, with jitter, and some never arrive.
 * <p>
 * The buffer maps ticks to local time: for every snapshot, {@code arrival - tick * interval} is the one-way delay
 * plus a constant, and the smallest of these over the buffered snapshots (the fastest recent arrival) is the offset.
 * The render time is {@code now - offset - delay}: the delay covers the jitter above the fastest path, so while the
 * jitter stays below it there is a snapshot on each side of the render time, and one late snapshot (a stalled
 * sender, a retransmit) does not push the picture further into the past. When there is none (a burst of loss), the
 * newest positions are held rather than guessed.
 * <p>
 * Single-threaded: owned by the render thread (snapshots reach it through a queue).
 */
public final class InterpolationBuffer
{
    private final SnapshotFrame[] frames;
    private long delayNs;
    private int count;
    private double offsetNs;

    /**
     * @param capacity snapshots kept.
     * @param delayNs  interpolation delay in nanoseconds (e.g. 100 ms).
     */
    public InterpolationBuffer(final int capacity, final long delayNs)
    {
        if (capacity < 2)
        {
            throw new IllegalArgumentException("capacity must be at least 2: " + capacity);
        }
        this.frames = new SnapshotFrame[capacity];
        this.delayNs = delayNs;
    }

    /**
     * @param delayNs interpolation delay in nanoseconds.
     */
    public void delayNs(final long delayNs)
    {
        this.delayNs = Math.max(0, delayNs);
    }

    /**
     * @return interpolation delay in nanoseconds.
     */
    public long delayNs()
    {
        return delayNs;
    }

    /**
     * @return snapshots held.
     */
    public int size()
    {
        return count;
    }

    /**
     * Forget everything (e.g. when switching arenas).
     */
    public void clear()
    {
        java.util.Arrays.fill(frames, null);
        count = 0;
    }

    /**
     * Add a snapshot; one at or below the newest tick is ignored.
     *
     * @param frame the snapshot.
     * @return true when added.
     */
    public boolean add(final SnapshotFrame frame)
    {
        if (count > 0 && frame.tick() <= frames[count - 1].tick())
        {
            return false;
        }
        if (count == frames.length)
        {
            System.arraycopy(frames, 1, frames, 0, count - 1);
            count--;
        }
        frames[count++] = frame;

        double offsetNs = Double.MAX_VALUE;
        for (int i = 0; i < count; i++)
        {
            final SnapshotFrame f = frames[i];
            offsetNs = Math.min(offsetNs, f.receivedNs() - (double)f.tick() * f.tickIntervalNs());
        }
        this.offsetNs = offsetNs;
        return true;
    }

    /**
     * Fill a view with the world at {@code nowNs - delay}.
     *
     * @param nowNs local time in nanoseconds.
     * @param view  to fill.
     * @return false when there is nothing to show yet.
     */
    public boolean sample(final long nowNs, final ArenaView view)
    {
        view.bufferedFrames = count;
        view.delayMs = delayNs / 1e6;
        if (0 == count)
        {
            view.count = 0;
            return false;
        }
        final SnapshotFrame newest = frames[count - 1];
        final double intervalNs = newest.tickIntervalNs();
        final double renderTick = (nowNs - offsetNs - delayNs) / intervalNs;
        view.newestTick = newest.tick();
        view.bufferAheadMs = (newest.tick() - renderTick) * intervalNs / 1e6;

        if (renderTick >= newest.tick() || 1 == count)
        {
            view.set(newest);
            view.holding = renderTick > newest.tick();
            view.renderTick = Math.min(renderTick, newest.tick());
            return true;
        }
        int after = count - 1;
        while (after > 0 && frames[after - 1].tick() > renderTick)
        {
            after--;
        }
        if (0 == after)
        {
            view.set(frames[0]);
            view.holding = false;
            return true;
        }
        final SnapshotFrame from = frames[after - 1];
        final SnapshotFrame to = frames[after];
        final float alpha = (float)((renderTick - from.tick()) / (to.tick() - from.tick()));
        blend(from, to, alpha, view);
        view.renderTick = renderTick;
        view.holding = false;
        return true;
    }

    private static void blend(final SnapshotFrame from, final SnapshotFrame to, final float alpha, final ArenaView view)
    {
        final int n = to.count();
        view.ensureCapacity(n);
        view.count = n;
        view.width = to.width();
        view.height = to.height();
        for (int i = 0; i < n; i++)
        {
            final int kind = to.kind(i);
            final int id = to.id(i);
            final int j = from.indexOf(kind, id, i);
            final float x = to.x(i);
            final float y = to.y(i);
            view.ids[i] = id;
            view.kinds[i] = (byte)kind;
            view.flags[i] = (byte)to.flags(i);
            view.scores[i] = to.score(i);
            if (j < 0 || isTeleport(from.x(j), from.y(j), x, y))
            {
                view.xs[i] = x;
                view.ys[i] = y;
            }
            else
            {
                view.xs[i] = from.x(j) + (x - from.x(j)) * alpha;
                view.ys[i] = from.y(j) + (y - from.y(j)) * alpha;
            }
        }
    }

    private static boolean isTeleport(final float x0, final float y0, final float x1, final float y1)
    {
        final float dx = x1 - x0;
        final float dy = y1 - y0;
        return dx * dx + dy * dy > 120f * 120f;
    }
}
