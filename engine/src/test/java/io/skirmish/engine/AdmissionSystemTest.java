package io.skirmish.engine;

import io.aeron.CommonContext;
import io.aeron.driver.MediaDriver;
import io.skirmish.engine.client.ClientListener;
import io.skirmish.engine.client.ClientState;
import io.skirmish.engine.client.GameClient;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.Room;
import io.skirmish.engine.server.RoomOptions;
import org.agrona.CloseHelper;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Past capacity the server refuses and keeps serving, over real UDP: a connect storm of twice its capacity within
 * a second ends with exactly capacity sessions admitted, in paced handshakes, every one of them served; the rest
 * are refused with {@code SERVER_FULL}. Clients that asked to retry wait a backoff with jitter and connect once
 * there is room. The clients share one external media driver, as a bot host's would.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AdmissionSystemTest
{
    private static final int ROOM = 9;

    private final SystemTestHarness harness = new SystemTestHarness();
    private MediaDriver clientDriver;

    /** Records what the game sees of one client. */
    private static final class Player extends RoomSystemTest.RoomRecorder
    {
        final List<DisconnectReason> refused = new ArrayList<>();
        final List<Long> retryIns = new ArrayList<>();
        DisconnectReason disconnected;

        Player()
        {
            super(ROOM);
        }

        public void onConnectRefused(final DisconnectReason reason, final long retryInNs)
        {
            refused.add(reason);
            retryIns.add(retryInNs);
        }

        public void onDisconnected(final DisconnectReason reason)
        {
            super.onDisconnected(reason);
            disconnected = reason;
        }
    }

    @BeforeEach
    void before()
    {
        clientDriver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(CommonContext.generateRandomDirName())
            .threadingMode(io.aeron.driver.ThreadingMode.SHARED)
            .sharedIdleStrategy(new SleepingMillisIdleStrategy(1))
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .termBufferSparseFile(true)
            .publicationTermBufferLength(64 * 1024));
    }

    @AfterEach
    void after()
    {
        harness.close();
        CloseHelper.quietClose(clientDriver);
    }

    private GameClient.Context clientContext(final int port, final ClientListener listener)
    {
        return harness.clientContext(port)
            .embeddedMediaDriver(false)
            .aeronDirectoryName(clientDriver.aeronDirectoryName())
            .connectTimeoutNs(TimeUnit.SECONDS.toNanos(30))
            .listener(listener);
    }

    @Test
    void shouldAdmitExactlyCapacityFromAStormOfTwiceItAndServeThem()
    {
        final int capacity = 16;
        final int port = Tests.freePortPair();
        final GameServer server = harness.launch(harness.serverContext(port)
            .maxSessions(capacity)
            .maxHandshakesInFlight(4)
            .connectTimeoutNs(TimeUnit.SECONDS.toNanos(30)));
        final Room room = server.createRoom(ROOM, new RoomOptions());

        final List<Player> players = new ArrayList<>();
        final List<GameClient> clients = new ArrayList<>();
        for (int i = 0; i < 2 * capacity; i++)
        {
            final Player player = new Player();
            players.add(player);
            clients.add(harness.connect(clientContext(port, player)));
        }
        Tests.await(() -> clients.stream().allMatch((c) -> c.isConnected() || c.state().isFailure()), 60_000,
            harness::pollAll, () -> "every client admitted or refused: " +
            clients.stream().map(GameClient::state).toList() + " " + Tests.counters(server));

        final List<GameClient> admitted = clients.stream().filter(GameClient::isConnected).toList();
        assertEquals(capacity, admitted.size(), () -> "exactly capacity admitted: " +
            clients.stream().map((c) -> c.state() + "/" + c.disconnectReason()).toList() + " " + Tests.counters(server));
        for (final GameClient client : clients)
        {
            if (!client.isConnected())
            {
                assertEquals(ClientState.CONNECTION_REJECTED, client.state());
                assertEquals(DisconnectReason.SERVER_FULL, client.disconnectReason());
            }
        }
        assertTrue(server.counter(EngineCounter.CONNECTS_REFUSED_FULL) >= capacity);
        assertEquals(capacity, server.counter(EngineCounter.SESSIONS_ACTIVE));
        assertTrue(server.counter(EngineCounter.HANDSHAKES_IN_FLIGHT) <= 4);

        // those admitted are served: every event, in order
        for (final GameClient client : admitted)
        {
            client.join(ROOM);
        }
        Tests.await(() -> room.memberCount() == capacity, 20_000, harness::pollAll, () -> "all joined");
        for (int i = 0; i < 20; i++)
        {
            final UnsafeBuffer event = RoomSystemTest.utf8("e" + i);
            assertTrue(room.broadcast(1, event, 0, event.capacity()) > 0);
        }
        final long lastSeq = room.lastSeq();
        Tests.await(() -> admitted.stream().allMatch((c) -> c.lastDeliveredSeq(ROOM) == lastSeq), 20_000,
            harness::pollAll, () -> "events delivered");
        for (int i = 0; i < clients.size(); i++)
        {
            if (clients.get(i).isConnected())
            {
                final List<String> payloads = players.get(i).payloads;
                final List<String> events = payloads.stream().filter((p) -> p.startsWith("e")).toList();
                assertEquals(20, events.size(), "player " + i + ": " + payloads);
                for (int e = 0; e < 20; e++)
                {
                    assertEquals("e" + e, events.get(e));
                }
            }
        }
    }

    @Test
    void shouldAdviseRefusedClientsToWaitLongerWhileItRefusesMoreThanItsTarget()
    {
        final int port = Tests.freePortPair();
        final GameServer server = harness.launch(harness.serverContext(port).maxSessions(1).refusalRateTarget(1));
        harness.awaitConnected(harness.connect(clientContext(port, new Player())));

        final List<Player> waiting = new ArrayList<>();
        final List<GameClient> late = new ArrayList<>();
        for (int i = 0; i < 6; i++)
        {
            final Player player = new Player();
            waiting.add(player);
            late.add(harness.connect(clientContext(port, player).retryWhenRefusedNs(TimeUnit.MINUTES.toNanos(5))));
        }
        // six clients refused two or three times each within the first second, against a target of one a second
        Tests.await(() -> server.counter(EngineCounter.REFUSAL_RETRY_AFTER_MS) >= 2_000, 30_000, harness::pollAll,
            () -> "advice grows: " + Tests.counters(server));
        // their own backoff never waits more than 1.5 x 4 s: a longer wait is the server's advice
        Tests.await(() -> waiting.stream().flatMap((p) -> p.retryIns.stream()).anyMatch((ns) -> ns > 7_000_000_000L),
            30_000, harness::pollAll, () -> "a client told to wait longer than its own backoff: " +
            waiting.stream().map((p) -> p.retryIns).toList() + " " + Tests.counters(server));
        assertTrue(late.stream().noneMatch(GameClient::isConnected));
    }

    @Test
    void shouldConnectClientsThatRetryOnceThereIsRoomAgain()
    {
        final int capacity = 3;
        final int port = Tests.freePortPair();
        final GameServer server = harness.launch(harness.serverContext(port).maxSessions(capacity));

        final List<GameClient> first = new ArrayList<>();
        for (int i = 0; i < capacity; i++)
        {
            final GameClient client = harness.connect(clientContext(port, new Player()));
            first.add(client);
            harness.awaitConnected(client);
        }
        final List<Player> waiting = new ArrayList<>();
        final List<GameClient> late = new ArrayList<>();
        for (int i = 0; i < capacity; i++)
        {
            final Player player = new Player();
            waiting.add(player);
            late.add(harness.connect(clientContext(port, player).retryWhenRefusedNs(TimeUnit.SECONDS.toNanos(60))));
        }
        Tests.await(() -> waiting.stream().allMatch((p) -> p.refused.size() >= 2), 20_000, harness::pollAll,
            () -> "late clients refused and retrying: " + late.stream().map(GameClient::state).toList());
        assertTrue(late.stream().noneMatch(GameClient::isConnected));
        assertTrue(waiting.stream().allMatch((p) -> p.refused.stream().allMatch(DisconnectReason.SERVER_FULL::equals)));
        assertTrue(waiting.stream().allMatch((p) -> null == p.disconnected), "a retrying client is not disconnected");

        for (final GameClient client : first)
        {
            harness.closeClient(client);
        }
        final long freedNs = System.nanoTime();
        Tests.await(() -> late.stream().allMatch(GameClient::isConnected), 20_000, harness::pollAll,
            () -> "late clients connect once there is room: " + late.stream().map(GameClient::state).toList());
        System.out.printf("refused clients connected %d ms after room freed%n",
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - freedNs));
        assertEquals(capacity, server.counter(EngineCounter.SESSIONS_ACTIVE));
        for (final GameClient client : late)
        {
            assertTrue(Tests.counters(client).contains("CONNECT_RETRIES_AFTER_REFUSAL="));
        }
    }
}
