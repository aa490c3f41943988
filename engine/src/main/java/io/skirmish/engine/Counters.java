package io.skirmish.engine;

import io.aeron.Aeron;
import io.aeron.Counter;
import org.agrona.CloseHelper;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * The engine's counters for one server or client, allocated in the Aeron CnC file. Written only by the owning
 * conductor thread (release semantics), readable from any thread and from other processes.
 */
final class Counters implements AutoCloseable
{
    private final Counter[] counters = new Counter[EngineCounter.values().length];
    /** Absorbs increments of a counter this side does not register, so a wrong scope can never throw. */
    private final AtomicCounter unregistered = new AtomicCounter(
        new org.agrona.concurrent.UnsafeBuffer(org.agrona.BufferUtil.allocateDirectAligned(
            org.agrona.concurrent.status.CountersReader.COUNTER_LENGTH, 64)), 0);

    Counters(final Aeron aeron, final boolean server, final String labelPrefix)
    {
        for (final EngineCounter counter : EngineCounter.values())
        {
            if (counter.isKeptBy(server))
            {
                counters[counter.ordinal()] = aeron.addCounter(counter.typeId(), labelPrefix + ": " + counter.label());
            }
        }
    }

    /**
     * Counters without an Aeron client, over a local counters manager (unit tests).
     *
     * @param manager to allocate the counters from.
     * @param server  true for the server's set.
     */
    Counters(final org.agrona.concurrent.status.CountersManager manager, final boolean server)
    {
        for (final EngineCounter counter : EngineCounter.values())
        {
            if (counter.isKeptBy(server))
            {
                counters[counter.ordinal()] = new Counter(manager, manager.allocate(counter.label(), counter.typeId()));
            }
        }
    }

    AtomicCounter get(final EngineCounter counter)
    {
        final AtomicCounter c = counters[counter.ordinal()];
        return null != c ? c : unregistered;
    }

    long value(final EngineCounter counter)
    {
        final Counter c = counters[counter.ordinal()];
        return null == c || c.isClosed() ? 0 : c.get();
    }

    public void close()
    {
        CloseHelper.closeAll(counters);
    }
}
