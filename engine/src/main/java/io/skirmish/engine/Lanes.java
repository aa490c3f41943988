package io.skirmish.engine;

import io.aeron.ChannelUriStringBuilder;

/**
 * Stream ids and channel URIs of the four lanes. Clients initiate every flow: the server subscribes to requests on
 * its request endpoint and answers on per-client response channels ({@code control-mode=response}), so it never
 * needs a client's address from a payload and works through NATs and relays.
 * <pre>
 *   client                                         server
 *   control pub  --(reliable, CONTROL_STREAM)-->  control sub   (endpoint=host:port)
 *   events sub   <--(reliable, EVENTS_STREAM)---  events pub    (control=host:responsePort, per client)
 *   input pub    --(unreliable, INPUT_STREAM)-->  input sub     (endpoint=host:port, reliable=false)
 *   snapshot sub <--(unreliable, SNAPSHOT)------  snapshot pub  (control=host:responsePort, per client, linger=0)
 * </pre>
 */
final class Lanes
{
    static final int CONTROL_STREAM_ID = 0x5C01;
    static final int INPUT_STREAM_ID = 0x5C02;
    static final int EVENTS_STREAM_ID = 0x5C03;
    static final int SNAPSHOT_STREAM_ID = 0x5C04;

    private Lanes()
    {
    }

    static String serverRequestSubscription(final String host, final int port, final boolean reliable)
    {
        return new ChannelUriStringBuilder()
            .media("udp")
            .endpoint(host + ":" + port)
            .reliable(reliable)
            .build();
    }

    static String serverResponsePublication(
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

    static String clientResponseSubscription(final String serverResponseEndpoint, final boolean reliable)
    {
        return new ChannelUriStringBuilder()
            .media("udp")
            .controlMode("response")
            .controlEndpoint(serverResponseEndpoint)
            .reliable(reliable)
            .build();
    }

    static String clientRequestPublication(
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
