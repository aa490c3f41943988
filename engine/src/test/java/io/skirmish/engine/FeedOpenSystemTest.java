package io.skirmish.engine;

import io.aeron.CommonContext;
import io.aeron.archive.Archive;
import io.aeron.archive.ArchiveThreadingMode;
import io.aeron.driver.MediaDriver;
import io.skirmish.engine.FeedSystemTest.FeedRecorder;
import io.skirmish.engine.archive.RoomArchive;
import io.skirmish.engine.client.GameClient;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.Room;
import io.skirmish.engine.server.RoomOptions;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

import static io.aeron.driver.ThreadingMode.SHARED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A spectator joining must not stall the players: the server (INVOKER, on a driver of the test's) records to an
 * external archive that runs only when the test invokes it, through a gate the test can shut. With the archive
 * answering nothing, a spectator asks for a feed; the conductor must go on serving another room's player (a blocking
 * archive call would hold it for the archive client's message timeout), and the feed must start, exact, once the
 * archive answers again.
 */
@Timeout(120)
class FeedOpenSystemTest
{
    private static final int SPECTATED = 51;
    private static final int PLAYED = 52;

    private final SystemTestHarness harness = new SystemTestHarness();
    private MediaDriver driver;
    private Archive archive;
    private AgentInvoker gate;
    private volatile boolean archivePaused;
    private File archiveDir;

    @BeforeEach
    void before() throws Exception
    {
        archiveDir = Files.createTempDirectory("skirmish-feed-open-test").toFile();
        driver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(CommonContext.generateRandomDirName())
            .threadingMode(SHARED)
            .sharedIdleStrategy(new SleepingMillisIdleStrategy(1))
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .termBufferSparseFile(true)
            .publicationTermBufferLength(256 * 1024));
        archive = Archive.launch(new Archive.Context()
            .aeronDirectoryName(driver.aeronDirectoryName())
            .archiveDir(archiveDir)
            .deleteArchiveOnStart(true)
            .threadingMode(ArchiveThreadingMode.INVOKER)
            .controlChannel("aeron:udp?endpoint=localhost:0")
            .replicationChannel("aeron:udp?endpoint=localhost:0")
            .recordingEventsEnabled(false));
        final AgentInvoker archiveInvoker = archive.invoker();
        gate = new AgentInvoker(Throwable::printStackTrace, null, new Agent()
        {
            public int doWork()
            {
                return archivePaused ? 0 : archiveInvoker.invoke();
            }

            public String roleName()
            {
                return "archive-gate";
            }
        });
        gate.start();
    }

    @AfterEach
    void after()
    {
        harness.close();
        CloseHelper.quietCloseAll(gate, archive, driver);
        if (null != archiveDir)
        {
            IoUtil.delete(archiveDir, true);
        }
    }

    @Test
    void shouldServeThePlayersWhileASpectatorFeedWaitsForTheArchive()
    {
        final int port = Tests.freePortPair();
        final GameServer server = harness.launch(harness.serverContext(port)
            .embeddedMediaDriver(false)
            .aeronDirectoryName(driver.aeronDirectoryName())
            .aeronArchiveContext(RoomArchive.localArchiveContext(driver.aeronDirectoryName()).agentInvoker(gate)));
        final Room spectated = server.createRoom(SPECTATED, new RoomOptions().durable(true));
        final Room played = server.createRoom(PLAYED, new RoomOptions());
        final RecordingClientListener playerEvents = new RecordingClientListener();
        final GameClient player = harness.connect(harness.clientContext(port).listener(playerEvents));
        final GameClient spectator = harness.connect(harness.clientContext(port));
        harness.awaitConnected(player);
        harness.awaitConnected(spectator);
        player.join(PLAYED);
        Tests.await(() -> played.memberCount() == 1, 10_000, this::poll, () -> "player joined");
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[16]);
        for (int i = 0; i < 20; i++)
        {
            payload.putInt(0, i);
            assertTrue(spectated.broadcast(7, payload, 0, 16) > 0);
            Tests.drive(5, this::poll);
        }
        Tests.drive(300, this::poll);

        archivePaused = true;
        final FeedRecorder feed = new FeedRecorder();
        final int before = playerEvents.events.size();
        assertTrue(spectator.spectate(SPECTATED, TimeUnit.MILLISECONDS.toNanos(100), feed) > 0);
        long longestPollNs = 0;
        final long startNs = System.nanoTime();
        long nextSendNs = startNs;
        int sent = 0;
        while (System.nanoTime() - startNs < TimeUnit.SECONDS.toNanos(2))
        {
            if (sent < 40 && System.nanoTime() - nextSendNs >= 0)
            {
                payload.putInt(0, sent++);
                assertTrue(played.broadcast(8, payload, 0, 16) > 0);
                nextSendNs += TimeUnit.MILLISECONDS.toNanos(25);
            }
            final long pollStartNs = System.nanoTime();
            if (0 == poll())
            {
                Thread.yield();
            }
            longestPollNs = Math.max(longestPollNs, System.nanoTime() - pollStartNs);
        }
        assertEquals(1, server.counter(EngineCounter.FEED_SPECTATORS), "the server has the spectator's request");
        assertEquals(before + 40, playerEvents.events.size(), "the player got every event while the archive slept");
        assertTrue(longestPollNs < TimeUnit.MILLISECONDS.toNanos(500),
            "a duty cycle took " + TimeUnit.NANOSECONDS.toMillis(longestPollNs) + " ms");
        assertEquals(0, feed.frames.size(), "nothing to feed before the archive answers");
        assertEquals(null, feed.end, "the feed waits for the archive");

        archivePaused = false;
        Tests.await(() -> feed.frames.size() >= 20, 20_000, this::poll,
            () -> "the feed starts once the archive answers: " + feed.frames.size());
        server.closeRoom(SPECTATED);
        Tests.await(() -> null != feed.end, 20_000, this::poll, () -> "feed ended");
        assertEquals(FeedEndReason.ROOM_CLOSED, feed.end);
        int events = 0;
        for (final FeedSystemTest.Frame frame : feed.frames)
        {
            if ("E".equals(frame.kind()) && 7 == frame.typeId())
            {
                assertEquals(events, new UnsafeBuffer(frame.payload()).getInt(0), "every event once, in order");
                events++;
            }
        }
        assertEquals(20, events);
        System.out.println("feed open: the player got 40 events while the archive slept, longest duty cycle " +
            TimeUnit.NANOSECONDS.toMicros(longestPollNs) + " us; the feed then delivered " + feed.frames.size() +
            " frames");
    }

    private int poll()
    {
        return gate.invoke() + harness.pollAll();
    }
}
