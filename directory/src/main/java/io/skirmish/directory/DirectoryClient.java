package io.skirmish.directory;

import io.skirmish.directory.protocol.DirectoryAuth;
import io.skirmish.directory.protocol.DirectoryHeaderFlyweight;
import io.skirmish.directory.protocol.DirectoryMessageType;
import io.skirmish.directory.protocol.DirectoryResult;
import io.skirmish.directory.protocol.IdRequestFlyweight;
import io.skirmish.directory.protocol.ResultFlyweight;
import io.skirmish.directory.protocol.RoomStatusFlyweight;
import io.skirmish.directory.protocol.SeatGrantedFlyweight;
import io.skirmish.directory.protocol.SeatRequestFlyweight;
import io.skirmish.engine.EngineException;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The directory's client for game backends (trusted servers, never the game client): asks for seats by room id or
 * by ticket, confirms and releases them, and describes rooms. Every request is asynchronous: it returns a
 * correlation id (or a negative {@link DirectoryResult} code) and its answer arrives at the
 * {@link DirectoryListener} from {@link #poll()}. The blocking forms ({@link #requestSeat(int, int, Seat)},
 * {@link #requestSeat(Ticket, Seat)}, ...) send and poll until the answer or the request timeout.
 * <p>
 * Leader changes are handled inside: a request the old leader did not answer is sent again to the new one, under
 * the same correlation id, so the directory answers a repeated seat request with the seat it already reserved
 * (never a second one). A request unanswered by its deadline ends with {@link DirectoryResult#TIMEOUT}.
 * <p>
 * Thread safety: none; one thread calls everything (use one client per backend thread).
 */
public final class DirectoryClient implements AutoCloseable
{
    private static final byte[] NO_PROPERTIES = new byte[0];
    private static final int MAX_REQUEST_LENGTH = SeatRequestFlyweight.MIN_LENGTH +
        SeatRequestFlyweight.MAX_PROPERTIES_LENGTH;

    private final Context ctx;
    private final NanoClock clock;
    private final ClusterConnection connection;
    private final long[] pendingIds;
    private final long[] deadlinesNs;
    private final long[] sentAtNs;
    private final int[] lengths;
    private final UnsafeBuffer[] requests;
    private final DirectoryHeaderFlyweight header = new DirectoryHeaderFlyweight();
    private final SeatRequestFlyweight seatRequest = new SeatRequestFlyweight();
    private final IdRequestFlyweight idRequest = new IdRequestFlyweight();
    private final ResultFlyweight result = new ResultFlyweight();
    private final SeatGrantedFlyweight granted = new SeatGrantedFlyweight();
    private final RoomStatusFlyweight roomStatus = new RoomStatusFlyweight();
    private final Seat seat = new Seat();
    private final RoomStatus room = new RoomStatus();
    private long nextSeq;
    private int pendingCount;
    private long duplicateAnswers;
    private long resends;
    private long awaitedId;
    private boolean awaitedDone;
    private long awaitedCode;
    private Seat awaitedSeat;
    private RoomStatus awaitedRoom;
    private boolean closed;

    private DirectoryClient(final Context ctx)
    {
        this.ctx = ctx;
        this.clock = ctx.nanoClock;
        final int max = ctx.maxPendingRequests;
        pendingIds = new long[max];
        deadlinesNs = new long[max];
        sentAtNs = new long[max];
        lengths = new int[max];
        requests = new UnsafeBuffer[max];
        for (int i = 0; i < max; i++)
        {
            requests[i] = new UnsafeBuffer(new byte[MAX_REQUEST_LENGTH]);
        }
        connection = new ClusterConnection(ctx.nodes, ctx.aeronDirectoryName, ctx.egressHost, ctx.connectTimeoutNs,
            ctx.keepAliveIntervalNs, ctx.idleStrategy, DirectoryAuth.ROLE_BACKEND, ctx.secret,
            new ClusterConnection.Listener()
            {
                public void onMessage(final DirectBuffer buffer, final int offset, final int length)
                {
                    onAnswer(buffer, offset, length);
                }

                public void onReconnected()
                {
                    Arrays.fill(sentAtNs, 0);
                }
            });
    }

    /**
     * Connect to the directory cluster, blocking up to {@link Context#connectTimeoutNs()}.
     *
     * @param ctx settings, concluded here.
     * @return the connected client.
     * @throws EngineException when no node answers in time.
     */
    public static DirectoryClient connect(final Context ctx)
    {
        ctx.conclude();
        final DirectoryClient client = new DirectoryClient(ctx);
        if (!client.connection.connect())
        {
            client.close();
            throw new EngineException(client.connection.wasRefused() ?
                "directory: connection refused by the authenticator of " + ctx.nodes :
                "directory: no cluster at " + ctx.nodes, EngineException.Category.ERROR);
        }
        return client;
    }

    /**
     * Ask for a seat in a room (asynchronous).
     *
     * @param roomId    the room.
     * @param partySize players the seat holds.
     * @param ttlMs     how long it is held unconfirmed, 0 for the directory's default.
     * @return the correlation id, or {@link DirectoryResult#BACK_PRESSURED} (too many in flight) or
     *         {@link DirectoryResult#CLOSED}.
     */
    public long seatInRoom(final int roomId, final int partySize, final int ttlMs)
    {
        final int slot = freeSlot();
        if (slot < 0)
        {
            return slot;
        }
        final long id = nextCorrelationId();
        seatRequest.wrapForEncode(requests[slot], 0, DirectoryMessageType.SEAT_BY_ROOM, id);
        seatRequest.roomId(roomId).partySize(partySize).kind(0).minPlayers(0).maxPlayers(0).ttlMs(ttlMs).flags(0)
            .putProperties(ticketless(), 0);
        return send(slot, id, seatRequest.length());
    }

    /**
     * Ask for a seat by ticket (asynchronous): the directory matches it into an existing room or places a new one.
     *
     * @param ticket what the party looks for; copied, so it may be reused at once.
     * @return the correlation id, or {@link DirectoryResult#BACK_PRESSURED} or {@link DirectoryResult#CLOSED}.
     */
    public long seatByTicket(final Ticket ticket)
    {
        final int slot = freeSlot();
        if (slot < 0)
        {
            return slot;
        }
        final long id = nextCorrelationId();
        seatRequest.wrapForEncode(requests[slot], 0, DirectoryMessageType.SEAT_BY_TICKET, id);
        seatRequest.roomId(0).partySize(ticket.partySize()).kind(ticket.kind()).minPlayers(ticket.minPlayers())
            .maxPlayers(ticket.maxPlayers()).ttlMs(ticket.ttlMs())
            .flags(ticket.durable() ? SeatRequestFlyweight.FLAG_DURABLE : 0)
            .putProperties(ticket.propertyBytes(), ticket.propertiesLength());
        return send(slot, id, seatRequest.length());
    }

    /**
     * Confirm a seat: its players arrived and count as members (asynchronous; usually the room server's job, see
     * {@link DirectoryReporter#confirmSeat(long)}).
     *
     * @param seatId the seat.
     * @return the correlation id, or a negative code.
     */
    public long confirmSeat(final long seatId)
    {
        return idRequest(DirectoryMessageType.CONFIRM_SEAT, seatId);
    }

    /**
     * Release a seat: its space is free again (asynchronous).
     *
     * @param seatId the seat.
     * @return the correlation id, or a negative code.
     */
    public long releaseSeat(final long seatId)
    {
        return idRequest(DirectoryMessageType.RELEASE_SEAT, seatId);
    }

    /**
     * Describe a room (asynchronous).
     *
     * @param roomId the room.
     * @return the correlation id, or a negative code.
     */
    public long describeRoom(final int roomId)
    {
        return idRequest(DirectoryMessageType.DESCRIBE_ROOM, roomId);
    }

    /**
     * Ask for a seat in a room and wait for the answer.
     *
     * @param roomId    the room.
     * @param partySize players the seat holds.
     * @param into      filled with the seat when granted.
     * @return the seat id, or a negative {@link DirectoryResult} code (NO_CAPACITY, NO_SUCH_ROOM, SERVER_DEAD,
     *         TIMEOUT, ...).
     */
    public long requestSeat(final int roomId, final int partySize, final Seat into)
    {
        return await(seatInRoom(roomId, partySize, 0), into, null);
    }

    /**
     * Ask for a seat in a room, held for a given time, and wait for the answer.
     *
     * @param roomId    the room.
     * @param partySize players the seat holds.
     * @param ttlMs     how long it is held unconfirmed, 0 for the directory's default.
     * @param into      filled with the seat when granted.
     * @return the seat id, or a negative {@link DirectoryResult} code.
     */
    public long requestSeat(final int roomId, final int partySize, final int ttlMs, final Seat into)
    {
        return await(seatInRoom(roomId, partySize, ttlMs), into, null);
    }

    /**
     * Ask for a seat by ticket and wait for the answer.
     *
     * @param ticket what the party looks for.
     * @param into   filled with the seat when granted.
     * @return the seat id, or a negative {@link DirectoryResult} code (NO_CAPACITY, NO_LIVE_SERVER, TIMEOUT, ...).
     */
    public long requestSeat(final Ticket ticket, final Seat into)
    {
        return await(seatByTicket(ticket), into, null);
    }

    /**
     * Confirm a seat and wait.
     *
     * @param seatId the seat.
     * @return {@link DirectoryResult#OK} or a negative code (NO_SUCH_SEAT, TIMEOUT, ...).
     */
    public long confirm(final long seatId)
    {
        return await(confirmSeat(seatId), null, null);
    }

    /**
     * Release a seat and wait.
     *
     * @param seatId the seat.
     * @return {@link DirectoryResult#OK} or a negative code (NO_SUCH_SEAT, TIMEOUT, ...).
     */
    public long release(final long seatId)
    {
        return await(releaseSeat(seatId), null, null);
    }

    /**
     * Describe a room and wait.
     *
     * @param roomId the room.
     * @param into   filled with the room.
     * @return {@link DirectoryResult#OK} or a negative code (NO_SUCH_ROOM, TIMEOUT, ...).
     */
    public long describe(final int roomId, final RoomStatus into)
    {
        return await(describeRoom(roomId), null, into);
    }

    /**
     * Send what is waiting, poll answers (delivered to the listener), time out what passed its deadline and keep
     * the session alive. Call it often.
     *
     * @return work done.
     */
    public int poll()
    {
        if (closed)
        {
            return 0;
        }
        final long nowNs = clock.nanoTime();
        int work = connection.poll(nowNs);
        if (pendingCount > 0)
        {
            for (int i = 0; i < pendingIds.length; i++)
            {
                final long id = pendingIds[i];
                if (0 == id)
                {
                    continue;
                }
                if (nowNs - deadlinesNs[i] > 0)
                {
                    complete(i);
                    finish(id, DirectoryResult.TIMEOUT, null, null);
                    work++;
                }
                else if ((0 == sentAtNs[i] || nowNs - sentAtNs[i] > ctx.resendIntervalNs) &&
                    connection.offer(requests[i], 0, lengths[i], nowNs))
                {
                    resends += 0 == sentAtNs[i] ? 0 : 1;
                    sentAtNs[i] = nowNs;
                    work++;
                }
            }
        }
        return work;
    }

    /**
     * @return requests sent and not yet answered.
     */
    public int pendingRequests()
    {
        return pendingCount;
    }

    /**
     * @return the node id of the leader this client's session is with, -1 when not connected.
     */
    public int leaderMemberId()
    {
        return connection.leaderMemberId();
    }

    /**
     * @return requests sent again after a leader change or the resend interval.
     */
    public long resends()
    {
        return resends;
    }

    /**
     * @return answers that arrived for requests already answered (after a resend), ignored.
     */
    public long duplicateAnswers()
    {
        return duplicateAnswers;
    }

    /**
     * @return the concluded settings.
     */
    public Context context()
    {
        return ctx;
    }

    /**
     * Close the session; pending requests are dropped.
     */
    public void close()
    {
        closed = true;
        connection.close();
    }

    private long idRequest(final int type, final long targetId)
    {
        final int slot = freeSlot();
        if (slot < 0)
        {
            return slot;
        }
        final long id = nextCorrelationId();
        idRequest.wrapForEncode(requests[slot], 0, type, id);
        idRequest.id(targetId);
        return send(slot, id, IdRequestFlyweight.LENGTH);
    }

    private long await(final long correlationId, final Seat seatInto, final RoomStatus roomInto)
    {
        if (correlationId < 0)
        {
            return correlationId;
        }
        awaitedId = correlationId;
        awaitedDone = false;
        awaitedSeat = seatInto;
        awaitedRoom = roomInto;
        final IdleStrategy idle = ctx.idleStrategy;
        idle.reset();
        while (!awaitedDone)
        {
            idle.idle(poll());
        }
        awaitedId = 0;
        awaitedSeat = null;
        awaitedRoom = null;
        return awaitedCode;
    }

    private int freeSlot()
    {
        if (closed)
        {
            return (int)DirectoryResult.CLOSED;
        }
        for (int i = 0; i < pendingIds.length; i++)
        {
            if (0 == pendingIds[i])
            {
                return i;
            }
        }
        return (int)DirectoryResult.BACK_PRESSURED;
    }

    private long nextCorrelationId()
    {
        return ((long)ctx.backendId << 40) | (++nextSeq & 0xFF_FFFF_FFFFL);
    }

    private static byte[] ticketless()
    {
        return NO_PROPERTIES;
    }

    private long send(final int slot, final long id, final int length)
    {
        final long nowNs = clock.nanoTime();
        pendingIds[slot] = id;
        lengths[slot] = length;
        deadlinesNs[slot] = nowNs + ctx.requestTimeoutNs;
        sentAtNs[slot] = connection.offer(requests[slot], 0, length, nowNs) ? nowNs : 0;
        pendingCount++;
        return id;
    }

    private void complete(final int slot)
    {
        pendingIds[slot] = 0;
        pendingCount--;
    }

    private void onAnswer(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < DirectoryHeaderFlyweight.HEADER_LENGTH)
        {
            return;
        }
        header.wrap(buffer, offset);
        final long id = header.correlationId();
        int slot = -1;
        for (int i = 0; i < pendingIds.length; i++)
        {
            if (id == pendingIds[i])
            {
                slot = i;
                break;
            }
        }
        if (slot < 0 || 0 == id)
        {
            duplicateAnswers++;
            return;
        }
        switch (header.type())
        {
            case DirectoryMessageType.SEAT_GRANTED ->
            {
                granted.wrap(buffer, offset);
                final Seat target = id == awaitedId && null != awaitedSeat ? awaitedSeat : seat;
                target.set(granted);
                complete(slot);
                finish(id, target.seatId(), target, null);
            }
            case DirectoryMessageType.ROOM_STATUS ->
            {
                roomStatus.wrap(buffer, offset);
                final RoomStatus target = id == awaitedId && null != awaitedRoom ? awaitedRoom : room;
                target.set(roomStatus);
                complete(slot);
                finish(id, DirectoryResult.OK, null, target);
            }
            case DirectoryMessageType.RESULT ->
            {
                result.wrap(buffer, offset);
                complete(slot);
                finish(id, result.code(), null, null);
            }
            default -> duplicateAnswers++;
        }
    }

    private void finish(final long id, final long code, final Seat granted, final RoomStatus status)
    {
        if (id == awaitedId)
        {
            awaitedDone = true;
            awaitedCode = code;
            return;
        }
        final DirectoryListener listener = ctx.listener;
        if (null != granted)
        {
            listener.onSeat(id, granted);
        }
        else if (null != status)
        {
            listener.onRoomStatus(id, status);
        }
        else
        {
            listener.onResult(id, code);
        }
    }

    /**
     * Settings of a {@link DirectoryClient}, fluent, concluded once by {@link DirectoryClient#connect(Context)}.
     */
    public static final class Context
    {
        private boolean concluded;
        private String nodes;
        private String aeronDirectoryName;
        private String egressHost = "localhost";
        private int backendId;
        private long requestTimeoutNs = TimeUnit.SECONDS.toNanos(10);
        private long resendIntervalNs = TimeUnit.SECONDS.toNanos(1);
        private long connectTimeoutNs = TimeUnit.SECONDS.toNanos(5);
        private long keepAliveIntervalNs = TimeUnit.SECONDS.toNanos(1);
        private int maxPendingRequests = 64;
        private IdleStrategy idleStrategy;
        private NanoClock nanoClock;
        private byte[] secret;
        private DirectoryListener listener;

        /**
         * Fill defaults and check; once.
         *
         * @return this.
         */
        public Context conclude()
        {
            if (concluded)
            {
                throw new IllegalStateException("DirectoryClient.Context already concluded");
            }
            concluded = true;
            if (null == nodes)
            {
                throw new EngineException("DirectoryClient.Context: nodes not set", EngineException.Category.FATAL);
            }
            if (backendId < 0 || backendId >= (1 << 23))
            {
                throw new EngineException("DirectoryClient.Context: backendId " + backendId + " not in [0, 2^23)",
                    EngineException.Category.FATAL);
            }
            if (0 == backendId)
            {
                backendId = 1 + new SecureRandom().nextInt((1 << 23) - 1);
            }
            if (maxPendingRequests <= 0)
            {
                throw new EngineException("DirectoryClient.Context: maxPendingRequests must be positive",
                    EngineException.Category.FATAL);
            }
            if (null == idleStrategy)
            {
                idleStrategy = new BackoffIdleStrategy(
                    100, 10, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MICROSECONDS.toNanos(100));
            }
            if (null == nanoClock)
            {
                nanoClock = SystemNanoClock.INSTANCE;
            }
            if (null == listener)
            {
                listener = new DirectoryListener()
                {
                };
            }
            return this;
        }

        /**
         * @param nodes every directory node's {@code host:basePort}, comma-separated, in node id order: the same
         *              string as {@link DirectoryNode.Context#nodes(String)}.
         * @return this for a fluent API.
         */
        public Context nodes(final String nodes)
        {
            this.nodes = nodes;
            return this;
        }

        /**
         * @return the nodes.
         */
        public String nodes()
        {
            return nodes;
        }

        /**
         * @param aeronDirectoryName the media driver the client uses (running, e.g. the backend's); default Aeron's
         *                           default directory.
         * @return this for a fluent API.
         */
        public Context aeronDirectoryName(final String aeronDirectoryName)
        {
            this.aeronDirectoryName = aeronDirectoryName;
            return this;
        }

        /**
         * @return the media driver directory.
         */
        public String aeronDirectoryName()
        {
            return aeronDirectoryName;
        }

        /**
         * @param egressHost the address the directory's answers come back to (this host as the nodes reach it);
         *                   default localhost.
         * @return this for a fluent API.
         */
        public Context egressHost(final String egressHost)
        {
            this.egressHost = egressHost;
            return this;
        }

        /**
         * @return the egress host.
         */
        public String egressHost()
        {
            return egressHost;
        }

        /**
         * @param backendId the top bits of every correlation id, unique per client of the directory (it makes a
         *                  request sent again after a leader change recognisable); 1 to 2^23 - 1, default random.
         * @return this for a fluent API.
         */
        public Context backendId(final int backendId)
        {
            this.backendId = backendId;
            return this;
        }

        /**
         * @return the backend id.
         */
        public int backendId()
        {
            return backendId;
        }

        /**
         * @param requestTimeoutNs a request unanswered this long ends with TIMEOUT; default 10 s (longer than an
         *                         election).
         * @return this for a fluent API.
         */
        public Context requestTimeoutNs(final long requestTimeoutNs)
        {
            this.requestTimeoutNs = requestTimeoutNs;
            return this;
        }

        /**
         * @return the request timeout.
         */
        public long requestTimeoutNs()
        {
            return requestTimeoutNs;
        }

        /**
         * @param resendIntervalNs an unanswered request is sent again after this long (and at once after a leader
         *                         change); default 1 s.
         * @return this for a fluent API.
         */
        public Context resendIntervalNs(final long resendIntervalNs)
        {
            this.resendIntervalNs = resendIntervalNs;
            return this;
        }

        /**
         * @return the resend interval.
         */
        public long resendIntervalNs()
        {
            return resendIntervalNs;
        }

        /**
         * @param connectTimeoutNs how long connecting (and reconnecting, and waiting for a new leader) may take;
         *                         default 5 s.
         * @return this for a fluent API.
         */
        public Context connectTimeoutNs(final long connectTimeoutNs)
        {
            this.connectTimeoutNs = connectTimeoutNs;
            return this;
        }

        /**
         * @return the connect timeout.
         */
        public long connectTimeoutNs()
        {
            return connectTimeoutNs;
        }

        /**
         * @param keepAliveIntervalNs a keep-alive goes to the cluster when nothing was sent for this long; default
         *                            1 s (the cluster closes sessions silent for its session timeout).
         * @return this for a fluent API.
         */
        public Context keepAliveIntervalNs(final long keepAliveIntervalNs)
        {
            this.keepAliveIntervalNs = keepAliveIntervalNs;
            return this;
        }

        /**
         * @return the keep-alive interval.
         */
        public long keepAliveIntervalNs()
        {
            return keepAliveIntervalNs;
        }

        /**
         * @param maxPendingRequests requests in flight at once; more return BACK_PRESSURED; default 64.
         * @return this for a fluent API.
         */
        public Context maxPendingRequests(final int maxPendingRequests)
        {
            this.maxPendingRequests = maxPendingRequests;
            return this;
        }

        /**
         * @return the most requests in flight.
         */
        public int maxPendingRequests()
        {
            return maxPendingRequests;
        }

        /**
         * @param idleStrategy how blocking calls wait between polls; default a backoff to 100 us parks.
         * @return this for a fluent API.
         */
        public Context idleStrategy(final IdleStrategy idleStrategy)
        {
            this.idleStrategy = idleStrategy;
            return this;
        }

        /**
         * @return the idle strategy.
         */
        public IdleStrategy idleStrategy()
        {
            return idleStrategy;
        }

        /**
         * @param secret the shared secret of the game backends' role, when the directory authenticates its sessions
         *               ({@link DirectoryNode.Context#backendSecret(byte[])}): the session answers the directory's
         *               challenge with HMAC-SHA256 of it; default none (a directory without secrets).
         * @return this for a fluent API.
         */
        public Context secret(final byte[] secret)
        {
            this.secret = null == secret ? null : secret.clone();
            return this;
        }

        /**
         * @return the shared secret, null for none.
         */
        public byte[] secret()
        {
            return secret;
        }

        /**
         * @param nanoClock for deadlines and resends; default the system's.
         * @return this for a fluent API.
         */
        public Context nanoClock(final NanoClock nanoClock)
        {
            this.nanoClock = nanoClock;
            return this;
        }

        /**
         * @return the clock.
         */
        public NanoClock nanoClock()
        {
            return nanoClock;
        }

        /**
         * @param listener answers to asynchronous requests, on the polling thread; default ignores them.
         * @return this for a fluent API.
         */
        public Context listener(final DirectoryListener listener)
        {
            this.listener = listener;
            return this;
        }

        /**
         * @return the listener.
         */
        public DirectoryListener listener()
        {
            return listener;
        }
    }
}
