package io.skirmish.benchmarks.load;

import io.skirmish.benchmarks.rig.CounterSizing;
import io.skirmish.benchmarks.rig.Errors;
import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.Profile;
import io.skirmish.engine.ThreadingMode;
import io.skirmish.engine.server.GameServer;
import org.HdrHistogram.Histogram;

import java.util.concurrent.TimeUnit;

/**
 * The load server process: one {@link GameServer} in {@link ThreadingMode#SHARED} mode (its one thread runs the
 * embedded driver, the Aeron client and the engine) with the rooms of a {@link Scenario}, listening on loopback.
 * Settings are the engine's defaults and the chosen {@link Profile}, except what a server of this size must change:
 * {@code maxSessions}, the driver's counters buffer and a 30 s connect timeout for the connect storm.
 * <p>
 * Prints {@code @READY} once listening, then follows {@link CommandQueue} commands: {@code publish} starts the rooms'
 * snapshots and events, {@code measure} starts the window, {@code stop} ends it and stops the events,
 * {@code report} prints the {@code @RESULT} line, {@code sample} a {@code @SAMPLE} line (the conductor's load, the
 * handshakes in flight and queued, sessions, refusals so far and snapshots sent per second since the previous
 * sample), {@code exit} closes. Results: tick time of each room's
 * {@code onTick} (HdrHistogram p50/p99/max), ticks started late, this process's CPU over the window as a percentage
 * of its core and in microseconds per client per second (from {@code /proc/self/stat}: it includes the driver, which
 * runs on the server's thread, and the JVM's own threads), the {@code /dev/shm} bytes its Aeron directory uses (also
 * less what it used at start), and the event tallies since publishing began: events sent, and deliveries owed
 * (members at each broadcast).
 * <pre>
 * java --add-opens java.base/jdk.internal.misc=ALL-UNNAMED -Dscenario=A -Dclients=100 -Dport=40123 \
 *     -Dprofile=large -cp benchmarks/target/benchmarks.jar io.skirmish.benchmarks.load.LoadServer
 * </pre>
 * System properties: see {@link LoadProperties}; the engine's own {@code skirmish.server.*} ones apply too.
 */
