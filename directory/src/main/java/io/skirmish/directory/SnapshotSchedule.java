package io.skirmish.directory;

/**
 * When a node asks the cluster for its next snapshot: once {@code intervalNs} has passed since the last snapshot and
 * the log has moved on since it, or once the log has grown by {@code logBytes} since it, whichever comes first; 0
 * turns a trigger off. Pure decision, no clock of its own: the {@link NodeHousekeeper} passes the time and the
 * node's commit position in. Not thread safe: the housekeeper's thread.
 */
final class SnapshotSchedule
{
    private final long intervalNs;
    private final long logBytes;
    private long lastSnapshotNs;
    private long lastSnapshotPosition;

    /**
     * @param intervalNs the most time between snapshots of a log that moved, 0 for no time trigger.
     * @param logBytes   the most log between snapshots, 0 for no size trigger.
     * @param nowNs      now, taken as the time of the last snapshot.
     * @param position   the log position now, taken as the position of the last snapshot.
     */
    SnapshotSchedule(final long intervalNs, final long logBytes, final long nowNs, final long position)
    {
        this.intervalNs = intervalNs;
        this.logBytes = logBytes;
        this.lastSnapshotNs = nowNs;
        this.lastSnapshotPosition = position;
    }

    /**
     * @param nowNs    now.
     * @param position the log's commit position now.
     * @return true when a snapshot is due.
     */
    boolean isDue(final long nowNs, final long position)
    {
        final long grown = position - lastSnapshotPosition;
        return (intervalNs > 0 && grown > 0 && nowNs - lastSnapshotNs >= intervalNs) ||
            (logBytes > 0 && grown >= logBytes);
    }

    /**
     * A snapshot was taken (or a request for one was made, so it is not asked for again at once).
     *
     * @param nowNs    now.
     * @param position the log position it covers.
     */
    void onSnapshot(final long nowNs, final long position)
    {
        lastSnapshotNs = nowNs;
        lastSnapshotPosition = position;
    }

    /**
     * @return the log position of the last snapshot.
     */
    long lastSnapshotPosition()
    {
        return lastSnapshotPosition;
    }
}
