package io.skirmish.directory.service;

/**
 * A room on a room server, as the directory holds it.
 */
final class RoomEntry
{
    static final int PLACED = 1;
    static final int OPEN = 2;
    static final int ORPHANED = 3;
    static final byte[] NO_PROPERTIES = new byte[0];

    final int id;
    ServerEntry server;
    int kind;
    int state;
    int members;
    int reserved;
    int minPlayers;
    int maxPlayers;
    long reportedAtMs;
    long reportStamp;
    boolean durable;
    /** Re-placed from a dead server, not yet reported by its new one. */
    boolean restore;
    byte[] properties = NO_PROPERTIES;

    RoomEntry(final int id, final ServerEntry server)
    {
        this.id = id;
        this.server = server;
    }

    /**
     * @return re-placed from a server taken for dead and not yet opened by its new server, which defers the restore
     * while the room's archive directory is held by a live process: the room may still be served where it was.
     */
    boolean awaitsRestore()
    {
        return restore && OPEN != state;
    }

    /**
     * Move the room, its members counted, to another server (its seats dropped by the caller).
     *
     * @param target the room's new server.
     */
    void moveTo(final ServerEntry target)
    {
        server.occupied -= members;
        server.rooms.remove(this);
        server = target;
        target.rooms.add(this);
        target.occupied += members;
    }

    int occupied()
    {
        return members + reserved;
    }

    boolean hasProperties(final byte[] other, final int length)
    {
        if (properties.length != length)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (properties[i] != other[i])
            {
                return false;
            }
        }
        return true;
    }
}
