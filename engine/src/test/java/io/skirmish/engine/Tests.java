package io.skirmish.engine;

import io.skirmish.engine.client.GameClient;
import io.skirmish.engine.server.GameServer;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Helpers for system tests: deadline-based waits that drive the engine, and port allocation.
 */
public final class Tests
{
    private static final AtomicInteger NEXT_PORT = new AtomicInteger(
        20_000 + (int)(ProcessHandle.current().pid() % 400) * 20);

    private Tests()
    {
    }

    /**
     * Poll until a condition holds or the deadline passes.
     *
     * @param condition to wait for.
     * @param timeoutMs deadline.
     * @param poller    work to run between checks (drives INVOKER-mode servers and clients); returns work count.
     * @param message   describes what was awaited, for the failure.
     */
    public static void await(
        final BooleanSupplier condition, final long timeoutMs, final Poller poller, final Supplier<String> message)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                fail("timed out after " + timeoutMs + " ms waiting for: " + message.get());
            }
            if (Thread.currentThread().isInterrupted())
            {
                fail("interrupted waiting for: " + message.get());
            }
            final int work = null == poller ? 0 : poller.poll();
            if (0 == work)
            {
                Thread.yield();
            }
        }
    }

    /**
     * Drive for a fixed amount of clock time without sleeping: the engine keeps running (for tests that need time to
     * pass, e.g. to show that something does NOT happen).
     *
     * @param durationMs how long.
     * @param poller     work to run.
     */
    public static void drive(final long durationMs, final Poller poller)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(durationMs);
        while (System.nanoTime() - deadlineNs < 0)
        {
            if (0 == poller.poll())
            {
                Thread.yield();
            }
        }
    }

    /**
     * Two consecutive free UDP ports on loopback, distinct for every call in this JVM.
     *
     * @return the first port; the second is port + 1.
     */
    public static int freePortPair()
    {
        for (int attempt = 0; attempt < 500; attempt++)
        {
            final int port = NEXT_PORT.getAndAdd(2);
            if (port > 40_000)
            {
                NEXT_PORT.set(20_000);
                continue;
            }
            if (isFree(port) && isFree(port + 1))
            {
                return port;
            }
        }
        throw new IllegalStateException("no free port pair");
    }

    /**
     * Consecutive free UDP ports on loopback, distinct for every call in this JVM: for a server with several port
     * pairs.
     *
     * @param count how many.
     * @return the first port.
     */
    public static int freePortBlock(final int count)
    {
        for (int attempt = 0; attempt < 500; attempt++)
        {
            final int port = NEXT_PORT.getAndAdd(count);
            if (port + count > 40_000)
            {
                NEXT_PORT.set(20_000);
                continue;
            }
            boolean free = true;
            for (int i = 0; i < count && free; i++)
            {
                free = isFree(port + i);
            }
            if (free)
            {
                return port;
            }
        }
        throw new IllegalStateException("no free block of " + count + " ports");
    }

    static boolean isFree(final int port)
    {
        try (DatagramSocket socket = new DatagramSocket(null))
        {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress("0.0.0.0", port));
            return true;
        }
        catch (final Exception ex)
        {
            return false;
        }
    }

    /** Work driven while waiting. */
    @FunctionalInterface
    public interface Poller
    {
        /**
         * @return work count.
         */
        int poll();
    }

    /**
     * @param client a client.
     * @return its state and every engine counter of it that is not zero, for failure messages.
     */
    public static String counters(final GameClient client)
    {
        final StringBuilder sb = new StringBuilder("client ").append(client.state());
        for (final EngineCounter counter : EngineCounter.values())
        {
            if (counter.isKeptBy(false) && client.counter(counter) != 0)
            {
                sb.append(' ').append(counter.name()).append('=').append(client.counter(counter));
            }
        }
        return sb.toString();
    }

    /**
     * @param server a server.
     * @return every engine counter of it that is not zero, for failure messages.
     */
    public static String counters(final GameServer server)
    {
        final StringBuilder sb = new StringBuilder("server");
        for (final EngineCounter counter : EngineCounter.values())
        {
            if (counter.isKeptBy(true) && server.counter(counter) != 0)
            {
                sb.append(' ').append(counter.name()).append('=').append(server.counter(counter));
            }
        }
        return sb.toString();
    }
}
