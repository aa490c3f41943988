package io.skirmish.engine.transport;

import io.aeron.logbuffer.BufferClaim;
import org.agrona.DirectBuffer;

/**
 * Where one peer's frames leave on one lane: an Aeron publication in production ({@link PublicationOutlet}), a
 * recording fake in unit tests. The methods and results are those of {@code io.aeron.ExclusivePublication}.
 */
public interface Outlet
{
    /**
     * @param buffer holding the frame.
     * @param offset of the frame.
     * @param length of the frame.
     * @return the new position, or a negative {@code Publication} code (not connected, back pressured, ...).
     */
    long offer(DirectBuffer buffer, int offset, int length);

    /**
     * @param length of the frame to claim.
     * @param claim  to wrap the claimed space.
     * @return the new position, or a negative {@code Publication} code.
     */
    long tryClaim(int length, BufferClaim claim);

    /**
     * @return true when the far side's subscription is connected.
     */
    boolean isConnected();

    /**
     * @return the largest frame that fits one datagram.
     */
    int maxPayloadLength();

    /**
     * @return bytes offered so far (for rates).
     */
    long position();

    /**
     * @return bytes that can be offered now before back pressure (flow control's window left).
     */
    long availableWindow();
}
