package io.skirmish.engine.client;

import io.aeron.Aeron;
import io.skirmish.engine.CommonContext;
import io.skirmish.engine.DisconnectReason;
import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.NetworkInfo;
import io.skirmish.engine.SendResult;
import io.skirmish.engine.ThreadingMode;
import io.skirmish.engine.codec.MessageRegistry;
import io.skirmish.engine.protocol.FrameHeaderFlyweight;
import io.skirmish.engine.protocol.RoomEventFlyweight;
import io.skirmish.engine.security.ConnectTokens;
import io.skirmish.engine.sim.NetworkSimulator;
import io.skirmish.engine.transport.DutyCycle;
import io.skirmish.engine.transport.RelayFactory;
import io.skirmish.engine.transport.Transport;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;

import java.util.concurrent.TimeUnit;

/**
 * The client side of Skirmish. By default the client runs in {@link ThreadingMode#INVOKER} mode with an embedded
 * media driver: it starts no thread, and the game loop calls {@link #poll()}, which drives the driver, the Aeron
 * client and the session in one step and delivers every callback on the calling thread.
 * <pre>{@code
 * GameClient client = GameClient.connect(new GameClient.Context()
 *     .server("game.example.com:40123")
 *     .listener(myListener));
 * while (running)
 * {
 *     client.poll();       // callbacks run here
 *     ...
 * }
 * }</pre>
 * All methods must be called from the thread that polls (or, in other modes, from listener callbacks); the client
 * is not thread-safe. Sends return a non-negative value on success or a negative {@link SendResult} code.
 */
public final class GameClient implements AutoCloseable
{
    private final Context ctx;
    private final Transport transport;
    private final ClientConductor conductor;
    private final DutyCycle dutyCycle;

    private GameClient(final Context ctx)
    {
        this.ctx = ctx;
        Transport transport = null;
        ClientConductor conductor = null;
        try
        {
            transport = Transport.launch(
                ctx.aeron(),
                ctx.embeddedMediaDriver(),
                ctx.aeronDirectoryName(),
                ctx.threadingMode(),
                ctx.driverIdleStrategy(),
                ctx.driverSettings(ctx.driverCustomizer()),
                ctx.errorHandler(),
                "skirmish-client");
            conductor = new ClientConductor(ctx, transport);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(conductor, transport);
            throw ex;
        }
        this.transport = transport;
        this.conductor = conductor;
        this.dutyCycle = new DutyCycle(
            ctx.threadingMode(), conductor, ctx.idleStrategy(), ctx.errorHandler(), ctx.dutyCyclesPerPoll(),
            ctx.nanoClock());
    }

    /**
     * Conclude the context, open the lanes and start connecting. Returns at once; watch {@link #state()} or
     * {@link ClientListener#onConnected(int, boolean)}.
     *
     * @param ctx the configuration; concluded here.
     * @return the connecting client.
     * @throws IllegalArgumentException if a setting is invalid, e.g. a server that is not {@code host:port}.
     * @throws IllegalStateException    if the context was already concluded.
     * @throws io.aeron.exceptions.AeronException if the media driver cannot start or attach. A server that cannot
     *                                  be reached is not an exception: the client ends in
     *                                  {@link ClientState#CONNECT_TIMED_OUT}.
     */
    public static GameClient connect(final Context ctx)
    {
        ctx.conclude();
        return new GameClient(ctx);
    }

    /**
     * Run duty cycles (INVOKER mode): driver, Aeron client, lanes, timers; callbacks run on this thread. One poll
     * runs cycles until one finds no work, at most {@link Context#dutyCyclesPerPoll(int)} of them, so that it drains
     * what arrived since the last poll; a poll less than a millisecond after the last one runs a single cycle, so a
     * tight polling loop pays for no empty cycles. Poll at least every 50 ms (20 Hz) while connected; a game loop polls once a
     * frame. A poll that comes later than that still works, but a backlog then takes longer to drain, and one that
     * comes later than the session timeout (5 s by default) loses the connection (the session resumes).
     *
     * @return work count, 0 when idle.
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

    /**
     * @return the connection state.
     */
    public ClientState state()
    {
        return conductor.state();
    }

    /**
     * @return true when connected on every lane.
     */
    public boolean isConnected()
    {
        return conductor.state() == ClientState.CONNECTED;
    }

