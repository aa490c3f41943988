package io.skirmish.engine;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.aeron.logbuffer.BufferClaim;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.logbuffer.Header;
import io.skirmish.engine.protocol.ConnectAcceptFlyweight;
import io.skirmish.engine.protocol.ConnectRejectFlyweight;
import io.skirmish.engine.protocol.ConnectRequestFlyweight;
import io.skirmish.engine.protocol.DisconnectFlyweight;
import io.skirmish.engine.protocol.EventAckFlyweight;
import io.skirmish.engine.protocol.FrameHeaderFlyweight;
import io.skirmish.engine.protocol.FrameType;
import io.skirmish.engine.protocol.InputFlyweight;
import io.skirmish.engine.protocol.JoinResultFlyweight;
import io.skirmish.engine.protocol.LaneBindFlyweight;
import io.skirmish.engine.protocol.LeftRoomFlyweight;
import io.skirmish.engine.protocol.MessageFlyweight;
import io.skirmish.engine.protocol.PingFlyweight;
import io.skirmish.engine.protocol.ReplayRequestFlyweight;
import io.skirmish.engine.protocol.RoomEventFlyweight;
import io.skirmish.engine.protocol.RoomRequestFlyweight;
import io.skirmish.engine.sim.UdpRelay;
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static io.skirmish.engine.protocol.FrameHeaderFlyweight.FLAG_EXCEPT_SENDER;
import static io.skirmish.engine.protocol.FrameHeaderFlyweight.FLAG_KRYO;
import static io.skirmish.engine.protocol.FrameHeaderFlyweight.FLAG_SYSTEM;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The client's single-threaded duty cycle: the connection state machine, the lanes, in-order delivery with gap
 * recovery, snapshot reassembly and redundant inputs.
 */
final class ClientConductor implements Agent, AutoCloseable
{
    private static final long LANE_BIND_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long HOUSEKEEPING_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(5);

    private static final java.util.concurrent.atomic.AtomicInteger CLIENT_INSTANCES =
        new java.util.concurrent.atomic.AtomicInteger();

    private final GameClient.Context ctx;
    private final Transport transport;
    private final Aeron aeron;
    private final NanoClock clock;
    private final ClientListener listener;
    private final Counters counters;
    private final KryoCodec codec;
    private final UdpRelay relay;
    private final String serverEndpoint;
    private final String serverResponseEndpoint;

    private Subscription eventsSubscription;
    private Subscription snapshotSubscription;
    private ExclusivePublication controlPublication;
    private ExclusivePublication inputPublication;
    private final FragmentAssembler eventsAssembler = new FragmentAssembler(this::onEventsFragment);
    private final FragmentHandler snapshotHandler = this::onSnapshotFragment;

    private ClientState state = ClientState.DISCONNECTED;
    private DisconnectReason disconnectReason = DisconnectReason.NONE;
    private int sessionId;
    private long secret;
    private long nonce;
    private boolean resuming;
    private boolean rebinding;
    private boolean everConnected;
    private long connectDeadlineNs;
    private long attemptDeadlineNs;
    private long lostAtNs;
    private long lastHeardNs;
    private long lastPingSentNs;
    private long lastLaneBindNs;
    private long nextHousekeepingNs;
    private long keepAliveIntervalNs = TimeUnit.MILLISECONDS.toNanos(500);
    private long sessionTimeoutNs = TimeUnit.SECONDS.toNanos(5);
    private long resumeWindowNs;
    private int maxMessageLength;
    private long rttNs;
    private long rttJitterNs;
    private long nowNs;
    private long messageSeq;
    private long emitSeq;
    private int nextRequestId = 1;
    private boolean closed;

    private final Int2ObjectHashMap<RoomInbox> inboxes = new Int2ObjectHashMap<>();
    private volatile Int2ObjectHashMap<ClientMessageHandler<Object>> handlers = new Int2ObjectHashMap<>();

    private final UnsafeBuffer sendBuffer;
    private final UnsafeBuffer kryoBuffer;
    private final BufferClaim bufferClaim = new BufferClaim();
    private final FrameHeaderFlyweight headerFlyweight = new FrameHeaderFlyweight();
    private final ConnectRequestFlyweight connectRequestFlyweight = new ConnectRequestFlyweight();
    private final ConnectAcceptFlyweight connectAcceptFlyweight = new ConnectAcceptFlyweight();
    private final ConnectRejectFlyweight connectRejectFlyweight = new ConnectRejectFlyweight();
    private final LaneBindFlyweight laneBindFlyweight = new LaneBindFlyweight();
    private final PingFlyweight pingFlyweight = new PingFlyweight();
    private final DisconnectFlyweight disconnectFlyweight = new DisconnectFlyweight();
    private final MessageFlyweight messageFlyweight = new MessageFlyweight();
    private final RoomEventFlyweight eventFlyweight = new RoomEventFlyweight();
    private final RoomRequestFlyweight roomRequestFlyweight = new RoomRequestFlyweight();
    private final JoinResultFlyweight joinResultFlyweight = new JoinResultFlyweight();
    private final LeftRoomFlyweight leftRoomFlyweight = new LeftRoomFlyweight();
    private final ReplayRequestFlyweight replayRequestFlyweight = new ReplayRequestFlyweight();
    private final EventAckFlyweight eventAckFlyweight = new EventAckFlyweight();
    private final InputFlyweight inputFlyweight = new InputFlyweight();
    private final UnsafeBuffer credentials;
    private final boolean authenticated;
    private final long keyK0;
    private final long keyK1;
    private long controlCounter;
    private long inputCounter;
    private final FrameCipher frameCipher;
    private javax.crypto.spec.SecretKeySpec frameKey;
    private long lastControlCounterIn;
    private long lastSnapshotCounterIn;

