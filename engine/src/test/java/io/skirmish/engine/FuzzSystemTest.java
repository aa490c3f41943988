package io.skirmish.engine;

import io.skirmish.engine.client.ClientState;
import io.skirmish.engine.client.ClientTestSupport;
import io.skirmish.engine.client.GameClient;
import io.skirmish.engine.protocol.ConnectRequestFlyweight;
import io.skirmish.engine.protocol.EventAckFlyweight;
import io.skirmish.engine.protocol.FrameHeaderFlyweight;
import io.skirmish.engine.protocol.FrameType;
import io.skirmish.engine.protocol.InputFlyweight;
import io.skirmish.engine.protocol.LaneBindFlyweight;
import io.skirmish.engine.protocol.MessageFlyweight;
import io.skirmish.engine.protocol.PingFlyweight;
import io.skirmish.engine.protocol.ReplayRequestFlyweight;
import io.skirmish.engine.protocol.RoomEventFlyweight;
import io.skirmish.engine.protocol.RoomRequestFlyweight;
import io.skirmish.engine.security.ConnectTokens;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.Room;
import io.skirmish.engine.server.RoomOptions;
import io.skirmish.engine.server.ServerTestSupport;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static io.skirmish.engine.RoomSystemTest.assertContiguous;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Structured mutation of valid frames plus random bytes, sent by a connected session on both of its lanes to a live
 * server, while a well-behaved client keeps receiving room events. Fixed seed; {@code -Dskirmish.fuzz.frames=N}
 * (default 100,000) and {@code -Dskirmish.fuzz.seed=S} for longer or different runs.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class FuzzSystemTest
{
    private static final int ROOM = 3;
    private static final int FRAMES = Integer.getInteger("skirmish.fuzz.frames", 100_000);
    private static final long SEED = Long.getLong("skirmish.fuzz.seed", 20261125L);

    private final SystemTestHarness harness = new SystemTestHarness();
    private static final byte[] SECRET = "fuzz-secret-0123456789abcdef-0123456789".getBytes(
        java.nio.charset.StandardCharsets.US_ASCII);

    private final SplittableRandom random = new SplittableRandom(SEED);
    private final ConnectTokens tokens = new ConnectTokens(SECRET);
    private long clientIds;
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[2048]);

    @AfterEach
    void after()
    {
        harness.close();
    }

    private GameClient.Context clientContext(final int port, final boolean encrypted)
    {
        final GameClient.Context ctx = harness.clientContext(port);
        if (encrypted)
        {
            final ConnectTokens.Minted minted = tokens.mint(
                ++clientIds, System.currentTimeMillis() + 600_000, "127.0.0.1:" + port, new byte[0]);
            ctx.connectToken(minted.token(), minted.sessionKey()).payloadEncryption(true);
        }
        return ctx;
    }

    /**
     * @param encrypted with connect tokens and payload encryption: the server must then authenticate and decrypt
     *                  (or refuse) every fuzzed frame, half of which claim to be sealed.
     */
    @ParameterizedTest(name = "encrypted={0}")
    @ValueSource(booleans = { false, true })
    void shouldSurviveMutatedAndRandomFramesWhileServingOthers(final boolean encrypted)
    {
        final int port = Tests.freePortPair();
        final GameServer.Context serverContext = harness.serverContext(port);
        if (encrypted)
        {
            serverContext.connectTokenSecret(SECRET).requirePayloadEncryption(true);
        }
        final GameServer server = harness.launch(serverContext
            .sessionTimeoutNs(TimeUnit.SECONDS.toNanos(10))
            .maxMessagesPerSecond(0)
            .maxBytesPerSecond(0)
            .maxViolationsPerSession(5_000)
            .errorHandler((t) ->
            {
                throw new AssertionError("error handler called", t);
            }));
        final Room room = server.createRoom(ROOM, new RoomOptions().historyCount(1 << 17).historyBytes(16 << 20));

        final RoomSystemTest.RoomRecorder good = new RoomSystemTest.RoomRecorder(ROOM);
        final GameClient goodClient = harness.connect(clientContext(port, encrypted).listener(good));
        harness.awaitConnected(goodClient);
        goodClient.join(ROOM);
        Tests.await(() -> good.joined.contains(ROOM), 5_000, harness::pollAll, () -> "good client joined");

        GameClient fuzzer = null;
        int fuzzers = 0;
        int sent = 0;
        final UnsafeBuffer event = new UnsafeBuffer(new byte[64]);
        long broadcasts = 0;
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (sent < FRAMES)
        {
            assertTrue(System.nanoTime() < deadline, "fuzzing took too long: " + sent);
            if (null == fuzzer || fuzzer.state().isFailure() || fuzzer.state() == ClientState.DISCONNECTED)
            {
                if (null != fuzzer)
                {
                    harness.closeClient(fuzzer);
                }
                fuzzer = harness.connect(clientContext(port, encrypted));
                fuzzers++;
                harness.awaitConnected(fuzzer);
                fuzzer.join(ROOM);
            }
            if (fuzzer.isConnected())
            {
                final int length = encrypted ? claimSealed(nextFrame(fuzzer.sessionId())) :
                    nextFrame(fuzzer.sessionId());
                if (ClientTestSupport.offerRawFrame(fuzzer, frame, 0, length) > 0)
                {
                    sent++;
                }
            }
            if ((sent & 63) == 0)
            {
                event.putLong(0, broadcasts);
                if (room.broadcast(1, event, 0, 8) > 0)
                {
                    broadcasts++;
                }
            }
            harness.pollAll();
        }

        if (null != fuzzer)
        {
            harness.closeClient(fuzzer);
        }
        Tests.await(() -> server.sessionCount() == 1 && room.memberCount() == 1, 20_000, harness::pollAll,
            () -> "fuzzers gone: " + ServerTestSupport.resourceCounts(server));
        final UnsafeBuffer last = RoomSystemTest.utf8("last");
        final long lastSeq = room.broadcast(1, last, 0, last.capacity());
        Tests.await(() -> goodClient.lastDeliveredSeq(ROOM) == lastSeq, 20_000, harness::pollAll,
            () -> "good client still served: " + goodClient.lastDeliveredSeq(ROOM) + "/" + lastSeq);
        assertContiguous(good.seqs, good.firstSeq, lastSeq);
        assertTrue(goodClient.isConnected());
        assertEquals(0, server.counter(EngineCounter.ERRORS));
        final long rejected = server.counter(EngineCounter.DROPPED_MALFORMED) +
            server.counter(EngineCounter.DROPPED_BAD_VERSION) + server.counter(EngineCounter.DROPPED_UNKNOWN_TYPE) +
            server.counter(EngineCounter.DROPPED_OVERSIZE) + server.counter(EngineCounter.DROPPED_UNAUTHENTICATED) +
            server.counter(EngineCounter.DROPPED_UNDECODABLE) + server.counter(EngineCounter.EMITS_VETOED) +
            server.counter(EngineCounter.DUPLICATES_DROPPED);
        System.out.println("fuzz: frames=" + sent + " fuzzer sessions=" + fuzzers + " rejected=" + rejected +
            " kicked=" + server.counter(EngineCounter.SESSIONS_KICKED_FOR_ABUSE) + " framesIn=" +
            server.counter(EngineCounter.FRAMES_IN) + " malformed=" + server.counter(EngineCounter.DROPPED_MALFORMED) +
            " version=" + server.counter(EngineCounter.DROPPED_BAD_VERSION) + " type=" +
            server.counter(EngineCounter.DROPPED_UNKNOWN_TYPE) + " unauth=" +
            server.counter(EngineCounter.DROPPED_UNAUTHENTICATED) + " oversize=" +
            server.counter(EngineCounter.DROPPED_OVERSIZE));
        assertTrue(rejected > FRAMES / 5, "rejections counted: " + rejected);
        assertTrue(server.counter(EngineCounter.SESSIONS_KICKED_FOR_ABUSE) > 0, "repeat offenders disconnected");
        // the fuzzers' lanes go when their images do; the good client's stays
        assertEquals("sessions=1 lanes=1 pendingLanes=0 binding=0 outboxes=0 behind=0",
            ServerTestSupport.resourceCounts(server).replaceAll("lanes=\\d+", "lanes=1"));
    }

    private int nextFrame(final int sessionId)
    {
        if (random.nextInt(5) == 0)
        {
            final int length = random.nextInt(300);
            for (int i = 0; i < length; i++)
            {
                frame.putByte(i, (byte)random.nextInt(256));
            }
            return length;
        }

        int length = template(sessionId);
        final int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations; m++)
        {
            switch (random.nextInt(6))
            {
                case 0:
                    frame.putByte(random.nextInt(Math.max(1, length)), (byte)random.nextInt(256));
                    break;
                case 1:
                    final int at = (random.nextInt(Math.max(1, length / 4))) * 4;
                    if (at + 4 <= length)
                    {
                        frame.putInt(at, extreme());
                    }
                    break;
                case 2:
                    length = random.nextInt(length + 1);
                    break;
                case 3:
                    final int extra = random.nextInt(64);
                    for (int i = 0; i < extra; i++)
                    {
                        frame.putByte(length + i, (byte)random.nextInt(256));
                    }
                    length += extra;
                    break;
                case 4:
                    frame.putByte(FrameHeaderFlyweight.TYPE_OFFSET, (byte)random.nextInt(FrameType.MAX_TYPE + 3));
                    break;
                default:
                    if (random.nextInt(8) == 0)
                    {
                        frame.putByte(FrameHeaderFlyweight.VERSION_OFFSET, (byte)random.nextInt(4));
                    }
                    break;
            }
        }
        // a DISCONNECT would make the server drop the fuzzer's session silently, as asked, and the rest of the run
        // would go unread; only kicks for abuse end fuzzer sessions
        if (length > 1 && (frame.getByte(FrameHeaderFlyweight.TYPE_OFFSET) & 0xFF) == FrameType.DISCONNECT)
        {
            frame.putByte(FrameHeaderFlyweight.TYPE_OFFSET, (byte)FrameType.PING);
        }
        return length;
    }

    /**
     * For an encrypted session: half the frames claim to be sealed (flag set, a counter and a made-up tag appended),
     * so the server's decryption runs on garbage; the rest are unsealed and must be refused before it.
     */
    private int claimSealed(final int length)
    {
        if (length < FrameHeaderFlyweight.HEADER_LENGTH || length + 24 > frame.capacity() || random.nextBoolean())
        {
            return length;
        }
        final int flags = frame.getShort(FrameHeaderFlyweight.FLAGS_OFFSET, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        frame.putShort(FrameHeaderFlyweight.FLAGS_OFFSET, (short)(flags | FrameHeaderFlyweight.FLAG_ENCRYPTED),
            java.nio.ByteOrder.LITTLE_ENDIAN);
        frame.putLong(length, random.nextInt(3) == 0 ? extreme() : random.nextLong(1, 1L << 40),
            java.nio.ByteOrder.LITTLE_ENDIAN);
        frame.putLong(length + 8, random.nextLong());
        frame.putLong(length + 16, random.nextLong());
        return length + 24;
    }

    private int extreme()
    {
        switch (random.nextInt(6))
        {
            case 0: return 0;
            case 1: return -1;
            case 2: return Integer.MAX_VALUE;
            case 3: return Integer.MIN_VALUE;
            case 4: return random.nextInt(70_000);
            default: return random.nextInt();
        }
    }

    private int template(final int sessionId)
    {
        switch (random.nextInt(11))
        {
            case 0:
                final MessageFlyweight message = new MessageFlyweight();
                message.wrapForEncode(frame, 0, FrameType.MESSAGE, sessionId);
                message.seq(random.nextLong()).typeId(random.nextInt(5));
                if (random.nextBoolean())
                {
                    message.flags(FrameHeaderFlyweight.FLAG_KRYO);
                }
                return MessageFlyweight.PAYLOAD_OFFSET + fill(MessageFlyweight.PAYLOAD_OFFSET, 40);
            case 1:
                final RoomEventFlyweight emit = new RoomEventFlyweight();
                emit.wrapForEncode(frame, 0, FrameType.ROOM_EMIT, sessionId);
                emit.flags(random.nextInt(32));
                emit.roomId(random.nextBoolean() ? ROOM : random.nextInt()).typeId(
                    random.nextInt(4)).seq(random.nextLong()).senderSessionId(random.nextInt());
                return RoomEventFlyweight.PAYLOAD_OFFSET + fill(RoomEventFlyweight.PAYLOAD_OFFSET, 40);
            case 2:
            case 3:
                final RoomRequestFlyweight request = new RoomRequestFlyweight();
                request.wrapForEncode(frame, 0, random.nextBoolean() ? FrameType.JOIN_REQUEST : FrameType.LEAVE_REQUEST,
                    sessionId);
                request.roomId(random.nextBoolean() ? ROOM : random.nextInt(10)).requestId(random.nextInt());
                return RoomRequestFlyweight.PAYLOAD_OFFSET + fill(RoomRequestFlyweight.PAYLOAD_OFFSET, 16);
            case 4:
                final ReplayRequestFlyweight replay = new ReplayRequestFlyweight();
                replay.wrapForEncode(frame, 0, FrameType.REPLAY_REQUEST, sessionId);
                replay.roomId(random.nextBoolean() ? ROOM : 0).fromSeq(random.nextLong(-5, 100_000))
                    .toSeq(random.nextLong(-5, 1_000_000));
                return ReplayRequestFlyweight.LENGTH;
            case 5:
                final EventAckFlyweight ack = new EventAckFlyweight();
                ack.wrapForEncode(frame, 0, FrameType.EVENT_ACK, sessionId);
                ack.roomId(random.nextBoolean() ? ROOM : 0).seq(random.nextLong(-5, 1_000_000));
                return EventAckFlyweight.LENGTH;
            case 6:
                final PingFlyweight ping = new PingFlyweight();
                ping.wrapForEncode(frame, 0, random.nextBoolean() ? FrameType.PING : FrameType.PONG, sessionId);
                ping.originTimeNs(random.nextLong());
                return PingFlyweight.LENGTH;
            case 7:
                final ConnectRequestFlyweight connect = new ConnectRequestFlyweight();
                connect.wrapForEncode(frame, 0, FrameType.CONNECT_REQUEST, 0);
                connect.clientNonce(random.nextLong()).resumeSessionId(random.nextInt(3)).resumeSecret(random.nextLong())
                    .credentials(frame, 64, random.nextInt(32));
                return connect.encodedLength();
            case 8:
                final LaneBindFlyweight bind = new LaneBindFlyweight();
                bind.wrapForEncode(frame, 0, FrameType.LANE_BIND, random.nextBoolean() ? sessionId : random.nextInt(5));
                bind.secret(random.nextLong());
                return LaneBindFlyweight.LENGTH;
            default:
                final InputFlyweight input = new InputFlyweight();
                input.wrapForEncode(frame, 0, FrameType.INPUT, sessionId);
                final int count = random.nextInt(4);
                input.newestInputTick(random.nextLong(0, 1_000_000)).count(count);
                int position = InputFlyweight.ENTRIES_OFFSET;
                for (int i = 0; i < count; i++)
                {
                    final int entry = random.nextInt(20);
                    frame.putShort(position, (short)entry, java.nio.ByteOrder.LITTLE_ENDIAN);
                    position += 2 + entry;
                }
                return position;
        }
    }

    private int fill(final int offset, final int max)
    {
        final int length = random.nextInt(max);
        for (int i = 0; i < length; i++)
        {
            frame.putByte(offset + i, (byte)random.nextInt(256));
        }
        return length;
    }
}
