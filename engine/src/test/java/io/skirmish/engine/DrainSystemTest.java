package io.skirmish.engine;

import io.skirmish.engine.client.ClientState;
import io.skirmish.engine.client.GameClient;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.Room;
import io.skirmish.engine.server.RoomListener;
import io.skirmish.engine.server.RoomOptions;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A draining server over real UDP refuses new sessions with {@code SERVER_DRAINING} and counts them, while its
 * connected session and room carry on; a Flight Recorder recording shows what happened to each session and room:
 * connect, reject with its reason, room create and close, a slow tick, the drain and the close.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DrainSystemTest
{
    private static final int ROOM = 3;
    private static final long SLOW_TICK_NS = TimeUnit.MILLISECONDS.toNanos(30);

    private final SystemTestHarness harness = new SystemTestHarness();
    private Recording recording;

    @TempDir
    Path dir;

    @AfterEach
    void after()
    {
        harness.close();
        if (null != recording)
        {
            recording.close();
        }
    }

    @Test
    void shouldRefuseNewSessionsWhileDrainingKeepTheOldOnesAndRecordItAll() throws IOException
    {
        recording = new Recording();
        for (final String name : List.of("SessionConnected", "SessionClosed", "ConnectRejected", "RoomCreated",
            "RoomClosed", "SlowTick", "DrainStarted"))
        {
            recording.enable("io.skirmish." + name);
        }
        recording.start();

        final int port = Tests.freePortPair();
        final GameServer server = harness.launch(harness.serverContext(port));
        final long[] slowTick = { 0 };
        final Room room = server.createRoom(ROOM, new RoomOptions().tickRateHz(100).listener(new RoomListener()
        {
            public void onTick(final Room room, final long tick, final long nowNs)
            {
                if (tick == 5)
                {
                    slowTick[0] = tick;
                    final long endNs = System.nanoTime() + SLOW_TICK_NS;
                    while (System.nanoTime() - endNs < 0)
                    {
                        LockSupport.parkNanos(endNs - System.nanoTime()); // the game's slow tick under test
                    }
                }
            }
        }));

        final RecordingClientListener first = new RecordingClientListener();
        final GameClient a = harness.connect(harness.clientContext(port).listener(first));
        harness.awaitConnected(a);
        assertFalse(server.isDraining());

        server.drain();
        server.drain();
        assertTrue(server.isDraining());
        final GameClient b = harness.connect(harness.clientContext(port));
        Tests.await(() -> b.state().isFailure(), 20_000, harness::pollAll, () -> "second client refused " + b.state());
        assertEquals(ClientState.CONNECTION_REJECTED, b.state());
        assertEquals(DisconnectReason.SERVER_DRAINING, b.disconnectReason());
        assertEquals(1, server.counter(EngineCounter.CONNECTS_REFUSED_DRAINING), () -> Tests.counters(server));

        assertTrue(a.isConnected(), "the connected session is kept while draining");
        a.join(ROOM);
        Tests.await(() -> a.isMemberOf(ROOM), 20_000, harness::pollAll, () -> "joined while draining");
        Tests.await(() -> room.tick() > slowTick[0] + 2 && slowTick[0] > 0, 20_000, harness::pollAll, () -> "ticks");
        assertTrue(room.tickTimeNs(slowTick[0]) >= SLOW_TICK_NS, () -> "slow tick kept: " + room.tickTimeNs(5));
        assertTrue(room.tickTimeNs(room.tick()) >= 0);
        assertEquals(-1, room.tickTimeNs(room.tick() + 1));
        assertEquals(-1, room.tickTimeNs(0));

        final int sessionA = a.sessionId();
        assertTrue(server.closeRoom(ROOM));
        harness.closeClient(a);
        Tests.await(() -> 0 == server.sessionCount(), 20_000, harness::pollAll, () -> "session closed");

        recording.stop();
        final Path file = dir.resolve("drain.jfr");
        recording.dump(file);
        final List<RecordedEvent> events = RecordingFile.readAllEvents(file);

        assertEquals(1, count(events, "SessionConnected", "sessionId", sessionA), events::toString);
        assertEquals(1, events.stream().filter((e) -> name(e).equals("ConnectRejected") &&
            "SERVER_DRAINING".equals(e.getString("reason"))).count(), events::toString);
        assertEquals(1, events.stream().filter((e) -> name(e).equals("SessionClosed") &&
            e.getInt("sessionId") == sessionA && "CLIENT_CLOSED".equals(e.getString("reason"))).count(),
            events::toString);
        assertEquals(1, count(events, "RoomCreated", "roomId", ROOM), events::toString);
        assertEquals(1, events.stream().filter((e) -> name(e).equals("RoomClosed") &&
            e.getInt("roomId") == ROOM && e.getInt("members") == 1).count(), events::toString);
        assertTrue(events.stream().anyMatch((e) -> name(e).equals("SlowTick") && e.getInt("roomId") == ROOM &&
            e.getLong("tick") == 5 && e.getDuration("durationNs").toNanos() >= SLOW_TICK_NS), events::toString);
        assertEquals(1, events.stream().filter((e) -> name(e).equals("DrainStarted") &&
            e.getInt("sessions") == 1 && e.getInt("rooms") == 1).count(), events::toString);
    }

    private static long count(final List<RecordedEvent> events, final String name, final String field, final int value)
    {
        return events.stream().filter((e) -> name(e).equals(name) && e.getInt(field) == value).count();
    }

    private static String name(final RecordedEvent event)
    {
        return event.getEventType().getName().substring("io.skirmish.".length());
    }
}
