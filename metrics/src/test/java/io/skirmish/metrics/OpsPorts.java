package io.skirmish.metrics;

import io.skirmish.engine.PortRange;

/**
 * UDP port pairs for this module's tests, from 41000 to 42999: a range no other module's tests use (theirs are
 * 20000 to 40000), each checked free before use.
 */
final class OpsPorts
{
    private static final PortRange PORTS = new PortRange(41_000, 42_998, 100);

    private OpsPorts()
    {
    }

    static int freePortPair()
    {
        return PORTS.freePortPair();
    }
}
