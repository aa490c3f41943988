package io.skirmish.benchmarks;

import io.aeron.Aeron;
import io.aeron.ChannelUriStringBuilder;
import io.aeron.ExclusivePublication;
import io.aeron.driver.MediaDriver;
import io.skirmish.engine.client.ClientListener;
import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.client.GameClient;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.RoomOptions;
import io.skirmish.engine.ThreadingMode;
import org.HdrHistogram.Histogram;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Event latency of well-behaved sessions with and without a flooding client, measured side by side in one run.
 * Two good clients emit timestamped room events at a fixed rate and time each one's return through the server;
 * in the second phase a flooder sends, as fast as it can, oversized messages and spam through a real session (rate
 * limited, eventually kicked and reconnecting) and random bytes through a raw Aeron publication to the server's
 * request port. Prints p50/p99/p99.9 of both phases and their ratio.
 * <pre>
 * java --add-opens java.base/jdk.internal.misc=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
 *     io.skirmish.benchmarks.FloodLatency [seconds per phase, default 10] [inproc|isolated]
 * </pre>
 * {@code inproc} (default) floods from a thread of the same process, so the flooder's own CPU use competes with the
 * server on a small machine. {@code isolated} pins this process to CPU 0 and runs the flooder as a separate JVM
 * pinned to CPU 1 (needs {@code taskset}), so the figure shows what handling the flood costs the server.
 */
public final class FloodLatency
{
    private static final int ROOM = 1;
    private static final int PORT = Integer.getInteger("skirmish.bench.port", 46_200);
    private static final long EVENT_INTERVAL_NS = TimeUnit.MICROSECONDS.toNanos(1000);

    private FloodLatency()
    {
    }

    /**
     * @param args optional phase length in seconds.
     */
    public static void main(final String[] args)
    {
        final int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        if (args.length > 1 && "flood".equals(args[1]))
        {
            final AtomicBoolean running = new AtomicBoolean(true);
            final AtomicLong frames = new AtomicLong();
            final Thread stopper = new Thread(() ->
            {
                final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
                while (System.nanoTime() - end < 0)
                {
                    Thread.onSpinWait();
                    Thread.yield();
                }
                running.set(false);
            });
            stopper.setDaemon(true);
            stopper.start();
            flood(running, frames);
            System.out.println("flood frames sent=" + frames.get());
            return;
        }
        final boolean isolated = args.length > 1 && "isolated".equals(args[1]);
        try (GameServer server = GameServer.launch(new GameServer.Context()
            .bindAddress("127.0.0.1")
            .port(PORT)
            .threadingMode(ThreadingMode.SHARED)
            .listener(new io.skirmish.engine.server.ServerListener()
            {
                public void onStart(final GameServer s)
                {
                    s.createRoom(ROOM, new RoomOptions());
                }
            })))
        {
            final Histogram quiet = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
            final Histogram flooded = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
            final Good a = new Good();
            final Good b = new Good();
            try
            {
                a.connect();
                b.connect();
                measure(a, b, seconds, null);
                measure(a, b, seconds, quiet);

                final AtomicBoolean running = new AtomicBoolean(true);
                final AtomicLong floodFrames = new AtomicLong();
                if (isolated)
                {
                    final Process flooder = new ProcessBuilder("taskset", "-c", "1",
                        ProcessHandle.current().info().command().orElse("java"),
                        "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
                        "-Dskirmish.bench.port=" + PORT,
                        "-cp", System.getProperty("java.class.path"),
                        FloodLatency.class.getName(), Integer.toString(seconds + 2), "flood")
                        .inheritIO().start();
                    measure(a, b, 2, null);
                    measure(a, b, seconds, flooded);
                    flooder.waitFor();
                }
                else
                {
                    final Thread flooder = new Thread(() -> flood(running, floodFrames), "flooder");
                    flooder.start();
                    measure(a, b, seconds, flooded);
                    running.set(false);
                    flooder.join();
                }

                System.out.printf("without flood: p50=%.1f us p99=%.1f us p99.9=%.1f us (n=%d)%n",
                    quiet.getValueAtPercentile(50) / 1e3, quiet.getValueAtPercentile(99) / 1e3,
                    quiet.getValueAtPercentile(99.9) / 1e3, quiet.getTotalCount());
                System.out.printf("with flood:    p50=%.1f us p99=%.1f us p99.9=%.1f us (n=%d)%n",
                    flooded.getValueAtPercentile(50) / 1e3, flooded.getValueAtPercentile(99) / 1e3,
                    flooded.getValueAtPercentile(99.9) / 1e3, flooded.getTotalCount());
                System.out.printf("p99 ratio flood/quiet = %.2f; flood frames sent=%d; server dropped: malformed=%d " +
                    "oversize=%d unauthenticated=%d rate-limited=%d bad-version=%d unknown-type=%d kicked=%d%n",
                    (double)flooded.getValueAtPercentile(99) / quiet.getValueAtPercentile(99), floodFrames.get(),
                    server.counter(EngineCounter.DROPPED_MALFORMED), server.counter(EngineCounter.DROPPED_OVERSIZE),
                    server.counter(EngineCounter.DROPPED_UNAUTHENTICATED),
                    server.counter(EngineCounter.DROPPED_RATE_LIMITED),
                    server.counter(EngineCounter.DROPPED_BAD_VERSION),
                    server.counter(EngineCounter.DROPPED_UNKNOWN_TYPE),
                    server.counter(EngineCounter.SESSIONS_KICKED_FOR_ABUSE));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            catch (final java.io.IOException ex)
            {
                throw new java.io.UncheckedIOException(ex);
            }
            finally
            {
                CloseHelper.quietCloseAll(a.client, b.client);
            }
        }
    }

    /** A well-behaved client timing its own events' round trip through the room. */
    static final class Good implements ClientListener
    {
        GameClient client;
        Histogram histogram;
        long received;

        void connect()
        {
            client = GameClient.connect(new GameClient.Context().server("127.0.0.1:" + PORT).listener(this));
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!client.isConnected() && System.nanoTime() < deadline)
            {
                client.poll();
            }
            client.join(ROOM);
            while (!client.isMemberOf(ROOM) && System.nanoTime() < deadline)
            {
                client.poll();
            }
            if (!client.isMemberOf(ROOM))
            {
                throw new IllegalStateException("could not join: " + client.state());
            }
        }

        public void onEvent(
            final int roomId, final long seq, final int senderSessionId, final int typeId,
            final DirectBuffer buffer, final int offset, final int length)
        {
            if (senderSessionId == client.sessionId() && length >= 8)
            {
                received++;
                if (null != histogram)
                {
                    histogram.recordValue(Math.max(1, System.nanoTime() - buffer.getLong(offset)));
                }
            }
        }
    }

