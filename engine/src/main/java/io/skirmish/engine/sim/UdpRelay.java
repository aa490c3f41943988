package io.skirmish.engine.sim;

import io.skirmish.engine.transport.LocalRelay;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UDP relay that behaves like a NAT: each {@link #addRoute route} listens on a front address; for every distinct
 * client address that sends to it, the relay opens a fresh upstream socket (new source address and port) towards the
 * route's target and carries replies back. Every datagram, in both directions, goes through a
 * {@link NetworkSimulator}, so the relay doubles as the fault injector for real UDP traffic.
 * <p>
 * Drive it with {@link #poll(long)} from one thread (it is an Agrona {@link Agent} too, for an {@code AgentRunner}).
 * Mappings idle for longer than {@link #mappingTimeoutNs} are closed, as a NAT forgets them; {@link #rebindMappings()}
 * forgets them all at once, as a NAT that restarts or rebinds does, and may be called from any thread.
 */
public final class UdpRelay implements Agent, LocalRelay
{
    private static final int MAX_DATAGRAM = 65_536;
    private static final int UPSTREAM = 0;
    private static final int DOWNSTREAM = 1;

    private final NetworkSimulator simulator;
    private final String bindHost;
    private final String upstreamHost;
    private final NanoClock clock;
    private final ByteBuffer receiveBuffer = ByteBuffer.allocateDirect(MAX_DATAGRAM);
    private final UnsafeBuffer receiveView = new UnsafeBuffer(receiveBuffer);
    private final ByteBuffer sendBuffer = ByteBuffer.allocateDirect(MAX_DATAGRAM);
    private final List<Route> routes = new ArrayList<>();
    private final List<Mapping> mappings = new ArrayList<>();
    private final long mappingTimeoutNs = 30_000_000_000L;
    private final NetworkSimulator.PacketHandler deliverHandler = this::deliver;
    private final AtomicLong rebindsRequested = new AtomicLong();
    private volatile long rebindsDone;
    private long datagramsForwarded;
    private long datagramsToForgottenMappings;

    private static final class Route
    {
        final DatagramChannel front;
        final InetSocketAddress target;
        final Map<SocketAddress, Mapping> byClient = new HashMap<>();

        Route(final DatagramChannel front, final InetSocketAddress target)
        {
            this.front = front;
            this.target = target;
        }
    }

    private static final class Mapping
    {
        final Route route;
        final SocketAddress client;
        final DatagramChannel upstream;
        final int index;
        long lastActivityNs;
        boolean forgotten;

        Mapping(final Route route, final SocketAddress client, final DatagramChannel upstream, final int index)
        {
            this.route = route;
            this.client = client;
            this.upstream = upstream;
            this.index = index;
        }
    }

    /**
     * @param bindHost  local address for front and upstream sockets, e.g. {@code 127.0.0.2}.
     * @param simulator applied to every datagram in both directions.
     */
    public UdpRelay(final String bindHost, final NetworkSimulator simulator)
    {
        this(bindHost, bindHost, simulator, SystemNanoClock.INSTANCE);
    }

    /**
     * @param bindHost     local address of the front sockets that clients send to.
     * @param upstreamHost local address of the upstream sockets (one per client mapping), e.g. {@code 0.0.0.0}.
     * @param simulator    applied to every datagram in both directions.
     * @param clock        for {@link #doWork()}.
     */
    public UdpRelay(
        final String bindHost, final String upstreamHost, final NetworkSimulator simulator, final NanoClock clock)
    {
        this.bindHost = bindHost;
        this.upstreamHost = upstreamHost;
        this.simulator = simulator;
        this.clock = clock;
    }

    /**
     * Listen on {@code bindHost:frontPort} and relay to a target.
     *
     * @param frontPort  port to listen on, 0 for any free port.
     * @param targetHost host of the target.
     * @param targetPort port of the target.
     * @return the bound front port.
     */
    public int addRoute(final int frontPort, final String targetHost, final int targetPort)
    {
        try
        {
            final DatagramChannel front = DatagramChannel.open(StandardProtocolFamily.INET);
            front.bind(new InetSocketAddress(bindHost, frontPort));
            front.configureBlocking(false);
            routes.add(new Route(front, new InetSocketAddress(targetHost, targetPort)));
            return ((InetSocketAddress)front.getLocalAddress()).getPort();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * {@inheritDoc}
     */
    public boolean isDrained()
    {
        return simulator.inFlight() == 0;
    }

    /**
     * @return the simulator in use.
     */
    public NetworkSimulator simulator()
    {
        return simulator;
    }

    /**
     * @return datagrams delivered in either direction.
     */
    public long datagramsForwarded()
    {
        return datagramsForwarded;
    }

    /**
     * @return number of live client mappings.
     */
    public int mappingCount()
    {
        int count = 0;
        for (int i = 0, n = mappings.size(); i < n; i++)
        {
            final Mapping mapping = mappings.get(i);
            if (null != mapping && !mapping.forgotten)
            {
                count++;
            }
        }
        return count;
    }

    /**
     * Forget every client mapping, as a NAT does when it restarts or rebinds: every upstream socket is closed, so the
     * next datagram from a client creates a new mapping with a new source port towards the target, while the
     * target's replies to the old ports go nowhere (as do datagrams still in the simulator for an old mapping, in
     * either direction). Routes (the front sockets) stay.
     * <p>
     * Thread-safe: it may be called from any thread. The mappings are forgotten at the start of the next
     * {@link #poll(long)}, on the thread that drives the relay (sockets are only ever touched there);
     * {@link #rebindsDone()} tells when.
     *
     * @return the number of rebinds asked for so far, this one included: it is done once {@link #rebindsDone()}
     * reaches it.
     */
    public long rebindMappings()
    {
        return rebindsRequested.incrementAndGet();
    }

    /**
     * @return the number of {@link #rebindMappings()} requests carried out; any thread.
     */
    public long rebindsDone()
    {
        return rebindsDone;
    }

    /**
     * @return datagrams dropped because the mapping they travelled on was forgotten by {@link #rebindMappings()}; read
     * on the thread that drives the relay.
     */
    public long datagramsToForgottenMappings()
    {
        return datagramsToForgottenMappings;
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        return poll(clock.nanoTime());
    }

    /**
     * Read what arrived on every socket, pass it through the simulator and deliver what is due.
     *
     * @param nowNs current time.
     * @return work count.
     */
    public int poll(final long nowNs)
    {
        int work = 0;
        final long requested = rebindsRequested.get();
        if (requested != rebindsDone)
        {
            forgetMappings();
            rebindsDone = requested;
            work++;
        }
        else if (simulator.inFlight() == 0)
        {
            releaseForgottenMappings();
        }
        try
        {
            for (int i = 0, n = routes.size(); i < n; i++)
            {
                final Route route = routes.get(i);
                SocketAddress from;
                while (null != (from = receive(route.front)))
                {
                    Mapping mapping = route.byClient.get(from);
                    if (null == mapping)
                    {
                        mapping = newMapping(route, from);
                    }
                    mapping.lastActivityNs = nowNs;
                    simulator.send(nowNs, receiveView, 0, receiveBuffer.position(), mapping.index << 1 | UPSTREAM);
                    work++;
                }
            }
            for (int i = 0, n = mappings.size(); i < n; i++)
            {
                final Mapping mapping = mappings.get(i);
                if (null == mapping || mapping.forgotten)
                {
                    continue;
                }
                while (null != receive(mapping.upstream))
                {
                    mapping.lastActivityNs = nowNs;
                    simulator.send(
                        nowNs, receiveView, 0, receiveBuffer.position(), mapping.index << 1 | DOWNSTREAM);
                    work++;
                }
                if (nowNs - mapping.lastActivityNs > mappingTimeoutNs)
                {
                    closeMapping(mapping);
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        work += simulator.poll(nowNs, deliverHandler, 4096);
        return work;
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return "udp-relay";
    }

    /**
     * {@inheritDoc}
     */
    public void onClose()
    {
        close();
    }

    /**
     * Close every socket.
     */
    public void close()
    {
        for (final Mapping mapping : mappings)
        {
            if (null != mapping)
            {
                CloseHelper.quietClose(mapping.upstream);
            }
        }
        mappings.clear();
        for (final Route route : routes)
        {
            CloseHelper.quietClose(route.front);
        }
        routes.clear();
    }

    private SocketAddress receive(final DatagramChannel channel) throws IOException
    {
        receiveBuffer.clear();
        final SocketAddress from = channel.receive(receiveBuffer);
        return from;
    }

    private Mapping newMapping(final Route route, final SocketAddress client) throws IOException
    {
        final DatagramChannel upstream = DatagramChannel.open(StandardProtocolFamily.INET);
        upstream.bind(new InetSocketAddress(upstreamHost, 0));
        upstream.configureBlocking(false);
        int index = mappings.indexOf(null);
        if (index < 0)
        {
            index = mappings.size();
            mappings.add(null);
        }
        final Mapping mapping = new Mapping(route, client, upstream, index);
        mappings.set(index, mapping);
        route.byClient.put(client, mapping);
        return mapping;
    }

    /**
     * Close every mapping's upstream socket and take it off its route; its slot stays taken (so that datagrams still
     * in the simulator for it are dropped rather than carried by a new mapping in the same slot) until the simulator
     * is empty.
     */
    private void forgetMappings()
    {
        for (int i = 0, n = mappings.size(); i < n; i++)
        {
            final Mapping mapping = mappings.get(i);
            if (null != mapping && !mapping.forgotten)
            {
                mapping.forgotten = true;
                mapping.route.byClient.remove(mapping.client);
                CloseHelper.quietClose(mapping.upstream);
            }
        }
    }

    private void releaseForgottenMappings()
    {
        for (int i = 0, n = mappings.size(); i < n; i++)
        {
            final Mapping mapping = mappings.get(i);
            if (null != mapping && mapping.forgotten)
            {
                mappings.set(i, null);
            }
        }
    }

    private void closeMapping(final Mapping mapping)
    {
        mapping.route.byClient.remove(mapping.client);
        mappings.set(mapping.index, null);
        CloseHelper.quietClose(mapping.upstream);
    }

    private void deliver(final byte[] data, final int length, final int tag)
    {
        final int index = tag >>> 1;
        final Mapping mapping = index < mappings.size() ? mappings.get(index) : null;
        if (null == mapping)
        {
            return;
        }
        if (mapping.forgotten)
        {
            datagramsToForgottenMappings++;
            return;
        }
        sendBuffer.clear();
        sendBuffer.put(data, 0, length).flip();
        try
        {
            if ((tag & 1) == UPSTREAM)
            {
                mapping.upstream.send(sendBuffer, mapping.route.target);
            }
            else
            {
                mapping.route.front.send(sendBuffer, mapping.client);
            }
            datagramsForwarded++;
        }
        catch (final IOException ignore)
        {
            // a datagram that cannot be sent is lost, as on a real network
        }
    }
}
