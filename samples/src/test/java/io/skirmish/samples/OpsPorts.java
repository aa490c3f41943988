package io.skirmish.samples;

import io.skirmish.engine.PortRange;

/**
 * UDP port pairs for the operations tests of this module, from 43000 to 43999: a range no other test uses (the
 * others take 20000 to 40000, the metrics module 41000 to 42999), each checked free before use.
 */
final class OpsPorts
{
    private static final PortRange PORTS = new PortRange(43_000, 43_998, 50);

    private OpsPorts()
    {
    }

    static int freePortPair()
    {
        return PORTS.freePortPair();
    }
}
