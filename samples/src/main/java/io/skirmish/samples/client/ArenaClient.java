package io.skirmish.samples.client;

import io.skirmish.engine.client.ClientListener;
import io.skirmish.engine.client.ClientState;
import io.skirmish.engine.DisconnectReason;
import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.client.GameClient;
import io.skirmish.engine.client.InterpolationBuffer;
import io.skirmish.engine.client.PredictionRing;
import io.skirmish.engine.client.TickClock;
import io.skirmish.engine.LeaveReason;
import io.skirmish.engine.SendResult;
import io.skirmish.engine.sim.NetworkSimulator;
import io.skirmish.samples.arena.ArenaProtocol;
import org.HdrHistogram.Histogram;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static io.skirmish.samples.arena.ArenaProtocol.*;
import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.agrona.BitUtil.CACHE_LINE_LENGTH;
import static org.agrona.concurrent.ringbuffer.RingBufferDescriptor.TRAILER_LENGTH;

/**
 * A player of the demo game: a {@link GameClient} plus what the game does with it. It joins the lobby and an
 * arena, sends its movement on the input lane at a fixed rate (steered by an {@link Autopilot} or by a human),
 * emits chat, decodes snapshots, audits every room event it is delivered ({@link DeliveryAudit}) and publishes a
 * {@link ClientStats} once a second.
 * <p>
 * <b>Note:</b> {@link #poll()} and the methods it documents as such belong to one thread, the one that polls. Other
 * threads (a Swing UI) may call {@link #stats()}, {@link #submit(Runnable)}, {@link #manualInput(float, float)},
 * {@link #pollSnapshots(SnapshotHandler)}, {@link #drainChat(Consumer)} and change the {@link #networkSimulator()}
 * settings.
 */
