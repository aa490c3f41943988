package io.skirmish.engine.server;

import io.skirmish.engine.DisconnectReason;
import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.jfr.ServerEvents;
import io.skirmish.engine.protocol.ConnectAcceptFlyweight;
import io.skirmish.engine.protocol.ConnectRejectFlyweight;
import io.skirmish.engine.protocol.ConnectRequestFlyweight;
import io.skirmish.engine.protocol.FrameHeaderFlyweight;
import io.skirmish.engine.protocol.FrameType;
import io.skirmish.engine.security.AuthTrailer;
import io.skirmish.engine.security.ConnectTokens;
import io.skirmish.engine.security.FrameCipher;
import io.skirmish.engine.security.TokenNonceCache;
import io.skirmish.engine.status.Counters;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.concurrent.TimeUnit;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The server's half of connecting and resuming. A CONNECT_REQUEST on a new lane is held until the lane's answering
 * publication connects; then its encryption policy, its connect token (MAC under the token's session key, expiry,
 * server address, a nonce never used before) or, for a resume, its MAC under the session's own key are checked, the
 * game's {@link ServerListener#onConnectRequest} is asked, and the client is accepted (a new or resumed session) or
 * rejected with a reason. Conductor thread only.
 */
final class Handshake
{
    private final GameServer.Context ctx;
    private final ServerListener listener;
    private final ErrorHandler errors;
    private final SessionRegistry sessions;
    private final RoomRegistry rooms;
    private final ReliableSender sender;
    private final LaneControl lanes;
    private final CachedNanoClock clock;
    private final EpochClock epochClock;
    private final ConnectTokens tokens;
    private final TokenNonceCache usedNonces = new TokenNonceCache();
    private final Admission admission;
    private final ConnectRequest connectRequest = new ConnectRequest();
    private final ConnectRequestFlyweight requestFlyweight = new ConnectRequestFlyweight();
    private final ConnectAcceptFlyweight acceptFlyweight = new ConnectAcceptFlyweight();
    private final ConnectRejectFlyweight rejectFlyweight = new ConnectRejectFlyweight();
    private final UnsafeBuffer controlBuffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(256, 64));
    private final AtomicCounter framesIn;
    private final AtomicCounter bytesIn;
    private final AtomicCounter malformed;
    private final AtomicCounter unauthenticated;
    private final AtomicCounter rejected;
    private DurableAcks durableAcks = new DurableAcks();
    private long verifiedK0;
    private long verifiedK1;
    private long verifiedCounter;

    Handshake(
        final GameServer.Context ctx,
        final Counters counters,
        final ErrorHandler errors,
        final SessionRegistry sessions,
        final RoomRegistry rooms,
        final ReliableSender sender,
        final LaneControl lanes,
        final CachedNanoClock clock)
    {
        this.ctx = ctx;
        this.listener = ctx.listener;
        this.errors = errors;
        this.sessions = sessions;
        this.rooms = rooms;
        this.sender = sender;
        this.lanes = lanes;
        this.clock = clock;
        this.epochClock = ctx.epochClock;
        this.tokens = null == ctx.connectTokenSecret ? null : new ConnectTokens(ctx.connectTokenSecret);
        this.admission = new Admission(ctx, counters);
        this.framesIn = counters.get(EngineCounter.FRAMES_IN);
        this.bytesIn = counters.get(EngineCounter.BYTES_IN);
        this.malformed = counters.get(EngineCounter.DROPPED_MALFORMED);
        this.unauthenticated = counters.get(EngineCounter.DROPPED_UNAUTHENTICATED);
        this.rejected = counters.get(EngineCounter.CONNECTS_REJECTED);
    }

    /**
     * @param durableAcks what a session's acknowledgement may say (an accept tells the client where it stands).
     */
    void durableAcks(final DurableAcks durableAcks)
    {
        this.durableAcks = durableAcks;
    }

    /**
     * A CONNECT_REQUEST that passed the gate: answered now when the lane's publication is connected, otherwise held
     * (the latest one) while the publication is added.
     */
    void onConnectRequest(final Lane lane, final DirectBuffer buffer, final int offset, final int fragmentLength)
    {
        requestFlyweight.wrap(buffer, offset, requestLength(buffer, offset, fragmentLength));
        if (!requestFlyweight.isCredentialsLengthValid())
        {
            malformed.incrementRelease();
            return;
        }
        framesIn.incrementRelease();
        bytesIn.getAndAddRelease(fragmentLength);

        final Peer existing = lane.peer;
        if (null != existing)
        {
            answerAgain(existing, buffer, offset, fragmentLength);
            return;
        }
        lane.lastRequestNs = clock.nanoTime();
        if (!lane.isConnected())
        {
            if (lane.state == Lane.State.OPEN && (lane.queued || !admission.mayStart(handshakesInFlight())))
            {
                admission.enqueue(lane, buffer, offset, fragmentLength, clock.nanoTime());
                return;
            }
            lanes.requestPublication(lane);
            if (null == lane.pendingRequest || lane.pendingRequest.capacity() < fragmentLength)
            {
                lane.pendingRequest = new UnsafeBuffer(new byte[fragmentLength]);
            }
            lane.pendingRequest.putBytes(0, buffer, offset, fragmentLength);
            lane.pendingRequestLength = fragmentLength;
            lanes.watch(lane);
            return;
        }
        answer(lane, buffer, offset, fragmentLength);
    }

    /**
     * Start the handshakes of queued connect requests, oldest first, while slots are free.
     *
     * @return handshakes started.
     */
    int admitQueued(final long nowNs)
    {
        if (0 == admission.queued())
        {
            return 0;
        }
        final int inFlight = handshakesInFlight();
        int started = 0;
        Lane lane;
        while (null != (lane = admission.next(inFlight + started, nowNs)))
        {
            lanes.requestPublication(lane);
            lanes.watch(lane);
            started++;
        }
        return started;
    }

    /**
     * Bring the handshakes-in-flight gauge up to date while no connect request arrives to do it (lanes whose client
     * went away time out, sessions finish binding).
     */
    void publishInFlight()
    {
        admission.inFlight(handshakesInFlight());
    }

    private int handshakesInFlight()
    {
        return lanes.lanesSettingUp() + sessions.bindingCount();
    }

    /**
     * @return who may connect, and the conductor's load.
     */
    Admission admission()
    {
        return admission;
    }

    /**
     * A watched lane's publication is ready: answer its held request once it connects.
     *
     * @return true when the lane no longer needs watching (a session owns it).
     */
    boolean onLaneReady(final Lane lane)
    {
        if (lane.pendingRequestLength > 0 && lane.isConnected())
        {
            final int length = lane.pendingRequestLength;
            lane.pendingRequestLength = 0;
            answer(lane, lane.pendingRequest, 0, length);
        }
        return null != lane.peer;
    }

    /**
     * A connect request sent again on the lane its session already answers on: its answer was lost. Answered again
     * (the accept, and a resumed session's state) while the session is still binding, once the request proves itself
     * as the first one did.
     */
    private void answerAgain(final Peer peer, final DirectBuffer buffer, final int offset, final int fragmentLength)
    {
        if (peer.state() != SessionState.BINDING || requestFlyweight.clientNonce() != peer.clientNonce)
        {
            return;
        }
        if (null != tokens && peer.crypto.verifyTrailer(FrameCipher.UPSTREAM_LANE, buffer, offset, fragmentLength) < 0)
        {
            unauthenticated.incrementRelease();
            return;
        }
        sendAccept(peer, peer.clientNonce, peer.acceptedAsResumed);
        if (peer.acceptedAsResumed)
        {
            rooms.resume(peer);
        }
    }

    private void answer(final Lane lane, final DirectBuffer buffer, final int offset, final int fragmentLength)
    {
        final ConnectRequestFlyweight request = requestFlyweight;
        request.wrap(buffer, offset, requestLength(buffer, offset, fragmentLength));
        final long nonce = request.clientNonce();
        final int resumeSessionId = request.resumeSessionId();
        final boolean encrypt = (request.flags() & FrameHeaderFlyweight.FLAG_ENCRYPTED) != 0;
        final int credentialsOffset = offset + ConnectRequestFlyweight.CREDENTIALS_OFFSET;
        connectRequest.reset(buffer, credentialsOffset, request.credentialsLength(), 0 != resumeSessionId);
        verifiedK0 = 0;
        verifiedK1 = 0;
        verifiedCounter = 0;

        DisconnectReason reason = policy(encrypt);
        if (null == reason && null != tokens)
        {
            reason = 0 != resumeSessionId ?
                verifyResume(resumeSessionId, buffer, offset, fragmentLength, credentialsOffset) :
                verifyToken(buffer, offset, fragmentLength, credentialsOffset, request.credentialsLength());
            if (DisconnectReason.NONE == reason)
            {
                unauthenticated.incrementRelease();
                return;
            }
        }
        if (null == reason && 0 == resumeSessionId)
        {
            reason = admission.refuseNewSession(sessions.isFull());
        }
        if (null == reason && null != tokens && 0 == resumeSessionId &&
            !usedNonces.tryUse(buffer, credentialsOffset))
        {
            // a token is spent only by a connect that is admitted: a client refused as full asks again with it
            reason = DisconnectReason.TOKEN_REPLAYED;
        }
        final Peer resumed = 0 == resumeSessionId ? null : resumable(resumeSessionId, request.resumeSecret());
        if (null == reason && 0 != resumeSessionId && null != resumed)
        {
            connectRequest.resumeSession(resumed.session);
        }
        if (null == reason)
        {
            reason = askGame();
        }
        if (null == reason && 0 != resumeSessionId)
        {
            final Peer peer = resumed;
            if (null == peer)
            {
                reason = DisconnectReason.RESUME_REJECTED;
            }
            else
            {
                if (peer.reliableBaseUnknown)
                {
                    // restored after a restart: the client's reliable seqs go on from its first unacknowledged one,
                    // past those the recordings of its durable rooms already hold
                    peer.reliableBaseUnknown = false;
                    peer.reliableAckedSeq = Math.max(
                        Math.max(0, request.nextReliableSeq() - 1), peer.reliableRecordedSeq);
                    peer.reliableHighestSeen = peer.reliableAckedSeq;
                }
                sessions.resume(peer, lane, nonce, encrypt, clock.nanoTime());
                peer.crypto.received(FrameCipher.UPSTREAM_LANE, verifiedCounter);
                sendAccept(peer, nonce, true);
                rooms.resume(peer);
                return;
            }
        }
        if (null != reason)
        {
            reject(lane, nonce, reason);
            return;
        }
        final Peer peer = sessions.create(
            lane, connectRequest.clientId(), null != tokens, verifiedK0, verifiedK1, nonce, encrypt, clock.nanoTime());
        peer.crypto.received(FrameCipher.UPSTREAM_LANE, verifiedCounter);
        sendAccept(peer, nonce, false);
    }

    /**
     * @return the live session a resume names when the request holds its secret and the server resumes at all.
     */
    private Peer resumable(final int sessionId, final long secret)
    {
        final Peer peer = sessions.peer(sessionId);
        return null == peer || peer.state() == SessionState.CLOSED || 0 == ctx.resumeWindowNs ||
            !sessions.secretMatches(peer, secret) ? null : peer;
    }

    private DisconnectReason policy(final boolean encrypt)
    {
        if (encrypt && null == tokens)
        {
            return DisconnectReason.ENCRYPTION_UNAVAILABLE;
        }
        if (!encrypt && ctx.requirePayloadEncryption)
        {
            return DisconnectReason.ENCRYPTION_REQUIRED;
        }
        return null;
    }

    private DisconnectReason askGame()
    {
        try
        {
            listener.onConnectRequest(connectRequest);
        }
        catch (final Throwable t)
        {
            errors.onError(t);
            connectRequest.reject(DisconnectReason.DENIED);
        }
        return connectRequest.rejectReason();
    }

    /**
     * @return null when the resume request carries a valid MAC under the session's key and a counter it never used;
     * NONE when it does not (drop silently, as for a new connect); RESUME_REJECTED when there is no such session.
     */
    private DisconnectReason verifyResume(
        final int sessionId,
        final DirectBuffer buffer,
        final int offset,
        final int fragmentLength,
        final int credentialsOffset)
    {
        final Peer peer = sessions.peer(sessionId);
        if (null == peer)
        {
            return DisconnectReason.RESUME_REJECTED;
        }
        // the session's window of the client's counters spans its connections: a copy of an earlier request is stale
        final long counter = peer.crypto.verifyTrailer(FrameCipher.UPSTREAM_LANE, buffer, offset, fragmentLength);
        if (counter < 0)
        {
            return DisconnectReason.NONE;
        }
        verifiedCounter = counter;
        connectRequest.identity(peer.session.clientId, buffer, credentialsOffset, 0);
        return null;
    }

    /**
     * @return null when the token is good, not spent, and the request carries a valid MAC under its session key; NONE
     * when the token is good but the MAC is not (drop silently); otherwise the reject reason. Spends nothing: the
     * token's nonce is used up once the connect is admitted.
     */
    private DisconnectReason verifyToken(
        final DirectBuffer buffer,
        final int offset,
        final int fragmentLength,
        final int credentialsOffset,
        final int credentialsLength)
    {
        if (requestLength(buffer, offset, fragmentLength) == fragmentLength)
        {
            return DisconnectReason.TOKEN_INVALID;
        }
        switch (tokens.verify(buffer, credentialsOffset, credentialsLength, epochClock.time(), ctx.publicAddresses))
        {
            case ConnectTokens.VALID:
                break;
            case ConnectTokens.EXPIRED:
                return DisconnectReason.TOKEN_EXPIRED;
            case ConnectTokens.WRONG_SERVER:
                return DisconnectReason.TOKEN_WRONG_SERVER;
            default:
                return DisconnectReason.TOKEN_INVALID;
        }
        final UnsafeBuffer key = new UnsafeBuffer(tokens.sessionKey(buffer, credentialsOffset));
        final long k0 = key.getLong(0, LITTLE_ENDIAN);
        final long k1 = key.getLong(8, LITTLE_ENDIAN);
        final long counter = AuthTrailer.verify(k0, k1, buffer, offset, fragmentLength, 0);
        if (counter < 0)
        {
            return DisconnectReason.NONE;
        }
        if (usedNonces.isUsed(buffer, credentialsOffset))
        {
            return DisconnectReason.TOKEN_REPLAYED;
        }
        verifiedK0 = k0;
        verifiedK1 = k1;
        verifiedCounter = counter;
        connectRequest.identity(
            ConnectTokens.clientId(buffer, credentialsOffset),
            buffer,
            ConnectTokens.userDataOffset(buffer, credentialsOffset),
            ConnectTokens.userDataLength(buffer, credentialsOffset));
        return null;
    }

    private void reject(final Lane lane, final long nonce, final DisconnectReason reason)
    {
        rejectFlyweight.wrapForEncode(controlBuffer, 0, FrameType.CONNECT_REJECT, 0);
        rejectFlyweight.clientNonce(nonce).reason(reason.code());
        if (DisconnectReason.SERVER_FULL == reason || DisconnectReason.SERVER_BUSY == reason)
        {
            rejectFlyweight.retryAfterMs(admission.retryAfterMs());
        }
        sender.offerPlain(lane.outlet, controlBuffer, 0, ConnectRejectFlyweight.LENGTH);
        rejected.incrementRelease();
        ServerEvents.rejected(nonce, requestFlyweight.resumeSessionId(), reason.name());
        lanes.close(lane);
    }

    private void sendAccept(final Peer peer, final long nonce, final boolean resumed)
    {
        peer.acceptedAsResumed = resumed;
        final ConnectAcceptFlyweight accept = acceptFlyweight;
        accept.wrapForEncode(controlBuffer, 0, FrameType.CONNECT_ACCEPT, peer.sessionId);
        accept.clientNonce(nonce)
            .resumeSecret(peer.secret)
            .keepAliveIntervalMs((int)TimeUnit.NANOSECONDS.toMillis(ctx.keepAliveIntervalNs))
            .sessionTimeoutMs((int)TimeUnit.NANOSECONDS.toMillis(ctx.sessionTimeoutNs))
            .maxMessageLength(ctx.maxMessageLength())
            .resumed(resumed)
            .resumeWindowMs((int)Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(ctx.resumeWindowNs)))
            .lanePair(peer.lanePair)
            .serverNonce(peer.serverNonce)
            .reliableAckedSeq(durableAcks.ackedSeq(peer));
        if (peer.crypto.isEncrypted())
        {
            accept.flags(FrameHeaderFlyweight.FLAG_ENCRYPTED);
        }
        sender.sendInOrder(peer, controlBuffer, 0, ConnectAcceptFlyweight.LENGTH);
    }

    /**
     * Forget expired token nonces.
     */
    void purge(final long nowNs)
    {
        usedNonces.purge(nowNs, epochClock.time());
    }

    /**
     * Length of the request inside a fragment: without its trailer when tokens are in use, except for a request
     * without credentials (a client without a key), which has none.
     */
    private int requestLength(final DirectBuffer buffer, final int offset, final int fragmentLength)
    {
        if (null == tokens || (fragmentLength == ConnectRequestFlyweight.CREDENTIALS_OFFSET &&
            buffer.getInt(offset + ConnectRequestFlyweight.CREDENTIALS_LENGTH_OFFSET, LITTLE_ENDIAN) == 0))
        {
            return fragmentLength;
        }
        return fragmentLength - FrameGate.trailerLength(buffer, offset, fragmentLength);
    }
}
