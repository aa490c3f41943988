package io.skirmish.benchmarks.load;

import io.skirmish.benchmarks.rig.SpectatorLoad;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Spectators of one durable room in a JVM of their own, so that their client-side CPU (their media driver, their
 * polling thread) lands on another core than the server's: {@code count} {@code GameClient.spectate} clients
 * {@code delay} behind the live room, on one client-side media driver of their own (a fresh Aeron directory, SHARED
 * threading, backoff idle) polled by one thread with a backoff idle strategy ({@link SpectatorLoad}).
 * <pre>
 * taskset -c 1 java --add-opens java.base/jdk.internal.misc=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
 *     io.skirmish.benchmarks.load.SpectatorFleet --server 127.0.0.1:20000 --room 1 --delay 2s --count 50
 * </pre>
 * Prints {@code @READY} once every spectator has been handed a frame (within {@code --readySeconds}, default 90),
 * then on each {@code report} command a {@code @RESULT} line: per spectator the fewest and most frames received since
 * the previous report and in all, how many received none since then, and this process's CPU; {@code exit} (or the end
 * of standard input) prints every spectator's frame count and exits, with status 1 when one of them got none.
 */
public final class SpectatorFleet
{
    private SpectatorFleet()
    {
    }

    /**
     * @param args {@code --server host:port --room id --delay 2s|2000ms --count n [--readySeconds s]
     *             [--sessionsOnly true]} (connected sessions that do not spectate: what the sessions alone cost).
     * @throws InterruptedException when interrupted.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        String server = null;
        int room = 1;
        long delayNs = TimeUnit.SECONDS.toNanos(2);
        int count = 50;
        long readySeconds = 90;
        boolean sessionsOnly = false;
        for (int i = 0; i + 1 < args.length; i += 2)
        {
            switch (args[i])
            {
                case "--server" -> server = args[i + 1];
                case "--room" -> room = Integer.parseInt(args[i + 1]);
                case "--delay" -> delayNs = parseDelayNs(args[i + 1]);
                case "--count" -> count = Integer.parseInt(args[i + 1]);
                case "--readySeconds" -> readySeconds = Long.parseLong(args[i + 1]);
                case "--sessionsOnly" -> sessionsOnly = Boolean.parseBoolean(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (null == server || count <= 0)
        {
            throw new IllegalArgumentException("usage: --server host:port --room id --delay 2s --count n");
        }

        final PrintStream out = System.out;
        final CommandQueue commands = CommandQueue.fromStdin();
        out.printf(Locale.ROOT, "# %d spectators of room %d on %s, %d ms behind; cores allowed: %s%n",
            count, room, server, TimeUnit.NANOSECONDS.toMillis(delayNs), CpuStat.allowedCpus());
        final long startTicks = ProcessCpu.ticks();
        final long startNs = System.nanoTime();
        int failed = 0;
        try (SpectatorLoad load = SpectatorLoad.launch(count, null, server, room, sessionsOnly ? -1 : delayNs))
        {
            final long readyDeadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(readySeconds);
            while (!sessionsOnly && spectatorsWithoutFrames(load, null) > 0)
            {
                if (System.nanoTime() - readyDeadlineNs > 0)
                {
                    throw new IllegalStateException(spectatorsWithoutFrames(load, null) + " of " + count +
                        " spectators got no frame within " + readySeconds + " s");
                }
                commands.take(50);
            }
            out.println(new Report("@READY").put("spectators", count).put("frames", load.framesReceived())
                .put("readyMs", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs)));

            final long[] previous = new long[count];
            long windowTicks = ProcessCpu.ticks();
            long windowNs = System.nanoTime();
            while (true)
            {
                final String command = commands.take(1000);
                if (CommandQueue.EXIT.equals(command))
                {
                    break;
                }
                if (CommandQueue.REPORT.equals(command))
                {
                    long minDelta = Long.MAX_VALUE;
                    long maxDelta = 0;
                    final int idle = sessionsOnly ? 0 : spectatorsWithoutFrames(load, previous);
                    for (int i = 0; i < count; i++)
                    {
                        final long frames = load.framesReceived(i);
                        minDelta = Math.min(minDelta, frames - previous[i]);
                        maxDelta = Math.max(maxDelta, frames - previous[i]);
                        previous[i] = frames;
                    }
                    final long ticks = ProcessCpu.ticks();
                    final long nowNs = System.nanoTime();
                    out.println(new Report("@RESULT").put("spectators", count).put("frames", load.framesReceived())
                        .put("minFrames", minDelta).put("maxFrames", maxDelta).put("idleSpectators", idle)
                        .put("cpuPercent", ProcessCpu.percentOfCore(windowTicks, ticks, nowNs - windowNs)));
                    windowTicks = ticks;
                    windowNs = nowNs;
                }
            }
            final StringBuilder perSpectator = new StringBuilder("# frames received per spectator:");
            for (int i = 0; i < count; i++)
            {
                final long frames = load.framesReceived(i);
                perSpectator.append(' ').append(frames);
                failed += 0 == frames && !sessionsOnly ? 1 : 0;
            }
            out.println(perSpectator);
            out.printf(Locale.ROOT, "# %d of %d spectators received frames; %d in all; process CPU %.1f %% of a core " +
                "over %.1f s%n", count - failed, count, load.framesReceived(),
                ProcessCpu.percentOfCore(startTicks, ProcessCpu.ticks(), System.nanoTime() - startNs),
                (System.nanoTime() - startNs) / 1e9);
        }
        System.exit(0 == failed ? 0 : 1);
    }

    private static int spectatorsWithoutFrames(final SpectatorLoad load, final long[] since)
    {
        int none = 0;
        for (int i = 0; i < load.count(); i++)
        {
            none += load.framesReceived(i) <= (null == since ? 0 : since[i]) ? 1 : 0;
        }
        return none;
    }

    private static long parseDelayNs(final String text)
    {
        if (text.endsWith("ms"))
        {
            return TimeUnit.MILLISECONDS.toNanos(Long.parseLong(text.substring(0, text.length() - 2)));
        }
        if (text.endsWith("s"))
        {
            return TimeUnit.SECONDS.toNanos(Long.parseLong(text.substring(0, text.length() - 1)));
        }
        return TimeUnit.MILLISECONDS.toNanos(Long.parseLong(text));
    }
}
