package io.skirmish.engine.client;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.skirmish.engine.transport.Lanes;
import io.skirmish.engine.transport.LocalRelay;
import io.skirmish.engine.transport.Outlet;
import io.skirmish.engine.transport.PublicationOutlet;
import org.agrona.CloseHelper;
import org.agrona.concurrent.NanoClock;

import java.util.HashMap;

/**
 * The client's two Aeron streams to one server: the upstream publication and the downstream subscription that
 * answers it, both on one of the server's port pairs. Each connect attempt opens them afresh. While the session
 * moves to other lanes (to the port pair the server assigned, or off a path that went silent) a second pair is open
 * beside the first until the server confirms the move. When the game asks for a network simulator, every lane goes
 * through a NAT-like relay in this process. Only this class creates or closes the client's publications and
 * subscriptions. Client thread only.
 */
final class ClientLanes
{
    /** One upstream and the downstream that answers it. */
    static final class Pair
    {
        final int portPair;
        final Subscription downstream;
        final ExclusivePublication upstream;
        final Outlet outlet;

        Pair(final int portPair, final Subscription downstream, final ExclusivePublication upstream)
        {
            this.portPair = portPair;
            this.downstream = downstream;
            this.upstream = upstream;
            this.outlet = new PublicationOutlet(upstream);
        }

        boolean isUpstreamConnected()
        {
            return upstream.isConnected();
        }

        void close()
        {
            CloseHelper.quietCloseAll(upstream, downstream);
        }
    }

    private final Aeron aeron;
    private final GameClient.Context ctx;
    private final LocalRelay relay;
    private final HashMap<String, String> routedEndpoints = new HashMap<>();
    private Pair current;
    private Pair next;

    ClientLanes(final Aeron aeron, final GameClient.Context ctx, final NanoClock clock)
    {
        this.aeron = aeron;
        this.ctx = ctx;
        this.relay = null == ctx.relayFactory() ? null : ctx.relayFactory().newRelay(ctx.simulatorBindHost, clock);
    }

    private String endpoint(final String serverEndpoint, final int portPair)
    {
        final String endpoint = Lanes.pairEndpoint(serverEndpoint, portPair);
        if (null == relay)
        {
            return endpoint;
        }
        return routedEndpoints.computeIfAbsent(endpoint, (key) ->
        {
            final int colon = endpoint.lastIndexOf(':');
            final int port = relay.addRoute(
                0, endpoint.substring(0, colon), Integer.parseInt(endpoint.substring(colon + 1)));
            return ctx.simulatorBindHost + ":" + port;
        });
    }

    private Pair openPair(final int portPair)
    {
        Subscription downstream = null;
        try
        {
            // each pair gets sockets of its own (a new source port for each lane), even while the pair it replaces
            // is still open: Aeron would otherwise share one socket among channels to the same endpoint
            downstream = aeron.addSubscription(
                Lanes.clientResponseSubscription(endpoint(ctx.serverResponseEndpoint(), portPair),
                    aeron.nextCorrelationId()),
                Lanes.DOWNSTREAM_STREAM_ID);
            final ExclusivePublication upstream = aeron.addExclusivePublication(
                Lanes.clientRequestPublication(endpoint(ctx.server(), portPair), downstream.registrationId(),
                    ctx.termLength(), ctx.mtuLength(), aeron.nextCorrelationId()),
                Lanes.UPSTREAM_STREAM_ID);
            return new Pair(portPair, downstream, upstream);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(downstream);
            throw ex;
        }
    }

    /**
     * Fresh lanes for a connect attempt, on the server's first port pair; any others are closed.
     */
    void open()
    {
        close();
        current = openPair(0);
    }

    /**
     * Open a second pair of lanes beside the current one, to move the session to.
     *
     * @param portPair the server's port pair.
     */
    void openNext(final int portPair)
    {
        closeNext();
        next = openPair(portPair);
    }

    /**
     * The server confirmed the move: the second pair becomes the current one and the first is closed.
     */
    void promoteNext()
    {
        if (null != next)
        {
            current.close();
            current = next;
            next = null;
        }
    }

    void closeNext()
    {
        if (null != next)
        {
            next.close();
            next = null;
        }
    }

    void close()
    {
        closeNext();
        if (null != current)
        {
            current.close();
            current = null;
        }
    }

    /**
     * Close the lanes and the relay.
     */
    void closeAll()
    {
        close();
        CloseHelper.quietClose(relay);
    }

    /**
     * @return the current upstream, or null when closed.
     */
    Outlet upstream()
    {
        return null == current ? null : current.outlet;
    }

    /**
     * @return the upstream of the pair being moved to, or null.
     */
    Outlet nextUpstream()
    {
        return null == next ? null : next.outlet;
    }

    ExclusivePublication upstreamPublication()
    {
        return null == current ? null : current.upstream;
    }

    boolean hasNext()
    {
        return null != next;
    }

    int currentPortPair()
    {
        return null == current ? 0 : current.portPair;
    }

    boolean isUpstreamConnected()
    {
        return null != current && current.isUpstreamConnected();
    }

    boolean isNextUpstreamConnected()
    {
        return null != next && next.isUpstreamConnected();
    }

    boolean isDownstreamConnected()
    {
        return null != current && current.downstream.isConnected();
    }

    /**
     * Poll the current downstream and the one being moved to.
     *
     * @return fragments read.
     */
    int pollDownstream(final FragmentHandler handler, final int limit)
    {
        int fragments = null == current ? 0 : current.downstream.poll(handler, limit);
        if (null != next)
        {
            fragments += next.downstream.poll(handler, limit);
        }
        return fragments;
    }

    int pollRelay(final long nowNs)
    {
        return null == relay ? 0 : relay.poll(nowNs);
    }

    LocalRelay relay()
    {
        return relay;
    }
}
