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

    AtomicCounter get(final EngineCounter counter)
    {
        return counters[counter.ordinal()];
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
