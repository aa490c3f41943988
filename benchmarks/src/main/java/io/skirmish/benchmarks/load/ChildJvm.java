package io.skirmish.benchmarks.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM of the coordinator, optionally pinned to one CPU with {@code taskset -c}: the same {@code java} binary
 * and class path as the coordinator. Its standard error is merged into its standard output, which a daemon thread
 * copies to a log file, keeping the {@code @} report lines for {@link #await(String, long)}. Commands go to its
 * standard input ({@link #send(String)}). {@link #close()} asks it to exit and then kills it.
 */
final class ChildJvm implements AutoCloseable
{
    private final String name;
    private final Process process;
    private final PrintWriter commands;
    private final LinkedBlockingQueue<String> reports = new LinkedBlockingQueue<>();

    private ChildJvm(final String name, final Process process)
    {
        this.name = name;
        this.process = process;
        this.commands = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    /**
     * @param name      for messages and the log.
     * @param cpu       the CPU to pin it to, or -1 to run it unpinned.
     * @param jvmArgs   JVM options ({@code -Xmx}, {@code -D} properties).
     * @param mainClass its main class.
     * @param log       file that receives its output (replaced).
     * @return the running child.
     * @throws IOException when it cannot be started or the log not written.
     */
    static ChildJvm launch(
        final String name, final int cpu, final List<String> jvmArgs, final String mainClass, final Path log)
        throws IOException
    {
        return launch(name, cpu, 0, jvmArgs, mainClass, log);
    }

    /**
     * Start a child JVM at a lower scheduling priority.
     *
     * @param name      for its output thread.
     * @param cpu       core to pin it to, or -1 for none.
     * @param niceness  {@code nice} increment, 0 for none: a child at 19 only gets what others on its core leave.
     * @param jvmArgs   JVM options and system properties.
     * @param mainClass its main class.
     * @param log       file that receives its output (replaced).
     * @return the running child.
     * @throws IOException when it cannot be started or the log not written.
     */
    static ChildJvm launch(
        final String name,
        final int cpu,
        final int niceness,
        final List<String> jvmArgs,
        final String mainClass,
        final Path log) throws IOException
    {
        return launch(name, cpu, niceness, jvmArgs, mainClass, List.of(), log);
    }

    /**
     * Start a child JVM with program arguments.
     *
     * @param name        for its output thread.
     * @param cpu         core to pin it to, or -1 for none.
     * @param niceness    {@code nice} increment, 0 for none.
     * @param jvmArgs     JVM options and system properties.
     * @param mainClass   its main class.
     * @param programArgs arguments to its main method.
     * @param log         file that receives its output (replaced).
     * @return the running child.
     * @throws IOException when it cannot be started or the log not written.
     */
    static ChildJvm launch(
        final String name,
        final int cpu,
        final int niceness,
        final List<String> jvmArgs,
        final String mainClass,
        final List<String> programArgs,
        final Path log) throws IOException
    {
        final List<String> command = new ArrayList<>();
        if (niceness > 0)
        {
            command.add("nice");
            command.add("-n");
            command.add(Integer.toString(niceness));
        }
        if (cpu >= 0)
        {
            command.add("taskset");
            command.add("-c");
            command.add(Integer.toString(cpu));
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-opens");
        command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(Path.of(System.getProperty("java.class.path")).toAbsolutePath().toString());
        command.add(mainClass);
        command.addAll(programArgs);

        Files.createDirectories(log.toAbsolutePath().getParent());
        final Writer logWriter = Files.newBufferedWriter(log, StandardCharsets.UTF_8);
        logWriter.write(String.join(" ", command) + System.lineSeparator());
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final ChildJvm child = new ChildJvm(name, process);
        final Thread reader = new Thread(() -> child.copyOutput(logWriter), "load-" + name + "-output");
        reader.setDaemon(true);
        reader.start();
        return child;
    }

    private void copyOutput(final Writer log)
    {
        try (BufferedReader reader = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            Writer logWriter = log)
        {
            String line;
            while (null != (line = reader.readLine()))
            {
                if (line.startsWith("@"))
                {
                    reports.add(line);
                }
                logWriter.write(line);
                logWriter.write(System.lineSeparator());
                logWriter.flush();
            }
        }
        catch (final IOException ignore)
        {
        }
    }

    /**
     * @return its process id (of {@code taskset}'s exec: the JVM itself).
     */
    long pid()
    {
        return process.pid();
    }

    /**
     * @param command one line for its {@link CommandQueue}.
     */
    void send(final String command)
    {
        commands.println(command);
    }

    /**
     * @param tag       the report tag, such as {@code @READY}.
     * @param timeoutMs longest wait.
     * @return the first report line with that tag (earlier ones with other tags are dropped).
     * @throws IllegalStateException when it exits first or the wait times out.
     * @throws InterruptedException  when interrupted.
     */
    Report await(final String tag, final long timeoutMs) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true)
        {
            final String line = reports.poll(100, TimeUnit.MILLISECONDS);
            if (null != line)
            {
                final Report report = Report.parse(line);
                if (tag.equals(report.tag()))
                {
                    return report;
                }
            }
            else if (!process.isAlive() && reports.isEmpty())
            {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " before " + tag);
            }
            else if (System.nanoTime() - deadlineNs > 0)
            {
                throw new IllegalStateException(name + ": no " + tag + " within " + timeoutMs + " ms");
            }
        }
    }

    /**
     * Ask it to exit, wait up to 10 s, then kill it.
     */
    public void close()
    {
        try
        {
            send(CommandQueue.EXIT);
            commands.close();
            if (!process.waitFor(10, TimeUnit.SECONDS))
            {
                System.out.println("# " + name + " did not exit in 10 s: killed");
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        finally
        {
            kill();
        }
    }

    /**
     * Kill it now (and wait a little for it to go), for the shutdown hook.
     */
    void kill()
    {
        process.destroyForcibly();
        try
        {
            process.waitFor(5, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
