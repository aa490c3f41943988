package io.skirmish.benchmarks.rig;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands out pairs of consecutive loopback ports that are free for both UDP and TCP, distinct for every call in this
 * JVM. The range (41000-59999) starts at an offset taken from the process id, so forks and concurrent test runs on the
 * same machine rarely collide, and each candidate is checked by binding it.
 */
public final class Ports
{
    private static final int FIRST = 41_000;
    private static final int LAST = 59_998;
    private static final AtomicInteger NEXT = new AtomicInteger(
        FIRST + (int)(ProcessHandle.current().pid() % 900) * 20);

    private Ports()
    {
    }

    /**
     * @return the first port of a free pair; the second is the returned port + 1.
     */
    public static int nextPair()
    {
        return nextPairs(1);
    }

    /**
     * @param pairs consecutive pairs wanted, as a server with {@code portPairs(pairs)} listens on.
     * @return the first port of {@code 2 * pairs} consecutive free ports.
     */
    public static int nextPairs(final int pairs)
    {
        final int length = 2 * pairs;
        for (int attempt = 0; attempt < 1000; attempt++)
        {
            int port = NEXT.getAndAdd(length);
            if (port + length - 2 > LAST)
            {
                NEXT.compareAndSet(port + length, FIRST);
                port = NEXT.getAndAdd(length);
            }
            if (allFree(port, length))
            {
                return port;
            }
        }
        throw new IllegalStateException("no " + length + " free loopback ports in a row in " + FIRST + "-" + LAST);
    }

    private static boolean allFree(final int first, final int length)
    {
        for (int port = first; port < first + length; port++)
        {
            if (!isFree(port))
            {
                return false;
            }
        }
        return true;
    }

    private static boolean isFree(final int port)
    {
        try (DatagramSocket udp = new DatagramSocket(null);
            ServerSocket tcp = new ServerSocket())
        {
            udp.setReuseAddress(false);
            udp.bind(new InetSocketAddress("127.0.0.1", port));
            tcp.setReuseAddress(false);
            tcp.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        }
        catch (final Exception ex)
        {
            return false;
        }
    }
}
