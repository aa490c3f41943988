package io.skirmish.directory;

import io.skirmish.directory.protocol.DirectoryAuth;
import io.skirmish.directory.protocol.DirectoryHeaderFlyweight;
import io.skirmish.directory.protocol.DirectoryMessageType;
import io.skirmish.directory.protocol.DirectoryResult;
import io.skirmish.directory.protocol.HeartbeatFlyweight;
import io.skirmish.directory.protocol.IdRequestFlyweight;
import io.skirmish.directory.protocol.RegisterServerFlyweight;
import io.skirmish.directory.protocol.ReportFlyweight;
import io.skirmish.directory.protocol.ResultFlyweight;
import io.skirmish.directory.protocol.RoomStatusFlyweight;
import io.skirmish.directory.protocol.SeatRequestFlyweight;
import io.skirmish.engine.EngineException;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.collections.IntHashSet;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The room server's side of the directory: registers the server (public address, capacity, token key id), reports
 * its rooms, member counts and health every report interval (a report is also the heartbeat the directory marks
 * servers dead without), confirms seats when their players arrive, and hears of rooms the directory placed on it.
 * An Agrona {@link Agent}: run it on an agent runner, or call {@link #doWork()} from the server's own duty cycle.
 * <p>
 * Thread safety: none; {@link #room}, {@link #removeRoom}, {@link #health}, {@link #confirmSeat} and
 * {@link #doWork()} are called on one thread.
 */
public final class DirectoryReporter implements Agent, AutoCloseable
{
    private static final long REGISTER_CORRELATION_ID = 1;

    private final Context ctx;
    private final NanoClock clock;
    private final ClusterConnection connection;
    private final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(ReportFlyweight.length(
        ReportFlyweight.MAX_ROOMS));
    private final RegisterServerFlyweight register = new RegisterServerFlyweight();
    private final ReportFlyweight report = new ReportFlyweight();
    private final HeartbeatFlyweight heartbeat = new HeartbeatFlyweight();
    private final IdRequestFlyweight idRequest = new IdRequestFlyweight();
    private final DirectoryHeaderFlyweight header = new DirectoryHeaderFlyweight();
    private final ResultFlyweight result = new ResultFlyweight();
    private final RoomStatusFlyweight placed = new RoomStatusFlyweight();
    private final byte[] properties = new byte[SeatRequestFlyweight.MAX_PROPERTIES_LENGTH];
    private final IntHashSet placedNotified = new IntHashSet();
    private final Long2LongHashMap confirmsByCorrelation = new Long2LongHashMap(0);
    private int[] roomIds = new int[16];
    private int[] kinds = new int[16];
    private int[] members = new int[16];
    private int[] maxPlayers = new int[16];
    private int[] roomFlags = new int[16];
    private int roomCount;
    private int reportNumber;
    private int health;
    private boolean registered;
    private long nextRegisterNs;
    private long nextReportNs;
    private long nextCorrelationId = REGISTER_CORRELATION_ID + 1;
    private long reportsSent;

    private DirectoryReporter(final Context ctx)
    {
        this.ctx = ctx;
        this.clock = ctx.nanoClock;
        connection = new ClusterConnection(ctx.nodes, ctx.aeronDirectoryName, ctx.egressHost, ctx.connectTimeoutNs,
            ctx.reportIntervalNs, new BackoffIdleStrategy(), DirectoryAuth.ROLE_SERVER, ctx.secret,
            new ClusterConnection.Listener()
            {
                public void onMessage(final DirectBuffer buffer, final int offset, final int length)
                {
                    onAnswer(buffer, offset, length);
                }

                public void onReconnected()
                {
                    registered = false;
                    nextRegisterNs = clock.nanoTime();
                }
            });
    }

    /**
     * Start a reporter; it connects (blocking up to the connect timeout) and registers from its first duty cycle.
     *
     * @param ctx settings, concluded here.
     * @return the reporter.
     */
    public static DirectoryReporter launch(final Context ctx)
    {
        ctx.conclude();
        final DirectoryReporter reporter = new DirectoryReporter(ctx);
        reporter.connection.connect();
        return reporter;
    }

    /**
     * Add or update a room that is not durable: it goes into the next report.
     *
     * @param roomId     room id.
     * @param kind       room kind.
     * @param members    members now.
     * @param maxPlayers most players.
     */
    public void room(final int roomId, final int kind, final int members, final int maxPlayers)
    {
        room(roomId, kind, members, maxPlayers, false);
    }

    /**
     * Add or update a room: it goes into the next report.
     *
     * @param roomId     room id.
     * @param kind       room kind.
     * @param members    members now.
     * @param maxPlayers most players.
     * @param durable    whether the room is durable: if this server dies, the directory places it on another.
     */
    public void room(final int roomId, final int kind, final int members, final int maxPlayers, final boolean durable)
    {
        int index = indexOf(roomId);
        if (index < 0)
        {
            if (roomCount == roomIds.length)
            {
                roomIds = Arrays.copyOf(roomIds, roomCount * 2);
                kinds = Arrays.copyOf(kinds, roomCount * 2);
                this.members = Arrays.copyOf(this.members, roomCount * 2);
                this.maxPlayers = Arrays.copyOf(this.maxPlayers, roomCount * 2);
                roomFlags = Arrays.copyOf(roomFlags, roomCount * 2);
            }
            index = roomCount++;
            roomIds[index] = roomId;
        }
        kinds[index] = kind;
        this.members[index] = members;
        this.maxPlayers[index] = maxPlayers;
        roomFlags[index] = durable ? ReportFlyweight.ROOM_FLAG_DURABLE : 0;
        placedNotified.remove(roomId);
    }

    /**
     * Remove a closed room: the next complete report leaves it out and the directory closes it.
     *
     * @param roomId room id.
     */
    public void removeRoom(final int roomId)
    {
        final int index = indexOf(roomId);
        if (index >= 0)
        {
            roomCount--;
            roomIds[index] = roomIds[roomCount];
            kinds[index] = kinds[roomCount];
            members[index] = members[roomCount];
            maxPlayers[index] = maxPlayers[roomCount];
            roomFlags[index] = roomFlags[roomCount];
        }
    }

    /**
     * The room the directory placed here was not opened (its restore is deferred): the directory's next reminder
     * of the placement is handed to the listener again.
     *
     * @param roomId the room.
     */
    public void placementNotOpened(final int roomId)
    {
        placedNotified.remove(roomId);
    }

    /**
     * @param health 0 healthy, positive degraded (no new rooms placed here), negative draining (no new seats).
     */
    public void health(final int health)
    {
        this.health = health;
    }

    /**
     * Confirm a seat whose player arrived (its seat id is in the player's connect token, {@link Seat#seatIdOf});
     * sent with the next duty cycle and again with every report until answered.
     *
     * @param seatId the seat.
     */
    public void confirmSeat(final long seatId)
    {
        confirmsByCorrelation.put(nextCorrelationId++, seatId);
        nextReportNs = clock.nanoTime();
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        final long nowNs = clock.nanoTime();
        int work = connection.poll(nowNs);
        if (!registered)
        {
            if (nowNs - nextRegisterNs >= 0)
            {
                register.wrapForEncode(buffer, 0, DirectoryMessageType.REGISTER_SERVER, REGISTER_CORRELATION_ID);
                register.serverId(ctx.serverId).capacity(ctx.capacity).tokenKeyId(ctx.tokenKeyId)
                    .address(ctx.publicAddress);
                if (connection.offer(buffer, 0, register.length(), nowNs))
                {
                    work++;
                }
                nextRegisterNs = nowNs + ctx.reportIntervalNs;
            }
        }
        else if (nowNs - nextReportNs >= 0)
        {
            work += sendReport(nowNs);
            nextReportNs = nowNs + ctx.reportIntervalNs;
        }
        return work;
    }

    private int sendReport(final long nowNs)
    {
        int work = 0;
        final int parts = Math.max(1, (roomCount + ReportFlyweight.MAX_ROOMS - 1) / ReportFlyweight.MAX_ROOMS);
        final boolean complete = parts <= ReportFlyweight.MAX_PARTS;
        final int number = ++reportNumber;
        int from = 0;
        int part = 0;
        do
        {
            final int count = Math.min(ReportFlyweight.MAX_ROOMS, roomCount - from);
            report.wrapForEncode(buffer, 0, DirectoryMessageType.REPORT, 0);
            report.serverId(ctx.serverId).health(health).roomCount(count)
                .flags(!complete ? 0 : 1 == parts ? ReportFlyweight.FLAG_COMPLETE :
                ReportFlyweight.partFlags(part, parts, number));
            part++;
            for (int i = 0; i < count; i++)
            {
                final int r = from + i;
                report.room(i, roomIds[r], kinds[r], members[r], maxPlayers[r], roomFlags[r]);
            }
            if (connection.offer(buffer, 0, ReportFlyweight.length(count), nowNs))
            {
                reportsSent++;
                work++;
            }
            from += count;
        }
        while (from < roomCount);
        confirmsByCorrelation.forEachLong((correlationId, seatId) ->
        {
            idRequest.wrapForEncode(buffer, 0, DirectoryMessageType.CONFIRM_SEAT, correlationId);
            idRequest.id(seatId);
            connection.offer(buffer, 0, IdRequestFlyweight.LENGTH, nowNs);
        });
        return work;
    }

    /**
     * Send a heartbeat now, between reports.
     *
     * @return true when the cluster took it.
     */
    public boolean heartbeat()
    {
        heartbeat.wrapForEncode(buffer, 0, DirectoryMessageType.HEARTBEAT, 0);
        heartbeat.serverId(ctx.serverId).health(health);
        return connection.offer(buffer, 0, HeartbeatFlyweight.LENGTH, clock.nanoTime());
    }

    private void onAnswer(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < DirectoryHeaderFlyweight.HEADER_LENGTH)
        {
            return;
        }
        header.wrap(buffer, offset);
        if (DirectoryMessageType.RESULT == header.type() && length >= ResultFlyweight.LENGTH)
        {
            result.wrap(buffer, offset);
            final long correlationId = result.correlationId();
            if (REGISTER_CORRELATION_ID == correlationId && DirectoryResult.OK == result.code())
            {
                if (!registered)
                {
                    registered = true;
                    nextReportNs = clock.nanoTime();
                    ctx.listener.onRegistered();
                }
            }
            else if (DirectoryResult.NOT_REGISTERED == result.code())
            {
                registered = false;
            }
            else if (confirmsByCorrelation.containsKey(correlationId))
            {
                final long seatId = confirmsByCorrelation.remove(correlationId);
                ctx.listener.onSeatConfirmed(seatId, result.code());
            }
        }
        else if (DirectoryMessageType.ROOM_PLACED == header.type() && length >= RoomStatusFlyweight.MIN_LENGTH)
        {
            placed.wrap(buffer, offset);
            final int roomId = placed.roomId();
            if (indexOf(roomId) < 0 && placedNotified.add(roomId) &&
                placed.propertiesLength() <= properties.length && length >= placed.length())
            {
                final int n = placed.getProperties(properties);
                ctx.listener.onRoomPlaced(roomId, placed.kind(), placed.minPlayers(), placed.maxPlayers(),
                    Arrays.copyOf(properties, n), 0 != (placed.flags() & RoomStatusFlyweight.FLAG_DURABLE),
                    0 != (placed.flags() & RoomStatusFlyweight.FLAG_RESTORE));
            }
        }
    }

    private int indexOf(final int roomId)
    {
        for (int i = 0; i < roomCount; i++)
        {
            if (roomIds[i] == roomId)
            {
                return i;
            }
        }
        return -1;
    }

    /**
     * @return true once the directory accepted the registration on the current session.
     */
    public boolean isRegistered()
    {
        return registered;
    }

    /**
     * @return true when the directory's authenticator refused the last attempt to connect (a wrong secret); the
     *         reporter keeps trying every connect timeout.
     */
    public boolean wasRefused()
    {
        return connection.wasRefused();
    }

    /**
     * @return reports sent.
     */
    public long reportsSent()
    {
        return reportsSent;
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return "directory-reporter-" + ctx.serverId;
    }

    /**
     * {@inheritDoc}
     */
    public void onClose()
    {
        connection.close();
    }

    /**
     * Close the session with the directory (the server is marked dead after the server timeout).
     */
    public void close()
    {
        connection.close();
    }

    /**
     * Settings of a {@link DirectoryReporter}, fluent, concluded once by {@link DirectoryReporter#launch}.
     */
    public static final class Context
    {
        private boolean concluded;
        private String nodes;
        private String aeronDirectoryName;
        private String egressHost = "localhost";
        private int serverId;
        private String publicAddress;
        private int capacity;
        private int tokenKeyId;
        private long reportIntervalNs = TimeUnit.SECONDS.toNanos(1);
        private long connectTimeoutNs = TimeUnit.SECONDS.toNanos(5);
        private NanoClock nanoClock;
        private byte[] secret;
        private ReporterListener listener;

        /**
         * Fill defaults and check; once.
         *
         * @return this.
         */
        public Context conclude()
        {
            if (concluded)
            {
                throw new IllegalStateException("DirectoryReporter.Context already concluded");
            }
            concluded = true;
            if (null == nodes || null == publicAddress || serverId <= 0 || capacity <= 0 ||
                publicAddress.length() > RegisterServerFlyweight.MAX_ADDRESS_LENGTH)
            {
                throw new EngineException("DirectoryReporter.Context: nodes, publicAddress (at most " +
                    RegisterServerFlyweight.MAX_ADDRESS_LENGTH + " chars), positive serverId and capacity are needed",
                    EngineException.Category.FATAL);
            }
            if (null == nanoClock)
            {
                nanoClock = SystemNanoClock.INSTANCE;
            }
            if (null == listener)
            {
                listener = new ReporterListener()
                {
                };
            }
            return this;
        }

        /**
         * @param nodes the directory nodes, as {@link DirectoryClient.Context#nodes(String)}.
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
         * @param aeronDirectoryName the media driver the reporter uses (e.g. the game server's); default Aeron's.
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
         * @param egressHost where the directory's answers come back to; default localhost.
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
         * @param serverId the room server's id, positive and unique among the directory's servers.
         * @return this for a fluent API.
         */
        public Context serverId(final int serverId)
        {
            this.serverId = serverId;
            return this;
        }

        /**
         * @return the server id.
         */
        public int serverId()
        {
            return serverId;
        }

        /**
         * @param publicAddress the {@code host:port} players connect to, as in the server's
         *                      {@code GameServer.Context#publicAddresses} (connect tokens are minted for it).
         * @return this for a fluent API.
         */
        public Context publicAddress(final String publicAddress)
        {
            this.publicAddress = publicAddress;
            return this;
        }

        /**
         * @return the public address.
         */
        public String publicAddress()
        {
            return publicAddress;
        }

        /**
         * @param capacity players the server holds over all its rooms.
         * @return this for a fluent API.
         */
        public Context capacity(final int capacity)
        {
            this.capacity = capacity;
            return this;
        }

        /**
         * @return the capacity.
         */
        public int capacity()
        {
            return capacity;
        }

        /**
         * @param tokenKeyId the id of the connect token secret the server verifies with, so backends holding several
         *                   know which to mint with; default 0.
         * @return this for a fluent API.
         */
        public Context tokenKeyId(final int tokenKeyId)
        {
            this.tokenKeyId = tokenKeyId;
            return this;
        }

        /**
         * @return the token key id.
         */
        public int tokenKeyId()
        {
            return tokenKeyId;
        }

        /**
         * @param reportIntervalNs how often rooms are reported; default 1 s. Keep the directory's server timeout
         *                         several intervals long.
         * @return this for a fluent API.
         */
        public Context reportIntervalNs(final long reportIntervalNs)
        {
            this.reportIntervalNs = reportIntervalNs;
            return this;
        }

        /**
         * @return the report interval.
         */
        public long reportIntervalNs()
        {
            return reportIntervalNs;
        }

        /**
         * @param connectTimeoutNs how long connecting to the directory may take; default 5 s.
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
         * @param secret the shared secret of the room servers' role, when the directory authenticates its sessions
         *               ({@link DirectoryNode.Context#serverSecret(byte[])}): the session answers the directory's
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
         * @param nanoClock for intervals; default the system's.
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
         * @param listener what the directory says to the server; default ignores it.
         * @return this for a fluent API.
         */
        public Context listener(final ReporterListener listener)
        {
            this.listener = listener;
            return this;
        }

        /**
         * @return the listener.
         */
        public ReporterListener listener()
        {
            return listener;
        }
    }
}