    /**
     * @return why the session ended or the connect failed, {@link DisconnectReason#NONE} otherwise.
     */
    public DisconnectReason disconnectReason()
    {
        return conductor.disconnectReason();
    }

    /**
     * @return the session id, 0 before the first accept.
     */
    public int sessionId()
    {
        return conductor.sessionId();
    }

    /**
     * @return the secret that resumes this session from a new process ({@link Context#resume(int, long)}); keep it
     * private.
     */
    public long resumeSecret()
    {
        return conductor.resumeSecret();
    }

    /**
     * @param roomId a room (0 for the direct lane).
     * @return seq of the last event delivered in order, or -1 when not in the room.
     */
    public long lastDeliveredSeq(final int roomId)
    {
        return conductor.delivery().lastDelivered(roomId);
    }

    /**
     * @param roomId a room.
     * @return true when this client is a member.
     */
    public boolean isMemberOf(final int roomId)
    {
        return conductor.delivery().isMember(roomId);
    }

    /**
     * @return smoothed round-trip time to the server in nanoseconds, 0 before the first measurement.
     */
    public long rttNs()
    {
        return conductor.rtt().rttNs();
    }

    /**
     * @return smoothed RTT variation in nanoseconds.
     */
    public long rttJitterNs()
    {
        return conductor.rtt().jitterNs();
    }

    /**
     * Fill the caller's {@link NetworkInfo}: RTT and jitter, snapshot loss, and bytes per second in and out, each
     * measured over windows of about a second. From the polling thread; allocation-free.
     *
     * @param info to fill (reuse one instance).
     * @return info.
     */
    public NetworkInfo networkInfo(final NetworkInfo info)
    {
        return conductor.snapshots().networkInfo(info, conductor.rtt().rttNs(), conductor.rtt().jitterNs());
    }

    /**
     * Read one of the engine's counters.
     *
     * @param counter which.
     * @return its value, 0 when the client does not keep it.
     */
    public long counter(final EngineCounter counter)
    {
        return conductor.counters().value(counter);
    }

    ClientConductor conductor()
    {
        return conductor;
    }

    Transport transport()
    {
        return transport;
    }

    /**
     * @return the Aeron client in use.
     */
    public Aeron aeron()
    {
        return transport.aeron();
    }

    /**
     * @return the network simulator in use, or null when the client talks to the server directly.
     */
    public NetworkSimulator networkSimulator()
    {
        return ctx.networkSimulator;
    }

    /**
     * Register a typed handler for a registered message type (room events and direct messages).
     *
     * @param type    a class registered in the {@link MessageRegistry}.
     * @param handler called for each message of that type instead of {@link ClientListener#onEvent(int, long, int,
     *                Object)}.
     * @param <T>     the message type.
     * @return this for a fluent API.
     */
    public <T> GameClient on(final Class<T> type, final ClientMessageHandler<T> handler)
    {
        conductor.delivery().registerHandler(type, handler);
        return this;
    }

    /**
     * Send a raw reliable message to the server.
     *
     * @param typeId the game's type id.
     * @param buffer payload.
     * @param offset of the payload.
     * @param length of the payload.
     * @return a positive value when sent, or a negative {@link SendResult} code.
     */
    public long send(final int typeId, final DirectBuffer buffer, final int offset, final int length)
    {
        return conductor.requests().sendMessage(typeId, 0, buffer, offset, length);
    }



    /**
     * Send a registered message to the server on the reliable lane.
     *
     * @param message an instance of a registered class.
     * @return a positive value when sent, or a negative {@link SendResult} code.
     */
    public long send(final Object message)
    {
        return conductor.requests().sendMessageObject(message);
    }

    /**
     * Spectate a durable room, read-only, behind a delay (as SourceTV's {@code tv_delay}): the server feeds the
     * spectator from the room's recording in its archive, not from the players' live fan-out. The listener gets
     * the newest keyframe recorded at least the delay ago (when the recording has one), then every event after it
     * with its seq, in order and exactly once, each released by the server once its recorded time plus the delay has
     * passed; {@link FeedListener#onFeedEnd} when the room closes. Emits to the room are refused
     * ({@link SendResult#READ_ONLY}) while the feed is open. See {@code docs/durability.md}, "Spectators".
     *
     * @param roomId   a durable room of the server.
     * @param delayNs  how far behind the live room to stay (0 or more).
     * @param listener receives the feed, on the thread that drives the client.
     * @return the feed id (positive), or a negative {@link SendResult} code.
     */
    public long spectate(final int roomId, final long delayNs, final FeedListener listener)
    {
        return conductor.requests().spectate(roomId, delayNs, listener);
    }

