package io.skirmish.engine.server;

import io.aeron.Aeron;
import io.aeron.archive.Archive;
import io.aeron.archive.client.AeronArchive;
import io.skirmish.engine.CommonContext;
import io.skirmish.engine.DisconnectReason;
import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.LeaveReason;
import io.skirmish.engine.Profile;
import io.skirmish.engine.SendResult;
import io.skirmish.engine.ThreadingMode;
import io.skirmish.engine.archive.ArchiveDirectoryLock;
import io.skirmish.engine.archive.RoomArchive;
import io.skirmish.engine.archive.RoomRecordings;
import io.skirmish.engine.codec.MessageRegistry;
import io.skirmish.engine.jfr.ServerEvents;
import io.skirmish.engine.protocol.RoomEventFlyweight;
import io.skirmish.engine.security.ConnectTokens;
import io.skirmish.engine.transport.DutyCycle;
import io.skirmish.engine.transport.Lanes;
import io.skirmish.engine.transport.Transport;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SystemEpochClock;

import java.io.File;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The server side of Skirmish: accepts sessions over Aeron UDP, carries the reliable event lane and the unreliable
 * snapshot and input lanes, and runs rooms.
 * <pre>{@code
 * try (GameServer server = GameServer.launch(new GameServer.Context()
 *     .port(40123)
 *     .listener(myListener)))
 * {
 *     Room lobby = server.createRoom(1, new RoomOptions());   // INVOKER mode: call from the polling thread
 *     ...
 * }
 * }</pre>
 * The server listens on two UDP ports: {@code port} for client requests and {@code port + 1} (or
 * {@link Context#responsePort(int)}) for the per-client response channels. Clients initiate every flow, so they
 * work behind NAT.
 * <p>
 * Threading: the methods that touch sessions and rooms must be called on the conductor thread (from a listener
 * callback, or, in {@link ThreadingMode#INVOKER} mode, from the thread calling {@link #poll()}); other threads use
 * {@link #proxy()}. A call from another thread throws {@link IllegalStateException}.
 */
public final class GameServer implements AutoCloseable
{
    private final Context ctx;
    private final Transport transport;
    private final ServerConductor conductor;
    private final DutyCycle dutyCycle;
    private final ArchiveDirectoryLock archiveLock;

    private GameServer(final Context ctx)
    {
        this.ctx = ctx;
        final Archive.Context archiveCtx = archiveContext(ctx);
        Transport transport = null;
        ServerConductor conductor = null;
        ArchiveDirectoryLock archiveLock = null;
        try
        {
            if (null != archiveCtx && null == ctx.aeron() && ctx.embeddedMediaDriver())
            {
                archiveLock = ArchiveDirectoryLock.acquire(new File(null != ctx.archiveDirectoryName ?
                    ctx.archiveDirectoryName : Archive.Configuration.archiveDirName()));
            }
            transport = Transport.launch(
                ctx.aeron(),
                ctx.embeddedMediaDriver(),
                ctx.aeronDirectoryName(),
                ctx.threadingMode(),
                ctx.driverIdleStrategy(),
                ctx.driverSettings((driverCtx) ->
                {
                    driverCtx.streamSessionLimit(ctx.maxSessions * 2 + 16);
                    if (null != ctx.driverCustomizer())
                    {
                        ctx.driverCustomizer().accept(driverCtx);
                    }
                }),
                archiveCtx,
                ctx.errorHandler(),
                "skirmish-server-" + ctx.port);
            conductor = new ServerConductor(ctx, transport);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(conductor, transport, archiveLock);
            throw ex;
        }
        this.archiveLock = archiveLock;
        this.transport = transport;
        this.conductor = conductor;
        conductor.server(this);

        this.dutyCycle = new DutyCycle(
            ctx.threadingMode(), conductor, ctx.idleStrategy(), ctx.errorHandler(), ctx.dutyCyclesPerPoll(),
            ctx.nanoClock());
    }

    private static Archive.Context archiveContext(final Context ctx)
    {
        if (!ctx.archiveEnabled || null != ctx.aeronArchiveContext)
        {
            return null;
        }
        final Archive.Context archiveCtx = new Archive.Context()
            .controlChannelEnabled(false)
            .replicationChannel("aeron:udp?endpoint=localhost:0")
            .archiveClientContext(new AeronArchive.Context().controlResponseChannel("aeron:udp?endpoint=localhost:0"))
            .recordingEventsEnabled(false)
            .deleteArchiveOnStart(false);
        if (null != ctx.archiveDirectoryName)
        {
            archiveCtx.archiveDirectoryName(ctx.archiveDirectoryName);
        }
        return archiveCtx;
    }

    /**
     * Conclude the context and start the server.
     *
     * @param ctx the configuration; concluded here and not to be changed afterwards.
     * @return a running server.
     * @throws IllegalArgumentException if a setting is invalid.
     * @throws IllegalStateException    if the context was already concluded, or another live server owns the
     *                                  archive directory ({@link ArchiveDirectoryLock}).
     * @throws io.aeron.exceptions.AeronException if the media driver cannot start or attach, or a port cannot be
     *                                  bound (e.g. {@code RegistrationException: Address already in use}).
     */
    public static GameServer launch(final Context ctx)
    {
        ctx.conclude();
        return new GameServer(ctx);
    }

    /**
     * Run duty cycles: the embedded driver and Aeron client (when invoked), then every lane, timer and room, until a
     * cycle finds no work, at most {@link Context#dutyCyclesPerPoll(int)} of them; a poll less than a millisecond
     * after the last one runs a single cycle, as a tight loop needs nothing more. Only in
     * {@link ThreadingMode#INVOKER} mode; always from the same thread.
     *
     * @return work count, 0 when idle (feed it to an {@link IdleStrategy}).
     */
    public int poll()
    {
        return dutyCycle.poll();
    }

    /**
     * @return the concluded context.
     */
    public Context context()
    {
        return ctx;
    }

    ServerConductor conductor()
    {
        return conductor;
    }

    Transport transport()
    {
        return transport;
    }

    DutyCycle dutyCycle()
    {
        return dutyCycle;
    }

    /**
     * @return the Aeron client in use (for AeronStat-style counter reads).
     */
    public Aeron aeron()
    {
        return transport.aeron();
    }

    /**
     * @return the directory of the media driver in use.
     */
    public String aeronDirectoryName()
    {
        return transport.aeronDirectoryName();
    }

    /**
     * @return the thread-safe command proxy for calls from threads other than the conductor's.
     */
    public ServerProxy proxy()
    {
        return conductor.proxy();
    }

    /**
     * Read one of the engine's counters (any thread).
     *
     * @param counter which.
     * @return its value, 0 when the server does not keep it.
     */
    public long counter(final EngineCounter counter)
    {
        return conductor.counters().value(counter);
    }

    /**
     * The server's own headroom: the share of its conductor thread's time spent working over the last second (the
     * invoked media driver included), as admission control sees it. Any thread (it is also the
     * {@link EngineCounter#SERVER_LOAD_PERMILLE} counter).
     *
     * @return the load, 0 to 1.
     */
    public double load()
    {
        return conductor.counters().value(EngineCounter.SERVER_LOAD_PERMILLE) / 1000.0;
    }

    /**
     * Register a typed handler for a registered message type sent directly to the server. Conductor thread, or
     * before the first {@link #poll()}.
     *
     * @param type    a class registered in the {@link MessageRegistry}.
     * @param handler called for each message of that type instead of {@link ServerListener#onMessage(Session,
     *                Object)}.
     * @param <T>     the message type.
     * @return this for a fluent API.
     */
    public <T> GameServer on(final Class<T> type, final MessageHandler<T> handler)
    {
        conductor.thread().check();
        conductor.dispatcher().registerHandler(type, handler);
        return this;
    }

    /**
     * Register a typed validator for a registered message type emitted by clients to rooms.
     *
     * @param type    a class registered in the {@link MessageRegistry}.
     * @param handler returns false to veto an emit.
     * @param <T>     the message type.
     * @return this for a fluent API.
     */
    public <T> GameServer onEmit(final Class<T> type, final EmitHandler<T> handler)
    {
        conductor.thread().check();
        conductor.dispatcher().registerEmitHandler(type, handler);
        return this;
    }

    /**
     * @param sessionId a session id.
     * @return the session, or null.
     */
    public Session session(final int sessionId)
    {
        conductor.thread().check();
        final Peer peer = conductor.sessionRegistry().peer(sessionId);
        return null == peer ? null : peer.session;
    }

    /**
     * @return number of sessions (connected, binding or suspended).
     */
    public int sessionCount()
    {
        return conductor.sessionRegistry().count();
    }

    /**
     * Visit every session without allocating.
     *
     * @param consumer called once per session.
     */
    public void forEachSession(final Consumer<Session> consumer)
    {
        conductor.thread().check();
        conductor.sessionRegistry().forEach(consumer);
    }

    /**
     * Send a raw reliable message to one session. It carries the session's direct seq and is recovered like room
     * events if the connection drops.
     *
     * @param session the receiver.
     * @param typeId  the game's type id.
     * @param buffer  payload.
     * @param offset  of the payload.
     * @param length  of the payload.
     * @return the message's seq, or a negative {@link SendResult} code.
     */
    public long send(
        final Session session, final int typeId, final DirectBuffer buffer, final int offset, final int length)
    {
        conductor.thread().check();
        final Peer peer = peerOf(session);
        return null == peer ? SendResult.NO_SUCH_SESSION :
            conductor.fanOut().sendDirect(peer, typeId, 0, buffer, offset, length);
    }

    /**
     * Send a raw reliable message to every session, each on its direct stream: each gets it with its own seq and
     * recovers it like any direct message, so a suspended session gets it when it resumes.
     *
     * @param typeId the game's type id.
     * @param buffer payload.
     * @param offset of the payload.
     * @param length of the payload.
     * @return the number of sessions it was sequenced for, or a negative {@link SendResult} code.
     */
    public long broadcastAll(final int typeId, final DirectBuffer buffer, final int offset, final int length)
    {
        conductor.thread().check();
        return conductor.fanOut().sendAll(conductor.sessionRegistry().peers(), typeId, 0, buffer, offset, length);
    }

    /**
     * Send a registered message to every session, each on its direct stream (encoded once).
     *
     * @param message an instance of a registered class.
     * @return the number of sessions it was sequenced for, or a negative {@link SendResult} code.
     */
    public long broadcastAll(final Object message)
    {
        conductor.thread().check();
        return conductor.fanOut().sendAllObject(conductor.sessionRegistry().peers(), message);
    }

    /**
     * Visit every open room without allocating; with {@link Room#forEachMember} this lists rooms and members.
     *
     * @param consumer called once per room.
     */
    public void forEachRoom(final Consumer<Room> consumer)
    {
        conductor.thread().check();
        conductor.roomRegistry().forEach(consumer);
    }

    /**
     * Send a registered message to one session on the reliable lane.
     *
     * @param session the receiver.
     * @param message an instance of a registered class.
     * @return the message's seq, or a negative {@link SendResult} code.
     */
    public long send(final Session session, final Object message)
    {
        conductor.thread().check();
        final Peer peer = peerOf(session);
        return null == peer ? SendResult.NO_SUCH_SESSION : conductor.fanOut().sendDirectObject(peer, message);
    }

    /**
     * Send one session a snapshot on the unreliable lane, as is (never delta-encoded). Split into parts when larger
     * than a datagram; the client uses it only when every part arrived, and only if it is newer than any tick it
     * has. A back-pressured lane drops the snapshot and counts it; it is never retried. For room state prefer
     * {@link Room#publishSnapshot(long, SnapshotWriter)} or {@link Room#publishSharedSnapshot}: zero-copy, and
     * delta-encoded against each member's acknowledged state. Do not mix the two for one room.
     *
     * @param session the receiver.
     * @param roomId  the room the snapshot describes (0 for none).
     * @param tick    the tick it describes.
     * @param buffer  snapshot bytes.
     * @param offset  of the snapshot.
     * @param length  of the snapshot.
     * @return bytes sent, or a negative {@link SendResult} code.
     */
    public long sendSnapshot(
        final Session session,
        final int roomId,
        final long tick,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        conductor.thread().check();
        final Peer peer = peerOf(session);
        return null == peer ? SendResult.NOT_CONNECTED_SESSION :
            conductor.snapshots().sendRaw(peer, roomId, tick, buffer, offset, length);
    }

    /**
     * End a session now: it is told why, leaves its rooms, and may not resume.
     *
     * @param session the session.
     * @param reason  told to the client, e.g. {@link DisconnectReason#KICKED}.
     */
    public void disconnect(final Session session, final DisconnectReason reason)
    {
        conductor.thread().check();
        final Peer peer = peerOf(session);
        if (null != peer)
        {
            conductor.sessionRegistry().close(peer, reason, true);
        }
    }

    /**
     * Open a room.
     *
     * @param roomId  positive room id chosen by the game.
     * @param options the room's settings (copied), or null for the server's defaults.
     * @return the room.
     * @throws IllegalArgumentException if the id is not positive or already in use.
     */
    public Room createRoom(final int roomId, final RoomOptions options)
    {
        conductor.thread().check();
        return conductor.roomRegistry().create(roomId, null == options ? ctx.defaultRoomOptions : options);
    }

    /**
     * Open a durable room again from the archive, as it was recorded by this or a previous server process (one
     * stopped cleanly or killed) on the same archive directory. The room's recordings are replayed in order on the
     * calling (conductor) thread, which this blocks: the room's listener gets
     * {@link RoomListener#onRestoreKeyframe} for the newest keyframe, then {@link RoomListener#onRestoreEvent} for
     * each event after it; the room's seq continues after the last recorded seq, its replay history holds the last
     * recorded events, and it is recorded again (a new recording that continues the same seqs). With no
     * recording, the room starts empty at seq 0. Its members come back with {@link #restoreSessions()}; each is told,
     * when it resumes, the seq the room was restored at ({@link Room#restoredSeq()}), so that a client of a
     * {@link DurableDelivery#LIVE} room that had delivered past it resyncs instead of taking the room's new events
     * for duplicates.
     *
     * @param roomId  positive room id of the recorded room.
     * @param options the room's settings (copied, made durable), or null for the server's defaults.
     * @return the room.
     * @throws IllegalArgumentException if the id is not positive or already in use.
     * @throws IllegalStateException    if the server has no archive or a replay does not finish in time.
     */
    public Room restoreRoom(final int roomId, final RoomOptions options)
    {
        conductor.thread().check();
        return conductor.roomRegistry().restore(roomId, null == options ? ctx.defaultRoomOptions : options);
    }

    /**
     * Take over a durable room of a dead server: restore it from that server's archive directory (on storage both
     * servers reach, e.g. a shared root with a {@code server-<id>} directory per server), as {@link #restoreRoom}
     * restores from this server's own (the newest keyframe and every event after it to the room's listener, the
     * seq continuing after the last recorded one, the history refilled), and take over the dead server's sessions
     * that were members of the room, from its session store: with their ids, resume secrets (as digests) and
     * session keys, {@link SessionState#SUSPENDED} for {@link Context#resumeWindowNs(long)} from now, so their
     * clients' resumes here are accepted and owed every event after the seq each had acknowledged at its last
     * membership change. The store is read with this server's store key ({@link Context#sessionStoreKey(byte[])}
     * or {@link Context#connectTokenSecret(byte[])}): give both servers the same.
     * <p>
     * The directory is taken with the engine's archive lock, so a live server's is refused; it is read through an
     * Aeron Archive of its own launched on a view of it (the catalog copied, the segment files linked), so nothing
     * of the dead server's is written, except a mark ({@code skirmish-taken-over.log}) naming the room and the
     * sessions taken, so that the dead server, if it comes back on its directory, restores neither again. A room
     * already marked taken over is refused. Conductor thread; blocks while the archive starts and the recordings
     * are read (a few hundred ms).
     *
     * @param roomId               the room's id, the same here.
     * @param options              the room's settings (copied, made durable), or null for the server's defaults.
     * @param fromArchiveDirectory the dead server's archive directory.
     * @return the room.
     * @throws IllegalArgumentException if the id is in use, or the directory is this server's.
     * @throws IllegalStateException    if the server has no archive, the directory's server is alive, the room
     *                                  was taken over already, or the directory cannot be read.
     */
    public Room restoreRoom(final int roomId, final RoomOptions options, final File fromArchiveDirectory)
    {
        conductor.thread().check();
        return conductor.takeOverRoom(roomId, null == options ? ctx.defaultRoomOptions : options,
            fromArchiveDirectory);
    }

    /**
     * @return the sessions this server took over from dead servers with
     * {@link #restoreRoom(int, RoomOptions, File)} (any thread; racy, for tests and status).
     */
    public long sessionsTakenOver()
    {
        return conductor.sessionsTakenOver();
    }

    /**
     * Bring back the sessions a previous server process on the same archive directory persisted and did not close,
     * after their durable rooms were restored with {@link #restoreRoom}: each is {@link SessionState#SUSPENDED},
     * awaiting its client's resume within {@link Context#resumeWindowNs(long)} from now, a member of those of its
     * durable rooms that are open again, owed every event after the seq it had acknowledged at its last membership
     * change (replayed from the room's history, or a resync when the history no longer reaches back). Its direct
     * stream continues past the messages the previous process may have sent it. The game hears of a restored
     * session when it resumes ({@link ServerListener#onSessionResumed}) or closes. Sessions are persisted only with
     * an embedded archive ({@link Context#archiveDirectoryName(String)}); those of connect tokens with their session
     * keys sealed under {@link Context#sessionStoreKey(byte[])}. Conductor
     * thread; call once, after the rooms are restored (those not restored by then are not rejoined).
     *
     * @return the number of sessions restored.
     */
    public int restoreSessions()
    {
        conductor.thread().check();
        return conductor.sessionRegistry().restore(ctx.nanoClock().nanoTime());
    }

    /**
     * The recordings of this server's archive, to list, replay or purge them in process (e.g. which rooms to
     * restore, or an older match); replays drive the server's transport while they wait. Conductor thread; its
     * calls block on the archive (cold path).
     *
     * @return the recordings, on the server's archive client (closing it leaves that client open).
     * @throws IllegalStateException if the server has no archive.
     */
    public RoomRecordings roomRecordings()
    {
        conductor.thread().check();
        if (null == conductor.archive())
        {
            throw new IllegalStateException("the server has no archive");
        }
        return conductor.archive().recordings();
    }

    /**
     * @param roomId a room id.
     * @return the room, or null.
     */
    public Room room(final int roomId)
    {
        conductor.thread().check();
        return conductor.roomRegistry().room(roomId);
    }

    /**
     * Close a room: every member is told {@link LeaveReason#ROOM_CLOSED}.
     *
     * @param roomId the room.
     * @return true when the room existed.
     */
    public boolean closeRoom(final int roomId)
    {
        conductor.thread().check();
        return conductor.roomRegistry().close(roomId);
    }

    /**
     * @return number of open rooms.
     */
    public int roomCount()
    {
        return conductor.roomRegistry().count();
    }

    /**
     * Begin to drain before a stop: from now on every new session is refused with
     * {@link DisconnectReason#SERVER_DRAINING} (counted in {@link EngineCounter#CONNECTS_REFUSED_DRAINING}), while
     * the sessions already open, their resumes and the rooms carry on until the game closes them or the server is
     * closed (which tells every client {@link DisconnectReason#SERVER_SHUTDOWN}). Idempotent; from any thread.
     */
    public void drain()
    {
        final Admission admission = conductor.admission();
        if (!admission.isDraining())
        {
            admission.drain();
            ServerEvents.drainStarted(
                (int)counter(EngineCounter.SESSIONS_ACTIVE), (int)counter(EngineCounter.ROOMS_ACTIVE));
        }
    }

    /**
     * @return true once {@link #drain()} was called; any thread.
     */
    public boolean isDraining()
    {
        return conductor.admission().isDraining();
    }

    /**
     * @return true once the server was closed or its Aeron client lost the driver; any thread.
     */
    public boolean isClosed()
    {
        return transport.isClosed();
    }

    private Peer peerOf(final Session session)
    {
        return conductor.roomRegistry().peerOf(session);
    }

    /**
     * Tell every client the server is shutting down, then stop and release everything (driver directory included
     * when embedded). From any thread, but in INVOKER mode not concurrently with {@link #poll()}.
     */
    public void close()
    {
        dutyCycle.close();
        CloseHelper.quietCloseAll(transport, archiveLock);
    }

    /**
     * Release the archive directory's lock (tests that stop a server as a crash would).
     */
    void releaseArchiveLock()
    {
        CloseHelper.quietClose(archiveLock);
    }

    /**
     * Defaults for {@link Context}, read from system properties.
     */
    public static final class Configuration
    {
        /** Address to bind, default {@code 0.0.0.0}. */
        public static final String BIND_ADDRESS_PROP_NAME = "skirmish.server.bind.address";
        /** Request port, default 40123. */
        public static final String PORT_PROP_NAME = "skirmish.server.port";
        /** Response port, default port + 1. */
        public static final String RESPONSE_PORT_PROP_NAME = "skirmish.server.response.port";
        /** Most sessions, default 1024. */
        public static final String MAX_SESSIONS_PROP_NAME = "skirmish.server.max.sessions";
        /** Session timeout, default 5s. */
        public static final String SESSION_TIMEOUT_PROP_NAME = "skirmish.server.session.timeout";
        /** Keepalive interval, default 500ms. */
        public static final String KEEPALIVE_INTERVAL_PROP_NAME = "skirmish.server.keepalive.interval";
        /** Resume window, default 30s; 0 disables resume. */
        public static final String RESUME_WINDOW_PROP_NAME = "skirmish.server.resume.window";
        /** Largest reliable message payload, default 8 KiB. */
        public static final String MAX_MESSAGE_LENGTH_PROP_NAME = "skirmish.server.max.message.length";
        /** Most rooms per session, default 16. */
        public static final String MAX_ROOMS_PER_SESSION_PROP_NAME = "skirmish.server.max.rooms.per.session";
        /** Threading mode, default SHARED. */
        public static final String THREADING_MODE_PROP_NAME = "skirmish.server.threading.mode";
        /** Idle strategy alias for the engine thread (Aeron's aliases: backoff, yield, sleep-ns, ...). */
        public static final String IDLE_STRATEGY_PROP_NAME = "skirmish.server.idle.strategy";
        /** Aeron directory of an external driver; setting it turns the embedded driver off. */
        public static final String AERON_DIR_PROP_NAME = "skirmish.server.aeron.dir";
        /** Most messages per second per session, default 2000. */
        public static final String MAX_MESSAGES_PER_SECOND_PROP_NAME = "skirmish.server.max.messages.per.second";
        /** Most bytes per second per session, default 1 MiB. */
        public static final String MAX_BYTES_PER_SECOND_PROP_NAME = "skirmish.server.max.bytes.per.second";
        /** Require AES-GCM payload encryption of every session: {@code true} or {@code false} (default). */
        public static final String REQUIRE_PAYLOAD_ENCRYPTION_PROP_NAME = "skirmish.server.require.payload.encryption";
        /** Term length of the lanes' publications, default 64 KiB. */
        public static final String TERM_LENGTH_PROP_NAME = CommonContext.TERM_LENGTH_PROP_NAME;
        /** Port pairs the server listens on, default 1 (pair k is port + 2k and port + 2k + 1). */
        public static final String PORT_PAIRS_PROP_NAME = "skirmish.server.port.pairs";
        /** How often each spectator or replay feed sends what has become due, default 50ms. */
        public static final String FEED_FLUSH_INTERVAL_PROP_NAME = "skirmish.server.feed.flush.interval";

        private Configuration()
        {
        }

        static long feedFlushIntervalNs()
        {
            return CommonContext.durationNs(FEED_FLUSH_INTERVAL_PROP_NAME, "50ms");
        }

        static String bindAddress()
        {
            return System.getProperty(BIND_ADDRESS_PROP_NAME, "0.0.0.0");
        }

        static int port()
        {
            return Integer.getInteger(PORT_PROP_NAME, 40123);
        }

        static int responsePort()
        {
            return Integer.getInteger(RESPONSE_PORT_PROP_NAME, 0);
        }

        static int portPairs()
        {
            return Integer.getInteger(PORT_PAIRS_PROP_NAME, 1);
        }

        static int maxSessions()
        {
            return Integer.getInteger(MAX_SESSIONS_PROP_NAME, 1024);
        }

        static long sessionTimeoutNs()
        {
            return CommonContext.durationNs(SESSION_TIMEOUT_PROP_NAME, "5s");
        }

        static long keepAliveIntervalNs()
        {
            return CommonContext.durationNs(KEEPALIVE_INTERVAL_PROP_NAME, "500ms");
        }

        static long resumeWindowNs()
        {
            return CommonContext.durationNs(RESUME_WINDOW_PROP_NAME, "30s");
        }

        static int maxMessageLength()
        {
            return Integer.getInteger(MAX_MESSAGE_LENGTH_PROP_NAME, 8 * 1024);
        }

        static int maxRoomsPerSession()
        {
            return Integer.getInteger(MAX_ROOMS_PER_SESSION_PROP_NAME, 16);
        }

        static ThreadingMode threadingMode()
        {
            return ThreadingMode.valueOf(System.getProperty(THREADING_MODE_PROP_NAME, "SHARED"));
        }

        static IdleStrategy idleStrategy()
        {
            return CommonContext.newIdleStrategy(System.getProperty(IDLE_STRATEGY_PROP_NAME));
        }

        static String aeronDirectoryName()
        {
            return System.getProperty(AERON_DIR_PROP_NAME);
        }




    }

    /**
     * Configuration of a {@link GameServer}: fluent setters, defaults from {@link Configuration} system properties,
     * concluded (validated and frozen) once by {@link GameServer#launch(Context)}. The settings both sides share are
     * in {@link CommonContext}.
     */
    public static final class Context extends CommonContext<Context>
    {
        String bindAddress = Configuration.bindAddress();
        int port = Configuration.port();
        int responsePort = Configuration.responsePort();
        int portPairs = Configuration.portPairs();
        int maxSessions = Configuration.maxSessions();
        long sessionTimeoutNs = Configuration.sessionTimeoutNs();
        long keepAliveIntervalNs = Configuration.keepAliveIntervalNs();
        long resumeWindowNs = Configuration.resumeWindowNs();
        int maxRoomsPerSession = Configuration.maxRoomsPerSession();
        int eventWindow = 512;
        long streamHeadsDelayNs = TimeUnit.MILLISECONDS.toNanos(25);
        int directHistoryCount = 256;
        int directHistoryBytes = 64 * 1024;
        int maxViolationsPerSession = 100;
        int maxHandshakesInFlight = 64;
        int maxQueuedConnects = 1024;
        int refusalRateTarget = 20;
        double admissionLoadLimit;
        ServerListener listener;
        RoomListener defaultRoomListener;
        RoomOptions defaultRoomOptions = new RoomOptions();
        byte[] connectTokenSecret;
        byte[] sessionStoreKey;
        long sessionStoreCompactionBytes = 4 * 1024 * 1024;
        int sessionIdBase = 1;
        String[] publicAddresses;
        EpochClock epochClock = SystemEpochClock.INSTANCE;
        int maxMessagesPerSecond = Integer.getInteger(Configuration.MAX_MESSAGES_PER_SECOND_PROP_NAME, 2000);
        int maxBytesPerSecond = Integer.getInteger(Configuration.MAX_BYTES_PER_SECOND_PROP_NAME, 1024 * 1024);
        boolean requirePayloadEncryption = Boolean.getBoolean(Configuration.REQUIRE_PAYLOAD_ENCRYPTION_PROP_NAME);
        String archiveDirectoryName;
        AeronArchive.Context aeronArchiveContext;
        String recordingChannel = RoomArchive.DEFAULT_RECORDING_CHANNEL;
        int recordingPendingBufferLength = 1024 * 1024;
        int feedBufferLength = 4 * 1024 * 1024;
        int maxArchiveFeeds = 16;
        long activeRecordingWaitNs = TimeUnit.SECONDS.toNanos(20);
        long recordingRetentionMs;
        int maxRecordingsPerRoom;
        long retentionIntervalMs = TimeUnit.MINUTES.toMillis(1);
        long feedFlushIntervalNs = Configuration.feedFlushIntervalNs();
        boolean archiveEnabled;

        /**
         * A context with the defaults from {@link Configuration}.
         */
        public Context()
        {
            super(Configuration.threadingMode(), Configuration.aeronDirectoryName());
            maxMessageLength(Configuration.maxMessageLength());
            idleStrategy(Configuration.idleStrategy());
        }

        /**
         * {@inheritDoc} On a server, {@link Profile#LARGE_SERVER} also listens on
         * {@value Profile#LARGE_SERVER_PORT_PAIRS} port pairs ({@link #portPairs(int)}) and refuses new sessions
         * past a load of {@value Profile#LARGE_SERVER_ADMISSION_LOAD_LIMIT} ({@link #admissionLoadLimit(double)}).
         */
        public Context profile(final Profile profile)
        {
            super.profile(profile);
            portPairs = Profile.LARGE_SERVER == profile ? Profile.LARGE_SERVER_PORT_PAIRS : Configuration.portPairs();
            admissionLoadLimit = Profile.LARGE_SERVER == profile ? Profile.LARGE_SERVER_ADMISSION_LOAD_LIMIT : 0;
            maxHandshakesInFlight = Profile.LARGE_SERVER == profile ? Profile.LARGE_SERVER_HANDSHAKES_IN_FLIGHT : 64;
            return this;
        }

        /**
         * Validate and freeze. Called by {@link GameServer#launch(Context)}; once only.
         *
         * @return this.
         */
        public Context conclude()
        {
            super.conclude();
            concludeDurability();
            if (port <= 0 || port > 65534)
            {
                throw new IllegalArgumentException("port must be in [1, 65534]: " + port);
            }
            if (0 == responsePort)
            {
                responsePort = port + 1;
            }
            if (maxHandshakesInFlight < 1 || maxQueuedConnects < 0)
            {
                throw new IllegalArgumentException("maxHandshakesInFlight must be positive and maxQueuedConnects not " +
                    "negative: " + maxHandshakesInFlight + ", " + maxQueuedConnects);
            }
            if (refusalRateTarget < 1)
            {
                throw new IllegalArgumentException("refusalRateTarget must be positive: " + refusalRateTarget);
            }
            if (admissionLoadLimit < 0 || admissionLoadLimit > 1)
            {
                throw new IllegalArgumentException("admissionLoadLimit must be in [0, 1]: " + admissionLoadLimit);
            }
            if (sessionIdBase < 1)
            {
                throw new IllegalArgumentException("sessionIdBase must be positive: " + sessionIdBase);
            }
            if (maxSessions < 1)
            {
                throw new IllegalArgumentException("maxSessions must be positive: " + maxSessions);
            }
            if (keepAliveIntervalNs <= 0 || sessionTimeoutNs <= keepAliveIntervalNs)
            {
                throw new IllegalArgumentException("need 0 < keepAliveInterval < sessionTimeout");
            }
            if (eventWindow < 1 || streamHeadsDelayNs <= 0)
            {
                throw new IllegalArgumentException("eventWindow and streamHeadsDelayNs must be positive");
            }
            if (portPairs < 1 || portPairs > 256 ||
                Math.max(Lanes.pairPort(port, portPairs - 1), Lanes.pairPort(responsePort, portPairs - 1)) > 65535)
            {
                throw new IllegalArgumentException("portPairs must be in [1, 256] and fit below port 65536: " +
                    portPairs);
            }
            if (portPairs > 1 && responsePort != port + 1)
            {
                throw new IllegalArgumentException(
                    "with more than one port pair the response port must be port + 1 (pair k is port + 2k, " +
                    "port + 2k + 1): " + responsePort);
            }
            if (null == listener)
            {
                listener = new ServerListener()
                {
                };
            }
            if (null == defaultRoomListener)
            {
                defaultRoomListener = new RoomListener()
                {
                };
            }
            defaultRoomOptions.validate();
            if (snapshotWindow() < 0 || snapshotWindow() > 1024)
            {
                throw new IllegalArgumentException("snapshotWindow must be in [0, 1024]: " + snapshotWindow());
            }
            if (null == publicAddresses)
            {
                publicAddresses = new String[]{ bindAddress + ":" + port };
            }
            if (null != connectTokenSecret && connectTokenSecret.length < 32)
            {
                throw new IllegalArgumentException("connectTokenSecret must be at least 32 bytes");
            }
            if (requirePayloadEncryption && null == connectTokenSecret)
            {
                throw new IllegalArgumentException("requirePayloadEncryption needs a connectTokenSecret");
            }
            return this;
        }

        private void concludeDurability()
        {
            archiveEnabled = null != archiveDirectoryName || null != aeronArchiveContext || defaultRoomOptions.durable;
            if (archiveEnabled && null == aeronArchiveContext && !embeddedMediaDriver())
            {
                throw new IllegalArgumentException(
                    "durable rooms on an external media driver need an aeronArchiveContext (an external archive)");
            }
            if (recordingPendingBufferLength < 4096 || recordingPendingBufferLength > (1 << 30))
            {
                throw new IllegalArgumentException(
                    "recordingPendingBufferLength must be in [4096, 2^30]: " + recordingPendingBufferLength);
            }
            if (activeRecordingWaitNs < 0 || recordingRetentionMs < 0 || maxRecordingsPerRoom < 0 ||
                retentionIntervalMs <= 0)
            {
                throw new IllegalArgumentException("activeRecordingWaitNs, recordingRetentionMs and " +
                    "maxRecordingsPerRoom must be >= 0 and retentionIntervalMs > 0: " + activeRecordingWaitNs + ", " +
                    recordingRetentionMs + ", " + maxRecordingsPerRoom + ", " + retentionIntervalMs);
            }
            if (feedFlushIntervalNs < 0 || feedFlushIntervalNs > TimeUnit.SECONDS.toNanos(1))
            {
                throw new IllegalArgumentException("feedFlushIntervalNs must be in [0, 1 s]: " + feedFlushIntervalNs);
            }
            if (feedBufferLength < 64 * 1024 || feedBufferLength > (1 << 30) || maxArchiveFeeds < 0)
            {
                throw new IllegalArgumentException("feedBufferLength must be in [64 KiB, 2^30] and maxArchiveFeeds >= 0: " +
                    feedBufferLength + ", " + maxArchiveFeeds);
            }
            if (null != sessionStoreKey && sessionStoreKey.length < 32)
            {
                throw new IllegalArgumentException("sessionStoreKey must be at least 32 bytes");
            }
            if (sessionStoreCompactionBytes < 4096)
            {
                throw new IllegalArgumentException("sessionStoreCompactionBytes must be at least 4096: " +
                    sessionStoreCompactionBytes);
            }
        }

        /**
         * @return longest client frame accepted: a room event header and the longest message.
         */
        int maxFrameLength()
        {
            return RoomEventFlyweight.PAYLOAD_OFFSET + maxMessageLength();
        }


        /**
         * @param bindAddress local address to listen on, e.g. {@code 0.0.0.0} or {@code 127.0.0.1}.
         * @return this for a fluent API.
         */
        public Context bindAddress(final String bindAddress)
        {
            checkNotConcluded();
            this.bindAddress = bindAddress;
            return this;
        }

        /**
         * @return local address to listen on.
         */
        public String bindAddress()
        {
            return bindAddress;
        }

        /**
         * @param port UDP port for client requests; the response port defaults to port + 1.
         * @return this for a fluent API.
         */
        public Context port(final int port)
        {
            checkNotConcluded();
            this.port = port;
            return this;
        }

        /**
         * @return UDP request port.
         */
        public int port()
        {
            return port;
        }

        /**
         * @param port UDP port of the response channels, 0 for request port + 1.
         * @return this for a fluent API.
         */
        public Context responsePort(final int port)
        {
            checkNotConcluded();
            this.responsePort = port;
            return this;
        }

        /**
         * @return UDP response port (after conclude).
         */
        public int responsePort()
        {
            return responsePort;
        }

        /**
         * @param pairs port pairs to listen on, default 1. Pair {@code k} is {@code port + 2k} (requests) and
         *              {@code port + 2k + 1} (responses); a firewall opens the whole range. A new session is moved
         *              to the pair with the fewest sessions at accept, so that each duty cycle reads a datagram from
         *              each pair's socket: a large server needs about one pair per 1,000 datagrams a second it
         *              receives per millisecond-long cycle.
         * @return this for a fluent API.
         */
        public Context portPairs(final int pairs)
        {
            checkNotConcluded();
            this.portPairs = pairs;
            return this;
        }

        /**
         * @return port pairs listened on.
         */
        public int portPairs()
        {
            return portPairs;
        }

        /**
         * @param handshakes most handshakes at once (lanes being set up plus sessions binding), default 64. Connect
         *                   requests beyond that wait their turn in order of arrival ({@link #maxQueuedConnects(int)}).
         * @return this for a fluent API.
         */
        public Context maxHandshakesInFlight(final int handshakes)
        {
            checkNotConcluded();
            this.maxHandshakesInFlight = handshakes;
            return this;
        }

        /**
         * @return most handshakes at once.
         */
        public int maxHandshakesInFlight()
        {
            return maxHandshakesInFlight;
        }

        /**
         * @param connects most connect requests waiting for a handshake slot, default 1024; more are dropped and
         *                 counted, and their clients ask again.
         * @return this for a fluent API.
         */
        public Context maxQueuedConnects(final int connects)
        {
            checkNotConcluded();
            this.maxQueuedConnects = connects;
            return this;
        }

        /**
         * @return most connect requests waiting for a handshake slot.
         */
        public int maxQueuedConnects()
        {
            return maxQueuedConnects;
        }

        /**
         * @param refusalsPerSecond how many refusals (as full or busy) a second the server aims at, default 20: while it
         *                          refuses more, it advises the refused clients to wait longer before asking again
         *                          (the wait is in each refusal, and grows with how many clients it is turning away),
         *                          so that a crowd it cannot take does not cost the players it has their service.
         * @return this for a fluent API.
         */
        public Context refusalRateTarget(final int refusalsPerSecond)
        {
            checkNotConcluded();
            this.refusalRateTarget = refusalsPerSecond;
            return this;
        }

        /**
         * @return how many refusals a second the server aims at.
         */
        public int refusalRateTarget()
        {
            return refusalRateTarget;
        }

        /**
         * @param limit the conductor's load (share of its time spent working over the last second, the invoked driver
         *              included) at or over which new sessions are refused with {@link DisconnectReason#SERVER_BUSY},
         *              so that the sessions it has keep their service; resumes are still admitted. 0, the default,
         *              turns it off; {@link Profile#LARGE_SERVER} sets
         *              {@value Profile#LARGE_SERVER_ADMISSION_LOAD_LIMIT}.
         * @return this for a fluent API.
         */
        public Context admissionLoadLimit(final double limit)
        {
            checkNotConcluded();
            this.admissionLoadLimit = limit;
            return this;
        }

        /**
         * @return the load limit of admission, 0 when off.
         */
        public double admissionLoadLimit()
        {
            return admissionLoadLimit;
        }

        /**
         * @param maxSessions most sessions at once, suspended ones included; more are rejected with
         *                    {@link DisconnectReason#SERVER_FULL}.
         * @return this for a fluent API.
         */
        public Context maxSessions(final int maxSessions)
        {
            checkNotConcluded();
            this.maxSessions = maxSessions;
            return this;
        }

        /**
         * @return most sessions at once.
         */
        public int maxSessions()
        {
            return maxSessions;
        }

        /**
         * @param timeoutNs a session that sends nothing for this long, in nanoseconds, is suspended (or closed).
         * @return this for a fluent API.
         */
        public Context sessionTimeoutNs(final long timeoutNs)
        {
            checkNotConcluded();
            this.sessionTimeoutNs = timeoutNs;
            return this;
        }

        /**
         * @return session timeout in nanoseconds.
         */
        public long sessionTimeoutNs()
        {
            return sessionTimeoutNs;
        }

        /**
         * @param intervalNs keepalive (ping) interval in nanoseconds; clients use the same.
         * @return this for a fluent API.
         */
        public Context keepAliveIntervalNs(final long intervalNs)
        {
            checkNotConcluded();
            this.keepAliveIntervalNs = intervalNs;
            return this;
        }

        /**
         * @return keepalive interval in nanoseconds.
         */
        public long keepAliveIntervalNs()
        {
            return keepAliveIntervalNs;
        }

        /**
         * @param windowNs how long a lost session, its rooms and its missed events are kept for a resume, in
         *                 nanoseconds; 0 disables resume.
         * @return this for a fluent API.
         */
        public Context resumeWindowNs(final long windowNs)
        {
            checkNotConcluded();
            this.resumeWindowNs = windowNs;
            return this;
        }

        /**
         * @return resume window in nanoseconds.
         */
        public long resumeWindowNs()
        {
            return resumeWindowNs;
        }

        /**
         * @param count most rooms one session may be in.
         * @return this for a fluent API.
         */
        public Context maxRoomsPerSession(final int count)
        {
            checkNotConcluded();
            this.maxRoomsPerSession = count;
            return this;
        }

        /**
         * @return most rooms per session.
         */
        public int maxRoomsPerSession()
        {
            return maxRoomsPerSession;
        }

        /**
         * @param events most events of one stream sent to a session and not yet acknowledged by it, default 512:
         *               past it, the session is sent more as its acknowledgements come. Keep it at most the client's
         *               {@code maxHeldEvents} (1024 by default), which is how far ahead of a gap a client holds events.
         * @return this for a fluent API.
         */
        public Context eventWindow(final int events)
        {
            checkNotConcluded();
            this.eventWindow = events;
            return this;
        }

        /**
         * @return most unacknowledged events of one stream per session.
         */
        public int eventWindow()
        {
            return eventWindow;
        }

        /**
         * @param delayNs how long after the last event sent to a session, plus its round trip, the server tells it
         *                the newest seq of each stream it has not acknowledged ({@code STREAM_HEADS}), default 25 ms:
         *                how soon a lost last event is found.
         * @return this for a fluent API.
         */
        public Context streamHeadsDelayNs(final long delayNs)
        {
            checkNotConcluded();
            this.streamHeadsDelayNs = delayNs;
            return this;
        }

        /**
         * @return delay before a session is told its streams' newest seqs.
         */
        public long streamHeadsDelayNs()
        {
            return streamHeadsDelayNs;
        }

        /**
         * @param count most direct messages kept per session for replay.
         * @param bytes most bytes of direct messages kept per session.
         * @return this for a fluent API.
         */
        public Context directHistory(final int count, final int bytes)
        {
            checkNotConcluded();
            this.directHistoryCount = count;
            this.directHistoryBytes = bytes;
            return this;
        }

        /**
         * Launch an embedded Aeron Archive in this directory with the embedded driver (an
         * {@code ArchivingMediaDriver}), for durable rooms ({@link RoomOptions#durable(boolean)}). The directory is
         * kept when the server closes. Without it, an archive is still embedded (in Aeron's default directory) when
         * the default room options are durable.
         *
         * @param directoryName the archive directory; null (default) for none.
         * @return this for a fluent API.
         */
        public Context archiveDirectoryName(final String directoryName)
        {
            checkNotConcluded();
            this.archiveDirectoryName = directoryName;
            return this;
        }

        /**
         * @return the embedded archive's directory, or null.
         */
        public String archiveDirectoryName()
        {
            return archiveDirectoryName;
        }

        /**
         * Record durable rooms to an external Aeron Archive instead of an embedded one.
         *
         * @param archiveCtx how to reach it (control request and response channels); its Aeron client is set to the
         *                   server's. Null (default) for the embedded archive.
         * @return this for a fluent API.
         */
        public Context aeronArchiveContext(final AeronArchive.Context archiveCtx)
        {
            checkNotConcluded();
            this.aeronArchiveContext = archiveCtx;
            return this;
        }

        /**
         * @return the external archive's context, or null for the embedded archive.
         */
        public AeronArchive.Context aeronArchiveContext()
        {
            return aeronArchiveContext;
        }

        /**
         * @param channel channel of the durable rooms' recorded publications, whose stream id is the room id
         *                (default {@value RoomArchive#DEFAULT_RECORDING_CHANNEL}).
         * @return this for a fluent API.
         */
        public Context recordingChannel(final String channel)
        {
            checkNotConcluded();
            this.recordingChannel = channel;
            return this;
        }

        /**
         * @return channel of the recorded publications.
         */
        public String recordingChannel()
        {
            return recordingChannel;
        }

        /**
         * @param length bytes per durable room held while its recording is back-pressured (rounded up to a power of
         *               two, default 1 MiB); frames beyond are lost to the recording, counted and marked as a gap.
         * @return this for a fluent API.
         */
        public Context recordingPendingBufferLength(final int length)
        {
            checkNotConcluded();
            this.recordingPendingBufferLength = length;
            return this;
        }

        /**
         * @return bytes per durable room held while its recording is back-pressured.
         */
        public int recordingPendingBufferLength()
        {
            return recordingPendingBufferLength;
        }

        /**
         * @param length bytes of recorded frames each spectator or replay feed (one Aeron Archive replay) holds,
         *               default 4 MiB, allocated when the feed opens: it holds the keyframe a late spectator starts
         *               from and what follows it; when it is full, reading from the archive pauses (the frames wait
         *               in the archive: nothing is lost, the delay is kept) or, when only spectators still to come
         *               would need them, the oldest frames leave.
         * @return this for a fluent API.
         */
        public Context feedBufferLength(final int length)
        {
            checkNotConcluded();
            this.feedBufferLength = length;
            return this;
        }

        /**
         * @return bytes of recorded frames each feed holds.
         */
        public int feedBufferLength()
        {
            return feedBufferLength;
        }

        /**
         * @param count most Aeron Archive replays feeding spectators and replays at once (one per spectated room and
         *              delay, one per replay), default 16; a request past it is refused ({@code LIMIT_REACHED}).
         * @return this for a fluent API.
         */
        public Context maxArchiveFeeds(final int count)
        {
            checkNotConcluded();
            this.maxArchiveFeeds = count;
            return this;
        }

        /**
         * @return most archive replays feeding spectators and replays at once.
         */
        public int maxArchiveFeeds()
        {
            return maxArchiveFeeds;
        }

        /**
         * @param waitNs how long {@link GameServer#restoreRoom} waits for a recording of the room that the archive
         *               still has active (an external archive that outlived the previous server: its recording stops
         *               once the archive's driver has timed out the dead client, about 10-15 s) to stop, default
         *               20 s; past it the restore throws {@code IllegalStateException} rather than restore without
         *               that recording's newest frames (or compete with a live server still recording the room).
         * @return this for a fluent API.
         */
        public Context activeRecordingWaitNs(final long waitNs)
        {
            checkNotConcluded();
            this.activeRecordingWaitNs = waitNs;
            return this;
        }

        /**
         * @param intervalNs how often each spectator or replay feed sends what has become due, default 50 ms, in
         *                   [0, 1 s]: everything due for a client leaves together, packed into as few datagrams as
         *                   fit, and the feeds' flushes are spread over the interval, so that many spectators cost
         *                   the conductor a few sends a flush rather than one per frame per spectator. A frame is
         *                   released up to this much later than its delay (a spectator 2 s behind sees it 2.00 to
         *                   2.05 s late); 0 sends each frame on the first duty cycle it is due (still packed).
         * @return this for a fluent API.
         */
        public Context feedFlushIntervalNs(final long intervalNs)
        {
            checkNotConcluded();
            this.feedFlushIntervalNs = intervalNs;
            return this;
        }

        /**
         * @return how long a restore waits for a room's active recording to stop.
         */
        public long activeRecordingWaitNs()
        {
            return activeRecordingWaitNs;
        }

        /**
         * @param retentionMs automatic retention: purge the stopped recordings of rooms not open on this server once
         *                    they stopped longer ago than this (by {@link #epochClock(EpochClock)} against the
         *                    archive's stop timestamp); 0 (default) keeps them.
         * @return this for a fluent API.
         */
        public Context recordingRetentionMs(final long retentionMs)
        {
            checkNotConcluded();
            this.recordingRetentionMs = retentionMs;
            return this;
        }

        /**
         * @return how long stopped recordings of rooms not open are kept, 0 for ever.
         */
        public long recordingRetentionMs()
        {
            return recordingRetentionMs;
        }

        /**
         * @param count automatic retention: keep at most this many recordings (the newest) of each room not open on
         *              this server, purging its older stopped ones; 0 (default) for no limit.
         * @return this for a fluent API.
         */
        public Context maxRecordingsPerRoom(final int count)
        {
            checkNotConcluded();
            this.maxRecordingsPerRoom = count;
            return this;
        }

        /**
         * @return most recordings kept per room not open, 0 for no limit.
         */
        public int maxRecordingsPerRoom()
        {
            return maxRecordingsPerRoom;
        }

        /**
         * @param intervalMs how often the retention sweep runs (by {@link #epochClock(EpochClock)}), default one
         *                   minute, when {@link #recordingRetentionMs(long)} or {@link #maxRecordingsPerRoom(int)}
         *                   is set. The sweep blocks the conductor for its archive calls (a listing, then a purge
         *                   per recording it removes).
         * @return this for a fluent API.
         */
        public Context retentionIntervalMs(final long intervalMs)
        {
            checkNotConcluded();
            this.retentionIntervalMs = intervalMs;
            return this;
        }

        /**
         * @return how often the retention sweep runs.
         */
        public long retentionIntervalMs()
        {
            return retentionIntervalMs;
        }

        /**
         * @return how often each feed sends what has become due.
         */
        public long feedFlushIntervalNs()
        {
            return feedFlushIntervalNs;
        }

        /**
         * @return true (after conclude) when the server connects to an archive for durable rooms.
         */
        public boolean archiveEnabled()
        {
            return archiveEnabled;
        }

        /**
         * @param listener the game's server hooks.
         * @return this for a fluent API.
         */
        public Context listener(final ServerListener listener)
        {
            checkNotConcluded();
            this.listener = listener;
            return this;
        }

        /**
         * @return the server listener.
         */
        public ServerListener listener()
        {
            return listener;
        }

        /**
         * @param listener room hooks for rooms created without a listener of their own.
         * @return this for a fluent API.
         */
        public Context defaultRoomListener(final RoomListener listener)
        {
            checkNotConcluded();
            this.defaultRoomListener = listener;
            return this;
        }

        /**
         * @param options defaults for rooms created with null options, and for rooms clients may not create.
         * @return this for a fluent API.
         */
        public Context defaultRoomOptions(final RoomOptions options)
        {
            checkNotConcluded();
            this.defaultRoomOptions = options.copy();
            return this;
        }

        /**
         * Require connect tokens minted by {@link ConnectTokens} with this secret, and authenticate every
         * client-to-server frame with the session key derived from the token.
         *
         * @param secret shared with the game's backend, at least 32 bytes; null (default) accepts every client.
         * @return this for a fluent API.
         */
        public Context connectTokenSecret(final byte[] secret)
        {
            checkNotConcluded();
            this.connectTokenSecret = null == secret ? null : secret.clone();
            return this;
        }

        /**
         * The key the session store ({@code skirmish-sessions.log} in the archive directory, see
         * {@link GameServer#restoreSessions()}) derives its keys from: the HMAC key of the resume-secret digests and the
         * AES-256-GCM key that seals the session keys of token-authenticated sessions. It is never written to the
         * file (the file keeps a check value), so the file alone yields no secret or key. Default: derived from
         * {@link #connectTokenSecret(byte[])} (HMAC-SHA256 over a label of its own); without either, a random digest
         * key kept in the file's header. The same key must be given to the process that restores the sessions:
         * a file written under another key is not restored (reported to the error handler).
         *
         * @param key at least 32 bytes, from the game's secret store; null (default) for the default above.
         * @return this for a fluent API.
         */
        public Context sessionStoreKey(final byte[] key)
        {
            checkNotConcluded();
            this.sessionStoreKey = null == key ? null : key.clone();
            return this;
        }

        /**
         * @return the session store's key, or null for the default.
         */
        public byte[] sessionStoreKey()
        {
            return null == sessionStoreKey ? null : sessionStoreKey.clone();
        }

        /**
         * The session store is an append-only file, rewritten compacted (to a temporary file, forced, renamed over
         * it) when it grows past this size, so that it holds only the sessions still open.
         *
         * @param bytes at least 4096; default 4 MiB.
         * @return this for a fluent API.
         */
        public Context sessionStoreCompactionBytes(final long bytes)
        {
            checkNotConcluded();
            this.sessionStoreCompactionBytes = bytes;
            return this;
        }

        /**
         * @return the size past which the session store is compacted.
         */
        public long sessionStoreCompactionBytes()
        {
            return sessionStoreCompactionBytes;
        }

        /**
         * The first session id this server gives out; later ones count up from it. Servers that take over each
         * other's sessions ({@link GameServer#restoreRoom(int, RoomOptions, File)}) need ranges of their own, so
         * that a taken-over session's id is not one of the taking server's: e.g. {@code serverId << 20}, a range of
         * about a million ids per server. A server restarted on its own archive directory
         * numbers after the highest persisted id, as before.
         *
         * @param base at least 1; default 1.
         * @return this for a fluent API.
         */
        public Context sessionIdBase(final int base)
        {
            checkNotConcluded();
            this.sessionIdBase = base;
            return this;
        }

        /**
         * @return the first session id this server gives out.
         */
        public int sessionIdBase()
        {
            return sessionIdBase;
        }

        /**
         * Require every session to use AES-GCM payload encryption; a client that does not ask for it (see
         * {@code GameClient.Context#payloadEncryption(boolean)}) is rejected with
         * {@link DisconnectReason#ENCRYPTION_REQUIRED}. Without it a server with connect tokens still encrypts the
         * sessions whose clients ask. Needs {@link #connectTokenSecret(byte[])}, whose session keys the frame keys
         * are derived from.
         *
         * @param require true to refuse clients that do not encrypt; default false.
         * @return this for a fluent API.
         */
        public Context requirePayloadEncryption(final boolean require)
        {
            checkNotConcluded();
            this.requirePayloadEncryption = require;
            return this;
        }

        /**
         * @param addresses the {@code host:port} strings tokens may name as their server; default
         *                  {@code bindAddress:port}.
         * @return this for a fluent API.
         */
        public Context publicAddresses(final String... addresses)
        {
            checkNotConcluded();
            this.publicAddresses = addresses.clone();
            return this;
        }

        /**
         * @param clock wall clock for token expiry, in milliseconds since the epoch.
         * @return this for a fluent API.
         */
        public Context epochClock(final EpochClock clock)
        {
            checkNotConcluded();
            this.epochClock = clock;
            return this;
        }

        /**
         * @param rate most messages, emits, join, leave and replay requests per second per session (twice that as a
         *             burst); more are dropped and counted, and repeat offenders disconnected. 0 disables.
         * @return this for a fluent API.
         */
        public Context maxMessagesPerSecond(final int rate)
        {
            checkNotConcluded();
            this.maxMessagesPerSecond = rate;
            return this;
        }

        /**
         * @param rate most bytes per second per session in messages, emits and inputs (twice that as a burst).
         *             0 disables.
         * @return this for a fluent API.
         */
        public Context maxBytesPerSecond(final int rate)
        {
            checkNotConcluded();
            this.maxBytesPerSecond = rate;
            return this;
        }

        /**
         * @param count invalid or rate-limited frames a session may send before it is disconnected
         *              with {@link DisconnectReason#PROTOCOL_VIOLATION}; default 100.
         * @return this for a fluent API.
         */
        public Context maxViolationsPerSession(final int count)
        {
            checkNotConcluded();
            this.maxViolationsPerSession = count;
            return this;
        }
    }
}
