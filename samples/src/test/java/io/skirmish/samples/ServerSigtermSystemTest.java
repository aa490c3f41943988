package io.skirmish.samples;

import io.skirmish.engine.DisconnectReason;
import io.skirmish.engine.RecordingClientListener;
import io.skirmish.engine.Tests;
import io.skirmish.engine.client.ClientState;
import io.skirmish.engine.client.GameClient;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo server as a real separate process, stopped by SIGTERM ({@code ProcessHandle.destroy()} on Linux) as an
 * orchestrator stops it: it drains (readiness 503, a new connect refused with {@code SERVER_DRAINING}) while its
 * connected client stays, then tells that client {@code SERVER_SHUTDOWN}, closes everything and exits 0.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ServerSigtermSystemTest
{
    private static final Pattern METRICS_LINE = Pattern.compile("metrics and health on http://[^:]+:(\\d+)/metrics");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> output = new ArrayList<>();
    private Process process;
    private GameClient first;
    private GameClient second;

    @AfterEach
    void after() throws InterruptedException
    {
        CloseHelper.closeAll(first, second);
        if (null != process && process.isAlive())
        {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldDrainTellTheClientAndExitZeroOnSigterm() throws Exception
    {
        final int port = OpsPorts.freePortPair();
        process = startServer(port);
        final Thread reader = new Thread(this::readOutput, "server-output");
        reader.setDaemon(true);
        reader.start();
        Tests.await(() -> metricsPort() > 0, 45_000, ServerSigtermSystemTest::pause, () -> "started: " + output());
        final int metricsPort = metricsPort();
        assertEquals(200, get(metricsPort, "/health/ready").statusCode(), this::output);

        final RecordingClientListener listener = new RecordingClientListener();
        first = GameClient.connect(clientContext(port).listener(listener));
        Tests.await(first::isConnected, 20_000, first::poll, () -> "client connected " + first.state());

        assertTrue(process.toHandle().destroy(), "SIGTERM sent"); // as Process.destroy(), without closing our pipes
        Tests.await(() -> 503 == readiness(metricsPort), 20_000, first::poll, () -> "draining: " + output());
        assertTrue(first.isConnected(), "the connected client stays while the server drains");

        second = GameClient.connect(clientContext(port));
        Tests.await(() -> second.state().isFailure(), 20_000, () -> second.poll() + first.poll(),
            () -> "new connect refused while draining: " + second.state() + " " + output());
        assertEquals(DisconnectReason.SERVER_DRAINING, second.disconnectReason(), this::output);

        Tests.await(() -> !first.isConnected(), 30_000, first::poll, () -> "client told: " + output());
        assertEquals(ClientState.DISCONNECTED, first.state());
        assertEquals(DisconnectReason.SERVER_SHUTDOWN, listener.disconnected, this::output);

        assertTrue(process.waitFor(30, TimeUnit.SECONDS), this::output);
        reader.join(5_000);
        assertEquals(0, process.exitValue(), this::output);
        final String all = output();
        assertTrue(all.contains("draining: 1 sessions"), all);
        assertTrue(all.contains("drained: 1 sessions still connected"), all);
        assertTrue(all.contains("server stopped"), all);
    }

    private Process startServer(final int port) throws IOException
    {
        final String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        final List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "-Xmx256m", "-XX:MaxDirectMemorySize=256m", "-XX:+UseSerialGC",
            "-cp", classPath,
            ServerCommand.class.getName(),
            "--bind", "127.0.0.1",
            "--port", Integer.toString(port),
            "--arenas", "1",
            "--metrics-port", "0",
            "--drain-timeout", "8"));
        return new ProcessBuilder(command)
            .redirectErrorStream(true)
            .directory(new File(System.getProperty("java.io.tmpdir")))
            .start();
    }

    private GameClient.Context clientContext(final int port)
    {
        return new GameClient.Context()
            .server("127.0.0.1:" + port)
            .connectTimeoutNs(TimeUnit.SECONDS.toNanos(15))
            .errorHandler(Throwable::printStackTrace);
    }

    /**
     * Between checks of a condition that a child process brings about: do not spin a core it needs.
     */
    private static int pause()
    {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        return 1;
    }

    private void readOutput()
    {
        try (BufferedReader in = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while (null != (line = in.readLine()))
            {
                synchronized (output)
                {
                    output.add(line);
                }
            }
        }
        catch (final IOException ignore)
        {
            // the process ended
        }
    }

    private String output()
    {
        synchronized (output)
        {
            return String.join("\n", output);
        }
    }

    private int metricsPort()
    {
        final Matcher matcher = METRICS_LINE.matcher(output());
        return matcher.find() ? Integer.parseInt(matcher.group(1)) : -1;
    }

    private int readiness(final int metricsPort)
    {
        try
        {
            return get(metricsPort, "/health/ready").statusCode();
        }
        catch (final IOException ex)
        {
            return -1;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private HttpResponse<String> get(final int metricsPort, final String path) throws IOException, InterruptedException
    {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + path))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
