package io.skirmish.metrics;

import io.skirmish.engine.server.GameServer;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Runs a function of the {@link GameServer} on its conductor thread, handed over through
 * {@code GameServer.proxy().execute}, and waits for its result on the calling thread: how a thread that is not the
 * conductor (an HTTP handler) reads sessions and rooms or acts on them. Allocates; for rare calls only.
 */
final class ConductorCall
{
    /** The conductor did not run the call in time, or its queue was full, or the server is closed. */
    static final class Unavailable extends Exception
    {
        private static final long serialVersionUID = 1L;

        Unavailable(final String message)
        {
            super(message);
        }
    }

    private ConductorCall()
    {
    }

    /**
     * @param server    the server.
     * @param function  what to run on its conductor.
     * @param timeoutNs longest wait.
     * @param <T>       the result type.
     * @return the function's result.
     * @throws Unavailable      when the conductor did not run it in time.
     * @throws RuntimeException what the function threw.
     */
    static <T> T call(final GameServer server, final Function<GameServer, T> function, final long timeoutNs)
        throws Unavailable
    {
        if (server.isClosed())
        {
            throw new Unavailable("the server is closed");
        }
        final CompletableFuture<T> result = new CompletableFuture<>();
        final boolean queued = server.proxy().execute(() ->
        {
            try
            {
                result.complete(function.apply(server));
            }
            catch (final Throwable t)
            {
                result.completeExceptionally(t);
            }
        });
        if (!queued)
        {
            throw new Unavailable("the server's command queue is full");
        }
        try
        {
            return result.get(timeoutNs, TimeUnit.NANOSECONDS);
        }
        catch (final TimeoutException ex)
        {
            throw new Unavailable(
                "the server did not answer within " + TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms");
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted");
        }
        catch (final ExecutionException ex)
        {
            final Throwable cause = ex.getCause();
            throw cause instanceof RuntimeException ? (RuntimeException)cause : new IllegalStateException(cause);
        }
    }
}
