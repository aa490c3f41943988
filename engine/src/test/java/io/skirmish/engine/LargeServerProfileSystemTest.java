package io.skirmish.engine;

import io.skirmish.engine.client.GameClient;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.Room;
import io.skirmish.engine.server.RoomOptions;
import io.skirmish.engine.server.ServerTestSupport;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link Profile#LARGE_SERVER} profile over real UDP: a server on its own paced thread, listening on 16 port
 * pairs, spreads its sessions over them at accept, and rooms work as in the default profile, both ways.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LargeServerProfileSystemTest
{
    private static final int ROOM = 5;
    private static final int CLIENTS = 4;
    private static final int EVENTS = 50;
    private static final int EMITS = 10;

    private final SystemTestHarness harness = new SystemTestHarness();

    @AfterEach
    void after()
    {
        harness.close();
    }

    @Test
    void shouldSpreadSessionsOverThePortPairsAndDeliverEverythingOnAPacedThread()
    {
        final int port = Tests.freePortBlock(2 * Profile.LARGE_SERVER_PORT_PAIRS);
        final GameServer server = harness.launch(harness.serverContext(port)
            .profile(Profile.LARGE_SERVER)
            .threadingMode(ThreadingMode.SHARED));
        assertEquals(Profile.LARGE_SERVER_PORT_PAIRS, server.context().portPairs());
        assertInstanceOf(PacedIdleStrategy.class, server.context().idleStrategy());
        assertEquals(TimeUnit.MILLISECONDS.toNanos(Profile.LARGE_SERVER_STATUS_MESSAGE_MS),
            ServerTestSupport.driver(server).context().statusMessageTimeoutNs(), "slower status messages");

        final AtomicReference<Room> room = new AtomicReference<>();
        assertTrue(server.proxy().execute(() -> room.set(server.createRoom(ROOM, new RoomOptions()))));
        Tests.await(() -> null != room.get(), 5_000, harness::pollAll, () -> "room created");

        final List<RoomSystemTest.RoomRecorder> recorders = new ArrayList<>();
        final List<GameClient> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++)
        {
            final RoomSystemTest.RoomRecorder recorder = new RoomSystemTest.RoomRecorder(ROOM);
            recorders.add(recorder);
            clients.add(harness.connect(harness.clientContext(port).profile(Profile.LARGE_SERVER).listener(recorder)));
        }
        for (final GameClient client : clients)
        {
            harness.awaitConnected(client);
            client.join(ROOM);
        }
        Tests.await(() -> recorders.stream().allMatch((r) -> r.joined.contains(ROOM)), 10_000, harness::pollAll,
            () -> "all joined");
        final int[] pairs = ServerTestSupport.sessionsPerPair(server);
        final int[] expected = new int[Profile.LARGE_SERVER_PORT_PAIRS];
        Arrays.fill(expected, 0, CLIENTS, 1);
        assertArrayEquals(expected, pairs, "each session on the least loaded pair: " + Arrays.toString(pairs));

        for (int i = 0; i < EVENTS; i++)
        {
            final UnsafeBuffer event = RoomSystemTest.utf8("s" + i);
            while (server.proxy().broadcast(ROOM, 0, 1, event, 0, event.capacity()) < 0)
            {
                harness.pollAll();
            }
        }
        for (int i = 0; i < EMITS; i++)
        {
            for (int c = 0; c < CLIENTS; c++)
            {
                final UnsafeBuffer emit = RoomSystemTest.utf8("c" + c + ":" + i);
                assertTrue(clients.get(c).emit(ROOM, 2, emit, 0, emit.capacity()) >= 0);
            }
            harness.pollAll();
        }

        Tests.await(() -> recorders.stream().allMatch((r) -> countEvents(r) == EVENTS + EMITS * CLIENTS),
            20_000, harness::pollAll, () -> "events: " + recorders.stream().map(RoomSystemTest.RoomRecorder::toString)
            .toList() + " " + Tests.counters(server));
        for (int c = 0; c < CLIENTS; c++)
        {
            final RoomSystemTest.RoomRecorder r = recorders.get(c);
            RoomSystemTest.assertContiguous(r.seqs, r.seqs.get(0), r.seqs.get(r.seqs.size() - 1));
            int next = 0;
            final int[] nextEmit = new int[CLIENTS];
            for (final String payload : r.payloads)
            {
                if (payload.startsWith("s"))
                {
                    assertEquals("s" + next++, payload, "server events in order");
                }
                else if (payload.startsWith("c"))
                {
                    final int from = payload.charAt(1) - '0';
                    assertEquals("c" + from + ":" + nextEmit[from]++, payload, "each client's emits in order");
                }
            }
            assertEquals(EVENTS, next);
        }
    }

    private static long countEvents(final RoomSystemTest.RoomRecorder r)
    {
        return r.payloads.stream().filter((p) -> p.startsWith("s") || p.startsWith("c")).count();
    }
}