    /**
     * Replay a durable room's newest recording (a finished match, or a running one, which the replay then follows
     * live) over the network, reproducing every event with its seq and payload and the keyframes, read-only.
     *
     * @param roomId   the room.
     * @param fromSeq  first seq wanted (1 or less for all): the replay starts at the newest keyframe before it.
     * @param speed    1 for the recorded pace, 4 for four times as fast, 0 or {@link Double#POSITIVE_INFINITY} as fast
     *                 as possible.
     * @param listener receives the feed, on the thread that drives the client.
     * @return the feed id (positive), or a negative {@link SendResult} code.
     */
    public long replay(final int roomId, final long fromSeq, final double speed, final FeedListener listener)
    {
        return conductor.requests().replay(roomId, fromSeq, speed, listener);
    }

    /**
     * Stop a spectator or replay feed; its end arrives as {@link FeedListener#onFeedEnd} with {@code STOPPED}.
     *
     * @param feedId the feed.
     * @return a positive value, or a negative {@link SendResult} code.
     */
    public long stopFeed(final int feedId)
    {
        return conductor.requests().stopFeed(feedId);
    }

    /**
     * @param roomId a room.
     * @return true while this client spectates or replays it (writes to it are refused).
     */
    public boolean isFeeding(final int roomId)
    {
        return conductor.feeds().isFeeding(roomId);
    }

    /**
     * Ask to join a room. The answer arrives as {@link ClientListener#onJoined} or {@link ClientListener#onJoinFailed}.
     *
     * @param roomId the room.
     * @return the request id (positive), or a negative {@link SendResult} code.
     */
    public long join(final int roomId)
    {
        return conductor.requests().joinRequest(roomId, null, 0, 0);
    }

    /**
     * Ask to join a room with a payload for the server's join authorizer (a password, a team).
     *
     * @param roomId the room.
     * @param buffer payload.
     * @param offset of the payload.
     * @param length of the payload.
     * @return the request id (positive), or a negative {@link SendResult} code.
     */
    public long join(final int roomId, final DirectBuffer buffer, final int offset, final int length)
    {
        return conductor.requests().joinRequest(roomId, buffer, offset, length);
    }

    /**
     * Ask to leave a room; {@link ClientListener#onLeft} follows.
     *
     * @param roomId the room.
     * @return a positive value when sent, or a negative {@link SendResult} code.
     */
    public long leave(final int roomId)
    {
        return conductor.requests().leaveRequest(roomId);
    }

    /**
     * Emit a raw event to a room; the server validates it (and may veto it), sequences it and relays it to every
     * member, this client included.
     *
     * @param roomId the room.
     * @param typeId the game's type id.
     * @param buffer payload.
     * @param offset of the payload.
     * @param length of the payload.
     * @return a positive value when sent, or a negative {@link SendResult} code.
     */
    public long emit(final int roomId, final int typeId, final DirectBuffer buffer, final int offset, final int length)
    {
        return conductor.requests().emit(roomId, typeId, 0, buffer, offset, length);
    }

    /**
     * Emit a raw event to every other member of a room.
     *
     * @param roomId the room.
     * @param typeId the game's type id.
     * @param buffer payload.
     * @param offset of the payload.
     * @param length of the payload.
     * @return a positive value when sent, or a negative {@link SendResult} code.
     */
    public long emitExceptSelf(
        final int roomId, final int typeId, final DirectBuffer buffer, final int offset, final int length)
    {
        return conductor.requests().emit(roomId, typeId, FrameHeaderFlyweight.FLAG_EXCEPT_SENDER,
            buffer, offset, length);
    }

    /**
     * Emit a registered message to a room (this client included).
     *
     * @param roomId  the room.
     * @param message an instance of a registered class.
     * @return a positive value when sent, or a negative {@link SendResult} code.
     */
    public long emit(final int roomId, final Object message)
    {
        return conductor.requests().emitObject(roomId, message, false);
    }

