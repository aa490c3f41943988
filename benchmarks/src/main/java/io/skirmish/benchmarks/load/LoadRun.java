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
 * <p>
 * <b>Overload</b>, {@code -Doverload=1.5,3}: for each N and factor F the server takes at most N sessions
 * ({@code maxSessions}); N bots connect and are served as above; then a second bots JVM, pinned beside the first,
 * brings (F - 1) N more that are refused and keep asking with backoff and jitter (at {@code nice 19}: they stand for
 * players on other machines, and must not starve the admitted bots of their core). The window is measured while they
 * do (the admitted bots' snapshots and events, the server's CPU and refusals); then the extra bots leave, and the
 * server and the admitted bots are sampled every second until the server is back to full service: every admitted
 * bot at 95 % of the snapshot rate or more, no handshake in flight or queued, and the server's load within 0.05 of
 * what it was before the extra bots came. The time that takes is printed.
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
        final String overload = System.getProperty("overload", "").trim();
        for (final int count : counts)
        {
            for (final Scenario scenario : scenarios)
            {
                if (overload.isEmpty())
                {
                    run.runOne(count, scenario);
                }
                else
                {
                    for (final String factor : overload.split(","))
                    {
                        run.runOverload(count, Double.parseDouble(factor), scenario);
                    }
                }
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

    private void runOverload(final int clients, final double factor, final Scenario scenario)
        throws InterruptedException
    {
        final int extraCount = (int)Math.round((factor - 1) * clients);
        final String name = clients + "-" + scenario.name().toLowerCase() + "-overload-" + factor;
        ChildJvm server = null;
        ChildJvm bots = null;
        ChildJvm extras = null;
        try
        {
            final int portPairs = LoadProperties.portPairs(profile);
            final int port = Ports.nextPairs(portPairs);
            final List<String> common = commonProperties(clients, scenario, port, portPairs);
            final List<String> serverProperties = new ArrayList<>(common);
            serverProperties.add("-D" + LoadProperties.MAX_SESSIONS + "=" + clients);
            server = start("server", cpu("serverCpu", 0), "serverXmx", "2g", "serverJvmArgs", serverProperties,
                LoadServer.class, logs.resolve(name + "-server.log"));
            server.await("@READY", 60_000);
            bots = start("bots", cpu("botsCpu", 1), "botsXmx", "3g", "botsJvmArgs", common,
                LoadBots.class, logs.resolve(name + "-bots.log"));
            final Report connected = bots.await("@CONNECTED",
                TimeUnit.SECONDS.toMillis(LoadProperties.connectLimitSeconds() + 60));
            server.send(CommandQueue.PUBLISH);
            TimeUnit.SECONDS.sleep(warmupSeconds);
            sample(server, bots);
            TimeUnit.SECONDS.sleep(1);
            final Report before = sample(server, bots);
            final double baselineLoad = before.number("load", -1);

            final List<String> extraProperties = commonProperties(extraCount, scenario, port, portPairs);
            extraProperties.add("-D" + LoadProperties.RETRY_REFUSED + "=true");
            // they stand for players on other machines: niced, so that they cannot starve the admitted bots' core
            extras = start("extras", cpu("botsCpu", 1), 19, "botsXmx", "3g", "botsJvmArgs", extraProperties,
                LoadBots.class, logs.resolve(name + "-extras.log"));
            final Report refused = extras.await("@CONNECTED",
                TimeUnit.SECONDS.toMillis(LoadProperties.connectLimitSeconds() + 60));

            server.send(CommandQueue.MEASURE);
            bots.send(CommandQueue.MEASURE);
            TimeUnit.SECONDS.sleep(seconds);
            server.send(CommandQueue.STOP);
            bots.send(CommandQueue.STOP);
            TimeUnit.SECONDS.sleep(drainSeconds);
            server.send(CommandQueue.REPORT);
            bots.send(CommandQueue.REPORT);
            extras.send(CommandQueue.REPORT);
            final Report serverResult = server.await("@RESULT", 60_000);
            final Report botsResult = bots.await("@RESULT", 60_000);
            final Report extrasResult = extras.await("@RESULT", 60_000);
            System.out.println(new RunRow(clients, scenario, serverResult, botsResult).format());

            stop(extras);
            extras = null;
            final long leftNs = System.nanoTime();
            sample(server, bots);
            double recoveredS = -1;
            Report last = null;
            for (int i = 0; i < 30 && recoveredS < 0; i++)
            {
                TimeUnit.SECONDS.sleep(1);
                last = sample(server, bots);
                if (last.number("snapP5", -1) >= Budget.SNAPSHOT_P5_SHARE * Scenario.TICK_RATE_HZ &&
                    0 == last.number("inFlight", -1) && 0 == last.number("queued", -1) &&
                    last.number("load", 1) <= baselineLoad + 0.05)
                {
                    recoveredS = (System.nanoTime() - leftNs) / 1e9;
                }
            }
            System.out.printf("#       overload %.1fx: %d admitted of %d (joined %s), %d extra bots refused " +
                "%s times as full and %s as busy (server: %s full, %s busy, %s dropped from a full queue), " +
                "%s extra bots got in; admitted bots' snapshots before %s/s p5 %s, in the window mean %s p5 %s min " +
                "%s; events missing %s; server load before %.3f; full service %s s after the extra bots left " +
                "(last sample: %s); loadavg %s%n",
                factor, (int)connected.number("connected", 0), clients, connected.text("joined", "?"), extraCount,
                extrasResult.text("refusedFull", "?"), extrasResult.text("refusedBusy", "?"),
                serverResult.text("refusedFull", "?"), serverResult.text("refusedBusy", "?"),
                serverResult.text("queueFullDrops", "?"), extrasResult.text("connected", "?"),
                before.text("snapMean", "?"), before.text("snapP5", "?"), botsResult.text("snapMean", "?"),
                botsResult.text("snapP5", "?"), botsResult.text("snapMin", "?"),
                botsResult.text("seqMissing", "?"), baselineLoad,
                recoveredS < 0 ? "NOT within 30" : String.format("%.1f", recoveredS), last, loadAverage());
            System.out.printf("#       extra bots answered in %s s; %s%n", refused.text("connectS", "?"), refused);
        }
        catch (final IOException | RuntimeException ex)
        {
            System.out.printf("%6d %-5s overload %.1f failed: %s (see %s)%n", clients, scenario.name(), factor,
                ex.getMessage(), logs.resolve(name + "-*.log"));
        }
        finally
        {
            stop(extras);
            stop(bots);
            stop(server);
        }
    }

    /**
     * @return the server's and the bots' {@code @SAMPLE} lines merged.
     */
    private static Report sample(final ChildJvm server, final ChildJvm bots) throws InterruptedException
    {
        server.send(CommandQueue.SAMPLE);
        bots.send(CommandQueue.SAMPLE);
        final Report serverSample = server.await("@SAMPLE", 10_000);
        final Report botsSample = bots.await("@SAMPLE", 10_000);
        return serverSample.merge(botsSample);
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
        return start(name, cpu, 0, xmxProperty, defaultXmx, extraProperty, properties, mainClass, log);
    }

    private ChildJvm start(
        final String name,
        final int cpu,
        final int niceness,
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
        final ChildJvm child = ChildJvm.launch(
            name, pinned ? cpu : -1, niceness, jvmArgs, mainClass.getName(), log);
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
