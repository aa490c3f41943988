package io.skirmish.samples.bots;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.skirmish.engine.client.ClientState;
import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.client.GameClient;
import io.skirmish.engine.sim.NetworkSimulator;
import io.skirmish.samples.client.ArenaClient;
import io.skirmish.samples.client.DeliveryAudit;
import io.skirmish.samples.client.MemberLog;
import org.HdrHistogram.Histogram;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.skirmish.samples.arena.ArenaProtocol.LOBBY_ROOM_ID;
import static io.skirmish.samples.arena.ArenaProtocol.arenaRoomId;

/**
 * A fleet of bots polled from one thread. With {@link Settings#sharedDriver(boolean)} every bot uses one media
 * driver (SHARED threading, small terms, backoff idle) and one Aeron client instead of an embedded driver each.
 * <p>
 * A run has three phases, advanced by {@link #doWork()}: the bots play until the duration is over; then they stop
 * chatting and moving between arenas and wait for their outstanding joins and leaves; then the fleet fixes, for each
 * room, the highest seq any bot was delivered, and waits until every bot still in that room has reached it. Then
 * {@link #isDone()} is true and {@link #summary()} counts what every bot should have received as a member, against
 * what it did.
 */
public final class BotFleet implements Agent, AutoCloseable
{
    private static final long SETTLE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);
    private static final long RTT_SAMPLE_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);

    private enum Phase
    {
        RUNNING, SETTLING, DRAINING, DONE
    }

    private final Settings settings;
    private final NanoClock clock;
    private final MediaDriver driver;
    private final Aeron aeron;
    private final List<Bot> bots = new ArrayList<>();
    private final List<ArenaClient> players = new ArrayList<>();
    private final MemberLog memberLog = new MemberLog();
    private final Histogram echoRttUs = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    private final Histogram pingRttUs = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    private final Long2LongHashMap highWaterByRoom = new Long2LongHashMap(Long.MIN_VALUE);
    private final AtomicLong errors = new AtomicLong();
    private final ErrorHandler errorHandler;
    private final long startNs;
    private Phase phase = Phase.RUNNING;
    private long runEndNs;
    private long phaseDeadlineNs;
    private long nextRttSampleNs;
    private long ranNs;

    /**
     * What the bots do and where they connect.
     */
    public static final class Settings
    {
        String server = "localhost:40123";
        String responseEndpoint;
        int count = 4;
        double emitRatePerSecond = 2;
        long hopIntervalNs = TimeUnit.SECONDS.toNanos(8);
        int arenaCount = 2;
        int inputRateHz = 30;
        boolean sharedDriver = true;
        long seed = 7;
        String namePrefix = "bot";
        long durationNs = TimeUnit.SECONDS.toNanos(10);
        long drainTimeoutNs = TimeUnit.SECONDS.toNanos(10);
        NetworkSimulator[] simulators;
        int chatLogBots;
        boolean lobby = true;
        ErrorHandler errorHandler;

        /**
         * @param lobby whether the bots join the lobby and chat there too (default true); without it they are only
         *              in their arena and chat there.
         * @return this for a fluent API.
         */
        public Settings lobby(final boolean lobby)
        {
            this.lobby = lobby;
            return this;
        }

        /**
         * @param hostAndPort the server's (or a relay's) request endpoint.
         * @return this for a fluent API.
         */
        public Settings server(final String hostAndPort)
        {
            this.server = hostAndPort;
            return this;
        }

        /**
         * @param hostAndPort the response endpoint, null for request port + 1.
         * @return this for a fluent API.
         */
        public Settings responseEndpoint(final String hostAndPort)
        {
            this.responseEndpoint = hostAndPort;
            return this;
        }

        /**
         * @param count number of bots.
         * @return this for a fluent API.
         */
        public Settings count(final int count)
        {
            this.count = count;
            return this;
        }

        /**
         * @return number of bots.
         */
        public int count()
        {
            return count;
        }

        /**
         * @param rate chat events per second per bot.
         * @return this for a fluent API.
         */
        public Settings emitRatePerSecond(final double rate)
        {
            this.emitRatePerSecond = rate;
            return this;
        }

        /**
         * @param intervalNs mean time between arena moves per bot, 0 for none.
         * @return this for a fluent API.
         */
        public Settings hopIntervalNs(final long intervalNs)
        {
            this.hopIntervalNs = intervalNs;
            return this;
        }

        /**
         * @param count arenas on the server.
         * @return this for a fluent API.
         */
        public Settings arenaCount(final int count)
        {
            this.arenaCount = count;
            return this;
        }

        /**
         * @param hz inputs per second per bot.
         * @return this for a fluent API.
         */
        public Settings inputRateHz(final int hz)
        {
            this.inputRateHz = hz;
            return this;
        }

        /**
         * @param shared one media driver and Aeron client for all bots, instead of an embedded driver each.
         * @return this for a fluent API.
         */
        public Settings sharedDriver(final boolean shared)
        {
            this.sharedDriver = shared;
            return this;
        }

        /**
         * @param seed for the bots' decisions.
         * @return this for a fluent API.
         */
        public Settings seed(final long seed)
        {
            this.seed = seed;
            return this;
        }

        /**
         * @param prefix of the bots' names.
         * @return this for a fluent API.
         */
        public Settings namePrefix(final String prefix)
        {
            this.namePrefix = prefix;
            return this;
        }

        /**
         * @param durationNs how long the bots play before the drain, {@code Long.MAX_VALUE} for ever.
         * @return this for a fluent API.
         */
        public Settings durationNs(final long durationNs)
        {
            this.durationNs = durationNs;
            return this;
        }

        /**
         * @param timeoutNs longest wait for the bots to catch up after playing.
         * @return this for a fluent API.
         */
        public Settings drainTimeoutNs(final long timeoutNs)
        {
            this.drainTimeoutNs = timeoutNs;
            return this;
        }

        /**
         * @param simulators a network simulator per bot (index modulo length; null entries connect directly), or
         *                   null for none.
         * @return this for a fluent API.
         */
        public Settings simulators(final NetworkSimulator... simulators)
        {
            this.simulators = simulators;
            return this;
        }

        /**
         * @param count how many of the first bots keep a chat log (for a dashboard).
         * @return this for a fluent API.
         */
        public Settings chatLogBots(final int count)
        {
            this.chatLogBots = count;
            return this;
        }

        /**
         * @param handler for the bots' errors; default prints them.
         * @return this for a fluent API.
         */
        public Settings errorHandler(final ErrorHandler handler)
        {
            this.errorHandler = handler;
            return this;
        }
    }

    /**
     * Start the driver (when shared) and connect every bot.
     *
     * @param settings what to do.
     * @param clock    the clock the fleet runs on.
     */
    public BotFleet(final Settings settings, final NanoClock clock)
    {
        if (settings.count < 0)
        {
            throw new IllegalArgumentException("count must not be negative: " + settings.count);
        }
        this.settings = settings;
        this.clock = clock;
        this.errorHandler = (t) ->
        {
            errors.incrementAndGet();
            if (null != settings.errorHandler)
            {
                settings.errorHandler.onError(t);
            }
            else
            {
                t.printStackTrace();
            }
        };

        MediaDriver driver = null;
        Aeron aeron = null;
        try
        {
            if (settings.sharedDriver)
            {
                driver = MediaDriver.launch(new MediaDriver.Context()
                    .aeronDirectoryName(CommonContext.generateRandomDirName())
                    .dirDeleteOnStart(true)
                    .dirDeleteOnShutdown(true)
                    .threadingMode(ThreadingMode.SHARED)
                    .sharedIdleStrategy(new BackoffIdleStrategy(
                        10, 20, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(1)))
                    .publicationTermBufferLength(64 * 1024)
                    .ipcTermBufferLength(64 * 1024)
                    .termBufferSparseFile(true)
                    .spiesSimulateConnection(false)
                    .warnIfDirectoryExists(false)
                    .errorHandler(errorHandler));
                aeron = Aeron.connect(new Aeron.Context()
                    .aeronDirectoryName(driver.aeronDirectoryName())
                    .clientName("skirmish-bots")
                    .idleStrategy(new SleepingMillisIdleStrategy(1))
                    .errorHandler(errorHandler));
            }
            this.driver = driver;
            this.aeron = aeron;

            final long nowNs = clock.nanoTime();
            startNs = nowNs;
            for (int i = 0; i < settings.count; i++)
            {
                newBot(null, nowNs);
            }
            runEndNs = settings.durationNs == Long.MAX_VALUE ? Long.MAX_VALUE : nowNs + settings.durationNs;
        }
        catch (final RuntimeException ex)
        {
            closeAll(aeron, driver);
            throw ex;
        }
    }

    /**
     * Add a bot while the fleet plays (fleet thread), set up by the game: for a bot seated by a room directory, the
     * seat's server and the connect token minted for it. It counts in the summary like the others.
     *
     * @param setup applied after the fleet's settings, before the bot connects.
     * @return the bot's player.
     * @throws IllegalStateException when the playing phase is over.
     */
    public ArenaClient addBot(final BotSetup setup)
    {
        if (Phase.RUNNING != phase)
        {
            throw new IllegalStateException("the fleet is no longer playing: " + phase);
        }
        return newBot(setup, clock.nanoTime());
    }

    private ArenaClient newBot(final BotSetup setup, final long nowNs)
    {
        final int i = players.size();
        final GameClient.Context context = new GameClient.Context()
            .server(settings.server)
            .errorHandler(errorHandler);
        if (null != settings.responseEndpoint)
        {
            context.serverResponseEndpoint(settings.responseEndpoint);
        }
        if (null != aeron)
        {
            context.aeron(aeron).embeddedMediaDriver(false);
        }
        final NetworkSimulator simulator = null == settings.simulators || 0 == settings.simulators.length ?
            null : settings.simulators[i % settings.simulators.length];
        context.networkSimulator(simulator);
        final ArenaClient.Options options = new ArenaClient.Options()
            .name(settings.namePrefix + "-" + (i + 1))
            .joinLobby(settings.lobby)
            .arenaRoomId(arenaRoomId(i % settings.arenaCount))
            .inputRateHz(settings.inputRateHz)
            .seed(settings.seed * 1000 + i)
            .keepChatLog(i < settings.chatLogBots)
            .memberLog(memberLog)
            .echoRttHistogramUs(echoRttUs);
        if (null != setup)
        {
            setup.configure(i, context, options);
        }
        final ArenaClient player = new ArenaClient(context, options, clock);
        players.add(player);
        bots.add(new Bot(
            player,
            settings.seed * 7919 + i,
            settings.emitRatePerSecond,
            settings.hopIntervalNs,
            settings.arenaCount,
            settings.lobby,
            nowNs));
        return player;
    }

    /**
     * @return the players, in bot order (their {@link ArenaClient#stats()} may be read from any thread).
     */
    public List<ArenaClient> players()
    {
        return players;
    }

    /**
     * @return every MEMBER_LEFT event any bot saw: where each membership that ended with a leave should have ended.
     */
    public MemberLog memberLog()
    {
        return memberLog;
    }

    /**
     * @return errors reported by the bots' clients and driver.
     */
    public long errors()
    {
        return errors.get();
    }

    /**
     * @return true when the bots share one driver and Aeron client.
     */
    public boolean isSharedDriver()
    {
        return null != aeron;
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return "skirmish-bots";
    }

    /**
     * Poll every bot once and advance the run.
     *
     * @return work count.
     */
    public int doWork()
    {
        final long nowNs = clock.nanoTime();
        int work = 0;
        for (int i = 0, n = bots.size(); i < n; i++)
        {
            work += bots.get(i).poll(nowNs);
        }
        if (nowNs - nextRttSampleNs >= 0)
        {
            nextRttSampleNs = nowNs + RTT_SAMPLE_INTERVAL_NS;
            for (int i = 0, n = players.size(); i < n; i++)
            {
                final long rttNs = players.get(i).client().rttNs();
                if (rttNs > 0)
                {
                    pingRttUs.recordValue(Math.min(rttNs / 1000, pingRttUs.getHighestTrackableValue()));
                }
            }
        }
        switch (phase)
        {
            case RUNNING:
                if (nowNs - runEndNs >= 0)
                {
                    ranNs = nowNs - startNs;
                    for (int i = 0, n = bots.size(); i < n; i++)
                    {
                        bots.get(i).quiesce();
                    }
                    phase = Phase.SETTLING;
                    phaseDeadlineNs = nowNs + SETTLE_TIMEOUT_NS;
                }
                break;

            case SETTLING:
                if (!hasPendingRequests() || nowNs - phaseDeadlineNs >= 0)
                {
                    freezeHighWater();
                    phase = Phase.DRAINING;
                    phaseDeadlineNs = nowNs + settings.drainTimeoutNs;
                }
                break;

            case DRAINING:
                if (allReachedHighWater() || nowNs - phaseDeadlineNs >= 0)
                {
                    phase = Phase.DONE;
                }
                break;

            default:
                break;
        }
        return work;
    }

    /**
     * End the playing phase now (if it is still on): the bots stop chatting and moving, and the fleet drains.
     */
    public void stop()
    {
        if (Phase.RUNNING == phase)
        {
            runEndNs = clock.nanoTime();
        }
    }

    /**
     * @return true once the run and its drain are over.
     */
    public boolean isDone()
    {
        return Phase.DONE == phase;
    }

    /**
     * Count, for every bot, what it should have been delivered as a member of each room against what it was.
     *
     * @return the totals.
     */
    public BotSummary summary()
    {
        final BotSummary summary = new BotSummary();
        final DeliveryAudit.Result result = new DeliveryAudit.Result();
        long ticksExpected = 0;
        long ticksReceived = 0;
        long deltaSnapshots = 0;
        long leadsReported = 0;
        long leadsOnTime = 0;
        long hitChecks = 0;
        long hitAgreements = 0;
        summary.bots = bots.size();
        summary.sharedDriver = isSharedDriver();
        for (final Bot bot : bots)
        {
            final ArenaClient player = bot.player();
            final GameClient client = player.client();
            player.audit().addTo(result, memberLog, highWaterByRoom);
            if (client.isConnected())
            {
                summary.connected++;
            }
            if (client.state().isFailure() || ClientState.DISCONNECTED == client.state() || player.disconnects() > 0)
            {
                summary.connectFailures++;
            }
            summary.eventsSent += player.eventsSent();
            summary.gapsDetected += client.counter(EngineCounter.GAPS_DETECTED);
            summary.replayed += client.counter(EngineCounter.EVENTS_REPLAYED);
            summary.resyncs += client.counter(EngineCounter.RESYNCS);
            summary.duplicatesDropped += client.counter(EngineCounter.DUPLICATES_DROPPED);
            summary.snapshotsReceived += client.counter(EngineCounter.SNAPSHOTS_RECEIVED);
            summary.staleDropped += client.counter(EngineCounter.SNAPSHOTS_STALE_DROPPED);
            summary.baselineMissing += client.counter(EngineCounter.SNAPSHOTS_BASELINE_MISSING);
            summary.hops += bot.hops();
            ticksExpected += player.ticksExpected();
            ticksReceived += player.ticksReceived();
            deltaSnapshots += player.deltaSnapshotsReceived();
            leadsReported += player.leadsReported();
            leadsOnTime += player.leadsOnTime();
            hitChecks += player.hitChecks();
            hitAgreements += player.hitAgreements();
        }
        summary.inputsOnTimePercent = leadsReported > 0 ? 100.0 * leadsOnTime / leadsReported : 0;
        summary.hitChecks = hitChecks;
        summary.rewindAgreementPercent = hitChecks > 0 ? 100.0 * hitAgreements / hitChecks : 0;
        summary.eventsExpected = result.expected;
        summary.eventsReceived = result.received;
        summary.outOfOrder = result.outOfOrder;
        summary.duplicates = result.duplicates;
        summary.missing = result.missing;
        summary.unexpected = result.unexpected;
        summary.originOrderErrors = result.originOrderErrors;
        summary.unverifiedLeaves = result.unverifiedLeaves;
        summary.resyncSkipped = result.resyncSkipped;
        summary.snapshotLossPercent = ticksExpected > 0 ?
            100.0 * Math.max(0, ticksExpected - ticksReceived) / ticksExpected : 0;
        summary.deltaSnapshotPercent = ticksReceived > 0 ? 100.0 * deltaSnapshots / ticksReceived : 0;
        summary.rttP50Us = echoRttUs.getValueAtPercentile(50);
        summary.rttP99Us = echoRttUs.getValueAtPercentile(99);
        summary.pingRttP50Us = pingRttUs.getValueAtPercentile(50);
        final long[] census = imageCensus();
        summary.subscriptionImages = census[0];
        summary.maxImagesPerSubscription = census[1];
        summary.durationS = (0 == ranNs ? clock.nanoTime() - startNs : ranNs) / 1e9;
        return summary;
    }

    /**
     * Count the images (one per publication a subscription is connected to) of every bot's subscriptions, from the
     * subscriber-position counters of the driver(s) the bots use. Each bot subscribes to its own downstream
     * response channel, so with no cross-talk between bots every subscription has exactly one image.
     *
     * @return {total images, most images of one subscription, subscriptions}.
     */
    public long[] imageCensus()
    {
        final java.util.IdentityHashMap<Aeron, Boolean> seen = new java.util.IdentityHashMap<>();
        final Long2LongHashMap imagesBySubscription = new Long2LongHashMap(0);
        final long[] census = new long[3];
        for (final ArenaClient player : players)
        {
            final Aeron clientAeron = player.client().aeron();
            if (null != seen.put(clientAeron, Boolean.TRUE) || clientAeron.isClosed())
            {
                continue;
            }
            final org.agrona.concurrent.status.CountersReader counters = clientAeron.countersReader();
            final long offset = ((long)seen.size()) << 48;
            counters.forEach((counterId, typeId, keyBuffer, label) ->
            {
                if (io.aeron.AeronCounters.DRIVER_SUBSCRIBER_POSITION_TYPE_ID == typeId)
                {
                    final long key = offset ^ keyBuffer.getLong(
                        io.aeron.driver.status.StreamCounter.REGISTRATION_ID_OFFSET);
                    imagesBySubscription.put(key, imagesBySubscription.get(key) + 1);
                    census[0]++;
                }
            });
        }
        imagesBySubscription.forEachLong((key, images) -> census[1] = Math.max(census[1], images));
        census[2] = imagesBySubscription.size();
        return census;
    }

    /**
     * Close every bot, then the shared Aeron client and driver.
     */
    public void close()
    {
        for (final ArenaClient player : players)
        {
            CloseHelper.quietClose(player);
        }
        closeAll(aeron, driver);
    }

    /**
     * {@inheritDoc}
     */
    public void onClose()
    {
        close();
    }

    private static void closeAll(final Aeron aeron, final MediaDriver driver)
    {
        CloseHelper.quietClose(aeron);
        CloseHelper.quietClose(driver);
    }

    private boolean hasPendingRequests()
    {
        for (int i = 0, n = players.size(); i < n; i++)
        {
            final ArenaClient player = players.get(i);
            if (player.client().isConnected() && player.hasPendingRequests())
            {
                return true;
            }
        }
        return false;
    }

    private void freezeHighWater()
    {
        highWaterByRoom.clear();
        for (final ArenaClient player : players)
        {
            for (final DeliveryAudit.Interval interval : player.audit().intervals())
            {
                if (interval.isOpen())
                {
                    final long current = highWaterByRoom.get(interval.roomId());
                    if (interval.highestDelivered() > current)
                    {
                        highWaterByRoom.put(interval.roomId(), interval.highestDelivered());
                    }
                }
            }
        }
    }

    private boolean allReachedHighWater()
    {
        for (int i = 0, n = players.size(); i < n; i++)
        {
            final ArenaClient player = players.get(i);
            for (int roomId = LOBBY_ROOM_ID; roomId <= arenaRoomId(settings.arenaCount - 1); roomId++)
            {
                final DeliveryAudit.Interval interval = player.audit().open(roomId);
                if (null != interval && interval.highestDelivered() < highWaterByRoom.get(roomId))
                {
                    return false;
                }
            }
        }
        return true;
    }
}
