package io.skirmish.engine.server;

import io.skirmish.engine.DisconnectReason;
import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.protocol.ConnectRequestFlyweight;
import io.skirmish.engine.protocol.FrameHeaderFlyweight;
import io.skirmish.engine.protocol.FrameType;
import io.skirmish.engine.protocol.InputFlyweight;
import io.skirmish.engine.protocol.LaneBindFlyweight;
import io.skirmish.engine.protocol.MessageFlyweight;
import io.skirmish.engine.protocol.PingFlyweight;
import io.skirmish.engine.security.AuthTrailer;
import io.skirmish.engine.security.FrameCipher;
import io.skirmish.engine.security.LaneCrypto;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.skirmish.engine.server.FrameGate.DROPPED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server's one inbound gate, frame by frame in the manner of Aeron's {@code DriverConductorTest}: every reason a
 * client frame is dropped lands in its own counter (closed lane, too short, bad version, unknown type, oversize,
 * wrong session, bad or replayed trailer, rate limit, fragmented input, bad lane-bind secret), violations are
 * counted against the session only for what a third party cannot forge, the abuse callback fires once when a session
 * goes past its limit, and a frame that passes is exposed with its type, buffer, offset, length and session.
 */
class FrameGateTest
{
    private static final int OFFSET = 16;
    private static final int MAX_MESSAGE_LENGTH = 256;
    private static final int MAX_VIOLATIONS = 3;
    private static final long K0 = 0x0123_4567_89AB_CDEFL;
    private static final long K1 = 0x7EDC_BA98_7654_3210L;

