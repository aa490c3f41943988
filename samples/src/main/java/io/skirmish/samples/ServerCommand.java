package io.skirmish.samples;

import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.ThreadingMode;
import io.skirmish.samples.arena.ArenaServer;

import java.util.concurrent.TimeUnit;

/**
 * Scenario: the game server alone, with an embedded media driver, until Ctrl-C (or {@code --duration}).
 * <pre>
 *   java -jar skirmish-demo.jar server --port 40123 [--bind 0.0.0.0] [--arenas 2] [--tick-rate 30] [--duration S]
 * </pre>
 * Clients reach it on UDP {@code port} (requests) and {@code port + 1} (responses).
 */
public final class ServerCommand
{
    private ServerCommand()
    {
    }

    /**
     * Run the server from the command line.
     *
     * @param args the subcommand's arguments.
     */
    public static void main(final String[] args)
    {
        System.exit(run(CommandLine.parse(prepend("server", args))));
    }

    /**
     * @param line the parsed command line.
     * @return exit code.
     */
    public static int run(final CommandLine line)
    {
        final int port = line.intValue("port", SampleConfiguration.PORT);
        final String bind = line.string("bind", SampleConfiguration.BIND);
        final int arenas = line.intValue("arenas", SampleConfiguration.ARENAS);
        final int tickRate = line.intValue("tick-rate", SampleConfiguration.TICK_RATE_HZ);
        final long durationNs = line.durationNs("duration", Long.MAX_VALUE);
        line.checkAllUsed();

        final ArenaServer game = new ArenaServer(arenas, tickRate, SampleConfiguration.SEED);
        final Shutdown shutdown = Shutdown.register();
        try (GameServer server = GameServer.launch(new GameServer.Context()
            .bindAddress(bind)
            .port(port)
            .threadingMode(ThreadingMode.SHARED)
                .idleStrategy(SampleConfiguration.idleStrategy())
            .listener(game)))
        {
            System.out.printf("skirmish server on %s:%d (responses on %d), %d arenas at %d Hz; Ctrl-C to stop%n",
                bind, port, server.context().responsePort(), arenas, tickRate);
            final long startNs = System.nanoTime();
            while (!shutdown.await(Math.min(TimeUnit.SECONDS.toNanos(5), durationNs)) &&
                System.nanoTime() - startNs < durationNs)
            {
                System.out.printf("tick %d  sessions %d  lobby seq %d  events %d  snapshots %d  inputs %d  " +
                    "snapshot full %d B, sent %.0f B avg incl. headers (delta %.0f%%)%n",
                    game.tick(), server.sessionCount(), game.roomLastSeq(1),
                    server.counter(EngineCounter.ROOM_EVENTS_SENT), server.counter(EngineCounter.SNAPSHOTS_SENT),
                    server.counter(EngineCounter.INPUTS_RECEIVED), game.lastSnapshotLength(),
                    game.meanSnapshotBytesSent(), game.snapshotDeltaPercent());
            }
        }
        finally
        {
            shutdown.done();
        }
        return 0;
    }

    static String[] prepend(final String command, final String[] args)
    {
        final String[] all = new String[args.length + 1];
        all[0] = command;
        System.arraycopy(args, 0, all, 1, args.length);
        return all;
    }
}
