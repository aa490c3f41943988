package io.skirmish.engine;

import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.Room;
import io.skirmish.engine.server.RoomOptions;
import org.agrona.IoUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One live server per archive directory: a second one, in another process or in this one, is refused with a clear
 * error and the first is undisturbed; a server restarted right after the owner was killed with SIGKILL launches at
 * once (no wait for Aeron Archive's 10 s mark-file liveness timeout) and restores the room.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ArchiveDirectoryLockSystemTest
{
    private static final int ROOM = 61;

    private final SystemTestHarness harness = new SystemTestHarness();
    private File archiveDir;
    private ChildServer child;

    @AfterEach
    void after() throws InterruptedException
    {
        if (null != child)
        {
            child.close();
        }
        harness.close();
        if (null != archiveDir)
        {
            IoUtil.delete(archiveDir, true);
        }
    }

    @Test
    void shouldRefuseASecondLiveServerAndRestartAtOnceAfterASigkill() throws Exception
    {
        archiveDir = Files.createTempDirectory("skirmish-archive-lock").toFile();
        final int port = Tests.freePortPair();
        child = new ChildServer(DurableSessionsChild.class, port, archiveDir.getAbsolutePath(), Integer.toString(ROOM),
            "0");
        final ChildServer owner = child;
        Tests.await(() -> owner.lastSent() >= 200, 60_000, ArchiveDirectoryLockSystemTest::pause,
            () -> "child broadcasting: " + owner.output());

        final int otherPort = Tests.freePortPair();
        final IllegalStateException refused = assertThrows(IllegalStateException.class, () -> harness.launch(
            harness.serverContext(otherPort).archiveDirectoryName(archiveDir.getAbsolutePath())));
        assertTrue(refused.getMessage().contains("in use by a live server (pid " + child.pid()), refused.getMessage());
        final long sentAtRefusal = child.lastSent();
        Tests.await(() -> owner.lastSent() >= sentAtRefusal + 100, 30_000, ArchiveDirectoryLockSystemTest::pause,
            () -> "the owner keeps broadcasting: " + owner.output());

        assertTrue(child.kill());
        final long killedNs = System.nanoTime();
        final long lastSent = child.lastSent();
        final GameServer server = harness.launch(harness.serverContext(port)
            .archiveDirectoryName(archiveDir.getAbsolutePath()));
        final long upMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedNs);
        final Room room = server.restoreRoom(ROOM, new RoomOptions());
        final long restoredMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedNs);
        System.out.println("restart after SIGKILL: launched " + upMs + " ms after the kill, room restored at seq " +
            room.lastSeq() + " (child sent " + lastSent + ") " + restoredMs + " ms after the kill");
        assertTrue(upMs < 2_000, "launched " + upMs + " ms after the kill");
        assertTrue(room.lastSeq() >= lastSent - 10 && room.lastSeq() <= lastSent + 1,
            "restored seq " + room.lastSeq() + ", child sent " + lastSent);
    }

    @Test
    void shouldRefuseASecondServerInTheSameProcess() throws Exception
    {
        archiveDir = Files.createTempDirectory("skirmish-archive-lock").toFile();
        final GameServer first = harness.launch(harness.serverContext(Tests.freePortPair())
            .archiveDirectoryName(archiveDir.getAbsolutePath()));
        final int otherPort = Tests.freePortPair();
        final IllegalStateException refused = assertThrows(IllegalStateException.class, () -> harness.launch(
            harness.serverContext(otherPort).archiveDirectoryName(archiveDir.getAbsolutePath())));
        assertTrue(refused.getMessage().contains("in use by another server in this process"), refused.getMessage());
        first.createRoom(ROOM, new RoomOptions().durable(true));
        harness.servers.remove(first);
        first.close();
        harness.launch(harness.serverContext(otherPort).archiveDirectoryName(archiveDir.getAbsolutePath()));
    }

    private static int pause()
    {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        return 1;
    }
}
