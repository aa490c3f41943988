package io.skirmish.benchmarks;

import io.skirmish.benchmarks.rig.CounterSizing;
import io.skirmish.benchmarks.rig.EngineMembers;
import io.skirmish.benchmarks.rig.Errors;
import io.skirmish.benchmarks.rig.Limits;
import io.skirmish.benchmarks.rig.Ports;
import io.skirmish.benchmarks.rig.SteppedState;
import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.Room;
import io.skirmish.engine.server.RoomListener;
import io.skirmish.engine.server.RoomOptions;
import io.skirmish.engine.server.ServerListener;
import io.skirmish.engine.ThreadingMode;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;

/**
 * Load harness (not JMH): how many clients one {@link GameServer} serves within a 30 Hz tick budget (33 ms) on this
 * machine.
 * <p>
 * For each client count N: one server ({@link ThreadingMode#SHARED}: its own thread invokes its embedded driver, Aeron
 * conductor and the engine) with one room ticking at {@value #TICK_RATE_HZ} Hz. Each tick steps a
 * {@value #STATE_LENGTH}-byte state (about 10% of it changes), publishes it with
 * {@link Room#publishSharedSnapshot} (delta-encoded per member against its acked baseline), and every
 * {@value #EVENT_EVERY_TICKS}th tick broadcasts a 32-byte room event. N INVOKER-mode clients, in groups of
 * {@code -DmembersPerDriver} (default 100) sharing a client-side embedded driver and Aeron client as bot processes
 * would ({@link EngineMembers}), are all polled by the main thread. Clients connect
 * {@value EngineMembers#CONNECT_BATCH} at a time, each batch with a deadline, and then join the room; the room starts
 * publishing once all N are in, so the measured window is the steady state at N rather than a connect storm on a
 * saturated machine (sessions time out after {@value #SESSION_TIMEOUT_SECONDS} s without traffic, keepalive 1 s).
 * <p>
 * Reported per N, over the measurement window: the server's tick time (the {@code onTick} work, measured with
 * {@code System.nanoTime} and recorded in an HdrHistogram) p50/p99/max, {@link EngineCounter#TICKS_LATE} delta, ticks
 * run, the server thread's CPU time per client per second, the whole process's CPU time per client per second (which
 * includes the client side: its driver and the polling thread), snapshots received per client per second, and the
 * connected sessions. N is within budget when the tick p99 is under 33 ms, at most 1% of ticks start late, at least
 * 95% of the ticks ran, every client is still connected and clients received at least 95% of the 30 snapshots a
 * second. The two sides share the machine's cores, as a bot host on the same machine would. The server
 * thread and the polling thread back off to a 1 ms park when idle (never busy-spin), so CPU time is work; the server's
 * connect timeout is raised to {@value #CONNECT_TIMEOUT_SECONDS} s, as handshakes slow down with hundreds of clients
 * connecting through shared client-side drivers.
 * <pre>
 * java --add-opens java.base/jdk.internal.misc=ALL-UNNAMED -Dseconds=10 \
 *     -cp benchmarks/target/benchmarks.jar io.skirmish.benchmarks.LoadHarness 50 100 250 500 1000
 * </pre>
 */
public final class LoadHarness
{
    /** Room tick rate. */
    public static final int TICK_RATE_HZ = 30;
    /** Bytes of the shared snapshot state. */
    public static final int STATE_LENGTH = SteppedState.LENGTH;
    /** A room event is broadcast every this many ticks. */
    public static final int EVENT_EVERY_TICKS = 10;

    private static final int ROOM_ID = 1;
    private static final int CONNECT_TIMEOUT_SECONDS = 30;
    private static final int SESSION_TIMEOUT_SECONDS = 30;
    private static final long TICK_BUDGET_NS = TimeUnit.SECONDS.toNanos(1) / TICK_RATE_HZ;

    private LoadHarness()
    {
    }

    /**
     * Run the harness.
     *
     * @param args client counts (default 50 100 250 500 1000); {@code -Dseconds} measured seconds per count (default
     *             10), {@code -Dwarmup} seconds before measuring (default 3), {@code -DserverCounterValuesMiB} the
     *             server driver's counter values buffer in MiB (default: scaled to N), {@code -DmembersPerDriver}
     *             clients per client-side driver (default 100).
     */
    public static void main(final String[] args)
    {
        final int[] counts = args.length > 0 ? new int[args.length] : new int[]{ 50, 100, 250, 500, 1000 };
        for (int i = 0; i < args.length; i++)
        {
            counts[i] = Integer.parseInt(args[i]);
        }
        final int seconds = Integer.getInteger("seconds", 10);
        final int warmupSeconds = Integer.getInteger("warmup", 3);

        System.out.printf("LoadHarness: %d Hz room, %d B shared snapshot, 1 event per %d ticks, %d s warm-up, " +
            "%d s measured, %d cores%n", TICK_RATE_HZ, STATE_LENGTH, EVENT_EVERY_TICKS, warmupSeconds, seconds,
            Runtime.getRuntime().availableProcessors());
        System.out.printf("%6s %8s %9s %9s %9s %9s %6s %6s %12s %12s %10s %9s %s%n",
            "N", "connect", "tick p50", "tick p99", "tick max", "ticks", "late", "conn", "srv cpu/cl", "proc cpu/cl",
            "snap/cl/s", "errors", "verdict");
        System.out.printf("%6s %8s %9s %9s %9s %9s %6s %6s %12s %12s %10s %9s%n",
            "", "s", "us", "us", "us", "", "", "", "us/s", "us/s", "", "");
        for (final int count : counts)
        {
            try
            {
                run(count, warmupSeconds, seconds);
            }
            catch (final RuntimeException ex)
            {
                System.out.printf("%6d failed: %s%n", count, ex);
                ex.printStackTrace(System.out);
            }
        }
    }

