package io.skirmish.directory.protocol;

/**
 * Type codes of the directory's messages (the header's type field), by where they travel.
 */
public final class DirectoryMessageType
{
    /** Ingress, room server: register with public address, capacity and token key id. */
    public static final int REGISTER_SERVER = 1;
    /** Ingress, room server: rooms, member counts and health. */
    public static final int REPORT = 2;
    /** Ingress, room server: still alive, with its health. */
    public static final int HEARTBEAT = 3;
    /** Ingress, backend: a seat in a named room. */
    public static final int SEAT_BY_ROOM = 4;
    /** Ingress, backend: a seat matched by ticket into a new or existing room. */
    public static final int SEAT_BY_TICKET = 5;
    /** Ingress, backend or room server: the seat's player arrived; it becomes a member. */
    public static final int CONFIRM_SEAT = 6;
    /** Ingress, backend or room server: the seat is not wanted; its space is free again. */
    public static final int RELEASE_SEAT = 7;
    /** Ingress, anyone: describe a room. */
    public static final int DESCRIBE_ROOM = 8;
    /** Egress: the outcome of a request, a result code. */
    public static final int RESULT = 20;
    /** Egress: a seat was reserved. */
    public static final int SEAT_GRANTED = 21;
    /** Egress: a room's state, answering {@link #DESCRIBE_ROOM}. */
    public static final int ROOM_STATUS = 22;
    /** Egress, to a room server: the directory placed a new room on it. */
    public static final int ROOM_PLACED = 23;
    /** Snapshot: first record, with the id sequences. */
    public static final int SNAPSHOT_BEGIN = 40;
    /** Snapshot: one room server. */
    public static final int SNAPSHOT_SERVER = 41;
    /** Snapshot: one room. */
    public static final int SNAPSHOT_ROOM = 42;
    /** Snapshot: one seat reservation. */
    public static final int SNAPSHOT_SEAT = 43;
    /** Snapshot: last record. */
    public static final int SNAPSHOT_END = 44;

    private DirectoryMessageType()
    {
    }
}
