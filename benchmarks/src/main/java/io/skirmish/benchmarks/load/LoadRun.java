package io.skirmish.benchmarks.load;

import io.skirmish.benchmarks.rig.Ports;
import io.skirmish.engine.Profile;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The load coordinator: for each client count N and each scenario, launches a {@link LoadServer} JVM pinned to one
 * core ({@code taskset -c 0}) and a {@link LoadBots} JVM pinned to another ({@code taskset -c 1}), waits for the
 * server to listen and the bots to connect, tells the server to publish, warms up, measures a window on both sides,
 * stops the events, lets the last deliveries drain, collects both reports and prints one table row, judged against
 * the {@link Budget}. Without {@code taskset} on the path it says so and runs the children unpinned. Children are
 * killed when a row ends, and by a shutdown hook if the coordinator is stopped.
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar -Dseconds=10 -Dprofile=large \
 *     io.skirmish.benchmarks.load.LoadRun 100 500 1000
 * </pre>
 * Arguments: the client counts (default 50 100 200), and {@code -Dkey=value} system properties, which may also come
 * after the class name. System properties: {@code -Dscenarios} (default
 * {@code A,B,idle}), {@code -Dseconds} measured (default 10), {@code -Dwarmup} seconds after publishing (default 3),
 * {@code -Ddrain} seconds between the end of the events and the reports (default 2), {@code -DserverXmx} and
 * {@code -DbotsXmx} (default 2g and 3g), {@code -DserverCpu} and {@code -DbotsCpu} (default 0 and 1),
 * {@code -DserverJvmArgs} and {@code -DbotsJvmArgs} (extra options, space separated), {@code -Dlogs} (the children's
 * output, default {@code load-run/} beside the jar), {@code -DbotsProfile} (the bots' profile when it should differ
 * from the server's); and, passed on to both children, {@code -Dprofile},
 * {@code -DportPairs}, {@code -DbotsPerDriver}, {@code -DconnectWindow}, {@code -DconnectLimit} and every
 * {@code skirmish.*} property.
 */
public final class LoadRun
{
    private static final List<String> PASSED_ON = List.of(
        LoadProperties.PROFILE, LoadProperties.BOTS_PER_DRIVER, LoadProperties.CONNECT_WINDOW,
        LoadProperties.CONNECT_LIMIT);
    private static final List<ChildJvm> CHILDREN = new CopyOnWriteArrayList<>();

    private final int seconds = Integer.getInteger("seconds", 10);
    private final int warmupSeconds = Integer.getInteger("warmup", 3);
    private final int drainSeconds = Integer.getInteger("drain", 2);
    private final boolean pinned;
    private final Path logs;
    private final Profile profile = LoadProperties.profile();

    private LoadRun(final boolean pinned, final Path logs)
    {
        this.pinned = pinned;
        this.logs = logs;
    }

    /**
     * Run every (N, scenario) and print the table.
     *
     * @param args client counts.
     * @throws InterruptedException when interrupted.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        final List<Integer> countList = new ArrayList<>();
        for (final String arg : args)
        {
            final int equals = arg.indexOf('=');
            if (arg.startsWith("-D") && equals > 2)
            {
                System.setProperty(arg.substring(2, equals), arg.substring(equals + 1)); // after the class name too
            }
            else
            {
                countList.add(Integer.parseInt(arg));
            }
        }
        final int[] counts = countList.isEmpty() ?
            new int[]{ 50, 100, 200 } : countList.stream().mapToInt(Integer::intValue).toArray();
        final List<Scenario> scenarios = new ArrayList<>();
        for (final String name : System.getProperty("scenarios", "A,B,idle").split(","))
        {
            scenarios.add(Scenario.of(name));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> CHILDREN.forEach(ChildJvm::kill), "load-run-kill"));

        final boolean taskset = isOnPath("taskset");
        final Path jar = Path.of(System.getProperty("java.class.path")).toAbsolutePath();
        final Path logs = Path.of(System.getProperty("logs", jar.resolveSibling("load-run").toString()));
        final LoadRun run = new LoadRun(taskset, logs);
        System.out.printf("# LoadRun: profile %s, port pairs %d, %d s warm-up, %d s measured, %d s drain, " +
            "%d CPUs, loadavg %s%n", run.profile, LoadProperties.portPairs(run.profile), run.warmupSeconds,
            run.seconds, run.drainSeconds, Runtime.getRuntime().availableProcessors(), loadAverage());
        System.out.println(taskset ?
            "# server pinned to CPU " + cpu("serverCpu", 0) + ", bots to CPU " + cpu("botsCpu", 1) +
            " (taskset -c); logs in " + logs :
            "# taskset not found on PATH: server and bots run UNPINNED, sharing every core; logs in " + logs);
        System.out.printf("# budget: connect <= %.0f s, snapshots mean >= %.0f%% and p5 >= %.0f%% of %d/s, " +
            "tick p99 < %.0f ms, 0 events missing, server CPU <= %.0f%%%n", Budget.CONNECT_SECONDS,
            Budget.SNAPSHOT_MEAN_SHARE * 100, Budget.SNAPSHOT_P5_SHARE * 100, Scenario.TICK_RATE_HZ,
            Budget.TICK_P99_MS, Budget.SERVER_CPU_PERCENT);
        System.out.println(RunRow.HEADER);
        for (final int count : counts)
        {
            for (final Scenario scenario : scenarios)
            {
                run.runOne(count, scenario);
            }
        }
        System.out.printf("# done, loadavg %s%n", loadAverage());
    }

    private void runOne(final int clients, final Scenario scenario) throws InterruptedException
    {
        final String name = clients + "-" + scenario.name().toLowerCase();
        ChildJvm server = null;
        ChildJvm bots = null;
        try
        {
            final int portPairs = LoadProperties.portPairs(profile);
            final int port = Ports.nextPairs(portPairs);
            final List<String> common = commonProperties(clients, scenario, port, portPairs);

            server = start("server", cpu("serverCpu", 0), "serverXmx", "2g", "serverJvmArgs", common,
                LoadServer.class, logs.resolve(name + "-server.log"));
            server.await("@READY", 60_000);
            final List<String> botsProperties = new ArrayList<>(common);
            final String botsProfile = System.getProperty("botsProfile");
            if (null != botsProfile)
            {
                botsProperties.add("-D" + LoadProperties.PROFILE + "=" + botsProfile); // the last -D wins
            }
            bots = start("bots", cpu("botsCpu", 1), "botsXmx", "3g", "botsJvmArgs", botsProperties,
                LoadBots.class, logs.resolve(name + "-bots.log"));
            final Report connected = bots.await("@CONNECTED",
                TimeUnit.SECONDS.toMillis(LoadProperties.connectLimitSeconds() + 60));

            server.send(CommandQueue.PUBLISH);
            TimeUnit.SECONDS.sleep(warmupSeconds);
            server.send(CommandQueue.MEASURE);
            bots.send(CommandQueue.MEASURE);
            TimeUnit.SECONDS.sleep(seconds);
            server.send(CommandQueue.STOP);
            bots.send(CommandQueue.STOP);
            TimeUnit.SECONDS.sleep(drainSeconds);
            server.send(CommandQueue.REPORT);
            bots.send(CommandQueue.REPORT);
            final Report serverResult = server.await("@RESULT", 60_000);
            final Report botsResult = bots.await("@RESULT", 60_000);

            System.out.println(new RunRow(clients, scenario, serverResult, botsResult).format());
            System.out.printf("#       connected %s/%d (joined %s, gave up %s) in %s s (one: p50 %s, max %s ms); " +
                "bots' longest pass %s ms connecting, %s ms measuring; ticks %s, late %s; " +
                "inputs/s %s (missing %s); events sent %s, owed %s, received %s; resynced %s; sessions %s " +
                "(timed out %s, resumed %s); errors %s + %s; shm added %s KiB/cl; loadavg %s%n",
                connected.text("connected", "?"), clients, connected.text("joined", "?"),
                connected.text("ended", "?"), connected.text("connectS", "?"),
                connected.text("oneConnectP50Ms", "?"), connected.text("oneConnectMaxMs", "?"),
                connected.text("maxPassMs", "?"), botsResult.text("maxPassMs", "?"),
                serverResult.text("ticks", "?"), serverResult.text("ticksLate", "?"),
                serverResult.text("inputsPerS", "?"), serverResult.text("inputsMissing", "?"),
                serverResult.text("eventsSent", "?"), serverResult.text("deliveriesOwed", "?"),
                botsResult.text("eventsReceived", "?"), botsResult.text("resynced", "?"),
                serverResult.text("sessions", "?"), serverResult.text("sessionsTimedOut", "?"),
                serverResult.text("sessionsResumed", "?"), serverResult.text("errors", "?"),
                botsResult.text("errors", "?"), serverResult.text("shmAddedKiBPerClient", "?"), loadAverage());
        }
        catch (final IOException | RuntimeException ex)
        {
            System.out.printf("%6d %-5s failed: %s (see %s)%n", clients, scenario.name(), ex.getMessage(),
                logs.resolve(name + "-*.log"));
        }
        finally
        {
            stop(bots);
            stop(server);
        }
    }

    private List<String> commonProperties(
        final int clients, final Scenario scenario, final int port, final int portPairs)
    {
        final List<String> properties = new ArrayList<>();
        properties.add("-D" + LoadProperties.SCENARIO + "=" + scenario.name());
        properties.add("-D" + LoadProperties.CLIENTS + "=" + clients);
        properties.add("-D" + LoadProperties.PORT + "=" + port);
        properties.add("-D" + LoadProperties.PORT_PAIRS + "=" + portPairs);
        for (final String key : System.getProperties().stringPropertyNames())
        {
            if (PASSED_ON.contains(key) || key.startsWith("skirmish."))
            {
                properties.add("-D" + key + "=" + System.getProperty(key));
            }
        }
        return properties;
    }

    private ChildJvm start(
        final String name,
        final int cpu,
        final String xmxProperty,
        final String defaultXmx,
        final String extraProperty,
        final List<String> properties,
        final Class<?> mainClass,
        final Path log) throws IOException
    {
        final List<String> jvmArgs = new ArrayList<>();
        jvmArgs.add("-Xmx" + System.getProperty(xmxProperty, defaultXmx));
        final String extra = System.getProperty(extraProperty, "").trim();
        if (!extra.isEmpty())
        {
            jvmArgs.addAll(Arrays.asList(extra.split(" +")));
        }
        jvmArgs.addAll(properties);
        final ChildJvm child = ChildJvm.launch(name, pinned ? cpu : -1, jvmArgs, mainClass.getName(), log);
        CHILDREN.add(child);
        return child;
    }

    private static void stop(final ChildJvm child)
    {
        if (null != child)
        {
            child.close();
            CHILDREN.remove(child);
        }
    }

    private static int cpu(final String property, final int defaultCpu)
    {
        return Integer.getInteger(property, defaultCpu);
    }

    private static boolean isOnPath(final String program)
    {
        for (final String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        {
            if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, program)))
            {
                return true;
            }
        }
        return false;
    }

    private static String loadAverage()
    {
        try
        {
            final String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" +");
            return fields[0] + " " + fields[1] + " " + fields[2];
        }
        catch (final IOException | RuntimeException ex)
        {
            return "unknown";
        }
    }
}
