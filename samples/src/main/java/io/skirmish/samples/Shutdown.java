package io.skirmish.samples;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C and SIGTERM handling for the long-running subcommands: the JVM's shutdown hook asks the main loop to stop
 * and waits (up to 15 s, or as long as the subcommand asked) until it has closed everything, so drivers remove their
 * directories. A subcommand that registered with {@code exitZero} ends the JVM with status 0 once it stopped cleanly
 * in time (a JVM stopped by a signal would otherwise exit 143), skipping any hook still to run: what an orchestrator
 * reads as a graceful stop.
 */
final class Shutdown
{
    private final CountDownLatch requested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;

    private Shutdown(final long waitNs, final boolean exitZero)
    {
        hook = new Thread(() ->
        {
            requested.countDown();
            boolean clean = false;
            try
            {
                clean = finished.await(waitNs, TimeUnit.NANOSECONDS);
            }
            catch (final InterruptedException ignore)
            {
                Thread.currentThread().interrupt();
            }
            if (clean && exitZero)
            {
                Runtime.getRuntime().halt(0);
            }
        }, "skirmish-shutdown");
    }

    static Shutdown register()
    {
        return register(TimeUnit.SECONDS.toNanos(15), false);
    }

    /**
     * @param waitNs   how long the hook waits for the main loop to close everything.
     * @param exitZero end the JVM with status 0 when it did so in time.
     * @return the registered handler.
     */
    static Shutdown register(final long waitNs, final boolean exitZero)
    {
        final Shutdown shutdown = new Shutdown(waitNs, exitZero);
        Runtime.getRuntime().addShutdownHook(shutdown.hook);
        return shutdown;
    }

    /**
     * @return true once a stop was asked for (Ctrl-C or {@link #request()}).
     */
    boolean isRequested()
    {
        return 0 == requested.getCount();
    }

    /**
     * Ask the main loop to stop.
     */
    void request()
    {
        requested.countDown();
    }

    /**
     * Wait for a stop request.
     *
     * @param timeoutNs longest wait.
     * @return true when a stop was requested.
     */
    boolean await(final long timeoutNs)
    {
        try
        {
            return requested.await(timeoutNs, TimeUnit.NANOSECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /**
     * Everything is closed: let the JVM exit, and drop the hook when it has not run.
     */
    void done()
    {
        finished.countDown();
        try
        {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        catch (final IllegalStateException ignore)
        {
            // the JVM is already shutting down
        }
    }
}
