package io.skirmish.benchmarks.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's CPU time from {@code /proc/self/stat}: user plus system time of all its threads, in clock ticks of
 * {@value #CLOCK_TICKS_PER_SECOND} a second (Linux's {@code USER_HZ}, which {@code getconf CLK_TCK} reports as 100 on
 * every mainstream architecture). The resolution is 10 ms, so measure over seconds.
 */
public final class ProcessCpu
{
    /** Linux's {@code USER_HZ}. */
    public static final int CLOCK_TICKS_PER_SECOND = 100;

    private static final Path STAT = Path.of("/proc/self/stat");
    private static final int UTIME_FIELD = 14;
    private static final int STIME_FIELD = 15;
    private static final int FIRST_FIELD_AFTER_NAME = 3;

    private ProcessCpu()
    {
    }

    /**
     * @return user plus system CPU time so far in clock ticks, or -1 when {@code /proc} cannot be read.
     */
    public static long ticks()
    {
        return ticks(STAT);
    }

    /**
     * @param pid a process on this machine.
     * @return its user plus system CPU time so far in clock ticks, or -1 when its {@code /proc} entry cannot be read.
     */
    public static long ticks(final long pid)
    {
        return ticks(Path.of("/proc", Long.toString(pid), "stat"));
    }

    private static long ticks(final Path statFile)
    {
        try
        {
            final String stat = Files.readString(statFile);
            // the command name (field 2) is in parentheses and may contain spaces: count fields after the last ')'
            final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" +");
            return Long.parseLong(fields[UTIME_FIELD - FIRST_FIELD_AFTER_NAME]) +
                Long.parseLong(fields[STIME_FIELD - FIRST_FIELD_AFTER_NAME]);
        }
        catch (final IOException | RuntimeException ex)
        {
            return -1;
        }
    }

    /**
     * @param startTicks {@link #ticks()} at the start of a window.
     * @param endTicks   {@link #ticks()} at its end.
     * @param wallNs     the window's wall-clock length.
     * @return CPU time as a percentage of one core over the window, or -1 when unknown.
     */
    public static double percentOfCore(final long startTicks, final long endTicks, final long wallNs)
    {
        if (startTicks < 0 || endTicks < 0 || wallNs <= 0)
        {
            return -1;
        }
        return 100.0 * (endTicks - startTicks) / CLOCK_TICKS_PER_SECOND / (wallNs / 1e9);
    }
}
