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
}
