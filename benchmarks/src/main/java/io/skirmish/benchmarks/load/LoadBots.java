package io.skirmish.benchmarks.load;

import io.skirmish.benchmarks.rig.Errors;
import io.skirmish.engine.PacedIdleStrategy;
import io.skirmish.engine.Profile;
import org.agrona.concurrent.IdleStrategy;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The bots process: N INVOKER-mode clients in a {@link BotFleet} (groups sharing a client-side driver), all driven by
 * the main thread, which is paced to one pass a millisecond when the bots did little ({@link PacedIdleStrategy}: it
 * parks, never spins). Bots connect through a sliding window, join their {@link Scenario} room, and in a ticking
 * scenario send inputs at 30 Hz; in {@code idle} they send nothing after the join.
 * <p>
 * Prints {@code @CONNECTED} when every bot has joined or given up, or after {@code -DconnectLimit} seconds, with the
 * connect time (first connect started to all connected). Then follows {@link CommandQueue} commands: {@code measure}
 * starts the window, {@code stop} ends it, {@code report} prints the {@code @RESULT} line, {@code sample} a
 * {@code @SAMPLE} line (each joined bot's snapshots per second since the previous sample, and the refusals so far),
 * {@code exit} closes. With {@code -DretryRefused=true} bots refused as full or busy ask again with the client's
 * backoff and jitter, and {@code @CONNECTED} comes once each has had an answer.
 * Results: snapshots per client per second over the window (mean over all N, the 5th-percentile client and the
 * lowest), room events received and the seq check (missing, duplicated, out of order, resynced), inputs sent per
 * second, this process's CPU over the window as a percentage of its core (from {@code /proc/self/stat}), and the
 * longest pass over all bots (connect phase, window): a long one means the bots themselves stalled.
 * <pre>
 * java --add-opens java.base/jdk.internal.misc=ALL-UNNAMED -Dscenario=A -Dclients=100 -Dserver=127.0.0.1:40123 \
 *     -Dprofile=large -cp benchmarks/target/benchmarks.jar io.skirmish.benchmarks.load.LoadBots
 * </pre>
 * System properties: see {@link LoadProperties}; {@code -Dserver} is the server's {@code host:port} (default
 * {@code 127.0.0.1:} and {@code -Dport}).
 */
public final class LoadBots
{
    private static final long PASS_PERIOD_NS = TimeUnit.MICROSECONDS.toNanos(Long.getLong("passPeriodUs", 1000));
    private static final int PASS_AGAIN_WORK = 64;

    private final BotFleet fleet;
    private final Scenario scenario;
    private final Errors errors;
    private final Report result = new Report("@RESULT");
    private long windowStartNs;
    private long cpuStartTicks;
    private long inputsStart;
    private long maxPassNs;
    private long sampleNs;

    private LoadBots(final BotFleet fleet, final Scenario scenario, final Errors errors)
    {
        this.fleet = fleet;
        this.scenario = scenario;
        this.errors = errors;
    }

    /**
     * Run the bots until {@code exit} or the end of standard input.
     *
     * @param args none.
     */
    public static void main(final String[] args)
    {
        final Scenario scenario = LoadProperties.scenario();
        final int clients = LoadProperties.clients();
        final Profile profile = LoadProperties.profile();
        final String server = System.getProperty("server", "127.0.0.1:" + LoadProperties.port());
        final Errors errors = new Errors("load-bots");
        final CommandQueue commands = CommandQueue.fromStdin();
        try (BotFleet fleet = new BotFleet(clients, scenario, server, LoadProperties.botsPerDriver(),
            LoadProperties.connectWindow(), profile, LoadProperties.retryRefused(), errors))
        {
            new LoadBots(fleet, scenario, errors).run(commands);
        }
    }

    private void run(final CommandQueue commands)
    {
        final IdleStrategy idle = new PacedIdleStrategy(PASS_PERIOD_NS, PASS_AGAIN_WORK);
        final long startNs = System.nanoTime();
        final long connectLimitNs = TimeUnit.SECONDS.toNanos(LoadProperties.connectLimitSeconds());
        final boolean sendInputs = scenario.ticking();
        boolean connectReported = false;
        while (true)
        {
            final long nowNs = System.nanoTime();
            final int work = fleet.poll(nowNs, sendInputs);
            final long passNs = System.nanoTime() - nowNs;
            if (passNs > maxPassNs)
            {
                maxPassNs = passNs;
            }
            if (!connectReported && (fleet.isSettled() || nowNs - startNs > connectLimitNs))
            {
                connectReported = true;
                System.out.println(new Report("@CONNECTED")
                    .put("clients", fleet.count())
                    .put("connected", fleet.connected())
                    .put("joined", fleet.joined())
                    .put("ended", fleet.ended())
                    .put("refusedFull", refusedFull())
                    .put("refusedBusy", refusedBusy())
                    .put("connectS", fleet.connectSeconds(nowNs))
                    .put("joinS", fleet.joinSeconds(nowNs))
                    .put("oneConnectP50Ms", fleet.connectMs(50))
                    .put("oneConnectMaxMs", fleet.connectMs(100))
                    .put("maxPassMs", maxPassNs / 1e6));
                maxPassNs = 0;
                System.out.flush();
            }
            final String command = commands.poll();
            if (null != command)
            {
                switch (command)
                {
                    case CommandQueue.MEASURE:
                        startWindow();
                        break;
                    case CommandQueue.STOP:
                        endWindow();
                        break;
                    case CommandQueue.REPORT:
                        report(nowNs);
                        break;
                    case CommandQueue.SAMPLE:
                        sample(nowNs);
                        break;
                    case CommandQueue.EXIT:
                        return;
                    default:
                        System.out.println("unknown command: " + command);
                }
                System.out.flush();
            }
            idle.idle(work);
        }
    }

