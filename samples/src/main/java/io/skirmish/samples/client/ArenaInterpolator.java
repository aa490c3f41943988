package io.skirmish.samples.client;

import io.skirmish.engine.client.InterpolationBuffer;
import org.agrona.DirectBuffer;

import static io.skirmish.samples.arena.ArenaProtocol.MAX_SNAPSHOT_LENGTH;

/**
 * The demo's interpolation: the engine's {@link InterpolationBuffer} keeps the raw arena snapshots with their
 * arrival times and picks the two around the render time on the local clock; this class decodes those two and
 * blends the entities into an {@link ArenaView}, with the view's diagnostics (render tick, newest tick, snapshots
 * buffered, how far the buffer is ahead of the render time, whether the newest snapshot is held).
 * <p>
 * An entity that moved more than {@link #TELEPORT_DISTANCE} between the two snapshots (a respawn) is shown at its
 * new position rather than slid across the arena.
 * <p>
 * Owned by the render thread (snapshots reach it through {@link ArenaClient#pollSnapshots}). Adding and sampling
 * allocate nothing; the engine buffer is made at the first snapshot and again only when the arena's tick rate
 * changes.
 */
public final class ArenaInterpolator
{
    /** Entities that moved further than this between two snapshots, in world units, are not blended. */
    public static final float TELEPORT_DISTANCE = 120f;

    private final int capacity;
    private final InterpolationBuffer.Sample sample = new InterpolationBuffer.Sample();
    private final SnapshotFrame from = new SnapshotFrame();
    private final SnapshotFrame to = new SnapshotFrame();
    private InterpolationBuffer states;
    private long delayNs;

    /**
     * @param capacity snapshots kept, at least 2.
     * @param delayNs  interpolation delay in nanoseconds (e.g. 100 ms); negative is taken as 0.
     */
    public ArenaInterpolator(final int capacity, final long delayNs)
    {
        if (capacity < 2)
        {
            throw new IllegalArgumentException("capacity must be at least 2: " + capacity);
        }
        this.capacity = capacity;
        this.delayNs = Math.max(0, delayNs);
    }

    /**
     * @param delayNs interpolation delay in nanoseconds; negative is taken as 0.
     */
    public void delayNs(final long delayNs)
    {
        this.delayNs = Math.max(0, delayNs);
        if (null != states)
        {
            states.delayNs(this.delayNs);
        }
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
        return null == states ? 0 : states.size();
    }

    /**
     * Forget every snapshot (e.g. when switching arenas).
     */
    public void clear()
    {
        if (null != states)
        {
            states.clear();
        }
    }

    /**
     * Keep a copy of a snapshot; one at or below the newest tick, or malformed, is ignored.
     *
     * @param tick      the snapshot's tick.
     * @param arrivalNs local time it arrived, on the clock {@link #sample(long, ArenaView)} is given.
     * @param buffer    the snapshot's state bytes.
     * @param offset    of the state.
     * @param length    of the state.
     * @return true when added.
     */
    public boolean add(
        final long tick, final long arrivalNs, final DirectBuffer buffer, final int offset, final int length)
    {
        if (length > MAX_SNAPSHOT_LENGTH || !to.wrap(buffer, offset, length))
        {
            return false;
        }
        final long tickIntervalNs = to.tickIntervalNs();
        if (null == states || states.tickIntervalNs() != tickIntervalNs)
        {
            states = new InterpolationBuffer(capacity, MAX_SNAPSHOT_LENGTH, tickIntervalNs).delayNs(delayNs);
        }
        return states.add(tick, arrivalNs, buffer, offset, length);
    }

    /**
     * Fill a view with the world at the render time for a local time (see
     * {@link InterpolationBuffer#renderTimeNs(long)}).
     *
     * @param nowNs local time in nanoseconds.
     * @param view  to fill.
     * @return false when there is nothing to show yet.
     */
    public boolean sample(final long nowNs, final ArenaView view)
    {
        view.bufferedFrames = size();
        view.delayMs = delayNs / 1e6;
        if (null == states || !states.sample(states.renderTimeNs(nowNs), sample))
        {
            view.count = 0;
            return false;
        }
        from.wrap(sample.fromBuffer(), 0, sample.fromBuffer().capacity());
        to.wrap(sample.toBuffer(), 0, sample.toBuffer().capacity());
        if (sample.fromTick() == sample.toTick())
        {
            view.set(to);
        }
        else
        {
            blend(from, to, (float)sample.alpha(), view);
        }
        final long newestTick = states.newestTick();
        view.newestTick = newestTick;
        view.renderTick = sample.fromTick() + sample.alpha() * (sample.toTick() - sample.fromTick());
        view.bufferAheadMs = (states.tickTimeNs(newestTick) - sample.renderTimeNs()) / 1e6;
        view.holding = sample.holding();
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
        return dx * dx + dy * dy > TELEPORT_DISTANCE * TELEPORT_DISTANCE;
    }
}
