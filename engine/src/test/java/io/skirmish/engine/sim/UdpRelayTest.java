package io.skirmish.engine.sim;

import io.skirmish.engine.Tests;
import org.agrona.CloseHelper;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The relay rewrites a client's address as a NAT does, and {@link UdpRelay#rebindMappings()} makes it forget: the
 * client's next datagram comes from a new port, and replies to the old one go nowhere.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UdpRelayTest
{
    private final UdpRelay relay = new UdpRelay("127.0.0.1", "127.0.0.1", new NetworkSimulator(1),
        SystemNanoClock.INSTANCE);
    private final ByteBuffer buffer = ByteBuffer.allocate(1024);
    private DatagramChannel target;
    private DatagramChannel client;
    private SocketAddress lastFrom;
    private String lastText;

    @AfterEach
    void after()
    {
        CloseHelper.quietCloseAll(relay::close, target, client);
    }

    private static DatagramChannel open() throws IOException
    {
        final DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET);
        channel.bind(new InetSocketAddress("127.0.0.1", 0));
        channel.configureBlocking(false);
        return channel;
    }

    private void send(final DatagramChannel from, final String text, final SocketAddress to) throws IOException
    {
        from.send(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)), to);
    }

    private boolean received(final DatagramChannel channel) throws IOException
    {
        buffer.clear();
        final SocketAddress from = channel.receive(buffer);
        if (null == from)
        {
            return false;
        }
        buffer.flip();
        lastFrom = from;
        lastText = StandardCharsets.US_ASCII.decode(buffer).toString();
        return true;
    }

    private boolean poll(final DatagramChannel channel)
    {
        relay.doWork();
        try
        {
            return received(channel);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    @Test
    void shouldGiveTheClientANewSourcePortAfterARebindAndDropRepliesToTheOldOne() throws IOException
    {
        target = open();
        client = open();
        final int front = relay.addRoute(0, "127.0.0.1", ((InetSocketAddress)target.getLocalAddress()).getPort());
        final SocketAddress frontAddress = new InetSocketAddress("127.0.0.1", front);

        send(client, "a", frontAddress);
        Tests.await(() -> poll(target), 5_000, null, () -> "a through the relay");
        assertEquals("a", lastText);
        final SocketAddress firstMapping = lastFrom;
        assertNotEquals(client.getLocalAddress(), firstMapping, "the relay rewrote the source");
        send(target, "reply-1", firstMapping);
        Tests.await(() -> poll(client), 5_000, null, () -> "reply through the relay");
        assertEquals("reply-1", lastText);
        assertEquals(1, relay.mappingCount());

        final long requested = relay.rebindMappings();
        assertEquals(0, relay.rebindsDone(), "carried out by the next poll");
        send(target, "reply-to-old-port", firstMapping);
        Tests.await(() -> relay.rebindsDone() == requested, 5_000, () -> relay.doWork(), () -> "rebound");
        assertEquals(0, relay.mappingCount());

        send(client, "b", frontAddress);
        Tests.await(() -> poll(target), 5_000, null, () -> "b through a new mapping");
        assertEquals("b", lastText);
        assertNotEquals(firstMapping, lastFrom, "a new source port");
        final SocketAddress secondMapping = lastFrom;
        send(target, "reply-2", secondMapping);
        Tests.await(() -> poll(client), 5_000, null, () -> "reply through the new mapping");
        assertEquals("reply-2", lastText, "the reply to the old port never arrived");
        assertEquals(1, relay.mappingCount());

        send(target, "reply-to-old-port-again", firstMapping);
        Tests.drive(200, () -> relay.doWork());
        lastText = null;
        assertEquals(false, received(client));
        assertNull(lastText);
    }
}
