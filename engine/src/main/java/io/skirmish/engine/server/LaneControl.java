package io.skirmish.engine.server;

/**
 * What the handshake and the session registry may ask of the lanes: an answering publication for a lane that has
 * proven itself, closing a lane, and which port pair a session binds on. The {@link LaneRegistry} does it over Aeron;
 * unit tests fake it.
 */
interface LaneControl
{
    /**
     * Ask for the lane's answering publication, once.
     *
     * @param lane a lane in its handshake.
     */
    void requestPublication(Lane lane);

    /**
     * Close the lane and its publication (later, if the publication is still being added).
     *
     * @param lane the lane.
     */
    void close(Lane lane);

    /**
     * Keep watching a lane in its handshake until it is claimed by a session, ready or timed out.
     *
     * @param lane the lane.
     */
    void watch(Lane lane);

    /**
     * @return the port pair a new connection binds its lane on.
     */
    int assignPair();

    /**
     * A session's lane changes: the per-pair counts follow.
     *
     * @param from the lane it leaves, or null.
     * @param to   the lane it takes, or null.
     */
    void onSessionLane(Lane from, Lane to);
}
