package io.skirmish.directory;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.io.File;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Helpers for the directory's system tests: a block of free UDP ports for a cluster, the settings that make
 * elections and server deaths quick enough for tests, a media driver for clients, and deadline waits.
 */
final class DirectoryTests
{
    /** Leader heartbeat timeout in tests: an election starts 1 s after the leader goes silent. */
    static final long LEADER_HEARTBEAT_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(1_000);
    /** Election timeout in tests. */
    static final long ELECTION_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(500);
    /** Startup canvass in tests: all nodes start together. */
    static final long STARTUP_CANVASS_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);

    private static final AtomicInteger NEXT_BASE = new AtomicInteger(
        50_000 + (int)(ProcessHandle.current().pid() % 100) * 40);

    private DirectoryTests()
    {
    }

    /**
     * @param count nodes.
     * @return a base port from which node i's five ports at base + 10 i are free.
     */
    static int freeBasePort(final int count)
    {
        for (int attempt = 0; attempt < 200; attempt++)
        {
            int base = NEXT_BASE.getAndAdd(40);
            if (base > 59_000)
            {
                NEXT_BASE.set(50_000);
                base = NEXT_BASE.getAndAdd(40);
            }
            boolean free = true;
            for (int i = 0; i < count && free; i++)
            {
                for (int p = 0; p < 5 && free; p++)
                {
                    free = isFree(base + 10 * i + p);
                }
            }
            if (free)
            {
                return base;
            }
        }
        throw new IllegalStateException("no free port block");
    }

    private static boolean isFree(final int port)
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

    /**
     * @param nodes   the nodes string.
     * @param nodeId  the node.
     * @param baseDir the test's directory.
     * @return a node context with test timeouts, starting empty.
     */
    static DirectoryNode.Context nodeContext(final String nodes, final int nodeId, final File baseDir)
    {
        return new DirectoryNode.Context()
            .nodeId(nodeId)
            .nodes(nodes)
            .baseDir(new File(baseDir, "node-" + nodeId))
            .aeronDirectoryName(new File(baseDir, "aeron-" + nodeId).getAbsolutePath())
            .deleteOnStart(true)
            .leaderHeartbeatTimeoutNs(LEADER_HEARTBEAT_TIMEOUT_NS)
            .electionTimeoutNs(ELECTION_TIMEOUT_NS)
            .startupCanvassTimeoutNs(STARTUP_CANVASS_TIMEOUT_NS)
            .idleStrategySupplier(DirectoryTests::idle);
    }

    static IdleStrategy idle()
    {
        return new BackoffIdleStrategy(10, 10, TimeUnit.MICROSECONDS.toNanos(10), TimeUnit.MILLISECONDS.toNanos(1));
    }

    /**
     * @param dir its directory.
     * @return a media driver for the test's clients and reporters.
     */
    static MediaDriver clientDriver(final File dir)
    {
        return MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(dir.getAbsolutePath())
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(idle())
            .termBufferSparseFile(true)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
    }

    /**
     * Poll until a condition holds or the deadline passes.
     *
     * @param condition to wait for.
     * @param timeoutMs deadline.
     * @param poller    work between checks.
     * @param message   what was awaited.
     */
    static void await(
        final BooleanSupplier condition, final long timeoutMs, final Runnable poller, final Supplier<String> message)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        final IdleStrategy idle = idle();
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
            poller.run();
            idle.idle();
        }
    }
}
