package io.skirmish.engine.client;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PathWatchTest
{
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long START = TimeUnit.SECONDS.toNanos(50);

    private final PathWatch watch = new PathWatch(1500 * MS);

    PathWatchTest()
    {
        watch.onAccepted(START, 500 * MS, 5000 * MS);
    }

    @Test
    void shouldPingAKeepaliveApartAndEvery100MsOnceAnAnswerIsOverdue()
    {
        assertFalse(watch.pingDue(START + 499 * MS));
        assertTrue(watch.pingDue(START + 500 * MS));
        watch.onHeard(START + 550 * MS);
        assertFalse(watch.pingDue(START + 600 * MS), "heard, but an answer is not overdue yet");
        assertTrue(watch.pingDue(START + 1000 * MS));
        assertFalse(watch.pingDue(START + 1050 * MS));
        assertTrue(watch.pingDue(START + 1100 * MS), "no answer for 1.1 s: probing every 100 ms");
        watch.onAnswered(START + 1150 * MS);
        assertFalse(watch.pingDue(START + 1250 * MS), "answered: back to the keepalive");
    }

    @Test
    void shouldMoveOffASilentPathTryAgainEverySecondAndGiveUpAtTheSessionTimeout()
    {
        watch.onHeard(START + 1000 * MS);
        assertEquals(PathWatch.Step.NONE, watch.check(START + 1500 * MS), "heard, but no answer for only 1.5 s");
        assertEquals(PathWatch.Step.MIGRATE, watch.check(START + 1501 * MS), "no answer to its pings");
        assertTrue(watch.isMigrating());
        assertEquals(PathWatch.Step.NONE, watch.check(START + 2500 * MS));
        assertEquals(PathWatch.Step.MIGRATE_AGAIN, watch.check(START + 2502 * MS));
        assertEquals(PathWatch.Step.LOST, watch.check(START + 5001 * MS));
    }

    @Test
    void shouldStayWhileBothWaysWorkAndCapTheSilenceAtHalfTheSessionTimeout()
    {
        final PathWatch patient = new PathWatch(10_000 * MS);
        patient.onAccepted(START, 500 * MS, 2000 * MS);
        for (long t = 100; t <= 3000; t += 100)
        {
            patient.onHeard(START + t * MS);
            patient.onAnswered(START + t * MS);
            assertEquals(PathWatch.Step.NONE, patient.check(START + t * MS));
        }
        assertEquals(PathWatch.Step.MIGRATE, patient.check(START + 4001 * MS), "half of the 2 s session timeout");
        patient.onMigrated();
        assertFalse(patient.isMigrating());
    }

    @Test
    void shouldNotBlameTheClientsOwnStallOnThePath()
    {
        watch.onHeard(START + 1000 * MS);
        watch.onAnswered(START + 1000 * MS);
        // the client's duty cycle did not run from 1.0 s to 7.0 s (beyond the 5 s session timeout)
        watch.onStalled(5900 * MS, START + 7000 * MS);
        assertEquals(PathWatch.Step.NONE, watch.check(START + 7000 * MS), "0.1 s of silence counts, not 6 s");
        assertEquals(PathWatch.Step.MIGRATE, watch.check(START + 8401 * MS), "silent for 1.5 s, not counting the stall");
        assertEquals(PathWatch.Step.LOST, watch.check(START + 11_901 * MS), "5 s after, not counting the stall");
    }

    @Test
    void shouldNeverMoveTheLastHeardTimeIntoTheFuture()
    {
        watch.onHeard(START + 6990 * MS);
        watch.onAnswered(START + 6990 * MS);
        watch.onStalled(5900 * MS, START + 7000 * MS);
        assertEquals(PathWatch.Step.MIGRATE, watch.check(START + 8501 * MS), "1.5 s after it was last heard");
    }
}
