package io.skirmish.benchmarks.load;

import java.util.StringJoiner;

/**
 * The load budget one row is judged against: every client connected within {@value #CONNECT_SECONDS} s; clients
 * receive on average at least {@value #SNAPSHOT_MEAN_SHARE} of the 30 snapshots a second and the 5th-percentile
 * client at least {@value #SNAPSHOT_P5_SHARE}; room tick p99 under {@value #TICK_P99_MS} ms; no room event missing;
 * server CPU at most {@value #SERVER_CPU_PERCENT} % of its core. Snapshot and tick checks apply to ticking scenarios.
 * A row whose bots used more than {@value #BOTS_CPU_PERCENT} % of their core is flagged: the bots may be the limit.
 */
final class Budget
{
    static final double CONNECT_SECONDS = 30;
    static final double SNAPSHOT_MEAN_SHARE = 0.95;
    static final double SNAPSHOT_P5_SHARE = 0.80;
    static final double TICK_P99_MS = 5;
    static final double SERVER_CPU_PERCENT = 50;
    /** Bots above this share of their core may be what limits the row rather than the server. */
    static final double BOTS_CPU_PERCENT = 90;

    private Budget()
    {
    }

    /**
     * @param scenario the scenario.
     * @param clients  N.
     * @param row      the row's values.
     * @return {@code ok}, or {@code OVER:} and what failed.
     */
    static String verdict(final Scenario scenario, final int clients, final RunRow row)
    {
        final StringJoiner failed = new StringJoiner(",", "OVER:", "");
        failed.setEmptyValue("ok");
        if (row.connected < clients || row.connectSeconds > CONNECT_SECONDS)
        {
            failed.add("connect");
        }
        if (scenario.ticking())
        {
            if (row.snapshotsMean < SNAPSHOT_MEAN_SHARE * Scenario.TICK_RATE_HZ)
            {
                failed.add("snap-mean");
            }
            if (row.snapshotsP5 < SNAPSHOT_P5_SHARE * Scenario.TICK_RATE_HZ)
            {
                failed.add("snap-p5");
            }
            if (!(row.tickP99Ms < TICK_P99_MS))
            {
                failed.add("tick-p99");
            }
        }
        if (row.eventsMissing != 0)
        {
            failed.add("events");
        }
        if (!(row.serverCpuPercent >= 0 && row.serverCpuPercent <= SERVER_CPU_PERCENT))
        {
            failed.add("server-cpu");
        }
        final String verdict = failed.toString();
        return row.botsCpuPercent > BOTS_CPU_PERCENT ? verdict + " (bots saturated: not a server verdict)" : verdict;
    }
}
