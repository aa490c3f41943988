package io.skirmish.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.server.GameServer;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A {@link GameServer} as Micrometer meters, every name prefixed {@code skirmish.} (Prometheus: {@code skirmish_}):
 * <ul>
 *     <li>every engine counter the server keeps ({@link EngineCounter}, in Aeron's CnC file), named after it in
 *     lower case with dots, e.g. {@code skirmish.frames.in} (Prometheus {@code skirmish_frames_in_total}); the
 *     counters marked {@link EngineCounter#isGauge()} as gauges, e.g. {@code skirmish.sessions.active}. These
 *     read the counters when the registry is read, from any thread;</li>
 *     <li>gauges {@code skirmish.sessions} (connected sessions), {@code skirmish.rooms}, {@code skirmish.members}
 *     (room memberships) and {@code skirmish.draining} (1 while the server drains);</li>
 *     <li>per room, tagged {@code room="<id>"} for at most {@link Context#maxTaggedRooms(int)} rooms at once and
 *     {@code room="other"} for every room beyond them: the gauge {@code skirmish.room.members} and the timers
 *     {@code skirmish.room.tick} (each tick's {@code onTick} duration) and {@code skirmish.session.rtt} (each
 *     member's RTT at each sample; sessions in no room under {@code room="none"}), both with percentile
 *     histograms.</li>
 * </ul>
 * The figures that are not counters are sampled, once per {@link Context#sampleIntervalNs(long)}, by a task that
 * the sampler thread hands to the server's conductor through {@code GameServer.proxy().execute}: the conductor only
 * copies numbers into arrays it reuses (no allocation once the server's size has settled, nothing on the hot
 * path), and the sampler thread records them into the meters. Rooms keep their last
 * {@code Room.TICK_TIME_HISTORY} tick durations, so a room ticking faster than that per interval loses the excess
 * to sampling (counted in {@code skirmish.metrics.tick.times.missed}).
 * <p>
 * Threading: {@link #bindTo(MeterRegistry)}, {@link #start()} and {@link #close()} from the owning thread;
 * {@link #sample()} from one thread at a time that is not the server's conductor (the sampler thread, or a test).
 */
public final class ServerMetrics implements MeterBinder, AutoCloseable
{
    /** Tag of the per-room meters. */
    public static final String ROOM_TAG = "room";
    /** {@code room} tag value of the rooms beyond {@link Context#maxTaggedRooms(int)}. */
    public static final String OTHER_ROOMS = "other";
    /** {@code room} tag value of the sessions in no room. */
    public static final String NO_ROOM = "none";
    /** Gauge: connected sessions. */
    public static final String SESSIONS = "skirmish.sessions";
    /** Gauge: open rooms. */
    public static final String ROOMS = "skirmish.rooms";
    /** Gauge: room memberships. */
    public static final String MEMBERS = "skirmish.members";
    /** Gauge: 1 while the server drains, else 0. */
    public static final String DRAINING = "skirmish.draining";
    /** Gauge per room: members. */
    public static final String ROOM_MEMBERS = "skirmish.room.members";
    /** Timer per room: onTick durations. */
    public static final String ROOM_TICK = "skirmish.room.tick";
    /** Timer per room: member RTTs. */
    public static final String SESSION_RTT = "skirmish.session.rtt";

    private final Context ctx;
    private final GameServer server;
    private final ServerSample sample;
    private final Map<Integer, RoomState> roomStates = new HashMap<>();
    private final AtomicLong sessions = new AtomicLong();
    private final AtomicLong rooms = new AtomicLong();
    private final AtomicLong members = new AtomicLong();
    private MeterRegistry registry;
    private RoomMeters other;
    private RoomMeters roomless;
    private Counter samples;
    private Counter samplesTimedOut;
    private Counter tickTimesMissed;
    private int taggedRooms;
    private long sampleSeq;
    private ScheduledExecutorService sampler;

    /** What the sampler remembers of one room. */
    private static final class RoomState
    {
        RoomMeters meters;
        boolean tagged;
        long lastTick;
        long seenInSample;
    }

    /**
     * @param ctx the configuration; concluded here.
     */
    public ServerMetrics(final Context ctx)
    {
        ctx.conclude();
        this.ctx = ctx;
        this.server = ctx.server;
        this.sample = new ServerSample(server);
    }

    /**
     * Name of the meter standing for an engine counter.
     *
     * @param counter the counter.
     * @return e.g. {@code skirmish.frames.in}.
     */
    public static String meterName(final EngineCounter counter)
    {
        return "skirmish." + counter.name().toLowerCase(Locale.ROOT).replace('_', '.');
    }

    /**
     * Register every meter. Once, with one registry.
     *
     * @param registry where.
     */
    public void bindTo(final MeterRegistry registry)
    {
        if (null != this.registry)
        {
            throw new IllegalStateException("already bound to a registry");
        }
        this.registry = registry;
        for (final EngineCounter counter : EngineCounter.values())
        {
            if (!counter.isKeptBy(true))
            {
                continue;
            }
            if (counter.isGauge())
            {
                Gauge.builder(meterName(counter), server, (s) -> s.counter(counter))
                    .description(counter.label()).register(registry);
            }
            else
            {
                FunctionCounter.builder(meterName(counter), server, (s) -> s.counter(counter))
                    .description(counter.label()).register(registry);
            }
        }
        Gauge.builder(SESSIONS, sessions, AtomicLong::get).description("connected sessions").register(registry);
        Gauge.builder(ROOMS, rooms, AtomicLong::get).description("open rooms").register(registry);
        Gauge.builder(MEMBERS, members, AtomicLong::get).description("room memberships").register(registry);
        Gauge.builder(DRAINING, server, (s) -> s.isDraining() ? 1 : 0)
            .description("1 while the server drains before a stop").register(registry);
        samples = Counter.builder("skirmish.metrics.samples").description("samples taken").register(registry);
        samplesTimedOut = Counter.builder("skirmish.metrics.samples.timed.out")
            .description("samples the conductor did not take in time").register(registry);
        tickTimesMissed = Counter.builder("skirmish.metrics.tick.times.missed")
            .description("ticks whose duration had left the room's history before a sample").register(registry);
        other = new RoomMeters(registry, OTHER_ROOMS, true);
        roomless = new RoomMeters(registry, NO_ROOM, false);
    }

    /**
     * Sample every {@link Context#sampleIntervalNs(long)} on a thread of the context's thread factory, until
     * {@link #close()}.
     *
     * @return this.
     */
    public ServerMetrics start()
    {
        if (null == registry)
        {
            throw new IllegalStateException("bindTo a registry first");
        }
        if (null == sampler)
        {
            sampler = Executors.newSingleThreadScheduledExecutor(ctx.threadFactory);
            sampler.scheduleWithFixedDelay(this::sampleQuietly, 0, ctx.sampleIntervalNs, TimeUnit.NANOSECONDS);
        }
        return this;
    }

    private void sampleQuietly()
    {
        try
        {
            sample();
        }
        catch (final RuntimeException ex)
        {
            ctx.errorHandler.accept(ex);
        }
    }

    /**
     * Take one sample now: hand the task to the conductor, wait for it (at most
     * {@link Context#sampleTimeoutNs(long)}) and record what it found. Never from the conductor thread (in INVOKER
     * mode another thread must keep polling meanwhile).
     *
     * @return true when sampled, false when the conductor did not take it in time, or the server is closed.
     */
    public boolean sample()
    {
        if (null == registry)
        {
            throw new IllegalStateException("bindTo a registry first");
        }
        if (server.isClosed())
        {
            return false;
        }
        if (sample.completed() < sample.requested())
        {
            samplesTimedOut.increment();
            return false; // the last one is still queued: never two in flight, so the arrays have one writer
        }
        final long target = sample.request();
        if (!server.proxy().execute(sample))
        {
            sample.cancel();
            samplesTimedOut.increment();
            return false;
        }
        final long deadlineNs = System.nanoTime() + ctx.sampleTimeoutNs;
        while (sample.completed() < target)
        {
            if (System.nanoTime() - deadlineNs > 0 || server.isClosed())
            {
                samplesTimedOut.increment();
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        record();
        samples.increment();
        return true;
    }

    private void record()
    {
        final ServerSample s = sample;
        sampleSeq++;
        sessions.set(s.connected);
        rooms.set(s.rooms);
        members.set(s.members);
        for (int i = 0; i < s.rooms; i++)
        {
            final RoomState known = roomStates.get(s.roomIds[i]);
            if (null != known)
            {
                known.seenInSample = sampleSeq;
            }
        }
        forgetClosedRooms(); // first, so that a room opened since takes the slot of one that closed
        long otherMembers = 0;
        for (int i = 0; i < s.rooms; i++)
        {
            final RoomState state = roomState(s.roomIds[i]);
            state.seenInSample = sampleSeq;
            if (!state.tagged)
            {
                otherMembers += s.roomMembers[i];
            }
            else
            {
                state.meters.members.set(s.roomMembers[i]);
            }
            final long tick = s.roomTicks[i];
            final int from = s.tickOffsets[i];
            final int to = s.tickOffsets[i + 1];
            final long firstKept = tick - (to - from) + 1;
            if (state.lastTick + 1 < firstKept)
            {
                tickTimesMissed.increment(firstKept - state.lastTick - 1);
            }
            for (int k = from; k < to; k++)
            {
                final long t = firstKept + (k - from);
                if (t > state.lastTick && s.tickTimes[k] >= 0)
                {
                    state.meters.tickTime.record(s.tickTimes[k], TimeUnit.NANOSECONDS);
                }
            }
            state.lastTick = Math.max(state.lastTick, tick);
            for (int k = s.rttOffsets[i], end = s.rttOffsets[i + 1]; k < end; k++)
            {
                if (s.rtts[k] > 0)
                {
                    state.meters.rtt.record(s.rtts[k], TimeUnit.NANOSECONDS);
                }
            }
        }
        other.members.set(otherMembers);
        for (int k = 0; k < s.roomlessCount; k++)
        {
            if (s.roomlessRtts[k] > 0)
            {
                roomless.rtt.record(s.roomlessRtts[k], TimeUnit.NANOSECONDS);
            }
        }
    }

    private RoomState roomState(final int roomId)
    {
        RoomState state = roomStates.get(roomId);
        if (null == state)
        {
            state = new RoomState();
            state.tagged = taggedRooms < ctx.maxTaggedRooms;
            if (state.tagged)
            {
                taggedRooms++;
                state.meters = new RoomMeters(registry, Integer.toString(roomId), true);
            }
            else
            {
                state.meters = other;
            }
            roomStates.put(roomId, state);
        }
        return state;
    }

    private void forgetClosedRooms()
    {
        final Iterator<RoomState> it = roomStates.values().iterator();
        while (it.hasNext())
        {
            final RoomState state = it.next();
            if (state.seenInSample != sampleSeq)
            {
                it.remove();
                if (state.tagged)
                {
                    state.meters.remove(registry);
                    taggedRooms--;
                }
            }
        }
    }

    /**
     * @return how many rooms have meters of their own now (at most {@link Context#maxTaggedRooms(int)}).
     */
    public int taggedRooms()
    {
        return taggedRooms;
    }

    /**
     * Stop sampling (the meters stay registered). Idempotent.
     */
    public void close()
    {
        if (null != sampler)
        {
            sampler.shutdownNow();
            try
            {
                sampler.awaitTermination(ctx.sampleTimeoutNs * 2, TimeUnit.NANOSECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Settings of {@link ServerMetrics}: fluent setters, concluded once by its constructor.
     */
    public static final class Context
    {
        /** Default most rooms with meters of their own. */
        public static final int DEFAULT_MAX_TAGGED_ROOMS = 32;

        private GameServer server;
        private int maxTaggedRooms = DEFAULT_MAX_TAGGED_ROOMS;
        private long sampleIntervalNs = TimeUnit.SECONDS.toNanos(1);
        private long sampleTimeoutNs = TimeUnit.SECONDS.toNanos(1);
        private ThreadFactory threadFactory = (r) ->
        {
            final Thread thread = new Thread(r, "skirmish-metrics");
            thread.setDaemon(true);
            return thread;
        };
        private Consumer<Throwable> errorHandler = Throwable::printStackTrace;
        private boolean concluded;

        /**
         * @param server the server to measure (required).
         * @return this.
         */
        public Context server(final GameServer server)
        {
            checkNotConcluded();
            this.server = server;
            return this;
        }

        /**
         * @return the server.
         */
        public GameServer server()
        {
            return server;
        }

        /**
         * @param rooms most rooms with meters of their own at once (default 32); the rest share {@code room="other"}.
         *              0 tags none.
         * @return this.
         */
        public Context maxTaggedRooms(final int rooms)
        {
            checkNotConcluded();
            this.maxTaggedRooms = rooms;
            return this;
        }

        /**
         * @return most rooms with meters of their own.
         */
        public int maxTaggedRooms()
        {
            return maxTaggedRooms;
        }

        /**
         * @param intervalNs time between samples of {@link #start()} (default 1 s).
         * @return this.
         */
        public Context sampleIntervalNs(final long intervalNs)
        {
            checkNotConcluded();
            this.sampleIntervalNs = intervalNs;
            return this;
        }

        /**
         * @return time between samples.
         */
        public long sampleIntervalNs()
        {
            return sampleIntervalNs;
        }

        /**
         * @param timeoutNs longest wait for the conductor to take a sample (default 1 s).
         * @return this.
         */
        public Context sampleTimeoutNs(final long timeoutNs)
        {
            checkNotConcluded();
            this.sampleTimeoutNs = timeoutNs;
            return this;
        }

        /**
         * @return longest wait for a sample.
         */
        public long sampleTimeoutNs()
        {
            return sampleTimeoutNs;
        }

        /**
         * @param factory makes the sampler thread (default: a daemon named {@code skirmish-metrics}).
         * @return this.
         */
        public Context threadFactory(final ThreadFactory factory)
        {
            checkNotConcluded();
            this.threadFactory = factory;
            return this;
        }

        /**
         * @param handler gets what a sample on the sampler thread threw (default: printed).
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
            if (maxTaggedRooms < 0 || sampleIntervalNs <= 0 || sampleTimeoutNs <= 0)
            {
                throw new IllegalArgumentException("maxTaggedRooms must be >= 0, sample interval and timeout > 0");
            }
            if (null == threadFactory || null == errorHandler)
            {
                throw new IllegalArgumentException("threadFactory and errorHandler are required");
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
