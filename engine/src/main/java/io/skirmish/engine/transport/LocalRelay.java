package io.skirmish.engine.transport;

/**
 * A relay inside the client's process that its lanes pass through on the way to the server (the network
 * simulator's NAT-like UDP relay). The client drives it from its duty cycle.
 */
public interface LocalRelay extends AutoCloseable
{
    /**
     * Listen on a local port that forwards to a target.
     *
     * @param frontPort  local port, or 0 for any.
     * @param targetHost where to forward.
     * @param targetPort where to forward.
     * @return the local port.
     */
    int addRoute(int frontPort, String targetHost, int targetPort);

    /**
     * Move datagrams that are due.
     *
     * @param nowNs the duty cycle's clock.
     * @return work count.
     */
    int poll(long nowNs);

    /**
     * @return true when no datagram waits inside the relay.
     */
    boolean isDrained();

    /**
     * Close the relay's sockets.
     */
    void close();
}