    private static void run(final int count, final int warmupSeconds, final int seconds)
    {
        final Errors errors = new Errors("load-server-" + count);
        final TickListener ticker = new TickListener();
        final int port = Ports.nextPair();
        GameServer server = null;
        EngineMembers members = null;
        try
        {
            server = GameServer.launch(new GameServer.Context()
                .bindAddress("127.0.0.1")
                .port(port)
                .maxSessions(Math.max(1024, count + 16))
                .maxMessagesPerSecond(Limits.UNLIMITED_RATE)
                .maxBytesPerSecond(Limits.UNLIMITED_RATE)
                .threadingMode(ThreadingMode.valueOf(System.getProperty("serverThreading", "SHARED")))
                .connectTimeoutNs(TimeUnit.SECONDS.toNanos(CONNECT_TIMEOUT_SECONDS))
                .keepAliveIntervalNs(TimeUnit.SECONDS.toNanos(1))
                .sessionTimeoutNs(TimeUnit.SECONDS.toNanos(SESSION_TIMEOUT_SECONDS))
                .driverCustomizer((driverCtx) -> driverCtx.counterValuesBufferLength(
                    Integer.getInteger("serverCounterValuesMiB", 0) > 0 ?
                    Integer.getInteger("serverCounterValuesMiB") * 1024 * 1024 :
                    CounterSizing.serverValuesLength(count, driverCtx.counterValuesBufferLength())))
                .idleStrategy(newIdleStrategy())
                .errorHandler(errors)
                .listener(new ServerListener()
                {
                    public void onStart(final GameServer server)
                    {
                        server.createRoom(ROOM_ID, new RoomOptions()
                            .maxMembers(count)
                            .tickRateHz(TICK_RATE_HZ)
                            .listener(ticker));
                    }
                }));

            final long connectStartNs = System.nanoTime();
            members = new EngineMembers(
                count, "127.0.0.1:" + port, Integer.getInteger("membersPerDriver", 100), false, () -> 0);
            members.awaitJoined(ROOM_ID, () -> 0);
            final double connectSeconds = (System.nanoTime() - connectStartNs) / 1e9;
            final int connectedAtStart = members.connectedCount();
            final int joinedAtStart = members.joinedCount();
            ticker.publishing = true;

            final EngineMembers polled = members;
            final IdleStrategy idle = newIdleStrategy();
            pollFor(polled, idle, TimeUnit.SECONDS.toNanos(warmupSeconds));

            final com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean();
            final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            final long serverThreadId = ticker.threadId;
            final long lateBefore = server.counter(EngineCounter.TICKS_LATE);
            final long ticksBefore = ticker.ticks;
            final long snapshotsBefore = members.snapshots();
            final long processCpuBefore = os.getProcessCpuTime();
            final long serverCpuBefore = threads.getThreadCpuTime(serverThreadId);
            ticker.recorder.reset();
            final long startNs = System.nanoTime();

            pollFor(polled, idle, TimeUnit.SECONDS.toNanos(seconds));

            final long elapsedNs = System.nanoTime() - startNs;
            final long processCpu = os.getProcessCpuTime() - processCpuBefore;
            final long serverCpu = threads.getThreadCpuTime(serverThreadId) - serverCpuBefore;
            final Histogram ticks = ticker.recorder.getIntervalHistogram();
            final long late = server.counter(EngineCounter.TICKS_LATE) - lateBefore;
            final long tickCount = ticker.ticks - ticksBefore;
            final long snapshots = members.snapshots() - snapshotsBefore;
            final long sessions = server.counter(EngineCounter.SESSIONS_ACTIVE);
            int connected = 0;
            for (int i = 0; i < count; i++)
            {
                connected += members.client(i).isConnected() ? 1 : 0;
            }
            final double elapsedSeconds = elapsedNs / 1e9;
            final double expectedTicks = elapsedSeconds * TICK_RATE_HZ;
            final double snapshotsPerClientSecond = snapshots / (double)count / elapsedSeconds;
            final boolean withinBudget = ticks.getValueAtPercentile(99) <= TICK_BUDGET_NS &&
                late <= expectedTicks * 0.01 && tickCount >= expectedTicks * 0.95 && connected == count &&
                snapshotsPerClientSecond >= TICK_RATE_HZ * 0.95;
            System.out.printf("%6d %8.1f %9.0f %9.0f %9.0f %9d %6d %6s %12.1f %12.1f %10.1f %9d %s%n",
                count,
                connectSeconds,
                ticks.getValueAtPercentile(50) / 1e3,
                ticks.getValueAtPercentile(99) / 1e3,
                ticks.getMaxValue() / 1e3,
                tickCount,
                late,
                connected + "/" + sessions,
                serverCpu / 1e3 / count / elapsedSeconds,
                processCpu / 1e3 / count / elapsedSeconds,
                snapshotsPerClientSecond,
                errors.count(),
                withinBudget ? "within budget" : "OVER BUDGET (a tick late or over 33 ms, a client lost, or under " +
                "95% of the snapshots delivered)");
            System.out.printf("       connect phase: %d of %d connected and %d joined the room before publishing " +
                "started%n", connectedAtStart, count, joinedAtStart);
            System.out.printf("       server: snapshot parts %d, as delta %d, in full %d, snapshot bytes %d, " +
                "fan-out skipped %d, sessions timed out %d; server thread CPU %.0f%%, process CPU %.0f%% " +
                "(of one core)%n",
                server.counter(EngineCounter.SNAPSHOTS_SENT),
                server.counter(EngineCounter.SNAPSHOTS_DELTA_SENT),
                server.counter(EngineCounter.SNAPSHOTS_FULL_SENT),
                server.counter(EngineCounter.SNAPSHOT_BYTES_SENT),
                server.counter(EngineCounter.FANOUT_SKIPPED),
                server.counter(EngineCounter.SESSIONS_TIMED_OUT),
                100.0 * serverCpu / elapsedNs,
                100.0 * processCpu / elapsedNs);
        }
        catch (final RuntimeException ex)
        {
            if (null != server)
            {
                System.out.printf("       server at failure: sessions %d active, %d accepted, %d resumed, %d timed out, " +
                    "%d connects rejected, %d dropped unauthenticated; %d errors%n",
                    server.counter(EngineCounter.SESSIONS_ACTIVE),
                    server.counter(EngineCounter.SESSIONS_ACCEPTED),
                    server.counter(EngineCounter.SESSIONS_RESUMED),
                    server.counter(EngineCounter.SESSIONS_TIMED_OUT),
                    server.counter(EngineCounter.CONNECTS_REJECTED),
                    server.counter(EngineCounter.DROPPED_UNAUTHENTICATED),
                    errors.count());
            }
            throw ex;
        }
        finally
        {
            CloseHelper.quietCloseAll(server);
            if (null != members)
            {
                try
                {
                    members.close();
                }
                catch (final RuntimeException ex)
                {
                    System.out.printf("       members closed with errors: %s%n", ex.getMessage());
                }
            }
        }
    }

