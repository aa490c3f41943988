package io.skirmish.samples;

import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.server.GameServer;
import io.skirmish.metrics.OpsHttpServer;
import io.skirmish.samples.arena.ArenaProtocol;
import io.skirmish.samples.arena.ArenaServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

/**
 * Scenario: the game server alone, with an embedded media driver, until Ctrl-C or SIGTERM (or {@code --duration}).
 * <pre>
 *   java -jar skirmish-demo.jar server --port 40123 [--bind 0.0.0.0] [--arenas 2] [--first-arena I] [--no-lobby]
 *       [--tick-rate 30] [--duration S]
 *       [--metrics-port P [--admin-token T]] [--drain-timeout S] [--agones]
 *       [--archive DIR [--keyframe-interval S] [--resume-window S]]
 *       [--directory H:P,H:P,H:P [--server-id N] [--public-address H:P] [--capacity N]] [--token-secret S]
 * </pre>
 * With {@code --directory} the server registers with the room directory through a {@code RoomServerLink}: it
 * reports its rooms, opens the rooms the directory places on it, and, with {@code --token-secret} (or the
 * {@code SKIRMISH_TOKEN_SECRET} environment variable; players then need connect tokens), lands each player whose
 * token was minted from a directory seat in that seat's room.
 * {@code --first-arena I} and {@code --no-lobby} make it host a share of a cluster's arenas: arenas {@code I} to
 * {@code I + arenas - 1} (room ids unique across the directory's servers) and no lobby, as {@code cluster-demo} runs it.
 * With {@code --archive} the rooms are durable, recorded to an Aeron Archive embedded in that directory, and the
 * arenas can be spectated and replayed ({@code spectate}, {@code replay}); see below for restarts.
 * Clients reach it on UDP {@code port} (requests) and {@code port + 1} (responses). With {@code --metrics-port} it
 * serves {@code /metrics} (Prometheus), {@code /health/live}, {@code /health/ready} and, with an admin token
 * ({@code --admin-token} or the {@code SKIRMISH_ADMIN_TOKEN} environment variable), the admin API on that TCP port
 * (0: any free one, printed). A stop (Ctrl-C, SIGTERM) drains: new connects are refused with
 * {@code SERVER_DRAINING}, the rooms get {@code --drain-timeout} (default 10 s) to finish, the clients still
 * connected are told {@code SERVER_SHUTDOWN}, everything is closed and the process exits 0. With {@code --agones}
 * it tells the Agones SDK server (REST, {@code localhost:${AGONES_SDK_HTTP_PORT:-9358}}) Ready once up, pings its
 * health, reports sessions as players and asks for Shutdown after the drain.
 * <p>
 * With {@code --archive DIR} every room is durable, recorded to an Aeron Archive embedded in {@code DIR}, with a
 * keyframe of each arena every {@code --keyframe-interval} (default 1 s); started again on the same directory (after
 * a stop or a crash) it restores the rooms, the game's state in them and the sessions, whose clients resume within
 * {@code --resume-window} (default 60 s). After a SIGKILL it first waits for the killed archive's mark file to time
 * out (about 10 s).
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
        System.exit(run(CommandLine.parse(prepend("server", args), "agones", "no-lobby")));
    }

    /**
     * @param line the parsed command line.
     * @return exit code.
     */
    public static int run(final CommandLine line)
    {
        final DemoServer.Settings settings = new DemoServer.Settings()
            .port(line.intValue("port", SampleConfiguration.PORT))
            .bind(line.string("bind", SampleConfiguration.BIND))
            .arenas(line.intValue("arenas", SampleConfiguration.ARENAS))
            .firstArena(line.intValue("first-arena", 0))
            .lobby(!line.flag("no-lobby"))
            .tickRateHz(line.intValue("tick-rate", SampleConfiguration.TICK_RATE_HZ))
            .metricsPort(line.intValue("metrics-port", -1))
            .adminToken(line.string("admin-token", System.getenv(OpsHttpServer.Context.ADMIN_TOKEN_ENV)))
            .agones(line.flag("agones"))
            .archiveDirectory(line.string("archive", null))
            .keyframeIntervalNs(line.durationNs("keyframe-interval", TimeUnit.SECONDS.toNanos(1)))
            .resumeWindowNs(line.durationNs("resume-window", TimeUnit.SECONDS.toNanos(60)))
            .directory(line.string("directory", null))
            .serverId(line.intValue("server-id", 1))
            .publicAddress(line.string("public-address", null))
            .capacity(line.intValue("capacity", 0))
            .sharedArchiveRoot(line.string("shared-archive-root", null))
            .tokenSecret(line.string("token-secret", System.getenv("SKIRMISH_TOKEN_SECRET")));
        final long durationNs = line.durationNs("duration", Long.MAX_VALUE);
        final long drainTimeoutNs = line.durationNs("drain-timeout", TimeUnit.SECONDS.toNanos(10));
        line.checkAllUsed();

        final Shutdown shutdown = Shutdown.register(drainTimeoutNs + TimeUnit.SECONDS.toNanos(10), true);
        try (DemoServer demo = DemoServer.launch(settings))
        {
            final GameServer server = demo.server();
            final ArenaServer game = demo.game();
            System.out.printf("skirmish server on %s:%d (responses on %d), %d arenas at %d Hz; Ctrl-C to stop%n",
                settings.bind, settings.port, server.context().responsePort(), settings.arenas, settings.tickRateHz);
            if (game.isDurable())
            {
                final StringBuilder seqs = new StringBuilder();
                final int lastRoomId = ArenaProtocol.arenaRoomId(settings.firstArena + settings.arenas - 1);
                for (int roomId = settings.lobby ? ArenaProtocol.LOBBY_ROOM_ID :
                    ArenaProtocol.arenaRoomId(settings.firstArena); roomId <= lastRoomId; roomId++)
                {
                    if (roomId != ArenaProtocol.LOBBY_ROOM_ID && roomId < ArenaProtocol.arenaRoomId(settings.firstArena))
                    {
                        continue;
                    }
                    seqs.append(seqs.length() > 0 ? ", " : "").append(ArenaProtocol.roomName(roomId)).append(" at seq ")
                        .append(game.roomLastSeq(roomId));
                }
                System.out.printf("durable rooms in archive %s: restored %s; %d sessions restored%n",
                    settings.archiveDirectory, seqs, game.restoredSessions());
            }
            if (null != demo.link())
            {
                System.out.printf("on the room directory %s as server %d (%s)%n", settings.directoryNodes,
                    settings.serverId, null == settings.publicAddress ? "localhost:" + settings.port :
                    settings.publicAddress);
            }
            if (demo.metricsPort() >= 0)
            {
                System.out.printf("metrics and health on http://%s:%d/metrics, /health/live, /health/ready%s%n",
                    settings.bind, demo.metricsPort(), null == settings.adminToken ? "" : "; admin API on /admin/");
            }
            System.out.flush();
            final long startNs = System.nanoTime();
            while (!shutdown.await(Math.min(TimeUnit.SECONDS.toNanos(5), durationNs)) &&
                System.nanoTime() - startNs < durationNs)
            {
                System.out.printf("tick %d  sessions %d  lobby seq %d  events %d  snapshots %d  inputs %d  " +
                    "snapshot full %d B, sent %.0f B avg incl. headers (delta %.0f%%)%n",
                    game.tick(), server.counter(EngineCounter.SESSIONS_ACTIVE), game.roomLastSeq(1),
                    server.counter(EngineCounter.ROOM_EVENTS_SENT), server.counter(EngineCounter.SNAPSHOTS_SENT),
                    server.counter(EngineCounter.INPUTS_RECEIVED), game.lastSnapshotLength(),
                    game.meanSnapshotBytesSent(), game.snapshotDeltaPercent());
            }
            if (shutdown.isRequested())
            {
                demo.drainAndClose(drainTimeoutNs, System.out);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot bind the metrics port " + settings.metricsPort, ex);
        }
        finally
        {
            System.out.println("server stopped");
            System.out.flush();
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
