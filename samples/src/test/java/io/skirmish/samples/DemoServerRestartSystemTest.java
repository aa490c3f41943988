package io.skirmish.samples;

import io.skirmish.engine.Tests;
import io.skirmish.engine.sim.NetworkSimulator;
import io.skirmish.samples.bots.BotFleet;
import io.skirmish.samples.bots.BotSummary;
import io.skirmish.samples.client.ArenaClient;
import io.skirmish.samples.client.DeliveryAudit;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo server with {@code --archive DIR} as a real separate process, killed with SIGKILL while bots play, and
 * started again on the same directory: the bots keep trying to resume while it is away, resume into the restored
 * rooms with their restored sessions, and their delivery summary stays exact (nothing missing, repeated or
 * reordered, every bot connected, no resync). Every bot's network loses 5 % of its datagrams each way and duplicates
 * and reorders 2 %, with 20 +- 5 ms of latency (the engine's seeded simulator), before, during and after the crash.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class DemoServerRestartSystemTest
{
    private static final int BOTS = 6;
    private static final Pattern RESTORED = Pattern.compile(
        "durable rooms in archive .*: restored lobby at seq (\\d+), arena-1 at seq (\\d+), arena-2 at seq (\\d+); " +
        "(-?\\d+) sessions restored");

    private final List<Process> processes = new ArrayList<>();
    private final List<List<String>> outputs = new ArrayList<>();
    private File archiveDir;
    private BotFleet fleet;

    @AfterEach
    void after() throws InterruptedException
    {
        CloseHelper.quietClose(fleet);
        for (final Process process : processes)
        {
            if (process.isAlive())
            {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (null != archiveDir)
        {
            IoUtil.delete(archiveDir, true);
        }
    }

    @Test
    void shouldKeepTheBotsSummaryExactAcrossASigkillAndRestart() throws Exception
    {
        archiveDir = Files.createTempDirectory("skirmish-demo-archive").toFile();
        final int port = OpsPorts.freePortPair();
        final Process first = startServer(port);
        Tests.await(() -> restoredLine(0) != null, 60_000, DemoServerRestartSystemTest::pause,
            () -> "first server up: " + output(0));
        final Matcher fresh = RESTORED.matcher(restoredLine(0));
        assertTrue(fresh.matches());
        assertEquals("0", fresh.group(1), "a fresh archive: the lobby starts at seq 0");
        assertEquals("0", fresh.group(4), "a fresh archive: no sessions");

        fleet = new BotFleet(new BotFleet.Settings()
            .server("127.0.0.1:" + port)
            .count(BOTS)
            .arenaCount(2)
            .emitRatePerSecond(2)
            .hopIntervalNs(TimeUnit.SECONDS.toNanos(6))
            .durationNs(TimeUnit.SECONDS.toNanos(45))
            .drainTimeoutNs(TimeUnit.SECONDS.toNanos(20))
            .sharedDriver(true)
            .simulators(lossyNetworks())
            .errorHandler(Throwable::printStackTrace), SystemNanoClock.INSTANCE);
        final BotFleet bots = fleet;
        Tests.await(() -> connected(bots) == BOTS, 30_000, () -> poll(bots), () -> "bots connected " + connected(bots));
        Tests.drive(12_000, () -> poll(bots));
        assertEquals(BOTS, connected(bots), "bots connected before the kill");

        first.destroyForcibly(); // SIGKILL
        assertTrue(first.waitFor(10, TimeUnit.SECONDS));
        final long killedNs = System.nanoTime();
        Tests.drive(1_000, () -> poll(bots));

        startServer(port); // the same archive directory; it waits out the killed archive's mark file itself
        Tests.await(() -> restoredLine(1) != null, 60_000, () -> poll(bots), () -> "second server up: " + output(1));
        final long upAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedNs);
        final Matcher restored = RESTORED.matcher(restoredLine(1));
        assertTrue(restored.matches());
        assertEquals(Integer.toString(BOTS), restored.group(4), "sessions restored: " + output(1));
        assertTrue(Long.parseLong(restored.group(1)) > 0, "the lobby's seq continues: " + restored.group());

        Tests.await(() -> connected(bots) == BOTS, 60_000, () -> poll(bots),
            () -> "bots resumed " + connected(bots) + ": " + output(1));
        final long resumedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedNs);
        Tests.await(bots::isDone, 90_000, () -> poll(bots), () -> "bots done: " + output(1));
        final BotSummary summary = bots.summary();
        System.out.println("server up " + upAfterMs + " ms after the SIGKILL (" + restored.group() +
            "), bots resumed " + resumedAfterMs + " ms after it");
        System.out.println(summary.toJson());
        for (final ArenaClient player : summary.isClean() ? List.<ArenaClient>of() : bots.players())
        {
            for (final DeliveryAudit.Interval interval : player.audit().intervals())
            {
                System.out.println("bot #" + player.audit().sessionId() + ": " + interval + (interval.isOpen() ? "" :
                    ", MEMBER_LEFT at " + bots.memberLog().memberLeftSeq(
                    interval.roomId(), player.audit().sessionId(), interval.startSeq())));
            }
        }

        final String json = summary.toJson();
        assertEquals(BOTS, summary.bots, json);
        assertEquals(BOTS, summary.connected, json);
        assertEquals(0, summary.connectFailures, json);
        assertEquals(0, summary.missing, json);
        assertEquals(0, summary.duplicates, json);
        assertEquals(0, summary.outOfOrder, json);
        assertEquals(0, summary.unexpected, json);
        assertEquals(0, summary.originOrderErrors, json);
        assertEquals(0, summary.resyncs, json);
        assertEquals(summary.eventsExpected, summary.eventsReceived, json);
        assertTrue(summary.eventsExpected > 0 && summary.eventsSent > 0, json);
        assertTrue(summary.isClean(), json);
    }

    private static NetworkSimulator[] lossyNetworks()
    {
        final NetworkSimulator[] simulators = new NetworkSimulator[BOTS];
        for (int i = 0; i < BOTS; i++)
        {
            simulators[i] = new NetworkSimulator(1600 + i).latencyMs(20).jitterMs(5).lossPercent(5)
                .duplicatePercent(2).reorderPercent(2);
        }
        return simulators;
    }

    private Process startServer(final int port) throws IOException
    {
        final String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        final List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "-Xmx256m", "-XX:MaxDirectMemorySize=256m", "-XX:+UseSerialGC",
            "-cp", classPath,
            ServerCommand.class.getName(),
            "--bind", "127.0.0.1",
            "--port", Integer.toString(port),
            "--arenas", "2",
            "--archive", archiveDir.getAbsolutePath(),
            "--keyframe-interval", "2",
            "--resume-window", "60"));
        final Process process = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .directory(new File(System.getProperty("java.io.tmpdir")))
            .start();
        final List<String> output = new ArrayList<>();
        synchronized (outputs)
        {
            processes.add(process);
            outputs.add(output);
        }
        final Thread reader = new Thread(() -> read(process, output), "server-output-" + processes.size());
        reader.setDaemon(true);
        reader.start();
        return process;
    }

    private static void read(final Process process, final List<String> output)
    {
        try (BufferedReader in = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while (null != (line = in.readLine()))
            {
                synchronized (output)
                {
                    output.add(line);
                }
            }
        }
        catch (final IOException ignore)
        {
            // the process ended
        }
    }

    private String restoredLine(final int index)
    {
        final List<String> output;
        synchronized (outputs)
        {
            if (index >= outputs.size())
            {
                return null;
            }
            output = outputs.get(index);
        }
        synchronized (output)
        {
            for (final String line : output)
            {
                if (RESTORED.matcher(line).matches())
                {
                    return line;
                }
            }
        }
        return null;
    }

    private String output(final int index)
    {
        final List<String> output;
        synchronized (outputs)
        {
            if (index >= outputs.size())
            {
                return "(not started)";
            }
            output = outputs.get(index);
        }
        synchronized (output)
        {
            final String all = String.join("\n", output);
            return all.length() > 4000 ? "..." + all.substring(all.length() - 4000) : all;
        }
    }

    private static long connected(final BotFleet fleet)
    {
        return fleet.players().stream().filter((p) -> p.client().isConnected()).count();
    }

    private static int poll(final BotFleet fleet)
    {
        if (0 == fleet.doWork())
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return 1;
    }

    /**
     * Between checks of a condition that a child process brings about: do not spin a core it needs.
     */
    private static int pause()
    {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        return 1;
    }
}
