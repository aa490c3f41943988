package io.skirmish.engine;

import io.aeron.protocol.DataHeaderFlyweight;
import io.aeron.protocol.HeaderFlyweight;
import io.skirmish.engine.client.ClientTestSupport;
import io.skirmish.engine.client.GameClient;
import io.skirmish.engine.protocol.FrameHeaderFlyweight;
import io.skirmish.engine.protocol.FrameType;
import io.skirmish.engine.protocol.MessageFlyweight;
import io.skirmish.engine.security.AuthTrailer;
import io.skirmish.engine.security.ConnectTokens;
import io.skirmish.engine.security.FrameCipher;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.Room;
import io.skirmish.engine.server.RoomOptions;
import io.skirmish.engine.server.Session;
import io.skirmish.engine.sim.NetworkSimulator;
import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * AES-GCM payload encryption over real UDP: every lane both ways, what an observer of the wire sees, policy
 * mismatches, tampered and replayed frames, and resume with a fresh key.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class EncryptionSystemTest
{
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef-encrypted".getBytes(StandardCharsets.US_ASCII);
    private static final int ROOM = 5;
    private static final String MARKER = "plaintext-marker-6c1f";
    private static final byte[] MARKER_BYTES = MARKER.getBytes(StandardCharsets.US_ASCII);

    private final SystemTestHarness harness = new SystemTestHarness();
    private final ConnectTokens backend = new ConnectTokens(SECRET);

    @AfterEach
    void after()
    {
        harness.close();
    }

    /** Records the Skirmish frames inside every Aeron data frame handed to the simulated network. */
    private static final class WireTap implements NetworkSimulator.PacketTap
    {
        final List<byte[]> upstreamFrames = new CopyOnWriteArrayList<>();
        final AtomicInteger datagramsWithMarker = new AtomicInteger();
        final AtomicInteger datagrams = new AtomicInteger();

        public boolean onSend(final DirectBuffer buffer, final int offset, final int length, final int tag)
        {
            datagrams.incrementAndGet();
            final byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            if (indexOf(bytes, MARKER_BYTES) >= 0)
            {
                datagramsWithMarker.incrementAndGet();
            }
            if ((tag & 1) != 0)
            {
                return true;
            }
            int position = 0;
            while (position + DataHeaderFlyweight.HEADER_LENGTH <= length)
            {
                final int frameLength = buffer.getInt(offset + position, LITTLE_ENDIAN);
                final int type = buffer.getShort(offset + position + HeaderFlyweight.TYPE_FIELD_OFFSET, LITTLE_ENDIAN);
                if (frameLength <= 0 || position + frameLength > length)
                {
                    break;
                }
                if (type == HeaderFlyweight.HDR_TYPE_DATA && frameLength > DataHeaderFlyweight.HEADER_LENGTH)
                {
                    final byte[] frame = new byte[frameLength - DataHeaderFlyweight.HEADER_LENGTH];
                    buffer.getBytes(offset + position + DataHeaderFlyweight.HEADER_LENGTH, frame);
                    upstreamFrames.add(frame);
                }
                position += BitUtil.align(frameLength, 32);
            }
            return true;
        }

        byte[] lastUpstream(final int frameType)
        {
            for (int i = upstreamFrames.size() - 1; i >= 0; i--)
            {
                final byte[] frame = upstreamFrames.get(i);
                if (frame.length > FrameHeaderFlyweight.HEADER_LENGTH &&
                    (frame[FrameHeaderFlyweight.TYPE_OFFSET] & 0xFF) == frameType)
                {
                    return frame;
                }
            }
            return null;
        }
    }

    private static int indexOf(final byte[] haystack, final byte[] needle)
    {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++)
        {
            for (int j = 0; j < needle.length; j++)
            {
                if (haystack[i + j] != needle[j])
                {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private GameServer.Context serverContext(final int port)
    {
        return harness.serverContext(port).connectTokenSecret(SECRET).publicAddresses("game.example.com:" + port);
    }

    private GameClient.Context clientContext(final int port, final long clientId, final boolean encrypt)
    {
        final ConnectTokens.Minted minted = backend.mint(
            clientId, System.currentTimeMillis() + 60_000, "game.example.com:" + port, new byte[0]);
        return harness.clientContext(port)
            .connectToken(minted.token(), minted.sessionKey())
            .payloadEncryption(encrypt);
    }

    @ParameterizedTest(name = "encrypted={0}")
    @ValueSource(booleans = { true, false })
    void shouldCarryEveryLaneAndShowAnObserverPlaintextOnlyWhenNotEncrypted(final boolean encrypt)
    {
        final int port = Tests.freePortPair();
        final List<String> inputs = new CopyOnWriteArrayList<>();
        final RecordingServerListener serverListener = new RecordingServerListener()
        {
            public void onInput(
                final Session session, final long inputTick, final DirectBuffer buffer, final int offset,
                final int length)
            {
                super.onInput(session, inputTick, buffer, offset, length);
                inputs.add(buffer.getStringWithoutLengthAscii(offset, length));
            }
        };
        final GameServer server = harness.launch(serverContext(port)
            .requirePayloadEncryption(encrypt)
            .listener(serverListener));
        final Room room = server.createRoom(ROOM, new RoomOptions());

        final WireTap tap = new WireTap();
        final RoomSystemTest.RoomRecorder a = new RoomSystemTest.RoomRecorder(ROOM);
        final RoomSystemTest.RoomRecorder b = new RoomSystemTest.RoomRecorder(ROOM);
        final GameClient ca = harness.connect(clientContext(port, 1, encrypt).listener(a)
            .networkSimulator(new NetworkSimulator(7).lossPercent(5).jitterMs(1).tap(tap)));
        final GameClient cb = harness.connect(clientContext(port, 2, encrypt).listener(b));
        harness.awaitConnected(ca);
        harness.awaitConnected(cb);
        ca.join(ROOM);
        cb.join(ROOM);
        Tests.await(() -> room.memberCount() == 2, 10_000, harness::pollAll, () -> "both joined");

        final UnsafeBuffer marker = RoomSystemTest.utf8(MARKER);
        final int events = 50;
        for (int i = 0; i < events; i++)
        {
            final UnsafeBuffer event = RoomSystemTest.utf8(MARKER + " server " + i);
            assertTrue(room.broadcast(1, event, 0, event.capacity()) > 0);
            final UnsafeBuffer emit = RoomSystemTest.utf8(MARKER + " a " + i);
            Tests.await(() -> ca.emit(ROOM, 2, emit, 0, emit.capacity()) > 0, 5_000, harness::pollAll, () -> "emit");
            harness.pollAll();
        }
        assertTrue(ca.send(3, marker, 0, marker.capacity()) > 0);
        final Session sessionA = server.session(ca.sessionId());
        assertTrue(server.send(sessionA, 4, marker, 0, marker.capacity()) > 0);

        // a snapshot bigger than one datagram, so it travels in parts, each sealed on its own
        final byte[] big = new byte[5000];
        for (int i = 0; i < big.length; i++)
        {
            big[i] = MARKER_BYTES[i % MARKER_BYTES.length];
        }
        final UnsafeBuffer snapshot = new UnsafeBuffer(big);
        final long[] nextSendNs = { 0, 0 };
        Tests.await(() ->
            {
                final long nowNs = System.nanoTime();
                if (nowNs - nextSendNs[0] >= 0)
                {
                    nextSendNs[0] = nowNs + TimeUnit.MILLISECONDS.toNanos(5);
                    ca.sendInput(++nextSendNs[1], marker, 0, marker.capacity());
                    server.sendSnapshot(sessionA, ROOM, nextSendNs[1], snapshot, 0, big.length);
                }
                return !a.snapshots.isEmpty() && !inputs.isEmpty() &&
                    serverListener.messages.contains("3:" + MARKER) && a.events.size() >= 2 * events + 1 &&
                    b.events.size() >= 2 * events;
            }, 20_000, harness::pollAll,
            () -> "delivered: snapshots " + a.snapshots.size() + ", inputs " + inputs.size() + ", messages " +
            serverListener.messages + ", events " + a.events.size() + "/" + b.events.size());

        assertEquals(MARKER, inputs.get(0));
        assertTrue(java.util.Arrays.equals(big, a.snapshots.get(0)), "snapshot arrives whole and exact");
        final List<String> expectedServer = new ArrayList<>();
        final List<String> expectedA = new ArrayList<>();
        for (int i = 0; i < events; i++)
        {
            expectedServer.add(MARKER + " server " + i);
            expectedA.add(MARKER + " a " + i);
        }
        for (final RoomSystemTest.RoomRecorder recorder : List.of(a, b))
        {
            final List<String> fromServer = new ArrayList<>();
            final List<String> fromA = new ArrayList<>();
            for (final String payload : recorder.payloads)
            {
                if (payload.startsWith(MARKER))
                {
                    (payload.contains(" server ") ? fromServer : fromA).add(payload);
                }
            }
            assertEquals(expectedServer, fromServer);
            assertEquals(expectedA, fromA);
        }
        assertTrue(a.events.stream().anyMatch(e -> e.startsWith("0/") && e.endsWith("/4/" + MARKER)),
            "direct message: " + a.events);

        assertEquals(0, server.counter(EngineCounter.DROPPED_UNAUTHENTICATED));
        assertEquals(0, ca.counter(EngineCounter.DROPPED_UNAUTHENTICATED));
        assertEquals(0, cb.counter(EngineCounter.DROPPED_UNAUTHENTICATED));
        assertTrue(tap.datagrams.get() > 100, "the tap saw the traffic: " + tap.datagrams.get());
        if (encrypt)
        {
            assertEquals(0, tap.datagramsWithMarker.get(), "no datagram carries the plaintext");
        }
        else
        {
            assertTrue(tap.datagramsWithMarker.get() > 0, "unencrypted frames show their payload");
        }
    }

    @Test
    void shouldRejectClientsThatDoNotMatchTheServersEncryptionPolicy()
    {
        final int port = Tests.freePortPair();
        harness.launch(serverContext(port).requirePayloadEncryption(true));
        final GameClient plain = harness.connect(clientContext(port, 1, false));
        Tests.await(() -> plain.state().isFailure(), 15_000, harness::pollAll, () -> "rejected: " + plain.state());
        assertEquals(DisconnectReason.ENCRYPTION_REQUIRED, plain.disconnectReason());

        final int openPort = Tests.freePortPair();
        harness.launch(harness.serverContext(openPort));
        final GameClient encrypted = harness.connect(clientContext(openPort, 2, true));
        Tests.await(() -> encrypted.state().isFailure(), 15_000, harness::pollAll,
            () -> "rejected: " + encrypted.state());
        assertEquals(DisconnectReason.ENCRYPTION_UNAVAILABLE, encrypted.disconnectReason());
    }

    @Test
    void shouldDropPlainTamperedAndReplayedFramesOfAnEncryptedSession()
    {
        final int port = Tests.freePortPair();
        final RecordingServerListener listener = new RecordingServerListener();
        final GameServer server = harness.launch(serverContext(port).listener(listener));
        final WireTap tap = new WireTap();
        final GameClient client = harness.connect(clientContext(port, 1, true)
            .networkSimulator(new NetworkSimulator(3).tap(tap)));
        harness.awaitConnected(client);

        final UnsafeBuffer hello = RoomSystemTest.utf8("hello once");
        assertTrue(client.send(1, hello, 0, hello.capacity()) > 0);
        Tests.await(() -> listener.messages.contains("1:hello once") && null != tap.lastUpstream(FrameType.RELIABLE),
            10_000, harness::pollAll, () -> "sealed message delivered and captured");
        final byte[] captured = tap.lastUpstream(FrameType.RELIABLE);
        assertNotNull(captured);
        final UnsafeBuffer sealed = new UnsafeBuffer(captured);
        assertTrue((sealed.getShort(FrameHeaderFlyweight.FLAGS_OFFSET, LITTLE_ENDIAN) &
            FrameHeaderFlyweight.FLAG_ENCRYPTED) != 0, "captured frame is sealed");
        assertEquals(-1, indexOf(captured, "hello once".getBytes(StandardCharsets.US_ASCII)));

        // replay the captured frame as a new Aeron message: Aeron accepts it, the lane counter does not
        assertTrue(ClientTestSupport.offerRawFrame(client, sealed, 0, captured.length) > 0);
        // flip one ciphertext bit, and raise the counter so only the tag can reject it
        final UnsafeBuffer tampered = new UnsafeBuffer(captured.clone());
        tampered.putByte(FrameHeaderFlyweight.HEADER_LENGTH + 2,
            (byte)(tampered.getByte(FrameHeaderFlyweight.HEADER_LENGTH + 2) ^ 1));
        final int counterOffset = captured.length - FrameCipher.TRAILER_LENGTH;
        tampered.putLong(counterOffset, tampered.getLong(counterOffset, LITTLE_ENDIAN) + 1000, LITTLE_ENDIAN);
        assertTrue(ClientTestSupport.offerRawFrame(client, tampered, 0, captured.length) > 0);
        // a plain frame under the session's identity, with no seal
        final UnsafeBuffer plain = new UnsafeBuffer(new byte[128]);
        final MessageFlyweight message = new MessageFlyweight();
        message.wrapForEncode(plain, 0, FrameType.MESSAGE, client.sessionId());
        message.seq(1_000).typeId(1);
        final int plainLength = MessageFlyweight.PAYLOAD_OFFSET + plain.putStringWithoutLengthAscii(
            MessageFlyweight.PAYLOAD_OFFSET, "plain frame") + AuthTrailer.LENGTH;
        assertTrue(ClientTestSupport.offerRawFrame(client, plain, 0, plainLength) > 0);

        Tests.await(() -> server.counter(EngineCounter.DROPPED_UNAUTHENTICATED) >= 3, 10_000, harness::pollAll,
            () -> "dropped: " + server.counter(EngineCounter.DROPPED_UNAUTHENTICATED));
        final UnsafeBuffer after = RoomSystemTest.utf8("after");
        assertTrue(client.send(1, after, 0, after.capacity()) > 0);
        Tests.await(() -> listener.messages.contains("1:after"), 10_000, harness::pollAll, () -> "still served");
        assertEquals(List.of("1:hello once", "1:after"), listener.messages);
        assertTrue(client.isConnected());
    }

    @Test
    void shouldResumeAfterANetworkDropUnderAFreshKeyAndCatchUp()
    {
        final int port = Tests.freePortPair();
        final RecordingServerListener listener = new RecordingServerListener();
        final GameServer server = harness.launch(serverContext(port)
            .requirePayloadEncryption(true)
            .resumeWindowNs(TimeUnit.SECONDS.toNanos(30))
            .listener(listener));
        final Room room = server.createRoom(ROOM, new RoomOptions());
        final NetworkSimulator simulator = new NetworkSimulator(11);
        final RoomSystemTest.RoomRecorder recorder = new RoomSystemTest.RoomRecorder(ROOM);
        final GameClient client = harness.connect(clientContext(port, 1, true).listener(recorder)
            .networkSimulator(simulator));
        harness.awaitConnected(client);
        client.join(ROOM);
        Tests.await(() -> room.memberCount() == 1, 10_000, harness::pollAll, () -> "joined");
        final UnsafeBuffer before = RoomSystemTest.utf8("before");
        room.broadcast(1, before, 0, before.capacity());
        Tests.await(() -> recorder.payloads.contains("before"), 10_000, harness::pollAll, () -> "before");

        simulator.lossPercent(100);
        Tests.await(() -> !listener.suspended.isEmpty(), 20_000, harness::pollAll, () -> "server suspends");
        final UnsafeBuffer during = RoomSystemTest.utf8("during");
        room.broadcast(1, during, 0, during.capacity());
        simulator.lossPercent(0);

        Tests.await(() -> !listener.resumed.isEmpty() && recorder.payloads.contains("during"), 30_000,
            harness::pollAll, () -> "resumed: " + listener.resumed + ", payloads " + recorder.payloads);
        final UnsafeBuffer hello = RoomSystemTest.utf8("after resume");
        Tests.await(() -> client.send(1, hello, 0, hello.capacity()) > 0, 5_000, harness::pollAll, () -> "send");
        Tests.await(() -> listener.messages.contains("1:after resume"), 10_000, harness::pollAll,
            () -> "message after resume");
        assertEquals(List.of("before", "during"),
            recorder.payloads.stream().filter(p -> !p.startsWith("+") && !p.startsWith("-")).toList());
        assertFalse(recorder.seqs.isEmpty());
        // the server drops what the old connection still sends after its suspension; the client, on its new key,
        // opens every frame the server sends
        assertEquals(0, client.counter(EngineCounter.DROPPED_UNAUTHENTICATED));
    }
}
