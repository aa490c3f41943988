package io.skirmish.benchmarks;

import com.sun.management.ThreadMXBean;
import io.skirmish.benchmarks.rig.Deadline;
import io.skirmish.benchmarks.rig.EngineMembers;
import io.skirmish.benchmarks.rig.Limits;
import io.skirmish.benchmarks.rig.Errors;
import io.skirmish.benchmarks.rig.Ports;
import io.skirmish.benchmarks.rig.ScrapedMetrics;
import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.client.GameClient;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.Room;
import io.skirmish.engine.server.RoomOptions;
import io.skirmish.engine.server.Session;
import io.skirmish.engine.ThreadingMode;
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

/**
 * Allocation on the engine's hot paths, to be read with {@code -prof gc}: {@code gc.alloc.rate.norm} should be
 * about 0 B/op. Everything runs on the benchmark thread (INVOKER server with its own driver, and
 * {@value #MEMBERS} INVOKER clients sharing one client-side driver), and each operation also drives both sides
 * once, so the figure covers sender and receiver together. JMH's GC profiler counts every thread of the JVM.
 * <ul>
 *     <li>{@link #serverFanOut()}: {@code Room.broadcast} of a raw 32-byte buffer to {@value #MEMBERS} members, and
 *     their clients' receive path (frame validation, in-order delivery, raw {@code onEvent}).</li>
 *     <li>{@link #clientEmitAndReceive()}: a client emits a 32-byte event to a room of one; the server validates,
 *     sequences and relays it; the client receives it (one full round trip per operation).</li>
 *     <li>{@link #snapshotSend()} and {@link #snapshotSendSplit()}: {@code GameServer.sendSnapshot} of 64 bytes
 *     (one part) and 4000 bytes (three parts, reassembled by the client).</li>
 *     <li>{@link #inputSend()}: {@code GameClient.sendInput} of 16 bytes (with 8-deep redundancy), and the server's
 *     input handling.</li>
 * </ul>
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar HotPathAllocation -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED" })
@State(Scope.Thread)
public class HotPathAllocationBenchmark
{
    /** Members of the fan-out room. */
    public static final int MEMBERS = 8;

    /**
     * With the metrics module sampling the server once a second (its task on this thread, the conductor) and a
     * Prometheus scrape once a second on another thread. JMH's GC profiler counts every thread, the sampler's and
     * the scraper's included.
     */
    @Param({ "false", "true" })
    public boolean scrapedMetrics;

    /**
     * With both rooms durable: every event also recorded to an Aeron Archive embedded in the server, which the
     * benchmark thread invokes with the driver (so its allocation, if any, is in the benchmark thread's figure).
     */
    @Param({ "false", "true" })
    public boolean durableRooms;

    private static final int FAN_OUT_ROOM_ID = 1;
    private static final int SOLO_ROOM_ID = 2;

    private static final ThreadMXBean THREADS = (ThreadMXBean)ManagementFactory.getThreadMXBean();

    private final Errors errors = new Errors("hot-path-allocation");
    private final UnsafeBuffer event = new UnsafeBuffer(BufferUtil.allocateDirectAligned(32, 64));
    private final UnsafeBuffer snapshot = new UnsafeBuffer(BufferUtil.allocateDirectAligned(4000, 64));
    private final UnsafeBuffer input = new UnsafeBuffer(BufferUtil.allocateDirectAligned(16, 64));
    private GameServer server;
    private EngineMembers members;
    private ScrapedMetrics metrics;
    private GameClient soloClient;
    private Room fanOutRoom;
    private Session soloSession;
    private long tick;
    private long inputTick;
    private long ops;
    private long threadBytesAtStart;
    private File archiveDir;

    /**
     * Launch the server and the members, and put them in their rooms.
     */
    @Setup(Level.Trial)
    public void setup()
    {
        final int port = Ports.nextPair();
        try
        {
            archiveDir = durableRooms ? Files.createTempDirectory("skirmish-allocation-archive").toFile() : null;
            server = GameServer.launch(new GameServer.Context()
                .archiveDirectoryName(durableRooms ? archiveDir.getAbsolutePath() : null)
                .bindAddress("127.0.0.1")
                .port(port)
                .maxMessagesPerSecond(Limits.UNLIMITED_RATE)
                .maxBytesPerSecond(Limits.UNLIMITED_RATE)
                .threadingMode(ThreadingMode.INVOKER)
                .errorHandler(errors));
            fanOutRoom = server.createRoom(FAN_OUT_ROOM_ID,
                new RoomOptions().maxMembers(MEMBERS).durable(durableRooms));
            server.createRoom(SOLO_ROOM_ID, new RoomOptions().maxMembers(1).durable(durableRooms));
            members = new EngineMembers(MEMBERS, "127.0.0.1:" + port, true, server::poll);
            members.awaitJoined(FAN_OUT_ROOM_ID, server::poll);
            soloClient = members.client(0);
            soloClient.join(SOLO_ROOM_ID);
            Deadline.await(() -> soloClient.isMemberOf(SOLO_ROOM_ID), 10_000, this::pollAll,
                () -> "member 0 joined the solo room");
            soloSession = server.session(soloClient.sessionId());
            metrics = scrapedMetrics ? new ScrapedMetrics(server) : null;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(metrics, members, server);
            throw ex;
        }
    }

    /**
     * Release everything; fails the trial if anything recorded errors. The server goes first, while its sessions are
     * still connected, so its close flushes at once: JMH's GC profiler counts the trial's teardown in the last
     * measurement iteration.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        if (durableRooms)
        {
            System.out.printf("%n  durable rooms: recording frames deferred %d, lost %d%n",
                server.counter(EngineCounter.RECORDING_FRAMES_DEFERRED),
                server.counter(EngineCounter.RECORDING_FRAMES_LOST));
        }
        CloseHelper.closeAll(metrics, server, members);
        if (null != archiveDir)
        {
            IoUtil.delete(archiveDir, true);
        }
        errors.check();
    }

    /**
     * Start counting what this thread allocates: it runs the server's conductor (the metrics' sampling task
     * included), the clients and the benchmark loop, but not the sampler's or the scraper's threads.
     */
    @Setup(Level.Iteration)
    public void startIteration()
    {
        ops = 0;
        threadBytesAtStart = THREADS.getCurrentThreadAllocatedBytes();
    }

    /**
     * Print what this thread allocated per operation in the iteration, beside JMH's whole-JVM figure.
     */
    @TearDown(Level.Iteration)
    public void endIteration()
    {
        final long bytes = THREADS.getCurrentThreadAllocatedBytes() - threadBytesAtStart;
        System.out.printf("%n  benchmark thread only (conductor, clients, sampling task): %.3f B/op (%d B, %d ops)%n",
            ops > 0 ? (double)bytes / ops : 0.0, bytes, ops);
    }

    private int pollAll()
    {
        return server.poll() + members.poll();
    }

    /**
     * Broadcast a raw event to the fan-out room, then drive server and members once.
     *
     * @return work count.
     */
    @Benchmark
    public int serverFanOut()
    {
        ops++;
        fanOutRoom.broadcast(EngineMembers.EVENT_TYPE_ID, event, 0, event.capacity());
        return pollAll();
    }

    /**
     * Emit from a client to its room of one and drive until the relayed event is delivered back.
     *
     * @return events delivered so far.
     */
    @Benchmark
    public long clientEmitAndReceive()
    {
        ops++;
        final long target = members.events() + 1;
        final long startNs = System.nanoTime();
        while (soloClient.emit(SOLO_ROOM_ID, EngineMembers.EVENT_TYPE_ID, event, 0, event.capacity()) <= 0)
        {
            awaitWork(startNs);
        }
        while (members.events() < target)
        {
            awaitWork(startNs);
        }
        return members.events();
    }

    private void awaitWork(final long startNs)
    {
        if (0 == pollAll())
        {
            Deadline.checkStuck(startNs, System.nanoTime(), "the relayed event");
            Thread.yield();
        }
    }

    /**
     * Send a one-part snapshot, then drive server and members once.
     *
     * @return work count.
     */
    @Benchmark
    public int snapshotSend()
    {
        ops++;
        server.sendSnapshot(soloSession, FAN_OUT_ROOM_ID, ++tick, snapshot, 0, 64);
        return pollAll();
    }

    /**
     * Send a three-part snapshot, then drive server and members once.
     *
     * @return work count.
     */
    @Benchmark
    public int snapshotSendSplit()
    {
        ops++;
        server.sendSnapshot(soloSession, FAN_OUT_ROOM_ID, ++tick, snapshot, 0, snapshot.capacity());
        return pollAll();
    }

    /**
     * Send one input (with redundancy), then drive server and members once.
     *
     * @return work count.
     */
    @Benchmark
    public int inputSend()
    {
        ops++;
        soloClient.sendInput(++inputTick, input, 0, input.capacity());
        return pollAll();
    }

    /**
     * Run this benchmark alone with the GC profiler.
     *
     * @param args ignored.
     * @throws RunnerException if a benchmark fails.
     */
    public static void main(final String[] args) throws RunnerException
    {
        new Runner(new OptionsBuilder()
            .include(HotPathAllocationBenchmark.class.getName())
            .addProfiler("gc")
            .shouldFailOnError(true)
            .build()).run();
    }
}
