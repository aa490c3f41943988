package io.skirmish.engine.transport;

import io.aeron.ChannelUriStringBuilder;

/**
 * Stream ids and channel URIs of the four lanes. Clients initiate every flow: the server subscribes to requests on
 * its request endpoint and answers on per-client response channels ({@code control-mode=response}), so it never
 * needs a client's address from a payload and works through NATs and relays.
 * <pre>
 *   client                                         server
 *   control pub  --(reliable, CONTROL_STREAM)-->  control sub   (endpoint=host:port)
 *   events sub   &lt;--(reliable, EVENTS_STREAM)---  events pub    (control=host:responsePort, per client)
 *   input pub    --(unreliable, INPUT_STREAM)-->  input sub     (endpoint=host:port, reliable=false)
 *   snapshot sub &lt;--(unreliable, SNAPSHOT)------  snapshot pub  (control=host:responsePort, per client, linger=0)
 * </pre>
 */
public final class Lanes
{
    /** Stream id of the client's control lane. */
    public static final int CONTROL_STREAM_ID = 0x5C01;
    /** Stream id of the client's input lane. */
    public static final int INPUT_STREAM_ID = 0x5C02;
    /** Stream id of the server's events lane. */
    public static final int EVENTS_STREAM_ID = 0x5C03;
    /** Stream id of the server's snapshot lane. */
    public static final int SNAPSHOT_STREAM_ID = 0x5C04;

    private Lanes()
    {
    }

    /**
     * @param host     address the server binds.
     * @param port     the server's request port.
     * @param reliable false for the input lane.
     * @return the server's subscription to client requests.
     */
    public static String serverRequestSubscription(final String host, final int port, final boolean reliable)
    {
        return new ChannelUriStringBuilder()
            .media("udp")
            .endpoint(host + ":" + port)
            .reliable(reliable)
            .build();
    }

    /**
     * @param host          address the server binds.
     * @param responsePort  the server's response port.
     * @param correlationId the client image's correlation id, or the prototype's.
     * @param termLength    term length.
     * @param mtu           MTU.
     * @param linger        false to close without lingering (snapshots).
     * @return the server's per-client response publication.
     */
    public static String serverResponsePublication(
        final String host,
        final int responsePort,
        final String correlationId,
        final int termLength,
        final int mtu,
        final boolean linger)
    {
        final ChannelUriStringBuilder builder = new ChannelUriStringBuilder()
            .media("udp")
            .controlMode("response")
            .controlEndpoint(host + ":" + responsePort)
            .responseCorrelationId(correlationId)
            .termLength(termLength)
            .mtu(mtu);
        if (!linger)
        {
            builder.linger(0L);
        }
        return builder.build();
    }

    /**
     * @param serverResponseEndpoint the server's response endpoint.
     * @param reliable               false for the snapshot lane.
     * @return the client's response subscription.
     */
    public static String clientResponseSubscription(final String serverResponseEndpoint, final boolean reliable)
    {
        return new ChannelUriStringBuilder()
            .media("udp")
            .controlMode("response")
            .controlEndpoint(serverResponseEndpoint)
            .reliable(reliable)
            .build();
    }

    /**
     * @param serverEndpoint        the server's request endpoint.
     * @param responseCorrelationId registration id of the client's response subscription.
     * @param termLength            term length.
     * @param mtu                   MTU.
     * @return the client's request publication.
     */
    public static String clientRequestPublication(
        final String serverEndpoint, final long responseCorrelationId, final int termLength, final int mtu)
    {
        return new ChannelUriStringBuilder()
            .media("udp")
            .endpoint(serverEndpoint)
            .responseCorrelationId(responseCorrelationId)
            .termLength(termLength)
            .mtu(mtu)
            .build();
    }
}
