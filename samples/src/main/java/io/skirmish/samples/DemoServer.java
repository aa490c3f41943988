package io.skirmish.samples;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.skirmish.agones.AgonesLifecycle;
import io.skirmish.directory.DirectoryNode;
import io.skirmish.directory.server.RoomServerLink;
import io.skirmish.directory.server.RoomServerListener;
import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.ThreadingMode;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.Room;
import io.skirmish.engine.server.RoomOptions;
import io.skirmish.metrics.OpsHttpServer;
import io.skirmish.metrics.ServerMetrics;
import io.skirmish.samples.arena.ArenaProtocol;
import io.skirmish.samples.arena.ArenaServer;
import org.agrona.CloseHelper;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The demo's game server as the {@code server} subcommand runs it: the arenas on a {@link GameServer} with its own
 * conductor thread, and, with a metrics port, the operations endpoint ({@link OpsHttpServer}: Prometheus
 * {@code /metrics} of {@link ServerMetrics}, health, and the admin API when an admin token is given), and, when asked,
 * the Agones lifecycle ({@link AgonesLifecycle}). A stop is a drain: {@link #drainAndClose(long, PrintStream)}.
 */
public final class DemoServer implements AutoCloseable
{
    /** Settings of a demo server. */
    public static final class Settings
    {
        String bind = SampleConfiguration.BIND;
        int port = SampleConfiguration.PORT;
        int arenas = SampleConfiguration.ARENAS;
        int firstArena;
        boolean lobby = true;
        int tickRateHz = SampleConfiguration.TICK_RATE_HZ;
        int metricsPort = -1;
        String adminToken;
        boolean agones;
        String archiveDirectory;
        long keyframeIntervalNs = TimeUnit.SECONDS.toNanos(1);
        long resumeWindowNs = TimeUnit.SECONDS.toNanos(60);
        String directoryNodes;
        int serverId = 1;
        String publicAddress;
        String tokenSecret;
        String sharedArchiveRoot;
        int capacity;

        /**
         * @param root the directory under which every room server of the directory keeps its archive, as
         *             {@code server-<id>} (this server's {@code --archive} must be {@code root/server-<serverId>}):
         *             an arena re-placed here from a dead server is restored from that server's archive with its
         *             sessions, and its players resume here. Null (the default) for none.
         * @return this.
         */
        public Settings sharedArchiveRoot(final String root)
        {
            this.sharedArchiveRoot = root;
            return this;
        }

        /**
         * @param nodes the room directory's nodes ({@code host:port,host:port,host:port}) to register with, or null
         *              (the default) to run alone.
         * @return this.
         */
        public Settings directory(final String nodes)
        {
            this.directoryNodes = nodes;
            return this;
        }

        /**
         * @param index the index of this server's first arena (its room id is
         *              {@code ArenaProtocol.arenaRoomId(index)}); default 0. Servers on one directory host distinct
         *              arenas, so room ids are unique across them.
         * @return this.
         */
        public Settings firstArena(final int index)
        {
            this.firstArena = index;
            return this;
        }

        /**
         * @param lobby whether this server has the lobby room; default true. A cluster's servers have none, so their
         *              players are only in arenas.
         * @return this.
         */
        public Settings lobby(final boolean lobby)
        {
            this.lobby = lobby;
            return this;
        }

        /**
         * @param serverId this server's id in the directory; default 1.
         * @return this.
         */
        public Settings serverId(final int serverId)
        {
            this.serverId = serverId;
            return this;
        }

        /**
         * @param address the {@code host:port} players reach this server on, registered with the directory; default
         *                {@code localhost:port}.
         * @return this.
         */
        public Settings publicAddress(final String address)
        {
            this.publicAddress = address;
            return this;
        }

        /**
         * @param secret the connect token secret (the backends' too): players need a token, and a token minted from
         *               a directory seat lands its player in the seat's room; null (the default) for no tokens.
         * @return this.
         */
        public Settings tokenSecret(final String secret)
        {
            this.tokenSecret = secret;
            return this;
        }

        /**
         * @param capacity players registered with the directory; default 0, the server's max sessions.
         * @return this.
         */
        public Settings capacity(final int capacity)
        {
            this.capacity = capacity;
            return this;
        }

        /**
         * @param directory the archive directory that makes every room durable (restored from it on start when a
         *                  previous process recorded there; the arenas can be spectated and replayed), or null (the
         *                  default) for none.
         * @return this.
         */
        public Settings archiveDirectory(final String directory)
        {
            this.archiveDirectory = directory;
            return this;
        }

        /**
         * @param intervalNs time between the keyframes of each durable room (default 1 s).
         * @return this.
         */
        public Settings keyframeIntervalNs(final long intervalNs)
        {
            this.keyframeIntervalNs = intervalNs;
            return this;
        }

        /**
         * @param windowNs the resume window with an archive (default 60 s: it must cover a restart after a crash,
         *                 the archive's 10 s mark-file wait included); without one the engine's default applies.
         * @return this.
         */
        public Settings resumeWindowNs(final long windowNs)
        {
            this.resumeWindowNs = windowNs;
            return this;
        }

        /**
         * @param bind UDP (and HTTP) address to bind.
         * @return this.
         */
        public Settings bind(final String bind)
        {
            this.bind = bind;
            return this;
        }

        /**
         * @param port UDP request port (responses on port + 1).
         * @return this.
         */
        public Settings port(final int port)
        {
            this.port = port;
            return this;
        }

        /**
         * @param arenas arena rooms.
         * @return this.
         */
        public Settings arenas(final int arenas)
        {
            this.arenas = arenas;
            return this;
        }

        /**
         * @param hz arena tick rate.
         * @return this.
         */
        public Settings tickRateHz(final int hz)
        {
            this.tickRateHz = hz;
            return this;
        }

        /**
         * @param port TCP port of the operations endpoint; 0 for any free one; negative (the default) for none.
         * @return this.
         */
        public Settings metricsPort(final int port)
        {
            this.metricsPort = port;
            return this;
        }

        /**
         * @param agones run the Agones lifecycle: Ready once up, health pings, sessions as players, Shutdown after
         *               the drain (the SDK server at {@code localhost:${AGONES_SDK_HTTP_PORT:-9358}}).
         * @return this.
         */
        public Settings agones(final boolean agones)
        {
            this.agones = agones;
            return this;
        }

        /**
         * @param token bearer token of the admin API; null (the default) leaves it off.
         * @return this.
         */
        public Settings adminToken(final String token)
        {
            this.adminToken = token;
            return this;
        }
    }

    private static final long ARCHIVE_WAIT_NS = TimeUnit.SECONDS.toNanos(30);
    private static final long START_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);

    private final ArenaServer game;
    private final GameServer server;
    private final ServerMetrics metrics;
    private final OpsHttpServer ops;
    private final AgonesLifecycle agones;
    private final RoomServerLink link;
    private boolean closed;

    private DemoServer(final Settings settings) throws IOException
    {
        game = new ArenaServer(
            settings.arenas, settings.tickRateHz, SampleConfiguration.SEED, settings.firstArena, settings.lobby);
        if (null != settings.archiveDirectory)
        {
            game.durable(settings.keyframeIntervalNs);
        }
        final String publicAddress = null == settings.publicAddress ?
            "localhost:" + settings.port : settings.publicAddress;
        link = null == settings.directoryNodes ? null : new RoomServerLink(new RoomServerLink.Context()
            .nodes(settings.directoryNodes)
            .serverId(settings.serverId)
            .publicAddress(publicAddress)
            .capacity(settings.capacity)
            .secret(DirectoryCommand.secret(DirectoryNode.Configuration.SERVER_SECRET_ENV))
            .sharedArchiveRoot(null == settings.sharedArchiveRoot ? null : new java.io.File(settings.sharedArchiveRoot))
            .roomOptions((roomId, kind, minPlayers, maxPlayers, properties) ->
            {
                final RoomOptions options = game.adoptArena(roomId);
                return null != options ? options : new RoomOptions().maxMembers(maxPlayers);
            })
            .listener(new RoomServerListener()
            {
                public void onRoomPlaced(
                    final Room room, final int kind, final byte[] properties, final boolean restored)
                {
                    if (game.adopted(room))
                    {
                        System.out.printf("adopted %s from a dead server (%s, at seq %d)%n",
                            ArenaProtocol.roomName(room.roomId()), restored ? "restored" : "created",
                            room.lastSeq());
                        System.out.flush();
                    }
                }
            }));
        final int maxSessions = new GameServer.Context().maxSessions();
        agones = settings.agones ?
            new AgonesLifecycle(new AgonesLifecycle.Context().playerCapacity(maxSessions)) : null;
        try
        {
            server = launch(() ->
            {
                final GameServer.Context serverContext = new GameServer.Context()
                    .bindAddress(settings.bind)
                    .port(settings.port)
                    .threadingMode(ThreadingMode.SHARED)
                    .idleStrategy(SampleConfiguration.idleStrategy())
                    .listener(null == link ? (null == agones ? game : agones.listener(game)) :
                        link.listener(null == agones ? game : agones.listener(game)));
                if (null != settings.directoryNodes)
                {
                    serverContext.sessionIdBase(settings.serverId << 20); // taken-over session ids stay unique
                }
                if (null != settings.tokenSecret)
                {
                    serverContext.connectTokenSecret(settings.tokenSecret.getBytes(StandardCharsets.UTF_8))
                        .publicAddresses(publicAddress);
                }
                if (null != settings.archiveDirectory)
                {
                    serverContext.archiveDirectoryName(settings.archiveDirectory)
                        .resumeWindowNs(settings.resumeWindowNs);
                }
                return serverContext;
            }, System.out);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(agones);
            throw ex;
        }
        final long startDeadlineNs = System.nanoTime() + START_TIMEOUT_NS;
        while (!game.isStarted())
        {
            if (server.isClosed() || System.nanoTime() - startDeadlineNs > 0)
            {
                CloseHelper.quietCloseAll(server, agones);
                throw new IllegalStateException("the game did not start (its rooms were not created or restored)");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        ServerMetrics metrics = null;
        OpsHttpServer ops = null;
        if (settings.metricsPort >= 0)
        {
            try
            {
                final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
                metrics = new ServerMetrics(new ServerMetrics.Context().server(server));
                metrics.bindTo(registry);
                metrics.start();
                ops = OpsHttpServer.start(new OpsHttpServer.Context()
                    .bindAddress(settings.bind)
                    .port(settings.metricsPort)
                    .server(server)
                    .registry(registry)
                    .adminToken(settings.adminToken));
            }
            catch (final IOException | RuntimeException ex)
            {
                CloseHelper.quietCloseAll(ops, metrics, server, agones);
                throw ex;
            }
        }
        this.metrics = metrics;
        this.ops = ops;
        if (null != link)
        {
            try
            {
                link.start(server);
            }
            catch (final RuntimeException ex)
            {
                CloseHelper.quietCloseAll(link, ops, metrics, server, agones);
                throw ex;
            }
        }
        if (null != agones)
        {
            agones.start();
        }
    }

    /**
     * Launch the server; with an archive directory that a killed process left, wait for it: Aeron Archive refuses
     * the directory while the dead archive's mark file looks live (up to its 10 s liveness timeout), so ask again
     * every 500 ms for at most 30 s.
     */
    private static GameServer launch(final Supplier<GameServer.Context> contexts, final PrintStream out)
    {
        final long startNs = System.nanoTime();
        int refused = 0;
        while (true)
        {
            try
            {
                final GameServer server = GameServer.launch(contexts.get());
                if (refused > 0)
                {
                    out.printf("archive directory free after %d ms (a killed server's mark file timed out)%n",
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));
                }
                return server;
            }
            catch (final RuntimeException ex)
            {
                if (null == contexts.get().archiveDirectoryName() || !String.valueOf(ex.getMessage()).contains("active") ||
                    System.nanoTime() - startNs > ARCHIVE_WAIT_NS)
                {
                    throw ex;
                }
                if (0 == refused++)
                {
                    out.println("archive directory still held by a killed server's mark file; waiting up to 30 s");
                    out.flush();
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
            }
        }
    }

    /**
     * Start.
     *
     * @param settings what to run.
     * @return the running server.
     * @throws IOException when the metrics port cannot be bound.
     */
    public static DemoServer launch(final Settings settings) throws IOException
    {
        return new DemoServer(settings);
    }

    /**
     * @return the game server.
     */
    public GameServer server()
    {
        return server;
    }

    /**
     * @return the arenas.
     */
    public ArenaServer game()
    {
        return game;
    }

    /**
     * @return the link to the room directory, or null when running alone.
     */
    public RoomServerLink link()
    {
        return link;
    }

    /**
     * @return the metrics, or null without a metrics port.
     */
    public ServerMetrics metrics()
    {
        return metrics;
    }

    /**
     * @return the operations endpoint's TCP port, or -1 without one.
     */
    public int metricsPort()
    {
        return null == ops ? -1 : ops.port();
    }

    /**
     * The graceful stop: refuse new sessions ({@code SERVER_DRAINING}, and {@code /health/ready} answers 503), give
     * the rooms up to {@code drainTimeoutNs} to finish (the sessions to leave), then close everything; the clients
     * still connected are told {@code SERVER_SHUTDOWN}.
     *
     * @param drainTimeoutNs longest wait for the sessions to leave.
     * @param out            where to report.
     * @return the sessions still connected when the wait ended.
     */
    public long drainAndClose(final long drainTimeoutNs, final PrintStream out)
    {
        server.drain();
        out.printf("draining: %d sessions, %d rooms; new sessions refused; up to %d ms for the rooms to finish%n",
            server.counter(EngineCounter.SESSIONS_ACTIVE), server.counter(EngineCounter.ROOMS_ACTIVE),
            TimeUnit.NANOSECONDS.toMillis(drainTimeoutNs));
        final long deadlineNs = System.nanoTime() + drainTimeoutNs;
        while (server.counter(EngineCounter.SESSIONS_ACTIVE) > 0 && System.nanoTime() - deadlineNs < 0 &&
            !server.isClosed())
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        final long left = server.counter(EngineCounter.SESSIONS_ACTIVE);
        out.printf("drained: %d sessions still connected are told SERVER_SHUTDOWN; closing%n", left);
        closeServer();
        if (null != agones)
        {
            out.printf("agones shutdown %s%n", agones.shutdown(TimeUnit.SECONDS.toNanos(5)) ? "sent" : "failed");
        }
        close();
        return left;
    }

    /**
     * Close the endpoint, the metrics, the server (which tells every client {@code SERVER_SHUTDOWN}) and the Agones
     * lifecycle.
     */
    public void close()
    {
        closeServer();
        CloseHelper.quietClose(agones);
    }

    private void closeServer()
    {
        if (!closed)
        {
            closed = true;
            CloseHelper.quietCloseAll(link, ops, metrics);
            server.close();
        }
    }
}
