package io.skirmish.engine;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.Subscription;
import io.aeron.exceptions.RegistrationException;
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
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.ArrayListUtil;
import org.agrona.collections.ArrayUtil;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static io.skirmish.engine.protocol.FrameHeaderFlyweight.FLAG_EXCEPT_SENDER;
import static io.skirmish.engine.protocol.FrameHeaderFlyweight.FLAG_KRYO;
import static io.skirmish.engine.protocol.FrameHeaderFlyweight.FLAG_REPLAY;
import static io.skirmish.engine.protocol.FrameHeaderFlyweight.FLAG_SYSTEM;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The server's single-writer duty cycle: owns every session, room and publication. Runs on an {@code AgentRunner}
 * thread or is invoked by {@link GameServer#poll()}.
 */
final class ServerConductor implements Agent, AutoCloseable
{
    private static final long HOUSEKEEPING_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final int PUMP_LIMIT = 64;
    private static final int MAX_INPUT_REDUNDANCY = 64;
    private static final long NO_REGISTRATION = -1;

    /** A client's lane (an Aeron image) and the per-client publication that answers it. */
    abstract static class Lane
    {
        final Image image;
        final long createdNs;
        long publicationRegistrationId = NO_REGISTRATION;
        ExclusivePublication publication;
        Session session;
        boolean closed;
        long lastCounter;

        Lane(final Image image, final long createdNs)
        {
            this.image = image;
            this.createdNs = createdNs;
        }
    }

    /** A client's reliable request lane and the server's per-client event publication answering it. */
    static final class Connection extends Lane
    {
        UnsafeBuffer pendingRequest;
        int pendingRequestLength;

        Connection(final Image image, final long createdNs)
        {
            super(image, createdNs);
        }
    }

    /** A client's unreliable input lane and the server's per-client snapshot publication answering it. */
    static final class InputLink extends Lane
    {
        InputLink(final Image image, final long createdNs)
        {
            super(image, createdNs);
        }
    }

    private final GameServer.Context ctx;
    private final Transport transport;
    private final Aeron aeron;
    private final Counters counters;
    private final ServerProxy proxy;
    private final NanoClock clock;
    private final ServerListener listener;
    private final KryoCodec codec;
    private final SecureRandom secureRandom = new SecureRandom();
    private final FrameCipher frameCipher;
    private final String bindHost;
    private final ConnectTokens tokens;
    private final String[] publicAddresses;
    private final org.agrona.collections.Long2LongHashMap usedTokenNonces = new org.agrona.collections.Long2LongHashMap(0);
    private long nextNoncePurgeNs;
    private long verifiedKeyK0;
    private long verifiedKeyK1;

    private final Subscription controlSubscription;
    private final Subscription inputSubscription;
    private final ExclusivePublication prototypeEventsPublication;
    private final ExclusivePublication prototypeSnapshotPublication;
    private final BoundedFragmentAssembler controlAssembler;
    private final io.aeron.logbuffer.FragmentHandler inputHandler = this::onInputFragment;
    private final org.agrona.concurrent.MessageHandler proxyHandler = this::onProxyMessage;
    private final OneToOneConcurrentArrayQueue<Image> availableImages = new OneToOneConcurrentArrayQueue<>(4096);
    private final OneToOneConcurrentArrayQueue<Image> unavailableImages = new OneToOneConcurrentArrayQueue<>(4096);

    private final Int2ObjectHashMap<Connection> connectionByImageSession = new Int2ObjectHashMap<>();
    private final Int2ObjectHashMap<InputLink> inputLinkByImageSession = new Int2ObjectHashMap<>();
    private final ArrayList<Connection> pendingConnections = new ArrayList<>();
    private final ArrayList<InputLink> pendingInputLinks = new ArrayList<>();
    private final Int2ObjectHashMap<Session> sessionById = new Int2ObjectHashMap<>();
    private Session[] sessions = new Session[0];
    private final ArrayList<Session> bindingSessions = new ArrayList<>();
    private final ArrayList<Session> outboxSessions = new ArrayList<>();
    private final ArrayList<Membership> behindMembers = new ArrayList<>();
    private final Int2ObjectHashMap<Room> roomById = new Int2ObjectHashMap<>();
    private Room[] rooms = new Room[0];
    private Room[] tickingRooms = new Room[0];

    private volatile Int2ObjectHashMap<MessageHandler<Object>> messageHandlers = new Int2ObjectHashMap<>();
    private volatile Int2ObjectHashMap<EmitHandler<Object>> emitHandlers = new Int2ObjectHashMap<>();

    private final UnsafeBuffer sendBuffer;
    private final UnsafeBuffer kryoScratch;
    private final UnsafeBuffer controlBuffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(256, 64));
    private final UnsafeBuffer stubBuffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(64, 64));
    private final FrameHeaderFlyweight headerFlyweight = new FrameHeaderFlyweight();
    private final ConnectRequestFlyweight connectRequestFlyweight = new ConnectRequestFlyweight();
    private final ConnectAcceptFlyweight connectAcceptFlyweight = new ConnectAcceptFlyweight();
    private final ConnectRejectFlyweight connectRejectFlyweight = new ConnectRejectFlyweight();
    private final LaneBindFlyweight laneBindFlyweight = new LaneBindFlyweight();
    private final PingFlyweight pingFlyweight = new PingFlyweight();
    private final DisconnectFlyweight disconnectFlyweight = new DisconnectFlyweight();
    private final MessageFlyweight messageFlyweight = new MessageFlyweight();
    private final RoomEventFlyweight roomEventFlyweight = new RoomEventFlyweight();
    private final RoomEventFlyweight outEventFlyweight = new RoomEventFlyweight();
    private final RoomRequestFlyweight roomRequestFlyweight = new RoomRequestFlyweight();
    private final JoinResultFlyweight joinResultFlyweight = new JoinResultFlyweight();
    private final LeftRoomFlyweight leftRoomFlyweight = new LeftRoomFlyweight();
    private final ReplayRequestFlyweight replayRequestFlyweight = new ReplayRequestFlyweight();
    private final EventAckFlyweight eventAckFlyweight = new EventAckFlyweight();
    private final InputFlyweight inputFlyweight = new InputFlyweight();
    private final ConnectRequest connectRequest = new ConnectRequest();
    private final UnsafeBuffer payloadView = new UnsafeBuffer(0, 0);
    private final int[] inputEntryOffsets = new int[MAX_INPUT_REDUNDANCY];
    private final int[] inputEntryLengths = new int[MAX_INPUT_REDUNDANCY];

    private final AtomicCounter framesIn;
    private final AtomicCounter framesOut;
    private final AtomicCounter bytesIn;
    private final AtomicCounter bytesOut;
    private final AtomicCounter sessionsActive;
    private final AtomicCounter roomsActive;

    private GameServer server;
    private Thread conductorThread;
    private boolean started;
    private boolean closed;
    private long nowNs;
    private long nextHousekeepingNs;
    private int nextSessionId = 1;
    private final int maxFrameLength;

    ServerConductor(final GameServer.Context ctx, final Transport transport)
    {
        this.ctx = ctx;
        this.transport = transport;
        this.aeron = transport.aeron();
        this.clock = ctx.nanoClock;
        this.listener = ctx.listener;
        this.bindHost = ctx.bindAddress;
        this.tokens = null == ctx.connectTokenSecret ? null : new ConnectTokens(ctx.connectTokenSecret);
        this.publicAddresses = ctx.publicAddresses;
        this.counters = new Counters(aeron, true, "skirmish-server " + ctx.port);
        this.proxy = new ServerProxy(1024 * 1024, 4096);
        this.codec = new KryoCodec(ctx.messageRegistry, ctx.maxMessageLength);
        this.maxFrameLength = RoomEventFlyweight.PAYLOAD_OFFSET + ctx.maxMessageLength;
        this.frameCipher = new FrameCipher(Math.max(maxFrameLength, ctx.mtuLength));
        this.kryoScratch = new UnsafeBuffer(new byte[ctx.maxMessageLength]);
        this.sendBuffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            Math.max(maxFrameLength, ctx.maxSnapshotLength) + 64, 64));
        this.framesIn = counters.get(EngineCounter.FRAMES_IN);
        this.framesOut = counters.get(EngineCounter.FRAMES_OUT);
        this.bytesIn = counters.get(EngineCounter.BYTES_IN);
        this.bytesOut = counters.get(EngineCounter.BYTES_OUT);
        this.sessionsActive = counters.get(EngineCounter.SESSIONS_ACTIVE);
        this.roomsActive = counters.get(EngineCounter.ROOMS_ACTIVE);
        this.controlAssembler = new BoundedFragmentAssembler(
            this::onControlFragment, maxFrameLength + FrameCipher.TRAILER_LENGTH, this::onOversizeMessage);
        this.nowNs = clock.nanoTime();
        this.nextHousekeepingNs = nowNs;

        Subscription control = null;
        Subscription input = null;
        ExclusivePublication prototypeEvents = null;
        ExclusivePublication prototypeSnapshot = null;
        try
        {
            control = aeron.addSubscription(
                Lanes.serverRequestSubscription(bindHost, ctx.port, true),
                Lanes.CONTROL_STREAM_ID,
                this::enqueueAvailableImage,
                this::enqueueUnavailableImage);
            input = aeron.addSubscription(
                Lanes.serverRequestSubscription(bindHost, ctx.port, false),
                Lanes.INPUT_STREAM_ID,
                this::enqueueAvailableImage,
                this::enqueueUnavailableImage);
            prototypeEvents = aeron.addExclusivePublication(
                Lanes.serverResponsePublication(bindHost, ctx.responsePort,
                    io.aeron.CommonContext.PROTOTYPE_CORRELATION_ID, ctx.reliableTermLength, ctx.mtuLength, true),
                Lanes.EVENTS_STREAM_ID);
            prototypeSnapshot = aeron.addExclusivePublication(
                Lanes.serverResponsePublication(bindHost, ctx.responsePort,
                    io.aeron.CommonContext.PROTOTYPE_CORRELATION_ID, ctx.unreliableTermLength, ctx.mtuLength, false),
                Lanes.SNAPSHOT_STREAM_ID);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(prototypeSnapshot, prototypeEvents, input, control, counters);
            throw ex;
        }
        this.controlSubscription = control;
        this.inputSubscription = input;
        this.prototypeEventsPublication = prototypeEvents;
        this.prototypeSnapshotPublication = prototypeSnapshot;
    }

    void server(final GameServer server)
    {
        this.server = server;
    }

    Counters counters()
    {
        return counters;
    }

    ServerProxy proxy()
    {
        return proxy;
    }

    public String roleName()
    {
        return "skirmish-server";
    }

    public void onStart()
    {
        conductorThread = Thread.currentThread();
    }

    void checkThread()
    {
        final Thread thread = conductorThread;
        if (null != thread && thread != Thread.currentThread())
        {
            throw new IllegalStateException(
                "GameServer methods must be called on the conductor thread (" + thread.getName() +
                "); use GameServer.proxy() from other threads");
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Duty cycle
    // ------------------------------------------------------------------------------------------------------------

    public int doWork()
    {
        if (!started)
        {
            started = true;
            if (null == conductorThread)
            {
                conductorThread = Thread.currentThread();
            }
            if (null != server)
            {
                guard(() -> listener.onStart(server));
            }
        }

        final long nowNs = clock.nanoTime();
        this.nowNs = nowNs;
        int workCount = transport.invoke();
        if (transport.isClosed())
        {
            return onTransportClosed();
        }
        workCount += drainProxy();
        workCount += processImageEvents(nowNs);
        workCount += processPendingLanes(nowNs);
        workCount += controlSubscription.poll(controlAssembler, ctx.fragmentLimit);
        workCount += inputSubscription.poll(inputHandler, ctx.fragmentLimit);
        workCount += flushOutboxes();
        workCount += pumpBehindMembers();
        if (tickingRooms.length > 0)
        {
            workCount += tickRooms(nowNs);
        }
        if (nowNs - nextHousekeepingNs >= 0)
        {
            nextHousekeepingNs = nowNs + HOUSEKEEPING_INTERVAL_NS;
            workCount += housekeeping(nowNs);
        }
        return workCount;
    }

    private void guard(final Runnable runnable)
    {
        try
        {
            runnable.run();
        }
        catch (final Throwable t)
        {
            onError(t);
        }
    }

    void onError(final Throwable t)
    {
        if (!transport.isClosed())
        {
            counters.get(EngineCounter.ERRORS).incrementRelease();
        }
        ctx.errorHandler.onError(t);
    }

    private int drainProxy()
    {
        int work = proxy.ringBuffer().read(proxyHandler, 64);
        Runnable task;
        while (work < 128 && null != (task = proxy.tasks().poll()))
        {
            try
            {
                task.run();
            }
            catch (final Throwable t)
            {
                onError(t);
            }
            work++;
        }
        return work;
    }

    private void onProxyMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        final int id = buffer.getInt(index);
        final int typeId = buffer.getInt(index + 4);
        final int except = buffer.getInt(index + 8);
        final int payloadLength = buffer.getInt(index + 12);
        final int payloadOffset = index + ServerProxy.HEADER_LENGTH;
        if (ServerProxy.SEND_DIRECT == msgTypeId)
        {
            final Session session = sessionById.get(id);
            if (null != session)
            {
                sendDirect(session, typeId, 0, buffer, payloadOffset, payloadLength);
            }
        }
        else if (ServerProxy.BROADCAST == msgTypeId)
        {
            final Room room = roomById.get(id);
            if (null != room)
            {
                broadcast(room, typeId, 0, buffer, payloadOffset, payloadLength, 0, except);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Images and lanes
    // ------------------------------------------------------------------------------------------------------------

    private void enqueueAvailableImage(final Image image)
    {
        if (!availableImages.offer(image))
        {
            rejectImage(image, "server busy");
        }
    }

    private void enqueueUnavailableImage(final Image image)
    {
        while (!unavailableImages.offer(image))
        {
            Thread.onSpinWait();
        }
    }

    private int processImageEvents(final long nowNs)
    {
        int work = 0;
        Image image;
        while (null != (image = availableImages.poll()))
        {
            work++;
            if (image.subscription() == controlSubscription)
            {
                connectionFor(image);
            }
            else
            {
                inputLinkFor(image);
            }
        }
        while (null != (image = unavailableImages.poll()))
        {
            work++;
            if (image.subscription() == controlSubscription)
            {
                final Connection connection = connectionByImageSession.get(image.sessionId());
                if (null != connection && connection.image.correlationId() == image.correlationId())
                {
                    connectionByImageSession.remove(image.sessionId());
                    controlAssembler.freeSessionBuffer(image.sessionId());
                    onConnectionLost(connection);
                }
            }
            else
            {
                final InputLink link = inputLinkByImageSession.get(image.sessionId());
                if (null != link && link.image.correlationId() == image.correlationId())
                {
                    inputLinkByImageSession.remove(image.sessionId());
                    closeInputLink(link);
                }
            }
        }
        return work;
    }

    private Connection connectionFor(final Image image)
    {
        Connection connection = connectionByImageSession.get(image.sessionId());
        if (null == connection || connection.image.correlationId() != image.correlationId())
        {
            connection = new Connection(image, nowNs);
            connectionByImageSession.put(image.sessionId(), connection);
            pendingConnections.add(connection);
        }
        return connection;
    }

    private InputLink inputLinkFor(final Image image)
    {
        InputLink link = inputLinkByImageSession.get(image.sessionId());
        if (null == link || link.image.correlationId() != image.correlationId())
        {
            link = new InputLink(image, nowNs);
            inputLinkByImageSession.put(image.sessionId(), link);
            pendingInputLinks.add(link);
        }
        return link;
    }

    /**
     * Answering publications are created only once a lane has proven it speaks the protocol (a well-formed
     * CONNECT_REQUEST, a LANE_BIND from a live session): junk images cost no log buffers.
     */
    private void addResponsePublication(final Connection connection)
    {
        addResponsePublication(connection, ctx.reliableTermLength, true, Lanes.EVENTS_STREAM_ID);
    }

    private void addResponsePublication(final InputLink link)
    {
        addResponsePublication(link, ctx.unreliableTermLength, false, Lanes.SNAPSHOT_STREAM_ID);
    }

    private void addResponsePublication(
        final Lane lane, final int termLength, final boolean linger, final int streamId)
    {
        if (NO_REGISTRATION == lane.publicationRegistrationId)
        {
            lane.publicationRegistrationId = aeron.asyncAddExclusivePublication(
                Lanes.serverResponsePublication(bindHost, ctx.responsePort,
                    Long.toString(lane.image.correlationId()), termLength, ctx.mtuLength, linger),
                streamId);
        }
    }

    /**
     * Refuse an image; it may already be gone, in which case Aeron throws and there is nothing left to refuse.
     */
    private void rejectImage(final Image image, final String reason)
    {
        try
        {
            if (!image.isClosed())
            {
                image.reject(reason);
            }
        }
        catch (final RuntimeException ignore)
        {
            // the image went away between the check and the reject
        }
    }

    private boolean isRejectedImage(final RegistrationException ex)
    {
        final String message = ex.getMessage();
        return null != message && message.contains("did not request a response channel");
    }

    private static final int LANE_DROPPED = -1;
    private static final int LANE_WAITING = 0;
    private static final int LANE_READY = 1;

    private int processPendingLanes(final long nowNs)
    {
        int work = 0;
        for (int i = pendingConnections.size() - 1; i >= 0; i--)
        {
            final Connection connection = pendingConnections.get(i);
            final int status = resolvePublication(connection, nowNs, "skirmish: handshake timed out");
            if (LANE_DROPPED == status)
            {
                ArrayListUtil.fastUnorderedRemove(pendingConnections, i);
            }
            else if (LANE_READY == status)
            {
                if (connection.pendingRequestLength > 0 && connection.publication.isConnected())
                {
                    final int length = connection.pendingRequestLength;
                    connection.pendingRequestLength = 0;
                    processConnectRequest(connection, connection.pendingRequest, 0, length);
                    work++;
                }
                if (null != connection.session)
                {
                    ArrayListUtil.fastUnorderedRemove(pendingConnections, i);
                }
            }
        }

        for (int i = pendingInputLinks.size() - 1; i >= 0; i--)
        {
            final InputLink link = pendingInputLinks.get(i);
            final int status = resolvePublication(link, nowNs, "skirmish: lane bind timed out");
            if (LANE_DROPPED == status)
            {
                ArrayListUtil.fastUnorderedRemove(pendingInputLinks, i);
            }
            else if (LANE_READY == status && null != link.session)
            {
                ArrayListUtil.fastUnorderedRemove(pendingInputLinks, i);
                tryCompleteBinding(link.session);
                work++;
            }
        }
        return work;
    }

    /**
     * Resolve the answering publication of a lane still in its handshake; drop the lane when the publication
     * failed, when it was closed, or when no session claimed it within the connect timeout. A publication still
     * registering is waited for, so it can be closed rather than leaked.
     *
     * @return {@link #LANE_READY}, {@link #LANE_WAITING} or {@link #LANE_DROPPED}.
     */
    private int resolvePublication(final Lane lane, final long nowNs, final String timeoutReason)
    {
        if (null == lane.publication && NO_REGISTRATION != lane.publicationRegistrationId)
        {
            try
            {
                lane.publication = aeron.getExclusivePublication(lane.publicationRegistrationId);
            }
            catch (final RegistrationException ex)
            {
                if (isRejectedImage(ex))
                {
                    counters.get(EngineCounter.DROPPED_UNAUTHENTICATED).incrementRelease();
                }
                else
                {
                    onError(ex);
                }
                lane.closed = true;
                rejectImage(lane.image, "skirmish: no response channel");
                return LANE_DROPPED;
            }
        }

        if (!lane.closed && null == lane.session && nowNs - lane.createdNs > ctx.connectTimeoutNs)
        {
            lane.closed = true;
            rejectImage(lane.image, timeoutReason);
        }
        if (lane.closed)
        {
            if (null == lane.publication && NO_REGISTRATION != lane.publicationRegistrationId)
            {
                return LANE_WAITING;
            }
            CloseHelper.quietClose(lane.publication);
            return LANE_DROPPED;
        }
        return null == lane.publication ? LANE_WAITING : LANE_READY;
    }

    private void onOversizeMessage(final Header header)
    {
        counters.get(EngineCounter.DROPPED_OVERSIZE).incrementRelease();
        final Connection connection = connectionByImageSession.get(header.sessionId());
        onViolation(null == connection ? null : connection.session);
    }

    private void onConnectionLost(final Connection connection)
    {
        final Session session = connection.session;
        connection.closed = true;
        if (null != connection.publication)
        {
            CloseHelper.quietClose(connection.publication);
        }
        if (null != session && session.connection == connection)
        {
            onSessionLost(session, DisconnectReason.TRANSPORT_LOST);
        }
    }

    private void closeInputLink(final InputLink link)
    {
        link.closed = true;
        if (null != link.publication)
        {
            CloseHelper.quietClose(link.publication);
        }
        final Session session = link.session;
        if (null != session && session.inputLink == link)
        {
            session.inputLink = null;
        }
        link.session = null;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Control (reliable) lane
    // ------------------------------------------------------------------------------------------------------------

    private void onControlFragment(
        final DirectBuffer buffer, final int offset, final int fragmentLength, final Header header)
    {
        final Connection connection = connectionFor((Image)header.context());
        if (connection.closed)
        {
            counters.get(EngineCounter.DROPPED_UNAUTHENTICATED).incrementRelease();
            return;
        }
        final Session session = connection.session;
        final int length = frameLength(buffer, offset, fragmentLength);
        if (!isValidFrame(buffer, offset, length, session))
        {
            return;
        }

        final int type = buffer.getByte(offset + FrameHeaderFlyweight.TYPE_OFFSET) & 0xFF;
        try
        {
            if (FrameType.CONNECT_REQUEST == type)
            {
                onConnectRequestFrame(connection, buffer, offset, fragmentLength);
                return;
            }

            if (null == session || session.connection != connection ||
                buffer.getInt(offset + FrameHeaderFlyweight.SESSION_ID_OFFSET, LITTLE_ENDIAN) != session.sessionId)
            {
                counters.get(EngineCounter.DROPPED_UNAUTHENTICATED).incrementRelease();
                return;
            }
            final DirectBuffer frame = authenticate(
                session, connection, FrameCipher.CLIENT_CONTROL_LANE, buffer, offset, fragmentLength);
            if (null == frame)
            {
                return;
            }
            if (!withinRateLimit(session, type, length))
            {
                return;
            }

            session.lastHeardNs = nowNs;
            framesIn.incrementRelease();
            bytesIn.getAndAddRelease(length);
            onControlFrame(session, type, frame, frame == buffer ? offset : 0, length);
        }
        catch (final Throwable t)
        {
            onError(t);
        }
    }

    private void onControlFrame(
        final Session session, final int type, final DirectBuffer buffer, final int offset, final int length)
    {
        switch (type)
        {
            case FrameType.PING:
                pingFlyweight.wrap(buffer, offset, length);
                sendPing(session, FrameType.PONG, pingFlyweight.originTimeNs());
                break;

            case FrameType.PONG:
                pingFlyweight.wrap(buffer, offset, length);
                onPong(session, pingFlyweight.originTimeNs());
                break;

            case FrameType.DISCONNECT:
                disconnectFlyweight.wrap(buffer, offset, length);
                closeSession(session, DisconnectReason.CLIENT_CLOSED, false);
                break;

            case FrameType.MESSAGE:
                onClientMessage(session, buffer, offset, length);
                break;

            case FrameType.JOIN_REQUEST:
                onJoinRequest(session, buffer, offset, length);
                break;

            case FrameType.LEAVE_REQUEST:
                roomRequestFlyweight.wrap(buffer, offset, length);
                final Room room = roomById.get(roomRequestFlyweight.roomId());
                if (null != room)
                {
                    leave(room, session, LeaveReason.LEFT);
                }
                break;

            case FrameType.ROOM_EMIT:
                onEmit(session, buffer, offset, length);
                break;

            case FrameType.REPLAY_REQUEST:
                onReplayRequest(session, buffer, offset, length);
                break;

            case FrameType.EVENT_ACK:
                onEventAck(session, buffer, offset, length);
                break;

            default:
                counters.get(EngineCounter.DROPPED_UNKNOWN_TYPE).incrementRelease();
                onViolation(session);
                break;
        }
    }

    /**
     * With connect tokens, check the fragment's trailer under the session key and the lane's counter, and for an
     * encrypted session decrypt it; without tokens, pass. A failure is counted and the frame must be dropped.
     *
     * @return the buffer holding the plain frame: the given one (same offset), or the cipher's opened buffer
     * (offset 0); null when the frame must be dropped.
     */
    private DirectBuffer authenticate(
        final Session session,
        final Lane lane,
        final int laneId,
        final DirectBuffer buffer,
        final int offset,
        final int fragmentLength)
    {
        if (null == tokens)
        {
            return buffer;
        }
        final boolean sealed = isSealed(buffer, offset);
        if (null != session.frameKey)
        {
            if (sealed && frameCipher.open(
                session.frameKey, laneId, lane.lastCounter, buffer, offset, fragmentLength) >= 0)
            {
                lane.lastCounter = frameCipher.openedCounter();
                return frameCipher.opened();
            }
        }
        else if (!sealed)
        {
            final long counter = AuthTrailer.verify(
                session.keyK0, session.keyK1, buffer, offset, fragmentLength, lane.lastCounter);
            if (counter >= 0)
            {
                lane.lastCounter = counter;
                return buffer;
            }
        }
        counters.get(EngineCounter.DROPPED_UNAUTHENTICATED).incrementRelease();
        return null;
    }

    /**
     * A client frame sealed under the connection's key: the flag set on any frame but CONNECT_REQUEST, where it
     * asks for encryption and the frame itself carries the SipHash trailer.
     */
    private static boolean isSealed(final DirectBuffer buffer, final int offset)
    {
        return FrameCipher.isSealed(buffer, offset) &&
            (buffer.getByte(offset + FrameHeaderFlyweight.TYPE_OFFSET) & 0xFF) != FrameType.CONNECT_REQUEST;
    }

    /**
     * Length of the authentication or encryption trailer of a client frame on a server with connect tokens.
     */
    private static int trailerLength(final DirectBuffer buffer, final int offset, final int fragmentLength)
    {
        return fragmentLength >= FrameHeaderFlyweight.HEADER_LENGTH && isSealed(buffer, offset) ?
            FrameCipher.TRAILER_LENGTH : AuthTrailer.LENGTH;
    }

    /**
     * Length of the frame inside a fragment: without the authentication trailer when tokens are in use. A connect
     * request without credentials comes from a client without a key and carries no trailer; it is answered
     * TOKEN_INVALID.
     */
    private int frameLength(final DirectBuffer buffer, final int offset, final int fragmentLength)
    {
        if (null == tokens)
        {
            return fragmentLength;
        }
        if (fragmentLength == ConnectRequestFlyweight.CREDENTIALS_OFFSET &&
            (buffer.getByte(offset + FrameHeaderFlyweight.TYPE_OFFSET) & 0xFF) == FrameType.CONNECT_REQUEST &&
            buffer.getInt(offset + ConnectRequestFlyweight.CREDENTIALS_LENGTH_OFFSET, LITTLE_ENDIAN) == 0)
        {
            return fragmentLength;
        }
        return fragmentLength - trailerLength(buffer, offset, fragmentLength);
    }

    private boolean withinRateLimit(final Session session, final int type, final int length)
    {
        switch (type)
        {
            case FrameType.MESSAGE:
            case FrameType.ROOM_EMIT:
            case FrameType.JOIN_REQUEST:
            case FrameType.LEAVE_REQUEST:
            case FrameType.REPLAY_REQUEST:
                if (!session.messageBucket.tryConsume(nowNs, 1) || !session.byteBucket.tryConsume(nowNs, length))
                {
                    counters.get(EngineCounter.DROPPED_RATE_LIMITED).incrementRelease();
                    onViolation(session);
                    return false;
                }
                return true;

            case FrameType.INPUT:
            case FrameType.SNAPSHOT_ACK:
                if (!session.byteBucket.tryConsume(nowNs, length))
                {
                    counters.get(EngineCounter.DROPPED_RATE_LIMITED).incrementRelease();
                    onViolation(session);
                    return false;
                }
                return true;

            default:
                return true;
        }
    }

    private boolean isValidFrame(final DirectBuffer buffer, final int offset, final int length, final Session session)
    {
        if (length < FrameHeaderFlyweight.HEADER_LENGTH)
        {
            counters.get(EngineCounter.DROPPED_MALFORMED).incrementRelease();
            onViolation(session);
            return false;
        }
        final int result = FrameHeaderFlyweight.validate(buffer, offset, length);
        if (FrameHeaderFlyweight.VALID != result)
        {
            switch (result)
            {
                case FrameHeaderFlyweight.BAD_VERSION:
                    counters.get(EngineCounter.DROPPED_BAD_VERSION).incrementRelease();
                    break;
                case FrameHeaderFlyweight.UNKNOWN_TYPE:
                    counters.get(EngineCounter.DROPPED_UNKNOWN_TYPE).incrementRelease();
                    break;
                default:
                    counters.get(EngineCounter.DROPPED_MALFORMED).incrementRelease();
                    break;
            }
            onViolation(session);
            return false;
        }
        if (length > maxFrameLength)
        {
            counters.get(EngineCounter.DROPPED_OVERSIZE).incrementRelease();
            onViolation(session);
            return false;
        }
        return true;
    }

    private void onViolation(final Session session)
    {
        if (null != session && session.state != SessionState.CLOSED && ++session.violations > ctx.maxViolationsPerSession)
        {
            counters.get(EngineCounter.SESSIONS_KICKED_FOR_ABUSE).incrementRelease();
            closeSession(session, DisconnectReason.PROTOCOL_VIOLATION, true);
        }
    }

    private void onConnectRequestFrame(
        final Connection connection, final DirectBuffer buffer, final int offset, final int length)
    {
        connectRequestFlyweight.wrap(buffer, offset, frameLength(buffer, offset, length));
        if (!connectRequestFlyweight.isCredentialsLengthValid())
        {
            counters.get(EngineCounter.DROPPED_MALFORMED).incrementRelease();
            return;
        }
        framesIn.incrementRelease();
        bytesIn.getAndAddRelease(length);

        final Session existing = connection.session;
        if (null != existing)
        {
            queueAccept(existing, connectRequestFlyweight.clientNonce(), false);
            return;
        }

        if (null == connection.publication || !connection.publication.isConnected())
        {
            addResponsePublication(connection);
            if (null == connection.pendingRequest || connection.pendingRequest.capacity() < length)
            {
                connection.pendingRequest = new UnsafeBuffer(new byte[length]);
            }
            connection.pendingRequest.putBytes(0, buffer, offset, length);
            connection.pendingRequestLength = length;
            if (!pendingConnections.contains(connection))
            {
                pendingConnections.add(connection);
            }
            return;
        }

        processConnectRequest(connection, buffer, offset, length);
    }

    private void processConnectRequest(
        final Connection connection, final DirectBuffer buffer, final int offset, final int fragmentLength)
    {
        final int length = frameLength(buffer, offset, fragmentLength);
        final ConnectRequestFlyweight request = connectRequestFlyweight;
        request.wrap(buffer, offset, length);
        final long nonce = request.clientNonce();
        final int resumeSessionId = request.resumeSessionId();
        final long resumeSecret = request.resumeSecret();
        final int credentialsOffset = offset + ConnectRequestFlyweight.CREDENTIALS_OFFSET;
        final int credentialsLength = request.credentialsLength();

        final boolean encrypt = (request.flags() & FrameHeaderFlyweight.FLAG_ENCRYPTED) != 0;

        connectRequest.reset(buffer, credentialsOffset, credentialsLength, 0 != resumeSessionId);
        DisconnectReason rejectReason = null;
        if (encrypt && null == tokens)
        {
            rejectReason = DisconnectReason.ENCRYPTION_UNAVAILABLE;
        }
        else if (!encrypt && ctx.requirePayloadEncryption)
        {
            rejectReason = DisconnectReason.ENCRYPTION_REQUIRED;
        }
        long keyK0 = 0;
        long keyK1 = 0;
        if (null != tokens && null == rejectReason)
        {
            if (0 != resumeSessionId)
            {
                final Session session = sessionById.get(resumeSessionId);
                final long counter = null == session ? -1 :
                    AuthTrailer.verify(session.keyK0, session.keyK1, buffer, offset, fragmentLength, 0);
                if (counter < 0)
                {
                    rejectReason = DisconnectReason.RESUME_REJECTED;
                }
                else
                {
                    connection.lastCounter = counter;
                    connectRequest.identity(session.clientId, buffer, credentialsOffset, 0);
                }
            }
            else if (length == fragmentLength)
            {
                rejectReason = DisconnectReason.TOKEN_INVALID;
            }
            else
            {
                rejectReason = verifyToken(connection, buffer, offset, fragmentLength, credentialsOffset,
                    credentialsLength);
                if (null == rejectReason)
                {
                    keyK0 = verifiedKeyK0;
                    keyK1 = verifiedKeyK1;
                }
                else if (DisconnectReason.NONE == rejectReason)
                {
                    counters.get(EngineCounter.DROPPED_UNAUTHENTICATED).incrementRelease();
                    return;
                }
            }
        }

        if (null == rejectReason)
        {
            try
            {
                listener.onConnectRequest(connectRequest);
            }
            catch (final Throwable t)
            {
                onError(t);
                connectRequest.reject(DisconnectReason.DENIED);
            }
            rejectReason = connectRequest.rejectReason();
        }

        if (null == rejectReason && 0 != resumeSessionId)
        {
            final Session session = sessionById.get(resumeSessionId);
            if (null == session || session.secret != resumeSecret || session.state == SessionState.CLOSED ||
                0 == ctx.resumeWindowNs)
            {
                rejectReason = DisconnectReason.RESUME_REJECTED;
            }
            else
            {
                resumeSession(session, connection, nonce, encrypt);
                return;
            }
        }

        if (null == rejectReason && sessionById.size() >= ctx.maxSessions)
        {
            rejectReason = DisconnectReason.SERVER_FULL;
        }

        if (null != rejectReason)
        {
            connectRejectFlyweight.wrapForEncode(controlBuffer, 0, FrameType.CONNECT_REJECT, 0);
            connectRejectFlyweight.clientNonce(nonce).reason(rejectReason.code());
            offer(null, connection.publication, controlBuffer, 0, ConnectRejectFlyweight.LENGTH);
            counters.get(EngineCounter.CONNECTS_REJECTED).incrementRelease();
            connection.closed = true;
            CloseHelper.quietClose(connection.publication);
            return;
        }

        final int sessionId = nextSessionId++;
        final Session session = new Session(
            sessionId,
            secureRandom.nextLong(),
            new EventHistory(ctx.directHistoryCount, ctx.directHistoryBytes, 0));
        session.conductor = this;
        session.clientId = connectRequest.clientId();
        session.keyK0 = keyK0;
        session.keyK1 = keyK1;
        newFrameKey(session, nonce, encrypt);
        session.messageBucket = new TokenBucket(ctx.maxMessagesPerSecond, ctx.maxMessagesPerSecond * 2L, nowNs);
        session.byteBucket = new TokenBucket(ctx.maxBytesPerSecond, ctx.maxBytesPerSecond * 2L, nowNs);
        session.connection = connection;
        session.lastHeardNs = nowNs;
        session.lastPingSentNs = nowNs;
        connection.session = session;
        sessionById.put(sessionId, session);
        session.indexInServer = sessions.length;
        sessions = ArrayUtil.add(sessions, session);
        bindingSessions.add(session);
        sessionsActive.setRelease(sessionById.size());
        counters.get(EngineCounter.SESSIONS_ACCEPTED).incrementRelease();
        queueAccept(session, nonce, false);
    }

    /**
     * @return null when the token is good and the request carries a valid MAC under its session key; NONE when the
     * token is good but the MAC is not (drop silently, do not burn the token); otherwise the reject reason.
     */
    private DisconnectReason verifyToken(
        final Connection connection,
        final DirectBuffer buffer,
        final int offset,
        final int fragmentLength,
        final int credentialsOffset,
        final int credentialsLength)
    {
        final int result = tokens.verify(
            buffer, credentialsOffset, credentialsLength, ctx.epochClock.time(), publicAddresses);
        switch (result)
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
        verifiedKeyK0 = key.getLong(0, LITTLE_ENDIAN);
        verifiedKeyK1 = key.getLong(8, LITTLE_ENDIAN);
        final long counter = AuthTrailer.verify(verifiedKeyK0, verifiedKeyK1, buffer, offset, fragmentLength, 0);
        if (counter < 0)
        {
            return DisconnectReason.NONE;
        }
        final long nonceKey = ConnectTokens.nonceHigh(buffer, credentialsOffset) ^
            Long.rotateLeft(ConnectTokens.nonceLow(buffer, credentialsOffset), 29);
        if (usedTokenNonces.containsKey(nonceKey))
        {
            return DisconnectReason.TOKEN_REPLAYED;
        }
        usedTokenNonces.put(nonceKey, ConnectTokens.expiresAtEpochMs(buffer, credentialsOffset));
        connection.lastCounter = counter;
        connectRequest.identity(
            ConnectTokens.clientId(buffer, credentialsOffset),
            buffer,
            ConnectTokens.userDataOffset(buffer, credentialsOffset),
            ConnectTokens.userDataLength(buffer, credentialsOffset));
        return null;
    }

    private void purgeUsedTokenNonces(final long nowNs)
    {
        if (nowNs - nextNoncePurgeNs >= 0 && !usedTokenNonces.isEmpty())
        {
            nextNoncePurgeNs = nowNs + TimeUnit.SECONDS.toNanos(1);
            final long nowMs = ctx.epochClock.time();
            final org.agrona.collections.Long2LongHashMap.EntryIterator it = usedTokenNonces.entrySet().iterator();
            while (it.hasNext())
            {
                it.next();
                if (it.getLongValue() <= nowMs)
                {
                    it.remove();
                }
            }
        }
    }

    /**
     * Start a connection's cryptographic state: a fresh server nonce, and for an encrypted session a frame key
     * derived from it and the client's nonce, with the send counters from zero.
     */
    private void newFrameKey(final Session session, final long clientNonce, final boolean encrypt)
    {
        session.serverNonce = secureRandom.nextLong();
        session.frameKey = encrypt ?
            FrameCipher.deriveKey(FrameCipher.keyBytes(session.keyK0, session.keyK1), clientNonce, session.serverNonce) :
            null;
        session.controlSendCounter = 0;
        session.snapshotSendCounter = 0;
    }

    private void resumeSession(
        final Session session, final Connection connection, final long nonce, final boolean encrypt)
    {
        final Connection old = session.connection;
        if (null != old && old != connection)
        {
            old.session = null;
            old.closed = true;
            CloseHelper.quietClose(old.publication);
        }
        if (null != session.inputLink)
        {
            session.inputLink.session = null;
            session.inputLink = null;
        }
        session.connection = connection;
        connection.session = session;
        session.state = SessionState.BINDING;
        session.disconnectReason = DisconnectReason.NONE;
        // a client whose first lane binding stalled retries it as a resume; the game has not met that session yet
        session.resuming = session.announced;
        session.lastHeardNs = nowNs;
        session.lastPingSentNs = nowNs;
        session.outbox.clear();
        newFrameKey(session, nonce, encrypt);
        if (!bindingSessions.contains(session))
        {
            bindingSessions.add(session);
        }

        queueAccept(session, nonce, true);

        rewindForResume(session.direct);
        final Int2ObjectHashMap<Membership>.ValueIterator it = session.memberships.values().iterator();
        while (it.hasNext())
        {
            final Membership m = it.next();
            rewindForResume(m);
            queueJoinResult(session, m.room.roomId, 0, JoinResultFlyweight.JOINED, 0, m.nextSeqToSend);
        }
        if (session.announced)
        {
            counters.get(EngineCounter.SESSIONS_RESUMED).incrementRelease();
        }
    }

    private void rewindForResume(final Membership m)
    {
        if (m.ackedSeq + 1 < m.nextSeqToSend)
        {
            m.nextSeqToSend = m.ackedSeq + 1;
        }
        markBehind(m);
    }

    private void queueAccept(final Session session, final long nonce, final boolean resumed)
    {
        final ConnectAcceptFlyweight accept = connectAcceptFlyweight;
        accept.wrapForEncode(controlBuffer, 0, FrameType.CONNECT_ACCEPT, session.sessionId);
        accept.clientNonce(nonce)
            .resumeSecret(session.secret)
            .keepAliveIntervalMs((int)TimeUnit.NANOSECONDS.toMillis(ctx.keepAliveIntervalNs))
            .sessionTimeoutMs((int)TimeUnit.NANOSECONDS.toMillis(ctx.sessionTimeoutNs))
            .maxMessageLength(ctx.maxMessageLength)
            .resumed(resumed)
            .resumeWindowMs((int)Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(ctx.resumeWindowNs)))
            .serverNonce(session.serverNonce);
        if (null != session.frameKey)
        {
            accept.flags(FrameHeaderFlyweight.FLAG_ENCRYPTED);
        }
        sendControl(session, controlBuffer, 0, ConnectAcceptFlyweight.LENGTH);
    }

    private void tryCompleteBinding(final Session session)
    {
        if (session.state != SessionState.BINDING)
        {
            return;
        }
        final InputLink link = session.inputLink;
        final Connection connection = session.connection;
        if (null == link || null == link.publication || !link.publication.isConnected() ||
            null == connection || null == connection.publication || !connection.publication.isConnected())
        {
            return;
        }

        headerFlyweight.wrapForEncode(controlBuffer, 0, FrameType.LANE_BOUND, session.sessionId);
        sendControl(session, controlBuffer, 0, FrameHeaderFlyweight.HEADER_LENGTH);
        session.state = SessionState.CONNECTED;
        bindingSessions.remove(session);
        if (session.resuming)
        {
            session.resuming = false;
            guard(() -> listener.onSessionResumed(session));
        }
        else
        {
            session.connectedAtNs = nowNs;
            session.announced = true;
            guard(() -> listener.onSessionConnected(session));
        }
    }

    private void sendPing(final Session session, final int type, final long originTimeNs)
    {
        final Connection connection = session.connection;
        if (null == connection || null == connection.publication || session.outbox.length() > 0)
        {
            return;
        }
        pingFlyweight.wrapForEncode(controlBuffer, 0, type, session.sessionId);
        pingFlyweight.originTimeNs(originTimeNs);
        offer(session, connection.publication, controlBuffer, 0, PingFlyweight.LENGTH);
    }

    private void onPong(final Session session, final long originTimeNs)
    {
        final long sample = nowNs - originTimeNs;
        if (sample < 0 || sample > ctx.sessionTimeoutNs)
        {
            return;
        }
        if (0 == session.rttNs)
        {
            session.rttNs = sample;
            session.rttJitterNs = sample / 2;
        }
        else
        {
            final long delta = Math.abs(sample - session.rttNs);
            session.rttJitterNs += (delta - session.rttJitterNs) / 4;
            session.rttNs += (sample - session.rttNs) / 8;
        }
    }

    private void onClientMessage(final Session session, final DirectBuffer buffer, final int offset, final int length)
    {
        final MessageFlyweight message = messageFlyweight;
        message.wrap(buffer, offset, length);
        final long seq = message.seq();
        if (seq <= session.lastClientMessageSeq)
        {
            counters.get(EngineCounter.DUPLICATES_DROPPED).incrementRelease();
            return;
        }
        session.lastClientMessageSeq = seq;
        final int typeId = message.typeId();
        final int payloadOffset = offset + MessageFlyweight.PAYLOAD_OFFSET;
        final int payloadLength = message.payloadLength();

        if ((message.flags() & FLAG_KRYO) != 0)
        {
            final Object decoded = codec.decode(typeId, buffer, payloadOffset, payloadLength);
            if (null == decoded)
            {
                counters.get(EngineCounter.DROPPED_UNDECODABLE).incrementRelease();
                onViolation(session);
                return;
            }
            final MessageHandler<Object> handler = messageHandlers.get(typeId);
            if (null != handler)
            {
                handler.onMessage(session, decoded);
            }
            else
            {
                listener.onMessage(session, decoded);
            }
        }
        else
        {
            listener.onMessage(session, typeId, buffer, payloadOffset, payloadLength);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Input (unreliable) lane
    // ------------------------------------------------------------------------------------------------------------

    private void onInputFragment(
        final DirectBuffer buffer, final int offset, final int fragmentLength, final Header header)
    {
        final int length = null == tokens ? fragmentLength :
            fragmentLength - trailerLength(buffer, offset, fragmentLength);
        final InputLink link = inputLinkFor((Image)header.context());
        if (link.closed)
        {
            counters.get(EngineCounter.DROPPED_UNAUTHENTICATED).incrementRelease();
            return;
        }
        if ((header.flags() & FrameDescriptor.UNFRAGMENTED) != FrameDescriptor.UNFRAGMENTED)
        {
            counters.get(EngineCounter.DROPPED_OVERSIZE).incrementRelease();
            onViolation(link.session);
            return;
        }
        if (!isValidFrame(buffer, offset, length, link.session))
        {
            return;
        }

        try
        {
            final int type = buffer.getByte(offset + FrameHeaderFlyweight.TYPE_OFFSET) & 0xFF;
            final int sessionId = buffer.getInt(offset + FrameHeaderFlyweight.SESSION_ID_OFFSET, LITTLE_ENDIAN);
            if (FrameType.LANE_BIND == type)
            {
                final Session session = sessionById.get(sessionId);
                if (null == session ||
                    (session.state != SessionState.BINDING && session.state != SessionState.CONNECTED) ||
                    (null != link.session && link.session != session))
                {
                    counters.get(EngineCounter.DROPPED_UNAUTHENTICATED).incrementRelease();
                    return;
                }
                final DirectBuffer frame = authenticate(
                    session, link, FrameCipher.CLIENT_INPUT_LANE, buffer, offset, fragmentLength);
                if (null == frame)
                {
                    return;
                }
                laneBindFlyweight.wrap(frame, frame == buffer ? offset : 0, length);
                if (session.secret != laneBindFlyweight.secret())
                {
                    counters.get(EngineCounter.DROPPED_UNAUTHENTICATED).incrementRelease();
                    return;
                }
                framesIn.incrementRelease();
                bytesIn.getAndAddRelease(length);
                session.lastHeardNs = nowNs;
                if (session.inputLink != link)
                {
                    if (null != session.inputLink)
                    {
                        session.inputLink.session = null;
                    }
                    session.inputLink = link;
                    link.session = session;
                }
                addResponsePublication(link);
                if (!pendingInputLinks.contains(link) && null == link.publication)
                {
                    pendingInputLinks.add(link);
                }
                tryCompleteBinding(session);
                return;
            }

            final Session session = link.session;
            if (null == session || session.sessionId != sessionId || session.state != SessionState.CONNECTED)
            {
                counters.get(EngineCounter.DROPPED_UNAUTHENTICATED).incrementRelease();
                return;
            }
            final DirectBuffer frame = authenticate(
                session, link, FrameCipher.CLIENT_INPUT_LANE, buffer, offset, fragmentLength);
            if (null == frame)
            {
                return;
            }
            final int frameOffset = frame == buffer ? offset : 0;
            if (!withinRateLimit(session, type, length))
            {
                return;
            }
            framesIn.incrementRelease();
            bytesIn.getAndAddRelease(length);
            session.lastHeardNs = nowNs;

            if (FrameType.INPUT == type)
            {
                onInput(session, frame, frameOffset, length);
            }
            else if (FrameType.SNAPSHOT_ACK == type)
            {
                if (!snapshotPublisher().onAckFrame(session, frame, frameOffset, length))
                {
                    onViolation(session);
                }
            }
            else
            {
                counters.get(EngineCounter.DROPPED_UNKNOWN_TYPE).incrementRelease();
                onViolation(session);
            }
        }
        catch (final Throwable t)
        {
            onError(t);
        }
    }

    private void onInput(final Session session, final DirectBuffer buffer, final int offset, final int length)
    {
        final InputFlyweight input = inputFlyweight;
        input.wrap(buffer, offset, length);
        final long ackTick = input.ackTick();
        if (ackTick > session.ackedSnapshotTick)
        {
            session.ackedSnapshotTick = ackTick;
        }
        if (0 != input.ackRoomId() && null != snapshotPublisher)
        {
            snapshotPublisher.onAck(session, input.ackRoomId(), ackTick, false);
        }

        final int count = input.count();
        if (count < 0 || count > MAX_INPUT_REDUNDANCY)
        {
            counters.get(EngineCounter.DROPPED_MALFORMED).incrementRelease();
            onViolation(session);
            return;
        }

        int position = offset + InputFlyweight.ENTRIES_OFFSET;
        final int end = offset + length;
        for (int i = 0; i < count; i++)
        {
            if (position + InputFlyweight.ENTRY_HEADER_LENGTH > end)
            {
                counters.get(EngineCounter.DROPPED_MALFORMED).incrementRelease();
                onViolation(session);
                return;
            }
            final int entryLength = buffer.getShort(position, LITTLE_ENDIAN) & 0xFFFF;
            position += InputFlyweight.ENTRY_HEADER_LENGTH;
            if (position + entryLength > end)
            {
                counters.get(EngineCounter.DROPPED_MALFORMED).incrementRelease();
                onViolation(session);
                return;
            }
            inputEntryOffsets[i] = position;
            inputEntryLengths[i] = entryLength;
            position += entryLength;
        }
        if (0 == count)
        {
            return;
        }

        final long newest = input.newestInputTick();
        final long oldest = newest - count + 1;
        final long last = session.lastInputTick;
        if (newest <= last)
        {
            return;
        }
        long from = oldest;
        if (last != Long.MIN_VALUE)
        {
            if (oldest > last + 1)
            {
                final long missing = oldest - (last + 1);
                counters.get(EngineCounter.INPUTS_MISSING).getAndAddRelease(missing);
                listener.onInputMissing(session, last + 1, oldest - 1);
            }
            from = Math.max(oldest, last + 1);
        }

        final AtomicCounter inputsReceived = counters.get(EngineCounter.INPUTS_RECEIVED);
        for (long tick = from; tick <= newest; tick++)
        {
            final int index = (int)(newest - tick);
            session.lastInputTick = tick;
            inputsReceived.incrementRelease();
            listener.onInput(session, tick, buffer, inputEntryOffsets[index], inputEntryLengths[index]);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Sessions
    // ------------------------------------------------------------------------------------------------------------

    private int housekeeping(final long nowNs)
    {
        int work = 0;
        for (int i = bindingSessions.size() - 1; i >= 0; i--)
        {
            tryCompleteBinding(bindingSessions.get(i));
        }

        final Session[] sessions = this.sessions;
        for (int i = sessions.length - 1; i >= 0; i--)
        {
            final Session session = sessions[i];
            switch (session.state)
            {
                case CONNECTED:
                case BINDING:
                    if (nowNs - session.lastHeardNs > ctx.sessionTimeoutNs)
                    {
                        counters.get(EngineCounter.SESSIONS_TIMED_OUT).incrementRelease();
                        onSessionLost(session, DisconnectReason.TIMED_OUT);
                        work++;
                    }
                    else if (session.state == SessionState.CONNECTED &&
                        nowNs - session.lastPingSentNs >= ctx.keepAliveIntervalNs)
                    {
                        session.lastPingSentNs = nowNs;
                        sendPing(session, FrameType.PING, nowNs);
                        work++;
                    }
                    break;

                case SUSPENDED:
                    if (nowNs - session.suspendedAtNs > ctx.resumeWindowNs)
                    {
                        closeSession(session, DisconnectReason.RESUME_WINDOW_EXPIRED, false);
                        work++;
                    }
                    break;

                default:
                    break;
            }
        }

        purgeUsedTokenNonces(nowNs);
        final Room[] rooms = this.rooms;
        for (final Room room : rooms)
        {
            room.stream.history.expire(nowNs);
            room.oldestSeqCounter.setRelease(room.stream.history.oldestSeq());
        }
        return work;
    }

    private void onSessionLost(final Session session, final DisconnectReason reason)
    {
        if (ctx.resumeWindowNs <= 0 || !reason.isResumable())
        {
            closeSession(session, reason, true);
            return;
        }

        sendDisconnect(session, reason);
        detachTransport(session);
        session.state = SessionState.SUSPENDED;
        session.disconnectReason = reason;
        session.suspendedAtNs = nowNs;
        bindingSessions.remove(session);
        markBehind(session.direct);
        final Int2ObjectHashMap<Membership>.ValueIterator it = session.memberships.values().iterator();
        while (it.hasNext())
        {
            markBehind(it.next());
        }
        guard(() -> listener.onSessionSuspended(session, reason));
    }

    private void sendDisconnect(final Session session, final DisconnectReason reason)
    {
        final Connection connection = session.connection;
        if (null != connection && null != connection.publication)
        {
            disconnectFlyweight.wrapForEncode(controlBuffer, 0, FrameType.DISCONNECT, session.sessionId);
            disconnectFlyweight.reason(reason.code());
            offer(session, connection.publication, controlBuffer, 0, DisconnectFlyweight.LENGTH);
        }
    }

    private void detachTransport(final Session session)
    {
        final Connection connection = session.connection;
        if (null != connection)
        {
            connection.closed = true;
            connection.session = null;
            CloseHelper.quietClose(connection.publication);
            session.connection = null;
        }
        final InputLink link = session.inputLink;
        if (null != link)
        {
            link.closed = true;
            link.session = null;
            CloseHelper.quietClose(link.publication);
            session.inputLink = null;
        }
        session.outbox.clear();
    }

    void disconnect(final Session session, final DisconnectReason reason)
    {
        if (session.state != SessionState.CLOSED)
        {
            closeSession(session, reason, true);
        }
    }

    private void closeSession(final Session session, final DisconnectReason reason, final boolean notifyClient)
    {
        if (session.state == SessionState.CLOSED)
        {
            return;
        }
        while (!session.memberships.isEmpty())
        {
            final Membership m = session.memberships.values().iterator().next();
            leave(m.room, session, LeaveReason.DISCONNECTED);
        }
        if (notifyClient)
        {
            session.outbox.clear();
            sendDisconnect(session, reason);
        }
        detachTransport(session);
        session.state = SessionState.CLOSED;
        session.disconnectReason = reason;
        sessionById.remove(session.sessionId);
        sessions = ArrayUtil.remove(sessions, session);
        bindingSessions.remove(session);
        outboxSessions.remove(session);
        sessionsActive.setRelease(sessionById.size());
        guard(() -> listener.onSessionClosed(session, reason));
    }

    String resourceCounts()
    {
        return "sessions=" + sessionById.size() + " connections=" + connectionByImageSession.size() +
            " inputLinks=" + inputLinkByImageSession.size() + " pendingConnections=" + pendingConnections.size() +
            " pendingInputLinks=" + pendingInputLinks.size() + " binding=" + bindingSessions.size() +
            " outboxes=" + outboxSessions.size() + " behind=" + behindMembers.size();
    }

    Session session(final int sessionId)
    {
        return sessionById.get(sessionId);
    }

    int sessionCount()
    {
        return sessionById.size();
    }

    void forEachSession(final Consumer<Session> consumer)
    {
        for (final Session session : sessions)
        {
            consumer.accept(session);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Sending
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Offer a frame to a session's control and events lane, sealed when the session is encrypted (every frame but
     * CONNECT_ACCEPT and CONNECT_REJECT). ADMIN_ACTION is retried; back pressure is returned.
     *
     * @param session     receiving the frame, or null for a connection without one (a reject).
     * @param publication the session's control and events publication.
     */
    private long offer(
        final Session session,
        final ExclusivePublication publication,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        if (null == publication)
        {
            return SendResult.NOT_CONNECTED;
        }
        DirectBuffer frame = buffer;
        int frameOffset = offset;
        int frameLength = length;
        if (null != session && null != session.frameKey &&
            (buffer.getByte(offset + FrameHeaderFlyweight.TYPE_OFFSET) & 0xFF) != FrameType.CONNECT_ACCEPT)
        {
            frameLength = frameCipher.seal(
                session.frameKey, FrameCipher.SERVER_CONTROL_LANE, ++session.controlSendCounter, buffer, offset, length);
            frame = frameCipher.sealed();
            frameOffset = 0;
        }
        long result;
        int attempts = 0;
        do
        {
            result = publication.offer(frame, frameOffset, frameLength);
        }
        while (result == SendResult.ADMIN_ACTION && ++attempts < 3);

        if (result > 0)
        {
            framesOut.incrementRelease();
            bytesOut.getAndAddRelease(frameLength);
        }
        return result;
    }

    /**
     * Send a frame that must arrive in order with the session's events (accept, join result, left room, resync).
     * When the lane is busy the frame waits in the session's outbox, and the session's streams wait behind it.
     */
    private void sendControl(final Session session, final DirectBuffer buffer, final int offset, final int length)
    {
        final SessionOutbox outbox = session.outbox;
        if (outbox.length() == 0)
        {
            final Connection connection = session.connection;
            final long result = null == connection ? SendResult.NOT_CONNECTED :
                offer(session, connection.publication, buffer, offset, length);
            if (result > 0)
            {
                return;
            }
            if (null == connection)
            {
                return;
            }
            counters.get(EngineCounter.RELIABLE_SEND_FAILED).incrementRelease();
        }
        outbox.append(buffer, offset, length);
        if (!session.inOutboxList)
        {
            session.inOutboxList = true;
            outboxSessions.add(session);
        }
    }

    private int flushOutboxes()
    {
        int work = 0;
        for (int i = outboxSessions.size() - 1; i >= 0; i--)
        {
            final Session session = outboxSessions.get(i);
            final SessionOutbox outbox = session.outbox;
            final Connection connection = session.connection;
            if (null != connection && null != connection.publication)
            {
                while (outbox.length() > 0)
                {
                    final long result = offer(
                        session, connection.publication, outbox.buffer(), outbox.headOffset(), outbox.headLength());
                    if (result < 0)
                    {
                        break;
                    }
                    outbox.removeHead();
                    work++;
                }
            }
            if (outbox.length() == 0 || session.state == SessionState.CLOSED)
            {
                session.inOutboxList = false;
                ArrayListUtil.fastUnorderedRemove(outboxSessions, i);
            }
        }
        return work;
    }

    private void markBehind(final Membership m)
    {
        m.behind = true;
        if (!m.inBehindList)
        {
            m.inBehindList = true;
            behindMembers.add(m);
        }
    }

    private int pumpBehindMembers()
    {
        int work = 0;
        for (int i = behindMembers.size() - 1; i >= 0; i--)
        {
            final Membership m = behindMembers.get(i);
            final Session session = m.session;
            if (!m.behind || session.state == SessionState.CLOSED || m.indexInRoom < 0 && null != m.room)
            {
                m.inBehindList = false;
                ArrayListUtil.fastUnorderedRemove(behindMembers, i);
                continue;
            }
            final Connection connection = session.connection;
            if (null == connection || null == connection.publication || session.outbox.length() > 0 ||
                !connection.publication.isConnected())
            {
                continue;
            }
            work += pump(m, connection.publication);
            if (!m.behind)
            {
                m.inBehindList = false;
                ArrayListUtil.fastUnorderedRemove(behindMembers, i);
            }
        }
        return work;
    }

    private int pump(final Membership m, final ExclusivePublication publication)
    {
        final EventStream stream = m.stream;
        final EventHistory history = stream.history;
        int sent = 0;
        while (m.nextSeqToSend <= stream.lastSeq && sent < PUMP_LIMIT)
        {
            final long seq = m.nextSeqToSend;
            if (!history.contains(seq))
            {
                if (sendResync(m, publication) < 0)
                {
                    return sent;
                }
                m.nextSeqToSend = stream.lastSeq + 1;
                sent++;
                break;
            }

            int length = history.copy(seq, sendBuffer, 0);
            int flags = (sendBuffer.getShort(FrameHeaderFlyweight.FLAGS_OFFSET, LITTLE_ENDIAN) & 0xFFFF) | FLAG_REPLAY;
            if (history.exceptSessionId(seq) == m.session.sessionId)
            {
                length = RoomEventFlyweight.PAYLOAD_OFFSET;
                flags |= FLAG_EXCEPT_SENDER;
            }
            sendBuffer.putShort(FrameHeaderFlyweight.FLAGS_OFFSET, (short)flags, LITTLE_ENDIAN);
            if (offer(m.session, publication, sendBuffer, 0, length) < 0)
            {
                return sent;
            }
            m.nextSeqToSend = seq + 1;
            counters.get(EngineCounter.EVENTS_REPLAYED).incrementRelease();
            sent++;
        }
        if (m.nextSeqToSend > stream.lastSeq)
        {
            m.behind = false;
        }
        return sent;
    }

    private long sendResync(final Membership m, final ExclusivePublication publication)
    {
        final Room room = m.room;
        final RoomEventFlyweight frame = outEventFlyweight;
        frame.wrapForEncode(sendBuffer, 0, FrameType.RESYNC, m.session.sessionId);
        frame.roomId(m.stream.id).typeId(0).seq(m.stream.lastSeq).senderSessionId(0);
        int stateLength = 0;
        if (null != room)
        {
            try
            {
                stateLength = room.listener.onResync(
                    room, m.session, sendBuffer, RoomEventFlyweight.PAYLOAD_OFFSET, ctx.maxMessageLength);
            }
            catch (final Throwable t)
            {
                onError(t);
            }
            if (stateLength < 0 || stateLength > ctx.maxMessageLength)
            {
                onError(new EngineException("onResync returned an invalid length: " + stateLength,
                    EngineException.Category.ERROR));
                stateLength = 0;
            }
        }
        final long result = offer(
            m.session, publication, sendBuffer, 0, RoomEventFlyweight.PAYLOAD_OFFSET + stateLength);
        if (result > 0)
        {
            counters.get(EngineCounter.RESYNCS).incrementRelease();
        }
        return result;
    }

    private int encodeEvent(
        final int type,
        final int headerSessionId,
        final int flags,
        final int roomId,
        final int typeId,
        final long seq,
        final int senderSessionId,
        final DirectBuffer payload,
        final int payloadOffset,
        final int payloadLength)
    {
        final RoomEventFlyweight frame = outEventFlyweight;
        frame.wrapForEncode(sendBuffer, 0, type, headerSessionId);
        frame.flags(flags);
        frame.roomId(roomId).typeId(typeId).seq(seq).senderSessionId(senderSessionId);
        if (payloadLength > 0)
        {
            sendBuffer.putBytes(RoomEventFlyweight.PAYLOAD_OFFSET, payload, payloadOffset, payloadLength);
        }
        return RoomEventFlyweight.PAYLOAD_OFFSET + payloadLength;
    }

    long sendDirect(
        final Session session,
        final int typeId,
        final int flags,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        if (session.state == SessionState.CLOSED)
        {
            return SendResult.NO_SUCH_SESSION;
        }
        if (length > ctx.maxMessageLength || length < 0)
        {
            return SendResult.MESSAGE_TOO_LARGE;
        }
        final Membership m = session.direct;
        final EventStream stream = m.stream;
        final long seq = stream.nextSeq();
        final int frameLength = encodeEvent(
            FrameType.ROOM_EVENT, session.sessionId, flags, 0, typeId, seq, 0, buffer, offset, length);
        stream.history.append(seq, nowNs, sendBuffer, 0, frameLength, 0);
        deliverLive(m, seq, frameLength);
        return seq;
    }

    long sendDirectObject(final Session session, final Object message)
    {
        final long length = codec.encodeTo(message, kryoScratch);
        return length < 0 ? length : sendDirect(
            session, codec.registry().typeId(message.getClass()), FLAG_KRYO, kryoScratch, 0, (int)length);
    }

    private void deliverLive(final Membership m, final long seq, final int frameLength)
    {
        final Session session = m.session;
        if (m.behind || session.outbox.length() > 0)
        {
            markBehind(m);
            return;
        }
        final Connection connection = session.connection;
        final long result = null == connection ? SendResult.NOT_CONNECTED :
            offer(session, connection.publication, sendBuffer, 0, frameLength);
        if (result > 0)
        {
            m.nextSeqToSend = seq + 1;
        }
        else
        {
            counters.get(EngineCounter.FANOUT_SKIPPED).incrementRelease();
            markBehind(m);
        }
    }

    long broadcast(
        final Room room,
        final int typeId,
        final int flags,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final int senderSessionId,
        final int exceptSessionId)
    {
        if (room.closed)
        {
            return SendResult.NO_SUCH_ROOM;
        }
        if (length > ctx.maxMessageLength || length < 0)
        {
            return SendResult.MESSAGE_TOO_LARGE;
        }

        final EventStream stream = room.stream;
        final long seq = stream.nextSeq();
        final int frameLength = encodeEvent(
            FrameType.ROOM_EVENT, 0, flags, room.roomId, typeId, seq, senderSessionId, buffer, offset, length);
        stream.history.append(seq, nowNs, sendBuffer, 0, frameLength, exceptSessionId);
        counters.get(EngineCounter.ROOM_EVENTS_SENT).incrementRelease();

        boolean stubEncoded = false;
        long delivered = 0;
        long skipped = 0;
        final Membership[] members = room.members;
        for (int i = 0, n = room.memberCount; i < n; i++)
        {
            final Membership m = members[i];
            final Session session = m.session;
            if (m.behind || session.outbox.length() > 0)
            {
                markBehind(m);
                continue;
            }
            final Connection connection = session.connection;
            if (null == connection)
            {
                markBehind(m);
                continue;
            }

            final long result;
            if (session.sessionId == exceptSessionId)
            {
                if (!stubEncoded)
                {
                    stubEncoded = true;
                    stubBuffer.putBytes(0, sendBuffer, 0, RoomEventFlyweight.PAYLOAD_OFFSET);
                    stubBuffer.putShort(
                        FrameHeaderFlyweight.FLAGS_OFFSET, (short)(flags | FLAG_EXCEPT_SENDER), LITTLE_ENDIAN);
                }
                result = offer(session, connection.publication, stubBuffer, 0, RoomEventFlyweight.PAYLOAD_OFFSET);
            }
            else
            {
                result = offer(session, connection.publication, sendBuffer, 0, frameLength);
            }

            if (result > 0)
            {
                m.nextSeqToSend = seq + 1;
                delivered++;
            }
            else
            {
                skipped++;
                markBehind(m);
            }
        }
        if (delivered > 0)
        {
            counters.get(EngineCounter.ROOM_EVENT_DELIVERIES).getAndAddRelease(delivered);
        }
        if (skipped > 0)
        {
            counters.get(EngineCounter.FANOUT_SKIPPED).getAndAddRelease(skipped);
        }
        return seq;
    }

    long broadcastObject(final Room room, final Object message, final int exceptSessionId)
    {
        final long length = codec.encodeTo(message, kryoScratch);
        return length < 0 ? length : broadcast(
            room, codec.registry().typeId(message.getClass()), FLAG_KRYO, kryoScratch, 0, (int)length, 0,
            exceptSessionId);
    }

    private SnapshotPublisher snapshotPublisher;

    /**
     * @return the conductor's clock for the current duty cycle (read once per cycle from the injected clock).
     */
    long nowNs()
    {
        return nowNs;
    }

    SnapshotPublisher snapshotPublisher()
    {
        if (null == snapshotPublisher)
        {
            snapshotPublisher = new SnapshotPublisher(this, ctx, counters);
        }
        return snapshotPublisher;
    }

    /**
     * Encrypt, in place, a snapshot frame written into a claim of {@code frameLength + TRAILER_LENGTH}; a no-op for
     * a session that is not encrypted.
     */
    void sealSnapshot(
        final Session session, final MutableDirectBuffer claimed, final int claimOffset, final int frameLength)
    {
        if (null != session.frameKey)
        {
            frameCipher.sealInPlace(session.frameKey, FrameCipher.SERVER_SNAPSHOT_LANE, ++session.snapshotSendCounter,
                claimed, claimOffset, frameLength);
        }
    }

    long sendSnapshot(
        final Session session,
        final int roomId,
        final long tick,
        final long baselineTick,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        if (session.state != SessionState.CONNECTED)
        {
            counters.get(EngineCounter.UNRELIABLE_SEND_DROPPED).incrementRelease();
            return SendResult.NOT_CONNECTED_SESSION;
        }
        if (length > ctx.maxSnapshotLength || length < 0)
        {
            return SendResult.MESSAGE_TOO_LARGE;
        }
        final InputLink link = session.inputLink;
        final ExclusivePublication publication = null == link ? null : link.publication;
        if (null == publication)
        {
            counters.get(EngineCounter.UNRELIABLE_SEND_DROPPED).incrementRelease();
            return SendResult.NOT_CONNECTED;
        }

        return snapshotPublisher().sendParts(session, publication, roomId, tick, baselineTick, 0, buffer, offset, length);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Rooms
    // ------------------------------------------------------------------------------------------------------------

    Room createRoom(final int roomId, final RoomOptions options)
    {
        if (roomId <= 0)
        {
            throw new IllegalArgumentException("room id must be positive: " + roomId);
        }
        if (roomById.containsKey(roomId))
        {
            throw new IllegalArgumentException("room id in use: " + roomId);
        }
        final RoomOptions copy = options.copy();
        copy.validate();
        final RoomListener roomListener = null == copy.listener ? ctx.defaultRoomListener : copy.listener;
        final AtomicCounter oldestSeqCounter = aeron.addCounter(
            EngineCounter.ROOM_OLDEST_RETAINED_SEQ_TYPE_ID, "skirmish-server " + ctx.port + ": room " + roomId + " oldest retained seq");
        final Room room = new Room(roomId, copy, roomListener, this, oldestSeqCounter);
        oldestSeqCounter.setRelease(room.stream.history.oldestSeq());
        roomById.put(roomId, room);
        rooms = ArrayUtil.add(rooms, room);
        if (copy.tickRateHz > 0)
        {
            room.tickIntervalNs = TimeUnit.SECONDS.toNanos(1) / copy.tickRateHz;
            // the clock, not the cached nowNs: that is 0 before the first duty cycle and stale after an idle spell
            room.nextTickNs = clock.nanoTime() + room.tickIntervalNs;
            tickingRooms = ArrayUtil.add(tickingRooms, room);
        }
        roomsActive.setRelease(roomById.size());
        return room;
    }

    Room room(final int roomId)
    {
        return roomById.get(roomId);
    }

    int roomCount()
    {
        return roomById.size();
    }

    boolean closeRoom(final int roomId)
    {
        final Room room = roomById.remove(roomId);
        if (null == room)
        {
            return false;
        }
        while (room.memberCount > 0)
        {
            removeMember(room, room.members[room.memberCount - 1], LeaveReason.ROOM_CLOSED, false);
        }
        room.closed = true;
        rooms = ArrayUtil.remove(rooms, room);
        tickingRooms = ArrayUtil.remove(tickingRooms, room);
        CloseHelper.quietClose(room.oldestSeqCounter);
        roomsActive.setRelease(roomById.size());
        return true;
    }

    private int tickRooms(final long nowNs)
    {
        int work = 0;
        for (final Room room : tickingRooms)
        {
            if (nowNs - room.nextTickNs >= 0)
            {
                final long lateNs = nowNs - room.nextTickNs;
                if (lateNs > room.tickIntervalNs)
                {
                    counters.get(EngineCounter.TICKS_LATE).incrementRelease();
                    room.nextTickNs = nowNs + room.tickIntervalNs;
                }
                else
                {
                    room.nextTickNs += room.tickIntervalNs;
                }
                room.tick++;
                try
                {
                    room.listener.onTick(room, room.tick, nowNs);
                }
                catch (final Throwable t)
                {
                    onError(t);
                }
                work++;
            }
        }
        return work;
    }

    private void onJoinRequest(final Session session, final DirectBuffer buffer, final int offset, final int length)
    {
        final RoomRequestFlyweight request = roomRequestFlyweight;
        request.wrap(buffer, offset, length);
        final int roomId = request.roomId();
        final int requestId = request.requestId();
        final Room room = roomById.get(roomId);
        if (null == room)
        {
            queueJoinResult(session, roomId, requestId, JoinResultFlyweight.NO_SUCH_ROOM, 0, 0);
            return;
        }
        final int precheck = joinPrecheck(room, session);
        if (JoinResultFlyweight.JOINED != precheck)
        {
            queueJoinResult(session, roomId, requestId, precheck, 0, room.stream.lastSeq + 1);
            return;
        }
        boolean allowed;
        try
        {
            allowed = room.listener.onJoinRequest(
                room, session, buffer, offset + RoomRequestFlyweight.PAYLOAD_OFFSET, request.payloadLength());
        }
        catch (final Throwable t)
        {
            onError(t);
            allowed = false;
        }
        if (!allowed)
        {
            queueJoinResult(session, roomId, requestId, JoinResultFlyweight.DENIED, 0, room.stream.lastSeq + 1);
            return;
        }
        join(room, session, requestId);
    }

    private int joinPrecheck(final Room room, final Session session)
    {
        if (room.closed)
        {
            return JoinResultFlyweight.NO_SUCH_ROOM;
        }
        if (session.memberships.containsKey(room.roomId))
        {
            return JoinResultFlyweight.ALREADY_MEMBER;
        }
        if (room.memberCount >= room.options.maxMembers)
        {
            return JoinResultFlyweight.ROOM_FULL;
        }
        if (session.memberships.size() >= ctx.maxRoomsPerSession)
        {
            return JoinResultFlyweight.TOO_MANY_ROOMS;
        }
        return JoinResultFlyweight.JOINED;
    }

    int join(final Room room, final Session session, final int requestId)
    {
        if (session.state == SessionState.CLOSED)
        {
            return JoinResultFlyweight.DENIED;
        }
        final int precheck = joinPrecheck(room, session);
        if (JoinResultFlyweight.JOINED != precheck)
        {
            return precheck;
        }

        final EventHistory history = room.stream.history;
        history.expire(nowNs);
        final long lastSeq = room.stream.lastSeq;
        final long available = history.oldestSeq() <= lastSeq ? lastSeq - history.oldestSeq() + 1 : 0;
        final int backlog = (int)Math.min(room.options.backlogCount, available);

        final Membership m = new Membership(session, room.stream, room);
        m.nextSeqToSend = lastSeq + 1 - backlog;
        m.ackedSeq = m.nextSeqToSend - 1;
        if (room.memberCount == room.members.length)
        {
            room.members = java.util.Arrays.copyOf(room.members, room.members.length * 2);
        }
        m.indexInRoom = room.memberCount;
        room.members[room.memberCount++] = m;
        session.memberships.put(room.roomId, m);

        queueJoinResult(session, room.roomId, requestId, JoinResultFlyweight.JOINED, backlog, m.nextSeqToSend);
        if (backlog > 0)
        {
            markBehind(m);
        }

        systemPayload.putInt(0, session.sessionId, LITTLE_ENDIAN);
        systemPayload.putInt(4, 0, LITTLE_ENDIAN);
        broadcast(room, SystemEvent.MEMBER_JOINED, FLAG_SYSTEM, systemPayload, 0, SystemEvent.PAYLOAD_LENGTH, 0, 0);
        guard(() -> room.listener.onJoined(room, session));
        return JoinResultFlyweight.JOINED;
    }

    private final UnsafeBuffer systemPayload = new UnsafeBuffer(new byte[SystemEvent.PAYLOAD_LENGTH]);

    boolean leave(final Room room, final Session session, final LeaveReason reason)
    {
        final Membership m = session.memberships.get(room.roomId);
        if (null == m || m.room != room)
        {
            return false;
        }
        removeMember(room, m, reason, true);
        return true;
    }

    private void removeMember(final Room room, final Membership m, final LeaveReason reason, final boolean announce)
    {
        final Session session = m.session;
        if (m.behind && reason != LeaveReason.DISCONNECTED)
        {
            // events sequenced while it was still a member come before its LEFT_ROOM: send what the lane takes now
            final Connection connection = session.connection;
            if (null != connection && null != connection.publication && session.outbox.length() == 0)
            {
                while (m.behind && pump(m, connection.publication) > 0)
                {
                    Thread.onSpinWait();
                }
            }
            if (m.behind)
            {
                counters.get(EngineCounter.FANOUT_SKIPPED).incrementRelease();
            }
        }
        final int index = m.indexInRoom;
        final int last = room.memberCount - 1;
        if (index != last)
        {
            room.members[index] = room.members[last];
            room.members[index].indexInRoom = index;
        }
        room.members[last] = null;
        room.memberCount = last;
        m.indexInRoom = -1;
        m.behind = false;
        session.memberships.remove(room.roomId);

        if (session.state != SessionState.CLOSED && reason != LeaveReason.DISCONNECTED)
        {
            leftRoomFlyweight.wrapForEncode(controlBuffer, 0, FrameType.LEFT_ROOM, session.sessionId);
            leftRoomFlyweight.roomId(room.roomId).reason(reason.code());
            sendControl(session, controlBuffer, 0, LeftRoomFlyweight.LENGTH);
        }

        if (announce)
        {
            systemPayload.putInt(0, session.sessionId, LITTLE_ENDIAN);
            systemPayload.putInt(4, reason.code(), LITTLE_ENDIAN);
            broadcast(room, SystemEvent.MEMBER_LEFT, FLAG_SYSTEM, systemPayload, 0, SystemEvent.PAYLOAD_LENGTH, 0, 0);
        }
        guard(() -> room.listener.onLeft(room, session, reason));
    }

    private void queueJoinResult(
        final Session session,
        final int roomId,
        final int requestId,
        final int status,
        final int backlog,
        final long nextSeq)
    {
        joinResultFlyweight.wrapForEncode(controlBuffer, 0, FrameType.JOIN_RESULT, session.sessionId);
        joinResultFlyweight.roomId(roomId).requestId(requestId).status(status).backlogCount(backlog).nextSeq(nextSeq);
        sendControl(session, controlBuffer, 0, JoinResultFlyweight.LENGTH);
    }

    private void onEmit(final Session session, final DirectBuffer buffer, final int offset, final int length)
    {
        final RoomEventFlyweight emit = roomEventFlyweight;
        emit.wrap(buffer, offset, length);
        final int roomId = emit.roomId();
        final Room room = roomById.get(roomId);
        final Membership m = session.memberships.get(roomId);
        if (null == room || null == m)
        {
            counters.get(EngineCounter.EMITS_VETOED).incrementRelease();
            return;
        }
        final int flags = emit.flags();
        final int typeId = emit.typeId();
        final int payloadOffset = offset + RoomEventFlyweight.PAYLOAD_OFFSET;
        final int payloadLength = emit.payloadLength();

        boolean allowed;
        if ((flags & FLAG_KRYO) != 0)
        {
            if (null == codec.registry().type(typeId))
            {
                counters.get(EngineCounter.DROPPED_UNDECODABLE).incrementRelease();
                onViolation(session);
                return;
            }
            final EmitHandler<Object> handler = emitHandlers.get(typeId);
            if (null != handler)
            {
                final Object decoded = codec.decode(typeId, buffer, payloadOffset, payloadLength);
                if (null == decoded)
                {
                    counters.get(EngineCounter.DROPPED_UNDECODABLE).incrementRelease();
                    onViolation(session);
                    return;
                }
                allowed = handler.onEmit(room, session, decoded);
            }
            else
            {
                allowed = room.listener.onEmit(room, session, typeId, buffer, payloadOffset, payloadLength);
            }
        }
        else
        {
            allowed = room.listener.onEmit(room, session, typeId, buffer, payloadOffset, payloadLength);
        }

        if (!allowed)
        {
            counters.get(EngineCounter.EMITS_VETOED).incrementRelease();
            return;
        }
        final int except = (flags & FLAG_EXCEPT_SENDER) != 0 ? session.sessionId : 0;
        broadcast(room, typeId, flags & FLAG_KRYO, buffer, payloadOffset, payloadLength, session.sessionId, except);
    }

    private Membership membership(final Session session, final int roomId)
    {
        return 0 == roomId ? session.direct : session.memberships.get(roomId);
    }

    private void onReplayRequest(final Session session, final DirectBuffer buffer, final int offset, final int length)
    {
        final ReplayRequestFlyweight request = replayRequestFlyweight;
        request.wrap(buffer, offset, length);
        final Membership m = membership(session, request.roomId());
        final long fromSeq = request.fromSeq();
        final long toSeq = request.toSeq();
        if (null == m || fromSeq < 1 || toSeq < fromSeq)
        {
            counters.get(EngineCounter.DROPPED_MALFORMED).incrementRelease();
            return;
        }
        if (fromSeq > m.stream.lastSeq)
        {
            return;
        }
        if (fromSeq < m.nextSeqToSend)
        {
            m.nextSeqToSend = fromSeq;
        }
        markBehind(m);
    }

    private void onEventAck(final Session session, final DirectBuffer buffer, final int offset, final int length)
    {
        final EventAckFlyweight ack = eventAckFlyweight;
        ack.wrap(buffer, offset, length);
        final Membership m = membership(session, ack.roomId());
        final long seq = ack.seq();
        if (null == m || seq > m.stream.lastSeq)
        {
            return;
        }
        if (seq > m.ackedSeq)
        {
            m.ackedSeq = seq;
        }
        if (m.behind && seq + 1 > m.nextSeqToSend)
        {
            m.nextSeqToSend = seq + 1;
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Handlers and lifecycle
    // ------------------------------------------------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    synchronized void registerHandler(final Class<?> type, final MessageHandler<?> handler)
    {
        final int typeId = registeredTypeId(type);
        final Int2ObjectHashMap<MessageHandler<Object>> copy = new Int2ObjectHashMap<>(messageHandlers);
        copy.put(typeId, (MessageHandler<Object>)handler);
        messageHandlers = copy;
    }

    @SuppressWarnings("unchecked")
    synchronized void registerEmitHandler(final Class<?> type, final EmitHandler<?> handler)
    {
        final int typeId = registeredTypeId(type);
        final Int2ObjectHashMap<EmitHandler<Object>> copy = new Int2ObjectHashMap<>(emitHandlers);
        copy.put(typeId, (EmitHandler<Object>)handler);
        emitHandlers = copy;
    }

    private int registeredTypeId(final Class<?> type)
    {
        final int typeId = codec.registry().typeId(type);
        if (typeId < 0)
        {
            throw new IllegalArgumentException(type.getName() + " is not registered in the MessageRegistry");
        }
        return typeId;
    }

    void abort()
    {
        closed = true;
    }

    private int onTransportClosed()
    {
        if (!closed)
        {
            closed = true;
            onError(new EngineException(
                "Aeron client closed (driver timeout or driver gone): the server stops", EngineException.Category.FATAL));
        }
        return 0;
    }

    public void onClose()
    {
        if (closed)
        {
            close();
            return;
        }
        closed = true;
        final ExclusivePublication[] publications = new ExclusivePublication[sessions.length];
        for (int i = 0; i < sessions.length; i++)
        {
            final Session session = sessions[i];
            sendDisconnect(session, DisconnectReason.SERVER_SHUTDOWN);
            publications[i] = null == session.connection ? null : session.connection.publication;
        }
        if (publications.length > 0)
        {
            transport.flush(publications, null);
        }
        close();
    }

    public void close()
    {
        if (null == sessions)
        {
            return;
        }
        closed = true;
        for (final Session session : sessions)
        {
            if (null != session.connection)
            {
                CloseHelper.quietClose(session.connection.publication);
            }
            if (null != session.inputLink)
            {
                CloseHelper.quietClose(session.inputLink.publication);
            }
        }
        for (final Connection connection : pendingConnections)
        {
            CloseHelper.quietClose(connection.publication);
        }
        for (final InputLink link : pendingInputLinks)
        {
            CloseHelper.quietClose(link.publication);
        }
        for (final Room room : rooms)
        {
            CloseHelper.quietClose(room.oldestSeqCounter);
        }
        CloseHelper.quietCloseAll(
            controlSubscription, inputSubscription, prototypeEventsPublication, prototypeSnapshotPublication, counters);
        sessions = null;
    }
}
