package io.skirmish.engine.server;

import io.skirmish.engine.protocol.FeedRequestFlyweight;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A feed cursor's flush schedule: once an interval, in its phase, and at once when asked (a resend, a window that
 * opened, the rest of a flush).
 */
class FeedCursorTest
{
    private static final long INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long START_NS = TimeUnit.SECONDS.toNanos(100);

    @Test
    void shouldFlushOnceAnIntervalInItsPhaseAndAtOnceWhenAsked()
    {
        final FeedCursor cursor = new FeedCursor(null, 1, 1, FeedRequestFlyweight.SPECTATE, 1);
        final long phaseNs = TimeUnit.MILLISECONDS.toNanos(20);
        cursor.nextFlushNs = START_NS + phaseNs;

        assertFalse(cursor.takeFlush(START_NS, INTERVAL_NS), "not before its phase");
        assertFalse(cursor.takeFlush(START_NS + phaseNs - 1, INTERVAL_NS));
        assertTrue(cursor.takeFlush(START_NS + phaseNs, INTERVAL_NS), "at its phase");
        assertFalse(cursor.takeFlush(START_NS + phaseNs + 1, INTERVAL_NS), "once an interval");
        assertFalse(cursor.takeFlush(START_NS + phaseNs + INTERVAL_NS - 1, INTERVAL_NS));
        assertTrue(cursor.takeFlush(START_NS + phaseNs + INTERVAL_NS + 3, INTERVAL_NS), "the next, late by 3 ns");
        assertFalse(cursor.takeFlush(START_NS + phaseNs + 2 * INTERVAL_NS - 1, INTERVAL_NS), "the phase is kept");
        assertTrue(cursor.takeFlush(START_NS + phaseNs + 2 * INTERVAL_NS, INTERVAL_NS));

        cursor.flushNow = true;
        assertTrue(cursor.takeFlush(START_NS + phaseNs + 2 * INTERVAL_NS + 1, INTERVAL_NS), "at once when asked");
        assertFalse(cursor.takeFlush(START_NS + phaseNs + 2 * INTERVAL_NS + 2, INTERVAL_NS), "once");

        // a stall of several intervals: one flush, then the schedule goes on from now
        final long lateNs = START_NS + phaseNs + 10 * INTERVAL_NS + 7;
        assertTrue(cursor.takeFlush(lateNs, INTERVAL_NS));
        assertFalse(cursor.takeFlush(lateNs + INTERVAL_NS - 1, INTERVAL_NS), "no burst of missed flushes");
        assertTrue(cursor.takeFlush(lateNs + INTERVAL_NS, INTERVAL_NS));
    }

    @Test
    void shouldFlushOnEveryCallWithoutAnInterval()
    {
        final FeedCursor cursor = new FeedCursor(null, 1, 1, FeedRequestFlyweight.SPECTATE, 1);
        cursor.nextFlushNs = START_NS;
        assertTrue(cursor.takeFlush(START_NS, 0));
        assertTrue(cursor.takeFlush(START_NS, 0));
        assertTrue(cursor.takeFlush(START_NS + 1, 0));
    }
}