    /**
     * Emit a registered message to every other member of a room.
     *
     * @param roomId  the room.
     * @param message an instance of a registered class.
     * @return a positive value when sent, or a negative {@link SendResult} code.
     */
    public long emitExceptSelf(final int roomId, final Object message)
    {
        return conductor.requests().emitObject(roomId, message, true);
    }

    /**
     * Send this tick's input on the unreliable input lane. Each packet also carries up to
     * {@link Context#inputRedundancy(int)} earlier inputs, so a lost packet costs nothing while a later one
     * arrives, and the newest snapshot tick received (the server's delta baseline).
     *
     * @param inputTick strictly increasing input tick.
     * @param buffer    input bytes.
     * @param offset    of the input.
     * @param length    of the input, at most {@link Context#maxInputLength(int)}.
     * @return a positive value when sent, or a negative {@link SendResult} code (dropped, never retried).
     */
    public long sendInput(final long inputTick, final DirectBuffer buffer, final int offset, final int length)
    {
        return conductor.requests().sendInput(inputTick, -1, -1, 0, buffer, offset, length);
    }

    /**
     * Send this tick's input with the view the player saw when producing it: the two snapshot ticks being blended
     * and the blend. The view travels with the input, so the server can rewind to exactly it
     * (lag compensation on the server) when it judges the input, e.g. a shot.
     *
     * @param inputTick      strictly increasing input tick, e.g. from {@link TickClock#pollInputTick(long)}.
     * @param renderFromTick the older snapshot tick rendered, or a negative value for none.
     * @param renderToTick   the newer snapshot tick rendered (equal to the from tick when not blending); at most
     *                       65,535 ticks after it.
     * @param renderBlend    the blend from the older to the newer, in [0, 1) (sent in 1/65536ths).
     * @param buffer         input bytes.
     * @param offset         of the input.
     * @param length         of the input, at most {@link Context#maxInputLength(int)}.
     * @return a positive value when sent, or a negative {@link SendResult} code (dropped, never retried). A view
     * more than 65,534 ticks before the input tick is sent as none.
     */
    public long sendInput(
        final long inputTick,
        final long renderFromTick,
        final long renderToTick,
        final double renderBlend,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        return conductor.requests().sendInput(
            inputTick, renderFromTick, renderToTick, renderBlend, buffer, offset, length);
    }

    /**
     * Send this tick's input with the interpolation sample the player saw, see
     * {@link #sendInput(long, long, long, double, DirectBuffer, int, int)}.
     *
     * @param inputTick strictly increasing input tick.
     * @param rendered  the sample rendered when the input was produced.
     * @param buffer    input bytes.
     * @param offset    of the input.
     * @param length    of the input.
     * @return a positive value when sent, or a negative {@link SendResult} code.
     */
    public long sendInput(
        final long inputTick,
        final InterpolationBuffer.Sample rendered,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        return conductor.requests().sendInput(
            inputTick, rendered.fromTick(), rendered.toTick(), rendered.alpha(), buffer, offset, length);
    }

    /**
     * The tick clock: the server tick estimate, the input tick to send inputs for, and the render time, fed by the
     * snapshots of the room delivered most recently and the input leads the server reports with them.
     *
     * @return the clock, or null when {@link Context#tickRateHz(int)} is 0. Read it on the client thread.
     */
    public TickClock tickClock()
    {
        return conductor.tickClock();
    }

    /**
     * Close the session cleanly (the server is told, and the session cannot be resumed) and release everything.
     */
    public void close()
    {
        dutyCycle.close();
        CloseHelper.quietClose(transport);
    }

    /**
     * Drop the connection without telling the server, as a crash or a network loss would; the session stays
     * resumable on the server for its resume window. For tests and fault drills.
     */
    public void abort()
    {
        conductor.abort();
        close();
    }

