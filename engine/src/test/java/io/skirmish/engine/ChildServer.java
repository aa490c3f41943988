package io.skirmish.engine;

import io.skirmish.engine.server.GameServer;
import org.agrona.IoUtil;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A server in a JVM of its own, for tests about a process dying: a main class of the test sources run with the test
 * class path and its own Aeron directory (passed as the second argument, after the port). Its output is read on a
 * daemon thread: lines {@code sent N} update {@link #lastSent()}, the others are kept for failure messages.
 * {@link #kill()} is a SIGKILL; {@link #close()} kills it if it still runs and deletes its Aeron directory, which a
 * killed driver leaves behind.
 */
final class ChildServer implements AutoCloseable
{
    private final List<String> output = new ArrayList<>();
    private final AtomicLong lastSent = new AtomicLong();
    private final File aeronDir = new File(System.getProperty("java.io.tmpdir"), "skirmish-child-" + System.nanoTime());
    private final Process process;
    private final Thread reader;

    /**
     * @param mainClass the child's main class.
     * @param port      its first argument.
     * @param args      its arguments after the port and the Aeron directory.
     */
    ChildServer(final Class<?> mainClass, final int port, final String... args) throws IOException
    {
        final String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        final List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "-Xmx128m", "-XX:MaxDirectMemorySize=256m", "-XX:+UseSerialGC",
            "-cp", classPath,
            mainClass.getName(),
            Integer.toString(port),
            aeronDir.getAbsolutePath()));
        command.addAll(List.of(args));
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        reader = new Thread(this::read, "child-output");
        reader.setDaemon(true);
        reader.start();
    }

    private void read()
    {
        try (BufferedReader in = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while (null != (line = in.readLine()))
            {
                if (line.startsWith("sent "))
                {
                    lastSent.set(Long.parseLong(line.substring(5).trim()));
                }
                else
                {
                    synchronized (output)
                    {
                        output.add(line);
                    }
                }
            }
        }
        catch (final IOException ignore)
        {
            // the process ended
        }
    }

    /**
     * @return the last {@code sent N} the child printed, 0 before the first.
     */
    long lastSent()
    {
        return lastSent.get();
    }

    /**
     * @return what else it printed.
     */
    String output()
    {
        synchronized (output)
        {
            return String.join("\n", output);
        }
    }

    /**
     * What to say when a wait on the child times out: its output, whether it is still alive (and its exit status if
     * not), and, while alive, its threads ({@code jcmd <pid> Thread.print}), so that a child stuck before it printed
     * anything shows where.
     *
     * @return the diagnostics.
     */
    String diagnostics()
    {
        final StringBuilder sb = new StringBuilder(output());
        if (!process.isAlive())
        {
            return sb.append("\n(child exited with ").append(process.exitValue()).append(')').toString();
        }
        sb.append("\n(child alive; its threads:)\n");
        try
        {
            final Process jcmd = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(process.pid()),
                "Thread.print").redirectErrorStream(true).start();
            final byte[] dump = jcmd.getInputStream().readAllBytes();
            jcmd.waitFor(20, TimeUnit.SECONDS);
            sb.append(new String(dump, StandardCharsets.UTF_8));
        }
        catch (final IOException | InterruptedException ex)
        {
            sb.append("(no thread dump: ").append(ex).append(')');
        }
        return sb.toString();
    }

    /**
     * SIGKILL, then wait until it is gone and its output is read.
     *
     * @return true when it ended within 10 s.
     */
    boolean kill() throws InterruptedException
    {
        process.destroyForcibly();
        final boolean ended = process.waitFor(10, TimeUnit.SECONDS);
        reader.join(5_000);
        return ended;
    }

    /**
     * @return its process id.
     */
    long pid()
    {
        return process.pid();
    }

    /**
     * @return its exit status.
     */
    int exitValue()
    {
        return process.exitValue();
    }

    public void close() throws InterruptedException
    {
        if (process.isAlive())
        {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        IoUtil.delete(aeronDir, true);
    }

    /**
     * Launch a server on the archive directory of a killed one, at once: the engine's {@code ArchiveDirectoryLock}
     * sees that the killed process no longer holds the directory and releases the mark file it left active, so Aeron
     * Archive does not wait out its 10 s liveness timeout. Prints how long the launch took.
     *
     * @param launch launches the server.
     * @param poller unused: kept for callers that drive clients meanwhile (nothing waits any more).
     * @return the server.
     */
    static GameServer launchAfterCrash(final Supplier<GameServer> launch, final Tests.Poller poller)
    {
        final long startNs = System.nanoTime();
        final GameServer server = launch.get();
        System.out.println("archive on the killed server's directory: up after " +
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs) + " ms");
        return server;
    }
}
