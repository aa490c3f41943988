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
     * @return lanes whose downstream was asked for and that no session owns yet: handshakes being set up.
     */
    int lanesSettingUp();

    /**
     * Choose the port pair a connection binds its lane on: the one with the fewest sessions assigned.
     *
     * @param previous the pair the session had until now, released first; -1 for none.
     * @return the pair, now counted as assigned.
     */
    int assignPair(int previous);

    /**
     * A session ended: its pair carries one session fewer.
     *
     * @param pair the pair it was assigned, or -1.
     */
    void releasePair(int pair);
}
