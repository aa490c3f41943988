package io.skirmish.samples;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C handling for the long-running subcommands: the JVM's shutdown hook asks the main loop to stop and waits
 * (up to 15 s) until it has closed everything, so drivers remove their directories.
 */
final class Shutdown
{
    private final CountDownLatch requested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;

    private Shutdown()
    {
        hook = new Thread(() ->
        {
            requested.countDown();
            try
            {
                finished.await(15, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ignore)
            {
                Thread.currentThread().interrupt();
            }
        }, "skirmish-shutdown");
    }

    static Shutdown register()
    {
        final Shutdown shutdown = new Shutdown();
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
