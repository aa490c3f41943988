package io.skirmish.benchmarks.rig;

import io.skirmish.engine.server.GameServer;

/**
 * Spectators watching a durable room behind a delay while its players play: the load whose effect on the players'
 * round trip {@code DurableRoundTripBenchmark} measures. Started once the players are in the room; polled by the
 * benchmark thread between round trips (a spectator client is driven like a player's).
 * <p>
 * <b>Hook for the spectators of issue 16</b> (branch {@code spectate}): the engine on this branch has no spectator
 * API yet, so {@link #none()} is the only load; a spectator implementation connects {@code count} spectator clients
 * to {@code server} on {@code serverEndpoint}, each following {@code roomId} behind {@code delayNs}, and adds itself
 * to {@link #launch}.
 */
public interface SpectatorLoad extends AutoCloseable
{
    /**
     * @param count          spectators; 0 for {@link #none()}.
     * @param server         the players' server (its archive holds the room's recording).
     * @param serverEndpoint host:port the spectators connect to.
     * @param roomId         the durable room they watch.
     * @param delayNs        how far behind the live room they watch.
     * @return the running load.
     * @throws IllegalArgumentException when spectators are asked for and this build has no spectator API.
     */
    static SpectatorLoad launch(
        final int count, final GameServer server, final String serverEndpoint, final int roomId, final long delayNs)
    {
        if (0 == count)
        {
            return none();
        }
        throw new IllegalArgumentException(
            count + " spectators asked for, but this build has no spectator API (branch spectate)");
    }

    /**
     * @return no spectators.
     */
    static SpectatorLoad none()
    {
        return new SpectatorLoad()
        {
            public int poll()
            {
                return 0;
            }

            public long framesReceived()
            {
                return 0;
            }

            public void close()
            {
            }
        };
    }

    /**
     * Drive the spectators (benchmark thread).
     *
     * @return work count.
     */
    int poll();

    /**
     * @return recorded frames the spectators were handed so far, summed (to show they kept up).
     */
    long framesReceived();

    /**
     * Disconnect every spectator.
     */
    void close();
}
