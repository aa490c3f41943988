package io.skirmish.engine;

import io.aeron.Aeron;
import io.aeron.driver.Configuration;
import io.aeron.driver.MediaDriver;
import io.skirmish.engine.codec.DeltaCodec;
import io.skirmish.engine.codec.MessageRegistry;
import io.skirmish.engine.codec.XorRleDeltaCodec;
import org.agrona.ErrorHandler;
import org.agrona.SystemUtil;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What the server's and the client's {@code Context} share, as Aeron's contexts share {@code CommonContext}: the
 * threading, clock and error handling, the media driver and Aeron client, the message registry and the lanes' sizes.
 * Fluent setters return the concrete context; {@link #conclude()} fills in the defaults and freezes it, once.
 *
 * @param <T> the concrete context.
 */
public abstract class CommonContext<T extends CommonContext<T>>
{
    /** Term length of the lanes' publications, default 64 KiB. */
    public static final String TERM_LENGTH_PROP_NAME = "skirmish.term.length";

    private boolean concluded;
    private ThreadingMode threadingMode;
    private IdleStrategy idleStrategy;
    private IdleStrategy driverIdleStrategy;
    private NanoClock nanoClock = SystemNanoClock.INSTANCE;
    private ErrorHandler errorHandler;
    private MessageRegistry messageRegistry;
    private String aeronDirectoryName;
    private boolean embeddedMediaDriver;
    private Aeron aeron;
    private Consumer<MediaDriver.Context> driverCustomizer;
    private long connectTimeoutNs = TimeUnit.SECONDS.toNanos(5);
    private int maxMessageLength = 8 * 1024;
    private int termLength = Integer.getInteger(TERM_LENGTH_PROP_NAME, 64 * 1024);
    private int mtuLength = 1408;
    private int maxSnapshotLength = 64 * 1024;
    private int snapshotWindow = 32;
    private DeltaCodec deltaCodec;
    private int fragmentLimit = 256;
    private int dutyCyclesPerPoll = 64;
    private Profile profile = Profile.LOW_LATENCY;
    private long statusMessageTimeoutNs;
    private boolean driverWorkCounted = true;

    /**
     * @param threadingMode      the side's default threading mode.
     * @param aeronDirectoryName the side's default Aeron directory (an external driver when not null).
     */
    protected CommonContext(final ThreadingMode threadingMode, final String aeronDirectoryName)
    {
        this.threadingMode = threadingMode;
        this.aeronDirectoryName = aeronDirectoryName;
        this.embeddedMediaDriver = null == aeronDirectoryName;
    }

    /**
     * The default idle strategy for small machines: spin briefly, yield, then park up to 100 µs; or one of Aeron's
     * by alias.
     *
     * @param alias an Aeron idle strategy alias or class name ({@code backoff}, {@code yield}, ...), or null.
     * @return the strategy.
     */
    public static IdleStrategy newIdleStrategy(final String alias)
    {
        if (null == alias || alias.isEmpty())
        {
            return new BackoffIdleStrategy(
                10, 20, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MICROSECONDS.toNanos(100));
        }
        return Configuration.agentIdleStrategy(alias, null);
    }

    /**
     * @param propName     a system property holding a duration such as {@code 500ms} or {@code 5s}.
     * @param defaultValue used when the property is not set.
     * @return the duration in nanoseconds.
     */
    public static long durationNs(final String propName, final String defaultValue)
    {
        return SystemUtil.parseDuration(propName, System.getProperty(propName, defaultValue));
    }

    /**
     * Fill in the defaults and freeze. Called by {@code launch} or {@code connect}; once only.
     *
     * @return this.
     * @throws IllegalStateException    when already concluded.
     * @throws IllegalArgumentException when a setting is invalid.
     */
    public T conclude()
    {
        if (concluded)
        {
            throw new IllegalStateException("Context already concluded");
        }
        concluded = true;
        if (null == idleStrategy)
        {
            idleStrategy = newIdleStrategy(null);
        }
        if (null == driverIdleStrategy)
        {
            driverIdleStrategy = newIdleStrategy(null);
        }
        if (null == errorHandler)
        {
            errorHandler = Throwable::printStackTrace;
        }
        if (null == messageRegistry)
        {
            messageRegistry = new MessageRegistry();
        }
        messageRegistry.freeze();
        if (null == deltaCodec)
        {
            deltaCodec = XorRleDeltaCodec.INSTANCE;
        }
        if (statusMessageTimeoutNs < 0)
        {
            throw new IllegalArgumentException("statusMessageTimeoutNs must not be negative: " + statusMessageTimeoutNs);
        }
        if (dutyCyclesPerPoll < 1)
        {
            throw new IllegalArgumentException("dutyCyclesPerPoll must be positive: " + dutyCyclesPerPoll);
        }
        if (maxSnapshotLength < 1)
        {
            throw new IllegalArgumentException("maxSnapshotLength must be positive: " + maxSnapshotLength);
        }
        if (Integer.bitCount(termLength) != 1 || termLength < 64 * 1024)
        {
            throw new IllegalArgumentException("termLength must be a power of two >= 64 KiB: " + termLength);
        }
        if (maxMessageLength < 64 || maxMessageLength + 64 > termLength / 4)
        {
            throw new IllegalArgumentException(
                "maxMessageLength must be in [64, termLength / 4 - 64]: " + maxMessageLength);
        }
        return self();
    }

    /**
     * @return true once concluded.
     */
    public boolean isConcluded()
    {
        return concluded;
    }

    /**
     * @throws IllegalStateException when concluded.
     */
    protected void checkNotConcluded()
    {
        if (concluded)
        {
            throw new IllegalStateException("Context is concluded and can no longer be changed");
        }
    }

    @SuppressWarnings("unchecked")
    private T self()
    {
        return (T)this;
    }

    /**
     * @param mode who runs the duty cycle.
     * @return this for a fluent API.
     */
    public T threadingMode(final ThreadingMode mode)
    {
        checkNotConcluded();
        this.threadingMode = mode;
        return self();
    }

    /**
     * @return who runs the duty cycle.
     */
    public ThreadingMode threadingMode()
    {
        return threadingMode;
    }

    /**
     * @param idleStrategy of the engine thread when it has no work (not used in INVOKER mode).
     * @return this for a fluent API.
     */
    public T idleStrategy(final IdleStrategy idleStrategy)
    {
        checkNotConcluded();
        this.idleStrategy = idleStrategy;
        return self();
    }

    /**
     * @return the engine thread's idle strategy.
     */
    public IdleStrategy idleStrategy()
    {
        return idleStrategy;
    }

    /**
     * @param idleStrategy of the embedded driver's own thread in DEDICATED mode.
     * @return this for a fluent API.
     */
    public T driverIdleStrategy(final IdleStrategy idleStrategy)
    {
        checkNotConcluded();
        this.driverIdleStrategy = idleStrategy;
        return self();
    }

    /**
     * @return the embedded driver thread's idle strategy.
     */
    public IdleStrategy driverIdleStrategy()
    {
        return driverIdleStrategy;
    }

    /**
     * @param clock read once per duty cycle; tests inject their own.
     * @return this for a fluent API.
     */
    public T nanoClock(final NanoClock clock)
    {
        checkNotConcluded();
        this.nanoClock = clock;
        return self();
    }

    /**
     * @return the clock.
     */
    public NanoClock nanoClock()
    {
        return nanoClock;
    }

    /**
     * @param errorHandler receives every unexpected error (also counted); default prints the stack trace.
     * @return this for a fluent API.
     */
    public T errorHandler(final ErrorHandler errorHandler)
    {
        checkNotConcluded();
        this.errorHandler = errorHandler;
        return self();
    }

    /**
     * @return the error handler.
     */
    public ErrorHandler errorHandler()
    {
        return errorHandler;
    }

    /**
     * @param registry the game's registered message types, the same on both sides.
     * @return this for a fluent API.
     */
    public T messageRegistry(final MessageRegistry registry)
    {
        checkNotConcluded();
        this.messageRegistry = registry;
        return self();
    }

    /**
     * @return the message registry.
     */
    public MessageRegistry messageRegistry()
    {
        return messageRegistry;
    }

    /**
     * @param dirName Aeron directory: of the external driver, or of the embedded driver (random by default).
     * @return this for a fluent API.
     */
    public T aeronDirectoryName(final String dirName)
    {
        checkNotConcluded();
        this.aeronDirectoryName = dirName;
        return self();
    }

    /**
     * @return the Aeron directory name, or null for a random one.
     */
    public String aeronDirectoryName()
    {
        return aeronDirectoryName;
    }

    /**
     * @param embedded true (default) to launch an embedded media driver; false to attach to an external driver at
     *                 {@link #aeronDirectoryName(String)}.
     * @return this for a fluent API.
     */
    public T embeddedMediaDriver(final boolean embedded)
    {
        checkNotConcluded();
        this.embeddedMediaDriver = embedded;
        return self();
    }

    /**
     * @return true when an embedded driver is launched.
     */
    public boolean embeddedMediaDriver()
    {
        return embeddedMediaDriver;
    }

    /**
     * @param aeron an existing Aeron client to share (not closed by the engine); overrides the driver settings.
     * @return this for a fluent API.
     */
    public T aeron(final Aeron aeron)
    {
        checkNotConcluded();
        this.aeron = aeron;
        return self();
    }

    /**
     * @return the shared Aeron client, or null.
     */
    public Aeron aeron()
    {
        return aeron;
    }

    /**
     * @param customizer applied to the embedded driver's context just before launch: loss generators,
     *                   {@code streamSessionLimit}, socket buffers.
     * @return this for a fluent API.
     */
    public T driverCustomizer(final Consumer<MediaDriver.Context> customizer)
    {
        checkNotConcluded();
        this.driverCustomizer = customizer;
        return self();
    }

    /**
     * @return the driver customizer, or null.
     */
    public Consumer<MediaDriver.Context> driverCustomizer()
    {
        return driverCustomizer;
    }

    /**
     * @param timeoutNs how long a handshake may take, in nanoseconds.
     * @return this for a fluent API.
     */
    public T connectTimeoutNs(final long timeoutNs)
    {
        checkNotConcluded();
        this.connectTimeoutNs = timeoutNs;
        return self();
    }

    /**
     * @return how long a handshake may take, in nanoseconds.
     */
    public long connectTimeoutNs()
    {
        return connectTimeoutNs;
    }

    /**
     * @param length largest reliable payload in bytes; a client uses the smaller of its own and the server's.
     * @return this for a fluent API.
     */
    public T maxMessageLength(final int length)
    {
        checkNotConcluded();
        this.maxMessageLength = length;
        return self();
    }

    /**
     * @return largest reliable payload in bytes.
     */
    public int maxMessageLength()
    {
        return maxMessageLength;
    }

    /**
     * @param length term length of this side's lane publication (the client's upstream, the server's downstream of
     *               each client), a power of two of at least 64 KiB, default 64 KiB. Flow control lets a quarter to a
     *               half of it be in flight; a frame longer than a datagram goes as chunks that must fit in that window
     *               at once, so {@code maxMessageLength} is at most a quarter of it.
     * @return this for a fluent API.
     */
    public T termLength(final int length)
    {
        checkNotConcluded();
        this.termLength = length;
        return self();
    }

    /**
     * @return term length of the lane publication.
     */
    public int termLength()
    {
        return termLength;
    }

    /**
     * @param length MTU of this side's publications (datagram size), default 1408.
     * @return this for a fluent API.
     */
    public T mtuLength(final int length)
    {
        checkNotConcluded();
        this.mtuLength = length;
        return self();
    }

    /**
     * @return MTU of this side's publications.
     */
    public int mtuLength()
    {
        return mtuLength;
    }

    /**
     * @param length largest snapshot state in bytes, default 64 KiB.
     * @return this for a fluent API.
     */
    public T maxSnapshotLength(final int length)
    {
        checkNotConcluded();
        this.maxSnapshotLength = length;
        return self();
    }

    /**
     * @return largest snapshot state in bytes.
     */
    public int maxSnapshotLength()
    {
        return maxSnapshotLength;
    }

    /**
     * @param ticks how many snapshot states are kept as delta baselines, default 32: on the server per member (or
     *              per room for shared snapshots), on the client per room, where it should be at least the
     *              server's.
     * @return this for a fluent API.
     */
    public T snapshotWindow(final int ticks)
    {
        checkNotConcluded();
        this.snapshotWindow = ticks;
        return self();
    }

    /**
     * @return how many snapshot states are kept as delta baselines.
     */
    public int snapshotWindow()
    {
        return snapshotWindow;
    }

    /**
     * @param codec encodes and decodes snapshot deltas; default {@link XorRleDeltaCodec}. Both sides must agree.
     * @return this for a fluent API.
     */
    public T deltaCodec(final DeltaCodec codec)
    {
        checkNotConcluded();
        this.deltaCodec = codec;
        return self();
    }

    /**
     * @return the delta codec.
     */
    public DeltaCodec deltaCodec()
    {
        return deltaCodec;
    }

    /**
     * @param limit most fragments read per lane per duty cycle.
     * @return this for a fluent API.
     */
    public T fragmentLimit(final int limit)
    {
        checkNotConcluded();
        this.fragmentLimit = limit;
        return self();
    }

    /**
     * @return most fragments read per lane per duty cycle.
     */
    public int fragmentLimit()
    {
        return fragmentLimit;
    }

    /**
     * @param cycles most duty cycles one {@code poll()} runs in {@link ThreadingMode#INVOKER} mode while they find
     *               work, default 64. An invoked media driver reads one datagram per socket per cycle, so this is how
     *               many datagrams per lane one poll can drain: with the default, a game loop polling at 20 Hz keeps up
     *               with well over a thousand datagrams a second per lane. A poll less than a millisecond after the
     *               last one runs a single cycle whatever this says.
     * @return this for a fluent API.
     */
    public T dutyCyclesPerPoll(final int cycles)
    {
        checkNotConcluded();
        this.dutyCyclesPerPoll = cycles;
        return self();
    }

    /**
     * @return most duty cycles one {@code poll()} runs.
     */
    public int dutyCyclesPerPoll()
    {
        return dutyCyclesPerPoll;
    }

    /**
     * Apply a {@link Profile}: it sets the idle strategies, whether Aeron's own work counts, the status-message
     * interval and (on a server) the port pairs; setters called afterwards override it.
     *
     * @param profile the kind of deployment.
     * @return this for a fluent API.
     */
    public T profile(final Profile profile)
    {
        checkNotConcluded();
        this.profile = profile;
        if (Profile.LARGE_SERVER == profile)
        {
            final long periodNs = TimeUnit.MICROSECONDS.toNanos(Profile.LARGE_SERVER_CYCLE_PERIOD_US);
            idleStrategy = new PacedIdleStrategy(periodNs, Profile.LARGE_SERVER_LOOP_AGAIN_WORK);
            driverIdleStrategy = new PacedIdleStrategy(periodNs, 1);
            driverWorkCounted = false;
            statusMessageTimeoutNs = TimeUnit.MILLISECONDS.toNanos(Profile.LARGE_SERVER_STATUS_MESSAGE_MS);
        }
        else
        {
            idleStrategy = null;
            driverIdleStrategy = null;
            driverWorkCounted = true;
            statusMessageTimeoutNs = 0;
        }
        return self();
    }

    /**
     * @return the profile last applied.
     */
    public Profile profile()
    {
        return profile;
    }

    /**
     * Status-message interval of an embedded driver's images: how often a receiver tells a sender its position and
     * window. Aeron's default (0 here) is 200 ms; {@link Profile#LARGE_SERVER} uses 500 ms, since the lanes are
     * unreliable at the Aeron level and a status message per image is a datagram per client.
     *
     * @param timeoutNs the interval, or 0 for Aeron's default.
     * @return this for a fluent API.
     */
    public T statusMessageTimeoutNs(final long timeoutNs)
    {
        checkNotConcluded();
        this.statusMessageTimeoutNs = timeoutNs;
        return self();
    }

    /**
     * @return status-message interval of an embedded driver, 0 for Aeron's default.
     */
    public long statusMessageTimeoutNs()
    {
        return statusMessageTimeoutNs;
    }

    /**
     * Whether the work an invoked media driver and Aeron client did in a duty cycle counts towards the cycle's work
     * count, which the idle strategy is fed. Counted by default, so the cycle runs again at once after anything;
     * {@link Profile#LARGE_SERVER} does not count it, so that heartbeats and status messages of many idle clients
     * do not keep the cycle spinning (what a datagram brings is counted when the engine reads it).
     *
     * @param counted true to count it.
     * @return this for a fluent API.
     */
    public T driverWorkCounted(final boolean counted)
    {
        checkNotConcluded();
        this.driverWorkCounted = counted;
        return self();
    }

    /**
     * @return whether the invoked driver's and Aeron client's work counts.
     */
    public boolean driverWorkCounted()
    {
        return driverWorkCounted;
    }

    /**
     * @param userCustomizer applied last, or null.
     * @return what an embedded driver's context gets from this context: the status-message interval, then the
     * game's customizer.
     */
    public Consumer<MediaDriver.Context> driverSettings(final Consumer<MediaDriver.Context> userCustomizer)
    {
        final long smTimeoutNs = statusMessageTimeoutNs;
        return (driverCtx) ->
        {
            if (smTimeoutNs > 0)
            {
                driverCtx.statusMessageTimeoutNs(smTimeoutNs);
            }
            if (null != userCustomizer)
            {
                userCustomizer.accept(driverCtx);
            }
        };
    }
}
