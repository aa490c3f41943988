package io.skirmish.samples;

/**
 * Entry point of {@code skirmish-demo.jar}: picks a scenario by its first argument.
 * <pre>
 *   java -jar skirmish-demo.jar                       all-in-one: server + bots (+ window when there is a display)
 *   java -jar skirmish-demo.jar server --port P [--bind ADDR] [--metrics-port P] [--admin-token T] [--archive DIR]
 *   java -jar skirmish-demo.jar client --server HOST:PORT
 *   java -jar skirmish-demo.jar bots --server HOST:PORT --count N --duration S [--emit-rate R] [--summary]
 *   java -jar skirmish-demo.jar relay --listen HOST:PORT --target HOST:PORT
 *   java -jar skirmish-demo.jar spectate --server HOST:PORT [--room R] [--delay 2s]
 *   java -jar skirmish-demo.jar replay --server HOST:PORT [--room R] [--speed X] [--from SEQ]
 *   java -jar skirmish-demo.jar directory --dev [--base-port P] | --node N --nodes H:P,H:P,H:P [--dir DIR] [--clean]
 *   java -jar skirmish-demo.jar cluster-demo [--duration S] [--bots N] [--late-bots N] [--leader-kill-only]
 * </pre>
 * Exit codes: 0 success, 1 delivery problems found by the bots, 2 bad command line.
 */
public final class Demo
{
    private static final String USAGE = String.join(System.lineSeparator(),
        "usage: java -jar skirmish-demo.jar [command] [options]",
        "",
        "  (no command)  server + bots in one process; a window when there is a display, else a text dashboard",
        "                [--bots N] [--arenas N] [--port P] [--duration S] [--headless]",
        "  server        --port P [--bind ADDR] [--arenas N] [--first-arena I] [--no-lobby] [--tick-rate HZ]",
        "                [--duration S]",
        "                [--metrics-port P [--admin-token T]] [--drain-timeout S] [--agones] [--archive DIR]",
        "                (/metrics, health and admin API on TCP P; graceful drain on SIGTERM; Agones lifecycle)",
        "                [--archive DIR [--keyframe-interval S] [--resume-window S]]",
        "                (durable rooms in an Aeron Archive in DIR, restored with their sessions on a restart)",
        "                [--directory H:P,H:P,H:P [--server-id N] [--public-address H:P] [--capacity N]]",
        "                [--token-secret S] (registers with the room directory; tokens minted from its seats)",
        "  client        --server HOST:PORT [--response HOST:PORT] [--name NAME] [--arena N] [--headless]",
        "                [--duration S] and the network options",
        "  bots          --server HOST:PORT --count N --duration S [--emit-rate R] [--hop S] [--summary]",
        "                [--response HOST:PORT] [--shared-driver true|false] and the network options",
        "  relay         --listen HOST:PORT --target HOST:PORT [--duration S] and the network options",
        "  spectate      --server HOST:PORT [--room R] [--delay 2s] [--duration S] [--headless]",
        "                (read-only, from the server's archive: the server runs with --archive DIR)",
        "  replay        --server HOST:PORT [--room R] [--speed X] [--from SEQ] [--duration S] [--headless]",
        "  directory     --dev [--base-port P]   the room directory's 3 nodes in this process (dev mode), or",
        "                --node N --nodes H:P,H:P,H:P [--dir DIR] [--clean]   one node; [--duration S]",
        "  cluster-demo  3 directory nodes + 2 room servers (child JVMs) + bots seated by the directory; SIGKILLs",
        "                the directory leader, then room server 2; prints the bots' JSON summary with the seats granted",
        "                [--duration S] [--bots N] [--late-bots N] [--arenas N (per server)] [--emit-rate R]",
        "                [--directory-port P] [--server-port P] [--dir DIR] [--leader-kill-only (server 2 is not killed)]",
        "",
        "network options (simulated, in process): --latency MS --jitter MS --loss PCT --dup PCT --reorder PCT",
        "durations: a number of seconds, or with a unit (500ms, 20s, 2m)",
        "defaults come from -Dskirmish.sample.* system properties (see SampleConfiguration)");

    private Demo()
    {
    }

    /**
     * Run a scenario.
     *
     * @param args the command and its options.
     */
    public static void main(final String[] args)
    {
        final int exitCode;
        try
        {
            exitCode = run(args);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("error: " + ex.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        System.exit(exitCode);
    }

    /**
     * Run a scenario and return its exit code.
     *
     * @param args the command and its options.
     * @return exit code.
     */
    public static int run(final String[] args)
    {
        final CommandLine line = CommandLine.parse(args, "summary", "headless", "help", "agones", "dev", "clean",
            "no-lobby", "leader-kill-only");
        if (line.has("help") || "help".equals(line.command()))
        {
            System.out.println(USAGE);
            return 0;
        }
        switch (line.command())
        {
            case "":
            case "demo":
                return AllInOneDemo.run(line);
            case "server":
                return ServerCommand.run(line);
            case "client":
                return ClientCommand.run(line);
            case "bots":
                return BotsCommand.run(line);
            case "relay":
                return RelayCommand.run(line);
            case "directory":
                return DirectoryCommand.run(line);
            case "cluster-demo":
                return ClusterDemo.run(line);
            case "spectate":
            case "replay":
                return FeedCommand.run(line, System.out);
            default:
                throw new IllegalArgumentException("unknown command: " + line.command());
        }
    }
}
