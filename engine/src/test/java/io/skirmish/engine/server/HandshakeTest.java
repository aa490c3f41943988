package io.skirmish.engine.server;

import io.skirmish.engine.DisconnectReason;
import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.protocol.ConnectAcceptFlyweight;
import io.skirmish.engine.protocol.ConnectRejectFlyweight;
import io.skirmish.engine.protocol.ConnectRequestFlyweight;
import io.skirmish.engine.protocol.FrameHeaderFlyweight;
import io.skirmish.engine.protocol.FrameType;
import io.skirmish.engine.protocol.PingFlyweight;
import io.skirmish.engine.security.ConnectTokens;
import io.skirmish.engine.security.FrameCipher;
import io.skirmish.engine.security.LaneCrypto;
import io.skirmish.engine.transport.RecordingOutlet;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.skirmish.engine.server.ServerFixture.outlet;
import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server's half of connecting and resuming, driven frame by frame in the manner of Aeron's
 * {@code DriverConductorTest}: CONNECT_REQUEST frames are built as the client builds them (tokens minted by
 * {@link ConnectTokens}, SipHash trailers sealed by a client-side {@link LaneCrypto}), handed to the
 * {@link Handshake} on lanes whose outlets record what is answered, and the CONNECT_ACCEPT or CONNECT_REJECT is
 * decoded field by field. Every token outcome, resumes, a full server, the game's veto, the encryption policy and a
 * lane whose publication is not connected yet are covered, with the sessions and counters each leaves behind.
 */
class HandshakeTest
{
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final String ADDRESS = "game.example:40123";
    private static final long CLIENT_ID = 77;
    private static final byte[] USER_DATA = "player-one".getBytes(StandardCharsets.US_ASCII);

