package io.skirmish.benchmarks.rig;

import io.skirmish.engine.server.GameServer;

/**
 * Spectators watching a durable room behind a delay while its players play: the load whose effect on the players'
 * round trip {@code DurableRoundTripBenchmark} measures. Started once the players are in the room: {@link #none()},
 * or {@code count} spectator clients ({@code GameClient.spectate}) on a driver and a thread of their own.
 */
public interface SpectatorLoad extends AutoCloseable
{
    /**
     * @param count          spectators; 0 for {@link #none()}.
     * @param server         the players' server (its archive holds the room's recording; unused by the clients).
     * @param serverEndpoint host:port the spectators connect to.
     * @param roomId         the durable room they watch.
     * @param delayNs        how far behind the live room they watch; negative: connected sessions only, no feed.
     * @return the running load.
     */
    static SpectatorLoad launch(
        final int count, final GameServer server, final String serverEndpoint, final int roomId, final long delayNs)
    {
        return 0 == count ? none() : new EngineSpectators(count, serverEndpoint, roomId, delayNs);
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

            public int count()
            {
                return 0;
            }

            public long framesReceived(final int spectator)
            {
                throw new IndexOutOfBoundsException(spectator);
            }

            public void close()
            {
            }
        };
    }

    /**
     * Drive what runs on the benchmark thread (nothing: the spectators have their own thread).
     *
     * @return work count.
     */
    int poll();

    /**
     * @return recorded frames the spectators were handed so far, summed (to show they kept up).
     */
    long framesReceived();

    /**
     * @return how many spectators.
     */
    int count();

    /**
     * @param spectator index, 0 to {@link #count()} - 1.
     * @return recorded frames that spectator was handed so far (any thread).
     */
    long framesReceived(int spectator);

    /**
     * Disconnect every spectator.
     */
    void close();
}
