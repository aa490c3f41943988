package io.skirmish.benchmarks;

import com.sun.management.ThreadMXBean;
import io.skirmish.benchmarks.rig.Deadline;
import io.skirmish.benchmarks.rig.Errors;
import io.skirmish.benchmarks.rig.Limits;
import io.skirmish.benchmarks.rig.Ports;
import io.skirmish.benchmarks.rig.SpectatorLoad;
import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.ThreadingMode;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.Room;
import io.skirmish.engine.server.RoomOptions;
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

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

/**
 * Allocation on the spectator feed path, to be read with {@code -prof gc}: {@code gc.alloc.rate.norm} should be
 * about 0 B/op. The benchmark thread runs an INVOKER server with an embedded archive (invoked with its driver) and a
 * durable room; {@value #SPECTATORS} spectators {@code delayMs} behind run on a thread of their own (their own
 * driver). Each operation broadcasts a 32-byte event to the room and drives the server for 200 us (so about 5,000
 * events a second, 40,000 feed frames a second once due): the
 * recording, the one archive replay read into the feed's ring, each spectator's flush (packing what is due into a
 * FEED_FRAME, sealing, offering) and the acknowledgements coming back. The benchmark thread's own figure (the
 * server alone) is printed per iteration beside JMH's whole-JVM one (which includes the spectators' thread).
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar FeedAllocation -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED" })
@State(Scope.Thread)
public class FeedAllocationBenchmark
{
    /** Spectators of the room. */
    public static final int SPECTATORS = 8;

    private static final int ROOM_ID = 1;
    private static final long OP_NS = TimeUnit.MICROSECONDS.toNanos(200);
    private static final ThreadMXBean THREADS = (ThreadMXBean)ManagementFactory.getThreadMXBean();

    /** The spectators' delay: 0 sends each event on the flush after it is recorded. */
    @Param({ "0", "200" })
    public long delayMs;

    /** The server's feed flush interval. */
    @Param({ "0", "50" })
    public long flushMs;

    private final Errors errors = new Errors("feed-allocation");
    private final UnsafeBuffer event = new UnsafeBuffer(BufferUtil.allocateDirectAligned(32, 64));
    private GameServer server;
    private Room room;
    private SpectatorLoad spectators;
    private File archiveDir;
    private long ops;
    private long threadBytesAtStart;
    private long framesSentAtStart;

    /**
     * Launch the server, the room and the spectators, and wait until every spectator has frames.
     */
    @Setup(Level.Trial)
    public void setup()
    {
        final int port = Ports.nextPair();
        try
        {
            archiveDir = Files.createTempDirectory("skirmish-feed-allocation-archive").toFile();
            server = GameServer.launch(new GameServer.Context()
                .archiveDirectoryName(archiveDir.getAbsolutePath())
                .bindAddress("127.0.0.1")
                .port(port)
                .maxMessagesPerSecond(Limits.UNLIMITED_RATE)
                .maxBytesPerSecond(Limits.UNLIMITED_RATE)
                .feedFlushIntervalNs(TimeUnit.MILLISECONDS.toNanos(flushMs))
                .threadingMode(ThreadingMode.INVOKER)
                .errorHandler(errors));
            room = server.createRoom(ROOM_ID, new RoomOptions().durable(true));
            for (int i = 0; i < 10; i++)
            {
                room.broadcast(1, event, 0, event.capacity());
                driveServer(TimeUnit.MILLISECONDS.toNanos(5));
            }
            spectators = new Launch(port).run();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(spectators, server);
            throw ex;
        }
    }

    /**
     * One event recorded and fed to every spectator (once due), with a few server duty cycles.
     *
     * @return the seq, so that the work is not optimised away.
     */
    @Benchmark
    public long broadcastAndFeed()
    {
        ops++;
        event.putLong(0, ops);
        final long seq = room.broadcast(1, event, 0, event.capacity());
        driveServer(OP_NS);
        return seq;
    }

    private void driveServer(final long durationNs)
    {
        final long startNs = System.nanoTime();
        do
        {
            server.poll();
        }
        while (System.nanoTime() - startNs < durationNs);
    }

    /**
     * Start counting what this thread allocates.
     */
    @Setup(Level.Iteration)
    public void startIteration()
    {
        ops = 0;
        framesSentAtStart = server.counter(EngineCounter.FEED_FRAMES_SENT);
        threadBytesAtStart = THREADS.getCurrentThreadAllocatedBytes();
    }

    /**
     * Print what this thread (the server) allocated per operation, and the feed frames sent.
     */
    @TearDown(Level.Iteration)
    public void endIteration()
    {
        final long bytes = THREADS.getCurrentThreadAllocatedBytes() - threadBytesAtStart;
        System.out.printf("%n  server thread only: %.3f B/op (%d B, %d ops); feed frames sent %d, feeds open %d%n",
            ops > 0 ? (double)bytes / ops : 0.0, bytes, ops,
            server.counter(EngineCounter.FEED_FRAMES_SENT) - framesSentAtStart,
            server.counter(EngineCounter.FEED_SPECTATORS));
    }

    /**
     * Release everything; fails the trial if anything recorded errors.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        System.out.printf("%n  feed frames sent %d in %d batches, resent %d, acks %d%n",
            server.counter(EngineCounter.FEED_FRAMES_SENT), server.counter(EngineCounter.FEED_BATCHES_SENT),
            server.counter(EngineCounter.FEED_FRAMES_RESENT), server.counter(EngineCounter.FEED_ACKS_RECEIVED));
        CloseHelper.closeAll(spectators, server);
        IoUtil.delete(archiveDir, true);
        errors.check();
    }

    private final class Launch
    {
        private final int port;

        Launch(final int port)
        {
            this.port = port;
        }

        SpectatorLoad run()
        {
            final SpectatorLoad[] load = new SpectatorLoad[1];
            final Thread launcher = new Thread(() -> load[0] = SpectatorLoad.launch(SPECTATORS, server,
                "127.0.0.1:" + port, ROOM_ID, TimeUnit.MILLISECONDS.toNanos(delayMs)), "feed-allocation-launcher");
            launcher.start();
            Deadline.await(() -> !launcher.isAlive(), 60_000, server::poll, () -> "spectators launched");
            final SpectatorLoad spectators = load[0];
            if (null == spectators)
            {
                throw new IllegalStateException("the spectators did not launch");
            }
            Deadline.await(() -> allHaveFrames(spectators), 60_000, () ->
            {
                room.broadcast(1, event, 0, event.capacity());
                driveServer(TimeUnit.MILLISECONDS.toNanos(1));
                return 1;
            }, () -> "every spectator has frames: " + spectators.framesReceived());
            return spectators;
        }

        private boolean allHaveFrames(final SpectatorLoad spectators)
        {
            for (int i = 0; i < spectators.count(); i++)
            {
                if (spectators.framesReceived(i) == 0)
                {
                    return false;
                }
            }
            return true;
        }
    }
}
