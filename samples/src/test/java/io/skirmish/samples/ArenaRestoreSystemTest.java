package io.skirmish.samples;

import io.skirmish.engine.Tests;
import io.skirmish.engine.ThreadingMode;
import io.skirmish.engine.server.GameServer;
import io.skirmish.samples.arena.ArenaServer;
import io.skirmish.samples.bots.BotFleet;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

import static io.skirmish.samples.arena.ArenaProtocol.arenaRoomId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo arenas of a durable server are rebuilt by a new server on the same archive directory from the newest
 * keyframe and the events after it: the random generator's state, the players and their scores, and the coins come
 * back exactly as the stopped server left them.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ArenaRestoreSystemTest
{
    private static final int ARENAS = 2;

    private File archiveDir;
    private GameServer server;
    private BotFleet fleet;

    @AfterEach
    void after()
    {
        CloseHelper.quietCloseAll(fleet, server);
        if (null != archiveDir)
        {
            IoUtil.delete(archiveDir, true);
        }
    }

    @Test
    void shouldRestoreEveryArenaFromItsKeyframeAndTheEventsAfterIt() throws Exception
    {
        archiveDir = Files.createTempDirectory("skirmish-arena-restore").toFile();
        final int port = OpsPorts.freePortPair();
        final ArenaServer first = new ArenaServer(ARENAS, 30, 42).durable(TimeUnit.SECONDS.toNanos(1));
        server = launch(port, first);
        Tests.await(first::isStarted, 20_000, server::poll, () -> "first server started");

        fleet = new BotFleet(new BotFleet.Settings()
            .server("127.0.0.1:" + port)
            .count(4)
            .arenaCount(ARENAS)
            .emitRatePerSecond(3)
            .hopIntervalNs(TimeUnit.SECONDS.toNanos(3))
            .durationNs(TimeUnit.SECONDS.toNanos(6))
            .drainTimeoutNs(TimeUnit.SECONDS.toNanos(8))
            .sharedDriver(true)
            .errorHandler(Throwable::printStackTrace), SystemNanoClock.INSTANCE);
        final BotFleet bots = fleet;
        Tests.await(bots::isDone, 40_000, () -> bots.doWork() + server.poll(), () -> "bots done");
        final long eventsBefore = first.roomLastSeq(arenaRoomId(0)) + first.roomLastSeq(arenaRoomId(1));
        server.close(); // the bots still connected: their players stay in the arenas
        server = null;
        final String[] before = new String[ARENAS];
        for (int i = 0; i < ARENAS; i++)
        {
            before[i] = first.describeArena(arenaRoomId(i));
        }
        CloseHelper.close(fleet);
        fleet = null;

        final ArenaServer second = new ArenaServer(ARENAS, 30, 42).durable(TimeUnit.SECONDS.toNanos(1));
        server = launch(port, second);
        Tests.await(second::isStarted, 30_000, server::poll, () -> "second server restored");
        for (int i = 0; i < ARENAS; i++)
        {
            final String after = second.describeArena(arenaRoomId(i));
            System.out.println("before the stop: " + before[i] + System.lineSeparator() + "restored:        " + after);
            assertNotNull(after);
            assertEquals(before[i], after, "arena " + (i + 1) + " restored");
            assertTrue(second.roomLastSeq(arenaRoomId(i)) >= first.roomLastSeq(arenaRoomId(i)), "its seq continues");
        }
        assertTrue(eventsBefore > 20, "the arenas had events: " + eventsBefore);
        assertTrue(before[0].contains("#") || before[1].contains("#"), "players in the arenas: " + before[0]);
    }

    private GameServer launch(final int port, final ArenaServer game)
    {
        return GameServer.launch(new GameServer.Context()
            .archiveDirectoryName(archiveDir.getAbsolutePath())
            .bindAddress("127.0.0.1")
            .port(port)
            .threadingMode(ThreadingMode.INVOKER)
            .listener(game)
            .errorHandler(Throwable::printStackTrace));
    }
}