    private final SnapshotReceiver snapshotReceiver;

    private final long[] inputTicks;
    private final int[] inputLengths;
    private final UnsafeBuffer[] inputs;
    private long lastInputTick = Long.MIN_VALUE;

    ClientConductor(final GameClient.Context ctx, final Transport transport)
    {
        this.ctx = ctx;
        this.transport = transport;
        this.aeron = transport.aeron();
        this.clock = ctx.nanoClock;
        this.listener = ctx.listener;
        this.maxMessageLength = ctx.maxMessageLength;
        this.counters = new Counters(
            aeron, false, "skirmish-client " + aeron.clientId() + "-" + CLIENT_INSTANCES.incrementAndGet());
        this.codec = new KryoCodec(ctx.messageRegistry, ctx.maxMessageLength);
        this.sendBuffer = new UnsafeBuffer(
            BufferUtil.allocateDirectAligned(RoomEventFlyweight.PAYLOAD_OFFSET + ctx.maxMessageLength + 64, 64));
        this.kryoBuffer = new UnsafeBuffer(new byte[ctx.maxMessageLength]);
        this.credentials = new UnsafeBuffer(ctx.credentials);
        this.snapshotReceiver = new SnapshotReceiver(
            ctx.listener, ctx.errorHandler, ctx.deltaCodec, ctx.snapshotWindow, ctx.maxSnapshotLength, counters);
        this.authenticated = null != ctx.sessionKey;
        final UnsafeBuffer key = new UnsafeBuffer(authenticated ? ctx.sessionKey : new byte[16]);
        this.keyK0 = key.getLong(0, LITTLE_ENDIAN);
        this.keyK1 = key.getLong(8, LITTLE_ENDIAN);
        this.frameCipher = ctx.payloadEncryption ? new FrameCipher(sendBuffer.capacity()) : null;
        this.inputTicks = new long[ctx.inputRedundancy];
        this.inputLengths = new int[ctx.inputRedundancy];
        this.inputs = new UnsafeBuffer[ctx.inputRedundancy];
        java.util.Arrays.fill(inputTicks, Long.MIN_VALUE);
        for (int i = 0; i < inputs.length; i++)
        {
            inputs[i] = new UnsafeBuffer(new byte[ctx.maxInputLength]);
        }

        if (null != ctx.networkSimulator)
        {
            relay = new UdpRelay(ctx.simulatorBindHost, "0.0.0.0", ctx.networkSimulator, clock);
            final int colon = ctx.server.lastIndexOf(':');
            final int rspColon = ctx.serverResponseEndpoint.lastIndexOf(':');
            final int requestPort = relay.addRoute(
                0, ctx.server.substring(0, colon), Integer.parseInt(ctx.server.substring(colon + 1)));
            final int responsePort = relay.addRoute(
                0,
                ctx.serverResponseEndpoint.substring(0, rspColon),
                Integer.parseInt(ctx.serverResponseEndpoint.substring(rspColon + 1)));
            serverEndpoint = ctx.simulatorBindHost + ":" + requestPort;
            serverResponseEndpoint = ctx.simulatorBindHost + ":" + responsePort;
        }
        else
        {
            relay = null;
            serverEndpoint = ctx.server;
            serverResponseEndpoint = ctx.serverResponseEndpoint;
        }

        if (0 != ctx.resumeSessionId)
        {
            sessionId = ctx.resumeSessionId;
            secret = ctx.resumeSecret;
            resuming = true;
            ctx.resumeRooms.forEachLong(
                (roomId, seq) -> inboxes.put((int)roomId, new RoomInbox((int)roomId, seq + 1, ctx.maxHeldEvents)));
        }
        if (!inboxes.containsKey(0))
        {
            inboxes.put(0, new RoomInbox(0, 1, ctx.maxHeldEvents));
        }

        nowNs = clock.nanoTime();
        openLanes(nowNs);
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

    long rttNs()
    {
        return rttNs;
    }

    long rttJitterNs()
    {
        return rttJitterNs;
    }

    long lastDeliveredSeq(final int roomId)
    {
        final RoomInbox inbox = inboxes.get(roomId);
        return null == inbox ? -1 : inbox.lastDelivered();
    }

    public String roleName()
    {
        return "skirmish-client";
    }

    @SuppressWarnings("unchecked")
    synchronized void registerHandler(final Class<?> type, final ClientMessageHandler<?> handler)
    {
        final int typeId = codec.registry().typeId(type);
        if (typeId < 0)
        {
            throw new IllegalArgumentException(type.getName() + " is not registered in the MessageRegistry");
        }
        final Int2ObjectHashMap<ClientMessageHandler<Object>> copy = new Int2ObjectHashMap<>(handlers);
        copy.put(typeId, (ClientMessageHandler<Object>)handler);
        handlers = copy;
    }

    // ------------------------------------------------------------------------------------------------------------
    // State machine
    // ------------------------------------------------------------------------------------------------------------

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
        ctx.errorHandler.onError(t);
    }