    /**
     * Defaults for {@link Context}, read from system properties.
     */
    public static final class Configuration
    {
        /** Server request endpoint {@code host:port}, default {@code localhost:40123}. */
        public static final String SERVER_PROP_NAME = "skirmish.client.server";
        /** Threading mode, default INVOKER. */
        public static final String THREADING_MODE_PROP_NAME = "skirmish.client.threading.mode";
        /** Aeron directory of an external driver; setting it turns the embedded driver off. */
        public static final String AERON_DIR_PROP_NAME = "skirmish.client.aeron.dir";
        /** Simulated one-way latency in ms; any {@code skirmish.sim.*} property turns the simulator on. */
        public static final String SIM_LATENCY_PROP_NAME = "skirmish.sim.latency.ms";
        /** Simulated jitter in ms. */
        public static final String SIM_JITTER_PROP_NAME = "skirmish.sim.jitter.ms";
        /** Simulated loss percent. */
        public static final String SIM_LOSS_PROP_NAME = "skirmish.sim.loss.percent";
        /** Simulated duplication percent. */
        public static final String SIM_DUPLICATE_PROP_NAME = "skirmish.sim.duplicate.percent";
        /** Simulated reordering percent. */
        public static final String SIM_REORDER_PROP_NAME = "skirmish.sim.reorder.percent";
        /** Simulator seed. */
        public static final String SIM_SEED_PROP_NAME = "skirmish.sim.seed";
        /** Ask for AES-GCM payload encryption: {@code true} or {@code false} (default); needs a connect token. */
        public static final String PAYLOAD_ENCRYPTION_PROP_NAME = "skirmish.client.payload.encryption";

        private Configuration()
        {
        }

        static NetworkSimulator networkSimulator()
        {
            final String latency = System.getProperty(SIM_LATENCY_PROP_NAME);
            final String jitter = System.getProperty(SIM_JITTER_PROP_NAME);
            final String loss = System.getProperty(SIM_LOSS_PROP_NAME);
            final String duplicate = System.getProperty(SIM_DUPLICATE_PROP_NAME);
            final String reorder = System.getProperty(SIM_REORDER_PROP_NAME);
            if (null == latency && null == jitter && null == loss && null == duplicate && null == reorder)
            {
                return null;
            }
            return new NetworkSimulator(Long.getLong(SIM_SEED_PROP_NAME, 42L))
                .latencyMs(null == latency ? 0 : Double.parseDouble(latency))
                .jitterMs(null == jitter ? 0 : Double.parseDouble(jitter))
                .lossPercent(null == loss ? 0 : Double.parseDouble(loss))
                .duplicatePercent(null == duplicate ? 0 : Double.parseDouble(duplicate))
                .reorderPercent(null == reorder ? 0 : Double.parseDouble(reorder));
        }
    }

    /**
     * Configuration of a {@link GameClient}: fluent setters, defaults from system properties, concluded once by
     * {@link GameClient#connect(Context)}. The settings both sides share are in {@link CommonContext}.
     */
    public static final class Context extends CommonContext<Context>
    {
        String server = System.getProperty(Configuration.SERVER_PROP_NAME, "localhost:40123");
        String serverResponseEndpoint;
        ClientListener listener;
        byte[] credentials = new byte[0];
        byte[] sessionKey;
        boolean payloadEncryption = Boolean.getBoolean(Configuration.PAYLOAD_ENCRYPTION_PROP_NAME);
        boolean autoResume = true;
        long retryWhenRefusedNs;
        int resumeSessionId;
        long resumeSecret;
        final Long2LongHashMap resumeRooms = new Long2LongHashMap(-1);
        int inputRedundancy = 8;
        int maxInputLength = 128;
        int tickRateHz;
        long renderDelayNs = -1;
        long minInputLeadNs;
        int maxHeldEvents = 1024;
        long replayRequestTimeoutNs = TimeUnit.MILLISECONDS.toNanos(200);
        long ackIntervalNs = TimeUnit.MILLISECONDS.toNanos(20);
        int maxUnackedBytes = 256 * 1024;
        long laneSilenceTimeoutNs = TimeUnit.MILLISECONDS.toNanos(1500);
        NetworkSimulator networkSimulator = Configuration.networkSimulator();
        String simulatorBindHost = "127.0.0.1";
        ResumeFallback resumeFallback;
        ServerLocator serverLocator;

        /**
         * A context with the defaults from {@link Configuration}.
         */
        public Context()
        {
            super(ThreadingMode.valueOf(System.getProperty(Configuration.THREADING_MODE_PROP_NAME, "INVOKER")),
                System.getProperty(Configuration.AERON_DIR_PROP_NAME));
        }

