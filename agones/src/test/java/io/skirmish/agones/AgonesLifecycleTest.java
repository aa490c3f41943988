package io.skirmish.agones;

import io.skirmish.engine.SystemTestHarness;
import io.skirmish.engine.Tests;
import io.skirmish.engine.client.GameClient;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.ServerListener;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Agones SDK client and lifecycle against a local stand-in of the SDK server's documented REST interface: the
 * lifecycle calls move the GameServer's state, health pings keep coming, player tracking follows real sessions of a
 * real server over UDP, a sidecar that is still starting is waited for, and errors are told as errors.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AgonesLifecycleTest
{
    private final SystemTestHarness harness = new SystemTestHarness();
    private SdkServerStandIn standIn;
    private AgonesSdk sdk;
    private AgonesLifecycle lifecycle;

    @BeforeEach
    void before() throws IOException
    {
        standIn = new SdkServerStandIn();
        sdk = new AgonesSdk(new AgonesSdk.Context()
            .baseUri(standIn.baseUri())
            .attempts(4, TimeUnit.MILLISECONDS.toNanos(20)));
    }

    @AfterEach
    void after()
    {
        CloseHelper.closeAll(lifecycle);
        harness.close();
        CloseHelper.closeAll(standIn);
    }

    @Test
    void shouldMoveTheGameServerThroughItsLifecycle()
    {
        assertEquals("RequestReady", sdk.gameServerState());
        sdk.ready();
        assertEquals("Ready", sdk.gameServerState());
        sdk.reserve(10);
        assertEquals("Reserved", sdk.gameServerState());
        sdk.allocate();
        assertEquals("Allocated", sdk.gameServerState());
        sdk.health();
        sdk.shutdown();
        assertEquals("Shutdown", sdk.gameServerState());
        assertTrue(sdk.gameServer().contains("\"object_meta\""));
        assertEquals(List.of(
            "GET /gameserver", "POST /ready {}", "GET /gameserver", "POST /reserve {\"seconds\":\"10\"}",
            "GET /gameserver", "POST /allocate {}", "GET /gameserver", "POST /health {}", "POST /shutdown {}",
            "GET /gameserver", "GET /gameserver"), standIn.calls());
    }

    @Test
    void shouldTrackPlayersUpToTheCapacity()
    {
        sdk.playerCapacity(2);
        assertEquals(2, sdk.playerCapacity());
        assertTrue(sdk.playerConnect("alice"));
        assertFalse(sdk.playerConnect("alice"), "already connected");
        assertTrue(sdk.playerConnect("bob \"the builder\""));
        final AgonesException full = assertThrows(AgonesException.class, () -> sdk.playerConnect("carol"));
        assertEquals(500, full.status());
        assertTrue(full.getMessage().contains("capacity"), full.getMessage());
        assertEquals(1, standIn.count("POST /alpha/player/connect {\"playerID\":\"carol\"}"), "errors not retried");
        assertEquals(2, sdk.playerCount());
        assertEquals(List.of("alice", "bob \"the builder\""), sdk.connectedPlayers());
        assertTrue(sdk.isPlayerConnected("bob \"the builder\""));
        assertFalse(sdk.isPlayerConnected("carol"));
        assertTrue(sdk.playerDisconnect("alice"));
        assertFalse(sdk.playerDisconnect("alice"), "no longer connected");
        assertEquals(1, sdk.playerCount());
    }

    @Test
    void shouldUpdateCountersAndListsWithTheirDocumentedErrors()
    {
        standIn.declareCounter("rooms", 1, 3);
        standIn.declareList("players", 2);
        assertEquals(new AgonesSdk.Counter("rooms", 1, 3), sdk.counter("rooms"));
        assertEquals(3, sdk.incrementCounter("rooms", 2).count());
        assertEquals(400, assertThrows(AgonesException.class, () -> sdk.incrementCounter("rooms", 1)).status());
        assertEquals(0, sdk.setCounter("rooms", 0).count());
        assertEquals(404, assertThrows(AgonesException.class, () -> sdk.counter("nope")).status());

        assertEquals(List.of("a"), sdk.addListValue("players", "a").values());
        assertEquals(409, assertThrows(AgonesException.class, () -> sdk.addListValue("players", "a")).status());
        final AgonesSdk.AgonesList two = sdk.addListValue("players", "b \"2\"");
        assertEquals(List.of("a", "b \"2\""), two.values());
        assertEquals(2, two.capacity());
        assertEquals(400, assertThrows(AgonesException.class, () -> sdk.addListValue("players", "c")).status());
        assertEquals(List.of("b \"2\""), sdk.removeListValue("players", "a").values());
        assertEquals(404, assertThrows(AgonesException.class, () -> sdk.removeListValue("players", "a")).status());
        assertEquals(List.of("b \"2\""), sdk.list("players").values());
        assertTrue(standIn.calls().contains("PATCH /v1beta1/counters/rooms {\"countDiff\":\"2\"}"), standIn::toString);
        assertTrue(standIn.calls().contains("POST /v1beta1/lists/players:addValue {\"value\":\"a\"}"));
    }

    @Test
    void shouldWaitForASidecarThatIsStillStartingAndFailClearlyWhenItNeverAnswers()
    {
        standIn.unavailableFor(2);
        sdk.ready();
        assertEquals(3, standIn.count("POST /ready"));
        assertEquals("Ready", standIn.state());

        final AgonesSdk nowhere = new AgonesSdk(new AgonesSdk.Context()
            .baseUri(URI.create("http://127.0.0.1:1/"))
            .attempts(2, TimeUnit.MILLISECONDS.toNanos(10)));
        final AgonesException unreachable = assertThrows(AgonesException.class, nowhere::health);
        assertEquals(0, unreachable.status());
        assertThrows(AgonesException.class, () -> sdk.playerConnect("x"), "capacity 0: refused");
    }

    @Test
    void shouldKeepRealSessionsInAListWhenAskedTo()
    {
        standIn.declareList("players", 8);
        lifecycle = new AgonesLifecycle(new AgonesLifecycle.Context()
            .sdk(sdk)
            .playersList("players")
            .healthIntervalNs(TimeUnit.MILLISECONDS.toNanos(200)));
        final int port = OpsPorts.freePortPair();
        harness.launch(harness.serverContext(port).listener(lifecycle.listener(new ServerListener()
        {
        })));
        lifecycle.start();
        final GameClient client = harness.connect(harness.clientContext(port));
        harness.awaitConnected(client);
        final String player = "session-" + client.sessionId(); // the default id: the client id is 0 here
        final String add = "POST /v1beta1/lists/players:addValue {\"value\":\"" + player + "\"}";
        Tests.await(() -> 1 == standIn.count(add), 20_000, harness::pollAll, () -> "added: " + standIn.calls());
        assertEquals(List.of(player), sdk.list("players").values());
        harness.closeClient(client);
        final String remove = "POST /v1beta1/lists/players:removeValue {\"value\":\"" + player + "\"}";
        Tests.await(() -> 1 == standIn.count(remove), 20_000, harness::pollAll, () -> "removed: " + standIn.calls());
        assertEquals(List.of(), sdk.list("players").values());
        assertEquals(0, standIn.count("POST /alpha/player/connect"), "no alpha call when a list is used");
        assertEquals(0, lifecycle.failures());
    }

    @Test
    void shouldGoReadyPingHealthAndReportRealSessionsAsPlayers()
    {
        lifecycle = new AgonesLifecycle(new AgonesLifecycle.Context()
            .sdk(sdk)
            .playerCapacity(8)
            .healthIntervalNs(TimeUnit.MILLISECONDS.toNanos(50))
            .playerId((session) -> "session-" + session.sessionId()));
        final int port = OpsPorts.freePortPair();
        final GameServer server = harness.launch(harness.serverContext(port)
            .listener(lifecycle.listener(new ServerListener()
            {
            })));
        lifecycle.start();
        Tests.await(() -> lifecycle.healthPings() >= 3, 20_000, harness::pollAll, () -> "health pings " +
            standIn.calls());
        assertEquals("Ready", standIn.state());
        final List<String> calls = standIn.calls();
        assertEquals("PUT /alpha/player/capacity {\"count\":\"8\"}", calls.get(0));
        assertEquals("POST /ready {}", calls.get(1));
        assertTrue(calls.get(2).startsWith("POST /health"), calls::toString);

        final GameClient client = harness.connect(harness.clientContext(port));
        harness.awaitConnected(client);
        final String player = "session-" + client.sessionId();
        final String connect = "POST /alpha/player/connect {\"playerID\":\"" + player + "\"}";
        Tests.await(() -> 1 == standIn.count(connect), 20_000, harness::pollAll, () -> "player: " + standIn.calls());
        assertEquals(List.of(player), sdk.connectedPlayers());
        assertEquals(1, sdk.playerCount());

        harness.closeClient(client);
        final String disconnect = "POST /alpha/player/disconnect {\"playerID\":\"" + player + "\"}";
        Tests.await(() -> 1 == standIn.count(disconnect), 20_000, harness::pollAll,
            () -> "player disconnected: " + standIn.calls());
        assertEquals(0, server.sessionCount());
        assertEquals(List.of(), sdk.connectedPlayers());

        lifecycle.allocate();
        Tests.await(() -> "Allocated".equals(standIn.state()), 20_000, harness::pollAll, () -> "" + standIn.calls());
        assertTrue(lifecycle.shutdown(TimeUnit.SECONDS.toNanos(5)));
        assertEquals("Shutdown", standIn.state());
        assertEquals(0, lifecycle.failures());
    }
}
