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

/**
 * The client's four Aeron streams to one server: a reliable control publication and the events subscription that
 * answers it, an unreliable input publication and the snapshot subscription that answers it. Each connect attempt
 * opens them afresh. When the game asks for a network simulator, every lane goes through a NAT-like relay in this
 * process. Only this class creates or closes the client's publications and subscriptions. Client thread only.
 */
final class ClientLanes
{
    private final Aeron aeron;
    private final GameClient.Context ctx;
    private final LocalRelay relay;
    private final String serverEndpoint;
    private final String serverResponseEndpoint;
    private Subscription events;
    private Subscription snapshots;
    private ExclusivePublication control;
    private ExclusivePublication input;
    private Outlet controlOutlet;
    private Outlet inputOutlet;

    ClientLanes(final Aeron aeron, final GameClient.Context ctx, final NanoClock clock)
    {
        this.aeron = aeron;
        this.ctx = ctx;
        if (null != ctx.relayFactory())
        {
            relay = ctx.relayFactory().newRelay(ctx.simulatorBindHost, clock);
            serverEndpoint = route(ctx.server());
            serverResponseEndpoint = route(ctx.serverResponseEndpoint());
        }
        else
        {
            relay = null;
            serverEndpoint = ctx.server();
            serverResponseEndpoint = ctx.serverResponseEndpoint();
        }
    }

    private String route(final String endpoint)
    {
        final int colon = endpoint.lastIndexOf(':');
        final int port = relay.addRoute(0, endpoint.substring(0, colon), Integer.parseInt(endpoint.substring(colon + 1)));
        return ctx.simulatorBindHost + ":" + port;
    }

    void open()
    {
        events = aeron.addSubscription(
            Lanes.clientResponseSubscription(serverResponseEndpoint, true), Lanes.EVENTS_STREAM_ID);
        control = aeron.addExclusivePublication(
            Lanes.clientRequestPublication(
                serverEndpoint, events.registrationId(), ctx.reliableTermLength(), ctx.mtuLength()),
            Lanes.CONTROL_STREAM_ID);
        snapshots = aeron.addSubscription(
            Lanes.clientResponseSubscription(serverResponseEndpoint, false), Lanes.SNAPSHOT_STREAM_ID);
        input = aeron.addExclusivePublication(
            Lanes.clientRequestPublication(
                serverEndpoint, snapshots.registrationId(), ctx.unreliableTermLength(), ctx.mtuLength()),
            Lanes.INPUT_STREAM_ID);
        controlOutlet = new PublicationOutlet(control);
        inputOutlet = new PublicationOutlet(input);
    }

    void close()
    {
        CloseHelper.quietCloseAll(control, input, events, snapshots);
        control = null;
        input = null;
        events = null;
        snapshots = null;
        controlOutlet = null;
        inputOutlet = null;
    }

    /**
     * Close the lanes and the relay.
     */
    void closeAll()
    {
        close();
        CloseHelper.quietClose(relay);
    }

    Outlet control()
    {
        return controlOutlet;
    }

    Outlet input()
    {
        return inputOutlet;
    }

    ExclusivePublication controlPublication()
    {
        return control;
    }

    boolean isControlConnected()
    {
        return null != control && control.isConnected();
    }

    boolean isInputConnected()
    {
        return null != input && input.isConnected();
    }

    boolean isEventsConnected()
    {
        return null != events && events.isConnected();
    }

    int pollEvents(final FragmentHandler handler, final int limit)
    {
        return events.poll(handler, limit);
    }

    int pollSnapshots(final FragmentHandler handler, final int limit)
    {
        return snapshots.poll(handler, limit);
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
