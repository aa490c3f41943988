package io.skirmish.engine;

import io.skirmish.engine.archive.RoomRecordings;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.Room;
import io.skirmish.engine.server.RoomOptions;
import org.agrona.IoUtil;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Automatic retention of durable rooms' recordings, on a real embedded archive, with the server's epoch clock
 * injected (no sleeps): closed rooms keep at most N recordings, then lose them once older than the retention; an open
 * room keeps all of its recordings; nothing happens between sweeps.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RecordingRetentionSystemTest
{
    private static final int CLOSED = 81;
    private static final int OPEN = 82;
    private static final int REUSED = 83;
    private static final long HOUR_MS = TimeUnit.HOURS.toMillis(1);
    private static final long MINUTE_MS = TimeUnit.MINUTES.toMillis(1);

    private final SystemTestHarness harness = new SystemTestHarness();
    private File archiveDir;

    @AfterEach
    void after()
    {
        harness.close();
        if (null != archiveDir)
        {
            IoUtil.delete(archiveDir, true);
        }
    }

    @Test
    void shouldPurgeClosedRoomsRecordingsPastTheirCountThenTheirAgeAndKeepOpenRooms() throws Exception
    {
        archiveDir = Files.createTempDirectory("skirmish-retention").toFile();
        final AtomicLong nowMs = new AtomicLong(SystemEpochClock.INSTANCE.time());
        final GameServer server = harness.launch(harness.serverContext(Tests.freePortPair())
            .archiveDirectoryName(archiveDir.getAbsolutePath())
            .epochClock(nowMs::get)
            .recordingRetentionMs(HOUR_MS)
            .maxRecordingsPerRoom(2)
            .retentionIntervalMs(MINUTE_MS));
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[100]);
        record(server, server.createRoom(CLOSED, new RoomOptions().durable(true)), payload);
        server.closeRoom(CLOSED);
        for (int i = 0; i < 3; i++)
        {
            record(server, server.createRoom(REUSED, new RoomOptions().durable(true)), payload);
            server.closeRoom(REUSED);
        }
        for (int i = 0; i < 3; i++)
        {
            record(server, server.createRoom(OPEN, new RoomOptions().durable(true)), payload);
            if (i < 2)
            {
                server.closeRoom(OPEN);
            }
        }
        final RoomRecordings recordings = server.roomRecordings();
        assertEquals(1, recordings.recordingIds(CLOSED).size());
        assertEquals(3, recordings.recordingIds(REUSED).size());
        assertEquals(3, recordings.recordingIds(OPEN).size());

        Tests.drive(200, harness::pollAll);
        assertEquals(0, server.counter(EngineCounter.RECORDINGS_PURGED), "no sweep before an interval has passed");

        nowMs.addAndGet(MINUTE_MS + 1);
        Tests.await(() -> server.counter(EngineCounter.RECORDINGS_PURGED) == 1, 10_000, harness::pollAll,
            () -> "the first sweep purges one: " + server.counter(EngineCounter.RECORDINGS_PURGED));
        assertEquals(1, recordings.recordingIds(CLOSED).size(), "one recording, younger than the retention");
        assertEquals(2, recordings.recordingIds(REUSED).size(), "at most two kept: the oldest purged");
        assertEquals(3, recordings.recordingIds(OPEN).size(), "an open room keeps all of its recordings");

        nowMs.addAndGet(2 * HOUR_MS);
        Tests.await(() -> server.counter(EngineCounter.RECORDINGS_PURGED) == 4, 10_000, harness::pollAll,
            () -> "the next sweep purges the old ones: " + server.counter(EngineCounter.RECORDINGS_PURGED));
        assertEquals(0, recordings.recordingIds(CLOSED).size());
        assertEquals(0, recordings.recordingIds(REUSED).size());
        assertEquals(3, recordings.recordingIds(OPEN).size(), "the open room's, old as they are, are kept");

        Tests.drive(200, harness::pollAll);
        assertEquals(4, server.counter(EngineCounter.RECORDINGS_PURGED), "nothing more within the interval");
    }

    private static void record(final GameServer server, final Room room, final UnsafeBuffer payload)
    {
        for (int i = 0; i < 20; i++)
        {
            room.broadcast(1, payload, 0, payload.capacity());
            server.poll();
        }
    }
}
