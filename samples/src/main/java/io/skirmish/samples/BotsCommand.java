package io.skirmish.samples;

import io.skirmish.engine.sim.NetworkSimulator;
import io.skirmish.samples.bots.BotFleet;
import io.skirmish.samples.bots.BotSummary;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SystemNanoClock;

import java.io.PrintStream;
import java.util.concurrent.TimeUnit;

/**
 * Scenario: headless bots against a server (or a relay in front of it), all polled from one thread. Each bot joins
 * the lobby and an arena, steers, chats at {@code --emit-rate} events per second and moves to another arena every
 * {@code --hop} seconds or so. With {@code --summary} the run ends with one line of JSON on stdout, and the exit
 * code is 0 only when no bot missed, repeated or reordered an event of a room it was a member of.
 * <pre>
 *   java -jar skirmish-demo.jar bots --server 127.0.0.1:40123 --count 8 --duration 20 \
 *       [--emit-rate 2] [--hop 8] [--arenas 2] [--summary] [--response HOST:PORT] [--shared-driver true|false] \
 *       [--latency MS] [--jitter MS] [--loss PCT] [--dup PCT] [--reorder PCT] [--sim-seed N]
 * </pre>
 * The simulator options give every bot its own in-process simulated network. A bot pointed at a relay uses the
 * relay's {@code port + 1} as its response endpoint unless {@code --response} says otherwise.
 */
public final class BotsCommand
{
    private BotsCommand()
    {
    }

    /**
     * Run the bots from the command line.
     *
     * @param args the subcommand's arguments.
     */
    public static void main(final String[] args)
    {
        System.exit(run(CommandLine.parse(ServerCommand.prepend("bots", args), "summary")));
    }

    /**
     * @param line the parsed command line.
     * @return exit code: 0 when clean (always 0 without {@code --summary}), 1 otherwise.
     */
    public static int run(final CommandLine line)
    {
        final BotFleet.Settings settings = settings(line);
        final boolean summary = line.flag("summary");
        line.checkAllUsed();

        final PrintStream progress = summary ? System.err : System.out;
        final TextDashboard dashboard = new TextDashboard(progress);
        final IdleStrategy idle = SampleConfiguration.idleStrategy();
        final Shutdown shutdown = Shutdown.register();
        final BotSummary result;
        try (BotFleet fleet = new BotFleet(settings, SystemNanoClock.INSTANCE))
        {
            progress.printf("%d bots -> %s (%s)%n", settings.count(), line.string("server", "localhost:40123"),
                fleet.isSharedDriver() ? "one shared media driver and Aeron client" : "an embedded driver each");
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
                if (nowNs - nextDashboardNs >= 0)
                {
                    nextDashboardNs = nowNs + SampleConfiguration.DASHBOARD_INTERVAL_NS;
                    dashboard.print(String.format("bots: %.0f s", (nowNs - startNs) / 1e9),
                        null, null, fleet.players(), fleet.players().get(0));
                }
                idle.idle(work);
            }
            result = fleet.summary();
            if (fleet.errors() > 0)
            {
                progress.println(fleet.errors() + " errors reported by the bots' clients");
            }
        }
        finally
        {
            shutdown.done();
        }

        if (!result.isClean())
        {
            progress.println("problems: " + result.problems());
        }
        if (summary)
        {
            System.out.println(result.toJson());
            System.out.flush();
            return result.isClean() ? 0 : 1;
        }
        progress.println(result.toJson());
        return 0;
    }

    /**
     * Read the fleet's settings from the command line.
     *
     * @param line the parsed command line.
     * @return the settings.
     */
    static BotFleet.Settings settings(final CommandLine line)
    {
        final int count = line.intValue("count", 4);
        final String server = line.string("server", "localhost:" + SampleConfiguration.PORT);
        CommandLine.port(server);
        final SimulatorOptions simulatorOptions = SimulatorOptions.from(line, SampleConfiguration.SEED);
        final BotFleet.Settings settings = new BotFleet.Settings()
            .server(server)
            .responseEndpoint(line.string("response", null))
            .count(count)
            .durationNs(line.durationNs("duration", TimeUnit.SECONDS.toNanos(10)))
            .emitRatePerSecond(line.doubleValue("emit-rate", SampleConfiguration.EMIT_RATE))
            .hopIntervalNs(line.durationNs("hop", SampleConfiguration.HOP_INTERVAL_NS))
            .arenaCount(line.intValue("arenas", SampleConfiguration.ARENAS))
            .inputRateHz(line.intValue("input-rate", SampleConfiguration.TICK_RATE_HZ))
            .drainTimeoutNs(line.durationNs("drain-timeout", TimeUnit.SECONDS.toNanos(10)))
            .seed(Long.parseLong(line.string("seed", Long.toString(SampleConfiguration.SEED))))
            .sharedDriver(Boolean.parseBoolean(line.string("shared-driver",
                Boolean.toString(count >= SampleConfiguration.SHARED_DRIVER_MIN_BOTS))))
            .chatLogBots(1);
        if (simulatorOptions.given)
        {
            final NetworkSimulator[] simulators = new NetworkSimulator[count];
            for (int i = 0; i < count; i++)
            {
                simulators[i] = simulatorOptions.newSimulator(i);
            }
            settings.simulators(simulators);
        }
        return settings;
    }
}
