package io.skirmish.benchmarks;

import io.skirmish.benchmarks.rig.Deadline;
import io.skirmish.benchmarks.rig.EchoRig;
import io.skirmish.benchmarks.rig.SpectatorLoad;
import io.skirmish.benchmarks.rig.Threading;
import io.skirmish.engine.EngineCounter;
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.YieldingIdleStrategy;
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
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

/**
 * What a durable room costs the players: the event round trip of {@link EventRoundTripBenchmark} (a client emits a
 * 32-byte event to its room, the server validates, sequences and relays it back), the server on its own thread
 * (SHARED mode), with a plain room and with a durable one (every event also recorded to an Aeron Archive embedded in
 * the server, invoked by the server's thread, writing to disk), side by side in one run; and, with
 * {@link RoomKind#SPECTATED}, with {@code spectators} spectators ({@code GameClient.spectate}) watching the durable
 * room {@code spectatorDelayMs} behind, on a driver and a thread of their own ({@link SpectatorLoad}). Compare the
 * p99 of the rows.
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar DurableRoundTrip -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = { "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED" })
@State(Scope.Thread)
public class DurableRoundTripBenchmark
{
    /** A plain room or a durable one. */
    public enum RoomKind
    {
        /** Not recorded. */
        PLAIN,
        /** Recorded to the server's embedded archive. */
        DURABLE,
        /** Durable, and watched by {@code spectators} spectators {@code spectatorDelayMs} behind. */
        SPECTATED
    }

    /** Plain or durable. */
    @Param({ "PLAIN", "DURABLE", "SPECTATED" })
    public RoomKind room;

    /** Spectators of a {@link RoomKind#SPECTATED} room, on a driver and a thread of their own. */
    @Param({ "50" })
    public int spectators;

    /** How far behind the live room the spectators watch. */
    @Param({ "2000" })
    public long spectatorDelayMs;

    private static final int PAYLOAD_LENGTH = 32;

    private final IdleStrategy idle = new YieldingIdleStrategy();
    private UnsafeBuffer payload;
    private File archiveDir;
    private EchoRig rig;
    private SpectatorLoad spectatorLoad;
    private long sent;
    private long received;

    /**
     * Launch the rig (and the spectators) and wait until it echoes.
     */
    @Setup(Level.Trial)
    public void setup()
    {
        payload = new UnsafeBuffer(BufferUtil.allocateDirectAligned(PAYLOAD_LENGTH, 64));
        try
        {
            archiveDir = RoomKind.PLAIN != room ? Files.createTempDirectory("skirmish-rtt-archive").toFile() : null;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        rig = null == archiveDir ?
            EchoRig.launchEngine(Threading.THREADED, new YieldingIdleStrategy(), this::onEcho, null, false) :
            EchoRig.launchDurable(Threading.THREADED, new YieldingIdleStrategy(), this::onEcho, archiveDir);
        spectatorLoad = SpectatorLoad.launch(RoomKind.SPECTATED == room ? spectators : 0, rig.server(),
            "127.0.0.1:" + rig.server().context().port(), EchoRig.ENGINE_ROOM_ID,
            TimeUnit.MILLISECONDS.toNanos(spectatorDelayMs));
    }

    /**
     * Release everything; fails the trial if the rig recorded errors.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        if (null != archiveDir)
        {
            System.out.println("durable room: recording frames deferred " +
                rig.server().counter(EngineCounter.RECORDING_FRAMES_DEFERRED) + ", lost " +
                rig.server().counter(EngineCounter.RECORDING_FRAMES_LOST) + "; spectators handed " +
                spectatorLoad.framesReceived() + " frames; server: feed spectators " +
                rig.server().counter(EngineCounter.FEED_SPECTATORS) + ", archive replays " +
                rig.server().counter(EngineCounter.FEED_ARCHIVE_REPLAYS) + ", frames sent " +
                rig.server().counter(EngineCounter.FEED_FRAMES_SENT) + ", resent " +
                rig.server().counter(EngineCounter.FEED_FRAMES_RESENT));
        }
        CloseHelper.closeAll(spectatorLoad, rig);
        if (null != archiveDir)
        {
            IoUtil.delete(archiveDir, true);
        }
    }

    private void onEcho(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length != PAYLOAD_LENGTH || buffer.getLong(offset) != sent)
        {
            throw new IllegalStateException("unexpected echo: length=" + length + " seq=" + buffer.getLong(offset) +
                " expected " + sent);
        }
        received++;
    }

    /**
     * Send one event and wait for it to come back.
     *
     * @return echoes received so far.
     */
    @Benchmark
    public long roundTrip()
    {
        final EchoRig rig = this.rig;
        payload.putLong(0, ++sent);
        final long startNs = System.nanoTime();
        while (!rig.send(payload, 0, PAYLOAD_LENGTH))
        {
            awaitWork(startNs);
        }
        while (received < sent)
        {
            awaitWork(startNs);
        }
        return received;
    }

    private void awaitWork(final long startNs)
    {
        final int work = rig.poll() + spectatorLoad.poll();
        if (0 == work)
        {
            Deadline.checkStuck(startNs, System.nanoTime(), "an echo");
        }
        idle.idle(work);
    }

    /**
     * Run this benchmark alone.
     *
     * @param args ignored.
     * @throws RunnerException if a benchmark fails.
     */
    public static void main(final String[] args) throws RunnerException
    {
        new Runner(new OptionsBuilder()
            .include(DurableRoundTripBenchmark.class.getName())
            .shouldFailOnError(true)
            .build()).run();
    }
}