    private void openLanes(final long nowNs)
    {
        eventsSubscription = aeron.addSubscription(
            Lanes.clientResponseSubscription(serverResponseEndpoint, true), Lanes.EVENTS_STREAM_ID);
        controlPublication = aeron.addExclusivePublication(
            Lanes.clientRequestPublication(
                serverEndpoint, eventsSubscription.registrationId(), ctx.reliableTermLength, ctx.mtuLength),
            Lanes.CONTROL_STREAM_ID);
        snapshotSubscription = aeron.addSubscription(
            Lanes.clientResponseSubscription(serverResponseEndpoint, false), Lanes.SNAPSHOT_STREAM_ID);
        inputPublication = aeron.addExclusivePublication(
            Lanes.clientRequestPublication(
                serverEndpoint, snapshotSubscription.registrationId(), ctx.unreliableTermLength, ctx.mtuLength),
            Lanes.INPUT_STREAM_ID);
        controlCounter = 0;
        inputCounter = 0;
        connectDeadlineNs = nowNs + ctx.connectTimeoutNs;
        attemptDeadlineNs = nowNs + attemptTimeoutNs();
        state(ClientState.CONNECTING_TRANSPORT);
    }

    private void closeLanes()
    {
        CloseHelper.quietCloseAll(controlPublication, inputPublication, eventsSubscription, snapshotSubscription);
        controlPublication = null;
        inputPublication = null;
        eventsSubscription = null;
        snapshotSubscription = null;
        snapshotReceiver.reset();
    }

