package io.skirmish.engine;

import io.aeron.Aeron;
import io.aeron.ChannelUriStringBuilder;
import io.aeron.ExclusivePublication;
import io.skirmish.engine.client.ClientListener;
import io.skirmish.engine.client.ClientState;
import io.skirmish.engine.client.ClientTestSupport;
import io.skirmish.engine.client.GameClient;
import io.skirmish.engine.codec.MessageRegistry;
import io.skirmish.engine.protocol.FrameType;
import io.skirmish.engine.protocol.MessageFlyweight;
import io.skirmish.engine.security.ConnectTokens;
import io.skirmish.engine.server.ConnectRequest;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.ServerListener;
import io.skirmish.engine.transport.Lanes;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connect tokens, frame authentication, rate limits and bounded decoding over real UDP.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SecuritySystemTest
{
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef-skirmish".getBytes(StandardCharsets.US_ASCII);
    private final SystemTestHarness harness = new SystemTestHarness();
    private final ConnectTokens backend = new ConnectTokens(SECRET);
    private Aeron attacker;
    private io.aeron.driver.MediaDriver attackerDriver;

    @AfterEach
    void after()
    {
        CloseHelper.quietCloseAll(attacker, attackerDriver);
        harness.close();
    }

    private static long rejected(final GameServer server)
    {
        return server.counter(EngineCounter.DROPPED_UNAUTHENTICATED) + server.counter(EngineCounter.DROPPED_MALFORMED);
    }

    private GameServer server(final int port, final ServerListener listener)
    {
        return harness.launch(harness.serverContext(port)
            .connectTokenSecret(SECRET)
            .publicAddresses("game.example.com:" + port)
            .listener(listener));
    }

    private ConnectTokens.Minted mint(final int port, final long clientId, final long ttlMs)
    {
        return backend.mint(clientId, System.currentTimeMillis() + ttlMs, "game.example.com:" + port,
            ("player-" + clientId).getBytes(StandardCharsets.US_ASCII));
    }

    private GameClient connect(final int port, final byte[] token, final byte[] key, final ClientListener listener)
    {
        final GameClient.Context ctx = harness.clientContext(port)
            .connectTimeoutNs(TimeUnit.MILLISECONDS.toNanos(1500));
        if (null != listener)
        {
            ctx.listener(listener);
        }
        if (null != token)
        {
            ctx.connectToken(token, key);
        }
        return harness.connect(ctx);
    }

    private DisconnectReason awaitRejected(final GameClient client)
    {
        Tests.await(() -> client.state().isFailure(), 10_000, harness::pollAll, () -> "rejected: " + client.state());
        return client.disconnectReason();
    }

    @Test
    void shouldAcceptValidTokenAndExposeItsIdentity()
    {
        final int port = Tests.freePortPair();
        final List<String> seen = new CopyOnWriteArrayList<>();
        final RecordingServerListener listener = new RecordingServerListener()
        {
            public void onConnectRequest(final ConnectRequest request)
            {
                seen.add(request.clientId() + ":" + request.userData().getStringWithoutLengthAscii(
                    0, request.userData().capacity()));
            }
        };
        final GameServer server = server(port, listener);
        final ConnectTokens.Minted minted = mint(port, 77, 60_000);
        final GameClient client = connect(port, minted.token(), minted.sessionKey(), null);
        harness.awaitConnected(client);
        assertEquals(List.of("77:player-77"), seen);
        assertEquals(77, server.session(client.sessionId()).clientId());

        final UnsafeBuffer hello = RoomSystemTest.utf8("authenticated hello");
        client.send(1, hello, 0, hello.capacity());
        final UnsafeBuffer input = RoomSystemTest.utf8("move");
        Tests.await(() ->
            {
                client.sendInput(System.nanoTime(), input, 0, input.capacity());
                return listener.messages.contains("1:authenticated hello") && !listener.inputTicks.isEmpty();
            }, 5_000, harness::pollAll, () -> "authenticated frames accepted");
        assertEquals(0, server.counter(EngineCounter.DROPPED_UNAUTHENTICATED));
    }

    @Test
    void shouldRejectForgedExpiredWrongServerReplayedAndMissingTokensWithDistinctReasons()
    {
        final int port = Tests.freePortPair();
        final GameServer server = server(port, new RecordingServerListener());

        final ConnectTokens.Minted good = mint(port, 1, 60_000);
        final byte[] forged = good.token();
        forged[ConnectTokens.CLIENT_ID_OFFSET] ^= 1;
        assertEquals(DisconnectReason.TOKEN_INVALID, awaitRejected(connect(port, forged, good.sessionKey(), null)));

        final ConnectTokens.Minted expired = mint(port, 2, -1_000);
        assertEquals(DisconnectReason.TOKEN_EXPIRED,
            awaitRejected(connect(port, expired.token(), expired.sessionKey(), null)));

        final ConnectTokens.Minted otherServer = backend.mint(3, System.currentTimeMillis() + 60_000,
            "other.example.com:" + port, new byte[0]);
        assertEquals(DisconnectReason.TOKEN_WRONG_SERVER,
            awaitRejected(connect(port, otherServer.token(), otherServer.sessionKey(), null)));

        final ConnectTokens.Minted once = mint(port, 4, 60_000);
        final GameClient first = connect(port, once.token(), once.sessionKey(), null);
        harness.awaitConnected(first);
        assertEquals(DisconnectReason.TOKEN_REPLAYED,
            awaitRejected(connect(port, once.token(), once.sessionKey(), null)));

        assertEquals(DisconnectReason.TOKEN_INVALID, awaitRejected(connect(port, null, null, null)));
        assertEquals(5, server.counter(EngineCounter.CONNECTS_REJECTED));
        assertTrue(first.isConnected());
    }

    @Test
    void shouldIgnoreSniffedTokenWithoutSessionKeyAndNotBurnIt()
    {
        final int port = Tests.freePortPair();
        final GameServer server = server(port, new RecordingServerListener());
        final ConnectTokens.Minted minted = mint(port, 5, 60_000);
        final byte[] wrongKey = new byte[16];

        final GameClient thief = connect(port, minted.token(), wrongKey, null);
        Tests.await(() -> thief.state() == ClientState.CONNECT_TIMED_OUT, 10_000, harness::pollAll,
            () -> "thief gets nothing: " + thief.state());
        assertTrue(server.counter(EngineCounter.DROPPED_UNAUTHENTICATED) > 0);
        assertEquals(0, server.sessionCount());

        final GameClient owner = connect(port, minted.token(), minted.sessionKey(), null);
        harness.awaitConnected(owner);
    }

    @Test
    void shouldDropFramesInjectedUnderAnotherSessionsIdentity()
    {
        final int port = Tests.freePortPair();
        final RecordingServerListener listener = new RecordingServerListener();
        final GameServer server = server(port, listener);
        final ConnectTokens.Minted minted = mint(port, 6, 60_000);
        final GameClient victim = connect(port, minted.token(), minted.sessionKey(), null);
        harness.awaitConnected(victim);

        // an attacker with its own driver and Aeron client forges MESSAGE frames carrying the victim's session id,
        // with and without a made-up trailer
        attackerDriver = io.aeron.driver.MediaDriver.launchEmbedded(new io.aeron.driver.MediaDriver.Context()
            .threadingMode(io.aeron.driver.ThreadingMode.SHARED)
            .sharedIdleStrategy(new org.agrona.concurrent.BackoffIdleStrategy())
            .publicationTermBufferLength(64 * 1024)
            .dirDeleteOnShutdown(true));
        attacker = Aeron.connect(new Aeron.Context().aeronDirectoryName(attackerDriver.aeronDirectoryName()));
        final ExclusivePublication forgery = attacker.addExclusivePublication(new ChannelUriStringBuilder()
            .media("udp").endpoint("127.0.0.1:" + port).build(), Lanes.UPSTREAM_STREAM_ID);
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[128]);
        final MessageFlyweight message = new MessageFlyweight();
        message.wrapForEncode(frame, 0, FrameType.MESSAGE, victim.sessionId());
        message.seq(1_000_000).typeId(1);
        final int length = MessageFlyweight.PAYLOAD_OFFSET + frame.putStringWithoutLengthAscii(
            MessageFlyweight.PAYLOAD_OFFSET, "forged");
        frame.putLong(length, 99);
        frame.putLong(length + 8, 12345);
        int sent = 0;
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (sent < 50 && System.nanoTime() < deadline)
        {
            if (forgery.offer(frame, 0, sent % 2 == 0 ? length : length + 16) > 0)
            {
                sent++;
            }
            harness.pollAll();
        }
        assertEquals(50, sent);
        Tests.await(() -> rejected(server) >= 50, 10_000, harness::pollAll, () -> "forgeries counted: " +
            rejected(server));
        assertEquals(1, server.sessionCount());
        assertTrue(listener.messages.isEmpty(), "no forged message accepted: " + listener.messages);
        assertTrue(victim.isConnected());
    }

    @Test
    void shouldRateLimitFloodingSessionAndThenDisconnectIt()
    {
        final int port = Tests.freePortPair();
        final RecordingServerListener listener = new RecordingServerListener();
        final GameServer server = harness.launch(harness.serverContext(port)
            .listener(listener)
            .maxMessagesPerSecond(100));
        final RecordingClientListener floodListener = new RecordingClientListener();
        final GameClient flooder = harness.connect(harness.clientContext(port).listener(floodListener));
        final GameClient good = harness.connect(harness.clientContext(port));
        harness.awaitConnected(flooder);
        harness.awaitConnected(good);

        final UnsafeBuffer spam = RoomSystemTest.utf8("spam");
        Tests.await(() ->
            {
                flooder.send(1, spam, 0, spam.capacity());
                return server.counter(EngineCounter.SESSIONS_KICKED_FOR_ABUSE) == 1;
            }, 20_000, harness::pollAll, () -> "flooder kicked");
        assertTrue(server.counter(EngineCounter.DROPPED_RATE_LIMITED) > 100);
        Tests.await(() -> flooder.disconnectReason() == DisconnectReason.PROTOCOL_VIOLATION, 5_000, harness::pollAll,
            () -> "flooder told why: " + flooder.disconnectReason());
        final UnsafeBuffer hello = RoomSystemTest.utf8("still fine");
        good.send(2, hello, 0, hello.capacity());
        Tests.await(() -> listener.messages.contains("2:still fine"), 5_000, harness::pollAll, () -> "good client");
    }

    @Test
    void shouldDropOversizedMessagesWithoutBufferingThem()
    {
        final int port = Tests.freePortPair();
        final RecordingServerListener listener = new RecordingServerListener();
        final GameServer server = harness.launch(harness.serverContext(port).listener(listener));
        final GameClient big = harness.connect(harness.clientContext(port)
            .maxMessageLength(100_000)
            .termLength(1024 * 1024));
        harness.awaitConnected(big);
        // the client refuses to send more than the server's limit; a modified client would send it anyway
        final UnsafeBuffer huge = new UnsafeBuffer(new byte[100_000]);
        assertEquals(SendResult.MESSAGE_TOO_LARGE, big.send(1, huge, 0, huge.capacity()));
        final MessageFlyweight message = new MessageFlyweight();
        message.wrapForEncode(huge, 0, FrameType.MESSAGE, big.sessionId());
        message.seq(1).typeId(1);
        assertTrue(ClientTestSupport.offerRawFrame(big, huge, 0, huge.capacity()) > 0);
        final UnsafeBuffer small = RoomSystemTest.utf8("after");
        assertTrue(big.send(2, small, 0, small.capacity()) > 0);
        Tests.await(() -> listener.messages.contains("2:after"), 5_000, harness::pollAll, () -> "small one delivered");
        assertEquals(1, server.counter(EngineCounter.DROPPED_OVERSIZE));
        assertEquals(1, listener.messages.size());
    }

    /** Length-bomb targets: one field each. */
    public static final class IntsMessage
    {
        public int[] values;
    }

    /** Length-bomb target: a string. */
    public static final class NameMessage
    {
        public String name;
    }

    /** Length-bomb target: a collection. */
    public static final class TagsMessage
    {
        public java.util.ArrayList<String> tags;
    }

    @Test
    void shouldRejectKryoLengthBombsWithoutAllocating()
    {
        final MessageRegistry registry = new MessageRegistry()
            .register(1, IntsMessage.class)
            .register(2, NameMessage.class)
            .register(3, TagsMessage.class)
            .register(4, java.util.ArrayList.class)
            .register(5, int[].class);
        final int port = Tests.freePortPair();
        final List<Object> received = new CopyOnWriteArrayList<>();
        final GameServer server = harness.launch(harness.serverContext(port).messageRegistry(registry));
        server.on(IntsMessage.class, (session, message) -> received.add(message));
        server.on(NameMessage.class, (session, message) -> received.add(message));
        server.on(TagsMessage.class, (session, message) -> received.add(message));
        final GameClient client = harness.connect(harness.clientContext(port).messageRegistry(registry));
        harness.awaitConnected(client);

        final IntsMessage ints = new IntsMessage();
        ints.values = new int[]{ 1, 2, 3 };
        final NameMessage name = new NameMessage();
        name.name = "ok";
        final TagsMessage tags = new TagsMessage();
        tags.tags = new java.util.ArrayList<>(List.of("a", "b"));
        assertTrue(client.send(ints) > 0);
        assertTrue(client.send(name) > 0);
        assertTrue(client.send(tags) > 0);
        Tests.await(() -> received.size() == 3, 5_000, harness::pollAll, () -> "legit messages decoded");
        assertArrayEquals(new int[]{ 1, 2, 3 }, ((IntsMessage)received.get(0)).values);
        assertEquals("ok", ((NameMessage)received.get(1)).name);
        assertEquals(List.of("a", "b"), ((TagsMessage)received.get(2)).tags);

        final long usedBefore = usedHeap();
        final int[] typeIds = { 1, 2, 3 };
        final byte[][] bombs = {
            // int[] of 200,000,000 declared in four bytes
            { (byte)0x81, (byte)0x84, (byte)0xAF, (byte)0x5F },
            // a UTF-8 string of 100,000,000 chars
            { (byte)0xC1, (byte)0x84, (byte)0xAF, (byte)0x5F },
            // an ArrayList (class id 104 + 2) of 100,000,000 elements
            { (byte)0x6A, (byte)0x80, (byte)0xC2, (byte)0xD7, (byte)0x2F },
        };
        for (int i = 0; i < bombs.length; i++)
        {
            final UnsafeBuffer payload = new UnsafeBuffer(bombs[i]);
            assertTrue(ClientTestSupport.sendRawKryoMessage(client, typeIds[i], payload, 0, payload.capacity()) > 0);
        }
        Tests.await(() -> server.counter(EngineCounter.DROPPED_UNDECODABLE) == bombs.length, 5_000, harness::pollAll,
            () -> "bombs dropped: " + server.counter(EngineCounter.DROPPED_UNDECODABLE));
        assertEquals(3, received.size());
        assertTrue(usedHeap() - usedBefore < 64L * 1024 * 1024, "no large allocation");
        assertEquals(0, server.counter(EngineCounter.ERRORS));
    }

    private static long usedHeap()
    {
        final Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    static String text(final DirectBuffer buffer, final int offset, final int length)
    {
        return buffer.getStringWithoutLengthUtf8(offset, length);
    }
}
