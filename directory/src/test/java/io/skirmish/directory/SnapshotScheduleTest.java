package io.skirmish.directory;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SnapshotScheduleTest
{
    @Test
    void shouldBeDueAfterTheIntervalOnlyWhenTheLogMoved()
    {
        final SnapshotSchedule schedule = new SnapshotSchedule(1_000, 0, 0, 500);
        assertFalse(schedule.isDue(999, 600), "within the interval");
        assertTrue(schedule.isDue(1_000, 600));
        assertFalse(schedule.isDue(5_000, 500), "an idle log is not snapshotted again");
        schedule.onSnapshot(1_000, 600);
        assertFalse(schedule.isDue(1_999, 10_000_000), "no size trigger");
        assertTrue(schedule.isDue(2_000, 601));
    }

    @Test
    void shouldBeDueAfterTheLogGrewBySomeBytes()
    {
        final SnapshotSchedule schedule = new SnapshotSchedule(0, 1_024, 0, 0);
        assertFalse(schedule.isDue(Long.MAX_VALUE / 2, 1_023), "no time trigger");
        assertTrue(schedule.isDue(1, 1_024));
        schedule.onSnapshot(1, 1_024);
        assertFalse(schedule.isDue(2, 2_047));
        assertTrue(schedule.isDue(2, 2_048));
    }

    @Test
    void shouldTakeWhicheverComesFirst()
    {
        final SnapshotSchedule schedule = new SnapshotSchedule(1_000, 1_024, 0, 0);
        assertTrue(schedule.isDue(10, 1_024), "size first");
        schedule.onSnapshot(10, 1_024);
        assertTrue(schedule.isDue(1_010, 1_025), "time first");
        assertFalse(schedule.isDue(1_009, 1_025));
    }
}
