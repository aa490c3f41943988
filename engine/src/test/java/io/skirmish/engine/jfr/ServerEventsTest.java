package io.skirmish.engine.jfr;

import com.sun.management.ThreadMXBean;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server's Flight Recorder events cost nothing while no recording enables them (no allocation on the calling
 * thread), and carry their fields when one does.
 */
class ServerEventsTest
{
    private static final ThreadMXBean THREADS = (ThreadMXBean)ManagementFactory.getThreadMXBean();

    @TempDir
    Path dir;

    @Test
    void shouldAllocateNothingWhileNoRecordingEnablesTheEvents()
    {
        callEach(1_000); // load and link everything first
        final long before = THREADS.getCurrentThreadAllocatedBytes();
        callEach(100_000);
        final long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 1024, "a million calls with JFR off allocated " + allocated + " bytes");
    }

    @Test
    void shouldRecordEveryEventWithItsFieldsWhenEnabled() throws IOException
    {
        final Path file = dir.resolve("events.jfr");
        try (Recording recording = new Recording())
        {
            for (final String name : List.of("SessionConnected", "SessionResumed", "SessionClosed", "ConnectRejected",
                "EventReplayed", "Resync", "RoomCreated", "RoomClosed", "SlowTick", "DrainStarted"))
            {
                recording.enable("io.skirmish." + name);
            }
            recording.start();
            callEach(1);
            recording.stop();
            recording.dump(file);
        }
        final List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        assertEquals(10, events.size(), events::toString);
        final RecordedEvent slow = events.stream()
            .filter((e) -> e.getEventType().getName().equals("io.skirmish.SlowTick")).findFirst().orElseThrow();
        assertEquals(7, slow.getInt("roomId"));
        assertEquals(0L, slow.getLong("tick"));
        assertEquals(40_000_000L, slow.getDuration("durationNs").toNanos());
        final RecordedEvent rejected = events.stream()
            .filter((e) -> e.getEventType().getName().equals("io.skirmish.ConnectRejected")).findFirst().orElseThrow();
        assertEquals("SERVER_DRAINING", rejected.getString("reason"));
        assertEquals(0L, rejected.getLong("clientNonce"));
        assertTrue(events.stream().allMatch((e) -> e.getEventType().getCategoryNames().contains("Skirmish")));
    }

    private static void callEach(final int times)
    {
        for (int i = 0; i < times; i++)
        {
            ServerEvents.connected(i, i);
            ServerEvents.resumed(i, i);
            ServerEvents.closed(i, i, "KICKED");
            ServerEvents.rejected(i, 0, "SERVER_DRAINING");
            ServerEvents.replayed(i, 3, i);
            ServerEvents.resync(i, 3, i);
            ServerEvents.roomCreated(i + 1, 30, 16);
            ServerEvents.roomClosed(i + 1, 2, i);
            ServerEvents.slowTick(7, i, 40_000_000L, 0, 33_000_000L);
            ServerEvents.drainStarted(i, 1);
        }
    }
}
