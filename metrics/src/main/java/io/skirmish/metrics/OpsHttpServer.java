package io.skirmish.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.skirmish.engine.DisconnectReason;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.Session;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The operations endpoint of a game server, on the JDK's own {@link HttpServer}:
 * <pre>
 *   GET  /metrics                     Prometheus text format (when a registry is given)
 *   GET  /health/live                 200 while the server's conductor answers within the liveness timeout; 503
 *                                     when it does not (unresponsive) or the server is closed
 *   GET  /health/ready                200 once the driver and lanes are up and the game says so; 503 while
 *                                     draining or closed
 *   GET  /admin/rooms                 rooms, each with its members and their figures
 *   GET  /admin/rooms/{id}            one room
 *   POST /admin/rooms/{id}/close      close a room (its members are told ROOM_CLOSED)
 *   GET  /admin/sessions              every session
 *   POST /admin/sessions/{id}/kick    end a session with KICKED
 *   POST /admin/drain                 refuse new sessions from now on (SERVER_DRAINING); rooms carry on
 * </pre>
 * The admin API needs {@code Authorization: Bearer <token>} with the context's {@link Context#adminToken(String)}
 * (compared in constant time); without a configured token it answers 403. Bad input gets a 4xx with a JSON
 * {@code {"error": ...}}: 400 (an id that is not a positive integer), 401 (no or a wrong token), 404 (no such path,
 * room or session), 405 (wrong method, with {@code Allow}), 413 (a body over {@link Context#maxRequestBytes(int)});
 * 503 when the server's conductor did not answer in time. Admin work runs on the game server's conductor, handed
 * there through {@code GameServer.proxy().execute}; the HTTP threads never touch sessions or rooms.
 */
public final class OpsHttpServer implements AutoCloseable
{
    private static final String JSON = "application/json; charset=utf-8";
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final Context ctx;
    private final HttpServer http;
    private final ExecutorService executor;
    private final byte[] token;

    private OpsHttpServer(final Context ctx) throws IOException
    {
        this.ctx = ctx;
        this.token = null == ctx.adminToken ? null : ctx.adminToken.getBytes(StandardCharsets.UTF_8);
        this.http = HttpServer.create(new InetSocketAddress(ctx.bindAddress, ctx.port), 16);
        this.executor = Executors.newFixedThreadPool(ctx.threads, ctx.threadFactory);
        http.setExecutor(executor);
        http.createContext("/", this::handle);
        http.start();
    }

    /**
     * Conclude the context, bind and start serving.
     *
     * @param ctx the settings; concluded here.
     * @return the running endpoint.
     * @throws IOException when the port cannot be bound.
     */
    public static OpsHttpServer start(final Context ctx) throws IOException
    {
        ctx.conclude();
        return new OpsHttpServer(ctx);
    }

    /**
     * @return the TCP port bound (useful with port 0).
     */
    public int port()
    {
        return http.getAddress().getPort();
    }

    /**
     * Stop serving: requests in progress get up to a second. Idempotent.
     */
    public void close()
    {
        http.stop(1);
        executor.shutdownNow();
    }

    private void handle(final HttpExchange exchange) throws IOException
    {
        try (exchange)
        {
            final Reply reply = route(exchange);
            send(exchange, reply);
        }
        catch (final RuntimeException ex)
        {
            ctx.errorHandler.accept(ex);
        }
    }

    private Reply route(final HttpExchange exchange) throws IOException
    {
        final String path = exchange.getRequestURI().getPath();
        final String method = exchange.getRequestMethod();
        if (!readBody(exchange))
        {
            return Reply.error(413, "request body over " + ctx.maxRequestBytes + " bytes");
        }
        switch (path)
        {
            case "/metrics":
                if (null == ctx.registry)
                {
                    return Reply.error(404, "no metrics registry on this endpoint");
                }
                return isGet(method) ? new Reply(200, PROMETHEUS_TEXT, ctx.registry.scrape()) : notAllowed("GET");

            case "/health/live":
                return isGet(method) ? live() : notAllowed("GET");

            case "/health/ready":
                return isGet(method) ? ready() : notAllowed("GET");

            default:
                if (path.equals("/admin") || path.startsWith("/admin/"))
                {
                    return admin(exchange, method, path);
                }
                return Reply.error(404, "no such path: " + path);
        }
    }

    /**
     * Live while the conductor still runs its duty cycle: it must answer a no-op handed to it within the liveness
     * timeout (a listener that blocks the conductor makes the server unresponsive, and an orchestrator restarts it).
     */
    private Reply live()
    {
        if (ctx.server.isClosed())
        {
            return status(503, "closed");
        }
        try
        {
            ConductorCall.call(ctx.server, (server) -> Boolean.TRUE, ctx.livenessTimeoutNs);
            return status(200, "live");
        }
        catch (final ConductorCall.Unavailable ex)
        {
            return ctx.server.isClosed() ? status(503, "closed") : status(503, "unresponsive");
        }
    }

    private Reply ready()
    {
        if (ctx.server.isClosed())
        {
            return status(503, "closed");
        }
        if (ctx.server.isDraining())
        {
            return status(503, "draining");
        }
        return ctx.readiness.getAsBoolean() ? status(200, "ready") : status(503, "starting");
    }

    private Reply admin(final HttpExchange exchange, final String method, final String path)
    {
        if (null == token)
        {
            return Reply.error(403, "the admin API is disabled: no admin token configured");
        }
        if (!authorized(exchange.getRequestHeaders().getFirst("Authorization")))
        {
            final Reply reply = Reply.error(401, "missing or wrong bearer token");
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"skirmish-admin\"");
            return reply;
        }
        final String[] parts = path.substring(1).split("/", -1);
        try
        {
            if (parts.length == 2 && "rooms".equals(parts[1]))
            {
                return isGet(method) ? json(200, call(AdminViews::rooms)) : notAllowed("GET");
            }
            if (parts.length == 2 && "sessions".equals(parts[1]))
            {
                return isGet(method) ? json(200, call(AdminViews::sessions)) : notAllowed("GET");
            }
            if (parts.length == 2 && "drain".equals(parts[1]))
            {
                if (!"POST".equals(method))
                {
                    return notAllowed("POST");
                }
                ctx.server.drain();
                return json(202, "{\"draining\":true,\"sessions\":" + ctx.server.sessionCount() + "}");
            }
            if (parts.length == 3 && "rooms".equals(parts[1]))
            {
                final int roomId = id(parts[2]);
                if (!isGet(method))
                {
                    return notAllowed("GET");
                }
                final String room = call((server) -> AdminViews.room(server, roomId));
                return null == room ? Reply.error(404, "no room " + roomId) : json(200, room);
            }
            if (parts.length == 4 && "rooms".equals(parts[1]) && "close".equals(parts[3]))
            {
                final int roomId = id(parts[2]);
                if (!"POST".equals(method))
                {
                    return notAllowed("POST");
                }
                return call((server) -> server.closeRoom(roomId)) ?
                    json(200, "{\"closed\":" + roomId + "}") : Reply.error(404, "no room " + roomId);
            }
            if (parts.length == 4 && "sessions".equals(parts[1]) && "kick".equals(parts[3]))
            {
                final int sessionId = id(parts[2]);
                if (!"POST".equals(method))
                {
                    return notAllowed("POST");
                }
                return call((server) -> kick(server, sessionId)) ?
                    json(200, "{\"kicked\":" + sessionId + "}") : Reply.error(404, "no session " + sessionId);
            }
            return Reply.error(404, "no such admin path: " + path);
        }
        catch (final BadId ex)
        {
            return Reply.error(400, ex.getMessage());
        }
        catch (final ConductorCall.Unavailable ex)
        {
            return Reply.error(503, ex.getMessage());
        }
    }

    private static boolean kick(final GameServer server, final int sessionId)
    {
        final Session session = server.session(sessionId);
        if (null == session)
        {
            return false;
        }
        server.disconnect(session, DisconnectReason.KICKED);
        return true;
    }

    private <T> T call(final Function<GameServer, T> function) throws ConductorCall.Unavailable
    {
        return ConductorCall.call(ctx.server, function, ctx.requestTimeoutNs);
    }

    private boolean authorized(final String header)
    {
        if (null == header || !header.startsWith("Bearer "))
        {
            return false;
        }
        final byte[] given = header.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, token);
    }

    /**
     * Read and discard the body (up to a bound past the limit, so the connection can still carry the answer).
     *
     * @return false when it is over the limit.
     */
    private boolean readBody(final HttpExchange exchange) throws IOException
    {
        final long readAtMost = ctx.maxRequestBytes + 64L * 1024;
        final InputStream in = exchange.getRequestBody();
        final byte[] scratch = new byte[4096];
        long total = 0;
        int n;
        while (total <= readAtMost && (n = in.read(scratch)) > 0)
        {
            total += n;
        }
        return total <= ctx.maxRequestBytes;
    }

    private static int id(final String text) throws BadId
    {
        try
        {
            final int id = Integer.parseInt(text);
            if (id > 0)
            {
                return id;
            }
        }
        catch (final NumberFormatException ignore)
        {
            // answered below
        }
        throw new BadId("not a positive integer id: '" + text + "'");
    }

    private static boolean isGet(final String method)
    {
        return "GET".equals(method) || "HEAD".equals(method);
    }

    private static Reply notAllowed(final String allow)
    {
        final Reply reply = Reply.error(405, "method not allowed; use " + allow);
        reply.allow = allow;
        return reply;
    }

    private static Reply status(final int code, final String status)
    {
        return json(code, "{\"status\":\"" + status + "\"}");
    }

    private static Reply json(final int code, final String body)
    {
        return new Reply(code, JSON, body);
    }

    private static void send(final HttpExchange exchange, final Reply reply) throws IOException
    {
        final byte[] body = reply.body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", reply.contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        if (null != reply.allow)
        {
            exchange.getResponseHeaders().set("Allow", reply.allow);
        }
        final boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(reply.code, head ? -1 : body.length);
        if (!head)
        {
            try (OutputStream out = exchange.getResponseBody())
            {
                out.write(body);
            }
        }
    }

    /** An id in a path that is not a positive integer. */
    private static final class BadId extends Exception
    {
        private static final long serialVersionUID = 1L;

        BadId(final String message)
        {
            super(message);
        }
    }

    /** What to answer. */
    private static final class Reply
    {
        final int code;
        final String contentType;
        final String body;
        String allow;

        Reply(final int code, final String contentType, final String body)
        {
            this.code = code;
            this.contentType = contentType;
            this.body = body;
        }

        static Reply error(final int code, final String message)
        {
            return new Reply(code, JSON, "{\"error\":\"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}");
        }
    }

    /**
     * Settings of {@link OpsHttpServer}: fluent setters, concluded once by {@link OpsHttpServer#start(Context)}.
     */
    public static final class Context
    {
        /** Environment variable the demo reads the admin token from when {@code --admin-token} is not given. */
        public static final String ADMIN_TOKEN_ENV = "SKIRMISH_ADMIN_TOKEN";

        private String bindAddress = "0.0.0.0";
        private int port = 9400;
        private GameServer server;
        private PrometheusMeterRegistry registry;
        private String adminToken;
        private BooleanSupplier readiness = () -> true;
        private long requestTimeoutNs = TimeUnit.SECONDS.toNanos(2);
        private long livenessTimeoutNs = TimeUnit.SECONDS.toNanos(1);
        private int maxRequestBytes = 4096;
        private int threads = 2;
        private ThreadFactory threadFactory = new ThreadFactory()
        {
            private final AtomicInteger count = new AtomicInteger();

            public Thread newThread(final Runnable r)
            {
                final Thread thread = new Thread(r, "skirmish-ops-http-" + count.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            }
        };
        private Consumer<Throwable> errorHandler = Throwable::printStackTrace;
        private boolean concluded;

        /**
         * @param address TCP address to bind (default {@code 0.0.0.0}).
         * @return this.
         */
        public Context bindAddress(final String address)
        {
            checkNotConcluded();
            this.bindAddress = address;
            return this;
        }

        /**
         * @return TCP address to bind.
         */
        public String bindAddress()
        {
            return bindAddress;
        }

        /**
         * @param port TCP port (default 9400; 0 for any free one, see {@link OpsHttpServer#port()}).
         * @return this.
         */
        public Context port(final int port)
        {
            checkNotConcluded();
            this.port = port;
            return this;
        }

        /**
         * @return TCP port asked for.
         */
        public int port()
        {
            return port;
        }

        /**
         * @param server the game server (required).
         * @return this.
         */
        public Context server(final GameServer server)
        {
            checkNotConcluded();
            this.server = server;
            return this;
        }

        /**
         * @return the game server.
         */
        public GameServer server()
        {
            return server;
        }

        /**
         * @param registry what {@code /metrics} scrapes; null for no {@code /metrics}.
         * @return this.
         */
        public Context registry(final PrometheusMeterRegistry registry)
        {
            checkNotConcluded();
            this.registry = registry;
            return this;
        }

        /**
         * @return the registry, or null.
         */
        public PrometheusMeterRegistry registry()
        {
            return registry;
        }

        /**
         * @param token the admin API's bearer token; null (the default) turns the admin API off.
         * @return this.
         */
        public Context adminToken(final String token)
        {
            checkNotConcluded();
            this.adminToken = token;
            return this;
        }

        /**
         * @return the admin token, or null.
         */
        public String adminToken()
        {
            return adminToken;
        }

        /**
         * @param readiness the game's own readiness besides the server's (default: always); any thread.
         * @return this.
         */
        public Context readiness(final BooleanSupplier readiness)
        {
            checkNotConcluded();
            this.readiness = readiness;
            return this;
        }

        /**
         * @return the game's readiness.
         */
        public BooleanSupplier readiness()
        {
            return readiness;
        }

        /**
         * @param timeoutNs longest wait for the conductor to answer an admin request (default 2 s; then 503).
         * @return this.
         */
        public Context requestTimeoutNs(final long timeoutNs)
        {
            checkNotConcluded();
            this.requestTimeoutNs = timeoutNs;
            return this;
        }

        /**
         * @return longest wait for the conductor.
         */
        public long requestTimeoutNs()
        {
            return requestTimeoutNs;
        }

        /**
         * @param timeoutNs longest wait for the conductor to run the liveness check's no-op (default 1 s; then
         *                  {@code /health/live} answers 503 unresponsive).
         * @return this.
         */
        public Context livenessTimeoutNs(final long timeoutNs)
        {
            checkNotConcluded();
            this.livenessTimeoutNs = timeoutNs;
            return this;
        }

        /**
         * @return longest wait for the liveness check.
         */
        public long livenessTimeoutNs()
        {
            return livenessTimeoutNs;
        }

        /**
         * @param bytes largest request body accepted (default 4096; larger gets 413).
         * @return this.
         */
        public Context maxRequestBytes(final int bytes)
        {
            checkNotConcluded();
            this.maxRequestBytes = bytes;
            return this;
        }

        /**
         * @return largest request body.
         */
        public int maxRequestBytes()
        {
            return maxRequestBytes;
        }

        /**
         * @param threads HTTP worker threads (default 2).
         * @param factory makes them (default: daemons named {@code skirmish-ops-http-N}).
         * @return this.
         */
        public Context threads(final int threads, final ThreadFactory factory)
        {
            checkNotConcluded();
            this.threads = threads;
            this.threadFactory = factory;
            return this;
        }

        /**
         * @return HTTP worker threads.
         */
        public int threads()
        {
            return threads;
        }

        /**
         * @param handler gets what a handler threw unexpectedly (default: printed).
         * @return this.
         */
        public Context errorHandler(final Consumer<Throwable> handler)
        {
            checkNotConcluded();
            this.errorHandler = handler;
            return this;
        }

        /**
         * Validate and freeze. Once.
         *
         * @return this.
         */
        public Context conclude()
        {
            checkNotConcluded();
            if (null == server)
            {
                throw new IllegalArgumentException("server is required");
            }
            if (port < 0 || port > 65535 || threads < 1 || maxRequestBytes < 0 || requestTimeoutNs <= 0 ||
                livenessTimeoutNs <= 0)
            {
                throw new IllegalArgumentException("bad port, threads, maxRequestBytes or a timeout");
            }
            if (null != adminToken && adminToken.isBlank())
            {
                throw new IllegalArgumentException("adminToken must not be blank");
            }
            if (null == readiness || null == threadFactory || null == errorHandler || null == bindAddress)
            {
                throw new IllegalArgumentException(
                    "readiness, threadFactory, errorHandler and bindAddress are required");
            }
            concluded = true;
            return this;
        }

        private void checkNotConcluded()
        {
            if (concluded)
            {
                throw new IllegalStateException("context already concluded");
            }
        }
    }
}
