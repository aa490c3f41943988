package io.skirmish.benchmarks.rig;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Set-up waits: drive a poller until a condition holds, yielding when idle, and fail with a message when the
 * deadline passes. Cold path only.
 */
public final class Deadline
{
    /** How long a benchmark operation may wait for its own message before the run fails. */
    public static final long STUCK_NS = TimeUnit.SECONDS.toNanos(10);

    private Deadline()
    {
    }

    /**
     * Fail a benchmark operation that has waited too long (hot-path helper: no allocation until it throws).
     *
     * @param startNs when the wait began.
     * @param nowNs   the current time.
     * @param what    what was awaited.
     * @throws IllegalStateException when the wait exceeded {@link #STUCK_NS}.
     */
    public static void checkStuck(final long startNs, final long nowNs, final String what)
    {
        if (nowNs - startNs > STUCK_NS)
        {
            throw new IllegalStateException("no progress for " + TimeUnit.NANOSECONDS.toSeconds(STUCK_NS) +
                " s waiting for " + what);
        }
    }

    /**
     * Wait for a condition, but give up quietly at the deadline.
     *
     * @param condition to wait for.
     * @param timeoutMs deadline in milliseconds.
     * @param poller    work to drive between checks, returning a work count.
     * @return true when the condition held, false when the deadline passed first.
     */
    public static boolean awaitOrGiveUp(final BooleanSupplier condition, final long timeoutMs, final IntSupplier poller)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs > 0 || Thread.currentThread().isInterrupted())
            {
                return false;
            }
            if (0 == poller.getAsInt())
            {
                Thread.onSpinWait();
            }
        }
        return true;
    }

    /**
     * @param condition to wait for.
     * @param timeoutMs deadline in milliseconds.
     * @param poller    work to drive between checks, returning a work count.
     * @param what      describes the wait for the failure message.
     * @throws IllegalStateException when the deadline passes or the thread is interrupted.
     */
    public static void await(
        final BooleanSupplier condition, final long timeoutMs, final IntSupplier poller, final Supplier<String> what)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new IllegalStateException("timed out after " + timeoutMs + " ms waiting for " + what.get());
            }
            if (Thread.currentThread().isInterrupted())
            {
                throw new IllegalStateException("interrupted waiting for " + what.get());
            }
            if (0 == poller.getAsInt())
            {
                Thread.yield();
            }
        }
    }
}
