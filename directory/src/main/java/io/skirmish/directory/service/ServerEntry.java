package io.skirmish.directory.service;

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

    ServerEntry(final int id)
    {
        this.id = id;
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
