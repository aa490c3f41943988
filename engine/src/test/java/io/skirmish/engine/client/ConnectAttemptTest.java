package io.skirmish.engine.client;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static io.skirmish.engine.client.ConnectAttempt.Kind.NEW;
import static io.skirmish.engine.client.ConnectAttempt.Kind.REBIND;
import static io.skirmish.engine.client.ConnectAttempt.Kind.RESUME;
import static io.skirmish.engine.client.ConnectAttempt.Step.FAIL_CONNECT;
import static io.skirmish.engine.client.ConnectAttempt.Step.FAIL_CONNECTION;
import static io.skirmish.engine.client.ConnectAttempt.Step.RESTART;
import static io.skirmish.engine.client.ConnectAttempt.Step.RETRY;
import static io.skirmish.engine.client.ConnectAttempt.Step.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client's connect attempt as a pure state machine, driven by hand-picked times: which {@link ConnectAttempt.Step}
 * each deadline check returns (wait, retry on fresh lanes within the overall deadline, restart a resume within the
 * resume window, fail the connect or the connection), how the {@link ConnectAttempt.Kind} moves through lost
 * connections, stalled bindings and handed-over resumes, and that {@code onConnected} reports a resume only for a
 * resume. With a 6 s connect timeout each attempt gets 2 s.
 */
class ConnectAttemptTest
{
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long CONNECT_TIMEOUT_NS = 6 * SECOND;
    private static final long ATTEMPT_TIMEOUT_NS = 2 * SECOND;
    private static final long START_NS = 1000 * SECOND;
    private static final long RESUME_WINDOW_NS = 20 * SECOND;

    private final ConnectAttempt attempt = new ConnectAttempt(CONNECT_TIMEOUT_NS);

    /** Connect once (lanes opened at start, connected 1 s later): the session the client may resume. */
    private long connected()
    {
        attempt.onLanesOpened(START_NS, false);
        assertFalse(attempt.onConnected());
        return START_NS + SECOND;
    }

    @Test
    void shouldStartAsANewConnect()
    {
        assertEquals(NEW, attempt.kind());
        assertFalse(attempt.isResume());
    }

    @Test
    void shouldWaitUntilTheAttemptDeadlineThenRetry()
    {
        attempt.onLanesOpened(START_NS, false);

        assertEquals(WAIT, attempt.onDeadline(START_NS, false, 0));
        assertEquals(WAIT, attempt.onDeadline(START_NS + ATTEMPT_TIMEOUT_NS, false, 0), "at the deadline");
        assertEquals(RETRY, attempt.onDeadline(START_NS + ATTEMPT_TIMEOUT_NS + 1, false, 0));
        assertEquals(NEW, attempt.kind(), "a retry does not change what is tried");
    }

    @Test
    void shouldRetryWithinTheOverallDeadlineThenFailTheConnect()
    {
        attempt.onLanesOpened(START_NS, false);
        final long firstRetryNs = START_NS + ATTEMPT_TIMEOUT_NS + 1;
        assertEquals(RETRY, attempt.onDeadline(firstRetryNs, false, 0));

        attempt.onLanesOpened(firstRetryNs, true);
        assertEquals(WAIT, attempt.onDeadline(firstRetryNs + ATTEMPT_TIMEOUT_NS, false, 0), "a fresh attempt");
        assertEquals(RETRY, attempt.onDeadline(firstRetryNs + ATTEMPT_TIMEOUT_NS + 1, false, 0));

        attempt.onLanesOpened(firstRetryNs + ATTEMPT_TIMEOUT_NS + 1, true);
        assertEquals(WAIT, attempt.onDeadline(START_NS + CONNECT_TIMEOUT_NS, false, 0), "at the overall deadline");
        assertEquals(FAIL_CONNECT, attempt.onDeadline(START_NS + CONNECT_TIMEOUT_NS + 1, false, 0),
            "the kept deadline, not one renewed by the retries");
    }

    @Test
    void shouldRenewTheOverallDeadlineWhenNotKept()
    {
        attempt.onLanesOpened(START_NS, false);
        attempt.onLanesOpened(START_NS + 5 * SECOND, false);

        assertEquals(WAIT, attempt.onDeadline(START_NS + CONNECT_TIMEOUT_NS + 1, false, 0), "first deadline gone");
        assertEquals(RETRY, attempt.onDeadline(START_NS + 5 * SECOND + ATTEMPT_TIMEOUT_NS + 1, false, 0));
        assertEquals(FAIL_CONNECT, attempt.onDeadline(START_NS + 5 * SECOND + CONNECT_TIMEOUT_NS + 1, false, 0));
    }

    @Test
    void shouldRetryAStalledBindingOnlyWhenTheServerKeepsSessionsForAResume()
    {
        attempt.onLanesOpened(START_NS, false);
        final long stalledNs = START_NS + ATTEMPT_TIMEOUT_NS + 1;

        assertEquals(WAIT, attempt.onDeadline(stalledNs, true, 0), "no resume window: a rebind could not resume");
        assertEquals(RETRY, attempt.onDeadline(stalledNs, true, RESUME_WINDOW_NS));
        assertEquals(FAIL_CONNECT, attempt.onDeadline(START_NS + CONNECT_TIMEOUT_NS + 1, true, 0));
    }

    @Test
    void shouldFailAConnectThatNeverConnectedEvenAsARebind()
    {
        attempt.onLanesOpened(START_NS, false);
        attempt.onBindingStalled();
        attempt.onLanesOpened(START_NS + ATTEMPT_TIMEOUT_NS + 1, true);

        assertEquals(REBIND, attempt.kind());
        assertTrue(attempt.isResume(), "a rebind is sent as a resume of the accepted session");
        assertEquals(FAIL_CONNECT, attempt.onDeadline(START_NS + CONNECT_TIMEOUT_NS + 1, true, RESUME_WINDOW_NS));
    }

