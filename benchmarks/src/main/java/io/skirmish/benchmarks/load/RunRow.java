package io.skirmish.benchmarks.load;

import java.util.Locale;

/**
 * One measured (N, scenario): the server's and the bots' {@code @RESULT} reports combined into the table's columns.
 * Events missing is what the server owed (one delivery per member at each broadcast) less what the bots got, or
 * the seq gaps the bots saw when larger.
 */
final class RunRow
{
    /** Column headings, two lines. */
    static final String HEADER = String.format(Locale.ROOT,
        "%6s %-5s %8s %8s %10s %6s %6s %8s %7s %7s %8s %7s %s%n%6s %-5s %8s %8s %10s %6s %6s %8s %7s %7s %8s %7s",
        "N", "scen", "connect", "srv CPU", "srv CPU", "snap/", "snap/", "tick p99", "events", "dup/", "shm",
        "bots", "verdict",
        "", "", "s", "% core", "us/cl/s", "cl/s", "cl/s", "ms", "missing", "ooo", "KiB/cl", "CPU %");

    final int clients;
    final Scenario scenario;
    final int connected;
    final double connectSeconds;
    final double serverCpuPercent;
    final double serverCpuUsPerClientSecond;
    final double snapshotsMean;
    final double snapshotsP5;
    final double tickP99Ms;
    final long eventsMissing;
    final long duplicatedOrLate;
    final double shmKiBPerClient;
    final double botsCpuPercent;

    RunRow(final int clients, final Scenario scenario, final Report server, final Report bots)
    {
        this.clients = clients;
        this.scenario = scenario;
        connected = (int)bots.number("connected", 0);
        connectSeconds = bots.number("connectS", -1);
        serverCpuPercent = server.number("cpuPct", -1);
        serverCpuUsPerClientSecond = server.number("cpuUsPerClientS", -1);
        snapshotsMean = bots.number("snapMean", 0);
        snapshotsP5 = bots.number("snapP5", 0);
        tickP99Ms = server.number("tickP99Us", 0) / 1e3;
        final long owedLessReceived =
            (long)(server.number("deliveriesOwed", 0) - bots.number("eventsReceived", 0));
        eventsMissing = Math.max(owedLessReceived, (long)bots.number("seqMissing", 0));
        duplicatedOrLate = (long)(bots.number("duplicated", 0) + bots.number("outOfOrder", 0));
        shmKiBPerClient = server.number("shmKiBPerClient", -1);
        botsCpuPercent = bots.number("cpuPct", -1);
    }

    /**
     * @return the row, with the verdict.
     */
    String format()
    {
        return String.format(Locale.ROOT, "%6d %-5s %8.1f %8.1f %10.0f %6.1f %6.1f %8.2f %7d %7d %8.0f %7.1f %s",
            clients, scenario.name(), connectSeconds, serverCpuPercent, serverCpuUsPerClientSecond,
            snapshotsMean, snapshotsP5, tickP99Ms, eventsMissing, duplicatedOrLate, shmKiBPerClient,
            botsCpuPercent, Budget.verdict(scenario, clients, this));
    }
}
