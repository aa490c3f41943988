package io.skirmish.engine.client;

import java.util.concurrent.TimeUnit;

/**
 * What the client is trying to do on its current lanes and until when: a new session, the resume of a session
 * that was connected (after a loss, or from another process), or a rebind of a session the server accepted but
 * whose lanes never bound. An attempt that makes no progress within its own deadline starts again on fresh lanes,
 * as netcode resends its connect request, within one overall connect deadline; a resume keeps going for the resume
 * window. Client thread only.
 */
final class ConnectAttempt
{
    /** What the attempt asks the server for. */
    enum Kind
    {
        /** A new session. */
        NEW,
        /** Resume a session the game has met: {@code onConnected(id, true)} follows. */
        RESUME,
        /** Resume a session accepted but never bound: the game meets it as new. */
        REBIND
    }

    /** What {@link #onDeadline} asks of the conductor. */
    enum Step
    {
        /** Keep waiting. */
        WAIT,
        /** Start this attempt again on fresh lanes, within the same connect deadline. */
        RETRY,
        /** Start again on fresh lanes with a new connect deadline (a resume within its window). */
        RESTART,
        /** Give up: the connect never completed. */
        FAIL_CONNECT,
        /** Give up: a session that was connected could not come back. */
        FAIL_CONNECTION
    }

    private final long connectTimeoutNs;
    private final long attemptTimeoutNs;
    private Kind kind = Kind.NEW;
    private boolean everConnected;
    private long connectDeadlineNs;
    private long attemptDeadlineNs;
    private long lostAtNs;

    ConnectAttempt(final long connectTimeoutNs)
    {
        this.connectTimeoutNs = connectTimeoutNs;
        this.attemptTimeoutNs = Math.max(TimeUnit.SECONDS.toNanos(1), connectTimeoutNs / 3);
    }

    Kind kind()
    {
        return kind;
    }

    /**
     * @return true when the connect request names the session to resume.
     */
    boolean isResume()
    {
        return kind != Kind.NEW;
    }

    /**
     * Resume a session handed over from another process.
     */
    void resumeHandedOver()
    {
        kind = Kind.RESUME;
    }

    /**
     * Fresh lanes were opened for this attempt.
     *
     * @param keepDeadline true to keep the overall connect deadline (a retry).
     */
    void onLanesOpened(final long nowNs, final boolean keepDeadline)
    {
        if (!keepDeadline)
        {
            connectDeadlineNs = nowNs + connectTimeoutNs;
        }
        attemptDeadlineNs = nowNs + attemptTimeoutNs;
    }

    /**
     * The connection was lost: the next attempts resume the session.
     */
    void onConnectionLost(final long nowNs)
    {
        if (kind == Kind.NEW)
        {
            kind = Kind.RESUME;
            lostAtNs = nowNs;
        }
    }

    /**
     * Accepted, but the lanes never bound: the server has the session, so the retry resumes it.
     */
    void onBindingStalled()
    {
        if (kind == Kind.NEW)
        {
            kind = Kind.REBIND;
        }
    }

    /**
     * The lanes bound.
     *
     * @return true when the game is told the session resumed.
     */
    boolean onConnected()
    {
        final boolean resumed = kind == Kind.RESUME;
        kind = Kind.NEW;
        everConnected = true;
        return resumed;
    }

    /**
     * The attempt ended for good.
     */
    void onFailed()
    {
        kind = Kind.NEW;
    }

    /**
     * @param binding       true while accepted and binding lanes.
     * @param resumeWindowNs the server's resume window (0 before an accept).
     * @return what to do now that time has moved on.
     */
    Step onDeadline(final long nowNs, final boolean binding, final long resumeWindowNs)
    {
        if (nowNs - attemptDeadlineNs > 0 && nowNs - connectDeadlineNs < 0 && (!binding || resumeWindowNs > 0))
        {
            return Step.RETRY;
        }
        if (nowNs - connectDeadlineNs > 0)
        {
            final boolean resumingSession = kind != Kind.NEW && everConnected;
            if (resumingSession && nowNs - lostAtNs < resumeWindowNs)
            {
                return Step.RESTART;
            }
            return resumingSession ? Step.FAIL_CONNECTION : Step.FAIL_CONNECT;
        }
        return Step.WAIT;
    }
}
