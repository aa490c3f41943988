package io.skirmish.agones;

import io.skirmish.engine.PortRange;

/**
 * UDP port pairs for this module's tests, from 44000 to 44999: a range no other test uses (the engine's and
 * samples' take 20000 to 40000, metrics 41000 to 42999, the samples' ops tests 43000 to 43999), each checked free.
 */
final class OpsPorts
{
    private static final PortRange PORTS = new PortRange(44_000, 44_998, 50);

    private OpsPorts()
    {
    }

    static int freePortPair()
    {
        return PORTS.freePortPair();
    }
}
