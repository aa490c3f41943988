package io.skirmish.directory.server;

import io.skirmish.directory.DirectoryReporter;
import io.skirmish.directory.ReporterListener;
import io.skirmish.directory.Seat;
import io.skirmish.engine.DisconnectReason;
import io.skirmish.engine.EngineException;
import io.skirmish.engine.archive.ArchiveDirectoryLock;
import io.skirmish.engine.archive.ForeignArchive;
import io.skirmish.engine.server.ConnectRequest;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.Room;
import io.skirmish.engine.server.RoomOptions;
import io.skirmish.engine.server.ServerListener;
import io.skirmish.engine.server.Session;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Int2IntHashMap;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.IntHashSet;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A {@link GameServer} on the directory: registers the server with its public address and capacity, reports its
 * rooms, member counts and health, opens the rooms the directory places on it, and takes the players who arrive
 * with a connect token minted from a {@link Seat}: joins each to its seat's room and confirms the seat.
 * <pre>{@code
 * RoomServerLink link = new RoomServerLink(new RoomServerLink.Context().nodes("d1:9000,d2:9000,d3:9000")
 *     .serverId(1).publicAddress("game1.example.com:40123"));
 * GameServer server = GameServer.launch(new GameServer.Context()
 *     .connectTokenSecret(secret).publicAddresses("game1.example.com:40123")
 *     .listener(link.listener(game)));                     // the game's listener, wrapped
 * link.start(server);                                       // connects, then runs on its own agent thread
 * }</pre>
 * Threads: the link's {@link DirectoryReporter} runs on the link's own agent thread ({@code directory-link-N}),
 * never on the server's conductor, so connecting to the directory and its answers never hold up the game. Every
 * call into the {@link GameServer} happens on the conductor thread: in the wrapped listener's callbacks, and in
 * tasks the agent queues with {@link GameServer#proxy()}: a refresh every half report interval, which writes
 * the rooms, their members and the health into a one-to-one ring buffer the agent reads, and one task per room the
 * directory places here. Seat confirms travel the same ring buffer.
 * <p>
 * Seats never used are not released by the link; the directory expires them at their TTL.
 */
public final class RoomServerLink implements Agent, AutoCloseable
{
    private static final int MSG_ROOM = 1;
    private static final int MSG_ROOMS_END = 2;
    private static final int MSG_CONFIRM = 3;
    private static final int MSG_DEFERRED = 4;
    private static final int RING_CAPACITY = 256 * 1024;

    private final Context ctx;
    private final OneToOneRingBuffer ring = new OneToOneRingBuffer(new UnsafeBuffer(
        ByteBuffer.allocateDirect(RING_CAPACITY + RingBufferDescriptor.TRAILER_LENGTH)));
    private final Conductor conductor = new Conductor();
    private final ArrayDeque<Runnable> placements = new ArrayDeque<>();
    private final IntHashSet reported = new IntHashSet();
    private final IntHashSet seen = new IntHashSet();
    private final Runnable refresh = conductor::refresh;
    private volatile boolean refreshQueued;
    private volatile GameServer server;
    private DirectoryReporter reporter;
    private AgentRunner runner;
    private long nextRefreshNs;

    private volatile long roomsPlaced;
    private volatile long roomsRestored;
    private volatile long roomsTakenOver;
    private volatile long placementsFailed;
    private volatile long placementsDeferred;
    private volatile long seatsTaken;
    private volatile long seatsRefused;
    private volatile long seatsConfirmed;
    private volatile long seatsExpiredBeforeConfirm;

    /**
     * A link, not yet started: wrap the game's listener with {@link #listener}, launch the server, then
     * {@link #start}.
     *
     * @param ctx settings, concluded here.
     */
    public RoomServerLink(final Context ctx)
    {
        this.ctx = ctx.conclude();
    }

    /**
     * @param game the game's listener, or null for none.
     * @return a listener for {@code GameServer.Context#listener} that takes seats and hands every callback to the
     * game.
     */
    public ServerListener listener(final ServerListener game)
    {
        return new SeatTaking(null == game ? new ServerListener()
        {
        } : game);
    }

    /**
     * Connect to the directory (blocking up to the connect timeout) and start the agent thread, which registers
     * the server and reports its rooms.
     *
     * @param server the server launched with {@link #listener}.
     * @return this.
     */
    public RoomServerLink start(final GameServer server)
    {
        if (null != this.server)
        {
            throw new IllegalStateException("RoomServerLink already started");
        }
        this.server = server;
        final int capacity = 0 == ctx.capacity ? server.context().maxSessions() : ctx.capacity;
        reporter = DirectoryReporter.launch(new DirectoryReporter.Context()
            .nodes(ctx.nodes)
            .aeronDirectoryName(null == ctx.aeronDirectoryName ? server.aeronDirectoryName() : ctx.aeronDirectoryName)
            .egressHost(ctx.egressHost)
            .serverId(ctx.serverId)
            .publicAddress(ctx.publicAddress)
            .capacity(capacity)
            .tokenKeyId(ctx.tokenKeyId)
            .reportIntervalNs(ctx.reportIntervalNs)
            .connectTimeoutNs(ctx.connectTimeoutNs)
            .secret(ctx.secret)
            .nanoClock(ctx.nanoClock)
            .listener(new Placements()));
        runner = new AgentRunner(ctx.idleStrategy, ctx.errorHandler, null, this);
        AgentRunner.startOnThread(runner);
        return this;
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        final long nowNs = ctx.nanoClock.nanoTime();
        int work = ring.read(this::onMessage);
        if (nowNs - nextRefreshNs >= 0 && !refreshQueued)
        {
            refreshQueued = true;
            if (server.proxy().execute(refresh))
            {
                nextRefreshNs = nowNs + ctx.reportIntervalNs / 2;
            }
            else
            {
                refreshQueued = false;
            }
        }
        while (!placements.isEmpty() && server.proxy().execute(placements.peekFirst()))
        {
            placements.pollFirst();
            work++;
        }
        return work + reporter.doWork();
    }

    private void onMessage(final int type, final MutableDirectBuffer buffer, final int index, final int length)
    {
        if (MSG_ROOM == type)
        {
            final int roomId = buffer.getInt(index);
            reporter.room(roomId, buffer.getInt(index + 4), buffer.getInt(index + 8), buffer.getInt(index + 12),
                0 != buffer.getInt(index + 16));
            seen.add(roomId);
            reported.add(roomId);
        }
        else if (MSG_ROOMS_END == type)
        {
            for (final IntHashSet.IntIterator rooms = reported.iterator(); rooms.hasNext(); )
            {
                final int roomId = rooms.nextValue();
                if (!seen.contains(roomId))
                {
                    rooms.remove();
                    reporter.removeRoom(roomId);
                }
            }
            seen.clear();
            reporter.health(buffer.getInt(index));
        }
        else if (MSG_CONFIRM == type)
        {
            reporter.confirmSeat(buffer.getLong(index));
        }
        else if (MSG_DEFERRED == type)
        {
            reporter.placementNotOpened(buffer.getInt(index));
        }
    }

    /**
     * @return true once the directory accepted the server's registration (any thread; racy, for tests and status).
     */
    public boolean isRegistered()
    {
        final DirectoryReporter reporter = this.reporter;
        return null != reporter && reporter.isRegistered();
    }

    /**
     * @return rooms the directory placed here that the link opened (restored ones included).
     */
    public long roomsPlaced()
    {
        return roomsPlaced;
    }

    /**
     * @return placed rooms opened with {@code GameServer.restoreRoom}.
     */
    public long roomsRestored()
    {
        return roomsRestored;
    }

    /**
     * @return re-placed rooms restored from a dead server's archive directory under the shared archive root,
     * with its sessions ({@code GameServer.restoreRoom(roomId, options, directory)}).
     */
    public long roomsTakenOver()
    {
        return roomsTakenOver;
    }

    /**
     * @return placed rooms the server could not open (the error went to the error handler).
     */
    public long placementsFailed()
    {
        return placementsFailed;
    }

    /**
     * @return attempts to open a room re-placed here whose archive directory (the newest that recorded it, under
     * the shared archive root) a live process still holds: the server it came from is alive (a partition, a pause),
     * so the room is not opened here, empty or otherwise; the directory asks again with its next answer to a
     * report, and gives the room back to its server if that server reports it.
     */
    public long placementsDeferred()
    {
        return placementsDeferred;
    }

    /**
     * @return players who arrived with a seat's token and joined its room.
     */
    public long seatsTaken()
    {
        return seatsTaken;
    }

    /**
     * @return players with a seat's token refused: its room was full here, or closed.
     */
    public long seatsRefused()
    {
        return seatsRefused;
    }

    /**
     * @return seats the directory confirmed.
     */
    public long seatsConfirmed()
    {
        return seatsConfirmed;
    }

    /**
     * @return seats whose player arrived after the directory had expired or released them (the player stays; the
     * next report counts it as a member).
     */
    public long seatsExpiredBeforeConfirm()
    {
        return seatsExpiredBeforeConfirm;
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return "directory-link-" + ctx.serverId;
    }

    /**
     * {@inheritDoc}
     */
    public void onClose()
    {
        CloseHelper.quietClose(reporter);
    }

    /**
     * Stop the agent and close the directory session (the directory marks the server dead after its server
     * timeout). The server itself is the caller's to close.
     */
    public void close()
    {
        if (null != runner)
        {
            CloseHelper.quietClose(runner);
        }
        else
        {
            CloseHelper.quietClose(reporter);
        }
    }

    /** Runs on the agent thread: hands each placement to the conductor. */
    private final class Placements implements ReporterListener
    {
        public void onRoomPlaced(
            final int roomId, final int kind, final int minPlayers, final int maxPlayers, final byte[] properties,
            final boolean restore)
        {
            onRoomPlaced(roomId, kind, minPlayers, maxPlayers, properties, restore, restore);
        }

        public void onRoomPlaced(
            final int roomId, final int kind, final int minPlayers, final int maxPlayers, final byte[] properties,
            final boolean durable, final boolean restore)
        {
            placements.addLast(
                () -> conductor.place(roomId, kind, minPlayers, maxPlayers, properties, durable, restore));
        }

        public void onSeatConfirmed(final long seatId, final long code)
        {
            if (0 == code)
            {
                seatsConfirmed++;
            }
            else
            {
                seatsExpiredBeforeConfirm++;
            }
        }
    }

    /** The link's state on the server's conductor thread. */
    private final class Conductor
    {
        private final UnsafeBuffer message = new UnsafeBuffer(new byte[32]);
        private final byte[] userData = new byte[Seat.USER_DATA_LENGTH];
        private final Long2LongHashMap seatByClient = new Long2LongHashMap(0);
        private final Long2LongHashMap roomByClient = new Long2LongHashMap(0);
        private final Int2IntHashMap kindByRoom = new Int2IntHashMap(0);
        private final Int2ObjectHashMap<List<Session>> waitingByRoom = new Int2ObjectHashMap<>();
        private final LongArrayList unsentConfirms = new LongArrayList();
        private final Consumer<Room> writeRoom = this::writeRoom;
        private boolean deferred;

        void refresh()
        {
            refreshQueued = false;
            for (int i = unsentConfirms.size() - 1; i >= 0; i--)
            {
                if (writeConfirm(unsentConfirms.getLong(i)))
                {
                    unsentConfirms.removeAt(i);
                }
            }
            server.forEachRoom(writeRoom);
            final GameServer server = RoomServerLink.this.server;
            final int health = server.isDraining() ? -1 : server.load() >= ctx.degradedLoad ? 1 : 0;
            message.putInt(0, health);
            ring.write(MSG_ROOMS_END, message, 0, 4);
        }

        void writeRoom(final Room room)
        {
            final int roomId = room.roomId();
            message.putInt(0, roomId);
            message.putInt(4, kindByRoom.get(roomId));
            message.putInt(8, room.memberCount());
            message.putInt(12, room.options().maxMembers());
            message.putInt(16, room.isDurable() ? 1 : 0);
            ring.write(MSG_ROOM, message, 0, 20);
        }

        boolean writeConfirm(final long seatId)
        {
            message.putLong(0, seatId);
            return ring.write(MSG_CONFIRM, message, 0, 8);
        }

        void place(
            final int roomId, final int kind, final int minPlayers, final int maxPlayers, final byte[] properties,
            final boolean durable, final boolean restore)
        {
            final GameServer server = RoomServerLink.this.server;
            Room room = server.room(roomId);
            if (null == room)
            {
                try
                {
                    final RoomOptions options = ctx.roomOptions.options(roomId, kind, minPlayers, maxPlayers,
                        properties);
                    final boolean restored = restore && server.context().archiveEnabled();
                    if (restore || (durable && server.context().archiveEnabled()))
                    {
                        options.durable(true); // a durable ticket's room is recorded when this server can record
                    }
                    deferred = false;
                    room = restored ? takeOver(roomId, options) : null;
                    if (deferred)
                    {
                        placementsDeferred++;
                        message.putInt(0, roomId);
                        ring.write(MSG_DEFERRED, message, 0, 4);
                        return;
                    }
                    if (null == room)
                    {
                        room = restored ? server.restoreRoom(roomId, options) : server.createRoom(roomId, options);
                    }
                    if (0 != kind)
                    {
                        kindByRoom.put(roomId, kind); // 0, the missing value, is what get answers anyway
                    }
                    roomsPlaced++;
                    if (restored)
                    {
                        roomsRestored++;
                    }
                    ctx.listener.onRoomPlaced(room, kind, properties, restored);
                }
                catch (final RuntimeException ex)
                {
                    placementsFailed++;
                    ctx.errorHandler.onError(ex);
                    return;
                }
            }
            writeRoom(room);
            final List<Session> waiting = waitingByRoom.remove(roomId);
            if (null != waiting)
            {
                for (final Session session : waiting)
                {
                    if (session.isConnected())
                    {
                        take(session, room);
                    }
                }
            }
        }

        /**
         * A re-placed room from a dead server's archive directory under the shared root: the unlocked
         * {@code server-<id>} directories other than this server's that recorded the room, the newest recording first.
         * When the directory to read next is held by a live process (the server the room came from is alive), the
         * restore is deferred: {@link #deferred} is set and nothing is opened.
         *
         * @return the room, or null when no directory has it (or none could be read: told to the error handler) or
         * the restore is deferred.
         */
        private Room takeOver(final int roomId, final RoomOptions options)
        {
            final File root = ctx.sharedArchiveRoot;
            final File[] dirs = null == root ? null : root.listFiles((dir, name) -> name.startsWith("server-") &&
                !name.equals("server-" + ctx.serverId) && new File(dir, name).isDirectory());
            if (null == dirs)
            {
                return null;
            }
            final String channel = server.context().recordingChannel();
            final List<File> candidates = new ArrayList<>();
            final Long2LongHashMap newest = new Long2LongHashMap(-1);
            for (int i = 0; i < dirs.length; i++)
            {
                final long startMs = ForeignArchive.newestRecordingStartMs(dirs[i], roomId, channel);
                if (startMs >= 0 && !isOwn(dirs[i]))
                {
                    newest.put(candidates.size(), startMs);
                    candidates.add(dirs[i]);
                }
            }
            final Integer[] order = new Integer[candidates.size()];
            for (int i = 0; i < order.length; i++)
            {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Long.compare(newest.get(b), newest.get(a)));
            for (final Integer index : order)
            {
                final File dir = candidates.get(index);
                if (ArchiveDirectoryLock.isHeld(dir))
                {
                    deferred = true; // its server is alive and may still serve the room: never a second copy
                    return null;
                }
                try
                {
                    final Room room = server.restoreRoom(roomId, options, dir);
                    roomsTakenOver++;
                    return room;
                }
                catch (final RuntimeException ex)
                {
                    if (ArchiveDirectoryLock.isHeld(dir))
                    {
                        deferred = true; // its server came back between the probe and the restore
                        return null;
                    }
                    ctx.errorHandler.onError(ex); // taken over already, or unreadable: the next one
                }
            }
            return null;
        }

        private boolean isOwn(final File dir)
        {
            final String own = server.context().archiveDirectoryName();
            try
            {
                return null != own && new File(own).getCanonicalFile().equals(dir.getCanonicalFile());
            }
            catch (final IOException ex)
            {
                return false;
            }
        }

        void onConnectRequest(final ConnectRequest request)
        {
            final DirectBuffer data = request.userData();
            if (request.isResume() || data.capacity() != Seat.USER_DATA_LENGTH)
            {
                return;
            }
            data.getBytes(0, userData);
            final long seatId = Seat.seatIdOf(userData);
            final int roomId = Seat.roomIdOf(userData);
            final Room room = server.room(roomId);
            if (seatId <= 0 || roomId <= 0 || (null != room && room.memberCount() >= room.options().maxMembers()))
            {
                seatsRefused++;
                request.reject(DisconnectReason.SERVER_FULL);
                return;
            }
            seatByClient.put(request.clientId(), seatId);
            roomByClient.put(request.clientId(), roomId);
        }

        void onSessionConnected(final Session session)
        {
            final int roomId = (int)roomByClient.get(session.clientId());
            if (0 == roomId)
            {
                return;
            }
            final Room room = server.room(roomId);
            if (null != room)
            {
                take(session, room);
            }
            else
            {
                waitingByRoom.computeIfAbsent(roomId, (id) -> new ArrayList<>()).add(session);
            }
        }

        private void take(final Session session, final Room room)
        {
            final long seatId = seatByClient.remove(session.clientId());
            roomByClient.remove(session.clientId());
            if (!room.join(session))
            {
                seatsRefused++;
                server.disconnect(session, DisconnectReason.SERVER_FULL);
                return;
            }
            seatsTaken++;
            if (!writeConfirm(seatId))
            {
                unsentConfirms.addLong(seatId);
            }
            ctx.listener.onSeatTaken(session, room, seatId);
        }

        void onSessionClosed(final Session session)
        {
            seatByClient.remove(session.clientId());
            roomByClient.remove(session.clientId());
        }
    }

    /** The game's listener with seats taken first. Conductor thread, as every listener. */
    private final class SeatTaking implements ServerListener
    {
        private final ServerListener game;

        SeatTaking(final ServerListener game)
        {
            this.game = game;
        }

        public void onStart(final GameServer server)
        {
            game.onStart(server);
        }

        public void onConnectRequest(final ConnectRequest request)
        {
            if (null != server)
            {
                conductor.onConnectRequest(request);
            }
            game.onConnectRequest(request);
        }

        public void onSessionConnected(final Session session)
        {
            if (null != server)
            {
                conductor.onSessionConnected(session);
            }
            game.onSessionConnected(session);
        }

        public void onSessionSuspended(final Session session, final DisconnectReason reason)
        {
            game.onSessionSuspended(session, reason);
        }

        public void onSessionResumed(final Session session)
        {
            game.onSessionResumed(session);
        }

        public void onSessionClosed(final Session session, final DisconnectReason reason)
        {
            conductor.onSessionClosed(session);
            game.onSessionClosed(session, reason);
        }

        public void onMessage(
            final Session session, final int typeId, final DirectBuffer buffer, final int offset, final int length)
        {
            game.onMessage(session, typeId, buffer, offset, length);
        }

        public void onMessage(final Session session, final Object message)
        {
            game.onMessage(session, message);
        }

        public void onInput(
            final Session session, final long inputTick, final DirectBuffer buffer, final int offset, final int length)
        {
            game.onInput(session, inputTick, buffer, offset, length);
        }

        public void onInputMissing(final Session session, final long fromTick, final long toTick)
        {
            game.onInputMissing(session, fromTick, toTick);
        }
    }

    /**
     * The options of a room the directory placed on this server.
     */
    @FunctionalInterface
    public interface PlacedRoomOptions
    {
        /**
         * Called on the conductor thread for each placed room.
         *
         * @param roomId     the room id the directory chose.
         * @param kind       the ticket's room kind.
         * @param minPlayers fewest players.
         * @param maxPlayers most players (the default options' max members).
         * @param properties the ticket's properties.
         * @return fresh options for the room (the link sets them durable for a restore).
         */
        RoomOptions options(int roomId, int kind, int minPlayers, int maxPlayers, byte[] properties);
    }

    /**
     * Settings of a {@link RoomServerLink}, fluent, concluded once by its constructor.
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
        private double degradedLoad = 0.9;
        private PlacedRoomOptions roomOptions;
        private File sharedArchiveRoot;
        private RoomServerListener listener;
        private IdleStrategy idleStrategy;
        private ErrorHandler errorHandler;
        private NanoClock nanoClock;
        private byte[] secret;

        /**
         * Fill defaults and check; once.
         *
         * @return this.
         */
        public Context conclude()
        {
            if (concluded)
            {
                throw new IllegalStateException("RoomServerLink.Context already concluded");
            }
            concluded = true;
            if (null == nodes || null == publicAddress || serverId <= 0 || capacity < 0)
            {
                throw new EngineException("RoomServerLink.Context: nodes, publicAddress and a positive serverId " +
                    "are needed", EngineException.Category.FATAL);
            }
            if (null == roomOptions)
            {
                roomOptions = (roomId, kind, min, max, properties) -> new RoomOptions().maxMembers(max);
            }
            if (null == listener)
            {
                listener = new RoomServerListener()
                {
                };
            }
            if (null == idleStrategy)
            {
                idleStrategy = new BackoffIdleStrategy(10, 10, TimeUnit.MICROSECONDS.toNanos(10),
                    TimeUnit.MILLISECONDS.toNanos(1));
            }
            if (null == errorHandler)
            {
                errorHandler = Throwable::printStackTrace;
            }
            if (null == nanoClock)
            {
                nanoClock = SystemNanoClock.INSTANCE;
            }
            return this;
        }

        /**
         * @param nodes the directory nodes' ingress endpoints, {@code host:port,host:port,host:port}.
         * @return this for a fluent API.
         */
        public Context nodes(final String nodes)
        {
            this.nodes = nodes;
            return this;
        }

        /**
         * @param aeronDirectoryName the media driver the link's reporter uses; default the game server's.
         * @return this for a fluent API.
         */
        public Context aeronDirectoryName(final String aeronDirectoryName)
        {
            this.aeronDirectoryName = aeronDirectoryName;
            return this;
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
         * @param serverId this room server's id, positive and unique in the directory.
         * @return this for a fluent API.
         */
        public Context serverId(final int serverId)
        {
            this.serverId = serverId;
            return this;
        }

        /**
         * @param publicAddress the {@code host:port} players connect to, one of the server's
         *                      {@code publicAddresses} (the seats' tokens are minted for it).
         * @return this for a fluent API.
         */
        public Context publicAddress(final String publicAddress)
        {
            this.publicAddress = publicAddress;
            return this;
        }

        /**
         * @param capacity players the server takes over all its rooms; default 0, the server's max sessions.
         * @return this for a fluent API.
         */
        public Context capacity(final int capacity)
        {
            this.capacity = capacity;
            return this;
        }

        /**
         * @param tokenKeyId the id of the connect token secret the server verifies with; default 0.
         * @return this for a fluent API.
         */
        public Context tokenKeyId(final int tokenKeyId)
        {
            this.tokenKeyId = tokenKeyId;
            return this;
        }

        /**
         * @param reportIntervalNs how often the rooms are reported; default 1 s (the rooms are read from the server
         *                         every half interval).
         * @return this for a fluent API.
         */
        public Context reportIntervalNs(final long reportIntervalNs)
        {
            this.reportIntervalNs = reportIntervalNs;
            return this;
        }

        /**
         * @param connectTimeoutNs how long {@link RoomServerLink#start} may wait for the directory; default 5 s.
         * @return this for a fluent API.
         */
        public Context connectTimeoutNs(final long connectTimeoutNs)
        {
            this.connectTimeoutNs = connectTimeoutNs;
            return this;
        }

        /**
         * @param secret the room servers' shared secret when the directory authenticates its sessions
         *               ({@code DirectoryReporter.Context#secret}); default none.
         * @return this for a fluent API.
         */
        public Context secret(final byte[] secret)
        {
            this.secret = null == secret ? null : secret.clone();
            return this;
        }

        /**
         * @param degradedLoad the server load ({@code GameServer.load()}) from which the server reports itself
         *                     degraded, so no new rooms are placed here; default 0.9. A draining server reports
         *                     draining.
         * @return this for a fluent API.
         */
        public Context degradedLoad(final double degradedLoad)
        {
            this.degradedLoad = degradedLoad;
            return this;
        }

        /**
         * @param roomOptions the options of placed rooms; default {@code new RoomOptions().maxMembers(maxPlayers)}.
         * @return this for a fluent API.
         */
        public Context roomOptions(final PlacedRoomOptions roomOptions)
        {
            this.roomOptions = roomOptions;
            return this;
        }

        /**
         * @param sharedArchiveRoot the directory, on storage every room server reaches, under which each server
         *                          keeps its archive directory {@code server-<serverId>} (the server's
         *                          {@code archiveDirectoryName}); a room the directory re-places here from a dead
         *                          server is then restored from that server's directory with its sessions
         *                          ({@code GameServer.restoreRoom(roomId, options, directory)}): the
         *                          {@code server-*} directories that recorded the room are tried, the newest
         *                          recording first; when the one to try is held by a live process (its server is
         *                          alive, only cut off from the directory) the room is not opened at all, and
         *                          counted in {@link RoomServerLink#placementsDeferred()}, until the directory asks
         *                          again. Default null: a re-placed room is restored from this server's own archive
         *                          only (it starts empty, even while its old server is alive).
         * @return this for a fluent API.
         */
        public Context sharedArchiveRoot(final File sharedArchiveRoot)
        {
            this.sharedArchiveRoot = sharedArchiveRoot;
            return this;
        }

        /**
         * @param listener what the link tells the game; default nothing.
         * @return this for a fluent API.
         */
        public Context listener(final RoomServerListener listener)
        {
            this.listener = listener;
            return this;
        }

        /**
         * @param idleStrategy the link's agent thread's; default a backoff parking up to 1 ms.
         * @return this for a fluent API.
         */
        public Context idleStrategy(final IdleStrategy idleStrategy)
        {
            this.idleStrategy = idleStrategy;
            return this;
        }

        /**
         * @param errorHandler for errors on the agent thread and placements that fail; default prints them.
         * @return this for a fluent API.
         */
        public Context errorHandler(final ErrorHandler errorHandler)
        {
            this.errorHandler = errorHandler;
            return this;
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
    }
}