    @Test
    void shouldReportARebindAsNotResumed()
    {
        attempt.onLanesOpened(START_NS, false);
        attempt.onBindingStalled();

        assertFalse(attempt.onConnected());
        assertEquals(NEW, attempt.kind());
        assertFalse(attempt.isResume());
    }

    @Test
    void shouldResumeALostConnectionAndReportItResumed()
    {
        final long lostNs = connected() + 10 * SECOND;

        attempt.onConnectionLost(lostNs);

        assertEquals(RESUME, attempt.kind());
        assertTrue(attempt.isResume());
        attempt.onLanesOpened(lostNs, false);
        assertTrue(attempt.onConnected());
        assertEquals(NEW, attempt.kind(), "the next loss starts a new resume");
        assertFalse(attempt.isResume());
    }

    @Test
    void shouldRestartAResumeWithinTheResumeWindowThenFailTheConnection()
    {
        final long lostNs = connected() + 10 * SECOND;
        attempt.onConnectionLost(lostNs);
        attempt.onLanesOpened(lostNs, false);

        final long firstDeadlineNs = lostNs + CONNECT_TIMEOUT_NS + 1;
        assertEquals(RESTART, attempt.onDeadline(firstDeadlineNs, false, RESUME_WINDOW_NS));

        attempt.onLanesOpened(firstDeadlineNs, false);
        final long secondDeadlineNs = firstDeadlineNs + CONNECT_TIMEOUT_NS + 1;
        assertEquals(RESTART, attempt.onDeadline(secondDeadlineNs, false, RESUME_WINDOW_NS));

        attempt.onLanesOpened(secondDeadlineNs, false);
        final long thirdDeadlineNs = secondDeadlineNs + CONNECT_TIMEOUT_NS + 1;
        assertEquals(RESTART, attempt.onDeadline(thirdDeadlineNs, false, RESUME_WINDOW_NS), "18 s after the loss");

        attempt.onLanesOpened(thirdDeadlineNs, false);
        assertEquals(FAIL_CONNECTION,
            attempt.onDeadline(thirdDeadlineNs + CONNECT_TIMEOUT_NS + 1, false, RESUME_WINDOW_NS), "24 s after");
        assertEquals(RESUME, attempt.kind(), "onDeadline decides; onFailed resets");

        attempt.onFailed();
        assertEquals(NEW, attempt.kind());
    }

    @Test
    void shouldMeasureTheResumeWindowFromTheFirstLoss()
    {
        final long lostNs = connected() + 10 * SECOND;
        attempt.onConnectionLost(lostNs);
        attempt.onConnectionLost(lostNs + 15 * SECOND);
        attempt.onLanesOpened(lostNs + 15 * SECOND, false);

        assertEquals(FAIL_CONNECTION,
            attempt.onDeadline(lostNs + 15 * SECOND + CONNECT_TIMEOUT_NS + 1, false, RESUME_WINDOW_NS),
            "21 s after the first loss");
    }

    @Test
    void shouldFailTheConnectionWhenThereIsNoResumeWindow()
    {
        final long lostNs = connected() + 10 * SECOND;
        attempt.onConnectionLost(lostNs);
        attempt.onLanesOpened(lostNs, false);

        assertEquals(FAIL_CONNECTION, attempt.onDeadline(lostNs + CONNECT_TIMEOUT_NS + 1, false, 0));
    }

    @Test
    void shouldKeepAResumeAResumeWhenItsBindingStalls()
    {
        final long lostNs = connected() + 10 * SECOND;
        attempt.onConnectionLost(lostNs);

        attempt.onBindingStalled();

        assertEquals(RESUME, attempt.kind());
        assertTrue(attempt.onConnected());
    }

    @Test
    void shouldNotTurnARebindIntoAResumeOnALostConnection()
    {
        attempt.onLanesOpened(START_NS, false);
        attempt.onBindingStalled();

        attempt.onConnectionLost(START_NS + SECOND);

        assertEquals(REBIND, attempt.kind());
        assertFalse(attempt.onConnected());
    }

    @Test
    void shouldTreatAHandedOverResumeAsAResumeThatFailsAsAConnect()
    {
        attempt.resumeHandedOver();
        attempt.onLanesOpened(START_NS, false);

        assertEquals(RESUME, attempt.kind());
        assertTrue(attempt.isResume());
        assertEquals(FAIL_CONNECT, attempt.onDeadline(START_NS + CONNECT_TIMEOUT_NS + 1, false, RESUME_WINDOW_NS),
            "this process never connected: nothing to restart");
    }

    @Test
    void shouldReportAHandedOverResumeAsResumedOnceConnected()
    {
        attempt.resumeHandedOver();
        attempt.onLanesOpened(START_NS, false);

        assertTrue(attempt.onConnected());
        assertEquals(NEW, attempt.kind());
    }

    @Test
    void shouldGiveEachAttemptAtLeastOneSecond()
    {
        final ConnectAttempt quick = new ConnectAttempt(SECOND / 2);
        quick.onLanesOpened(START_NS, false);

        assertEquals(WAIT, quick.onDeadline(START_NS + SECOND / 2, false, 0));
        assertEquals(FAIL_CONNECT, quick.onDeadline(START_NS + SECOND / 2 + 1, false, 0),
            "the overall deadline comes before the first attempt's");
    }
}
