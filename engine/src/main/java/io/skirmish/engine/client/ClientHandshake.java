package io.skirmish.engine.client;

import io.skirmish.engine.DisconnectReason;
import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.LeaveReason;
import io.skirmish.engine.protocol.ConnectAcceptFlyweight;
import io.skirmish.engine.protocol.ConnectRejectFlyweight;
import io.skirmish.engine.protocol.FrameHeaderFlyweight;
import io.skirmish.engine.security.LaneCrypto;
import io.skirmish.engine.status.Counters;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The client's half of connecting, the pair of the server's {@code Handshake}, over lanes that are unreliable at the
 * Aeron level: the connect request goes until it is answered (and, for a resume, until the session's resume state
 * came with the answer), the lane bind until it is confirmed. It checks the answer (its nonce, the encryption the
 * client asked for), keeps what the server said of the session (id, secret, keepalive, timeouts, longest message) and
 * moves the lanes to the port pair the server assigned. A refused resume ends, or carries on as a new session when
 * the game's {@link ResumeFallback} says so. Client thread only.
 */
final class ClientHandshake
{
    static final long LANE_BIND_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(50);
    static final long CONNECT_REQUEST_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);

    /** What the handshake asks of the conductor. */
    interface Host
    {
        ClientState state();

        void state(ClientState state);

        void fail(ClientState failure, DisconnectReason reason);

        /**
         * Connect again on fresh lanes as a new session.
         */
        void restart();

        /**
         * The server refused a new connect as full or busy.
         *
         * @param retryAfterNs the server's advice of how long to wait, 0 for none.
         * @return true when the client waits and asks again, false to fail.
         */
        boolean retryAfterRefusal(DisconnectReason reason, long retryAfterNs);

        void onError(Throwable t);
    }

    private final GameClient.Context ctx;
    private final Host host;
    private final Counters counters;
    private final LaneCrypto crypto;
    private final ClientSender sender;
    private final ReliableOutbox outbox;
    private final EventDelivery delivery;
    private final ClientLanes lanes;
    private final ConnectAttempt attempt;
    private final PathWatch path;
    private final ConnectAcceptFlyweight acceptFlyweight = new ConnectAcceptFlyweight();
    private final ConnectRejectFlyweight rejectFlyweight = new ConnectRejectFlyweight();
    private final ServerLocator.Move move = new ServerLocator.Move();
    private UnsafeBuffer credentials;
    private long nonce;
    private int sessionId;
    private long secret;
    private long keepAliveIntervalNs = TimeUnit.MILLISECONDS.toNanos(500);
    private long sessionTimeoutNs = TimeUnit.SECONDS.toNanos(5);
    private long resumeWindowNs;
    private int maxMessageLength;
    private long lastConnectRequestNs;
    private long lastLaneBindNs;
    private boolean awaitingResumeState;

    ClientHandshake(
        final GameClient.Context ctx,
        final Host host,
        final Counters counters,
        final LaneCrypto crypto,
        final ClientSender sender,
        final ReliableOutbox outbox,
        final EventDelivery delivery,
        final ClientLanes lanes,
        final ConnectAttempt attempt,
        final PathWatch path)
    {
        this.ctx = ctx;
        this.host = host;
        this.counters = counters;
        this.crypto = crypto;
        this.sender = sender;
        this.outbox = outbox;
        this.delivery = delivery;
        this.lanes = lanes;
        this.attempt = attempt;
        this.path = path;
        this.credentials = new UnsafeBuffer(ctx.credentials);
        this.maxMessageLength = ctx.maxMessageLength();
        if (null != ctx.sessionKey)
        {
            sessionKey(ctx.sessionKey);
        }
        if (0 != ctx.resumeSessionId)
        {
            sessionId = ctx.resumeSessionId;
            secret = ctx.resumeSecret;
        }
    }

    private void sessionKey(final byte[] sessionKey)
    {
        final UnsafeBuffer key = new UnsafeBuffer(sessionKey);
        crypto.sessionKey(key.getLong(0, LITTLE_ENDIAN), key.getLong(8, LITTLE_ENDIAN));
    }

    int sessionId()
    {
        return sessionId;
    }

    long secret()
    {
        return secret;
    }

    long resumeWindowNs()
    {
        return resumeWindowNs;
    }

    int maxMessageLength()
    {
        return maxMessageLength;
    }

    /**
     * Fresh lanes: nothing is awaited on them yet.
     */
    void onLanesOpened()
    {
        awaitingResumeState = false;
    }

    /**
     * @return true while a resumed accept came and its resume state did not.
     */
    boolean isAwaitingResumeState()
    {
        return awaitingResumeState;
    }

    /**
     * The upstream connected: the first connect request of the attempt, under a new nonce.
     */
    void start(final long nowNs)
    {
        nonce = ThreadLocalRandom.current().nextLong();
        lastConnectRequestNs = nowNs;
        if (offerConnectRequest() > 0)
        {
            host.state(ClientState.SENDING_CONNECT_REQUEST);
        }
    }

    /**
     * Send again what was not answered: the connect request (same nonce) until the accept, and its resume state,
     * come; the lane bind until it is confirmed.
     *
     * @return frames sent.
     */
    int resend(final long nowNs)
    {
        final ClientState state = host.state();
        if (state == ClientState.SENDING_CONNECT_REQUEST || (state == ClientState.BINDING_LANES && awaitingResumeState))
        {
            if (nowNs - lastConnectRequestNs < CONNECT_REQUEST_INTERVAL_NS)
            {
                return 0;
            }
            lastConnectRequestNs = nowNs;
            if (offerConnectRequest() > 0)
            {
                counters.get(EngineCounter.CONNECT_REQUESTS_RESENT).incrementRelease();
            }
            return 1;
        }
        return state == ClientState.BINDING_LANES ? bindIfDue(nowNs) : 0;
    }

    /**
     * Bind the lanes the session moves to (the assigned port pair, or fresh ones off a silent path), or else the
     * current ones, every 50 ms until confirmed.
     *
     * @return frames sent.
     */
    int bindIfDue(final long nowNs)
    {
        if (nowNs - lastLaneBindNs < LANE_BIND_INTERVAL_NS)
        {
            return 0;
        }
        lastLaneBindNs = nowNs;
        if (lanes.hasNext())
        {
            if (lanes.isNextUpstreamConnected())
            {
                sender.sendLaneBind(lanes.nextUpstream(), secret);
            }
        }
        else if (lanes.isUpstreamConnected())
        {
            sender.sendLaneBind(lanes.upstream(), secret);
        }
        return 1;
    }

    /**
     * Bind at the next chance, not 50 ms from the last one.
     */
    void bindSoon(final long nowNs)
    {
        lastLaneBindNs = nowNs - LANE_BIND_INTERVAL_NS;
    }

    private long offerConnectRequest()
    {
        final boolean resume = attempt.isResume();
        return sender.sendConnectRequest(nonce, ctx.payloadEncryption, resume ? sessionId : 0, resume ? secret : 0,
            resume ? outbox.firstUnackedSeq() : 1, credentials);
    }

    void onAccept(final DirectBuffer buffer, final int offset, final int length, final long nowNs)
    {
        final ConnectAcceptFlyweight accept = acceptFlyweight;
        accept.wrap(buffer, offset, length);
        final ClientState state = host.state();
        if (accept.clientNonce() == nonce && state == ClientState.BINDING_LANES)
        {
            // the answer to a request sent again: this one came already
            return;
        }
        if (accept.clientNonce() != nonce || state != ClientState.SENDING_CONNECT_REQUEST)
        {
            counters.get(EngineCounter.DROPPED_UNAUTHENTICATED).incrementRelease();
            return;
        }
        if (ctx.payloadEncryption)
        {
            if ((accept.flags() & FrameHeaderFlyweight.FLAG_ENCRYPTED) == 0)
            {
                host.fail(ClientState.CONNECTION_REJECTED, DisconnectReason.ENCRYPTION_UNAVAILABLE);
                return;
            }
            crypto.acceptConnection(nonce, accept.serverNonce());
        }
        sessionId = accept.sessionId();
        sender.sessionId(sessionId);
        secret = accept.resumeSecret();
        keepAliveIntervalNs = TimeUnit.MILLISECONDS.toNanos(accept.keepAliveIntervalMs());
        sessionTimeoutNs = TimeUnit.MILLISECONDS.toNanos(accept.sessionTimeoutMs());
        resumeWindowNs = TimeUnit.MILLISECONDS.toNanos(accept.resumeWindowMs());
        maxMessageLength = Math.min(ctx.maxMessageLength(), accept.maxMessageLength());
        path.onAccepted(nowNs, keepAliveIntervalNs, sessionTimeoutNs);
        bindSoon(nowNs);
        if (!accept.resumed())
        {
            if (attempt.isResume())
            {
                delivery.reset();
            }
            outbox.reset();
        }
        outbox.onNewConnection(accept.reliableAckedSeq());
        if (accept.lanePair() != lanes.currentPortPair())
        {
            lanes.openNext(accept.lanePair());
        }
        awaitingResumeState = accept.resumed();
        host.state(ClientState.BINDING_LANES);
        if (accept.resumed())
        {
            delivery.onResumed(nowNs);
        }
        else
        {
            bindIfDue(nowNs);
        }
    }

    void onResumeState(final DirectBuffer buffer, final int offset, final int length, final long nowNs)
    {
        delivery.onResumeState(buffer, offset, length);
        if (awaitingResumeState && host.state() == ClientState.BINDING_LANES)
        {
            awaitingResumeState = false;
            bindSoon(nowNs);
            bindIfDue(nowNs);
        }
    }

    void onReject(final DirectBuffer buffer, final int offset, final int length)
    {
        final ConnectRejectFlyweight reject = rejectFlyweight;
        reject.wrap(buffer, offset, length);
        if (reject.clientNonce() != nonce)
        {
            counters.get(EngineCounter.DROPPED_UNAUTHENTICATED).incrementRelease();
            return;
        }
        onRefused(DisconnectReason.get(reject.reason()), reject.retryAfterMs());
    }

    /**
     * Ask the game's {@link ServerLocator} where a session being resumed went, and move there when it says.
     *
     * @param reason why the resume did not get through.
     * @return true when the client now resumes on another server.
     */
    boolean locate(final DisconnectReason reason)
    {
        if (null == ctx.serverLocator || attempt.kind() != ConnectAttempt.Kind.RESUME || 0 == sessionId)
        {
            return false;
        }
        final ServerLocator.Move move = this.move;
        move.clear();
        try
        {
            if (!ctx.serverLocator.locate(sessionId, ctx.server(), reason, move) || null == move.server)
            {
                return false;
            }
        }
        catch (final Throwable t)
        {
            host.onError(t);
            return false;
        }
        ctx.moveTo(move.server, move.responseEndpoint);
        return true;
    }

    private void onRefused(final DisconnectReason reason, final int retryAfterMs)
    {
        if (DisconnectReason.RESUME_REJECTED == reason && locate(reason))
        {
            host.restart(); // the same session, resumed on the server the locator named
            return;
        }
        if (attempt.isResume() && null != ctx.resumeFallback &&
            (DisconnectReason.RESUME_REJECTED == reason || DisconnectReason.DENIED == reason) &&
            fallBackToNewSession(reason))
        {
            return;
        }
        if ((DisconnectReason.SERVER_FULL == reason || DisconnectReason.SERVER_BUSY == reason) &&
            !attempt.isResume() && host.retryAfterRefusal(reason, TimeUnit.MILLISECONDS.toNanos(retryAfterMs)))
        {
            return;
        }
        host.fail(ClientState.CONNECTION_REJECTED, reason);
    }

    /**
     * The server refused the resume and the game asked to carry on: the old session ends for the game (it leaves its
     * rooms), and a new one is connected for.
     *
     * @return false when the game chose to end after all.
     */
    private boolean fallBackToNewSession(final DisconnectReason reason)
    {
        final ResumeFallback.Credentials fresh = new ResumeFallback.Credentials();
        boolean carryOn;
        try
        {
            carryOn = ctx.resumeFallback.onResumeRefused(reason, fresh);
        }
        catch (final Throwable t)
        {
            host.onError(t);
            carryOn = false;
        }
        if (!carryOn)
        {
            return false;
        }
        if (null != fresh.token)
        {
            credentials = new UnsafeBuffer(fresh.token);
            sessionKey(fresh.sessionKey);
        }
        delivery.leaveAll(LeaveReason.DISCONNECTED);
        try
        {
            ctx.listener.onDisconnected(reason);
        }
        catch (final Throwable t)
        {
            host.onError(t);
        }
        attempt.onFailed();
        sessionId = 0;
        secret = 0;
        sender.sessionId(0);
        host.restart();
        return true;
    }
}
