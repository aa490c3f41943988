package io.skirmish.benchmarks.load;

import io.aeron.driver.MediaDriver;
import io.skirmish.benchmarks.rig.AeronStack;
import io.skirmish.benchmarks.rig.CounterSizing;
import io.skirmish.benchmarks.rig.Errors;
import io.skirmish.engine.Profile;
import io.skirmish.engine.ThreadingMode;
import io.skirmish.engine.client.GameClient;
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * N {@link Bot}s in groups of {@code botsPerDriver} sharing a client-side embedded driver and Aeron client
 * ({@link AeronStack}, INVOKER), all driven by the thread calling {@link #poll(long, boolean)}: the way a bot host
 * runs many players cheaply. Connecting is a sliding window: at most {@code connectWindow} bots are connecting at a
 * time, the next launched as soon as one connects or gives up, a few per pass. Each pass gives every group's driver
 * duty cycles in a row while it finds work (up to {@code -DdrainLimit}, default 16: an invoked driver reads one
 * datagram per socket per cycle and all of a group's responses share one socket), polls a stripe of the clients (each
 * every {@code -DpollEveryPasses} passes, default 4: 250 Hz at a pass a millisecond, well above a game loop's frame
 * rate, at a quarter of the cost), and lets every bot join or send a due input.
 * Not thread-safe.
 */
final class BotFleet implements AutoCloseable
{
    /** Most duty cycles in a row of a group's driver in one pass, while it finds work. */
    private static final int DRAIN_LIMIT = Integer.getInteger("drainLimit", 16);
    /**
     * Bots launched per pass at most: a launch adds publications, which blocks this thread while the driver answers,
     * so launching a whole window at once would leave every other bot unpolled for that long.
     */
    private static final int LAUNCHES_PER_PASS = Integer.getInteger("launchesPerPass", 4);
    /** Each bot's client is polled every this many passes (4: 250 Hz at one pass a millisecond). */
    private static final int POLL_EVERY_PASSES = Integer.getInteger("pollEveryPasses", 4);
    private static final long CLIENT_CONNECT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);
    /** How long a bot that retries when refused keeps asking. */
    private static final long RETRY_REFUSED_NS = TimeUnit.MINUTES.toNanos(10);

    private final Bot[] bots;
    private final AeronStack[] stacks;
    private final int botsPerDriver;
    private final int connectWindow;
    private final String serverEndpoint;
    private final Profile profile;
    private final Errors errors;
    private final boolean retryRefused;
    private final UnsafeBuffer input = new UnsafeBuffer(BufferUtil.allocateDirectAligned(Bot.INPUT_LENGTH, 64));
    private int launched;
    private long passes;
    private int connected;
    private int joined;
    private int ended;
    private int answered;
    private long firstLaunchNs;
    private long allConnectedNs;
    private long allJoinedNs;

    /**
     * Launch the drivers; the bots are launched by {@link #poll(long, boolean)}.
     *
     * @param count          N.
     * @param scenario       spreads the bots over its rooms.
     * @param serverEndpoint {@code host:port} of the server's first request port.
     * @param botsPerDriver  bots per shared client-side driver.
     * @param connectWindow  most bots connecting at once.
     * @param profile        applied to every client context, and its driver settings to the shared drivers.
     * @param retryRefused   true when bots refused as full or busy ask again (with the client's backoff and
     *                       jitter) rather than give up; a refused bot no longer counts against the connect window.
     * @param errors         for the drivers and the clients.
     */
    BotFleet(
        final int count,
        final Scenario scenario,
        final String serverEndpoint,
        final int botsPerDriver,
        final int connectWindow,
        final Profile profile,
        final boolean retryRefused,
        final Errors errors)
    {
        this.botsPerDriver = botsPerDriver;
        this.retryRefused = retryRefused;
        this.connectWindow = connectWindow;
        this.serverEndpoint = serverEndpoint;
        this.profile = profile;
        this.errors = errors;
        bots = new Bot[count];
        final long phaseStepNs = TimeUnit.SECONDS.toNanos(1) / Scenario.TICK_RATE_HZ / Math.max(1, count);
        for (int i = 0; i < count; i++)
        {
            bots[i] = new Bot(scenario.roomOf(i), i * phaseStepNs);
        }
        stacks = new AeronStack[(count + botsPerDriver - 1) / botsPerDriver];
        final Consumer<MediaDriver.Context> driverSettings = new GameClient.Context().profile(profile)
            .driverSettings(null);
        final int counterValuesLength = CounterSizing.clientValuesLength(Math.min(count, botsPerDriver));
        try
        {
            for (int i = 0; i < stacks.length; i++)
            {
                stacks[i] = AeronStack.launch("load-bots-" + i, counterValuesLength, errors, driverSettings);
            }
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(stacks);
            throw ex;
        }
    }

    /**
     * One pass: launch bots while the connect window has room, then poll every launched bot (joining, inputs) with
     * its group's driver drained along the way, and count who is connected, joined and gone.
     *
     * @param nowNs      the loop's clock.
     * @param sendInputs true while the bots send inputs.
     * @return the bots' work count; the drivers' own work (heartbeats, status messages, datagrams that the bots then
     * count again) is not counted, as in {@link Profile#LARGE_SERVER}, so that an idle fleet is paced.
     */
    int poll(final long nowNs, final boolean sendInputs)
    {
        int work = launch(nowNs);
        int connectedNow = 0;
        int joinedNow = 0;
        int endedNow = 0;
        int answeredNow = 0;
        final Bot[] bots = this.bots;
        final long pass = passes++;
        for (int i = 0, n = launched; i < n; i++)
        {
            if (i % botsPerDriver == 0)
            {
                drain(stacks[i / botsPerDriver]);
            }
            final Bot bot = bots[i];
            if (null == bot.client())
            {
                endedNow++; // its launch failed
                continue;
            }
            if ((i + pass) % POLL_EVERY_PASSES == 0)
            {
                work += bot.poll(nowNs);
            }
            work += bot.act(nowNs, sendInputs, input);
            connectedNow += bot.isConnected() ? 1 : 0;
            joinedNow += bot.isJoined() ? 1 : 0;
            endedNow += bot.hasEnded() ? 1 : 0;
            answeredNow += bot.hasAnswer() ? 1 : 0;
        }
        for (int s = (launched + botsPerDriver - 1) / botsPerDriver; s < stacks.length; s++)
        {
            stacks[s].invoke(); // a driver whose bots are not launched yet still needs its duty cycles
        }
        connected = connectedNow;
        joined = joinedNow;
        ended = endedNow;
        answered = answeredNow;
        if (0 == allConnectedNs && launched == bots.length && connected == bots.length)
        {
            allConnectedNs = nowNs;
        }
        if (0 == allJoinedNs && launched == bots.length && joined == bots.length)
        {
            allJoinedNs = nowNs;
        }
        return work;
    }

    private int launch(final long nowNs)
    {
        int work = 0;
        final int settled = retryRefused ? answered : connected + ended;
        for (int i = 0; i < LAUNCHES_PER_PASS && launched < bots.length && launched - settled < connectWindow; i++)
        {
            if (0 == launched)
            {
                firstLaunchNs = nowNs;
            }
            final Bot bot = bots[launched];
            try
            {
                bot.client(GameClient.connect(new GameClient.Context()
                    .profile(profile)
                    .server(serverEndpoint)
                    .threadingMode(ThreadingMode.INVOKER)
                    .aeron(stacks[launched / botsPerDriver].aeron())
                    .connectTimeoutNs(CLIENT_CONNECT_TIMEOUT_NS)
                    .retryWhenRefusedNs(retryRefused ? RETRY_REFUSED_NS : 0)
                    .errorHandler(errors)
                    .listener(bot)), nowNs);
            }
            catch (final RuntimeException ex)
            {
                errors.onError(ex);
                ended++;
            }
            launched++;
            work++;
        }
        return work;
    }

    private static void drain(final AeronStack stack)
    {
        for (int i = 0; i < DRAIN_LIMIT; i++)
        {
            if (0 == stack.invoke())
            {
                break;
            }
        }
    }

    /**
     * @return true once every bot is launched and either joined its room or gave up; for bots that retry when
     * refused, once every one has been answered (refused, connected or gone).
     */
    boolean isSettled()
    {
        return launched == bots.length && (retryRefused ? answered >= bots.length : joined + ended >= bots.length);
    }

    /**
     * @param percentile from 0 to 100.
     * @return that percentile of the connected bots' times from launch to connected, in ms; -1 when none is.
     */
    double connectMs(final double percentile)
    {
        final long[] times = new long[bots.length];
        int n = 0;
        for (final Bot bot : bots)
        {
            if (bot.connectNs() >= 0)
            {
                times[n++] = bot.connectNs();
            }
        }
        if (0 == n)
        {
            return -1;
        }
        Arrays.sort(times, 0, n);
        return times[(int)Math.round(percentile / 100 * (n - 1))] / 1e6;
    }

    int count()
    {
        return bots.length;
    }

    Bot bot(final int index)
    {
        return bots[index];
    }

    int connected()
    {
        return connected;
    }

    int joined()
    {
        return joined;
    }

    int ended()
    {
        return ended;
    }

    /**
     * @param nowNs the loop's clock.
     * @return seconds from the first launch until all were connected (or until now when they are not).
     */
    double connectSeconds(final long nowNs)
    {
        return ((0 != allConnectedNs ? allConnectedNs : nowNs) - firstLaunchNs) / 1e9;
    }

    /**
     * @param nowNs the loop's clock.
     * @return seconds from the first launch until all had joined (or until now when they have not).
     */
    double joinSeconds(final long nowNs)
    {
        return ((0 != allJoinedNs ? allJoinedNs : nowNs) - firstLaunchNs) / 1e9;
    }

    /**
     * @return the shared drivers' Aeron directories.
     */
    String[] aeronDirectories()
    {
        final String[] directories = new String[stacks.length];
        for (int i = 0; i < stacks.length; i++)
        {
            directories[i] = stacks[i].driver().aeronDirectoryName();
        }
        return directories;
    }

    /**
     * Drop every bot without telling the server (nobody drives the shared drivers during close), then close the
     * drivers.
     */
    public void close()
    {
        for (final Bot bot : bots)
        {
            if (null != bot.client())
            {
                bot.client().abort();
            }
        }
        CloseHelper.quietCloseAll(stacks);
    }
}
