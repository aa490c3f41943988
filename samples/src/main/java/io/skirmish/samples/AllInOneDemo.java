package io.skirmish.samples;

import io.skirmish.engine.client.GameClient;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.ThreadingMode;
import io.skirmish.engine.sim.NetworkSimulator;
import io.skirmish.samples.arena.ArenaServer;
import io.skirmish.samples.bots.BotFleet;
import io.skirmish.samples.bots.BotSummary;
import io.skirmish.samples.client.ArenaClient;
import io.skirmish.samples.client.ClientStats;
import org.agrona.CloseHelper;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SystemNanoClock;

import java.awt.GraphicsEnvironment;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Scenario: everything in one process, the demo's default. A game server with an embedded media driver, a fleet
 * of bots (some behind simulated latency and loss), and, when there is a display, a window with a player of your
 * own; without a display, a text dashboard for a while (20 s by default), then the bots' delivery summary.
 * <pre>
 *   java -jar skirmish-demo.jar [--bots 6] [--arenas 2] [--port 40123] [--duration S] [--headless]
 * </pre>
 * The exit code is 0 when every bot was delivered every event of its rooms exactly once and in order.
 */
public final class AllInOneDemo
{
    private AllInOneDemo()
    {
    }

    /**
     * Run the demo.
     *
     * @param args options.
     */
    public static void main(final String[] args)
    {
        System.exit(run(CommandLine.parse(args, "headless")));
    }

    /**
     * @param line the parsed command line.
     * @return exit code.
     */
    public static int run(final CommandLine line)
    {
        final boolean headless = line.flag("headless") || GraphicsEnvironment.isHeadless();
        final int botCount = line.intValue("bots", SampleConfiguration.BOTS);
        final int arenas = line.intValue("arenas", SampleConfiguration.ARENAS);
        final int tickRate = line.intValue("tick-rate", SampleConfiguration.TICK_RATE_HZ);
        final long durationNs = line.durationNs(
            "duration", headless ? SampleConfiguration.HEADLESS_DURATION_NS : Long.MAX_VALUE);
        final int requestedPort = line.intValue("port", 0);
        line.checkAllUsed();

        final ArenaServer game = new ArenaServer(arenas, tickRate, SampleConfiguration.SEED);
        final Shutdown shutdown = Shutdown.register();
        GameServer server = null;
        BotFleet fleet = null;
        PlayerRunner player = null;
        final BotSummary summary;
        try
        {
            server = launchServer(game, requestedPort);
            final String address = "127.0.0.1:" + server.context().port();
            fleet = new BotFleet(new BotFleet.Settings()
                .server(address)
                .count(botCount)
                .arenaCount(arenas)
                .inputRateHz(tickRate)
                .emitRatePerSecond(SampleConfiguration.EMIT_RATE)
                .hopIntervalNs(SampleConfiguration.HOP_INTERVAL_NS)
                .sharedDriver(botCount >= SampleConfiguration.SHARED_DRIVER_MIN_BOTS)
                .seed(SampleConfiguration.SEED)
                .durationNs(durationNs)
                .drainTimeoutNs(TimeUnit.SECONDS.toNanos(5))
                .simulators(demoNetworks(botCount))
                .chatLogBots(headless ? 1 : 0),
                SystemNanoClock.INSTANCE);

            System.out.printf("Skirmish demo: server on %s (embedded media driver), %d bots (%s), %d arenas at %d Hz%n",
                address, botCount, fleet.isSharedDriver() ? "one shared driver" : "a driver each", arenas, tickRate);
            if (headless)
            {
                System.out.printf("no display: text dashboard every %d s for %d s%n%n",
                    TimeUnit.NANOSECONDS.toSeconds(SampleConfiguration.DASHBOARD_INTERVAL_NS),
                    TimeUnit.NANOSECONDS.toSeconds(durationNs));
            }
            else
            {
                player = new PlayerRunner(new ArenaClient(
                    new GameClient.Context()
                        .server(address)
                        .networkSimulator(new NetworkSimulator(SampleConfiguration.SEED)
                            .latencyMs(30).jitterMs(5).lossPercent(1)),
                    new ArenaClient.Options()
                        .name("you")
                        .seed(SampleConfiguration.SEED)
                        .inputRateHz(tickRate)
                        .publishFrames(true)
                        .keepChatLog(true),
                    SystemNanoClock.INSTANCE));
                final List<ArenaClient> bots = fleet.players();
                player.openWindow("Skirmish demo - server " + address + ", " + botCount + " bots",
                    arenas, game, () -> statsOf(bots), shutdown::request);
            }

            final TextDashboard dashboard = new TextDashboard(System.out);
            final IdleStrategy idle = SampleConfiguration.idleStrategy();
            final long startNs = System.nanoTime();
            long nextDashboardNs = startNs + SampleConfiguration.DASHBOARD_INTERVAL_NS;
            while (!fleet.isDone())
            {
                if (shutdown.isRequested())
                {
                    fleet.stop();
                }
                final int work = fleet.doWork();
                final long nowNs = System.nanoTime();
                if (headless && nowNs - nextDashboardNs >= 0)
                {
                    nextDashboardNs = nowNs + SampleConfiguration.DASHBOARD_INTERVAL_NS;
                    dashboard.print(String.format("Skirmish demo: %.0f s of %d s", (nowNs - startNs) / 1e9,
                        TimeUnit.NANOSECONDS.toSeconds(durationNs)), game, server, fleet.players(),
                        fleet.players().get(0));
                }
                idle.idle(work);
            }
            summary = fleet.summary();
            if (headless)
            {
                dashboard.print("Skirmish demo: final", game, server, fleet.players(), fleet.players().get(0));
            }
        }
        finally
        {
            CloseHelper.quietCloseAll(player, fleet, server);
            shutdown.done();
        }

        System.out.println("bots summary: " + summary.toJson());
        System.out.println(summary.isClean() ?
            "every bot was delivered every event of its rooms exactly once, in order" :
            "PROBLEMS: " + summary.problems());
        return summary.isClean() ? 0 : 1;
    }

