package io.skirmish.engine.status;

import io.aeron.Aeron;
import io.skirmish.engine.EngineCounter;
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

/**
 * The engine's counters for one server or client, allocated in the Aeron CnC file. Written only by the owning
 * conductor thread (release semantics), readable from any thread and from other processes.
 */
public final class Counters implements AutoCloseable
{
    private final AtomicCounter[] counters = new AtomicCounter[EngineCounter.values().length];
    /** Absorbs increments of a counter this side does not register, so a wrong scope can never throw. */
    private final AtomicCounter unregistered = new AtomicCounter(
        new UnsafeBuffer(BufferUtil.allocateDirectAligned(CountersReader.COUNTER_LENGTH, 64)), 0);

    /**
     * Allocate the counters one side keeps in the CnC file of an Aeron client's driver.
     *
     * @param aeron       the Aeron client.
     * @param server      true for the server's set, false for the client's.
     * @param labelPrefix put before each label, e.g. {@code skirmish-server 40123}.
     */
    public Counters(final Aeron aeron, final boolean server, final String labelPrefix)
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
     * Counters without an Aeron client, over a local counters manager (unit tests and tools).
     *
     * @param manager to allocate the counters from.
     * @param server  true for the server's set.
     */
    public Counters(final CountersManager manager, final boolean server)
    {
        for (final EngineCounter counter : EngineCounter.values())
        {
            if (counter.isKeptBy(server))
            {
                counters[counter.ordinal()] = manager.newCounter(counter.label(), counter.typeId());
            }
        }
    }

    /**
     * @param counter which.
     * @return the counter to write; a scratch counter when this side does not keep it.
     */
    public AtomicCounter get(final EngineCounter counter)
    {
        final AtomicCounter c = counters[counter.ordinal()];
        return null != c ? c : unregistered;
    }

    /**
     * @param counter which.
     * @return its value, 0 when this side does not keep it or it was closed.
     */
    public long value(final EngineCounter counter)
    {
        final AtomicCounter c = counters[counter.ordinal()];
        return null == c || c.isClosed() ? 0 : c.get();
    }

    /**
     * Free every counter (an Aeron counter's slot in the CnC file).
     */
    public void close()
    {
        CloseHelper.quietCloseAll(counters);
    }
}