    /** A CONNECT_REQUEST as it leaves the client: the frame and its length (trailer included). */
    private static final class Frame
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
        int length;
    }

    private final ConnectTokens minter = new ConnectTokens(SECRET);
    private final ConnectRequestFlyweight requestFlyweight = new ConnectRequestFlyweight();
    private final ConnectAcceptFlyweight acceptFlyweight = new ConnectAcceptFlyweight();
    private final ConnectRejectFlyweight rejectFlyweight = new ConnectRejectFlyweight();
    private final List<String> requestsSeen = new ArrayList<>();
    private final ServerListener listener = new ServerListener()
    {
        public void onConnectRequest(final ConnectRequest request)
        {
            requestsSeen.add((request.isResume() ? "resume " : "new ") + request.clientId() + " " +
                request.userData().getStringWithoutLengthAscii(0, request.userData().capacity()));
            if (null != gameFailure)
            {
                throw gameFailure;
            }
            if (null != gameVerdict)
            {
                request.reject(gameVerdict);
            }
        }
    };
    private long nowMs = 1_700_000_000_000L;
    private DisconnectReason gameVerdict;
    private RuntimeException gameFailure;
    private ServerFixture fixture;
    private Handshake handshake;

    private void startWithTokens()
    {
        start(ServerFixture.context().connectTokenSecret(SECRET).publicAddresses(ADDRESS));
    }

    private void start(final GameServer.Context ctx)
    {
        fixture = new ServerFixture(ctx.listener(listener).epochClock(() -> nowMs));
        handshake = fixture.newHandshake();
    }

    private ConnectTokens.Minted mint(final long expiresAtMs, final String address)
    {
        return minter.mint(CLIENT_ID, expiresAtMs, address, USER_DATA);
    }

    private ConnectTokens.Minted mint()
    {
        return mint(nowMs + TimeUnit.MINUTES.toMillis(1), ADDRESS);
    }

    private static final AtomicLong COUNTER_BASE = new AtomicLong(LaneCrypto.counterBase(1_700_000_000_000L));

    private static LaneCrypto clientCrypto(final byte[] sessionKey)
    {
        final LaneCrypto crypto = new LaneCrypto(null, true);
        // each connection of a real client counts on from above the last (its counters start from the wall clock)
        crypto.resetConnection(COUNTER_BASE.addAndGet(1L << 20));
        final UnsafeBuffer key = new UnsafeBuffer(sessionKey);
        crypto.sessionKey(key.getLong(0, LITTLE_ENDIAN), key.getLong(8, LITTLE_ENDIAN));
        return crypto;
    }

    /**
     * Build a request as {@code ClientSender.sendConnectRequest} does, sealed by the given crypto (null: no trailer).
     */
    private Frame request(
        final long nonce,
        final int resumeSessionId,
        final long resumeSecret,
        final byte[] credentials,
        final LaneCrypto crypto,
        final boolean encrypt)
    {
        final Frame frame = new Frame();
        requestFlyweight.wrapForEncode(frame.buffer, 0, FrameType.CONNECT_REQUEST, 0);
        if (encrypt)
        {
            requestFlyweight.flags(FrameHeaderFlyweight.FLAG_ENCRYPTED);
        }
        requestFlyweight.clientNonce(nonce)
            .resumeSessionId(resumeSessionId)
            .resumeSecret(resumeSecret)
            .credentials(new UnsafeBuffer(credentials), 0, credentials.length);
        final int length = requestFlyweight.encodedLength();
        frame.length = null == crypto ? length :
            crypto.seal(FrameCipher.UPSTREAM_LANE, frame.buffer, 0, length);
        return frame;
    }

    private Frame tokenRequest(final long nonce, final ConnectTokens.Minted minted)
    {
        return request(nonce, 0, 0, minted.token(), clientCrypto(minted.sessionKey()), false);
    }

    private Frame plainRequest(final long nonce)
    {
        return request(nonce, 0, 0, new byte[0], null, false);
    }

    private void send(final Lane lane, final Frame frame)
    {
        handshake.onConnectRequest(lane, frame.buffer, 0, frame.length);
    }

    /**
     * The lane's answer: one accept; a resumed one is followed by the RESUME_STATE of the session's streams.
     */
    private ConnectAcceptFlyweight accept(final Lane lane)
    {
        final RecordingOutlet outlet = outlet(lane);
        final UnsafeBuffer frame = outlet.frame(0);
        assertEquals(ConnectAcceptFlyweight.LENGTH, frame.capacity());
        acceptFlyweight.wrap(frame, 0, frame.capacity());
        assertEquals(FrameType.CONNECT_ACCEPT, acceptFlyweight.type());
        if (acceptFlyweight.resumed())
        {
            assertEquals(2, outlet.frameCount(), "an accept and the resume state");
            final UnsafeBuffer state = outlet.frame(1);
            assertEquals(FrameType.RESUME_STATE, state.getByte(FrameHeaderFlyweight.TYPE_OFFSET));
        }
        else
        {
            assertEquals(1, outlet.frameCount(), "one answer");
        }
        return acceptFlyweight;
    }

    private void assertRejected(final Lane lane, final long nonce, final DisconnectReason reason)
    {
        final RecordingOutlet outlet = outlet(lane);
        assertEquals(1, outlet.frameCount(), "one answer");
        final UnsafeBuffer frame = outlet.frame(0);
        assertEquals(ConnectRejectFlyweight.LENGTH, frame.capacity());
        rejectFlyweight.wrap(frame, 0, frame.capacity());
        assertEquals(FrameType.CONNECT_REJECT, rejectFlyweight.type());
        assertEquals(0, rejectFlyweight.sessionId());
        assertEquals(nonce, rejectFlyweight.clientNonce());
        assertEquals(reason, DisconnectReason.get(rejectFlyweight.reason()));
        assertTrue(fixture.laneControl.closed.contains(lane), "a rejected lane is closed");
        assertNull(lane.peer);
    }

    /**
     * Complete the session's binding (the game meets it), then lose its connection: it waits for a resume.
     */
    private void bindAndLose(final Peer peer, final DisconnectReason reason)
    {
        fixture.sessions.bind(peer, fixture.readyLane());
        assertEquals(SessionState.CONNECTED, peer.state());
        fixture.sessions.onSessionLost(peer, reason, fixture.clock.nanoTime());
        assertEquals(SessionState.SUSPENDED, peer.state());
    }

    private long counter(final EngineCounter counter)
    {
        return fixture.counter(counter);
    }

    @Test
    void shouldAcceptPlainConnectRequestWithoutTokens()
    {
        start(ServerFixture.context()
            .keepAliveIntervalNs(TimeUnit.MILLISECONDS.toNanos(250))
            .sessionTimeoutNs(TimeUnit.SECONDS.toNanos(4))
            .resumeWindowNs(TimeUnit.SECONDS.toNanos(20))
            .maxMessageLength(4096));
        final Lane lane = fixture.readyLane();
        final Frame frame = plainRequest(0x1234);

        send(lane, frame);

        final Peer peer = fixture.sessions.peer(1);
        assertNotNull(peer);
        assertSame(lane, peer.lane);
        assertSame(peer, lane.peer);
        assertEquals(SessionState.BINDING, peer.state());
        assertEquals(0, peer.session.clientId());
        assertFalse(peer.crypto.hasSessionKey());
        final ConnectAcceptFlyweight accept = accept(lane);
        assertEquals(1, accept.sessionId());
        assertEquals(0, accept.flags());
        assertEquals(0x1234, accept.clientNonce());
        assertEquals(peer.secret, accept.resumeSecret());
        assertEquals(250, accept.keepAliveIntervalMs());
        assertEquals(4000, accept.sessionTimeoutMs());
        assertEquals(4096, accept.maxMessageLength());
        assertFalse(accept.resumed());
        assertEquals(20_000, accept.resumeWindowMs());
        assertEquals(peer.serverNonce, accept.serverNonce());
        assertEquals(List.of("new 0 "), requestsSeen);
        assertEquals(1, counter(EngineCounter.SESSIONS_ACCEPTED));
        assertEquals(1, counter(EngineCounter.SESSIONS_ACTIVE));
        assertEquals(1, counter(EngineCounter.FRAMES_IN));
        assertEquals(frame.length, counter(EngineCounter.BYTES_IN));
        assertEquals(1, counter(EngineCounter.FRAMES_OUT));
        assertEquals(0, counter(EngineCounter.CONNECTS_REJECTED));
        assertEquals(List.of(), fixture.laneControl.closed);
    }

    @Test
    void shouldAcceptValidTokenAndKeyTheSessionWithItsSessionKey()
    {
        startWithTokens();
        final ConnectTokens.Minted minted = mint();
        final LaneCrypto client = clientCrypto(minted.sessionKey());
        final Lane lane = fixture.readyLane();

        send(lane, request(0x77, 0, 0, minted.token(), client, false));

        final Peer peer = lane.peer;
        assertNotNull(peer);
        final ConnectAcceptFlyweight accept = accept(lane);
        assertEquals(peer.sessionId, accept.sessionId());
        assertEquals(0x77, accept.clientNonce());
        assertEquals(peer.secret, accept.resumeSecret());
        assertFalse(accept.resumed());
        assertEquals(0, accept.flags(), "not asked to encrypt");
        assertEquals(CLIENT_ID, peer.session.clientId());
        assertEquals(List.of("new " + CLIENT_ID + " player-one"), requestsSeen);
        assertTrue(peer.crypto.hasSessionKey());
        assertEquals(1, counter(EngineCounter.SESSIONS_ACCEPTED));
        assertEquals(0, counter(EngineCounter.DROPPED_UNAUTHENTICATED));

        final UnsafeBuffer ping = new UnsafeBuffer(new byte[64]);
        new PingFlyweight().wrapForEncode(ping, 0, FrameType.PING, peer.sessionId);
        final int sealed = client.seal(FrameCipher.UPSTREAM_LANE, ping, 0, PingFlyweight.LENGTH);
        assertEquals(PingFlyweight.LENGTH, peer.crypto.open(FrameCipher.UPSTREAM_LANE, ping, 0, sealed),
            "the next client frame (counter 2) opens under the token's key");
        assertEquals(LaneCrypto.REJECTED, peer.crypto.open(FrameCipher.UPSTREAM_LANE, ping, 0, sealed),
            "and only once");
    }

    @Test
    void shouldRejectExpiredToken()
    {
        startWithTokens();
        final ConnectTokens.Minted minted = mint(nowMs + 1000, ADDRESS);
        nowMs += 1000;
        final Lane lane = fixture.readyLane();

        send(lane, tokenRequest(5, minted));

        assertRejected(lane, 5, DisconnectReason.TOKEN_EXPIRED);
        assertEquals(0, fixture.sessions.count());
        assertEquals(1, counter(EngineCounter.CONNECTS_REJECTED));
        assertEquals(List.of(), requestsSeen, "the game is not asked");
    }

    @Test
    void shouldRejectTokenForAnotherServer()
    {
        startWithTokens();
        final Lane lane = fixture.readyLane();

        send(lane, tokenRequest(6, mint(nowMs + 60_000, "other.example:40123")));

        assertRejected(lane, 6, DisconnectReason.TOKEN_WRONG_SERVER);
        assertEquals(0, fixture.sessions.count());
        assertEquals(1, counter(EngineCounter.CONNECTS_REJECTED));
    }

    @Test
    void shouldRejectForgedToken()
    {
        startWithTokens();
        final ConnectTokens.Minted minted = mint();
        final byte[] forged = minted.token();
        forged[ConnectTokens.CLIENT_ID_OFFSET] ^= 1;
        final Lane lane = fixture.readyLane();

        send(lane, request(7, 0, 0, forged, clientCrypto(minted.sessionKey()), false));

        assertRejected(lane, 7, DisconnectReason.TOKEN_INVALID);
        assertEquals(0, fixture.sessions.count());
        assertEquals(1, counter(EngineCounter.CONNECTS_REJECTED));
    }

    @Test
    void shouldRejectRequestWithoutCredentialsWhenTokensAreRequired()
    {
        startWithTokens();
        final Lane lane = fixture.readyLane();

        send(lane, plainRequest(8));

        assertRejected(lane, 8, DisconnectReason.TOKEN_INVALID);
        assertEquals(0, fixture.sessions.count());
    }

    @Test
    void shouldRejectTheSameTokenUsedTwice()
    {
        startWithTokens();
        final ConnectTokens.Minted minted = mint();
        final Frame frame = tokenRequest(9, minted);
        final Lane first = fixture.readyLane();
        final Lane second = fixture.readyLane();

        send(first, frame);
        send(second, frame);

        assertEquals(1, accept(first).sessionId());
        assertRejected(second, 9, DisconnectReason.TOKEN_REPLAYED);
        assertEquals(1, fixture.sessions.count());
        assertEquals(1, counter(EngineCounter.SESSIONS_ACCEPTED));
        assertEquals(1, counter(EngineCounter.CONNECTS_REJECTED));
    }

    @Test
    void shouldDropGoodTokenWithWrongMacSilentlyWithoutBurningIt()
    {
        startWithTokens();
        final ConnectTokens.Minted minted = mint();
        final Frame forged = tokenRequest(10, minted);
        forged.buffer.putByte(forged.length - 1, (byte)(forged.buffer.getByte(forged.length - 1) ^ 1));
        final Lane lane = fixture.readyLane();

        send(lane, forged);

        assertEquals(0, outlet(lane).frameCount(), "nothing is answered");
        assertEquals(1, counter(EngineCounter.DROPPED_UNAUTHENTICATED));
        assertEquals(0, counter(EngineCounter.CONNECTS_REJECTED));
        assertEquals(0, fixture.sessions.count());
        assertEquals(List.of(), fixture.laneControl.closed, "the lane stays open");
        assertEquals(List.of(), requestsSeen);

        send(lane, tokenRequest(11, minted));

        final ConnectAcceptFlyweight accept = accept(lane);
        assertEquals(11, accept.clientNonce());
        assertEquals(1, fixture.sessions.count());
        assertEquals(1, counter(EngineCounter.DROPPED_UNAUTHENTICATED));
        assertEquals(2, counter(EngineCounter.FRAMES_IN));
    }

    @Test
    void shouldResumeSuspendedSessionWithRightSecretAndTrailerUnderSessionKey()
    {
        startWithTokens();
        final ConnectTokens.Minted minted = mint();
        final Lane first = fixture.readyLane();
        send(first, tokenRequest(12, minted));
        final long resumeSecret = accept(first).resumeSecret();
        final Peer peer = first.peer;
        bindAndLose(peer, DisconnectReason.TRANSPORT_LOST);
        final Lane second = fixture.readyLane();
        final LaneCrypto client = clientCrypto(minted.sessionKey());

        send(second, request(13, peer.sessionId, resumeSecret, minted.token(), client, false));

        final ConnectAcceptFlyweight accept = accept(second);
        assertTrue(accept.resumed());
        assertEquals(peer.sessionId, accept.sessionId());
        assertEquals(13, accept.clientNonce());
        assertEquals(resumeSecret, accept.resumeSecret());
        assertEquals(peer.serverNonce, accept.serverNonce());
        assertSame(peer, second.peer);
        assertSame(second, peer.lane);
        assertEquals(SessionState.BINDING, peer.state());
        assertEquals(List.of("new " + CLIENT_ID + " player-one", "resume " + CLIENT_ID + " "), requestsSeen);
        assertEquals(1, fixture.sessions.count());
        assertEquals(1, counter(EngineCounter.SESSIONS_ACCEPTED));
        assertEquals(1, counter(EngineCounter.SESSIONS_RESUMED));
        assertEquals(0, counter(EngineCounter.CONNECTS_REJECTED));
    }

    @Test
    void shouldAnswerResumeOfASessionThatNeverBoundAsResumedWithoutCountingAResume()
    {
        start(ServerFixture.context());
        final Lane first = fixture.readyLane();
        send(first, plainRequest(34));
        final long resumeSecret = accept(first).resumeSecret();
        final Peer peer = first.peer;
        final Lane second = fixture.readyLane();

        send(second, request(35, peer.sessionId, resumeSecret, new byte[0], null, false));

        assertTrue(accept(second).resumed());
        assertSame(peer, second.peer);
        assertTrue(fixture.laneControl.closed.contains(first), "the stalled lane is let go");
        assertNull(first.peer);
        assertEquals(0, counter(EngineCounter.SESSIONS_RESUMED), "the game never met the session");
        assertFalse(peer.resuming);
    }

    @Test
    void shouldRejectResumeWithWrongSecret()
    {
        startWithTokens();
        final ConnectTokens.Minted minted = mint();
        final Lane first = fixture.readyLane();
        send(first, tokenRequest(14, minted));
        final long resumeSecret = accept(first).resumeSecret();
        final Peer peer = first.peer;
        fixture.sessions.onSessionLost(peer, DisconnectReason.TRANSPORT_LOST, fixture.clock.nanoTime());
        final Lane second = fixture.readyLane();

        send(second, request(
            15, peer.sessionId, resumeSecret + 1, minted.token(), clientCrypto(minted.sessionKey()), false));

        assertRejected(second, 15, DisconnectReason.RESUME_REJECTED);
        assertEquals(SessionState.SUSPENDED, peer.state(), "the session still waits for its owner");
        assertNull(peer.lane);
        assertEquals(0, counter(EngineCounter.SESSIONS_RESUMED));
        assertEquals(1, counter(EngineCounter.CONNECTS_REJECTED));
    }

    @Test
    void shouldDropResumeWhoseTrailerIsNotUnderTheSessionKey()
    {
        startWithTokens();
        final ConnectTokens.Minted minted = mint();
        final Lane first = fixture.readyLane();
        send(first, tokenRequest(16, minted));
        accept(first);
        final Peer peer = first.peer;
        final long resumeSecret = peer.secret;
        fixture.sessions.onSessionLost(peer, DisconnectReason.TRANSPORT_LOST, fixture.clock.nanoTime());
        final Lane second = fixture.readyLane();
        final byte[] otherKey = mint().sessionKey();

        send(second, request(17, peer.sessionId, resumeSecret, minted.token(), clientCrypto(otherKey), false));

        assertEquals(0, outlet(second).frameCount(), "a bad resume MAC is dropped, as a bad connect MAC is");
        assertEquals(SessionState.SUSPENDED, peer.state());
        assertEquals(1, counter(EngineCounter.DROPPED_UNAUTHENTICATED));
        assertEquals(List.of("new " + CLIENT_ID + " player-one"), requestsSeen);
    }

    @Test
    void shouldDropACopyOfAResumeRequestThatWasAnsweredBefore()
    {
        startWithTokens();
        final ConnectTokens.Minted minted = mint();
        final Lane first = fixture.readyLane();
        send(first, tokenRequest(20, minted));
        accept(first);
        final Peer peer = first.peer;
        final long resumeSecret = peer.secret;
        fixture.sessions.onSessionLost(peer, DisconnectReason.TRANSPORT_LOST, fixture.clock.nanoTime());
        final Frame resume = request(
            21, peer.sessionId, resumeSecret, minted.token(), clientCrypto(minted.sessionKey()), false);
        final Lane second = fixture.readyLane();
        send(second, resume);
        assertTrue(accept(second).resumed());
        fixture.sessions.onSessionLost(peer, DisconnectReason.TRANSPORT_LOST, fixture.clock.nanoTime());
        fixture.zeroCounters();

        final Lane attacker = fixture.readyLane();
        send(attacker, resume);

        assertEquals(0, outlet(attacker).frameCount(), "a copied request cannot take the session over");
        assertNull(attacker.peer);
        assertEquals(SessionState.SUSPENDED, peer.state());
        assertEquals(1, counter(EngineCounter.DROPPED_UNAUTHENTICATED));
        assertEquals(0, counter(EngineCounter.SESSIONS_RESUMED));
    }

    @Test
    void shouldResumeWithoutTokens()
    {
        start(ServerFixture.context());
        final Lane first = fixture.readyLane();
        send(first, plainRequest(18));
        final long resumeSecret = accept(first).resumeSecret();
        final Peer peer = first.peer;
        bindAndLose(peer, DisconnectReason.TIMED_OUT);
        final Lane second = fixture.readyLane();

        send(second, request(19, peer.sessionId, resumeSecret, new byte[0], null, false));

        final ConnectAcceptFlyweight accept = accept(second);
        assertTrue(accept.resumed());
        assertEquals(peer.sessionId, accept.sessionId());
        assertSame(peer, second.peer);
        assertEquals(1, counter(EngineCounter.SESSIONS_RESUMED));
        assertEquals(1, fixture.sessions.count());
    }

    @Test
    void shouldRejectResumeOfUnknownSession()
    {
        start(ServerFixture.context());
        final Lane lane = fixture.readyLane();

        send(lane, request(20, 41, 1234, new byte[0], null, false));

        assertRejected(lane, 20, DisconnectReason.RESUME_REJECTED);
        assertEquals(0, fixture.sessions.count());
    }

    @Test
    void shouldRejectWhenServerIsFull()
    {
        start(ServerFixture.context().maxSessions(1));
        final Lane first = fixture.readyLane();
        final Lane second = fixture.readyLane();

        send(first, plainRequest(21));
        send(second, plainRequest(22));

        assertEquals(1, accept(first).sessionId());
        assertRejected(second, 22, DisconnectReason.SERVER_FULL);
        assertEquals(1, fixture.sessions.count());
        assertEquals(1, counter(EngineCounter.CONNECTS_REJECTED));
    }

    @Test
    void shouldCountARefusalAsFull()
    {
        start(ServerFixture.context().maxSessions(1));
        send(fixture.readyLane(), plainRequest(23));
        send(fixture.readyLane(), plainRequest(24));

        assertEquals(1, counter(EngineCounter.CONNECTS_REFUSED_FULL));
        assertEquals(0, counter(EngineCounter.CONNECTS_REFUSED_BUSY));
    }

    @Test
    void shouldNotSpendATokenOnARefusalSoTheClientConnectsWithItOnceThereIsRoom()
    {
        start(ServerFixture.context().connectTokenSecret(SECRET).publicAddresses(ADDRESS).maxSessions(1));
        final Lane firstLane = fixture.readyLane();
        send(firstLane, tokenRequest(60, mint()));
        final Peer peer = firstLane.peer;
        assertNotNull(peer);

        final ConnectTokens.Minted second = mint();
        final Lane refused = fixture.readyLane();
        send(refused, tokenRequest(61, second));
        assertRejected(refused, 61, DisconnectReason.SERVER_FULL);

        fixture.sessions.close(peer, DisconnectReason.CLIENT_CLOSED, false);
        final Lane retry = fixture.readyLane();
        send(retry, tokenRequest(62, second));
        assertEquals(62, accept(retry).clientNonce(), "admitted with the token it was refused with");

        final Lane replay = fixture.readyLane();
        send(replay, tokenRequest(63, second));
        assertRejected(replay, 63, DisconnectReason.TOKEN_REPLAYED);
    }

    @Test
    void shouldAdviseALongerWaitWhileRefusingMoreThanTheTargetAndDropItOnceFew()
    {
        start(ServerFixture.context().maxSessions(1).refusalRateTarget(10));
        send(fixture.readyLane(), plainRequest(70));
        final Admission admission = handshake.admission();
        long nowNs = fixture.clock.nanoTime();
        admission.onCycle(nowNs, nowNs);

        for (int i = 0; i < 100; i++)
        {
            send(fixture.readyLane(), plainRequest(71));
        }
        nowNs += TimeUnit.SECONDS.toNanos(1);
        admission.onCycle(nowNs, nowNs);
        assertEquals(10_000, admission.retryAfterMs(), 100, "100 a second against a target of 10: wait 10 s");
        assertEquals(admission.retryAfterMs(), counter(EngineCounter.REFUSAL_RETRY_AFTER_MS));

        final Lane told = fixture.readyLane();
        send(told, plainRequest(72));
        rejectFlyweight.wrap(outlet(told).frame(0), 0, ConnectRejectFlyweight.LENGTH);
        assertEquals(admission.retryAfterMs(), rejectFlyweight.retryAfterMs(), "the advice goes with the refusal");

        for (int i = 0; i < 1000; i++)
        {
            send(fixture.readyLane(), plainRequest(73));
        }
        nowNs += TimeUnit.SECONDS.toNanos(1);
        admission.onCycle(nowNs, nowNs);
        assertEquals(Admission.MAX_RETRY_AFTER_MS, admission.retryAfterMs(), "capped");

        for (int k = 0; k < 6; k++)
        {
            nowNs += TimeUnit.SECONDS.toNanos(1);
            admission.onCycle(nowNs, nowNs);
        }
        assertEquals(0, admission.retryAfterMs(), "halved each quiet second, then dropped");
        assertEquals(0, counter(EngineCounter.REFUSAL_RETRY_AFTER_MS));
    }

    @Test
    void shouldHoldConnectsBeyondTheHandshakesInFlightAndStartThemInOrderOfArrival()
    {
        start(ServerFixture.context().maxHandshakesInFlight(2));
        final Lane[] lanes = new Lane[5];
        for (int i = 0; i < lanes.length; i++)
        {
            lanes[i] = fixture.newLane();
            send(lanes[i], plainRequest(30 + i));
        }
        assertEquals(List.of(lanes[0], lanes[1]), fixture.laneControl.requested, "two handshakes at once");
        assertEquals(3, counter(EngineCounter.CONNECTS_QUEUED));

        fixture.advance(TimeUnit.MILLISECONDS.toNanos(100));
        send(lanes[3], plainRequest(33));
        assertEquals(3, counter(EngineCounter.CONNECTS_QUEUED), "a client asking again keeps its one place");
        assertEquals(0, handshake.admitQueued(fixture.clock.nanoTime()), "no slot yet");

        // both handshakes finish: their lanes are no longer watched
        fixture.laneControl.watched.clear();
        assertEquals(2, handshake.admitQueued(fixture.clock.nanoTime()));
        assertEquals(List.of(lanes[0], lanes[1], lanes[2], lanes[3]), fixture.laneControl.requested,
            "started in order of arrival");
        assertEquals(List.of(lanes[2], lanes[3]), fixture.laneControl.watched);
        assertEquals(1, counter(EngineCounter.CONNECTS_QUEUED));
        assertEquals(2, counter(EngineCounter.HANDSHAKES_IN_FLIGHT));

        // the last client stopped asking (it gave up, or moved to fresh lanes): its place is not kept
        fixture.advance(Admission.ABANDONED_NS);
        fixture.laneControl.watched.clear();
        assertEquals(0, handshake.admitQueued(fixture.clock.nanoTime()));
        assertEquals(4, fixture.laneControl.requested.size());
        assertEquals(0, counter(EngineCounter.CONNECTS_QUEUED));
        assertEquals(0, lanes[4].pendingRequestLength);
    }

    @Test
    void shouldDropConnectsThatFindTheQueueFull()
    {
        start(ServerFixture.context().maxHandshakesInFlight(1).maxQueuedConnects(1));
        send(fixture.newLane(), plainRequest(40));
        send(fixture.newLane(), plainRequest(41));
        send(fixture.newLane(), plainRequest(42));

        assertEquals(1, fixture.laneControl.requested.size());
        assertEquals(1, counter(EngineCounter.CONNECTS_QUEUED));
        assertEquals(1, counter(EngineCounter.CONNECTS_DROPPED_QUEUE_FULL));
    }

    @Test
    void shouldRefuseNewSessionsWhileBusyButResumeTheSessionsItHas()
    {
        start(ServerFixture.context().admissionLoadLimit(0.8));
        final Lane first = fixture.readyLane();
        send(first, plainRequest(50));
        final long resumeSecret = accept(first).resumeSecret();
        final Peer peer = first.peer;
        bindAndLose(peer, DisconnectReason.TRANSPORT_LOST);

        // a second of duty cycles that worked 90 % of the time
        final long startNs = fixture.clock.nanoTime();
        for (int i = 0; i < 10; i++)
        {
            handshake.admission().onCycle(startNs + i * 100_000_000L, startNs + i * 100_000_000L + 90_000_000L);
        }
        handshake.admission().onCycle(startNs + 1_000_000_000L, startNs + 1_000_000_001L);
        assertEquals(0.9, handshake.admission().load(), 0.01);
        assertEquals(900, counter(EngineCounter.SERVER_LOAD_PERMILLE), 10);

        final Lane newcomer = fixture.readyLane();
        send(newcomer, plainRequest(51));
        assertRejected(newcomer, 51, DisconnectReason.SERVER_BUSY);
        assertEquals(1, counter(EngineCounter.CONNECTS_REFUSED_BUSY));

        final Lane back = fixture.readyLane();
        send(back, request(52, peer.sessionId, resumeSecret, new byte[0], null, false));
        assertTrue(accept(back).resumed(), "a resume is admitted whatever the load");
    }

    @Test
    void shouldRejectWithTheGamesReason()
    {
        start(ServerFixture.context());
        gameVerdict = DisconnectReason.VERSION_MISMATCH;
        final Lane lane = fixture.readyLane();

        send(lane, plainRequest(23));

        assertRejected(lane, 23, DisconnectReason.VERSION_MISMATCH);
        assertEquals(List.of("new 0 "), requestsSeen);
        assertEquals(0, fixture.sessions.count());
    }

    @Test
    void shouldRejectAsDeniedAndReportErrorWhenTheGameThrows()
    {
        start(ServerFixture.context());
        gameFailure = new IllegalStateException("game bug");
        final Lane lane = fixture.readyLane();

        send(lane, plainRequest(24));

        assertRejected(lane, 24, DisconnectReason.DENIED);
        assertEquals(List.of(gameFailure), fixture.errors);
    }

    @Test
    void shouldHoldRequestUntilTheLanesPublicationConnects()
    {
        start(ServerFixture.context());
        final Lane lane = fixture.newLane();
        final Frame older = plainRequest(25);
        final Frame newer = plainRequest(26);

        send(lane, older);
        send(lane, newer);

        assertEquals(List.of(lane, lane), fixture.laneControl.requested);
        assertEquals(List.of(lane, lane), fixture.laneControl.watched);
        assertEquals(Lane.State.ADDING, lane.state);
        assertEquals(newer.length, lane.pendingRequestLength);
        assertEquals(0, fixture.sessions.count());
        assertFalse(handshake.onLaneReady(lane), "no publication yet");

        lane.outlet = new RecordingOutlet().connected(false);
        lane.state = Lane.State.READY;
        assertFalse(handshake.onLaneReady(lane), "publication not connected yet");
        assertEquals(0, outlet(lane).attempts());

        outlet(lane).connected(true);
        assertTrue(handshake.onLaneReady(lane));

        assertEquals(26, accept(lane).clientNonce(), "the latest request is answered");
        assertEquals(0, lane.pendingRequestLength);
        assertEquals(1, fixture.sessions.count());
        assertTrue(handshake.onLaneReady(lane));
        assertEquals(1, outlet(lane).frameCount(), "answered once");
        assertEquals(2, counter(EngineCounter.FRAMES_IN));
    }

    @Test
    void shouldAnswerARequestSentAgainOnItsLaneWithTheSameSession()
    {
        start(ServerFixture.context());
        final Lane lane = fixture.readyLane();
        send(lane, plainRequest(27));
        final Peer peer = lane.peer;
        outlet(lane).clear();

        send(lane, plainRequest(27));

        final ConnectAcceptFlyweight accept = accept(lane);
        assertEquals(peer.sessionId, accept.sessionId());
        assertEquals(27, accept.clientNonce());
        assertEquals(1, fixture.sessions.count());
        assertEquals(1, counter(EngineCounter.SESSIONS_ACCEPTED));
        assertEquals(List.of("new 0 "), requestsSeen, "the game is asked once");

        outlet(lane).clear();
        send(lane, plainRequest(28));
        assertEquals(0, outlet(lane).frameCount(), "another attempt's nonce on the lane is not answered");
    }

    @Test
    void shouldAnswerARequestSentAgainOnlyWhenItsMacIsFresh()
    {
        startWithTokens();
        final ConnectTokens.Minted minted = mint();
        final Lane lane = fixture.readyLane();
        final LaneCrypto crypto = clientCrypto(minted.sessionKey());
        final Frame first = request(29, 0, 0, minted.token(), crypto, false);
        send(lane, first);
        accept(lane);
        outlet(lane).clear();

        send(lane, first);
        assertEquals(0, outlet(lane).frameCount(), "a copy of the request is not answered");

        send(lane, request(29, 0, 0, minted.token(), crypto, false));
        assertEquals(peerOf(lane), accept(lane).sessionId(), "the request sent again, sealed afresh, is");
        assertEquals(1, counter(EngineCounter.SESSIONS_ACCEPTED));
    }

    private static int peerOf(final Lane lane)
    {
        return lane.peer.sessionId;
    }

    @Test
    void shouldRejectEncryptionWhenTheServerHasNoTokens()
    {
        start(ServerFixture.context());
        final Lane lane = fixture.readyLane();

        send(lane, request(29, 0, 0, new byte[0], null, true));

        assertRejected(lane, 29, DisconnectReason.ENCRYPTION_UNAVAILABLE);
    }

    @Test
    void shouldRequireEncryptionWhenConfiguredAndGrantItWhenAsked()
    {
        start(ServerFixture.context().connectTokenSecret(SECRET).publicAddresses(ADDRESS)
            .requirePayloadEncryption(true));
        final ConnectTokens.Minted minted = mint();
        final Lane clear = fixture.readyLane();
        final Lane sealed = fixture.readyLane();

        send(clear, tokenRequest(30, minted));
        send(sealed, request(31, 0, 0, mint().token(), clientCrypto(minted.sessionKey()), true));

        assertRejected(clear, 30, DisconnectReason.ENCRYPTION_REQUIRED);
        assertEquals(0, outlet(sealed).frameCount(), "a trailer under another token's key is dropped");

        final ConnectTokens.Minted second = mint();
        send(sealed, request(32, 0, 0, second.token(), clientCrypto(second.sessionKey()), true));

        final ConnectAcceptFlyweight accept = accept(sealed);
        assertEquals(FrameHeaderFlyweight.FLAG_ENCRYPTED, accept.flags());
        assertTrue(sealed.peer.crypto.isEncrypted());
    }

    @Test
    void shouldDropRequestWhoseCredentialsOverrunTheFrame()
    {
        start(ServerFixture.context());
        final Lane lane = fixture.readyLane();
        final Frame frame = plainRequest(33);
        frame.buffer.putInt(ConnectRequestFlyweight.CREDENTIALS_LENGTH_OFFSET, 1, LITTLE_ENDIAN);

        send(lane, frame);

        assertEquals(0, outlet(lane).frameCount());
        assertEquals(1, counter(EngineCounter.DROPPED_MALFORMED));
        assertEquals(0, counter(EngineCounter.FRAMES_IN));
        assertEquals(0, fixture.sessions.count());
    }
}
