package io.skirmish.benchmarks.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The machine's load as Linux shows it, for the notes beside a figure: the CPUs this process may run on
 * ({@code Cpus_allowed_list} of {@code /proc/self/status}, as {@code taskset} set it), the load average
 * ({@code /proc/loadavg}), and each CPU's busy and total time ({@code /proc/stat}), whose difference over a window is
 * how busy a core was with everything on it, other processes included.
 */
public final class CpuStat
{
    private static final int IDLE_FIELD = 4;
    private static final int IOWAIT_FIELD = 5;
    private static final int LAST_COUNTED_FIELD = 8;

    private CpuStat()
    {
    }

    /**
     * @return the CPUs this process may run on, such as {@code 0} or {@code 0-1}; "?" when unknown.
     */
    public static String allowedCpus()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/self/status")))
            {
                if (line.startsWith("Cpus_allowed_list:"))
                {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        }
        catch (final IOException | RuntimeException ignore)
        {
        }
        return "?";
    }

    /**
     * @return the 1, 5 and 15 minute load averages, as {@code /proc/loadavg} gives them; "?" when unknown.
     */
    public static String loadAverage()
    {
        try
        {
            final String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" +");
            return fields[0] + "/" + fields[1] + "/" + fields[2];
        }
        catch (final IOException | RuntimeException ex)
        {
            return "?";
        }
    }

    /**
     * @param cpuCount how many CPUs to read ({@code cpu0} ...).
     * @return per CPU {busy, total} clock ticks so far (user, nice, system, irq, softirq, steal are busy; idle and
     *         iowait are not); zeros when unknown.
     */
    public static long[][] perCpuTicks(final int cpuCount)
    {
        final long[][] ticks = new long[cpuCount][2];
        try
        {
            final List<String> lines = Files.readAllLines(Path.of("/proc/stat"));
            for (final String line : lines)
            {
                if (line.startsWith("cpu") && line.length() > 3 && Character.isDigit(line.charAt(3)))
                {
                    final String[] fields = line.trim().split(" +");
                    final int cpu = Integer.parseInt(fields[0].substring(3));
                    if (cpu < cpuCount)
                    {
                        long total = 0;
                        long idle = 0;
                        for (int f = 1; f <= LAST_COUNTED_FIELD && f < fields.length; f++)
                        {
                            final long value = Long.parseLong(fields[f]);
                            total += value;
                            idle += IDLE_FIELD == f || IOWAIT_FIELD == f ? value : 0;
                        }
                        ticks[cpu][0] = total - idle;
                        ticks[cpu][1] = total;
                    }
                }
            }
        }
        catch (final IOException | RuntimeException ignore)
        {
        }
        return ticks;
    }

    /**
     * @param start {@link #perCpuTicks(int)} at the start of a window.
     * @param end   the same at its end.
     * @param cpu   which CPU.
     * @return how busy that CPU was over the window, 0 to 100 %, or -1 when unknown.
     */
    public static double busyPercent(final long[][] start, final long[][] end, final int cpu)
    {
        final long total = end[cpu][1] - start[cpu][1];
        return total <= 0 ? -1 : 100.0 * (end[cpu][0] - start[cpu][0]) / total;
    }
}
