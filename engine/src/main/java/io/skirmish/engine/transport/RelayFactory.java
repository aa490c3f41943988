package io.skirmish.engine.transport;

import org.agrona.concurrent.NanoClock;

/**
 * Makes the {@link LocalRelay} a client's lanes go through; the network simulator is one.
 */
@FunctionalInterface
public interface RelayFactory
{
    /**
     * @param bindHost local address for the relay's sockets.
     * @param clock    the client's clock.
     * @return a new relay, owned (and closed) by the client.
     */
    LocalRelay newRelay(String bindHost, NanoClock clock);
}
