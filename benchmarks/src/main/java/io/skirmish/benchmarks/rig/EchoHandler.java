package io.skirmish.benchmarks.rig;

import org.agrona.DirectBuffer;

/**
 * Receives a message that came back to the pinging side of an {@link EchoRig}; called on the thread that polls the
 * rig. The buffer is valid only during the call.
 */
@FunctionalInterface
public interface EchoHandler
{
    /**
     * @param buffer holding the payload as it was sent.
     * @param offset of the payload.
     * @param length of the payload.
     */
    void onEcho(DirectBuffer buffer, int offset, int length);
}
