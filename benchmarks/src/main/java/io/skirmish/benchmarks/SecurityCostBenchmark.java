package io.skirmish.benchmarks;

import io.skirmish.benchmarks.rig.Deadline;
import io.skirmish.benchmarks.rig.EchoRig;
import io.skirmish.benchmarks.rig.Threading;
import io.skirmish.engine.security.ConnectTokens;
import io.skirmish.engine.client.GameClient;
import io.skirmish.engine.server.GameServer;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
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

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * What connect tokens and per-frame authentication cost, in the same run:
 * <ul>
 *     <li>{@link #roundTrip()}: a {@link GameClient} (INVOKER, benchmark thread) emits a 32-byte event to its room
 *     of one; the {@link GameServer} (SHARED mode, own thread) validates, sequences and relays it back. With
 *     {@link Security#PLAIN} the server accepts every client; with {@link Security#AUTHENTICATED} the server has
 *     {@code connectTokenSecret} and the client connects with a token minted by {@link ConnectTokens}, so every
 *     client frame carries a SipHash-2-4 trailer that the server checks; with {@link Security#ENCRYPTED} the client
 *     also asks for payload encryption, so the emit is sealed by the client and opened by the server, and the echo
 *     sealed by the server and opened by the client (four AES-GCM operations per round trip). The ratios to PLAIN
 *     are the per-frame costs on the round trip (the SipHash and the cipher are package-private, so they are
 *     measured through the round trip).</li>
 *     <li>{@link #tokenVerify()} and {@link #tokenMint()}: the HMAC-SHA256 connect-token check a server does once
 *     per connect (without the engine's nonce-replay bookkeeping), and the backend's minting.</li>
 * </ul>
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar SecurityCost
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED" })
@State(Scope.Thread)
public class SecurityCostBenchmark
{
    /** Whether clients connect with tokens and authenticate their frames. */
    public enum Security
    {
        /** No token: the server accepts every client, frames carry no MAC. */
        PLAIN,
        /** Connect token, and a SipHash-2-4 trailer on every client-to-server frame. */
        AUTHENTICATED,
        /** Connect token, and every frame both ways AES-128-GCM encrypted and authenticated. */
        ENCRYPTED
    }

    private static final int PAYLOAD_LENGTH = 32;
    private static final byte[] SECRET =
        "skirmish-benchmark-secret-0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final String TOKEN_SERVER = "127.0.0.1:40000";

    /** Security setting of the round trip. */
    @Param({ "PLAIN", "AUTHENTICATED", "ENCRYPTED" })
    public Security security;

    private final IdleStrategy idle = new YieldingIdleStrategy();
    private final UnsafeBuffer payload = new UnsafeBuffer(BufferUtil.allocateDirectAligned(PAYLOAD_LENGTH, 64));
    private final String[] tokenServers = { TOKEN_SERVER };
    private ConnectTokens backend;
    private ConnectTokens verifier;
    private UnsafeBuffer token;
    private EchoRig rig;
    private long sent;
    private long received;
    private long clientId;

    /**
     * Launch the server (with or without a token secret) and the client, and wait until the client is in its room.
     */
    @Setup(Level.Trial)
    public void setup()
    {
        backend = new ConnectTokens(SECRET);
        verifier = new ConnectTokens(SECRET);
        final byte[] minted = backend.mint(1, System.currentTimeMillis() + 3_600_000L, TOKEN_SERVER, new byte[0])
            .token();
        token = new UnsafeBuffer(minted);

        rig = EchoRig.launchEngine(Threading.THREADED, new YieldingIdleStrategy(), this::onEcho,
            Security.PLAIN == security ? null : SECRET, Security.ENCRYPTED == security);
    }

    /**
     * Release client and server; fails the trial if either recorded errors.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        rig.close();
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
     * Emit one event to the room of one and wait for it to come back.
     *
     * @return echoes received so far.
     */
    @Benchmark
    public long roundTrip()
    {
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
        final int work = rig.poll();
        if (0 == work)
        {
            Deadline.checkStuck(startNs, System.nanoTime(), "an echo");
        }
        idle.idle(work);
    }

    /**
     * Verify a connect token (HMAC-SHA256, expiry, server address), as a server does once per connect. Independent
     * of {@link #security}.
     *
     * @return the verify result ({@link ConnectTokens#VALID}).
     */
    @Benchmark
    public int tokenVerify()
    {
        return verifier.verify(token, 0, token.capacity(), System.currentTimeMillis(), tokenServers);
    }

    /**
     * Mint a connect token and its session key, as the game's backend does once per connect. Independent of
     * {@link #security}.
     *
     * @return the token length.
     */
    @Benchmark
    public int tokenMint()
    {
        return backend.mint(++clientId, System.currentTimeMillis() + 60_000L, TOKEN_SERVER, new byte[0])
            .token().length;
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
            .include(SecurityCostBenchmark.class.getName())
            .shouldFailOnError(true)
            .build()).run();
    }
}
