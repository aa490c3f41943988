package io.skirmish.engine.client;

import java.util.concurrent.TimeUnit;

/**
 * Whether the network path to the server still works, both ways, for a connected client: when it last heard from
 * the server (any frame: the downstream works) and when the server last answered it (a pong or an acknowledgement:
 * the upstream works). It says when to ping (a keepalive apart, every 100 ms once an answer is overdue, so that a
 * lost path shows soon), when to move the session to fresh lanes (silence beyond the lane silence timeout: a NAT
 * rebinding, a network change, a black hole) and to try again if the move is not confirmed within a second, and
 * when the connection is lost (silence beyond the session timeout). Client thread only.
 */
final class PathWatch
{
    /** What the path needs now. */
    enum Step
    {
        /** Nothing. */
        NONE,
        /** Move the session to fresh lanes. */
        MIGRATE,
        /** The move was not confirmed: try again on fresher lanes. */
        MIGRATE_AGAIN,
        /** Silent for the session timeout: the connection is lost. */
        LOST
    }

    static final long PROBE_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);
    static final long MIGRATION_ATTEMPT_NS = TimeUnit.SECONDS.toNanos(1);

    private final long laneSilenceTimeoutNs;
    private long keepAliveIntervalNs = TimeUnit.MILLISECONDS.toNanos(500);
    private long sessionTimeoutNs = TimeUnit.SECONDS.toNanos(5);
    private long lastHeardNs;
    private long lastAnswerNs;
    private long lastPingSentNs;
    private long migrationStartedNs;
    private boolean migrating;

    PathWatch(final long laneSilenceTimeoutNs)
    {
        this.laneSilenceTimeoutNs = laneSilenceTimeoutNs;
    }

    /**
     * A connection was accepted with the server's keepalive and timeout.
     */
    void onAccepted(final long nowNs, final long keepAliveIntervalNs, final long sessionTimeoutNs)
    {
        this.keepAliveIntervalNs = keepAliveIntervalNs;
        this.sessionTimeoutNs = sessionTimeoutNs;
        lastHeardNs = nowNs;
        lastAnswerNs = nowNs;
        lastPingSentNs = nowNs;
        migrating = false;
    }

    void onHeard(final long nowNs)
    {
        lastHeardNs = nowNs;
    }

    void onAnswered(final long nowNs)
    {
        lastAnswerNs = nowNs;
    }

    /**
     * The client's own duty cycle did not run for a while: that time is not the path's silence.
     *
     * @param stalledNs how long beyond a normal gap the client was stalled.
     * @param nowNs     the time now.
     */
    void onStalled(final long stalledNs, final long nowNs)
    {
        lastHeardNs = Math.min(nowNs, lastHeardNs + stalledNs);
        lastAnswerNs = Math.min(nowNs, lastAnswerNs + stalledNs);
        migrationStartedNs = Math.min(nowNs, migrationStartedNs + stalledNs);
    }

    boolean isMigrating()
    {
        return migrating;
    }

    /**
     * The server confirmed the move, or the lanes were replaced altogether.
     */
    void onMigrated()
    {
        migrating = false;
    }

    /**
     * @return true when a ping is due now (and it is taken as sent).
     */
    boolean pingDue(final long nowNs)
    {
        final long interval = nowNs - lastAnswerNs > keepAliveIntervalNs + PROBE_INTERVAL_NS ?
            PROBE_INTERVAL_NS : keepAliveIntervalNs;
        if (nowNs - lastPingSentNs >= interval)
        {
            lastPingSentNs = nowNs;
            return true;
        }
        return false;
    }

    /**
     * @return what the path needs now.
     */
    Step check(final long nowNs)
    {
        final long answeredNs = Math.min(lastHeardNs, lastAnswerNs);
        if (nowNs - answeredNs > sessionTimeoutNs)
        {
            return Step.LOST;
        }
        if (!migrating)
        {
            if (nowNs - answeredNs <= Math.min(laneSilenceTimeoutNs, sessionTimeoutNs / 2))
            {
                return Step.NONE;
            }
            migrating = true;
            migrationStartedNs = nowNs;
            return Step.MIGRATE;
        }
        if (nowNs - migrationStartedNs > MIGRATION_ATTEMPT_NS)
        {
            migrationStartedNs = nowNs;
            return Step.MIGRATE_AGAIN;
        }
        return Step.NONE;
    }
}
