package io.skirmish.engine;

import io.skirmish.engine.client.ClientState;
import io.skirmish.engine.client.GameClient;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.ServerTestSupport;
import io.skirmish.engine.server.Session;
import io.skirmish.engine.server.SessionState;
import io.skirmish.engine.sim.NetworkSimulator;
import io.skirmish.engine.sim.UdpRelay;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sessions over real Aeron UDP on loopback with embedded drivers: handshake, every lane, disconnects, limits,
 * timeouts on both sides, reconnects, and a NAT-like relay.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SessionSystemTest
{
    private final SystemTestHarness harness = new SystemTestHarness();

    @AfterEach
    void after()
    {
        harness.close();
    }

    private static UnsafeBuffer utf8(final String text)
    {
        return new UnsafeBuffer(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldConnectExchangeOnEveryLaneAndDisconnectCleanly()
    {
        final int port = Tests.freePortPair();
        final RecordingServerListener serverListener = new RecordingServerListener();
        final GameServer server = harness.launch(harness.serverContext(port).listener(serverListener));
        final RecordingClientListener clientListener = new RecordingClientListener();
        final GameClient client = harness.connect(harness.clientContext(port).listener(clientListener));

        harness.awaitConnected(client);
        assertEquals(1, clientListener.connects);
        assertEquals(
            List.of(ClientState.CONNECTING_TRANSPORT, ClientState.SENDING_CONNECT_REQUEST,
                ClientState.BINDING_LANES, ClientState.CONNECTED),
            clientListener.states);
        Tests.await(() -> serverListener.connected.size() == 1, 5_000, harness::pollAll, () -> "server connected");
        final Session session = serverListener.connected.get(0);
        assertEquals(client.sessionId(), session.sessionId());
        assertEquals(SessionState.CONNECTED, session.state());

        final UnsafeBuffer hello = utf8("hello server");
        assertTrue(client.send(7, hello, 0, hello.capacity()) > 0);
        Tests.await(() -> serverListener.messages.contains("7:hello server"), 5_000, harness::pollAll,
            () -> "client -> server message, got " + serverListener.messages);

        final UnsafeBuffer direct = utf8("hello client");
        assertEquals(1L, server.send(session, 9, direct, 0, direct.capacity()));
        Tests.await(() -> clientListener.events.contains("0/1/0/9/hello client"), 5_000, harness::pollAll,
            () -> "server -> client direct message, got " + clientListener.events);

        final UnsafeBuffer snapshot = utf8("state@42");
        final UnsafeBuffer input = utf8("fire");
        Tests.await(() ->
            {
                server.sendSnapshot(session, 0, 42, snapshot, 0, snapshot.capacity());
                client.sendInput(nextTick(), input, 0, input.capacity());
                return !clientListener.snapshotTicks.isEmpty() && !serverListener.inputTicks.isEmpty();
            },
            5_000, harness::pollAll, () -> "snapshot and input lanes");
        assertEquals("state@42", new String(clientListener.snapshots.get(0), StandardCharsets.UTF_8));
        Tests.await(() -> session.ackedSnapshotTick() == 42, 5_000, harness::pollAll, () -> "snapshot ack via input");

        harness.closeClient(client);
        Tests.await(() -> serverListener.closed.contains(DisconnectReason.CLIENT_CLOSED), 5_000, harness::pollAll,
            () -> "server sees clean disconnect, closed=" + serverListener.closed);
        assertEquals(0, server.sessionCount());
        assertEquals(List.of(), serverListener.suspended);
        assertTrue(server.counter(EngineCounter.FRAMES_IN) > 0);
        assertEquals(0, server.counter(EngineCounter.DROPPED_MALFORMED));
    }

    private long tick;

    private long nextTick()
    {
        return ++tick;
    }

    @Test
    void shouldRejectWhenServerFull()
    {
        final int port = Tests.freePortPair();
        harness.launch(harness.serverContext(port).maxSessions(1));
        final GameClient first = harness.connect(harness.clientContext(port));
        harness.awaitConnected(first);

        final RecordingClientListener listener = new RecordingClientListener();
        final GameClient second = harness.connect(harness.clientContext(port).listener(listener));
        Tests.await(() -> second.state() == ClientState.CONNECTION_REJECTED, 10_000, harness::pollAll,
            () -> "second client rejected, state=" + second.state());
        assertEquals(DisconnectReason.SERVER_FULL, second.disconnectReason());
        assertEquals(DisconnectReason.SERVER_FULL, listener.disconnected);
        assertTrue(first.isConnected());
    }

    @Test
    void shouldTimeOutClientWhenServerVanishes()
    {
        final int port = Tests.freePortPair();
        final GameServer server = harness.launch(harness.serverContext(port).resumeWindowNs(0));
        final GameClient client = harness.connect(harness.clientContext(port).connectTimeoutNs(
            TimeUnit.SECONDS.toNanos(2)));
        harness.awaitConnected(client);

        harness.servers.remove(server);
        assertEquals("", DriverErrors.of(server));
        ServerTestSupport.abort(server);

        Tests.await(() -> client.state().isFailure() || client.state() == ClientState.DISCONNECTED, 15_000,
            harness::pollAll, () -> "client notices the server is gone, state=" + client.state());
        assertTrue(client.disconnectReason() == DisconnectReason.TIMED_OUT ||
            client.disconnectReason() == DisconnectReason.TRANSPORT_LOST, client.disconnectReason().toString());
    }

    @Test
    void shouldTimeOutSilentClient()
    {
        final int port = Tests.freePortPair();
        final RecordingServerListener serverListener = new RecordingServerListener();
        final GameServer server = harness.launch(harness.serverContext(port)
            .listener(serverListener)
            .sessionTimeoutNs(TimeUnit.MILLISECONDS.toNanos(800))
            .resumeWindowNs(0));
        final GameClient client = harness.connect(harness.clientContext(port));
        harness.awaitConnected(client);
        Tests.await(() -> server.sessionCount() == 1, 5_000, harness::pollAll, () -> "session");

        // the client stops polling: only the server runs
        Tests.await(() -> serverListener.closed.contains(DisconnectReason.TIMED_OUT), 10_000, server::poll,
            () -> "server times the silent client out");
        assertEquals(0, server.sessionCount());
        assertEquals(1, server.counter(EngineCounter.SESSIONS_TIMED_OUT));
    }

    @Test
    void shouldReconnectAfterDisconnect()
    {
        final int port = Tests.freePortPair();
        final RecordingServerListener serverListener = new RecordingServerListener();
        final GameServer server = harness.launch(harness.serverContext(port).listener(serverListener));
        final GameClient first = harness.connect(harness.clientContext(port));
        harness.awaitConnected(first);
        final int firstId = first.sessionId();
        harness.closeClient(first);
        Tests.await(() -> server.sessionCount() == 0, 5_000, harness::pollAll, () -> "first session closed");

        final GameClient second = harness.connect(harness.clientContext(port));
        harness.awaitConnected(second);
        assertTrue(second.sessionId() != firstId);
        Tests.await(() -> server.sessionCount() == 1, 5_000, harness::pollAll, () -> "second session");
        assertEquals(2, server.counter(EngineCounter.SESSIONS_ACCEPTED));
    }

    @Test
    void shouldRunServerOnItsOwnThreadInSharedAndDedicatedModes()
    {
        for (final ThreadingMode mode : new ThreadingMode[]{ ThreadingMode.SHARED, ThreadingMode.DEDICATED })
        {
            final int port = Tests.freePortPair();
            final RecordingServerListener serverListener = new RecordingServerListener();
            final GameServer server = harness.launch(harness.serverContext(port)
                .threadingMode(mode)
                .listener(serverListener));
            final GameClient client = harness.connect(harness.clientContext(port));
            harness.awaitConnected(client);
            final UnsafeBuffer hello = utf8("mode " + mode);
            assertTrue(client.send(1, hello, 0, hello.capacity()) > 0);
            Tests.await(() -> serverListener.messages.contains("1:mode " + mode), 5_000, harness::pollAll,
                () -> mode + " message");

            final UnsafeBuffer reply = utf8("reply " + mode);
            final int sessionId = client.sessionId();
            assertEquals(0, server.proxy().send(sessionId, 2, reply, 0, reply.capacity()));
            Tests.await(() -> client.lastDeliveredSeq(0) == 1, 5_000, harness::pollAll, () -> mode + " proxy send");
            harness.closeClient(client);
            Tests.await(() -> server.sessionCount() == 0, 5_000, harness::pollAll, () -> mode + " close");
        }
    }

    @Test
    void shouldSurviveGameLoopThatStopsPollingForLongerThanAeronLivenessTimeouts()
    {
        final int port = Tests.freePortPair();
        final RecordingServerListener serverListener = new RecordingServerListener();
        final GameServer server = harness.launch(harness.serverContext(port).listener(serverListener));
        final GameClient client = harness.connect(harness.clientContext(port));
        harness.awaitConnected(client);

        // the game loop (which drives both embedded INVOKER drivers) stalls for longer than Aeron's 10 s client and
        // driver liveness timeouts: the condition awaited here is the passage of time itself, nothing is polled
        final long stallEndNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(11);
        Tests.await(() -> System.nanoTime() - stallEndNs > 0, 20_000, null, () -> "stall");

        Tests.await(() -> client.isConnected() && serverListener.resumed.size() == 1, 20_000, harness::pollAll,
            () -> "session resumes after the stall: " + client.state() + " resumed=" + serverListener.resumed);
        assertEquals(1, server.sessionCount());
        assertEquals(0, server.counter(EngineCounter.ERRORS));
    }

    @Test
    void shouldReachServerThroughNatLikeRelayOnAnotherLoopbackAddress()
    {
        final int port = Tests.freePortPair();
        final RecordingServerListener serverListener = new RecordingServerListener();
        final GameServer server = harness.launch(harness.serverContext(port).listener(serverListener));

        final UdpRelay relay = new UdpRelay("127.0.0.2", "127.0.0.2", new NetworkSimulator(7),
            org.agrona.concurrent.SystemNanoClock.INSTANCE);
        final int relayRequestPort = relay.addRoute(0, "127.0.0.1", port);
        final int relayResponsePort = relay.addRoute(0, "127.0.0.1", port + 1);
        try (AgentRunner relayRunner = new AgentRunner(
            new SleepingMillisIdleStrategy(0), Throwable::printStackTrace, null, relay))
        {
            AgentRunner.startOnThread(relayRunner);
            final RecordingClientListener clientListener = new RecordingClientListener();
            final GameClient client = harness.connect(new GameClient.Context()
                .server("127.0.0.2:" + relayRequestPort)
                .serverResponseEndpoint("127.0.0.2:" + relayResponsePort)
                .listener(clientListener));
            harness.awaitConnected(client);

            final UnsafeBuffer ping = utf8("via relay");
            assertTrue(client.send(3, ping, 0, ping.capacity()) > 0);
            Tests.await(() -> serverListener.messages.contains("3:via relay"), 5_000, harness::pollAll,
                () -> "message through relay");
            final Session session = serverListener.connected.get(0);
            final UnsafeBuffer pong = utf8("back through relay");
            server.send(session, 4, pong, 0, pong.capacity());
            Tests.await(() -> clientListener.events.contains("0/1/0/4/back through relay"), 5_000, harness::pollAll,
                () -> "reply through relay");
            assertTrue(relay.mappingCount() >= 2, "the relay rewrote the client's addresses");
            harness.closeClient(client);
        }
    }
}
