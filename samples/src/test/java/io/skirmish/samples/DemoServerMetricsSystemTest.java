package io.skirmish.samples;

import io.skirmish.engine.Tests;
import io.skirmish.samples.bots.BotFleet;
import io.skirmish.samples.bots.BotSummary;
import io.skirmish.samples.client.ArenaClient;
import org.agrona.CloseHelper;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo server with {@code --metrics-port} and real bots over real UDP on loopback: scraped during the run,
 * {@code /metrics} has the engine's meters with plausible values ({@code skirmish_sessions} is the number of bots
 * connected, the arenas tick and their tick times and the bots' RTTs are in the histograms, events, snapshots and
 * inputs flow), every meter the Grafana dashboard plots is there, the admin API lists every bot, and once the bots
 * have left the sessions gauge is back to 0.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DemoServerMetricsSystemTest
{
    private static final int BOTS = 4;
    private static final String TOKEN = "demo-admin";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private DemoServer demo;
    private BotFleet fleet;
    private String lastScrape = "";
    private long nextScrapeNs;

    @AfterEach
    void after()
    {
        CloseHelper.closeAll(fleet, demo);
    }

    @Test
    void shouldShowTheBotsRunInTheScrapedMetrics() throws Exception
    {
        final int port = OpsPorts.freePortPair();
        demo = DemoServer.launch(new DemoServer.Settings()
            .bind("127.0.0.1").port(port).arenas(2).tickRateHz(30).metricsPort(0).adminToken(TOKEN));
        assertTrue(demo.metricsPort() > 0);
        fleet = new BotFleet(new BotFleet.Settings()
            .server("127.0.0.1:" + port)
            .count(BOTS)
            .sharedDriver(true)
            .emitRatePerSecond(5)
            .hopIntervalNs(TimeUnit.MILLISECONDS.toNanos(1500))
            .durationNs(TimeUnit.SECONDS.toNanos(6))
            .drainTimeoutNs(TimeUnit.SECONDS.toNanos(8))
            .errorHandler(Throwable::printStackTrace),
            SystemNanoClock.INSTANCE);

        Tests.await(() -> connectedBots() == BOTS, 30_000, fleet::doWork, () -> "bots connected: " + connectedBots());
        Tests.await(() -> value(lastScrape, "skirmish_sessions") == BOTS &&
            value(lastScrape, "skirmish_session_rtt_seconds_count{room=\"1\"}") > 0 &&
            value(lastScrape, "skirmish_room_tick_seconds_count{room=\"2\"}") > 0 &&
            value(lastScrape, "skirmish_inputs_received_total") > 0,
            20_000, () -> fleet.doWork() + scrapeNowAndThen(), () -> "metrics of the run:\n" + lastScrape);
        final String text = lastScrape;
        assertEquals(BOTS, connectedBots(), "every bot still connected when scraped");
        assertEquals(BOTS, value(text, "skirmish_sessions_active"), text);
        assertEquals(BOTS, value(text, "skirmish_sessions_accepted_total"), text);
        assertEquals(0, value(text, "skirmish_connects_rejected_total"), text);
        assertEquals(3, value(text, "skirmish_rooms"), "the lobby and two arenas: " + text);
        assertTrue(value(text, "skirmish_members") >= BOTS, text);
        assertTrue(value(text, "skirmish_room_members{room=\"1\"}") >= 1, text);
        assertTrue(value(text, "skirmish_frames_in_total") > 0 && value(text, "skirmish_bytes_out_total") > 0, text);
        assertTrue(value(text, "skirmish_room_events_sent_total") > 0, text);
        assertTrue(value(text, "skirmish_snapshots_sent_total") > 0, text);
        assertTrue(value(text, "skirmish_room_tick_seconds_max{room=\"2\"}") < 0.5, "an arena tick is short: " + text);
        assertTrue(value(text, "skirmish_session_rtt_seconds_max{room=\"1\"}") < 1.0, "loopback RTT: " + text);
        assertEquals(0, value(text, "skirmish_draining"), text);
        assertEquals(0, value(text, "skirmish_errors_total"), text);

        final String dashboard = Files.readString(Path.of("../docs/grafana/skirmish-dashboard.json"));
        final Matcher meter = Pattern.compile("skirmish_[a-z_]+").matcher(dashboard);
        int plotted = 0;
        while (meter.find())
        {
            final String name = meter.group();
            assertTrue(Pattern.compile("(?m)^" + name + "[ {]").matcher(text).find(), () -> "dashboard plots " + name);
            plotted++;
        }
        assertTrue(plotted >= 15, "the dashboard's queries name the meters: " + plotted);

        final HttpResponse<String> rooms = http.send(HttpRequest.newBuilder(uri("/admin/rooms"))
            .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, rooms.statusCode(), rooms.body());
        for (final ArenaClient bot : fleet.players())
        {
            assertTrue(rooms.body().contains("\"sessionId\":" + bot.sessionId() + ","), rooms.body());
        }

        Tests.await(fleet::isDone, 30_000, fleet::doWork, () -> "bots done");
        final BotSummary summary = fleet.summary();
        assertEquals(BOTS, summary.connected, summary::toJson);
        nextScrapeNs = 0;
        Tests.await(() -> value(lastScrape, "skirmish_sessions") == 0, 20_000, this::scrapeNowAndThen,
            () -> "sessions back to 0 after the bots left:\n" + lastScrape);
        assertEquals(BOTS, value(lastScrape, "skirmish_sessions_accepted_total"), lastScrape);
    }

    private int connectedBots()
    {
        int connected = 0;
        for (final ArenaClient bot : fleet.players())
        {
            connected += bot.client().isConnected() ? 1 : 0;
        }
        return connected;
    }

    /**
     * Scrape at most every 200 ms (the metrics sample once a second), so the bots keep being polled in between.
     */
    private int scrapeNowAndThen()
    {
        final long nowNs = System.nanoTime();
        if (nowNs - nextScrapeNs < 0)
        {
            return 0;
        }
        nextScrapeNs = nowNs + TimeUnit.MILLISECONDS.toNanos(200);
        try
        {
            final HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(uri("/metrics")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            lastScrape = response.body();
            return 1;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
        catch (final IOException ex)
        {
            throw new AssertionError("scrape failed", ex);
        }
    }

    private URI uri(final String path)
    {
        return URI.create("http://127.0.0.1:" + demo.metricsPort() + path);
    }

    /**
     * @return the value of a series in Prometheus text, NaN when absent.
     */
    static double value(final String text, final String series)
    {
        final Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)").matcher(text);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : Double.NaN;
    }
}
