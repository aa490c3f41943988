package io.skirmish.engine;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * UDP port pairs from a range of their own, for a module's tests that must keep clear of {@link Tests#freePortPair()}
 * (20000 to 40000): each pair is checked free before use, and the range is walked from a start that depends on the
 * process, wrapping round at its end.
 */
public final class PortRange
{
    private final int first;
    private final int last;
    private final AtomicInteger next;

    /**
     * @param first  the range's first port.
     * @param last   the highest first port of a pair.
     * @param starts how many different starts processes spread over, 20 ports apart.
     */
    public PortRange(final int first, final int last, final int starts)
    {
        this.first = first;
        this.last = last;
        this.next = new AtomicInteger(first + (int)(ProcessHandle.current().pid() % starts) * 20);
    }

    /**
     * @return the first of two consecutive free UDP ports; the second is port + 1.
     */
    public int freePortPair()
    {
        for (int attempt = 0; attempt < 1000; attempt++)
        {
            int port = next.getAndAdd(2);
            if (port > last)
            {
                next.set(first);
                port = next.getAndAdd(2);
            }
            if (Tests.isFree(port) && Tests.isFree(port + 1))
            {
                return port;
            }
        }
        throw new IllegalStateException("no free port pair in " + first + ".." + last);
    }
}
