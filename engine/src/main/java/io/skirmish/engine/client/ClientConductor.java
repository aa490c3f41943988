package io.skirmish.engine.client;

import io.skirmish.engine.DisconnectReason;
import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.LeaveReason;
import io.skirmish.engine.SendResult;
import io.skirmish.engine.codec.KryoCodec;
import io.skirmish.engine.protocol.ConnectAcceptFlyweight;
import io.skirmish.engine.protocol.ConnectRejectFlyweight;
import io.skirmish.engine.protocol.FrameHeaderFlyweight;
import io.skirmish.engine.protocol.FrameType;
import io.skirmish.engine.protocol.RoomEventFlyweight;
import io.skirmish.engine.security.FrameCipher;
import io.skirmish.engine.security.LaneCrypto;
import io.skirmish.engine.status.Counters;
import io.skirmish.engine.status.RttEstimator;
import io.skirmish.engine.transport.FrameOffer;
import io.skirmish.engine.transport.Transport;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.skirmish.engine.protocol.FrameHeaderFlyweight.FLAG_EXCEPT_SENDER;
import static io.skirmish.engine.protocol.FrameHeaderFlyweight.FLAG_KRYO;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The client's single-threaded duty cycle and its connection state machine: every {@link ClientState} change goes
 * through {@link #state(ClientState)}. It wires the collaborators, each owning one thing: the {@link ClientLanes}
 * (the Aeron streams), the {@link ConnectAttempt} (what is being tried, until when), the {@link ClientSender} and the
 * {@link ServerFrameAdapter} (frames out and in), the {@link EventDelivery} (in-order events and gap recovery), the
 * {@link InputSender} and the {@link SnapshotReceiver}.
 */
final class ClientConductor implements Agent, AutoCloseable, ServerFrameAdapter.Handler
{
    private static final long LANE_BIND_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long HOUSEKEEPING_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final AtomicInteger CLIENT_INSTANCES = new AtomicInteger();

    private final GameClient.Context ctx;
    private final Transport transport;
    private final NanoClock clock;
    private final ClientListener listener;
    private final Counters counters;
    private final KryoCodec codec;
    private final LaneCrypto crypto;
    private final ClientLanes lanes;
    private final ConnectAttempt attempt;
    private final ClientSender sender;
    private final EventDelivery delivery;
    private final InputSender inputs;
    private final SnapshotReceiver snapshots;
    private final ServerFrameAdapter adapter;
    private final RttEstimator rtt = new RttEstimator(Long.MAX_VALUE);
    private UnsafeBuffer credentials;
    private final UnsafeBuffer kryoBuffer;
    private final ConnectAcceptFlyweight acceptFlyweight = new ConnectAcceptFlyweight();
    private final ConnectRejectFlyweight rejectFlyweight = new ConnectRejectFlyweight();
    private ClientState state = ClientState.DISCONNECTED;
    private DisconnectReason disconnectReason = DisconnectReason.NONE;
    private int sessionId;
    private long secret;
    private long nonce;
    private long lastHeardNs;
    private long lastPingSentNs;
    private long lastLaneBindNs;
    private long nextHousekeepingNs;
    private long keepAliveIntervalNs = TimeUnit.MILLISECONDS.toNanos(500);
    private long sessionTimeoutNs = TimeUnit.SECONDS.toNanos(5);
    private long resumeWindowNs;
    private int maxMessageLength;
    private long nowNs;
    private boolean aborted;
    private boolean closed;
    private boolean awaitingCatchUp;

    ClientConductor(final GameClient.Context ctx, final Transport transport)
    {
        this.ctx = ctx;
        this.transport = transport;
        this.clock = ctx.nanoClock();
        this.listener = ctx.listener;
        this.maxMessageLength = ctx.maxMessageLength();
        this.counters = new Counters(transport.aeron(), false,
            "skirmish-client " + transport.aeron().clientId() + "-" + CLIENT_INSTANCES.incrementAndGet());
        this.codec = new KryoCodec(ctx.messageRegistry(), ctx.maxMessageLength());
        this.kryoBuffer = new UnsafeBuffer(new byte[ctx.maxMessageLength()]);
        this.credentials = new UnsafeBuffer(ctx.credentials);
        this.crypto = new LaneCrypto(
            ctx.payloadEncryption ? new FrameCipher(RoomEventFlyweight.PAYLOAD_OFFSET + ctx.maxMessageLength()) : null,
            true);
        if (null != ctx.sessionKey)
        {
            final UnsafeBuffer key = new UnsafeBuffer(ctx.sessionKey);
            crypto.sessionKey(key.getLong(0, LITTLE_ENDIAN), key.getLong(8, LITTLE_ENDIAN));
        }
        final FrameOffer frameOffer = new FrameOffer(
            counters.get(EngineCounter.FRAMES_OUT), counters.get(EngineCounter.BYTES_OUT));
        this.snapshots = new SnapshotReceiver(
            ctx.listener, this::onError, ctx.deltaCodec(), ctx.snapshotWindow(), ctx.maxSnapshotLength(), counters);
        this.sender = new ClientSender(ctx.maxMessageLength(), frameOffer, crypto, counters);
        this.delivery = new EventDelivery(ctx, counters, codec, sender, snapshots, this::onError);
        this.inputs = new InputSender(ctx.inputRedundancy, ctx.maxInputLength, frameOffer, crypto, snapshots, counters);
        this.adapter = new ServerFrameAdapter(this, delivery, snapshots, crypto, counters, this::onError);
        this.attempt = new ConnectAttempt(ctx.connectTimeoutNs());
        this.lanes = new ClientLanes(transport.aeron(), ctx, clock);
        if (0 != ctx.resumeSessionId)
        {
            sessionId = ctx.resumeSessionId;
            secret = ctx.resumeSecret;
            attempt.resumeHandedOver();
            delivery.restore(ctx.resumeRooms);
        }
        nowNs = clock.nanoTime();
        openLanes(nowNs, false);
    }

    public String roleName()
    {
        return "skirmish-client";
    }

    Counters counters()
    {
        return counters;
    }

    ClientState state()
    {
        return state;
    }

    DisconnectReason disconnectReason()
    {
        return disconnectReason;
    }

    int sessionId()
    {
        return sessionId;
    }

    long resumeSecret()
    {
        return secret;
    }

    RttEstimator rtt()
    {
        return rtt;
    }

    EventDelivery delivery()
    {
        return delivery;
    }

    SnapshotReceiver snapshots()
    {
        return snapshots;
    }

    ClientLanes lanes()
    {
        return lanes;
    }

    /**
     * The one place the client's state changes; the game hears of each change.
     */
    private void state(final ClientState newState)
    {
        final ClientState oldState = state;
        if (oldState != newState)
        {
            state = newState;
            try
            {
                listener.onStateChange(oldState, newState);
            }
            catch (final Throwable t)
            {
                onError(t);
            }
        }
    }

    private void onError(final Throwable t)
    {
        counters.get(EngineCounter.ERRORS).incrementRelease();
        ctx.errorHandler().onError(t);
    }

    private void openLanes(final long nowNs, final boolean keepDeadline)
    {
        lanes.open();
        sender.lanes(lanes.control(), lanes.input());
        crypto.resetConnection();
        attempt.onLanesOpened(nowNs, keepDeadline);
        state(ClientState.CONNECTING_TRANSPORT);
    }

    private void closeLanes()
    {
        lanes.close();
        sender.lanes(null, null);
        snapshots.reset();
    }

    private void reopenLanes(final long nowNs, final boolean keepDeadline)
    {
        closeLanes();
        openLanes(nowNs, keepDeadline);
    }

    private void fail(final ClientState failure, final DisconnectReason reason)
    {
        closeLanes();
        disconnectReason = reason;
        attempt.onFailed();
        state(failure);
        try
        {
            listener.onDisconnected(reason);
        }
        catch (final Throwable t)
        {
            onError(t);
        }
    }

    private void connectionLost(final DisconnectReason reason)
    {
        awaitingCatchUp = false;
        if (ctx.autoResume && resumeWindowNs > 0 && reason.isResumable())
        {
            attempt.onConnectionLost(nowNs);
            disconnectReason = reason;
            reopenLanes(nowNs, false);
        }
        else
        {
            fail(reason == DisconnectReason.TIMED_OUT ? ClientState.CONNECTION_TIMED_OUT : ClientState.DISCONNECTED,
                reason);
        }
    }

    public int doWork()
    {
        if (closed)
        {
            return 0;
        }
        final long nowNs = clock.nanoTime();
        this.nowNs = nowNs;
        int work = transport.invoke();
        if (transport.isClosed())
        {
            // the Aeron client closed itself (its external driver timed it out or went away): nothing it mapped
            // may be touched again
            closed = true;
            disconnectReason = DisconnectReason.TRANSPORT_LOST;
            state = ClientState.DISCONNECTED;
            return 0;
        }
        work += lanes.pollRelay(nowNs);
        switch (state)
        {
            case CONNECTING_TRANSPORT:
                // the server creates the answering publication once it sees a well-formed CONNECT_REQUEST
                if (lanes.isControlConnected())
                {
                    sendConnectRequest();
                    work++;
                }
                else
                {
                    checkDeadline(nowNs);
                }
                break;

            case SENDING_CONNECT_REQUEST:
            case BINDING_LANES:
                work += adapter.pollEvents(lanes, ctx.fragmentLimit(), nowNs);
                if (state == ClientState.BINDING_LANES && nowNs - lastLaneBindNs >= LANE_BIND_INTERVAL_NS)
                {
                    lastLaneBindNs = nowNs;
                    sendLaneBind();
                }
                if (state == ClientState.SENDING_CONNECT_REQUEST || state == ClientState.BINDING_LANES)
                {
                    checkDeadline(nowNs);
                }
                break;

            case CONNECTED:
                work += connected(nowNs);
                break;

            default:
                break;
        }
        return work;
    }

    private int connected(final long nowNs)
    {
        int work = adapter.pollEvents(lanes, ctx.fragmentLimit(), nowNs);
        if (state == ClientState.CONNECTED)
        {
            work += adapter.pollSnapshots(lanes, ctx.fragmentLimit());
            work += sendSnapshotAcks(nowNs);
        }
        if (state == ClientState.CONNECTED && nowNs - nextHousekeepingNs >= 0)
        {
            nextHousekeepingNs = nowNs + HOUSEKEEPING_INTERVAL_NS;
            work += housekeeping(nowNs);
        }
        if (awaitingCatchUp && state == ClientState.CONNECTED && delivery.isCaughtUp())
        {
            awaitingCatchUp = false;
            announceConnected(true);
            work++;
        }
        return work;
    }

    private void checkDeadline(final long nowNs)
    {
        switch (attempt.onDeadline(nowNs, state == ClientState.BINDING_LANES, resumeWindowNs))
        {
            case RETRY:
                // like a netcode connect request resend: an attempt that made no progress starts again on fresh
                // lanes (new publications and response subscriptions) within the same connect deadline
                if (state == ClientState.BINDING_LANES)
                {
                    attempt.onBindingStalled();
                    counters.get(EngineCounter.LANE_REBINDS).incrementRelease();
                }
                reopenLanes(nowNs, true);
                break;

            case RESTART:
                reopenLanes(nowNs, false);
                break;

            case FAIL_CONNECT:
                fail(ClientState.CONNECT_TIMED_OUT, DisconnectReason.CONNECT_TIMED_OUT);
                break;

            case FAIL_CONNECTION:
                fail(ClientState.CONNECTION_TIMED_OUT, DisconnectReason.TIMED_OUT);
                break;

            default:
                break;
        }
    }

    private int housekeeping(final long nowNs)
    {
        if (nowNs - lastHeardNs > sessionTimeoutNs)
        {
            counters.get(EngineCounter.SESSIONS_TIMED_OUT).incrementRelease();
            connectionLost(DisconnectReason.TIMED_OUT);
            return 1;
        }
        if (!lanes.isEventsConnected())
        {
            connectionLost(DisconnectReason.TRANSPORT_LOST);
            return 1;
        }
        int work = 0;
        if (nowNs - lastPingSentNs >= keepAliveIntervalNs)
        {
            lastPingSentNs = nowNs;
            sender.sendPing(FrameType.PING, nowNs);
            work++;
        }
        return work + delivery.housekeeping(nowNs);
    }

    private void sendConnectRequest()
    {
        nonce = ThreadLocalRandom.current().nextLong();
        final boolean resume = attempt.isResume();
        if (sender.sendConnectRequest(
            nonce, ctx.payloadEncryption, resume ? sessionId : 0, resume ? secret : 0, credentials) > 0)
        {
            state(ClientState.SENDING_CONNECT_REQUEST);
        }
    }

    private void sendLaneBind()
    {
        if (lanes.isInputConnected())
        {
            sender.sendLaneBind(secret);
        }
    }

    public void onHeard()
    {
        lastHeardNs = nowNs;
    }

    public void onAccept(final DirectBuffer buffer, final int offset, final int length)
    {
        final ConnectAcceptFlyweight accept = acceptFlyweight;
        accept.wrap(buffer, offset, length);
        if (accept.clientNonce() != nonce || state != ClientState.SENDING_CONNECT_REQUEST)
        {
            counters.get(EngineCounter.DROPPED_UNAUTHENTICATED).incrementRelease();
            return;
        }
        if (ctx.payloadEncryption)
        {
            if ((accept.flags() & FrameHeaderFlyweight.FLAG_ENCRYPTED) == 0)
            {
                fail(ClientState.CONNECTION_REJECTED, DisconnectReason.ENCRYPTION_UNAVAILABLE);
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
        lastHeardNs = nowNs;
        lastPingSentNs = nowNs;
        lastLaneBindNs = nowNs - LANE_BIND_INTERVAL_NS;
        if (!accept.resumed() && attempt.isResume())
        {
            delivery.reset();
        }
        state(ClientState.BINDING_LANES);
        sendLaneBind();
        if (accept.resumed())
        {
            delivery.onResumed(nowNs);
        }
    }

    public void onReject(final DirectBuffer buffer, final int offset, final int length)
    {
        final ConnectRejectFlyweight reject = rejectFlyweight;
        reject.wrap(buffer, offset, length);
        if (reject.clientNonce() != nonce)
        {
            counters.get(EngineCounter.DROPPED_UNAUTHENTICATED).incrementRelease();
            return;
        }
        final DisconnectReason reason = DisconnectReason.get(reject.reason());
        if (attempt.isResume() && null != ctx.resumeFallback &&
            (DisconnectReason.RESUME_REJECTED == reason || DisconnectReason.DENIED == reason) &&
            fallBackToNewSession(reason))
        {
            return;
        }
        fail(ClientState.CONNECTION_REJECTED, reason);
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
            onError(t);
            carryOn = false;
        }
        if (!carryOn)
        {
            return false;
        }
        if (null != fresh.token)
        {
            credentials = new UnsafeBuffer(fresh.token);
            final UnsafeBuffer key = new UnsafeBuffer(fresh.sessionKey);
            crypto.sessionKey(key.getLong(0, LITTLE_ENDIAN), key.getLong(8, LITTLE_ENDIAN));
        }
        delivery.leaveAll(LeaveReason.DISCONNECTED);
        try
        {
            listener.onDisconnected(reason);
        }
        catch (final Throwable t)
        {
            onError(t);
        }
        attempt.onFailed();
        sessionId = 0;
        secret = 0;
        sender.sessionId(0);
        reopenLanes(nowNs, false);
        return true;
    }

    public void onLaneBound()
    {
        if (state != ClientState.BINDING_LANES)
        {
            return;
        }
        final boolean resumed = attempt.onConnected();
        disconnectReason = DisconnectReason.NONE;
        state(ClientState.CONNECTED);
        if (resumed && !delivery.isCaughtUp())
        {
            // resumed means caught up: the game hears of it once every missed event has been delivered
            awaitingCatchUp = true;
            return;
        }
        announceConnected(resumed);
    }

    private void announceConnected(final boolean resumed)
    {
        try
        {
            listener.onConnected(sessionId, resumed);
        }
        catch (final Throwable t)
        {
            onError(t);
        }
    }

    public void onDisconnect(final DisconnectReason reason)
    {
        if (state == ClientState.CONNECTED || state == ClientState.BINDING_LANES ||
            state == ClientState.SENDING_CONNECT_REQUEST)
        {
            connectionLost(reason);
        }
    }

    public void onPing(final long originTimeNs)
    {
        sender.sendPing(FrameType.PONG, originTimeNs);
    }

    public void onPong(final long originTimeNs)
    {
        rtt.onSample(nowNs - originTimeNs);
    }

    private int sendSnapshotAcks(final long nowNs)
    {
        final int length = snapshots.prepareAcks(sessionId, nowNs);
        if (0 == length)
        {
            return 0;
        }
        final long result = sender.offerInput(snapshots.ackBuffer(), 0, length);
        if (result > 0)
        {
            snapshots.onAcksSent();
            return 1;
        }
        snapshots.onAcksNotSent(result);
        return 0;
    }

    long sendMessage(final int typeId, final int flags, final DirectBuffer buffer, final int offset, final int length)
    {
        if (length > maxMessageLength || length < 0)
        {
            return SendResult.MESSAGE_TOO_LARGE;
        }
        if (state != ClientState.CONNECTED)
        {
            return SendResult.NOT_CONNECTED_SESSION;
        }
        return sender.sendMessage(typeId, flags, buffer, offset, length);
    }

    long sendMessageObject(final Object message)
    {
        final long length = codec.encodeTo(message, kryoBuffer);
        return length < 0 ? length : sendMessage(
            codec.registry().typeId(message.getClass()), FLAG_KRYO, kryoBuffer, 0, (int)length);
    }

    long joinRequest(final int roomId, final DirectBuffer buffer, final int offset, final int length)
    {
        if (roomId <= 0)
        {
            return SendResult.NO_SUCH_ROOM;
        }
        if (length > maxMessageLength)
        {
            return SendResult.MESSAGE_TOO_LARGE;
        }
        if (state != ClientState.CONNECTED)
        {
            return SendResult.NOT_CONNECTED_SESSION;
        }
        return sender.sendJoinRequest(roomId, buffer, offset, length);
    }

    long leaveRequest(final int roomId)
    {
        return state != ClientState.CONNECTED ? SendResult.NOT_CONNECTED_SESSION : sender.sendLeaveRequest(roomId);
    }

    long emit(
        final int roomId, final int typeId, final int flags, final DirectBuffer buffer, final int offset, final int length)
    {
        if (length > maxMessageLength || length < 0)
        {
            return SendResult.MESSAGE_TOO_LARGE;
        }
        if (!delivery.isMember(roomId))
        {
            return SendResult.NOT_MEMBER;
        }
        if (state != ClientState.CONNECTED)
        {
            return SendResult.NOT_CONNECTED_SESSION;
        }
        return sender.sendEmit(roomId, typeId, flags, buffer, offset, length);
    }

    long emitObject(final int roomId, final Object message, final boolean exceptSelf)
    {
        final long length = codec.encodeTo(message, kryoBuffer);
        return length < 0 ? length : emit(roomId, codec.registry().typeId(message.getClass()),
            FLAG_KRYO | (exceptSelf ? FLAG_EXCEPT_SENDER : 0), kryoBuffer, 0, (int)length);
    }

    long sendInput(final long inputTick, final DirectBuffer buffer, final int offset, final int length)
    {
        return inputs.send(state == ClientState.CONNECTED ? lanes.input() : null, sessionId, inputTick, buffer,
            offset, length);
    }

    void abort()
    {
        aborted = true;
    }

    public void onClose()
    {
        if (closed)
        {
            return;
        }
        if (!aborted && (state == ClientState.CONNECTED || state == ClientState.BINDING_LANES) &&
            null != lanes.controlPublication())
        {
            sender.sendDisconnect(DisconnectReason.CLIENT_CLOSED);
            transport.flush(lanes.controlPublication(), lanes.relay());
        }
        close();
    }

    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        closeLanes();
        lanes.closeAll();
        CloseHelper.quietClose(counters);
        if (state.code() > 0)
        {
            disconnectReason = aborted ? DisconnectReason.TRANSPORT_LOST : DisconnectReason.CLIENT_CLOSED;
            state = ClientState.DISCONNECTED;
        }
    }
}
