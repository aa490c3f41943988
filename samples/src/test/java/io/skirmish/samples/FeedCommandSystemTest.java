package io.skirmish.samples;

import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.Tests;
import io.skirmish.samples.bots.BotFleet;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo server with {@code --archive} and bots playing over real UDP, then the {@code replay} and
 * {@code spectate} commands headless against it: the replay reproduces the arena's events and once-a-second
 * keyframes, the spectator starts from a keyframe behind its delay, and the server fed both from its archive.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class FeedCommandSystemTest
{
    private static final Pattern SUMMARY = Pattern.compile(
        "feed (\\w+) room (\\d+): (\\d+) frames \\((\\d+) keyframes, (\\d+) gaps\\), last seq (\\d+), end (\\w+)");

    private DemoServer demo;
    private BotFleet fleet;
    private File archiveDir;

    @AfterEach
    void after()
    {
        CloseHelper.closeAll(fleet, demo);
        if (null != archiveDir)
        {
            IoUtil.delete(archiveDir, true);
        }
    }

    @Test
    void shouldReplayAndSpectateTheArenaHeadless() throws Exception
    {
        archiveDir = Files.createTempDirectory("skirmish-demo-archive").toFile();
        final int port = OpsPorts.freePortPair();
        demo = DemoServer.launch(new DemoServer.Settings()
            .bind("127.0.0.1").port(port).arenas(1).tickRateHz(30).archiveDirectory(archiveDir.getAbsolutePath()));
        fleet = new BotFleet(new BotFleet.Settings()
            .server("127.0.0.1:" + port)
            .count(2)
            .sharedDriver(true)
            .emitRatePerSecond(5)
            .hopIntervalNs(TimeUnit.SECONDS.toNanos(60))
            .durationNs(TimeUnit.SECONDS.toNanos(3))
            .drainTimeoutNs(TimeUnit.SECONDS.toNanos(8))
            .errorHandler(Throwable::printStackTrace),
            SystemNanoClock.INSTANCE);
        Tests.await(fleet::isDone, 30_000, fleet::doWork, () -> "bots done");
        CloseHelper.close(fleet);
        fleet = null;

        final Matcher replay = run("replay", "--server", "127.0.0.1:" + port, "--speed", "0", "--duration", "3s",
            "--headless");
        assertEquals("replay", replay.group(1));
        assertEquals("2", replay.group(2));
        final long replayFrames = Long.parseLong(replay.group(3));
        final long replayKeyframes = Long.parseLong(replay.group(4));
        assertTrue(replayKeyframes >= 3, "a keyframe a second: " + replay.group() + " " + Tests.counters(demo.server()));
        assertTrue(replayFrames > replayKeyframes, "the arena's events too: " + replay.group());
        assertEquals("0", replay.group(5));
        assertEquals("DURATION", replay.group(7), "a replay of a running arena follows it live");

        final Matcher spectate = run("spectate", "--server", "127.0.0.1:" + port, "--delay", "500ms",
            "--duration", "3s", "--headless");
        assertTrue(Long.parseLong(spectate.group(4)) >= 1, "a spectator starts from a keyframe: " + spectate.group());
        assertTrue(demo.server().counter(EngineCounter.FEED_FRAMES_SENT) >= replayFrames);
        assertEquals(0, demo.server().counter(EngineCounter.FEEDS_REFUSED));
        System.out.println(replay.group() + System.lineSeparator() + spectate.group());
    }

    private static Matcher run(final String... args)
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final int exitCode = FeedCommand.run(
            CommandLine.parse(args, "headless"), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        final String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, exitCode, out);
        final Matcher matcher = SUMMARY.matcher(out);
        assertTrue(matcher.find(), out);
        return matcher;
    }
}