public final class ArenaClient implements AutoCloseable
{
    private static final int OWN_STATE_LENGTH = 8;
    private static final int SENT_SLOTS = 1024;
    private static final int MAX_PICKUPS = 64;
    private static final long STATS_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);
    private static final int SNAPSHOT_MSG_TYPE_ID = 1;
    private static final int SNAPSHOT_RING_CAPACITY = 256 * 1024;
    private static final int MSG_ROOM_ID_OFFSET = 0;
    private static final int MSG_TICK_OFFSET = MSG_ROOM_ID_OFFSET + Long.BYTES;
    private static final int MSG_ARRIVAL_OFFSET = MSG_TICK_OFFSET + Long.BYTES;
    private static final int MSG_STATE_OFFSET = MSG_ARRIVAL_OFFSET + Long.BYTES;

    private final GameClient client;
    private final Options options;
    private final NanoClock clock;
    private final NetworkSimulator simulator;
    private final DeliveryAudit audit = new DeliveryAudit();
    private final Autopilot autopilot;
    private final ManyToOneConcurrentArrayQueue<Runnable> commands = new ManyToOneConcurrentArrayQueue<>(256);
    private final OneToOneRingBuffer snapshots;
    private final SnapshotReader snapshotReader = new SnapshotReader();
    private final OneToOneConcurrentArrayQueue<String> chatLines;
    private final UnsafeBuffer inputBuffer = new UnsafeBuffer(new byte[SHOT_INPUT_LENGTH]);
    private final InterpolationBuffer rendered;
    private final InterpolationBuffer.Sample sample = new InterpolationBuffer.Sample();
    private final PredictionRing prediction = new PredictionRing(64, SHOT_INPUT_LENGTH, OWN_STATE_LENGTH);
    private final OwnPredictor predictor;
    private final UnsafeBuffer ownState = new UnsafeBuffer(new byte[OWN_STATE_LENGTH]);
    private final SplittableRandom shotRandom;
    private final long[] shotTicks = new long[SENT_SLOTS];
    private final int[] shotClaims = new int[SENT_SLOTS];
    private final UnsafeBuffer emitBuffer = new UnsafeBuffer(new byte[EVENT_HEADER_LENGTH + MAX_TEXT_LENGTH]);
    private final long[] sentCounters = new long[SENT_SLOTS];
    private final long[] sentNs = new long[SENT_SLOTS];
    private final float[] pickupX = new float[MAX_PICKUPS];
    private final float[] pickupY = new float[MAX_PICKUPS];
    private final ClientStats.Builder statsBuilder = new ClientStats.Builder();

    private volatile ClientStats stats = ClientStats.EMPTY;
    private volatile boolean manual;
    private volatile float manualDx;
    private volatile float manualDy;

    private int sessionId;
    private boolean everConnected;
    private int currentArena;
    private int targetArena;
    private int joiningArena;
    private int leavingArena;
    private float ownX = Float.NaN;
    private float ownY = Float.NaN;
    private int pickupCount;
    private long nextStatsNs;
    private long inputTick;
    private long emitCounter;
    private long eventsSent;
    private long arenaNewestTick = -1;
    private long windowTicksExpected;
    private long windowTicksReceived;
    private long windowSnapshotBytes;
    private long windowDeltaSnapshots;
    private int lastSnapshotBytes;
    private long totalTicksExpected;
    private long totalTicksReceived;
    private long totalDeltaSnapshots;
    private long lastBytesIn;
    private long lastBytesOut;
    private long lastStatsNs;
    private long disconnects;
    private long nextShotTick;
    private long leadsReported;
    private long leadsOnTime;
    private long lastLeadInputTick = Long.MIN_VALUE;
    private long hitChecks;
    private long hitAgreements;
    private long lastRewindDepthUs;
    private double windowPredictionError;
    private long windowPredictions;

    /**
     * What the player does.
     */
    public static final class Options
    {
        String name = "player";
        boolean autopilot = true;
        boolean joinLobby = true;
        int arenaRoomId = FIRST_ARENA_ROOM_ID;
        int inputRateHz = 30;
        long seed = 1;
        boolean publishFrames;
        boolean keepChatLog;
        MemberLog memberLog;
        Histogram echoRttHistogramUs;

        /**
         * @param name display name.
         * @return this for a fluent API.
         */
        public Options name(final String name)
        {
            this.name = name;
            return this;
        }

        /**
         * @param autopilot steer automatically until a manual input is given.
         * @return this for a fluent API.
         */
        public Options autopilot(final boolean autopilot)
        {
            this.autopilot = autopilot;
            return this;
        }

        /**
         * @param joinLobby join the lobby on connect.
         * @return this for a fluent API.
         */
        public Options joinLobby(final boolean joinLobby)
        {
            this.joinLobby = joinLobby;
            return this;
        }

        /**
         * @param roomId arena to join on connect, 0 for none.
         * @return this for a fluent API.
         */
        public Options arenaRoomId(final int roomId)
        {
            this.arenaRoomId = roomId;
            return this;
        }

        /**
         * @param hz the arenas' tick rate: inputs go one per tick, on the client's tick clock (default 30).
         * @return this for a fluent API.
         */
        public Options inputRateHz(final int hz)
        {
            this.inputRateHz = hz;
            return this;
        }

        /**
         * @param seed for the autopilot.
         * @return this for a fluent API.
         */
        public Options seed(final long seed)
        {
            this.seed = seed;
            return this;
        }

        /**
         * @param publish copy every snapshot of the current arena, with its arrival time, for a renderer on another
         *                thread ({@link #pollSnapshots(SnapshotHandler)}).
         * @return this for a fluent API.
         */
        public Options publishFrames(final boolean publish)
        {
            this.publishFrames = publish;
            return this;
        }

        /**
         * @param keep describe every delivered event as a line of text for {@link #drainChat(Consumer)}.
         * @return this for a fluent API.
         */
        public Options keepChatLog(final boolean keep)
        {
            this.keepChatLog = keep;
            return this;
        }

        /**
         * @param memberLog where MEMBER_LEFT events are recorded (shared by clients polled from one thread).
         * @return this for a fluent API.
         */
        public Options memberLog(final MemberLog memberLog)
        {
            this.memberLog = memberLog;
            return this;
        }

        /**
         * @param histogram records, in microseconds, the time from emitting a chat event to its delivery back to
         *                  this client (shared by clients polled from one thread).
         * @return this for a fluent API.
         */
        public Options echoRttHistogramUs(final Histogram histogram)
        {
            this.echoRttHistogramUs = histogram;
            return this;
        }
    }

    /**
     * Receives the arena snapshots a player copied for a renderer ({@link #pollSnapshots(SnapshotHandler)}).
     */
    @FunctionalInterface
    public interface SnapshotHandler
    {
        /**
         * One snapshot of the player's current arena, as the engine delivered it.
         *
         * @param roomId    the arena.
         * @param tick      the snapshot's tick.
         * @param arrivalNs local time it arrived, on the player's clock.
         * @param buffer    the state bytes, valid during the call only.
         * @param offset    of the state.
         * @param length    of the state.
         */
        void onSnapshot(int roomId, long tick, long arrivalNs, DirectBuffer buffer, int offset, int length);
    }

    /**
     * Connect a player.
     *
     * @param context the client's configuration; its listener is replaced by this player's.
     * @param options what the player does.
     * @param clock   the clock the poll loop runs on.
     */
    public ArenaClient(final GameClient.Context context, final Options options, final NanoClock clock)
    {
        this.options = options;
        this.clock = clock;
        this.autopilot = new Autopilot(options.seed);
        this.snapshots = options.publishFrames ? new OneToOneRingBuffer(new UnsafeBuffer(
            BufferUtil.allocateDirectAligned(SNAPSHOT_RING_CAPACITY + TRAILER_LENGTH, CACHE_LINE_LENGTH))) : null;
        this.chatLines = options.keepChatLog ? new OneToOneConcurrentArrayQueue<>(512) : null;
        statsBuilder.name = options.name;
        Arrays.fill(sentCounters, -1);
        final long tickNs = TimeUnit.SECONDS.toNanos(1) / Math.max(1, options.inputRateHz);
        this.rendered = new InterpolationBuffer(32, MAX_SNAPSHOT_LENGTH, tickNs);
        this.predictor = new OwnPredictor(1f / Math.max(1, options.inputRateHz));
        this.shotRandom = new SplittableRandom(options.seed * 31 + 7);
        Arrays.fill(shotTicks, -1);
        this.client = GameClient.connect(context.tickRateHz(options.inputRateHz).listener(new Listener()));
        this.simulator = client.networkSimulator();
        final long nowNs = clock.nanoTime();
        this.nextStatsNs = nowNs + STATS_INTERVAL_NS;
        this.lastStatsNs = nowNs;
    }

    /**
     * Run one duty cycle: the client, queued commands, the input at its rate and the stats once a second.
     *
     * @return work count, 0 when idle.
     */
    public int poll()
    {
        int work = client.poll();
        final long nowNs = clock.nanoTime();
        Runnable command;
        while (null != (command = commands.poll()))
        {
            command.run();
            work++;
        }
        if (client.isConnected())
        {
            if (0 != targetArena && 0 == leavingArena && 0 == joiningArena && 0 == currentArena)
            {
                if (client.join(targetArena) > 0)
                {
                    joiningArena = targetArena;
                    targetArena = 0;
                }
            }
            final TickClock tickClock = client.tickClock();
            long tick;
            while (TickClock.NOT_SYNCED != (tick = tickClock.pollInputTick(nowNs)))
            {
                if (tick > inputTick)
                {
                    sendInput(tick, nowNs);
                    work++;
                }
            }

        }
        if (nowNs - nextStatsNs >= 0)
        {
            nextStatsNs = nowNs + STATS_INTERVAL_NS;
            publishStats(nowNs);
        }
        return work;
    }

    /**
     * Emit a chat line to a room (polling thread).
     *
     * @param roomId the room.
     * @param text   the text.
     * @return a positive value when sent, or a negative {@code SendResult} code.
     */
    public long emitChat(final int roomId, final String text)
    {
        if (roomId == leavingArena || null == audit.open(roomId))
        {
            return SendResult.NOT_MEMBER;
        }
        final long counter = emitCounter + 1;
        final int length = encodeText(emitBuffer, sessionId, counter, text);
        final long result = client.emit(roomId, CHAT_TYPE_ID, emitBuffer, 0, length);
        if (result > 0)
        {
            emitCounter = counter;
            eventsSent++;
            final int slot = (int)(counter & (SENT_SLOTS - 1));
            sentCounters[slot] = counter;
            sentNs[slot] = clock.nanoTime();
        }
        return result;
    }

    /**
     * Leave the current arena, if any, and join another (polling thread).
     *
     * @param roomId the arena to go to.
     * @return true when the move started; false while another move is under way.
     */
    public boolean switchArena(final int roomId)
    {
        if (hasPendingRequests() || roomId == currentArena || !client.isConnected())
        {
            return false;
        }
        if (0 != currentArena)
        {
            if (client.leave(currentArena) <= 0)
            {
                return false;
            }
            leavingArena = currentArena;
        }
        targetArena = roomId;
        return true;
    }

    /**
     * @return true while a join or leave is waiting for its answer (polling thread).
     */
    public boolean hasPendingRequests()
    {
        return 0 != targetArena || 0 != joiningArena || 0 != leavingArena;
    }

    /**
     * Queue work for the polling thread (any thread).
     *
     * @param command run on the polling thread, where every method of this class may be used.
     * @return false when the queue is full.
     */
    public boolean submit(final Runnable command)
    {
        return commands.offer(command);
    }

    /**
     * Steer by hand from now on (any thread).
     *
     * @param dx x direction in [-1, 1].
     * @param dy y direction in [-1, 1].
     */
    public void manualInput(final float dx, final float dy)
    {
        manualDx = dx;
        manualDy = dy;
        manual = true;
    }

    /**
     * Hand steering back to the autopilot (any thread).
     */
    public void autopilotInput()
    {
        manual = false;
    }

    /**
     * @return true while steered by hand.
     */
    public boolean isManual()
    {
        return manual;
    }

    /**
     * @return the newest stats (any thread).
     */
    public ClientStats stats()
    {
        return stats;
    }

    /**
     * Hand every pending arena snapshot to a handler, oldest first (one reader thread; needs
     * {@link Options#publishFrames(boolean)}). Allocates nothing.
     *
     * @param handler receives each snapshot's state bytes and arrival time.
     * @return number of snapshots.
     */
    public int pollSnapshots(final SnapshotHandler handler)
    {
        if (null == snapshots)
        {
            return 0;
        }
        snapshotReader.handler = handler;
        return snapshots.read(snapshotReader);
    }

    /**
     * Hand every pending chat-log line to a consumer (one reader thread).
     *
     * @param consumer receives each line.
     * @return number of lines.
     */
    public int drainChat(final Consumer<String> consumer)
    {
        return null == chatLines ? 0 : chatLines.drain(consumer::accept);
    }

    /**
     * @return the network simulator of this client, or null (its setters are safe from any thread).
     */
    public NetworkSimulator networkSimulator()
    {
        return simulator;
    }

    /**
     * @return display name.
     */
    public String name()
    {
        return options.name;
    }

    /**
     * @return the engine client (polling thread).
     */
    public GameClient client()
    {
        return client;
    }

    /**
     * @return the audit of delivered room events (polling thread).
     */
    public DeliveryAudit audit()
    {
        return audit;
    }

    /**
     * @return the session id, 0 before the first connect (polling thread).
     */
    public int sessionId()
    {
        return sessionId;
    }

    /**
     * @return room id of the current arena, 0 for none (polling thread).
     */
    public int currentArena()
    {
        return currentArena;
    }

    /**
     * @return chat events emitted (polling thread).
     */
    public long eventsSent()
    {
        return eventsSent;
    }

    /**
     * @return arena ticks the server advanced while this client was in an arena (polling thread).
     */
    public long ticksExpected()
    {
        return totalTicksExpected;
    }

    /**
     * @return arena snapshots received while in an arena (polling thread).
     */
    public long ticksReceived()
    {
        return totalTicksReceived;
    }

    /**
     * @return arena snapshots received while in an arena that travelled as deltas against an acknowledged tick
     * (polling thread).
     */
    public long deltaSnapshotsReceived()
    {
        return totalDeltaSnapshots;
    }

    /**
     * @return input leads the server reported over the run, one per snapshot that followed a new input.
     */
    public long leadsReported()
    {
        return leadsReported;
    }

    /**
     * @return of those, the ones that were on time (the input arrived before its tick).
     */
    public long leadsOnTime()
    {
        return leadsOnTime;
    }

    /**
     * @return own shots whose server verdict came back.
     */
    public long hitChecks()
    {
        return hitChecks;
    }

    /**
     * @return of those, the ones whose verdict matched the own hit test.
     */
    public long hitAgreements()
    {
        return hitAgreements;
    }

    /**
     * @return times the session ended for good (polling thread).
     */
    public long disconnects()
    {
        return disconnects;
    }

    /**
     * Close the session cleanly.
     */
    public void close()
    {
        client.close();
    }

    private void sendInput(final long tick, final long nowNs)
    {
        float dx = 0;
        float dy = 0;
        if (manual)
        {
            dx = manualDx;
            dy = manualDy;
        }
        else if (options.autopilot && 0 != currentArena)
        {
            autopilot.steer(ownX, ownY, pickupX, pickupY, pickupCount);
            dx = autopilot.dx();
            dy = autopilot.dy();
        }
        inputTick = tick;
        final TickClock tickClock = client.tickClock();
        final boolean view = tickClock.isSynced() && rendered.sample(tickClock.renderTimeNs(nowNs), sample);
        int length = encodeInput(inputBuffer, dx, dy);
        if (view && options.autopilot && !manual && tick >= nextShotTick)
        {
            nextShotTick = tick + 10 + shotRandom.nextInt(20);
            length = aimAndShoot(tick, dx, dy);
        }
        if (view)
        {
            client.sendInput(tick, sample, inputBuffer, 0, length);
        }
        else
        {
            client.sendInput(tick, inputBuffer, 0, length);
        }
        if (prediction.newestTick() != Long.MIN_VALUE && tick > prediction.newestTick())
        {
            prediction.predict(tick, inputBuffer, 0, INPUT_LENGTH, predictor);
        }
    }

    /**
     * The bot's shot: at the nearest other player as it renders it (blended between the two snapshots of the
     * sample), a little off now and then, judged by the same hitscan the server runs after its rewind.
     */
    private int aimAndShoot(final long tick, final float dx, final float dy)
    {
        final DirectBuffer from = sample.fromBuffer();
        final DirectBuffer to = sample.toBuffer();
        final double blend = Math.min(65535, Math.round(sample.alpha() * 65536)) / 65536.0;
        final int count = from.capacity() >= SNAPSHOT_HEADER_LENGTH ?
            from.getShort(SNAPSHOT_COUNT_OFFSET, LITTLE_ENDIAN) & 0xFFFF : 0;
        double bestDistance = Double.MAX_VALUE;
        double aimX = 0;
        double aimY = 0;
        final float selfX = Float.isNaN(ownX) ? 0 : ownX;
        final float selfY = Float.isNaN(ownY) ? 0 : ownY;
        for (int i = 0; i < count && SNAPSHOT_HEADER_LENGTH + (i + 1) * ENTITY_LENGTH <= from.capacity(); i++)
        {
            final int position = SNAPSHOT_HEADER_LENGTH + i * ENTITY_LENGTH;
            final int id = from.getInt(position + ENTITY_ID_OFFSET, LITTLE_ENDIAN);
            if (KIND_PLAYER != from.getByte(position + ENTITY_KIND_OFFSET) || id == sessionId)
            {
                continue;
            }
            double x = from.getFloat(position + ENTITY_X_OFFSET, LITTLE_ENDIAN);
            double y = from.getFloat(position + ENTITY_Y_OFFSET, LITTLE_ENDIAN);
            final int toPosition = find(to, id);
            if (toPosition >= 0)
            {
                x += (to.getFloat(toPosition + ENTITY_X_OFFSET, LITTLE_ENDIAN) - x) * blend;
                y += (to.getFloat(toPosition + ENTITY_Y_OFFSET, LITTLE_ENDIAN) - y) * blend;
            }
            final double distance = (x - selfX) * (x - selfX) + (y - selfY) * (y - selfY);
            if (distance < bestDistance)
            {
                bestDistance = distance;
                aimX = x;
                aimY = y;
            }
        }
        if (Double.MAX_VALUE == bestDistance)
        {
            return INPUT_LENGTH;
        }
        final double spread = 1.5 * (PLAYER_RADIUS + SHOT_RADIUS);
        final float x = (float)(aimX + (shotRandom.nextDouble() * 2 - 1) * spread);
        final float y = (float)(aimY + (shotRandom.nextDouble() * 2 - 1) * spread);
        final int claimed = hitscan(from, to, blend, sessionId, x, y);
        final int slot = (int)(tick & (SENT_SLOTS - 1));
        shotTicks[slot] = tick;
        shotClaims[slot] = claimed;
        return encodeShotInput(inputBuffer, dx, dy, x, y, claimed);
    }

    /** Predicts the own player's position from its inputs as the arena moves it (collisions aside). */
    private static final class OwnPredictor implements PredictionRing.Predictor
    {
        private final float dt;

        OwnPredictor(final float dt)
        {
            this.dt = dt;
        }

        public int step(
            final long tick,
            final DirectBuffer input,
            final int inputLength,
            final MutableDirectBuffer state,
            final int stateLength)
        {
            if (inputLength < INPUT_LENGTH)
            {
                return stateLength;
            }
            float dx = input.getByte(INPUT_DX_OFFSET) / 127f;
            float dy = input.getByte(INPUT_DY_OFFSET) / 127f;
            final float magnitude = (float)Math.sqrt(dx * dx + dy * dy);
            if (magnitude > 1f)
            {
                dx /= magnitude;
                dy /= magnitude;
            }
            state.putFloat(0, clamp(state.getFloat(0) + dx * PLAYER_SPEED * dt, PLAYER_RADIUS,
                ARENA_WIDTH - PLAYER_RADIUS));
            state.putFloat(4, clamp(state.getFloat(4) + dy * PLAYER_SPEED * dt, PLAYER_RADIUS,
                ARENA_HEIGHT - PLAYER_RADIUS));
            return OWN_STATE_LENGTH;
        }

        public double error(
            final long tick,
            final DirectBuffer predicted,
            final int predictedLength,
            final DirectBuffer authoritative,
            final int offset,
            final int length)
        {
            final double ex = predicted.getFloat(0) - authoritative.getFloat(offset);
            final double ey = predicted.getFloat(4) - authoritative.getFloat(offset + 4);
            return Math.sqrt(ex * ex + ey * ey);
        }
    }

    private void onShotVerdict(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < SHOT_LENGTH || buffer.getInt(offset + SHOT_SHOOTER_OFFSET, LITTLE_ENDIAN) != sessionId)
        {
            return;
        }
        final long tick = buffer.getLong(offset + SHOT_INPUT_TICK_OFFSET, LITTLE_ENDIAN);
        final int slot = (int)(tick & (SENT_SLOTS - 1));
        lastRewindDepthUs = buffer.getInt(offset + SHOT_DEPTH_US_OFFSET, LITTLE_ENDIAN);
        if (shotTicks[slot] == tick)
        {
            shotTicks[slot] = -1;
            hitChecks++;
            if (shotClaims[slot] == buffer.getInt(offset + SHOT_TARGET_OFFSET, LITTLE_ENDIAN))
            {
                hitAgreements++;
            }
        }
    }

    private void publishStats(final long nowNs)
    {
        final double seconds = Math.max(1e-3, (nowNs - lastStatsNs) / 1e9);
        lastStatsNs = nowNs;
        final long bytesIn = client.counter(EngineCounter.BYTES_IN);
        final long bytesOut = client.counter(EngineCounter.BYTES_OUT);
        final ClientStats.Builder b = statsBuilder;
        b.sessionId = sessionId;
        b.state = client.state();
        b.rttMs = client.rttNs() / 1e6;
        b.jitterMs = client.rttJitterNs() / 1e6;
        b.snapshotsPerSecond = windowTicksReceived / seconds;
        b.snapshotLossPercent = windowTicksExpected > 0 ?
            100.0 * Math.max(0, windowTicksExpected - windowTicksReceived) / windowTicksExpected : 0;
        b.bytesInPerSecond = (bytesIn - lastBytesIn) / seconds;
        b.bytesOutPerSecond = (bytesOut - lastBytesOut) / seconds;
        b.lastSnapshotBytes = lastSnapshotBytes;
        b.meanSnapshotBytes = windowTicksReceived > 0 ? (double)windowSnapshotBytes / windowTicksReceived : 0;
        b.deltaSnapshotPercent = windowTicksReceived > 0 ? 100.0 * windowDeltaSnapshots / windowTicksReceived : 0;
        b.newestTick = arenaNewestTick;
        b.lobbySeq = client.lastDeliveredSeq(LOBBY_ROOM_ID);
        b.arenaRoomId = currentArena;
        b.arenaSeq = 0 == currentArena ? -1 : client.lastDeliveredSeq(currentArena);
        b.gapsDetected = client.counter(EngineCounter.GAPS_DETECTED);
        b.eventsReplayed = client.counter(EngineCounter.EVENTS_REPLAYED);
        b.resyncs = client.counter(EngineCounter.RESYNCS);
        b.duplicatesDropped = client.counter(EngineCounter.DUPLICATES_DROPPED);
        b.eventsDelivered = client.counter(EngineCounter.EVENTS_DELIVERED);
        b.eventsSent = eventsSent;
        b.network = describe(simulator);
        final TickClock tickClock = client.tickClock();
        b.inputLeadMs = TickClock.NO_LEAD == tickClock.lastLeadNs() ? 0 : tickClock.lastLeadNs() / 1e6;
        b.inputsOnTimePercent = leadsReported > 0 ? 100.0 * leadsOnTime / leadsReported : 0;
        b.predictionError = windowPredictions > 0 ? windowPredictionError / windowPredictions : 0;
        b.rewindDepthMs = lastRewindDepthUs / 1000.0;
        b.hitChecks = hitChecks;
        b.rewindAgreementPercent = hitChecks > 0 ? 100.0 * hitAgreements / hitChecks : 0;
        windowPredictionError = 0;
        windowPredictions = 0;
        stats = b.build();
        lastBytesIn = bytesIn;
        lastBytesOut = bytesOut;
        windowTicksExpected = 0;
        windowTicksReceived = 0;
        windowSnapshotBytes = 0;
        windowDeltaSnapshots = 0;
    }

    /**
     * @param simulator a simulator or null.
     * @return its settings in a few words.
     */
    public static String describe(final NetworkSimulator simulator)
    {
        if (null == simulator)
        {
            return "direct";
        }
        return String.format("%.0f\u00b1%.0fms loss %.1f%% dup %.1f%% reorder %.1f%%",
            simulator.latencyMs(), simulator.jitterMs(), simulator.lossPercent(), simulator.duplicatePercent(),
            simulator.reorderPercent());
    }

    private void log(final String line)
    {
        if (null != chatLines)
        {
            chatLines.offer(line);
        }
    }

    private void reconcile(final long tick, final float x, final float y)
    {
        ownState.putFloat(0, x);
        ownState.putFloat(4, y);
        final long reconciliations = prediction.reconciliations();
        prediction.reconcile(tick, ownState, 0, OWN_STATE_LENGTH, predictor);
        if (prediction.reconciliations() > reconciliations)
        {
            windowPredictionError += prediction.lastError();
            windowPredictions++;
        }
    }

    private void onArenaSnapshot(
        final int roomId,
        final long tick,
        final long baselineTick,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        final long increment = arenaNewestTick < 0 ? 1 : tick - arenaNewestTick;
        arenaNewestTick = tick;
        windowTicksExpected += increment;
        windowTicksReceived++;
        totalTicksExpected += increment;
        totalTicksReceived++;
        windowSnapshotBytes += length;
        lastSnapshotBytes = length;
        if (baselineTick >= 0)
        {
            windowDeltaSnapshots++;
            totalDeltaSnapshots++;
        }

        final TickClock tickClock = client.tickClock();
        if (TickClock.NO_LEAD != tickClock.lastLeadNs() && inputTick != lastLeadInputTick)
        {
            lastLeadInputTick = inputTick;
            leadsReported++;
            if (tickClock.lastLeadNs() >= 0)
            {
                leadsOnTime++;
            }
        }
        if (length < SNAPSHOT_HEADER_LENGTH)
        {
            return;
        }
        rendered.add(tick, buffer, offset, length);
        final int count = buffer.getShort(offset + SNAPSHOT_COUNT_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
        if (SNAPSHOT_HEADER_LENGTH + count * ENTITY_LENGTH > length)
        {
            return;
        }
        int position = offset + SNAPSHOT_HEADER_LENGTH;
        int pickups = 0;
        for (int i = 0; i < count; i++)
        {
            final int kind = buffer.getByte(position + ENTITY_KIND_OFFSET);
            final float x = buffer.getFloat(position + ENTITY_X_OFFSET, LITTLE_ENDIAN);
            final float y = buffer.getFloat(position + ENTITY_Y_OFFSET, LITTLE_ENDIAN);
            if (KIND_PICKUP == kind && pickups < MAX_PICKUPS)
            {
                pickupX[pickups] = x;
                pickupY[pickups] = y;
                pickups++;
            }
            else if (KIND_PLAYER == kind && buffer.getInt(position + ENTITY_ID_OFFSET, LITTLE_ENDIAN) == sessionId)
            {
                ownX = x;
                ownY = y;
                reconcile(tick, x, y);
            }
            position += ENTITY_LENGTH;
        }
        pickupCount = pickups;

        if (null != snapshots && length <= MAX_SNAPSHOT_LENGTH)
        {
            final int index = snapshots.tryClaim(SNAPSHOT_MSG_TYPE_ID, MSG_STATE_OFFSET + length);
            if (index > 0)
            {
                final AtomicBuffer message = snapshots.buffer();
                message.putInt(index + MSG_ROOM_ID_OFFSET, roomId);
                message.putLong(index + MSG_TICK_OFFSET, tick);
                message.putLong(index + MSG_ARRIVAL_OFFSET, clock.nanoTime());
                message.putBytes(index + MSG_STATE_OFFSET, buffer, offset, length);
                snapshots.commit(index);
            }
        }
    }

    private static final class SnapshotReader implements MessageHandler
    {
        SnapshotHandler handler;

        public void onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
        {
            handler.onSnapshot(
                buffer.getInt(index + MSG_ROOM_ID_OFFSET),
                buffer.getLong(index + MSG_TICK_OFFSET),
                buffer.getLong(index + MSG_ARRIVAL_OFFSET),
                buffer,
                index + MSG_STATE_OFFSET,
                length - MSG_STATE_OFFSET);
        }
    }

    private final class Listener implements ClientListener
    {
        public void onConnected(final int sessionId, final boolean resumed)
        {
            if (!resumed && everConnected)
            {
                for (final DeliveryAudit.Interval interval : audit.intervals())
                {
                    audit.onLeft(interval.roomId());
                }
                currentArena = 0;
                joiningArena = 0;
                leavingArena = 0;
            }
            ArenaClient.this.sessionId = sessionId;
            audit.sessionId(sessionId);
            log("* connected as #" + sessionId + (resumed ? " (resumed)" : ""));
            if (!resumed)
            {
                if (options.joinLobby)
                {
                    client.join(LOBBY_ROOM_ID);
                }
                if (0 != options.arenaRoomId && 0 == targetArena)
                {
                    targetArena = options.arenaRoomId;
                }
            }
            everConnected = true;
        }

        public void onDisconnected(final DisconnectReason reason)
        {
            disconnects++;
            log("* disconnected: " + reason);
        }

        public void onJoined(final int roomId, final long nextSeq)
        {
            audit.onJoined(roomId, nextSeq);
            if (isArena(roomId))
            {
                currentArena = roomId;
                if (joiningArena == roomId)
                {
                    joiningArena = 0;
                }
                arenaNewestTick = -1;
                ownX = Float.NaN;
                ownY = Float.NaN;
                pickupCount = 0;
            }
            log("* joined " + roomName(roomId) + " at seq " + nextSeq);
        }

        public void onJoinFailed(final int roomId, final int requestId, final int status)
        {
            if (roomId == joiningArena)
            {
                joiningArena = 0;
            }
            log("* join " + roomName(roomId) + " failed, status " + status);
        }

        public void onLeft(final int roomId, final LeaveReason reason)
        {
            audit.onLeft(roomId);
            if (roomId == currentArena)
            {
                currentArena = 0;
                arenaNewestTick = -1;
            }
            if (roomId == leavingArena)
            {
                leavingArena = 0;
            }
            log("* left " + roomName(roomId) + " (" + reason + ")");
        }

        public void onEvent(
            final int roomId,
            final long seq,
            final int senderSessionId,
            final int typeId,
            final DirectBuffer buffer,
            final int offset,
            final int length)
        {
            audit.onDelivered(roomId, seq);
            if (length >= EVENT_HEADER_LENGTH)
            {
                final int origin = origin(buffer, offset);
                final long counter = counter(buffer, offset);
                audit.onOrigin(roomId, origin, counter);
                if (SHOT_TYPE_ID == typeId)
                {
                    onShotVerdict(buffer, offset, length);
                }
                if (CHAT_TYPE_ID == typeId && origin == sessionId && null != options.echoRttHistogramUs)
                {
                    final int slot = (int)(counter & (SENT_SLOTS - 1));
                    if (sentCounters[slot] == counter)
                    {
                        final long rttUs = Math.max(1, (clock.nanoTime() - sentNs[slot]) / 1000);
                        options.echoRttHistogramUs.recordValue(
                            Math.min(rttUs, options.echoRttHistogramUs.getHighestTrackableValue()));
                        sentCounters[slot] = -1;
                    }
                }
            }
            if (null != chatLines)
            {
                log("[" + roomName(roomId) + " " + seq + "] " + ArenaProtocol.describe(typeId, buffer, offset, length));
            }
        }

        public void onMemberJoined(final int roomId, final long seq, final int memberSessionId)
        {
            audit.onDelivered(roomId, seq);
            if (null != chatLines)
            {
                log("[" + roomName(roomId) + " " + seq + "] -> #" + memberSessionId + " joined");
            }
        }

        public void onMemberLeft(final int roomId, final long seq, final int memberSessionId, final LeaveReason reason)
        {
            audit.onDelivered(roomId, seq);
            if (null != options.memberLog)
            {
                options.memberLog.onMemberLeft(roomId, memberSessionId, seq);
            }
            if (null != chatLines)
            {
                log("[" + roomName(roomId) + " " + seq + "] <- #" + memberSessionId + " left (" + reason + ")");
            }
        }

        public void onResync(
            final int roomId, final long seq, final DirectBuffer buffer, final int offset, final int length)
        {
            audit.onResync(roomId, seq);
            log("* resynced " + roomName(roomId) + " at seq " + seq);
        }

        public void onSnapshot(
            final int roomId,
            final long tick,
            final long baselineTick,
            final DirectBuffer buffer,
            final int offset,
            final int length)
        {
            if (roomId == currentArena && 0 != roomId)
            {
                onArenaSnapshot(roomId, tick, baselineTick, buffer, offset, length);
            }
        }

        public void onStateChange(final ClientState oldState, final ClientState newState)
        {
            if (newState.isFailure())
            {
                log("* " + newState);
            }
        }
    }
}
