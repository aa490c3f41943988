package io.skirmish.samples;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * UDP port pairs for the operations tests of this module, from 43000 to 43999: a range no other test uses (the
 * others take 20000 to 40000, the metrics module 41000 to 42999), each checked free before use.
 */
final class OpsPorts
{
    private static final int FIRST = 43_000;
    private static final int LAST = 43_998;
    private static final AtomicInteger NEXT = new AtomicInteger(
        FIRST + (int)(ProcessHandle.current().pid() % 50) * 20);

    private OpsPorts()
    {
    }

    static int freePortPair()
    {
        for (int attempt = 0; attempt < 1000; attempt++)
        {
            int port = NEXT.getAndAdd(2);
            if (port > LAST)
            {
                NEXT.set(FIRST);
                port = NEXT.getAndAdd(2);
            }
            if (isFree(port) && isFree(port + 1))
            {
                return port;
            }
        }
        throw new IllegalStateException("no free port pair in " + FIRST + ".." + LAST);
    }

    private static boolean isFree(final int port)
    {
        try (DatagramSocket socket = new DatagramSocket(null))
        {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress("0.0.0.0", port));
            return true;
        }
        catch (final Exception ex)
        {
            return false;
        }
    }
}