    /**
     * Launch the server on loopback: on the port asked for, or on the first free pair from the configured port
     * (trying the next pair if another process takes it between the check and the bind).
     */
    private static GameServer launchServer(final ArenaServer game, final int requestedPort)
    {
        int port = requestedPort > 0 ? requestedPort : freePortPair(SampleConfiguration.PORT);
        for (int attempt = 1; ; attempt++)
        {
            final AtomicBoolean launched = new AtomicBoolean();
            try
            {
                final GameServer server = GameServer.launch(new GameServer.Context()
                    .bindAddress("127.0.0.1")
                    .port(port)
                    .threadingMode(ThreadingMode.SHARED)
                    .idleStrategy(SampleConfiguration.idleStrategy())
                    .errorHandler((t) ->
                    {
                        if (launched.get() || !isAddressInUse(t))
                        {
                            t.printStackTrace();
                        }
                    })
                    .listener(game));
                launched.set(true);
                return server;
            }
            catch (final RuntimeException ex)
            {
                if (requestedPort > 0 || attempt >= 10 || !isAddressInUse(ex))
                {
                    throw ex;
                }
                port = freePortPair(port + 2);
            }
        }
    }

    private static boolean isAddressInUse(final Throwable error)
    {
        for (Throwable t = error; null != t; t = t.getCause())
        {
            if (t instanceof java.net.BindException ||
                (null != t.getMessage() && t.getMessage().contains("Address already in use")))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * A mix of network conditions for the demo's bots: some direct, some with latency, jitter and loss.
     *
     * @param count number of bots.
     * @return a simulator (or null for direct) per bot.
     */
    static NetworkSimulator[] demoNetworks(final int count)
    {
        final NetworkSimulator[] simulators = new NetworkSimulator[count];
        for (int i = 0; i < count; i++)
        {
            final long seed = SampleConfiguration.SEED + i;
            switch (i % 6)
            {
                case 1:
                    simulators[i] = new NetworkSimulator(seed).latencyMs(25).jitterMs(5);
                    break;
                case 2:
                    simulators[i] = new NetworkSimulator(seed).latencyMs(60).jitterMs(15).lossPercent(2);
                    break;
                case 3:
                    simulators[i] = new NetworkSimulator(seed).latencyMs(15).jitterMs(3).lossPercent(1)
                        .duplicatePercent(1).reorderPercent(1);
                    break;
                case 5:
                    simulators[i] = new NetworkSimulator(seed).latencyMs(40).jitterMs(10).lossPercent(5);
                    break;
                default:
                    simulators[i] = null;
                    break;
            }
        }
        return simulators;
    }

    private static List<ClientStats> statsOf(final List<ArenaClient> players)
    {
        final List<ClientStats> stats = new ArrayList<>(players.size());
        for (final ArenaClient player : players)
        {
            stats.add(player.stats());
        }
        return stats;
    }

    /**
     * Find two free consecutive UDP ports on loopback, starting at a preferred one.
     *
     * @param preferred first port to try.
     * @return the first port of the pair.
     */
    static int freePortPair(final int preferred)
    {
        for (int port = preferred; port < preferred + 200; port += 2)
        {
            if (isFree(port) && isFree(port + 1))
            {
                return port;
            }
        }
        throw new IllegalStateException("no free UDP port pair from " + preferred);
    }

    private static boolean isFree(final int port)
    {
        try (DatagramSocket socket = new DatagramSocket(null))
        {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        }
        catch (final Exception ex)
        {
            return false;
        }
    }
}
