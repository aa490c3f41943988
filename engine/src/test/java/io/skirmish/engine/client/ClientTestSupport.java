package io.skirmish.engine.client;

import io.aeron.driver.MediaDriver;
import io.skirmish.engine.SendResult;
import io.skirmish.engine.protocol.FrameHeaderFlyweight;
import io.skirmish.engine.sim.UdpRelay;
import io.skirmish.engine.transport.Outlet;
import org.agrona.DirectBuffer;

/**
 * What system tests reach inside a {@link GameClient}, kept out of its public API (as {@code aeron-test-support}
 * does for Aeron).
 */
public final class ClientTestSupport
{
    private ClientTestSupport()
    {
    }

    /**
     * @param client a client.
     * @return its embedded media driver, or null.
     */
    public static MediaDriver driver(final GameClient client)
    {
        return client.transport().driver();
    }

    /**
     * @param client a client created with a {@code networkSimulator}.
     * @return the NAT-like relay its lanes go through (driven by the client's polls).
     */
    public static UdpRelay relay(final GameClient client)
    {
        return (UdpRelay)client.conductor().lanes().relay();
    }

    /**
     * Offer raw bytes on one of the client's lanes, with no sealing: forged, replayed and fuzzed frames.
     *
     * @param client    the client.
     * @param buffer    the bytes.
     * @param offset    of the bytes.
     * @param length    of the bytes.
     * @return the offer's result.
     */
    public static long offerRawFrame(
        final GameClient client, final DirectBuffer buffer, final int offset, final int length)
    {
        final Outlet outlet = client.conductor().lanes().upstream();
        return null == outlet ? SendResult.NOT_CONNECTED : outlet.offer(buffer, offset, length);
    }

    /**
     * Send a message flagged as Kryo-encoded whatever its bytes (undecodable payloads).
     *
     * @param client the client.
     * @param typeId the type id to claim.
     * @param buffer the payload.
     * @param offset of the payload.
     * @param length of the payload.
     * @return the send's result.
     */
    public static long sendRawKryoMessage(
        final GameClient client, final int typeId, final DirectBuffer buffer, final int offset, final int length)
    {
        return client.conductor().requests().sendMessage(typeId, FrameHeaderFlyweight.FLAG_KRYO, buffer, offset, length);
    }

    /**
     * Send an emit without the client's own checks (a room it only spectates, as a modified client would).
     *
     * @param client the client.
     * @param roomId the room.
     * @param typeId the type id.
     * @param buffer the payload.
     * @param offset of the payload.
     * @param length of the payload.
     * @return the send's result.
     */
    public static long sendRawEmit(
        final GameClient client, final int roomId, final int typeId, final DirectBuffer buffer, final int offset,
        final int length)
    {
        return client.conductor().sender().sendEmit(roomId, typeId, 0, buffer, offset, length);
    }
}
