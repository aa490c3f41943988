package io.skirmish.benchmarks.load;

import org.agrona.collections.LongHashSet;

/**
 * Checks one client's view of one room's seq: everything the room sequences (events and membership notices) must
 * come exactly once, in order, from the seq the join announced. Counts seqs skipped (missing, until one turns up
 * late), late arrivals (out of order), repeats (duplicated) and seqs the server replaced with a resync.
 * Not thread-safe.
 */
final class SeqCheck
{
    /** Gaps wider than this are counted but not remembered one by one. */
    private static final int MAX_REMEMBERED_GAP = 10_000;

    private final LongHashSet gaps = new LongHashSet();
    private long next = -1;
    private long missing;
    private long duplicated;
    private long outOfOrder;
    private long resynced;

    /**
     * @param nextSeq seq of the first event the join (or resume) will deliver.
     */
    void onJoined(final long nextSeq)
    {
        if (next < 0)
        {
            next = nextSeq;
        }
        else if (nextSeq > next)
        {
            skip(nextSeq);
        }
    }

    /**
     * @param seq of an event or membership notice, as delivered.
     */
    void onSeq(final long seq)
    {
        if (next < 0 || seq == next)
        {
            next = seq + 1;
        }
        else if (seq > next)
        {
            skip(seq);
            next = seq + 1;
        }
        else if (gaps.remove(seq))
        {
            missing--;
            outOfOrder++;
        }
        else
        {
            duplicated++;
        }
    }

    /**
     * @param seq the room seq the resync's state stands for; delivery goes on after it.
     */
    void onResync(final long seq)
    {
        if (seq >= next)
        {
            resynced += seq + 1 - Math.max(next, 0);
            next = seq + 1;
        }
    }

    private void skip(final long upTo)
    {
        final long width = upTo - next;
        missing += width;
        if (width <= MAX_REMEMBERED_GAP)
        {
            for (long seq = next; seq < upTo; seq++)
            {
                gaps.add(seq);
            }
        }
        next = upTo;
    }

    long missing()
    {
        return missing;
    }

    long duplicated()
    {
        return duplicated;
    }

    long outOfOrder()
    {
        return outOfOrder;
    }

    long resynced()
    {
        return resynced;
    }
}
