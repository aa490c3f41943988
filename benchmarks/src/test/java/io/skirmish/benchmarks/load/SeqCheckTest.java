package io.skirmish.benchmarks.load;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SeqCheckTest
{
    @Test
    void shouldCountNothingForSeqsInOrderFromTheJoin()
    {
        final SeqCheck check = new SeqCheck();
        check.onJoined(5);
        for (long seq = 5; seq < 10; seq++)
        {
            check.onSeq(seq);
        }
        assertCounts(check, 0, 0, 0, 0);
    }

    @Test
    void shouldCountGapAsMissingUntilTheSeqArrivesLate()
    {
        final SeqCheck check = new SeqCheck();
        check.onJoined(1);
        check.onSeq(1);
        check.onSeq(4);
        assertCounts(check, 2, 0, 0, 0);
        check.onSeq(3);
        assertCounts(check, 1, 0, 1, 0);
        check.onSeq(3);
        assertCounts(check, 1, 1, 1, 0);
    }

    @Test
    void shouldCountSkippedJoinSeqsAndResyncs()
    {
        final SeqCheck check = new SeqCheck();
        check.onJoined(1);
        check.onSeq(1);
        check.onJoined(3);
        assertCounts(check, 1, 0, 0, 0);
        check.onResync(6);
        check.onSeq(7);
        assertCounts(check, 1, 0, 0, 4);
    }

    private static void assertCounts(
        final SeqCheck check, final long missing, final long duplicated, final long outOfOrder, final long resynced)
    {
        assertEquals(missing, check.missing(), "missing");
        assertEquals(duplicated, check.duplicated(), "duplicated");
        assertEquals(outOfOrder, check.outOfOrder(), "out of order");
        assertEquals(resynced, check.resynced(), "resynced");
    }
}
