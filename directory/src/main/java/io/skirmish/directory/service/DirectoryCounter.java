package io.skirmish.directory.service;

/**
 * The directory's counters, one of each per node, in the node's media driver counters (type ids 4300 to 4319, beside
 * the engine's 4100 to 4299). The service's come from the log, so followers count as the leader does; the node's own
 * ({@link #isNodeCounter()}: snapshots requested, log purges, refused connections) are kept by the node outside the
 * service and differ between nodes.
 */
public enum DirectoryCounter
{
    /** Seats reserved. */
    SEATS_GRANTED(4300, "directory: seats granted"),
    /** Seat requests refused (no capacity, no such room, server dead, no live server). */
    SEATS_REFUSED(4301, "directory: seats refused"),
    /** Seats confirmed: their players became members. */
    SEATS_CONFIRMED(4302, "directory: seats confirmed"),
    /** Seats released by the backend or the room server. */
    SEATS_RELEASED(4303, "directory: seats released"),
    /** Seats that expired unconfirmed. */
    SEATS_EXPIRED(4304, "directory: seats expired"),
    /** New rooms placed on a server by ticket. */
    ROOMS_PLACED(4305, "directory: rooms placed"),
    /** Servers marked dead after missing reports. */
    SERVERS_DEAD(4306, "directory: servers marked dead"),
    /** Malformed, unknown or out-of-range messages, refused with INVALID_REQUEST. */
    INVALID_REQUESTS(4307, "directory: invalid requests"),
    /** Answers the leader could not send to a session (back pressured or gone); the client asks again. */
    REPLIES_DROPPED(4308, "directory: replies dropped"),
    /** Durable rooms of dead servers placed on another server. */
    ROOMS_REPLACED(4309, "directory: rooms re-placed"),
    /** Rooms placed by ticket that their server never reported within the placement timeout, removed. */
    PLACEMENTS_TIMED_OUT(4310, "directory: placements timed out"),
    /** Rooms of dead servers (not durable) removed at the end of the dead server retention. */
    ROOMS_REMOVED(4311, "directory: dead servers' rooms removed"),
    /** Requests from a session whose role may not make them (a backend registering a server, ...), refused. */
    REQUESTS_NOT_AUTHORISED(4312, "directory: requests not authorised"),
    /** Node: snapshots this node asked the cluster for, on its schedule, while it led. */
    SNAPSHOTS_REQUESTED(4313, "directory: snapshots requested", true),
    /** Node: purges of this node's log (and older snapshots) after a snapshot. */
    LOG_PURGES(4314, "directory: log purges", true),
    /** Node: connections to the ingress refused by the authenticator while this node led. */
    CONNECTIONS_REFUSED(4315, "directory: connections refused", true),
    /**
     * Re-placed rooms given back, unopened, to the server they were re-placed from, when it reported them open
     * again (it was alive: a partition or a pause).
     */
    ROOMS_RETURNED(4316, "directory: rooms given back");

    private final int typeId;
    private final String label;
    private final boolean nodeCounter;

    DirectoryCounter(final int typeId, final String label)
    {
        this(typeId, label, false);
    }

    DirectoryCounter(final int typeId, final String label, final boolean nodeCounter)
    {
        this.typeId = typeId;
        this.label = label;
        this.nodeCounter = nodeCounter;
    }

    /**
     * @return true for a counter the node keeps itself, outside the replicated service.
     */
    public boolean isNodeCounter()
    {
        return nodeCounter;
    }

    /**
     * @return the Aeron counter type id.
     */
    public int typeId()
    {
        return typeId;
    }

    /**
     * @return the counter's label (the node id is appended).
     */
    public String label()
    {
        return label;
    }
}