    /**
     * Idle strategy of the server thread and the client polling thread: spin and yield a little, then park for up to
     * 1 ms, so CPU time measures work rather than idle yielding (a 30 Hz tick does not need microsecond wake-ups).
     */
    private static IdleStrategy newIdleStrategy()
    {
        return new BackoffIdleStrategy(10, 20, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(1));
    }

    private static void pollFor(final EngineMembers members, final IdleStrategy idle, final long durationNs)
    {
        final long endNs = System.nanoTime() + durationNs;
        while (System.nanoTime() - endNs < 0)
        {
            idle.idle(members.poll());
        }
    }

    /**
     * The room's tick: step the state, publish it as a shared snapshot, broadcast an event now and then; records the
     * tick's duration.
     */
    static final class TickListener implements RoomListener
    {
        final Recorder recorder = new Recorder(TimeUnit.SECONDS.toNanos(10), 3);
        final SteppedState state = new SteppedState();
        final UnsafeBuffer event = new UnsafeBuffer(BufferUtil.allocateDirectAligned(32, 64));
        volatile long threadId;
        volatile long ticks;
        volatile boolean publishing;

        public void onTick(final Room room, final long tick, final long nowNs)
        {
            if (!publishing)
            {
                return;
            }
            final long startNs = System.nanoTime();
            state.step(tick);
            room.publishSharedSnapshot(tick, state.buffer(), 0, STATE_LENGTH);
            if (tick % EVENT_EVERY_TICKS == 0)
            {
                event.putLong(0, tick);
                room.broadcast(EngineMembers.EVENT_TYPE_ID, event, 0, event.capacity());
            }
            recorder.recordValue(Math.min(System.nanoTime() - startNs, TimeUnit.SECONDS.toNanos(10)));
            if (0 == threadId)
            {
                threadId = Thread.currentThread().getId();
            }
            ticks = ticks + 1;
        }
    }
}
