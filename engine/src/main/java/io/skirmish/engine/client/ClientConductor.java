package io.skirmish.engine.client;

import io.skirmish.engine.DisconnectReason;
import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.codec.KryoCodec;
import io.skirmish.engine.protocol.FrameType;
import io.skirmish.engine.protocol.RoomEventFlyweight;
import io.skirmish.engine.security.FrameCipher;
import io.skirmish.engine.security.LaneCrypto;
import io.skirmish.engine.status.Counters;
import io.skirmish.engine.status.RttEstimator;
import io.skirmish.engine.status.StallWatch;
import io.skirmish.engine.transport.FrameOffer;
import io.skirmish.engine.transport.Transport;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client's single-threaded duty cycle and its connection state machine: every {@link ClientState} change goes
 * through {@link #state(ClientState)}. It wires the collaborators, each owning one thing: the {@link ClientLanes}
 * (the Aeron streams), the {@link ConnectAttempt} (what is being tried, until when), the {@link ClientSender} and the
 * {@link ServerFrameAdapter} (frames out and in), the {@link ReliableOutbox} (the client's frames that must arrive),
 * the {@link EventDelivery} (in-order events and gap recovery), the {@link InputSender} and the
 * {@link SnapshotReceiver}.
 * <p>
 * The lanes are unreliable at the Aeron level, so the handshake resends itself: the connect request until it is
 * answered, the lane bind until it is confirmed. A connected client that hears nothing, or no answer to its pings,
 * for {@code laneSilenceTimeout} moves its session to fresh lanes (a new source port) and carries on.
 */
final class ClientConductor implements Agent, AutoCloseable, ServerFrameAdapter.Handler, ClientHandshake.Host
{
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
    private final RefusalBackoff refusalBackoff;
    private final ClientSender sender;
    private final ReliableOutbox outbox;
    private final EventDelivery delivery;
    private final InputSender inputs;
    private final SnapshotReceiver snapshots;
    private final TickClock tickClock;
    private final ServerFrameAdapter adapter;
    private final PathWatch path;
    private final StallWatch stallWatch;
    private final ClientHandshake handshake;
    private final ClientRequests requests;
    private final ClientFeeds feeds;
    private final RttEstimator rtt = new RttEstimator(Long.MAX_VALUE);
    private ClientState state = ClientState.DISCONNECTED;
    private DisconnectReason disconnectReason = DisconnectReason.NONE;
    private long nextHousekeepingNs;
    private long nowNs;
    private long retryAtNs;
    private boolean aborted;
    private boolean closed;
    private boolean awaitingCatchUp;

    ClientConductor(final GameClient.Context ctx, final Transport transport)
    {
        this.ctx = ctx;
        this.transport = transport;
        this.clock = ctx.nanoClock();
        this.listener = ctx.listener;
        this.counters = new Counters(transport.aeron(), false,
            "skirmish-client " + transport.aeron().clientId() + "-" + CLIENT_INSTANCES.incrementAndGet());
        this.codec = new KryoCodec(ctx.messageRegistry(), ctx.maxMessageLength());
        this.crypto = new LaneCrypto(
            ctx.payloadEncryption ? new FrameCipher(RoomEventFlyweight.PAYLOAD_OFFSET + ctx.maxMessageLength()) : null,
            true);
        final FrameOffer frameOffer = new FrameOffer(
            counters.get(EngineCounter.FRAMES_OUT), counters.get(EngineCounter.BYTES_OUT));
        this.tickClock = 0 == ctx.tickRateHz ? null :
            new TickClock(TimeUnit.SECONDS.toNanos(1) / ctx.tickRateHz, ctx.renderDelayNs, ctx.minInputLeadNs);
        this.snapshots = new SnapshotReceiver(
            ctx.listener, this::onError, ctx.deltaCodec(), ctx.snapshotWindow(), ctx.maxSnapshotLength(),
            tickClock, clock, rtt, counters);
        this.outbox = new ReliableOutbox(ctx.maxUnackedBytes, frameOffer, crypto, rtt, counters);
        this.sender = new ClientSender(ctx.maxMessageLength(), frameOffer, crypto, outbox, counters);
        this.delivery = new EventDelivery(ctx, counters, codec, sender, snapshots, rtt, this::onError);
        this.inputs = new InputSender(
            ctx.inputRedundancy, ctx.maxInputLength, frameOffer, crypto, snapshots, tickClock, clock, counters);
        this.adapter = new ServerFrameAdapter(
            ctx.maxMessageLength(), this, delivery, snapshots, outbox, crypto, counters, this::onError);
        this.attempt = new ConnectAttempt(ctx.connectTimeoutNs());
        this.refusalBackoff = new RefusalBackoff(ctx.retryWhenRefusedNs(), System.nanoTime());
        this.path = new PathWatch(ctx.laneSilenceTimeoutNs);
        this.stallWatch = new StallWatch(counters.get(EngineCounter.DUTY_CYCLE_STALLS));
        this.requests = new ClientRequests(ctx.maxMessageLength(), sender, inputs, delivery, codec);
        this.feeds = new ClientFeeds(sender, counters, this::onError);
        adapter.feeds(feeds);
        requests.feeds(feeds);
        this.lanes = new ClientLanes(transport.aeron(), ctx, clock);
        this.handshake = new ClientHandshake(
            ctx, this, counters, crypto, sender, outbox, delivery, lanes, attempt, path);
        if (0 != ctx.resumeSessionId)
        {
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

    public ClientState state()
    {
        return state;
    }

    DisconnectReason disconnectReason()
    {
        return disconnectReason;
    }

    int sessionId()
    {
        return handshake.sessionId();
    }

    long resumeSecret()
    {
        return handshake.secret();
    }

    TickClock tickClock()
    {
        return tickClock;
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

    ClientRequests requests()
    {
        return requests;
    }

    ClientFeeds feeds()
    {
        return feeds;
    }

    ClientSender sender()
    {
        return sender;
    }

    /**
     * The one place the client's state changes; the game hears of each change.
     */
    public void state(final ClientState newState)
    {
        final ClientState oldState = state;
        if (oldState != newState)
        {
            state = newState;
            requests.connection(
                newState == ClientState.CONNECTED, handshake.sessionId(), handshake.maxMessageLength());
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

    public void onError(final Throwable t)
    {
        counters.get(EngineCounter.ERRORS).incrementRelease();
        ctx.errorHandler().onError(t);
    }

    private void openLanes(final long nowNs, final boolean keepDeadline)
    {
        lanes.open();
        sender.upstream(lanes.upstream());
        crypto.resetConnection(LaneCrypto.counterBase(System.currentTimeMillis()));
        attempt.onLanesOpened(nowNs, keepDeadline);
        path.onMigrated();
        handshake.onLanesOpened();
        state(ClientState.CONNECTING_TRANSPORT);
    }

    private void closeLanes()
    {
        lanes.close();
        sender.upstream(null);
        snapshots.reset();
        adapter.reset();
        path.onMigrated();
    }

    public void restart()
    {
        reopenLanes(nowNs, false);
    }

    public boolean retryAfterRefusal(final DisconnectReason reason, final long retryAfterNs)
    {
        final long delayNs = refusalBackoff.onRefused(nowNs, retryAfterNs);
        if (delayNs < 0)
        {
            return false;
        }
        closeLanes();
        disconnectReason = reason;
        retryAtNs = nowNs + delayNs;
        counters.get(EngineCounter.CONNECT_RETRIES_AFTER_REFUSAL).incrementRelease();
        state(ClientState.WAITING_TO_RETRY);
        try
        {
            listener.onConnectRefused(reason, delayNs);
        }
        catch (final Throwable t)
        {
            onError(t);
        }
        return true;
    }

    private void reopenLanes(final long nowNs, final boolean keepDeadline)
    {
        closeLanes();
        openLanes(nowNs, keepDeadline);
    }

    public void fail(final ClientState failure, final DisconnectReason reason)
    {
        closeLanes();
        disconnectReason = reason;
        attempt.onFailed();
        feeds.endAll();
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
        if (ctx.autoResume && handshake.resumeWindowNs() > 0 && reason.isResumable())
        {
            if (state == ClientState.BINDING_LANES)
            {
                // accepted but never bound: the game has not met the session, so it is retried as a rebind
                attempt.onBindingStalled();
                counters.get(EngineCounter.LANE_REBINDS).incrementRelease();
                reopenLanes(nowNs, true);
                return;
            }
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
        final long stalledNs = stallWatch.onCycle(nowNs);
        if (stalledNs > 0)
        {
            path.onStalled(stalledNs, nowNs);
        }
        final int driverWork = transport.invoke();
        int work = ctx.driverWorkCounted() ? driverWork : 0;
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
        sender.nowNs(nowNs);
        requests.nowNs(nowNs);
        switch (state)
        {
            case CONNECTING_TRANSPORT:
                // the server creates the answering publication once it sees a well-formed CONNECT_REQUEST
                if (lanes.isUpstreamConnected())
                {
                    handshake.start(nowNs);
                    work++;
                }
                else
                {
                    checkDeadline(nowNs);
                }
                break;

            case SENDING_CONNECT_REQUEST:
            case BINDING_LANES:
                work += adapter.poll(lanes, ctx.fragmentLimit(), nowNs);
                work += handshake.resend(nowNs);
                if (state == ClientState.SENDING_CONNECT_REQUEST || state == ClientState.BINDING_LANES)
                {
                    checkDeadline(nowNs);
                }
                break;

            case CONNECTED:
                work += connected(nowNs);
                break;

            case WAITING_TO_RETRY:
                if (nowNs - retryAtNs >= 0)
                {
                    openLanes(nowNs, false);
                    work++;
                }
                break;

            default:
                break;
        }
        return work;
    }

    /**
     * The handshake over unreliable lanes: the connect request goes again until it is answered (and, for a resume,
     * until the session's resume state came with the answer), the lane bind until it is confirmed.
     */
    private int connected(final long nowNs)
    {
        int work = adapter.poll(lanes, ctx.fragmentLimit(), nowNs);
        if (state == ClientState.CONNECTED)
        {
            work += sendSnapshotAcks(nowNs);
            work += inputs.resend(sender.upstream(), handshake.sessionId(), nowNs);
            work += outbox.poll(sender.upstream(), nowNs);
            work += feeds.doWork(nowNs, handshake.sessionId());
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
        switch (attempt.onDeadline(nowNs, state == ClientState.BINDING_LANES, handshake.resumeWindowNs()))
        {
            case RETRY:
                // like a netcode connect request resend: an attempt that made no progress starts again on fresh
                // lanes (new publications and response subscriptions) within the same connect deadline
                if (state == ClientState.BINDING_LANES)
                {
                    attempt.onBindingStalled();
                    counters.get(EngineCounter.LANE_REBINDS).incrementRelease();
                }
                // a resume that went unanswered: the game may know where the session went (its server died)
                reopenLanes(nowNs, !handshake.locate(DisconnectReason.TIMED_OUT));
                break;

            case RESTART:
                handshake.locate(DisconnectReason.TIMED_OUT);
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
        int work = 0;
        switch (path.check(nowNs))
        {
            case LOST:
                counters.get(EngineCounter.SESSIONS_TIMED_OUT).incrementRelease();
                connectionLost(DisconnectReason.TIMED_OUT);
                return 1;

            case MIGRATE:
            case MIGRATE_AGAIN:
                // off a silent path: the session moves to fresh lanes (a new source port) and carries on
                lanes.openNext(lanes.currentPortPair());
                handshake.bindSoon(nowNs);
                work++;
                break;

            default:
                break;
        }
        if (!path.isMigrating() && !lanes.isDownstreamConnected())
        {
            connectionLost(DisconnectReason.TRANSPORT_LOST);
            return 1;
        }
        if (path.isMigrating())
        {
            work += handshake.bindIfDue(nowNs);
        }
        if (path.pingDue(nowNs))
        {
            sender.sendPing(FrameType.PING, nowNs);
            work++;
        }
        return work + delivery.housekeeping(nowNs);
    }

    public void onHeard()
    {
        path.onHeard(nowNs);
    }

    public void onAccept(final DirectBuffer buffer, final int offset, final int length)
    {
        handshake.onAccept(buffer, offset, length, nowNs);
    }

    public void onResumeState(final DirectBuffer buffer, final int offset, final int length)
    {
        final long directBefore = delivery.lastDelivered(0);
        handshake.onResumeState(buffer, offset, length, nowNs);
        final long directAfter = delivery.lastDelivered(0);
        if (directBefore >= 0 && directAfter > directBefore)
        {
            // the resumed server's direct stream goes on past seqs never delivered: a restarted one lost them
            counters.get(EngineCounter.DIRECT_STREAM_RESETS).incrementRelease();
            try
            {
                listener.onDirectStreamReset(directBefore, directAfter + 1, DirectStreamResetReason.SERVER_RESTARTED);
            }
            catch (final Throwable t)
            {
                onError(t);
            }
        }
    }

    public void onReject(final DirectBuffer buffer, final int offset, final int length)
    {
        handshake.onReject(buffer, offset, length);
    }

    public void onLaneBound()
    {
        if (lanes.hasNext())
        {
            lanes.promoteNext();
            sender.upstream(lanes.upstream());
        }
        if (state == ClientState.CONNECTED && path.isMigrating())
        {
            // the session carries on over the new lanes: what the old path swallowed is asked for and sent again
            path.onMigrated();
            counters.get(EngineCounter.LANES_MIGRATED).incrementRelease();
            outbox.onNewConnection(0);
            delivery.onResumed(nowNs);
            return;
        }
        if (state != ClientState.BINDING_LANES || handshake.isAwaitingResumeState())
        {
            return;
        }
        final boolean resumed = attempt.onConnected();
        refusalBackoff.reset();
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
            listener.onConnected(handshake.sessionId(), resumed);
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

    public void onAnswered()
    {
        path.onAnswered(nowNs);
    }

    public void onPong(final long originTimeNs)
    {
        path.onAnswered(nowNs);
        if (!stallWatch.stalledSince(originTimeNs))
        {
            rtt.onSample(nowNs - originTimeNs);
        }
    }

    private int sendSnapshotAcks(final long nowNs)
    {
        final int length = snapshots.prepareAcks(handshake.sessionId(), nowNs);
        if (0 == length)
        {
            return 0;
        }
        final long result = sender.offerUpstream(snapshots.ackBuffer(), 0, length);
        if (result > 0)
        {
            snapshots.onAcksSent();
            return 1;
        }
        snapshots.onAcksNotSent(result);
        return 0;
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
            null != lanes.upstreamPublication())
        {
            // unacknowledged, so sent three times in separate datagrams; if all are lost the session times out
            for (int i = 0; i < 3; i++)
            {
                sender.sendDisconnect(DisconnectReason.CLIENT_CLOSED);
                transport.flush(lanes.upstreamPublication(), lanes.relay());
            }
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