    /** A frame as it arrives: its buffer, its offset in it and its fragment length. */
    private static final class Frame
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[OFFSET + 1024]);
        final int offset = OFFSET;
        int length;
    }

    private final List<Peer> abused = new ArrayList<>();
    private ServerFixture fixture;
    private FrameGate gate;

    private void start(final GameServer.Context ctx)
    {
        fixture = new ServerFixture(ctx.maxMessageLength(MAX_MESSAGE_LENGTH).maxViolationsPerSession(MAX_VIOLATIONS));
        gate = fixture.newGate(
            (peer) ->
            {
                abused.add(peer);
                fixture.sessions.kickForAbuse(peer);
            });
    }

    private void startWithTokens()
    {
        start(ServerFixture.context()
            .connectTokenSecret("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII)));
    }

    private static Frame frame(final int type, final int sessionId, final int length)
    {
        final Frame frame = new Frame();
        new FrameHeaderFlyweight().wrapForEncode(frame.buffer, frame.offset, type, sessionId);
        frame.length = length;
        return frame;
    }

    private static Frame ping(final int sessionId)
    {
        return frame(FrameType.PING, sessionId, PingFlyweight.LENGTH);
    }

    private static Frame message(final int sessionId, final int payloadLength)
    {
        return frame(FrameType.MESSAGE, sessionId, MessageFlyweight.PAYLOAD_OFFSET + payloadLength);
    }

    private static Frame laneBind(final int sessionId, final long secret)
    {
        final Frame frame = new Frame();
        final LaneBindFlyweight bind = new LaneBindFlyweight();
        bind.wrapForEncode(frame.buffer, frame.offset, FrameType.LANE_BIND, sessionId);
        bind.secret(secret);
        frame.length = LaneBindFlyweight.LENGTH;
        return frame;
    }

    private static Frame sealed(final Frame frame, final LaneCrypto crypto, final int lane)
    {
        frame.length = crypto.seal(lane, frame.buffer, frame.offset, frame.length);
        return frame;
    }

    private static LaneCrypto clientCrypto()
    {
        return clientCrypto(K0, K1);
    }

    private static LaneCrypto clientCrypto(final long k0, final long k1)
    {
        final LaneCrypto crypto = new LaneCrypto(null, true);
        crypto.sessionKey(k0, k1);
        return crypto;
    }

    private int control(final Lane lane, final Frame frame)
    {
        return gate.passUpstream(lane, frame.buffer, frame.offset, frame.length, true);
    }

    private int input(final Lane lane, final Frame frame)
    {
        return gate.passUpstream(lane, frame.buffer, frame.offset, frame.length, true);
    }

    private long counter(final EngineCounter counter)
    {
        return fixture.counter(counter);
    }

    private void assertOnlyDropped(final EngineCounter reason, final long count)
    {
        for (final EngineCounter counter : List.of(
            EngineCounter.DROPPED_MALFORMED,
            EngineCounter.DROPPED_BAD_VERSION,
            EngineCounter.DROPPED_UNKNOWN_TYPE,
            EngineCounter.DROPPED_OVERSIZE,
            EngineCounter.DROPPED_UNAUTHENTICATED,
            EngineCounter.DROPPED_RATE_LIMITED))
        {
            assertEquals(counter == reason ? count : 0, counter(counter), counter.name());
        }
        assertEquals(0, counter(EngineCounter.FRAMES_IN));
    }

    @Test
    void shouldPassControlFrameFromTheLaneOwnerAndExposeIt()
    {
        start(ServerFixture.context());
        final Peer peer = fixture.connectedPeer();
        fixture.zeroCounters();
        final long nowNs = fixture.advance(TimeUnit.MILLISECONDS.toNanos(30));
        final Frame frame = ping(peer.sessionId);

        assertEquals(FrameType.PING, control(peer.lane, frame));

        assertSame(frame.buffer, gate.frameBuffer());
        assertEquals(OFFSET, gate.frameOffset());
        assertEquals(PingFlyweight.LENGTH, gate.frameLength());
        assertSame(peer, gate.peer());
        assertEquals(nowNs, peer.lastHeardNs);
        assertEquals(1, counter(EngineCounter.FRAMES_IN));
        assertEquals(PingFlyweight.LENGTH, counter(EngineCounter.BYTES_IN));
        assertEquals(0, peer.violations);
    }

    @Test
    void shouldPassConnectRequestOnANewLaneWithItsShapeCheckedOnly()
    {
        start(ServerFixture.context());
        final Lane lane = fixture.newLane();
        final Frame frame = frame(FrameType.CONNECT_REQUEST, 0, ConnectRequestFlyweight.CREDENTIALS_OFFSET);

        assertEquals(FrameType.CONNECT_REQUEST, control(lane, frame));

        assertNull(gate.peer());
        assertSame(frame.buffer, gate.frameBuffer());
        assertEquals(OFFSET, gate.frameOffset());
        assertEquals(ConnectRequestFlyweight.CREDENTIALS_OFFSET, gate.frameLength());
        assertEquals(0, counter(EngineCounter.FRAMES_IN), "the handshake counts it once it is read");
    }

    @Test
    void shouldDropFramesOnClosedLanesAsUnauthenticated()
    {
        start(ServerFixture.context());
        final Peer peer = fixture.connectedPeer();
        fixture.zeroCounters();
        peer.lane.state = Lane.State.CLOSING;
        peer.lane.state = Lane.State.CLOSED;

        assertEquals(DROPPED, control(peer.lane, ping(peer.sessionId)));
        assertEquals(DROPPED, input(peer.lane, frame(FrameType.INPUT, peer.sessionId, InputFlyweight.ENTRIES_OFFSET)));

        assertOnlyDropped(EngineCounter.DROPPED_UNAUTHENTICATED, 2);
        assertNull(gate.peer());
        assertEquals(0, peer.violations);
    }

    @Test
    void shouldDropFrameShorterThanAHeaderAsMalformed()
    {
        start(ServerFixture.context());
        final Peer peer = fixture.connectedPeer();
        fixture.zeroCounters();

        assertEquals(DROPPED, control(peer.lane, frame(FrameType.PING, peer.sessionId, 5)));

        assertOnlyDropped(EngineCounter.DROPPED_MALFORMED, 1);
        assertEquals(1, peer.violations);
    }

    @Test
    void shouldDropFrameShorterThanItsTypeAsMalformed()
    {
        start(ServerFixture.context());
        final Peer peer = fixture.connectedPeer();
        fixture.zeroCounters();

        assertEquals(DROPPED, control(peer.lane, frame(FrameType.PING, peer.sessionId, PingFlyweight.LENGTH - 1)));

        assertOnlyDropped(EngineCounter.DROPPED_MALFORMED, 1);
        assertEquals(1, peer.violations);
    }

    @Test
    void shouldDropFrameWithBadVersion()
    {
        start(ServerFixture.context());
        final Peer peer = fixture.connectedPeer();
        fixture.zeroCounters();
        final Frame frame = ping(peer.sessionId);
        frame.buffer.putByte(OFFSET + FrameHeaderFlyweight.VERSION_OFFSET, (byte)(FrameHeaderFlyweight.CURRENT_VERSION + 1));

        assertEquals(DROPPED, control(peer.lane, frame));

        assertOnlyDropped(EngineCounter.DROPPED_BAD_VERSION, 1);
        assertEquals(1, peer.violations);
    }

    @Test
    void shouldDropFrameOfUnknownType()
    {
        start(ServerFixture.context());
        final Peer peer = fixture.connectedPeer();
        fixture.zeroCounters();

        assertEquals(DROPPED, control(peer.lane, frame(0, peer.sessionId, 64)));
        assertEquals(DROPPED, control(peer.lane, frame(FrameType.MAX_TYPE + 1, peer.sessionId, 64)));
        assertEquals(DROPPED, input(peer.lane, frame(0xFF, peer.sessionId, 64)));

        assertOnlyDropped(EngineCounter.DROPPED_UNKNOWN_TYPE, 3);
        assertEquals(3, peer.violations);
    }

    @Test
    void shouldDropFrameLongerThanMaxFrameLength()
    {
        start(ServerFixture.context());
        final Peer peer = fixture.connectedPeer();
        fixture.zeroCounters();
        final int maxFrameLength = fixture.ctx.maxFrameLength();
        final int maxPayload = maxFrameLength - MessageFlyweight.PAYLOAD_OFFSET;

        assertEquals(DROPPED, control(peer.lane, message(peer.sessionId, maxPayload + 1)));

        assertOnlyDropped(EngineCounter.DROPPED_OVERSIZE, 1);
        assertEquals(1, peer.violations);
        assertEquals(FrameType.MESSAGE, control(peer.lane, message(peer.sessionId, maxPayload)));
        assertEquals(maxFrameLength, gate.frameLength());
    }

    @Test
    void shouldDropFrameWhoseSessionIsNotTheLaneOwnersWithoutAViolation()
    {
        start(ServerFixture.context());
        final Peer owner = fixture.connectedPeer();
        final Peer other = fixture.connectedPeer();
        final Lane stale = fixture.readyLane();
        stale.peer = owner;
        final Lane unowned = fixture.readyLane();
        fixture.zeroCounters();

        assertEquals(DROPPED, control(owner.lane, ping(other.sessionId)));
        assertEquals(DROPPED, control(owner.lane, ping(0)));
        assertEquals(DROPPED, control(stale, ping(owner.sessionId)));
        assertEquals(DROPPED, control(unowned, ping(owner.sessionId)));
        final Frame othersInput = frame(FrameType.INPUT, other.sessionId, InputFlyweight.ENTRIES_OFFSET);
        assertEquals(DROPPED, input(owner.lane, othersInput));

        assertOnlyDropped(EngineCounter.DROPPED_UNAUTHENTICATED, 5);
        assertEquals(0, owner.violations);
        assertEquals(0, other.violations);
    }

    @Test
    void shouldDropFrameWithBadTrailerWithoutAViolation()
    {
        startWithTokens();
        final Peer peer = fixture.connectedPeer(true, K0, K1);
        fixture.zeroCounters();
        final Frame frame = sealed(ping(peer.sessionId), clientCrypto(), FrameCipher.UPSTREAM_LANE);
        frame.buffer.putByte(OFFSET + frame.length - 1, (byte)(frame.buffer.getByte(OFFSET + frame.length - 1) ^ 1));

        assertEquals(DROPPED, control(peer.lane, frame));

        assertOnlyDropped(EngineCounter.DROPPED_UNAUTHENTICATED, 1);
        assertEquals(0, peer.violations);
    }

    @Test
    void shouldPassFrameWithGoodTrailerOnceAndDropItsReplay()
    {
        startWithTokens();
        final Peer peer = fixture.connectedPeer(true, K0, K1);
        fixture.zeroCounters();
        final LaneCrypto client = clientCrypto();
        final Frame frame = sealed(ping(peer.sessionId), client, FrameCipher.UPSTREAM_LANE);
        assertEquals(PingFlyweight.LENGTH + AuthTrailer.LENGTH, frame.length);

        assertEquals(FrameType.PING, control(peer.lane, frame));
        assertEquals(PingFlyweight.LENGTH, gate.frameLength(), "the trailer is not part of the frame");
        assertEquals(OFFSET, gate.frameOffset());
        assertSame(peer, gate.peer());

        assertEquals(DROPPED, control(peer.lane, frame));
        assertEquals(1, counter(EngineCounter.DROPPED_UNAUTHENTICATED));
        assertEquals(0, peer.violations);

        final Frame next = sealed(ping(peer.sessionId), client, FrameCipher.UPSTREAM_LANE);
        assertEquals(FrameType.PING, control(peer.lane, next));
        assertEquals(2, counter(EngineCounter.FRAMES_IN));
        assertEquals(2L * PingFlyweight.LENGTH, counter(EngineCounter.BYTES_IN));
    }

    @Test
    void shouldDropFramesOverTheMessageRateAndRefillWithTime()
    {
        start(ServerFixture.context().maxMessagesPerSecond(2));
        final Peer peer = fixture.connectedPeer();
        fixture.zeroCounters();

        // the message rate applies to each reliable frame once, when it is first handled in order
        for (int i = 0; i < 4; i++)
        {
            assertTrue(gate.withinMessageRate(peer, FrameType.MESSAGE, 8), "a burst of 2 x rate");
        }
        assertFalse(gate.withinMessageRate(peer, FrameType.ROOM_EMIT, 8));
        assertEquals(1, counter(EngineCounter.DROPPED_RATE_LIMITED));
        assertEquals(1, peer.violations);
        assertEquals(FrameType.PING, control(peer.lane, ping(peer.sessionId)), "keepalives are not limited");
        assertTrue(gate.withinMessageRate(peer, FrameType.EVENT_ACK, 8), "acks are not limited");

        fixture.advance(TimeUnit.MILLISECONDS.toNanos(500));
        assertTrue(gate.withinMessageRate(peer, FrameType.JOIN_REQUEST, 8));
        assertFalse(gate.withinMessageRate(peer, FrameType.REPLAY_REQUEST, 8));
        assertEquals(2, counter(EngineCounter.DROPPED_RATE_LIMITED));
        assertEquals(2, peer.violations);
    }

    @Test
    void shouldDropInputsOverTheByteRate()
    {
        start(ServerFixture.context().maxBytesPerSecond(50));
        final Peer peer = fixture.connectedPeer();
        fixture.zeroCounters();
        final int length = InputFlyweight.ENTRIES_OFFSET + 18;

        assertEquals(FrameType.INPUT, input(peer.lane, frame(FrameType.INPUT, peer.sessionId, length)));
        assertEquals(FrameType.INPUT, input(peer.lane, frame(FrameType.INPUT, peer.sessionId, length)));
        assertEquals(DROPPED, input(peer.lane, frame(FrameType.INPUT, peer.sessionId, length)));

        assertEquals(1, counter(EngineCounter.DROPPED_RATE_LIMITED));
        assertEquals(1, peer.violations);
    }

    @Test
    void shouldDropFragmentedInputFrameAsOversize()
    {
        start(ServerFixture.context());
        final Peer peer = fixture.connectedPeer();
        fixture.zeroCounters();
        final Frame frame = frame(FrameType.INPUT, peer.sessionId, InputFlyweight.ENTRIES_OFFSET);

        assertEquals(DROPPED, gate.passUpstream(peer.lane, frame.buffer, frame.offset, frame.length, false));

        assertOnlyDropped(EngineCounter.DROPPED_OVERSIZE, 1);
        assertEquals(1, peer.violations);
        assertEquals(FrameType.INPUT, input(peer.lane, frame));
    }

    @Test
    void shouldPassInputFromTheConnectedOwnerOnly()
    {
        start(ServerFixture.context());
        final Peer binding = fixture.bindingPeer(false, 0, 0);
        ServerFixture.events(binding).connected(false);
        final Lane bindingInput = fixture.readyLane();
        ServerFixture.outlet(bindingInput).connected(false);
        fixture.sessions.bind(binding, bindingInput);
        assertEquals(SessionState.BINDING, binding.state());
        final Peer connected = fixture.connectedPeer();
        fixture.zeroCounters();

        assertEquals(DROPPED, input(bindingInput, frame(FrameType.INPUT, binding.sessionId, 64)));
        assertEquals(1, counter(EngineCounter.DROPPED_UNAUTHENTICATED));

        assertEquals(FrameType.INPUT, input(connected.lane, frame(FrameType.INPUT, connected.sessionId, 64)));
        assertSame(connected, gate.peer());
        assertEquals(64, gate.frameLength());
        assertEquals(1, counter(EngineCounter.FRAMES_IN));
    }

    @Test
    void shouldPassLaneBindWithTheSessionsSecretOnly()
    {
        start(ServerFixture.context());
        final Peer peer = fixture.bindingPeer(false, 0, 0);
        final Peer other = fixture.connectedPeer();
        final Lane lane = fixture.readyLane();
        fixture.zeroCounters();

        assertEquals(DROPPED, input(lane, laneBind(peer.sessionId, peer.secret + 1)));
        assertEquals(DROPPED, input(lane, laneBind(peer.sessionId + 100, peer.secret)));
        assertEquals(DROPPED, input(other.lane, laneBind(peer.sessionId, peer.secret)), "a lane owned by another");
        assertOnlyDropped(EngineCounter.DROPPED_UNAUTHENTICATED, 3);
        assertEquals(0, peer.violations);

        assertEquals(FrameType.LANE_BIND, input(lane, laneBind(peer.sessionId, peer.secret)));
        assertSame(peer, gate.peer());
        assertEquals(LaneBindFlyweight.LENGTH, gate.frameLength());
        assertEquals(FrameType.LANE_BIND, input(other.lane, laneBind(other.sessionId, other.secret)), "rebind");

        fixture.sessions.close(peer, DisconnectReason.KICKED, false);
        assertEquals(DROPPED, input(lane, laneBind(peer.sessionId, peer.secret)), "a closed session");
        assertEquals(4, counter(EngineCounter.DROPPED_UNAUTHENTICATED));
    }

    @Test
    void shouldPassSealedLaneBindWithTokens()
    {
        startWithTokens();
        final Peer peer = fixture.bindingPeer(true, K0, K1);
        final Lane lane = fixture.readyLane();
        final LaneCrypto client = clientCrypto();
        fixture.zeroCounters();
        final Frame bind = sealed(laneBind(peer.sessionId, peer.secret), client, FrameCipher.UPSTREAM_LANE);

        assertEquals(FrameType.LANE_BIND, input(lane, bind));
        assertEquals(LaneBindFlyweight.LENGTH, gate.frameLength());

        assertEquals(DROPPED, input(lane, bind), "a replayed bind");
        final Frame unsealed = laneBind(peer.sessionId, peer.secret);
        unsealed.length += AuthTrailer.LENGTH;
        assertEquals(DROPPED, input(lane, unsealed), "a bind without a valid trailer");
        assertEquals(2, counter(EngineCounter.DROPPED_UNAUTHENTICATED));
        assertEquals(1, counter(EngineCounter.FRAMES_IN));
        assertEquals(0, peer.violations);
    }

    @Test
    void shouldCallOnAbuseOnceWhenASessionGoesPastItsViolations()
    {
        start(ServerFixture.context());
        final Peer peer = fixture.connectedPeer();
        final Lane control = peer.lane;
        fixture.zeroCounters();

        for (int i = 0; i < MAX_VIOLATIONS; i++)
        {
            assertEquals(DROPPED, control(control, frame(FrameType.PING, peer.sessionId, 4)));
        }
        assertEquals(List.of(), abused, "at the limit, not past it");
        assertEquals(SessionState.CONNECTED, peer.state());

        assertEquals(DROPPED, control(control, frame(FrameType.PING, peer.sessionId, 4)));
        assertEquals(List.of(peer), abused);
        assertEquals(SessionState.CLOSED, peer.state());
        assertEquals(DisconnectReason.PROTOCOL_VIOLATION, peer.session.disconnectReason());
        assertEquals(1, counter(EngineCounter.SESSIONS_KICKED_FOR_ABUSE));

        assertEquals(DROPPED, control(control, frame(FrameType.PING, peer.sessionId, 4)));
        gate.reject(peer, EngineCounter.DROPPED_UNDECODABLE);
        assertEquals(List.of(peer), abused, "once only");
        assertEquals(MAX_VIOLATIONS + 1, counter(EngineCounter.DROPPED_MALFORMED));
        assertEquals(1, counter(EngineCounter.DROPPED_UNAUTHENTICATED), "its lane was closed");
        assertEquals(1, counter(EngineCounter.DROPPED_UNDECODABLE));
    }

    @Test
    void shouldNotCountUnauthenticatedDropsAsViolations()
    {
        startWithTokens();
        final Peer peer = fixture.connectedPeer(true, K0, K1);
        final Peer other = fixture.connectedPeer(true, K0 + 1, K1);
        fixture.zeroCounters();

        for (int i = 0; i < 3 * MAX_VIOLATIONS; i++)
        {
            final Frame notItsSession = sealed(ping(other.sessionId), clientCrypto(), FrameCipher.UPSTREAM_LANE);
            final Frame wrongKey = sealed(ping(peer.sessionId), clientCrypto(K0, ~K1), FrameCipher.UPSTREAM_LANE);
            assertEquals(DROPPED, control(peer.lane, notItsSession));
            assertEquals(DROPPED, control(peer.lane, wrongKey));
        }

        assertEquals(List.of(), abused);
        assertEquals(0, peer.violations);
        assertEquals(SessionState.CONNECTED, peer.state());
        assertOnlyDropped(EngineCounter.DROPPED_UNAUTHENTICATED, 6L * MAX_VIOLATIONS);
    }

    @Test
    void shouldCountRejectionsOfPassedFramesUnderTheirReason()
    {
        start(ServerFixture.context());
        final Peer peer = fixture.connectedPeer();
        fixture.zeroCounters();

        gate.reject(peer, EngineCounter.DROPPED_UNDECODABLE);
        gate.count(EngineCounter.DROPPED_UNKNOWN_TYPE);

        assertEquals(1, counter(EngineCounter.DROPPED_UNDECODABLE));
        assertEquals(1, counter(EngineCounter.DROPPED_UNKNOWN_TYPE));
        assertEquals(1, peer.violations, "a rejection counts; a stale request does not");
    }

    @Test
    void shouldReadTheTrailerOffInputFramesWithTokens()
    {
        startWithTokens();
        final Peer peer = fixture.connectedPeer(true, K0, K1);
        fixture.zeroCounters();
        final int length = InputFlyweight.ENTRIES_OFFSET + 4;
        final Frame frame = sealed(
            frame(FrameType.INPUT, peer.sessionId, length), clientCrypto(), FrameCipher.UPSTREAM_LANE);

        assertEquals(FrameType.INPUT, input(peer.lane, frame));

        assertEquals(length, gate.frameLength());
        assertEquals(length, counter(EngineCounter.BYTES_IN));
        assertEquals(length + AuthTrailer.LENGTH, frame.length);
    }
}
