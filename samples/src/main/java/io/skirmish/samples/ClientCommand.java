package io.skirmish.samples;

import io.skirmish.engine.client.GameClient;
import io.skirmish.samples.client.ArenaClient;

import java.awt.GraphicsEnvironment;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.skirmish.samples.arena.ArenaProtocol.arenaRoomId;

/**
 * Scenario: one player with a window, connected to a server through an in-process simulated network whose
 * latency, jitter, loss, duplication and reordering the window's sliders change live.
 * <pre>
 *   java -jar skirmish-demo.jar client --server 127.0.0.1:40123 [--response HOST:PORT] [--name NAME] [--arena 1]
 *       [--arenas 2] [--latency MS] [--jitter MS] [--loss PCT] [--dup PCT] [--reorder PCT] [--duration S]
 * </pre>
 * Without a display it prints the text dashboard instead, for {@code --duration} (default 20 s).
 */
public final class ClientCommand
{
    private ClientCommand()
    {
    }

    /**
     * Run the client from the command line.
     *
     * @param args the subcommand's arguments.
     */
    public static void main(final String[] args)
    {
        System.exit(run(CommandLine.parse(ServerCommand.prepend("client", args), "headless")));
    }

    /**
     * @param line the parsed command line.
     * @return exit code.
     */
    public static int run(final CommandLine line)
    {
        final String server = line.string("server", "localhost:" + SampleConfiguration.PORT);
        CommandLine.port(server);
        final String response = line.string("response", null);
        final String name = line.string("name", "you");
        final int arenas = line.intValue("arenas", SampleConfiguration.ARENAS);
        final int arena = line.intValue("arena", 1);
        final SimulatorOptions simulatorOptions = SimulatorOptions.from(line, SampleConfiguration.SEED);
        final boolean headless = line.flag("headless") || GraphicsEnvironment.isHeadless();
        final long durationNs = line.durationNs(
            "duration", headless ? SampleConfiguration.HEADLESS_DURATION_NS : Long.MAX_VALUE);
        line.checkAllUsed();

        final GameClient.Context context = new GameClient.Context()
            .server(server)
            .networkSimulator(simulatorOptions.newSimulator(0));
        if (null != response)
        {
            context.serverResponseEndpoint(response);
        }
        final ArenaClient player = new ArenaClient(
            context,
            new ArenaClient.Options()
                .name(name)
                .arenaRoomId(arenaRoomId(Math.max(0, Math.min(arenas, arena) - 1)))
                .seed(SampleConfiguration.SEED)
                .inputRateHz(SampleConfiguration.TICK_RATE_HZ)
                .publishFrames(!headless)
                .keepChatLog(true),
            org.agrona.concurrent.SystemNanoClock.INSTANCE);

        final Shutdown shutdown = Shutdown.register();
        try (PlayerRunner runner = new PlayerRunner(player))
        {
            if (headless)
            {
                final TextDashboard dashboard = new TextDashboard(System.out);
                final long startNs = System.nanoTime();
                while (!shutdown.await(SampleConfiguration.DASHBOARD_INTERVAL_NS) &&
                    System.nanoTime() - startNs < durationNs)
                {
                    dashboard.print(String.format("client %s -> %s: %.0f s", name, server,
                        (System.nanoTime() - startNs) / 1e9), null, null, List.of(player), player);
                }
            }
            else
            {
                runner.openWindow("Skirmish - " + name + " @ " + server, arenas, null, null, shutdown::request);
                final long startNs = System.nanoTime();
                boolean stop = false;
                while (!stop)
                {
                    stop = shutdown.await(TimeUnit.MILLISECONDS.toNanos(200)) ||
                        System.nanoTime() - startNs >= durationNs;
                }
            }
        }
        finally
        {
            shutdown.done();
        }
        return 0;
    }
}
