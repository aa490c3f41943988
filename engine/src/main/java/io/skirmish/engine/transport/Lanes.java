package io.skirmish.engine.transport;

import io.aeron.ChannelUriStringBuilder;

import java.util.concurrent.TimeUnit;

/**
 * Stream ids and channel URIs of a client's two lanes, one each way, both unreliable at the Aeron level: the engine's
 * own sequencing (room and direct seqs, the client's reliable seq, acks, replays) makes what must arrive arrive, and
 * nothing waits behind a lost datagram. Clients initiate every flow: the server subscribes to requests on each of its
 * port pairs' request port and answers on per-client response channels ({@code control-mode=response}) from the
 * pair's response port, so it never needs a client's address from a payload and works through NATs and relays.
 * <pre>
 *   client                                              server
 *   upstream pub    --(UPSTREAM_STREAM, reliable=false)-->    upstream sub   (endpoint=host:port of pair k)
 *   downstream sub  &lt;--(DOWNSTREAM_STREAM, reliable=false)--  downstream pub (control=host:responsePort of pair k)
 * </pre>
 * Port pair {@code k} is {@code port + 2k} and {@code responsePort + 2k}.
 */
public final class Lanes
{
    /** Stream id of the client's upstream lane (client to server). */
    public static final int UPSTREAM_STREAM_ID = 0x5C01;
    /** Stream id of the server's downstream lane (server to client). */
    public static final int DOWNSTREAM_STREAM_ID = 0x5C03;

    /**
     * How long a closed lane's publication stays: long enough to send its end-of-stream heartbeat (after 100 ms of
     * nothing), so that the far side sees the lane end at once rather than at the image liveness timeout.
     */
    public static final long LINGER_NS = TimeUnit.MILLISECONDS.toNanos(250);

    private Lanes()
    {
    }

    /**
     * @param basePort the port of pair 0.
     * @param pair     index of a port pair.
     * @return the port of that pair.
     */
    public static int pairPort(final int basePort, final int pair)
    {
        return basePort + 2 * pair;
    }

    /**
     * @param hostAndPort an endpoint of pair 0.
     * @param pair        index of a port pair.
     * @return the same host with the port of that pair.
     */
    public static String pairEndpoint(final String hostAndPort, final int pair)
    {
        if (0 == pair)
        {
            return hostAndPort;
        }
        final int colon = hostAndPort.lastIndexOf(':');
        return hostAndPort.substring(0, colon + 1) + pairPort(Integer.parseInt(hostAndPort.substring(colon + 1)), pair);
    }

    /**
     * @param host address the server binds.
     * @param port the pair's request port.
     * @return the server's subscription to client upstreams on one pair.
     */
    public static String serverRequestSubscription(final String host, final int port)
    {
        return new ChannelUriStringBuilder()
            .media("udp")
            .endpoint(host + ":" + port)
            .reliable(false)
            .build();
    }

    /**
     * @param host          address the server binds.
     * @param responsePort  the pair's response port.
     * @param correlationId the client image's correlation id, or the prototype's.
     * @param termLength    term length.
     * @param mtu           MTU.
     * @return the server's per-client downstream publication.
     */
    public static String serverResponsePublication(
        final String host, final int responsePort, final String correlationId, final int termLength, final int mtu)
    {
        return new ChannelUriStringBuilder()
            .media("udp")
            .controlMode("response")
            .controlEndpoint(host + ":" + responsePort)
            .responseCorrelationId(correlationId)
            .termLength(termLength)
            .mtu(mtu)
            .linger(LINGER_NS)
            .build();
    }

    /**
     * @param serverResponseEndpoint the server's response endpoint of the pair.
     * @param channelTag             a tag no other channel of the media driver has (e.g. a fresh
     *                               {@code Aeron.nextCorrelationId()}), so that the subscription gets a UDP socket
     *                               of its own rather than sharing that of the lanes it replaces.
     * @return the client's downstream subscription.
     */
    public static String clientResponseSubscription(final String serverResponseEndpoint, final long channelTag)
    {
        return new ChannelUriStringBuilder()
            .media("udp")
            .controlMode("response")
            .controlEndpoint(serverResponseEndpoint)
            .reliable(false)
            .tags(Long.toString(channelTag))
            .build();
    }

    /**
     * @param serverEndpoint        the server's request endpoint of the pair.
     * @param responseCorrelationId registration id of the client's downstream subscription.
     * @param termLength            term length.
     * @param mtu                   MTU.
     * @param channelTag            a tag no other channel of the media driver has (e.g. a fresh
     *                              {@code Aeron.nextCorrelationId()}): Aeron gives publications to the same endpoint
     *                              one shared UDP socket, so without it the lanes a session moves to would send from
     *                              the source port of the lanes they replace.
     * @return the client's upstream publication.
     */
    public static String clientRequestPublication(
        final String serverEndpoint,
        final long responseCorrelationId,
        final int termLength,
        final int mtu,
        final long channelTag)
    {
        return new ChannelUriStringBuilder()
            .media("udp")
            .endpoint(serverEndpoint)
            .responseCorrelationId(responseCorrelationId)
            .termLength(termLength)
            .mtu(mtu)
            .linger(LINGER_NS)
            .tags(Long.toString(channelTag))
            .build();
    }
}