    private void fail(final ClientState failure, final DisconnectReason reason)
    {
        closeLanes();
        disconnectReason = reason;
        resuming = false;
        rebinding = false;
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
        if (ctx.autoResume && resumeWindowNs > 0 && reason.isResumable())
        {
            closeLanes();
            if (!resuming)
            {
                resuming = true;
                lostAtNs = nowNs;
            }
            disconnectReason = reason;
            openLanes(nowNs);
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
        if (null != relay)
        {
            work += relay.poll(nowNs);
        }

        switch (state)
        {
            case CONNECTING_TRANSPORT:
                // the server creates the answering publication once it sees a well-formed CONNECT_REQUEST
                if (controlPublication.isConnected())
                {
                    sendConnectRequest();
                    work++;
                }
                else
                {
                    checkConnectDeadline(nowNs);
                }
                break;

            case SENDING_CONNECT_REQUEST:
                work += eventsSubscription.poll(eventsAssembler, ctx.fragmentLimit);
                if (state == ClientState.SENDING_CONNECT_REQUEST)
                {
                    checkConnectDeadline(nowNs);
                }
                break;

            case BINDING_LANES:
                work += eventsSubscription.poll(eventsAssembler, ctx.fragmentLimit);
                if (state == ClientState.BINDING_LANES)
                {
                    if (nowNs - lastLaneBindNs >= LANE_BIND_INTERVAL_NS)
                    {
                        lastLaneBindNs = nowNs;
                        sendLaneBind();
                    }
                    checkConnectDeadline(nowNs);
                }
                break;

            case CONNECTED:
                work += eventsSubscription.poll(eventsAssembler, ctx.fragmentLimit);
                if (state == ClientState.CONNECTED)
                {
                    work += snapshotSubscription.poll(snapshotHandler, ctx.fragmentLimit);
                    work += sendSnapshotAcks(nowNs);
                }
                if (state == ClientState.CONNECTED && nowNs - nextHousekeepingNs >= 0)
                {
                    nextHousekeepingNs = nowNs + HOUSEKEEPING_INTERVAL_NS;
                    work += housekeeping(nowNs);
                }
                break;

            default:
                break;
        }
        return work;
    }

    private long attemptTimeoutNs()
    {
        return Math.max(TimeUnit.SECONDS.toNanos(1), ctx.connectTimeoutNs / 3);
    }

    private void checkConnectDeadline(final long nowNs)
    {
        if (nowNs - attemptDeadlineNs > 0 && nowNs - connectDeadlineNs < 0)
        {
            // like a netcode connect request resend: an attempt that made no progress starts again on fresh lanes
            // (new Aeron publications and response subscriptions) within the same overall connect deadline
            final boolean stalledBinding = state == ClientState.BINDING_LANES && resumeWindowNs > 0;
            if (stalledBinding || state == ClientState.CONNECTING_TRANSPORT ||
                state == ClientState.SENDING_CONNECT_REQUEST)
            {
                if (stalledBinding)
                {
                    // accepted, but the lanes never bound (an answering publication that never connected): the
                    // session exists, so the new attempt is a resume of it
                    if (!resuming)
                    {
                        resuming = true;
                        rebinding = true;
                    }
                    counters.get(EngineCounter.LANE_REBINDS).incrementRelease();
                }
                final long deadlineNs = connectDeadlineNs;
                closeLanes();
                openLanes(nowNs);
                connectDeadlineNs = deadlineNs;
                return;
            }
        }
        if (nowNs - connectDeadlineNs > 0)
        {
            if (resuming && everConnected && nowNs - lostAtNs < resumeWindowNs)
            {
                closeLanes();
                openLanes(nowNs);
            }
            else
            {
                fail(resuming && everConnected ? ClientState.CONNECTION_TIMED_OUT : ClientState.CONNECT_TIMED_OUT,
                    resuming && everConnected ? DisconnectReason.TIMED_OUT : DisconnectReason.CONNECT_TIMED_OUT);
            }
        }
    }

    private int housekeeping(final long nowNs)
    {
        int work = 0;
        if (nowNs - lastHeardNs > sessionTimeoutNs)
        {
            counters.get(EngineCounter.SESSIONS_TIMED_OUT).incrementRelease();
            connectionLost(DisconnectReason.TIMED_OUT);
            return 1;
        }
        if (!eventsSubscription.isConnected())
        {
            connectionLost(DisconnectReason.TRANSPORT_LOST);
            return 1;
        }
        if (nowNs - lastPingSentNs >= keepAliveIntervalNs)
        {
            lastPingSentNs = nowNs;
            sendPing(FrameType.PING, nowNs);
            work++;
        }

        final Int2ObjectHashMap<RoomInbox>.ValueIterator it = inboxes.values().iterator();
        while (it.hasNext())
        {
            final RoomInbox inbox = it.next();
            final long delivered = inbox.lastDelivered();
            if (delivered > inbox.lastAckSent && nowNs - inbox.lastAckSentNs >= ctx.ackIntervalNs)
            {
                if (sendEventAck(inbox.roomId, delivered) > 0)
                {
                    inbox.lastAckSent = delivered;
                    inbox.lastAckSentNs = nowNs;
                    work++;
                }
            }
            if (inbox.heldCount() > 0 && nowNs - inbox.lastRequestNs >= ctx.replayRequestTimeoutNs)
            {
                requestReplay(inbox, inbox.lowestHeld() - 1);
                work++;
            }
        }
        return work;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Handshake
    // ------------------------------------------------------------------------------------------------------------

    private void sendConnectRequest()
    {
        nonce = ThreadLocalRandom.current().nextLong();
        frameKey = null;
        final ConnectRequestFlyweight request = connectRequestFlyweight;
        request.wrapForEncode(sendBuffer, 0, FrameType.CONNECT_REQUEST, 0);
        if (ctx.payloadEncryption)
        {
            request.flags(FrameHeaderFlyweight.FLAG_ENCRYPTED);
        }
        request.clientNonce(nonce)
            .resumeSessionId(resuming ? sessionId : 0)
            .resumeSecret(resuming ? secret : 0)
            .credentials(credentials, 0, credentials.capacity());
        if (offer(controlPublication, sendBuffer, 0, request.encodedLength()) > 0)
        {
            state(ClientState.SENDING_CONNECT_REQUEST);
        }
    }

    private void sendLaneBind()
    {
        if (null == inputPublication || !inputPublication.isConnected())
        {
            return;
        }
        laneBindFlyweight.wrapForEncode(sendBuffer, 0, FrameType.LANE_BIND, sessionId);
        laneBindFlyweight.secret(secret);
        offer(inputPublication, sendBuffer, 0, LaneBindFlyweight.LENGTH);
    }

    private void onAccept(final DirectBuffer buffer, final int offset, final int length)
    {
        final ConnectAcceptFlyweight accept = connectAcceptFlyweight;
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
            frameKey = FrameCipher.deriveKey(ctx.sessionKey, nonce, accept.serverNonce());
            lastControlCounterIn = 0;
            lastSnapshotCounterIn = 0;
        }
        final boolean wasResuming = resuming;
        sessionId = accept.sessionId();
        secret = accept.resumeSecret();
        keepAliveIntervalNs = TimeUnit.MILLISECONDS.toNanos(accept.keepAliveIntervalMs());
        sessionTimeoutNs = TimeUnit.MILLISECONDS.toNanos(accept.sessionTimeoutMs());
        resumeWindowNs = TimeUnit.MILLISECONDS.toNanos(accept.resumeWindowMs());
        maxMessageLength = Math.min(ctx.maxMessageLength, accept.maxMessageLength());
        lastHeardNs = nowNs;
        lastPingSentNs = nowNs;
        lastLaneBindNs = nowNs - LANE_BIND_INTERVAL_NS;
        if (!accept.resumed() && wasResuming)
        {
            inboxes.clear();
            inboxes.put(0, new RoomInbox(0, 1, ctx.maxHeldEvents));
        }
        state(ClientState.BINDING_LANES);
        sendLaneBind();

        if (accept.resumed())
        {
            final Int2ObjectHashMap<RoomInbox>.ValueIterator it = inboxes.values().iterator();
            while (it.hasNext())
            {
                final RoomInbox inbox = it.next();
                sendEventAck(inbox.roomId, inbox.lastDelivered());
                inbox.lastAckSent = inbox.lastDelivered();
                if (inbox.heldCount() > 0)
                {
                    requestReplay(inbox, inbox.lowestHeld() - 1);
                }
            }
        }
    }

    private void onReject(final DirectBuffer buffer, final int offset, final int length)
    {
        final ConnectRejectFlyweight reject = connectRejectFlyweight;
        reject.wrap(buffer, offset, length);
        if (reject.clientNonce() != nonce)
        {
            counters.get(EngineCounter.DROPPED_UNAUTHENTICATED).incrementRelease();
            return;
        }
        fail(ClientState.CONNECTION_REJECTED, DisconnectReason.get(reject.reason()));
    }

    private void onLaneBound()
    {
        if (state != ClientState.BINDING_LANES)
        {
            return;
        }
        final boolean resumed = resuming && !rebinding;
        resuming = false;
        rebinding = false;
        everConnected = true;
        disconnectReason = DisconnectReason.NONE;
        state(ClientState.CONNECTED);
        try
        {
            listener.onConnected(sessionId, resumed);
        }
        catch (final Throwable t)
        {
            onError(t);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Events lane
    // ------------------------------------------------------------------------------------------------------------

    private void onEventsFragment(
        final DirectBuffer fragment, final int fragmentOffset, final int fragmentLength, final Header header)
    {
        final int valid = FrameHeaderFlyweight.validate(fragment, fragmentOffset, fragmentLength);
        if (FrameHeaderFlyweight.VALID != valid)
        {
            counters.get(valid == FrameHeaderFlyweight.BAD_VERSION ? EngineCounter.DROPPED_BAD_VERSION :
                valid == FrameHeaderFlyweight.UNKNOWN_TYPE ? EngineCounter.DROPPED_UNKNOWN_TYPE :
                EngineCounter.DROPPED_MALFORMED).incrementRelease();
            return;
        }
        final int type = fragment.getByte(fragmentOffset + FrameHeaderFlyweight.TYPE_OFFSET) & 0xFF;
        DirectBuffer buffer = fragment;
        int offset = fragmentOffset;
        int length = fragmentLength;
        if (type != FrameType.CONNECT_ACCEPT && type != FrameType.CONNECT_REJECT)
        {
            if (null != frameKey)
            {
                length = frameCipher.open(
                    frameKey, FrameCipher.SERVER_CONTROL_LANE, lastControlCounterIn, fragment, offset, fragmentLength);
                if (length < 0)
                {
                    counters.get(EngineCounter.DROPPED_UNAUTHENTICATED).incrementRelease();
                    return;
                }
                lastControlCounterIn = frameCipher.openedCounter();
                buffer = frameCipher.opened();
                offset = 0;
            }
            else if (FrameCipher.isSealed(fragment, fragmentOffset))
            {
                counters.get(EngineCounter.DROPPED_UNAUTHENTICATED).incrementRelease();
                return;
            }
        }
        lastHeardNs = nowNs;
        counters.get(EngineCounter.FRAMES_IN).incrementRelease();
        counters.get(EngineCounter.BYTES_IN).getAndAddRelease(length);
        try
        {
            switch (type)
            {
                case FrameType.CONNECT_ACCEPT:
                    onAccept(buffer, offset, length);
                    break;
                case FrameType.CONNECT_REJECT:
                    onReject(buffer, offset, length);
                    break;
                case FrameType.LANE_BOUND:
                    onLaneBound();
                    break;
                case FrameType.PING:
                    pingFlyweight.wrap(buffer, offset, length);
                    sendPing(FrameType.PONG, pingFlyweight.originTimeNs());
                    break;
                case FrameType.PONG:
                    pingFlyweight.wrap(buffer, offset, length);
                    onPong(pingFlyweight.originTimeNs());
                    break;
                case FrameType.DISCONNECT:
                    disconnectFlyweight.wrap(buffer, offset, length);
                    onDisconnectFrame(DisconnectReason.get(disconnectFlyweight.reason()));
                    break;
                case FrameType.JOIN_RESULT:
                    onJoinResult(buffer, offset, length);
                    break;
                case FrameType.LEFT_ROOM:
                    leftRoomFlyweight.wrap(buffer, offset, length);
                    onLeftRoom(leftRoomFlyweight.roomId(), LeaveReason.get(leftRoomFlyweight.reason()));
                    break;
                case FrameType.ROOM_EVENT:
                    onRoomEvent(buffer, offset, length);
                    break;
                case FrameType.RESYNC:
                    onResync(buffer, offset, length);
                    break;
                default:
                    counters.get(EngineCounter.DROPPED_UNKNOWN_TYPE).incrementRelease();
                    break;
            }
        }
        catch (final Throwable t)
        {
            onError(t);
        }
    }

    private void onDisconnectFrame(final DisconnectReason reason)
    {
        if (state == ClientState.CONNECTED || state == ClientState.BINDING_LANES ||
            state == ClientState.SENDING_CONNECT_REQUEST)
        {
            connectionLost(reason);
        }
    }

    private void onPong(final long originTimeNs)
    {
        final long sample = nowNs - originTimeNs;
        if (sample < 0)
        {
            return;
        }
        if (0 == rttNs)
        {
            rttNs = sample;
            rttJitterNs = sample / 2;
        }
        else
        {
            rttJitterNs += (Math.abs(sample - rttNs) - rttJitterNs) / 4;
            rttNs += (sample - rttNs) / 8;
        }
    }

    private void onJoinResult(final DirectBuffer buffer, final int offset, final int length)
    {
        final JoinResultFlyweight result = joinResultFlyweight;
        result.wrap(buffer, offset, length);
        final int roomId = result.roomId();
        if (result.status() == JoinResultFlyweight.JOINED)
        {
            if (!inboxes.containsKey(roomId) && roomId != 0)
            {
                final long nextSeq = result.nextSeq();
                inboxes.put(roomId, new RoomInbox(roomId, nextSeq, ctx.maxHeldEvents));
                listener.onJoined(roomId, nextSeq);
            }
        }
        else
        {
            listener.onJoinFailed(roomId, result.requestId(), result.status());
        }
    }

    private void onLeftRoom(final int roomId, final LeaveReason reason)
    {
        snapshotReceiver.removeRoom(roomId);
        if (null != inboxes.remove(roomId))
        {
            listener.onLeft(roomId, reason);
        }
    }

    private void onRoomEvent(final DirectBuffer buffer, final int offset, final int length)
    {
        final RoomEventFlyweight event = eventFlyweight;
        event.wrap(buffer, offset, length);
        final RoomInbox inbox = inboxes.get(event.roomId());
        if (null == inbox)
        {
            counters.get(EngineCounter.DROPPED_UNKNOWN_TYPE).incrementRelease();
            return;
        }
        final long seq = event.seq();
        if ((event.flags() & io.skirmish.engine.protocol.FrameHeaderFlyweight.FLAG_REPLAY) != 0)
        {
            counters.get(EngineCounter.EVENTS_REPLAYED).incrementRelease();
        }
        if (seq < inbox.nextExpected)
        {
            counters.get(EngineCounter.DUPLICATES_DROPPED).incrementRelease();
            return;
        }
        if (seq == inbox.nextExpected)
        {
            deliver(inbox, buffer, offset, length);
            drainHeld(inbox);
            return;
        }

        if (inbox.canHold(seq))
        {
            inbox.hold(seq, buffer, offset, length);
        }
        if (inbox.requestedFrom != inbox.nextExpected || nowNs - inbox.lastRequestNs >= ctx.replayRequestTimeoutNs)
        {
            if (inbox.requestedFrom != inbox.nextExpected)
            {
                counters.get(EngineCounter.GAPS_DETECTED).incrementRelease();
            }
            requestReplay(inbox, seq - 1);
        }
    }

    private void drainHeld(final RoomInbox inbox)
    {
        while (inbox.heldCount() > 0 && inbox.isHeld(inbox.nextExpected))
        {
            final long seq = inbox.nextExpected;
            final DirectBuffer frame = inbox.heldFrame(seq);
            final int frameLength = inbox.heldLength(seq);
            inbox.release(seq);
            deliver(inbox, frame, 0, frameLength);
        }
    }

    private void deliver(final RoomInbox inbox, final DirectBuffer buffer, final int offset, final int length)
    {
        final RoomEventFlyweight event = eventFlyweight;
        event.wrap(buffer, offset, length);
        final long seq = event.seq();
        inbox.nextExpected = seq + 1;
        final int flags = event.flags();
        final int roomId = inbox.roomId;
        final int typeId = event.typeId();
        final int sender = event.senderSessionId();
        final int payloadOffset = offset + RoomEventFlyweight.PAYLOAD_OFFSET;
        final int payloadLength = event.payloadLength();

        if ((flags & FLAG_EXCEPT_SENDER) != 0 && payloadLength == 0)
        {
            return;
        }
        counters.get(EngineCounter.EVENTS_DELIVERED).incrementRelease();
        try
        {
            if ((flags & FLAG_SYSTEM) != 0)
            {
                if (payloadLength >= SystemEvent.PAYLOAD_LENGTH)
                {
                    final int member = buffer.getInt(payloadOffset, LITTLE_ENDIAN);
                    if (typeId == SystemEvent.MEMBER_JOINED)
                    {
                        listener.onMemberJoined(roomId, seq, member);
                    }
                    else if (typeId == SystemEvent.MEMBER_LEFT)
                    {
                        listener.onMemberLeft(
                            roomId, seq, member, LeaveReason.get(buffer.getInt(payloadOffset + 4, LITTLE_ENDIAN)));
                    }
                }
            }
            else if ((flags & FLAG_KRYO) != 0)
            {
                final Object message = codec.decode(typeId, buffer, payloadOffset, payloadLength);
                if (null == message)
                {
                    counters.get(EngineCounter.DROPPED_UNDECODABLE).incrementRelease();
                    return;
                }
                final ClientMessageHandler<Object> handler = handlers.get(typeId);
                if (null != handler)
                {
                    handler.onMessage(roomId, sender, message);
                }
                else
                {
                    listener.onEvent(roomId, seq, sender, message);
                }
            }
            else
            {
                listener.onEvent(roomId, seq, sender, typeId, buffer, payloadOffset, payloadLength);
            }
        }
        catch (final Throwable t)
        {
            onError(t);
        }
    }

    private void onResync(final DirectBuffer buffer, final int offset, final int length)
    {
        final RoomEventFlyweight event = eventFlyweight;
        event.wrap(buffer, offset, length);
        final RoomInbox inbox = inboxes.get(event.roomId());
        if (null == inbox)
        {
            return;
        }
        final long seq = event.seq();
        if (seq < inbox.nextExpected - 1)
        {
            return;
        }
        counters.get(EngineCounter.RESYNCS).incrementRelease();
        inbox.nextExpected = seq + 1;
        inbox.releaseUpTo(seq);
        inbox.requestedFrom = -1;
        listener.onResync(
            inbox.roomId, seq, buffer, offset + RoomEventFlyweight.PAYLOAD_OFFSET, event.payloadLength());
        drainHeld(inbox);
    }

    private void requestReplay(final RoomInbox inbox, final long toSeq)
    {
        replayRequestFlyweight.wrapForEncode(sendBuffer, 0, FrameType.REPLAY_REQUEST, sessionId);
        replayRequestFlyweight.roomId(inbox.roomId).fromSeq(inbox.nextExpected).toSeq(Math.max(toSeq, inbox.nextExpected));
        if (offer(controlPublication, sendBuffer, 0, ReplayRequestFlyweight.LENGTH) > 0)
        {
            inbox.requestedFrom = inbox.nextExpected;
            inbox.lastRequestNs = nowNs;
        }
    }

    private long sendEventAck(final int roomId, final long seq)
    {
        eventAckFlyweight.wrapForEncode(sendBuffer, 0, FrameType.EVENT_ACK, sessionId);
        eventAckFlyweight.roomId(roomId).seq(seq);
        return offer(controlPublication, sendBuffer, 0, EventAckFlyweight.LENGTH);
    }

    private void sendPing(final int type, final long originTimeNs)
    {
        pingFlyweight.wrapForEncode(sendBuffer, 0, type, sessionId);
        pingFlyweight.originTimeNs(originTimeNs);
        offer(controlPublication, sendBuffer, 0, PingFlyweight.LENGTH);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Snapshot lane
    // ------------------------------------------------------------------------------------------------------------

    private void onSnapshotFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final boolean unfragmented = (header.flags() & FrameDescriptor.UNFRAGMENTED) == FrameDescriptor.UNFRAGMENTED;
        if (null != frameKey)
        {
            final int frameLength = unfragmented ? frameCipher.open(
                frameKey, FrameCipher.SERVER_SNAPSHOT_LANE, lastSnapshotCounterIn, buffer, offset, length) : -1;
            if (frameLength < 0)
            {
                counters.get(EngineCounter.DROPPED_UNAUTHENTICATED).incrementRelease();
                return;
            }
            lastSnapshotCounterIn = frameCipher.openedCounter();
            snapshotReceiver.onFrame(frameCipher.opened(), 0, frameLength, true);
        }
        else if (length >= FrameHeaderFlyweight.HEADER_LENGTH && FrameCipher.isSealed(buffer, offset))
        {
            counters.get(EngineCounter.DROPPED_UNAUTHENTICATED).incrementRelease();
        }
        else
        {
            snapshotReceiver.onFrame(buffer, offset, length, unfragmented);
        }
    }

    private int sendSnapshotAcks(final long nowNs)
    {
        final int length = snapshotReceiver.prepareAcks(sessionId, nowNs);
        if (0 == length)
        {
            return 0;
        }
        final long result = offer(inputPublication, snapshotReceiver.ackBuffer(), 0, length);
        if (result > 0)
        {
            snapshotReceiver.onAcksSent();
            return 1;
        }
        snapshotReceiver.onAcksNotSent(result);
        return 0;
    }

    SnapshotReceiver snapshotReceiver()
    {
        return snapshotReceiver;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Sending
    // ------------------------------------------------------------------------------------------------------------

    private long offer(
        final ExclusivePublication publication, final UnsafeBuffer buffer, final int offset, final int frameLength)
    {
        if (null == publication)
        {
            return SendResult.NOT_CONNECTED;
        }
        final boolean input = publication == inputPublication;
        DirectBuffer frame = buffer;
        int frameOffset = offset;
        final int length;
        if (null != frameKey)
        {
            length = frameCipher.seal(
                frameKey,
                input ? FrameCipher.CLIENT_INPUT_LANE : FrameCipher.CLIENT_CONTROL_LANE,
                input ? ++inputCounter : ++controlCounter,
                buffer, offset, frameLength);
            frame = frameCipher.sealed();
            frameOffset = 0;
        }
        else
        {
            length = !authenticated ? frameLength :
                AuthTrailer.append(keyK0, keyK1, buffer, offset, frameLength, input ? ++inputCounter : ++controlCounter);
        }
        long result;
        int attempts = 0;
        do
        {
            result = publication.offer(frame, frameOffset, length);
        }
        while (result == SendResult.ADMIN_ACTION && ++attempts < 3);
        if (result > 0)
        {
            counters.get(EngineCounter.FRAMES_OUT).incrementRelease();
            counters.get(EngineCounter.BYTES_OUT).getAndAddRelease(length);
        }
        return result;
    }

    long offerFrameForTest(final DirectBuffer buffer, final int offset, final int length, final boolean inputLane)
    {
        final ExclusivePublication publication = inputLane ? inputPublication : controlPublication;
        return null == publication ? SendResult.NOT_CONNECTED : publication.offer(buffer, offset, length);
    }

    private long offerReliable(final int length)
    {
        if (state != ClientState.CONNECTED)
        {
            return SendResult.NOT_CONNECTED_SESSION;
        }
        final long result = offer(controlPublication, sendBuffer, 0, length);
        if (result < 0)
        {
            counters.get(EngineCounter.RELIABLE_SEND_FAILED).incrementRelease();
        }
        return result;
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
        final MessageFlyweight message = messageFlyweight;
        message.wrapForEncode(sendBuffer, 0, FrameType.MESSAGE, sessionId);
        message.flags(flags);
        message.seq(messageSeq + 1).typeId(typeId);
        sendBuffer.putBytes(MessageFlyweight.PAYLOAD_OFFSET, buffer, offset, length);
        final long result = offerReliable(MessageFlyweight.PAYLOAD_OFFSET + length);
        if (result > 0)
        {
            messageSeq++;
        }
        return result;
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
        final int requestId = nextRequestId++;
        roomRequestFlyweight.wrapForEncode(sendBuffer, 0, FrameType.JOIN_REQUEST, sessionId);
        roomRequestFlyweight.roomId(roomId).requestId(requestId);
        if (length > 0)
        {
            sendBuffer.putBytes(RoomRequestFlyweight.PAYLOAD_OFFSET, buffer, offset, length);
        }
        final long result = offerReliable(RoomRequestFlyweight.PAYLOAD_OFFSET + length);
        return result > 0 ? requestId : result;
    }

    long leaveRequest(final int roomId)
    {
        roomRequestFlyweight.wrapForEncode(sendBuffer, 0, FrameType.LEAVE_REQUEST, sessionId);
        roomRequestFlyweight.roomId(roomId).requestId(nextRequestId++);
        return offerReliable(RoomRequestFlyweight.PAYLOAD_OFFSET);
    }

    long emit(
        final int roomId, final int typeId, final int flags, final DirectBuffer buffer, final int offset, final int length)
    {
        if (length > maxMessageLength || length < 0)
        {
            return SendResult.MESSAGE_TOO_LARGE;
        }
        if (!inboxes.containsKey(roomId) || roomId == 0)
        {
            return SendResult.NOT_MEMBER;
        }
        final RoomEventFlyweight event = eventFlyweight;
        event.wrapForEncode(sendBuffer, 0, FrameType.ROOM_EMIT, sessionId);
        event.flags(flags);
        event.roomId(roomId).typeId(typeId).seq(emitSeq + 1).senderSessionId(sessionId);
        sendBuffer.putBytes(RoomEventFlyweight.PAYLOAD_OFFSET, buffer, offset, length);
        final long result = offerReliable(RoomEventFlyweight.PAYLOAD_OFFSET + length);
        if (result > 0)
        {
            emitSeq++;
        }
        return result;
    }

    long emitObject(final int roomId, final Object message, final boolean exceptSelf)
    {
        final long length = codec.encodeTo(message, kryoBuffer);
        return length < 0 ? length : emit(roomId, codec.registry().typeId(message.getClass()),
            FLAG_KRYO | (exceptSelf ? FLAG_EXCEPT_SENDER : 0), kryoBuffer, 0, (int)length);
    }

    long sendInput(final long inputTick, final DirectBuffer buffer, final int offset, final int length)
    {
        if (length > ctx.maxInputLength || length < 0)
        {
            return SendResult.MESSAGE_TOO_LARGE;
        }
        if (inputTick <= lastInputTick && lastInputTick != Long.MIN_VALUE)
        {
            throw new IllegalArgumentException("input ticks must increase: " + inputTick + " after " + lastInputTick);
        }
        lastInputTick = inputTick;
        final int slots = inputTicks.length;
        final int slot = (int)Math.floorMod(inputTick, (long)slots);
        inputTicks[slot] = inputTick;
        inputLengths[slot] = length;
        inputs[slot].putBytes(0, buffer, offset, length);

        if (state != ClientState.CONNECTED)
        {
            return SendResult.NOT_CONNECTED_SESSION;
        }
        final int trailer = null != frameKey ? FrameCipher.TRAILER_LENGTH : authenticated ? AuthTrailer.LENGTH : 0;
        final int maxLength = inputPublication.maxPayloadLength() - trailer;
        int count = 0;
        int total = InputFlyweight.ENTRIES_OFFSET;
        for (long tick = inputTick; count < slots; tick--, count++)
        {
            final int s = (int)Math.floorMod(tick, (long)slots);
            if (inputTicks[s] != tick || total + InputFlyweight.ENTRY_HEADER_LENGTH + inputLengths[s] > maxLength)
            {
                break;
            }
            total += InputFlyweight.ENTRY_HEADER_LENGTH + inputLengths[s];
        }

        long result;
        int attempts = 0;
        do
        {
            result = inputPublication.tryClaim(total + trailer, bufferClaim);
        }
        while (result == SendResult.ADMIN_ACTION && ++attempts < 3);
        if (result < 0)
        {
            counters.get(EngineCounter.UNRELIABLE_SEND_DROPPED).incrementRelease();
            return result;
        }
        final MutableDirectBuffer claimed = bufferClaim.buffer();
        final int claimOffset = bufferClaim.offset();
        inputFlyweight.wrapForEncode(claimed, claimOffset, FrameType.INPUT, sessionId);
        inputFlyweight.ackTick(snapshotReceiver.lastAckTick()).newestInputTick(inputTick).count(count)
            .ackRoomId(snapshotReceiver.lastAckRoomId());
        int position = claimOffset + InputFlyweight.ENTRIES_OFFSET;
        for (int i = 0; i < count; i++)
        {
            final int s = (int)Math.floorMod(inputTick - i, (long)slots);
            final int entryLength = inputLengths[s];
            claimed.putShort(position, (short)entryLength, LITTLE_ENDIAN);
            claimed.putBytes(position + InputFlyweight.ENTRY_HEADER_LENGTH, inputs[s], 0, entryLength);
            position += InputFlyweight.ENTRY_HEADER_LENGTH + entryLength;
        }
        if (null != frameKey)
        {
            frameCipher.sealInPlace(frameKey, FrameCipher.CLIENT_INPUT_LANE, ++inputCounter, claimed, claimOffset, total);
        }
        else if (authenticated)
        {
            AuthTrailer.append(keyK0, keyK1, claimed, claimOffset, total, ++inputCounter);
        }
        bufferClaim.commit();
        counters.get(EngineCounter.FRAMES_OUT).incrementRelease();
        counters.get(EngineCounter.BYTES_OUT).getAndAddRelease(total);
        return result;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Lifecycle
    // ------------------------------------------------------------------------------------------------------------

    private boolean aborted;

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
            null != controlPublication)
        {
            disconnectFlyweight.wrapForEncode(sendBuffer, 0, FrameType.DISCONNECT, sessionId);
            disconnectFlyweight.reason(DisconnectReason.CLIENT_CLOSED.code());
            offer(controlPublication, sendBuffer, 0, DisconnectFlyweight.LENGTH);
            transport.flush(controlPublication, relay);
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
        CloseHelper.quietCloseAll(relay, counters);
        if (state.code() > 0)
        {
            disconnectReason = aborted ? DisconnectReason.TRANSPORT_LOST : DisconnectReason.CLIENT_CLOSED;
            state = ClientState.DISCONNECTED;
        }
    }
}