        /**
         * Validate and freeze; called by {@link GameClient#connect(Context)}, once.
         *
         * @return this.
         */
        public Context conclude()
        {
            super.conclude();
            if (payloadEncryption && null == sessionKey)
            {
                throw new IllegalArgumentException("payloadEncryption needs a connectToken");
            }
            final int colon = server.lastIndexOf(':');
            if (colon <= 0)
            {
                throw new IllegalArgumentException("server must be host:port: " + server);
            }
            if (null == serverResponseEndpoint)
            {
                final int port = Integer.parseInt(server.substring(colon + 1));
                serverResponseEndpoint = server.substring(0, colon) + ":" + (port + 1);
            }
            if (inputRedundancy < 1 || inputRedundancy > 64)
            {
                throw new IllegalArgumentException("inputRedundancy must be in [1, 64]: " + inputRedundancy);
            }
            if (maxInputLength < 1 || maxInputLength > 1024)
            {
                throw new IllegalArgumentException("maxInputLength must be in [1, 1024]: " + maxInputLength);
            }
            if (tickRateHz < 0 || tickRateHz > 1000 || minInputLeadNs < 0)
            {
                throw new IllegalArgumentException(
                    "tickRateHz must be in [0, 1000] and minInputLeadNs not negative: " + tickRateHz + ", " +
                    minInputLeadNs);
            }
            if (tickRateHz > 0 && renderDelayNs < 0)
            {
                renderDelayNs = 2 * (TimeUnit.SECONDS.toNanos(1) / tickRateHz);
            }
            if (null == listener)
            {
                listener = new ClientListener()
                {
                };
            }
            if (snapshotWindow() < 1 || snapshotWindow() > 1024)
            {
                throw new IllegalArgumentException("snapshotWindow must be in [1, 1024]: " + snapshotWindow());
            }
            if (maxUnackedBytes < 2 * (RoomEventFlyweight.PAYLOAD_OFFSET + maxMessageLength()))
            {
                throw new IllegalArgumentException(
                    "maxUnackedBytes must hold at least two of the longest messages: " + maxUnackedBytes);
            }
            if (laneSilenceTimeoutNs <= 0)
            {
                throw new IllegalArgumentException("laneSilenceTimeoutNs must be positive: " + laneSilenceTimeoutNs);
            }
            return this;
        }

        /**
         * @param bytes most bytes of reliable frames (messages, emits, joins, leaves, replay requests) kept until the
         *              server acknowledges them, default 256 KiB; a send that does not fit returns
         *              {@code SendResult.QUEUE_FULL} (at most 1,024 frames are kept either way).
         * @return this for a fluent API.
         */
        public Context maxUnackedBytes(final int bytes)
        {
            checkNotConcluded();
            this.maxUnackedBytes = bytes;
            return this;
        }

        /**
         * @return most bytes of unacknowledged reliable frames.
         */
        public int maxUnackedBytes()
        {
            return maxUnackedBytes;
        }

        /**
         * @param timeoutNs how long a connected client goes without hearing from the server, or without an answer to
         *                  its pings, before it moves its session to fresh lanes (a new source port, as after a NAT
         *                  rebinding or a network change), default 1.5 s. Capped at half the server's session
         *                  timeout. The session carries on; nothing is lost.
         * @return this for a fluent API.
         */
        public Context laneSilenceTimeoutNs(final long timeoutNs)
        {
            checkNotConcluded();
            this.laneSilenceTimeoutNs = timeoutNs;
            return this;
        }

        /**
         * @return silence after which a connected client moves to fresh lanes.
         */
        public long laneSilenceTimeoutNs()
        {
            return laneSilenceTimeoutNs;
        }

        /**
         * @param fallback what to do when the server refuses to resume the session; null (default) ends it with
         *                 {@link ClientState#CONNECTION_REJECTED}. {@link ResumeFallback#NEW_SESSION} carries on as
         *                 a new session.
         * @return this for a fluent API.
         */
        public Context resumeFallback(final ResumeFallback fallback)
        {
            checkNotConcluded();
            this.resumeFallback = fallback;
            return this;
        }

        /**
         * @return what the client does when the server refuses a resume, or null.
         */
        public ResumeFallback resumeFallback()
        {
            return resumeFallback;
        }

        /**
         * @param locator asked, on the client's thread, where the session went when a resume gets no answer or is
         *                refused (its server died and its room was moved); the client then resumes on the server
         *                it names. Null (default): the client only resumes on the server it connected to.
         * @return this for a fluent API.
         */
        public Context serverLocator(final ServerLocator locator)
        {
            checkNotConcluded();
            this.serverLocator = locator;
            return this;
        }

