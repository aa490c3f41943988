package io.skirmish.metrics;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * UDP port pairs for this module's tests, from 41000 to 42999: a range no other module's tests use (theirs are
 * 20000 to 40000), each checked free before use.
 */
final class OpsPorts
{
    private static final int FIRST = 41_000;
    private static final int LAST = 42_998;
    private static final AtomicInteger NEXT = new AtomicInteger(
        FIRST + (int)(ProcessHandle.current().pid() % 100) * 20);

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
