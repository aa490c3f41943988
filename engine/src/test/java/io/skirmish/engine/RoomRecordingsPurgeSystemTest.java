package io.skirmish.engine;

import io.aeron.archive.client.AeronArchive;
import io.skirmish.engine.archive.RoomArchive;
import io.skirmish.engine.archive.RoomRecordings;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.Room;
import io.skirmish.engine.server.RoomOptions;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Retention: a room's stopped recordings are purged (segment files deleted) before a time or all at once, and the
 * recordings of other rooms are left alone.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RoomRecordingsPurgeSystemTest
{
    private static final int OVER = 71;
    private static final int KEPT = 72;

    private final SystemTestHarness harness = new SystemTestHarness();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private File archiveDir;

    @AfterEach
    void after()
    {
        CloseHelper.quietCloseAll(closeables);
        harness.close();
        if (null != archiveDir)
        {
            IoUtil.delete(archiveDir, true);
        }
    }

    @Test
    void shouldPurgeARoomsStoppedRecordingsAndKeepTheOthers() throws Exception
    {
        archiveDir = Files.createTempDirectory("skirmish-purge").toFile();
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[1024]);
        for (int run = 0; run < 2; run++)
        {
            // two server processes, one after the other: each records both rooms once
            final GameServer server = harness.launch(harness.serverContext(Tests.freePortPair())
                .archiveDirectoryName(archiveDir.getAbsolutePath()));
            final Room over = server.createRoom(OVER, new RoomOptions().durable(true));
            final Room kept = server.createRoom(KEPT, new RoomOptions().durable(true));
            for (int i = 0; i < 200; i++)
            {
                over.broadcast(1, payload, 0, payload.capacity());
                kept.broadcast(1, payload, 0, payload.capacity());
                server.poll();
            }
            server.closeRoom(OVER);
            server.close();
            harness.servers.remove(server);
        }
        final long afterRecordingMs = System.currentTimeMillis();
        final int segmentsBefore = segments();

        final RoomRecordings recordings = new RoomRecordings(launchArchiveOn(archiveDir), false,
            RoomArchive.DEFAULT_RECORDING_CHANNEL, RoomRecordings.DEFAULT_REPLAY_CHANNEL,
            RoomRecordings.DEFAULT_REPLAY_STREAM_ID);
        assertEquals(2, recordings.recordingIds(OVER).size());
        assertEquals(2, recordings.recordingIds(KEPT).size());

        assertEquals(0, recordings.purgeBefore(OVER, 0), "none stopped before the epoch");
        assertEquals(2, recordings.purgeBefore(OVER, afterRecordingMs + 1_000), "both stopped before now");
        assertEquals(0, recordings.recordingIds(OVER).size(), "purged from the catalog");
        assertEquals(2, recordings.recordingIds(KEPT).size(), "the other room's are kept");
        // the archive's conductor deletes the segment files after it answered the purge
        Tests.await(() -> segments() == segmentsBefore - 2, 10_000, null,
            () -> "the purged recordings' segment files deleted: " + segments() + " of " + segmentsBefore + " left");
        final int segmentsAfter = segments();
        assertEquals(2, recordings.purge(KEPT));
        Tests.await(() -> segments() == 0, 10_000, null, () -> "every segment file deleted: " + segments() + " left");
        System.out.println("purge: " + segmentsBefore + " segment files, " + segmentsAfter + " after purging one room, " +
            "0 after both");
    }

    private int segments()
    {
        return Objects.requireNonNull(archiveDir.list((dir, name) -> name.endsWith(".rec"))).length;
    }

    private AeronArchive launchArchiveOn(final File dir)
    {
        final ArchiveOnDirectory archive = ArchiveOnDirectory.launch(dir);
        closeables.add(0, archive);
        return archive.archive();
    }
}
