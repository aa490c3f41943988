package io.skirmish.directory.service;

import io.skirmish.directory.protocol.ReportFlyweight;

import java.util.ArrayList;

/**
 * A registered room server, as the directory holds it.
 */
final class ServerEntry
{
    static final int ALIVE = 1;
    static final int DEAD = 2;

    final int id;
    final ArrayList<RoomEntry> rooms = new ArrayList<>();
    int capacity;
    int tokenKeyId;
    String address;
    int state;
    int health;
    long sessionId;
    long lastReportAtMs;
    /** Members plus reserved players over all its rooms. */
    int occupied;

    /** The report in parts being received: its number, the next part index expected (-1 for none), its stamp. */
    private int partNumber;
    private int nextPart = -1;
    private long partsStamp;

    ServerEntry(final int id)
    {
        this.id = id;
    }

    /**
     * A part of a report in parts: the parts of one report, in order with none missing, share one stamp (the first
     * part's), so that the last of them closes the rooms none of them named. A part out of order starts nothing.
     * Not in snapshots: after a restart the next complete report counts.
     *
     * @param flags     the part's report flags.
     * @param nextStamp a fresh stamp, used for a first part.
     * @return the stamp the part's rooms get.
     */
    long partStamp(final int flags, final long nextStamp)
    {
        final int index = ReportFlyweight.partIndex(flags);
        if (0 == index)
        {
            partNumber = ReportFlyweight.partNumber(flags);
            partsStamp = nextStamp;
            nextPart = 1;
            return partsStamp;
        }
        if (index == nextPart && partNumber == ReportFlyweight.partNumber(flags))
        {
            nextPart++;
            return partsStamp;
        }
        nextPart = -1;
        return nextStamp;
    }

    /**
     * @param flags the flags of the part just applied by {@link #partStamp(int, long)}.
     * @return true when it completed its report: the last part, every one before it received in order.
     */
    boolean isLastPart(final int flags)
    {
        final int count = ReportFlyweight.partCount(flags);
        if (nextPart > 0 && nextPart == count && ReportFlyweight.partIndex(flags) == count - 1)
        {
            nextPart = -1;
            return true;
        }
        return false;
    }

    boolean isAlive()
    {
        return ALIVE == state;
    }

    /**
     * A new leadership term began (an election, or the cluster's start), and no server could reach the directory
     * while there was no leader: a live server's timeout counts again from the term's log timestamp. Kept in
     * {@link #lastReportAtMs}, so it is in every snapshot; its server timer, firing at the old deadline, moves on.
     *
     * @param termTimestampMs the new term's timestamp in the log, the same on every node.
     */
    void freshDeadline(final long termTimestampMs)
    {
        if (isAlive() && termTimestampMs - lastReportAtMs > 0)
        {
            lastReportAtMs = termTimestampMs;
        }
    }
}