public final class LoadServer
{
    private static final long CONNECT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);

    private final GameServer server;
    private final LoadRooms rooms;
    private final int clients;
    private final Report result = new Report("@RESULT");
    private final long shmBaseBytes;
    private long windowStartNs;
    private long cpuStartTicks;
    private long lateStart;
    private long ticksStart;
    private long inputsStart;
    private long missingInputsStart;
    private long snapshotsStart;
    private long skippedStart;
    private long sampleNs;
    private long sampleSnapshots;

    private LoadServer(final GameServer server, final LoadRooms rooms, final int clients)
    {
        this.server = server;
        this.rooms = rooms;
        this.clients = clients;
        this.shmBaseBytes = ShmUsage.bytesUsed(server.aeronDirectoryName());
    }

    /**
     * Run the server until {@code exit} or the end of standard input.
     *
     * @param args none.
     * @throws InterruptedException when interrupted.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        final Scenario scenario = LoadProperties.scenario();
        final int clients = LoadProperties.clients();
        final Profile profile = LoadProperties.profile();
        final int port = LoadProperties.port();
        final Errors errors = new Errors("load-server");
        final LoadRooms rooms = new LoadRooms(scenario, clients);
        final GameServer.Context ctx = new GameServer.Context()
            .profile(profile)
            .threadingMode(ThreadingMode.SHARED)
            .bindAddress("127.0.0.1")
            .port(port)
            .portPairs(LoadProperties.portPairs(profile))
            .maxSessions(LoadProperties.maxSessions(clients))
            .connectTimeoutNs(CONNECT_TIMEOUT_NS)
            .driverCustomizer((driverCtx) -> driverCtx.counterValuesBufferLength(
                CounterSizing.serverValuesLength(clients, driverCtx.counterValuesBufferLength())))
            .errorHandler(errors)
            .listener(rooms);

        try (GameServer server = GameServer.launch(ctx))
        {
            final CommandQueue commands = CommandQueue.fromStdin();
            final LoadServer loadServer = new LoadServer(server, rooms, clients);
            System.out.println(new Report("@READY")
                .put("scenario", scenario.name())
                .put("clients", clients)
                .put("profile", profile.name())
                .put("port", port)
                .put("portPairs", server.context().portPairs())
                .put("rooms", scenario.roomCount(clients))
                .put("aeronDir", server.aeronDirectoryName()));
            loadServer.run(commands, errors);
        }
    }

    private void run(final CommandQueue commands, final Errors errors) throws InterruptedException
    {
        while (true)
        {
            final String command = commands.take(1000);
            if (null == command)
            {
                continue;
            }
            switch (command)
            {
                case CommandQueue.PUBLISH:
                    rooms.publish();
                    break;
                case CommandQueue.MEASURE:
                    startWindow();
                    break;
                case CommandQueue.STOP:
                    rooms.stopEvents();
                    endWindow();
                    break;
                case CommandQueue.REPORT:
                    report(errors);
                    break;
                case CommandQueue.SAMPLE:
                    sample();
                    break;
                case CommandQueue.EXIT:
                    return;
                default:
                    System.out.println("unknown command: " + command);
            }
            System.out.flush();
        }
    }

    private void startWindow()
    {
        rooms.tickTimes();
        lateStart = server.counter(EngineCounter.TICKS_LATE);
        ticksStart = rooms.ticks();
        inputsStart = rooms.inputs();
        missingInputsStart = server.counter(EngineCounter.INPUTS_MISSING);
        snapshotsStart = server.counter(EngineCounter.SNAPSHOTS_SENT);
        skippedStart = server.counter(EngineCounter.FANOUT_SKIPPED);
        cpuStartTicks = ProcessCpu.ticks();
        windowStartNs = System.nanoTime();
    }

    private void endWindow()
    {
        final long windowNs = System.nanoTime() - windowStartNs;
        final long cpuTicks = ProcessCpu.ticks();
        final Histogram ticks = rooms.tickTimes();
        final double seconds = windowNs / 1e9;
        final double cpuPercent = ProcessCpu.percentOfCore(cpuStartTicks, cpuTicks, windowNs);
        result
            .put("windowS", seconds)
            .put("cpuPct", cpuPercent)
            .put("cpuUsPerClientS", cpuPercent < 0 ? -1 : cpuPercent * 1e4 / clients)
            .put("ticks", rooms.ticks() - ticksStart)
            .put("tickP50Us", ticks.getValueAtPercentile(50) / 1e3)
            .put("tickP99Us", ticks.getValueAtPercentile(99) / 1e3)
            .put("tickMaxUs", ticks.getMaxValue() / 1e3)
            .put("ticksLate", server.counter(EngineCounter.TICKS_LATE) - lateStart)
            .put("inputsPerS", (rooms.inputs() - inputsStart) / seconds)
            .put("inputsMissing", server.counter(EngineCounter.INPUTS_MISSING) - missingInputsStart)
            .put("snapshotsSentPerS", (server.counter(EngineCounter.SNAPSHOTS_SENT) - snapshotsStart) / seconds)
            .put("fanOutSkipped", server.counter(EngineCounter.FANOUT_SKIPPED) - skippedStart);
    }

    private void sample()
    {
        final long nowNs = System.nanoTime();
        final long snapshots = server.counter(EngineCounter.SNAPSHOTS_SENT);
        final double seconds = (nowNs - sampleNs) / 1e9;
        System.out.println(new Report("@SAMPLE")
            .put("load", server.load())
            .put("inFlight", server.counter(EngineCounter.HANDSHAKES_IN_FLIGHT))
            .put("queued", server.counter(EngineCounter.CONNECTS_QUEUED))
            .put("sessions", server.counter(EngineCounter.SESSIONS_ACTIVE))
            .put("refusedFull", server.counter(EngineCounter.CONNECTS_REFUSED_FULL))
            .put("refusedBusy", server.counter(EngineCounter.CONNECTS_REFUSED_BUSY))
            .put("snapshotsSentPerS", 0 == sampleNs ? -1 : (snapshots - sampleSnapshots) / seconds));
        sampleNs = nowNs;
        sampleSnapshots = snapshots;
    }

    private void report(final Errors errors)
    {
        final long shmBytes = ShmUsage.bytesUsed(server.aeronDirectoryName());
        final Runtime runtime = Runtime.getRuntime();
        result
            .put("sessions", server.counter(EngineCounter.SESSIONS_ACTIVE))
            .put("sessionsTimedOut", server.counter(EngineCounter.SESSIONS_TIMED_OUT))
            .put("sessionsResumed", server.counter(EngineCounter.SESSIONS_RESUMED))
            .put("connectsRejected", server.counter(EngineCounter.CONNECTS_REJECTED))
            .put("refusedFull", server.counter(EngineCounter.CONNECTS_REFUSED_FULL))
            .put("refusedBusy", server.counter(EngineCounter.CONNECTS_REFUSED_BUSY))
            .put("queueFullDrops", server.counter(EngineCounter.CONNECTS_DROPPED_QUEUE_FULL))
            .put("lanesMigrated", server.counter(EngineCounter.LANES_MIGRATED))
            .put("laneRebinds", server.counter(EngineCounter.LANE_REBINDS))
            .put("eventsSent", rooms.eventsSent())
            .put("eventsFailed", rooms.eventsFailed())
            .put("deliveriesOwed", rooms.deliveriesOwed())
            .put("shmBytes", shmBytes)
            .put("shmKiBPerClient", shmBytes < 0 ? -1 : shmBytes / 1024.0 / clients)
            .put("shmBaseBytes", shmBaseBytes)
            .put("shmAddedKiBPerClient", shmBytes < 0 || shmBaseBytes < 0 ? -1 :
                (shmBytes - shmBaseBytes) / 1024.0 / clients)
            .put("heapUsedMiB", (runtime.totalMemory() - runtime.freeMemory()) >> 20)
            .put("errors", errors.count());
        System.out.println(result);
    }
}