    private static void measure(final Good a, final Good b, final int seconds, final Histogram histogram)
    {
        a.histogram = histogram;
        b.histogram = histogram;
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[32]);
        final long start = System.nanoTime();
        final long end = start + TimeUnit.SECONDS.toNanos(seconds);
        long next = start;
        boolean turn = false;
        while (System.nanoTime() - end < 0)
        {
            final long now = System.nanoTime();
            if (now - next >= 0)
            {
                next += EVENT_INTERVAL_NS;
                payload.putLong(0, next - EVENT_INTERVAL_NS);
                (turn ? a : b).client.emit(ROOM, 1, payload, 0, payload.capacity());
                turn = !turn;
            }
            a.client.poll();
            b.client.poll();
        }
    }

    private static void flood(final AtomicBoolean running, final AtomicLong frames)
    {
        final SplittableRandom random = new SplittableRandom(1);
        try (MediaDriver driver = MediaDriver.launchEmbedded(new MediaDriver.Context()
            .threadingMode(io.aeron.driver.ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy())
            .publicationTermBufferLength(64 * 1024)
            .dirDeleteOnShutdown(true));
            Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName())))
        {
            final ExclusivePublication raw = aeron.addExclusivePublication(new ChannelUriStringBuilder()
                .media("udp").endpoint("127.0.0.1:" + PORT).build(), 0x5C01);
            final UnsafeBuffer garbage = new UnsafeBuffer(new byte[2048]);
            final UnsafeBuffer big = new UnsafeBuffer(new byte[60_000]);
            GameClient spammer = null;
            while (running.get())
            {
                if (null == spammer || spammer.state().isFailure() ||
                    spammer.state() == io.skirmish.engine.client.ClientState.DISCONNECTED)
                {
                    CloseHelper.quietClose(spammer);
                    spammer = GameClient.connect(new GameClient.Context()
                        .server("127.0.0.1:" + PORT)
                        .maxMessageLength(60_000)
                        .termLength(1024 * 1024));
                }
                for (int i = 0; i < 64; i++)
                {
                    final int length = random.nextInt(garbage.capacity());
                    garbage.putByte(0, (byte)random.nextInt(256));
                    if (raw.offer(garbage, 0, length) > 0)
                    {
                        frames.incrementAndGet();
                    }
                    if (spammer.isConnected())
                    {
                        final boolean oversized = random.nextBoolean();
                        if (spammer.send(1, oversized ? big : garbage, 0, oversized ? big.capacity() : 64) > 0)
                        {
                            frames.incrementAndGet();
                        }
                    }
                }
                spammer.poll();
                Thread.yield();
            }
            CloseHelper.quietClose(spammer);
        }
    }
}