        /**
         * @return what the client asks where a session went, or null.
         */
        public ServerLocator serverLocator()
        {
            return serverLocator;
        }

        /**
         * The session moved: later lanes go to this server ({@link #server()} names it from now on). Client thread.
         */
        void moveTo(final String hostAndPort, final String responseEndpoint)
        {
            this.server = hostAndPort;
            this.serverResponseEndpoint = responseEndpoint;
        }

        /**
         * @return the relay every lane goes through, or null.
         */
        RelayFactory relayFactory()
        {
            return networkSimulator;
        }


        /**
         * @param hostAndPort the server's request endpoint {@code host:port}; the response endpoint defaults to
         *                    {@code host:port+1}.
         * @return this for a fluent API.
         */
        public Context server(final String hostAndPort)
        {
            checkNotConcluded();
            this.server = hostAndPort;
            return this;
        }

        /**
         * @return the server's request endpoint: the one set, or the one a {@link ServerLocator} moved the session
         * to since.
         */
        public String server()
        {
            return server;
        }

        /**
         * @param hostAndPort the server's response endpoint, when not request port + 1 (e.g. through a relay).
         * @return this for a fluent API.
         */
        public Context serverResponseEndpoint(final String hostAndPort)
        {
            checkNotConcluded();
            this.serverResponseEndpoint = hostAndPort;
            return this;
        }

        /**
         * @return the server's response endpoint.
         */
        public String serverResponseEndpoint()
        {
            return serverResponseEndpoint;
        }

        /**
         * @param listener the game's client hooks.
         * @return this for a fluent API.
         */
        public Context listener(final ClientListener listener)
        {
            checkNotConcluded();
            this.listener = listener;
            return this;
        }

        /**
         * @return the listener.
         */
        public ClientListener listener()
        {
            return listener;
        }

        /**
         * @param credentials the connect token (or other credentials) presented to the server.
         * @return this for a fluent API.
         */
        public Context credentials(final byte[] credentials)
        {
            checkNotConcluded();
            this.credentials = credentials.clone();
            return this;
        }

        /**
         * Connect with a token minted by the game's backend ({@link ConnectTokens#mint}); every frame the client
         * sends is then authenticated with the session key.
         *
         * @param token      the token, as minted.
         * @param sessionKey the 16-byte session key handed over with it.
         * @return this for a fluent API.
         */
        public Context connectToken(final byte[] token, final byte[] sessionKey)
        {
            checkNotConcluded();
            if (sessionKey.length != ConnectTokens.SESSION_KEY_LENGTH)
            {
                throw new IllegalArgumentException("session key must be 16 bytes");
            }
            this.credentials = token.clone();
            this.sessionKey = sessionKey.clone();
            return this;
        }

        /**
         * Ask the server to encrypt this session's frames both ways with AES-128-GCM, under a key derived per
         * connection from the session key and nonces of both sides. A server that cannot (no connect tokens)
         * rejects the connection with {@link DisconnectReason#ENCRYPTION_UNAVAILABLE}, and an accept that does not
         * grant it fails the connection the same way, so encryption is never silently dropped. Needs
         * {@link #connectToken(byte[], byte[])}.
         *
         * @param encrypt true to encrypt; default false (frames are authenticated, not encrypted).
         * @return this for a fluent API.
         */
        public Context payloadEncryption(final boolean encrypt)
        {
            checkNotConcluded();
            this.payloadEncryption = encrypt;
            return this;
        }

        /**
         * @param timeoutNs how long to keep asking after the server refused a new connect as
         *                  {@link DisconnectReason#SERVER_FULL} or {@link DisconnectReason#SERVER_BUSY}: the client
         *                  waits in {@link ClientState#WAITING_TO_RETRY} a backoff with jitter (250 ms doubling to
         *                  4 s, or the wait the server advises when that is longer, each 0.5 to 1.5 times its
         *                  step) and asks again, and reports
         *                  {@link ClientListener#onConnectRefused}. 0, the default, fails at once with the reason, so
         *                  that the game (or its matchmaker) can send the player to another server.
         * @return this for a fluent API.
         */
        public Context retryWhenRefusedNs(final long timeoutNs)
        {
            checkNotConcluded();
            this.retryWhenRefusedNs = timeoutNs;
            return this;
        }

