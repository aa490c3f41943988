package io.skirmish.benchmarks.rig;

import org.agrona.ErrorHandler;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An {@link ErrorHandler} for rigs: prints each error, keeps the first, and lets the rig fail its benchmark when it
 * closes, so a benchmark never reports numbers from a run that hit errors. Thread-safe.
 */
public final class Errors implements ErrorHandler
{
    private final String name;
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicReference<Throwable> first = new AtomicReference<>();

    /**
     * @param name the rig, for messages.
     */
    public Errors(final String name)
    {
        this.name = name;
    }

    /**
     * {@inheritDoc}
     */
    public void onError(final Throwable throwable)
    {
        count.incrementAndGet();
        first.compareAndSet(null, throwable);
        System.err.println(name + ": " + throwable);
    }

    /**
     * @return errors seen so far.
     */
    public int count()
    {
        return count.get();
    }

    /**
     * Throw when any error was seen.
     *
     * @throws IllegalStateException with the first error as its cause.
     */
    public void check()
    {
        final Throwable throwable = first.get();
        if (null != throwable)
        {
            throw new IllegalStateException(name + ": " + count.get() + " error(s) during the run", throwable);
        }
    }
}
