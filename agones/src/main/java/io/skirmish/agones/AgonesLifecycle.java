package io.skirmish.agones;

import io.skirmish.engine.DisconnectReason;
import io.skirmish.engine.server.ConnectRequest;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.ServerListener;
import io.skirmish.engine.server.Session;
import org.agrona.DirectBuffer;

import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A game server's life under Agones, driven from one thread of its own (never the game server's conductor):
 * <ul>
 *     <li>{@link #start()}: the player capacity (when set), then {@code Ready}, then a {@code Health} ping every
 *     {@link Context#healthIntervalNs(long)};</li>
 *     <li>{@link #listener(ServerListener)}: the game's listener, wrapped so that each session that connects is a
 *     player ({@code PlayerConnect}, or a value of {@link Context#playersList(String)}) until it closes
 *     ({@code PlayerDisconnect}, or the value removed); the calls are queued from the conductor to the lifecycle
 *     thread;</li>
 *     <li>{@link #allocate()} for a server that allocates itself, and {@link #shutdown(long)} once a drain is
 *     done.</li>
 * </ul>
 * A failed call goes to the context's error handler and is counted ({@link #failures()}); the game server carries
 * on.
 */
public final class AgonesLifecycle implements AutoCloseable
{
    private final Context ctx;
    private final AgonesSdk sdk;
    private final ScheduledExecutorService thread;
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong healthPings = new AtomicLong();

    /**
     * @param ctx the settings; concluded here.
     */
    public AgonesLifecycle(final Context ctx)
    {
        ctx.conclude();
        this.ctx = ctx;
        this.sdk = ctx.sdk;
        this.thread = Executors.newSingleThreadScheduledExecutor(ctx.threadFactory);
    }

    /**
     * @return the SDK client.
     */
    public AgonesSdk sdk()
    {
        return sdk;
    }

    /**
     * Set the capacity (when configured), mark the game server {@code Ready} and start the health pings; returns at
     * once, the calls run on the lifecycle thread. Call it once the server is launched.
     *
     * @return this.
     */
    public AgonesLifecycle start()
    {
        thread.execute(() ->
        {
            if (ctx.playerCapacity >= 0)
            {
                guard(() -> sdk.playerCapacity(ctx.playerCapacity));
            }
            guard(sdk::ready);
        });
        thread.scheduleWithFixedDelay(() -> guard(() ->
        {
            sdk.health();
            healthPings.incrementAndGet();
        }), 0, ctx.healthIntervalNs, TimeUnit.NANOSECONDS);
        return this;
    }

    /**
     * @param game the game's listener.
     * @return a listener that hands every callback to {@code game} and reports sessions as players.
     */
    public ServerListener listener(final ServerListener game)
    {
        return new PlayerTracking(game);
    }

    /**
     * Queue a self-allocation ({@code Allocated}).
     */
    public void allocate()
    {
        thread.execute(() -> guard(sdk::allocate));
    }

    /**
     * Stop the health pings and tell Agones to shut the game server down; waits for the call (on the lifecycle
     * thread, after the calls queued before it).
     *
     * @param timeoutNs longest wait.
     * @return true when the SDK server took it.
     */
    public boolean shutdown(final long timeoutNs)
    {
        final Future<?> done = thread.submit(() -> sdk.shutdown());
        try
        {
            done.get(timeoutNs, TimeUnit.NANOSECONDS);
            return true;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
        catch (final Exception ex)
        {
            failures.incrementAndGet();
            ctx.errorHandler.accept(ex);
            return false;
        }
    }

    /**
     * @return calls that failed.
     */
    public long failures()
    {
        return failures.get();
    }

    /**
     * @return health pings the SDK server took.
     */
    public long healthPings()
    {
        return healthPings.get();
    }

    /**
     * Stop the lifecycle thread (queued calls are dropped). Idempotent.
     */
    public void close()
    {
        thread.shutdownNow();
        try
        {
            thread.awaitTermination(ctx.sdk.context().requestTimeoutNs() * 2, TimeUnit.NANOSECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void guard(final Runnable call)
    {
        try
        {
            call.run();
        }
        catch (final RuntimeException ex)
        {
            failures.incrementAndGet();
            ctx.errorHandler.accept(ex);
        }
    }

    private void onPlayer(final String playerId, final boolean connected)
    {
        thread.execute(() -> guard(() ->
        {
            if (null != ctx.playersList)
            {
                if (connected)
                {
                    sdk.addListValue(ctx.playersList, playerId);
                }
                else
                {
                    sdk.removeListValue(ctx.playersList, playerId);
                }
            }
            else if (connected)
            {
                sdk.playerConnect(playerId);
            }
            else
            {
                sdk.playerDisconnect(playerId);
            }
        }));
    }

    /** The game's listener, with sessions reported as players. Conductor thread, as every listener. */
    private final class PlayerTracking implements ServerListener
    {
        private final ServerListener game;

        PlayerTracking(final ServerListener game)
        {
            this.game = game;
        }

        public void onStart(final GameServer server)
        {
            game.onStart(server);
        }

        public void onConnectRequest(final ConnectRequest request)
        {
            game.onConnectRequest(request);
        }

        public void onSessionConnected(final Session session)
        {
            onPlayer(ctx.playerId.apply(session), true);
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
            onPlayer(ctx.playerId.apply(session), false);
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
     * Settings of {@link AgonesLifecycle}: fluent setters, concluded once by its constructor.
     */
    public static final class Context
    {
        private AgonesSdk sdk;
        private long healthIntervalNs = TimeUnit.SECONDS.toNanos(2);
        private long playerCapacity = -1;
        private String playersList;
        private Function<Session, String> playerId = (session) ->
            0 != session.clientId() ? Long.toString(session.clientId()) : "session-" + session.sessionId();
        private ThreadFactory threadFactory = (r) ->
        {
            final Thread thread = new Thread(r, "skirmish-agones");
            thread.setDaemon(true);
            return thread;
        };
        private Consumer<Throwable> errorHandler = Throwable::printStackTrace;
        private boolean concluded;

        /**
         * @param sdk the SDK client (default: one with its default settings).
         * @return this.
         */
        public Context sdk(final AgonesSdk sdk)
        {
            checkNotConcluded();
            this.sdk = sdk;
            return this;
        }

        /**
         * @param intervalNs time between health pings (default 2 s; Agones' default health period is 5 s).
         * @return this.
         */
        public Context healthIntervalNs(final long intervalNs)
        {
            checkNotConcluded();
            this.healthIntervalNs = intervalNs;
            return this;
        }

        /**
         * @param capacity player capacity to set at start, e.g. the server's {@code maxSessions}; -1 (the default)
         *                 leaves it as the GameServer spec says.
         * @return this.
         */
        public Context playerCapacity(final long capacity)
        {
            checkNotConcluded();
            this.playerCapacity = capacity;
            return this;
        }

        /**
         * @param list a List of the GameServer spec to keep the players in (Counters and Lists, beta:
         *             {@code AddListValue}, {@code RemoveListValue}); null (the default) uses the alpha player
         *             tracking ({@code PlayerConnect}, {@code PlayerDisconnect}).
         * @return this.
         */
        public Context playersList(final String list)
        {
            checkNotConcluded();
            this.playersList = list;
            return this;
        }

        /**
         * @param playerId a session's player id (default: its client id, or {@code session-<id>} when 0); called on
         *                 the conductor thread.
         * @return this.
         */
        public Context playerId(final Function<Session, String> playerId)
        {
            checkNotConcluded();
            this.playerId = playerId;
            return this;
        }

        /**
         * @param factory makes the lifecycle thread (default: a daemon named {@code skirmish-agones}).
         * @return this.
         */
        public Context threadFactory(final ThreadFactory factory)
        {
            checkNotConcluded();
            this.threadFactory = factory;
            return this;
        }

        /**
         * @param handler gets every failed call (default: printed).
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
            if (null == sdk)
            {
                sdk = new AgonesSdk(new AgonesSdk.Context());
            }
            if (healthIntervalNs <= 0 || null == playerId || null == threadFactory || null == errorHandler)
            {
                throw new IllegalArgumentException("health interval > 0, playerId, threadFactory, errorHandler");
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