        /**
         * @return how long to keep asking after a refusal as full or busy, 0 for not at all.
         */
        public long retryWhenRefusedNs()
        {
            return retryWhenRefusedNs;
        }

        /**
         * @param autoResume resume the session automatically after a timeout or transport loss (default true).
         * @return this for a fluent API.
         */
        public Context autoResume(final boolean autoResume)
        {
            checkNotConcluded();
            this.autoResume = autoResume;
            return this;
        }

        /**
         * Resume a session from an earlier process: its rooms and every event it missed come back.
         *
         * @param sessionId the session id saved from {@link GameClient#sessionId()}.
         * @param secret    the secret saved from {@link GameClient#resumeSecret()}.
         * @return this for a fluent API.
         */
        public Context resume(final int sessionId, final long secret)
        {
            checkNotConcluded();
            this.resumeSessionId = sessionId;
            this.resumeSecret = secret;
            return this;
        }

        /**
         * With {@link #resume(int, long)}: the last seq the earlier process delivered in a room, so nothing is
         * delivered twice across the restart.
         *
         * @param roomId          the room (0 for the direct lane).
         * @param lastDeliveredSeq saved from {@link GameClient#lastDeliveredSeq(int)}.
         * @return this for a fluent API.
         */
        public Context resumeRoom(final int roomId, final long lastDeliveredSeq)
        {
            checkNotConcluded();
            resumeRooms.put(roomId, lastDeliveredSeq);
            return this;
        }

        /**
         * @param count inputs per input packet (the newest plus earlier ones), 1 to 64; default 8.
         * @return this for a fluent API.
         */
        public Context inputRedundancy(final int count)
        {
            checkNotConcluded();
            this.inputRedundancy = count;
            return this;
        }

        /**
         * @param length largest input in bytes, default 128.
         * @return this for a fluent API.
         */
        public Context maxInputLength(final int length)
        {
            checkNotConcluded();
            this.maxInputLength = length;
            return this;
        }

        /**
         * Run a {@link TickClock} (see {@link GameClient#tickClock()}) for rooms ticking at this rate.
         *
         * @param hz the server rooms' tick rate, 0 (the default) for no tick clock.
         * @return this for a fluent API.
         */
        public Context tickRateHz(final int hz)
        {
            checkNotConcluded();
            this.tickRateHz = hz;
            return this;
        }

        /**
         * @param delayNs how far the tick clock's render time runs behind the newest snapshot's arrival, in
         *                nanoseconds; default two tick intervals.
         * @return this for a fluent API.
         */
        public Context renderDelayNs(final long delayNs)
        {
            checkNotConcluded();
            this.renderDelayNs = delayNs;
            return this;
        }

        /**
         * @param leadNs the least lead the tick clock aims for inputs to arrive at the server with, in nanoseconds;
         *               default 0 (one tick interval plus three times the measured variation is used when larger).
         * @return this for a fluent API.
         */
        public Context minInputLeadNs(final long leadNs)
        {
            checkNotConcluded();
            this.minInputLeadNs = leadNs;
            return this;
        }

        /**
         * @param count most out-of-order events held per room while a gap is replayed.
         * @return this for a fluent API.
         */
        public Context maxHeldEvents(final int count)
        {
            checkNotConcluded();
            this.maxHeldEvents = count;
            return this;
        }

        /**
         * @param timeoutNs how long to wait for a replay before asking again, in nanoseconds.
         * @return this for a fluent API.
         */
        public Context replayRequestTimeoutNs(final long timeoutNs)
        {
            checkNotConcluded();
            this.replayRequestTimeoutNs = timeoutNs;
            return this;
        }

        /**
         * Route every lane through an in-process {@link io.skirmish.engine.sim.UdpRelay} driven by this simulator
         * (latency, jitter, loss, duplication, reordering in both directions). Also enabled by the
         * {@code skirmish.sim.*} system properties.
         *
         * @param simulator the simulator, or null for a direct connection.
         * @return this for a fluent API.
         */
        public Context networkSimulator(final NetworkSimulator simulator)
        {
            checkNotConcluded();
            this.networkSimulator = simulator;
            return this;
        }
    }
}