    private long refusedFull()
    {
        long refused = 0;
        for (int i = 0, n = fleet.count(); i < n; i++)
        {
            refused += fleet.bot(i).refusedFull();
        }
        return refused;
    }

    private long refusedBusy()
    {
        long refused = 0;
        for (int i = 0, n = fleet.count(); i < n; i++)
        {
            refused += fleet.bot(i).refusedBusy();
        }
        return refused;
    }

    /**
     * Snapshots per second of each joined bot since the previous sample: mean, 5th percentile and lowest.
     */
    private void sample(final long nowNs)
    {
        final double seconds = (nowNs - sampleNs) / 1e9;
        final double[] rates = new double[fleet.count()];
        int n = 0;
        double sum = 0;
        for (int i = 0; i < rates.length; i++)
        {
            final Bot bot = fleet.bot(i);
            final long snapshots = bot.snapshotsSinceSample();
            if (bot.isJoined())
            {
                rates[n] = snapshots / seconds;
                sum += rates[n++];
            }
        }
        Arrays.sort(rates, 0, n);
        System.out.println(new Report("@SAMPLE")
            .put("joined", n)
            .put("connected", fleet.connected())
            .put("snapMean", 0 == n || 0 == sampleNs ? -1 : sum / n)
            .put("snapP5", 0 == n || 0 == sampleNs ? -1 : rates[(int)Math.floor(0.05 * (n - 1))])
            .put("snapMin", 0 == n || 0 == sampleNs ? -1 : rates[0])
            .put("refusedFull", refusedFull())
            .put("refusedBusy", refusedBusy()));
        sampleNs = nowNs;
    }

    private long inputsSent()
    {
        long inputs = 0;
        for (int i = 0, n = fleet.count(); i < n; i++)
        {
            inputs += fleet.bot(i).inputsSent();
        }
        return inputs;
    }

    private void startWindow()
    {
        for (int i = 0, n = fleet.count(); i < n; i++)
        {
            fleet.bot(i).markWindowStart();
        }
        inputsStart = inputsSent();
        maxPassNs = 0;
        cpuStartTicks = ProcessCpu.ticks();
        windowStartNs = System.nanoTime();
    }

    private void endWindow()
    {
        final long windowNs = System.nanoTime() - windowStartNs;
        final long cpuTicks = ProcessCpu.ticks();
        final double seconds = windowNs / 1e9;
        final int count = fleet.count();
        final double[] rates = new double[count];
        double sum = 0;
        for (int i = 0; i < count; i++)
        {
            rates[i] = fleet.bot(i).snapshotsSinceWindowStart() / seconds;
            sum += rates[i];
        }
        Arrays.sort(rates);
        result
            .put("windowS", seconds)
            .put("cpuPct", ProcessCpu.percentOfCore(cpuStartTicks, cpuTicks, windowNs))
            .put("snapMean", sum / count)
            .put("snapP5", rates[(int)Math.floor(0.05 * (count - 1))])
            .put("snapMin", rates[0])
            .put("inputsPerS", (inputsSent() - inputsStart) / seconds)
            .put("maxPassMs", maxPassNs / 1e6);
    }

    private void report(final long nowNs)
    {
        long events = 0;
        long missing = 0;
        long duplicated = 0;
        long outOfOrder = 0;
        long resynced = 0;
        long inputsDropped = 0;
        long connectionsLost = 0;
        long resumes = 0;
        for (int i = 0, n = fleet.count(); i < n; i++)
        {
            final Bot bot = fleet.bot(i);
            events += bot.events();
            missing += bot.seqCheck().missing();
            duplicated += bot.seqCheck().duplicated();
            outOfOrder += bot.seqCheck().outOfOrder();
            resynced += bot.seqCheck().resynced();
            inputsDropped += bot.inputsDropped();
            connectionsLost += bot.connectionsLost();
            resumes += bot.resumes();
        }
        final long shmBytes = ShmUsage.bytesUsed(fleet.aeronDirectories());
        final Runtime runtime = Runtime.getRuntime();
        result
            .put("connected", fleet.connected())
            .put("joined", fleet.joined())
            .put("ended", fleet.ended())
            .put("connectS", fleet.connectSeconds(nowNs))
            .put("eventsReceived", events)
            .put("seqMissing", missing)
            .put("duplicated", duplicated)
            .put("outOfOrder", outOfOrder)
            .put("resynced", resynced)
            .put("inputsDropped", inputsDropped)
            .put("connectionsLost", connectionsLost)
            .put("resumes", resumes)
            .put("refusedFull", refusedFull())
            .put("refusedBusy", refusedBusy())
            .put("drivers", fleet.aeronDirectories().length)
            .put("shmBytes", shmBytes)
            .put("heapUsedMiB", (runtime.totalMemory() - runtime.freeMemory()) >> 20)
            .put("errors", errors.count());
        System.out.println(result);
    }
}
