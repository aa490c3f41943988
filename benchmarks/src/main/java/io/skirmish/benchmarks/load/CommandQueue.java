package io.skirmish.benchmarks.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Commands for a child process, one a line on its standard input, read by a daemon thread: the driving loop takes
 * them without blocking ({@link #poll()}) or waits for the next ({@link #take(long)}). End of input, when the
 * coordinator is gone, is the command {@value #EXIT}, so a child never outlives it for long.
 */
public final class CommandQueue
{
    /** Start the measurement window. */
    public static final String MEASURE = "measure";
    /** End the measurement window (the server also stops its room events). */
    public static final String STOP = "stop";
    /** Print the {@code @RESULT} line. */
    public static final String REPORT = "report";
    /** Start the rooms' ticks, snapshots and events (server). */
    public static final String PUBLISH = "publish";
    /** Print a {@code @SAMPLE} line: what happened since the previous sample. */
    public static final String SAMPLE = "sample";
    /** Close and exit. */
    public static final String EXIT = "exit";

    private final LinkedBlockingQueue<String> commands = new LinkedBlockingQueue<>();

    private CommandQueue()
    {
    }

    /**
     * @return a queue fed from {@code System.in} by a daemon thread.
     */
    public static CommandQueue fromStdin()
    {
        final CommandQueue queue = new CommandQueue();
        final Thread reader = new Thread(queue::readStdin, "load-commands");
        reader.setDaemon(true);
        reader.start();
        return queue;
    }

    private void readStdin()
    {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)))
        {
            String line;
            while (null != (line = reader.readLine()))
            {
                final String command = line.trim();
                if (!command.isEmpty())
                {
                    commands.add(command);
                }
            }
        }
        catch (final IOException ignore)
        {
        }
        commands.add(EXIT);
    }

    /**
     * @return the next command, or null when none is waiting.
     */
    public String poll()
    {
        return commands.poll();
    }

    /**
     * @param timeoutMs longest wait.
     * @return the next command, or null when none came in time.
     * @throws InterruptedException when interrupted.
     */
    public String take(final long timeoutMs) throws InterruptedException
    {
        return commands.poll(timeoutMs, TimeUnit.MILLISECONDS);
    }
}
