package io.skirmish.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.skirmish.engine.DisconnectReason;
import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.LeaveReason;
import io.skirmish.engine.RecordingClientListener;
import io.skirmish.engine.SystemTestHarness;
import io.skirmish.engine.Tests;
import io.skirmish.engine.ThreadingMode;
import io.skirmish.engine.client.ClientState;
import io.skirmish.engine.client.GameClient;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.Room;
import io.skirmish.engine.server.RoomListener;
import io.skirmish.engine.server.RoomOptions;
import io.skirmish.engine.server.ServerListener;
import org.agrona.CloseHelper;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operations endpoint of a real server over real UDP, with clients in rooms: {@code /metrics} shows the engine's
 * meters and the sampled figures (per room up to the tag limit, the rest under {@code room="other"}), health follows
 * the server (liveness fails while the conductor is stuck), and the admin API lists, kicks, closes and drains,
 * refusing bad or unauthenticated requests with a clear 4xx. The server runs its own conductor thread (SHARED); the
 * test thread polls the clients.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OpsHttpServerSystemTest
{
    private static final String TOKEN = "s3cret-admin-token";

    private final SystemTestHarness harness = new SystemTestHarness();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private PrometheusMeterRegistry registry;
    private ServerMetrics metrics;
    private OpsHttpServer ops;
    private GameServer server;

    @AfterEach
    void after()
    {
        CloseHelper.closeAll(ops, metrics);
        harness.close();
    }

    private void launch(final String token, final int maxTaggedRooms)
        throws IOException
    {
        final int port = OpsPorts.freePortPair();
        server = harness.launch(harness.serverContext(port)
            .threadingMode(ThreadingMode.SHARED)
            .idleStrategy(new SleepingMillisIdleStrategy(1))
            .listener(new ServerListener()
            {
                public void onStart(final GameServer server)
                {
                    for (int roomId = 1; roomId <= 3; roomId++)
                    {
                        server.createRoom(roomId, new RoomOptions().tickRateHz(50));
                    }
                }
            }));
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        metrics = new ServerMetrics(new ServerMetrics.Context().server(server).maxTaggedRooms(maxTaggedRooms));
        metrics.bindTo(registry);
        ops = OpsHttpServer.start(new OpsHttpServer.Context()
            .bindAddress("127.0.0.1")
            .port(0)
            .server(server)
            .registry(registry)
            .adminToken(token)
            .requestTimeoutNs(TimeUnit.SECONDS.toNanos(2))
            .livenessTimeoutNs(TimeUnit.SECONDS.toNanos(1)));
    }

    private GameClient connectAndJoin(final RecordingClientListener listener, final int roomId)
    {
        final GameClient client = harness.connect(harness.clientContext(server.context().port()).listener(listener));
        harness.awaitConnected(client);
        client.join(roomId);
        Tests.await(() -> client.isMemberOf(roomId), 20_000, harness::pollAll, () -> "joined " + roomId);
        return client;
    }

    @Test
    void shouldServeTheEngineMetersAndSampledFiguresWithRoomCardinalityBounded() throws Exception
    {
        launch(TOKEN, 2);
        connectAndJoin(new RecordingClientListener(), 1);
        connectAndJoin(new RecordingClientListener(), 3);
        Tests.await(() -> server.counter(EngineCounter.SESSIONS_ACTIVE) == 2, 20_000, harness::pollAll, () -> "2");
        Tests.drive(300, harness::pollAll);
        assertTrue(metrics.sample(), "the conductor took the sample");
        Tests.drive(300, harness::pollAll);
        assertTrue(metrics.sample(), "the conductor took the second sample");

        final HttpResponse<String> scrape = get("/metrics", null);
        assertEquals(200, scrape.statusCode());
        assertTrue(scrape.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        final String text = scrape.body();
        for (final EngineCounter counter : EngineCounter.values())
        {
            if (counter.isKeptBy(true))
            {
                final String name =
                    ServerMetrics.meterName(counter).replace('.', '_') + (counter.isGauge() ? "" : "_total");
                assertTrue(Pattern.compile("(?m)^" + name + " ").matcher(text).find(), () -> name + " in\n" + text);
            }
        }
        assertEquals(2.0, value(text, "skirmish_sessions"), text);
        assertEquals(2.0, value(text, "skirmish_sessions_active"), text);
        assertEquals(2.0, value(text, "skirmish_sessions_accepted_total"), text);
        assertEquals(3.0, value(text, "skirmish_rooms"), text);
        assertEquals(2.0, value(text, "skirmish_members"), text);
        assertEquals(0.0, value(text, "skirmish_draining"), text);
        assertTrue(value(text, "skirmish_frames_in_total") > 0, text);
        assertEquals(1.0, value(text, "skirmish_room_members{room=\"1\"}"), text);
        assertEquals(0.0, value(text, "skirmish_room_members{room=\"2\"}"), text);
        assertEquals(1.0, value(text, "skirmish_room_members{room=\"other\"}"), "room 3 beyond the limit of 2");
        assertTrue(!text.contains("room=\"3\""), "no meters of their own beyond the limit");
        assertEquals(2, metrics.taggedRooms());
        assertTrue(value(text, "skirmish_room_tick_seconds_count{room=\"1\"}") >= 10, text);
        assertTrue(value(text, "skirmish_room_tick_seconds_count{room=\"other\"}") >= 10, text);
        assertTrue(value(text, "skirmish_room_tick_seconds_max{room=\"1\"}") < 1.0, text);
        assertTrue(text.contains("skirmish_room_tick_seconds_bucket{room=\"1\",le="), "a histogram");
        assertTrue(value(text, "skirmish_session_rtt_seconds_count{room=\"1\"}") >= 1, text);
        assertTrue(value(text, "skirmish_session_rtt_seconds_max{room=\"1\"}") < 1.0, "loopback RTT: " + text);

        assertEquals(200, get("/health/live", null).statusCode());
        final HttpResponse<String> ready = get("/health/ready", null);
        assertEquals(200, ready.statusCode());
        assertEquals("{\"status\":\"ready\"}", ready.body());
        assertEquals(405, send("POST", "/metrics", null, "").statusCode());
        assertEquals(404, get("/nothing", null).statusCode());

        // a tagged room that closes leaves the registry and frees its slot for the next room
        assertTrue(server.proxy().execute(() ->
        {
            server.closeRoom(2);
            server.createRoom(4, new RoomOptions().tickRateHz(50));
        }));
        Tests.await(() -> 3 == roomsAfterSwap(), 20_000, harness::pollAll, () -> "room 2 closed and 4 opened");
        assertTrue(metrics.sample());
        final String after = get("/metrics", null).body();
        assertTrue(!after.contains("room=\"2\""), "the closed room's series are gone:\n" + after);
        assertEquals(0.0, value(after, "skirmish_room_members{room=\"4\"}"), "room 4 took the free slot");
        assertEquals(1.0, value(after, "skirmish_room_members{room=\"other\"}"), "room 3 stays in the aggregate");
        assertEquals(2, metrics.taggedRooms());
    }

    private int roomsAfterSwap()
    {
        try
        {
            return ConductorCall.call(server, (s) -> null == s.room(2) && null != s.room(4) ? s.roomCount() : -1,
                TimeUnit.SECONDS.toNanos(5));
        }
        catch (final ConductorCall.Unavailable ex)
        {
            throw new AssertionError(ex);
        }
    }

    @Test
    void shouldListKickCloseAndDrainThroughTheAdminApiAndRefuseBadRequests() throws Exception
    {
        launch(TOKEN, 8);
        final RecordingClientListener first = new RecordingClientListener();
        final GameClient a = connectAndJoin(first, 1);
        final RecordingClientListener second = new RecordingClientListener();
        final GameClient b = connectAndJoin(second, 2);

        final HttpResponse<String> rooms = get("/admin/rooms", TOKEN);
        assertEquals(200, rooms.statusCode(), rooms.body());
        assertTrue(rooms.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertTrue(rooms.body().startsWith("{\"draining\":false,\"sessions\":2,\"rooms\":[{\"roomId\":1,"),
            rooms.body());
        assertTrue(rooms.body().contains("\"sessionId\":" + a.sessionId() + ","), rooms.body());
        assertTrue(rooms.body().contains("\"sessionId\":" + b.sessionId() + ","), rooms.body());
        final HttpResponse<String> room = get("/admin/rooms/2", TOKEN);
        assertEquals(200, room.statusCode());
        assertTrue(room.body().contains("\"memberCount\":1,"), room.body());
        assertTrue(room.body().contains("\"state\":\"CONNECTED\""), room.body());
        assertTrue(get("/admin/sessions", TOKEN).body().contains("\"sessionId\":" + a.sessionId()));

        // refused: no token, a wrong one, bad ids, wrong methods, unknown things, a body too large
        final HttpResponse<String> anonymous = get("/admin/rooms", null);
        assertEquals(401, anonymous.statusCode());
        assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
        assertEquals(401, get("/admin/rooms", "wrong").statusCode());
        assertEquals(401, send("POST", "/admin/drain", "s3cret-admin-toke", "").statusCode());
        assertEquals(400, send("POST", "/admin/sessions/abc/kick", TOKEN, "").statusCode());
        assertEquals(400, send("POST", "/admin/sessions/-4/kick", TOKEN, "").statusCode());
        assertEquals(400, send("POST", "/admin/rooms/99999999999/close", TOKEN, "").statusCode());
        final HttpResponse<String> wrongMethod = get("/admin/sessions/" + a.sessionId() + "/kick", TOKEN);
        assertEquals(405, wrongMethod.statusCode());
        assertEquals("POST", wrongMethod.headers().firstValue("Allow").orElse(""));
        assertEquals(405, send("DELETE", "/admin/rooms", TOKEN, "").statusCode());
        assertEquals(404, send("POST", "/admin/sessions/987654/kick", TOKEN, "").statusCode());
        assertEquals(404, get("/admin/rooms/77", TOKEN).statusCode());
        assertEquals(404, get("/admin/nothing", TOKEN).statusCode());
        assertEquals(413, send("POST", "/admin/drain", TOKEN, "x".repeat(10_000)).statusCode());
        assertTrue(!server.isDraining(), "no refused request acted");
        assertTrue(a.isConnected() && b.isConnected());

        final HttpResponse<String> kick = send("POST", "/admin/sessions/" + a.sessionId() + "/kick", TOKEN, "");
        assertEquals(200, kick.statusCode(), kick.body());
        Tests.await(() -> !a.isConnected(), 20_000, harness::pollAll, () -> "kicked client told");
        assertEquals(DisconnectReason.KICKED, first.disconnected);
        assertEquals(ClientState.DISCONNECTED, a.state());

        assertEquals(200, send("POST", "/admin/rooms/2/close", TOKEN, "").statusCode());
        Tests.await(() -> !b.isMemberOf(2), 20_000, harness::pollAll, () -> "room closed for its member");
        assertTrue(second.left.contains("2:" + LeaveReason.ROOM_CLOSED), second.left::toString);
        assertEquals(404, send("POST", "/admin/rooms/2/close", TOKEN, "").statusCode());

        final HttpResponse<String> drain = send("POST", "/admin/drain", TOKEN, "");
        assertEquals(202, drain.statusCode(), drain.body());
        assertTrue(server.isDraining());
        final HttpResponse<String> notReady = get("/health/ready", null);
        assertEquals(503, notReady.statusCode());
        assertEquals("{\"status\":\"draining\"}", notReady.body());
        assertEquals(200, get("/health/live", null).statusCode());

        final GameClient c = harness.connect(harness.clientContext(server.context().port()));
        Tests.await(() -> c.state().isFailure(), 20_000, harness::pollAll, () -> "refused while draining");
        assertEquals(DisconnectReason.SERVER_DRAINING, c.disconnectReason());
        assertTrue(b.isConnected(), "the connected session stays while draining");
        assertTrue(metrics.sample());
        final String text = get("/metrics", null).body();
        assertEquals(1.0, value(text, "skirmish_draining"), text);
        assertEquals(1.0, value(text, "skirmish_connects_refused_draining_total"), text);
        assertEquals(1.0, value(text, "skirmish_sessions"), text);
    }

    @Test
    void shouldReportAConductorThatStoppedRespondingAsNotLive() throws Exception
    {
        launch(TOKEN, 4);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicBoolean block = new AtomicBoolean();
        final AtomicBoolean blocked = new AtomicBoolean();
        assertTrue(server.proxy().execute(() -> server.createRoom(9, new RoomOptions().tickRateHz(100)
            .listener(new RoomListener()
            {
                public void onTick(final Room room, final long tick, final long nowNs)
                {
                    if (block.get())
                    {
                        blocked.set(true);
                        try
                        {
                            release.await(30, TimeUnit.SECONDS); // a game tick stuck on a lock, as under test
                        }
                        catch (final InterruptedException ex)
                        {
                            Thread.currentThread().interrupt();
                        }
                        blocked.set(false);
                        block.set(false);
                    }
                }
            }))));
        assertEquals("{\"status\":\"live\"}", get("/health/live", null).body());

        block.set(true);
        Tests.await(blocked::get, 20_000, null, () -> "the conductor blocked in a tick");
        final HttpResponse<String> stuck = get("/health/live", null);
        assertEquals(503, stuck.statusCode());
        assertEquals("{\"status\":\"unresponsive\"}", stuck.body());
        assertEquals(503, get("/admin/rooms", TOKEN).statusCode(), "admin requests time out with 503 too");

        release.countDown();
        Tests.await(() -> !blocked.get(), 20_000, null, () -> "the tick returned");
        assertEquals(200, get("/health/live", null).statusCode());
        assertEquals(200, get("/admin/rooms", TOKEN).statusCode());
    }

    @Test
    void shouldRefuseTheAdminApiWhenNoTokenIsConfigured() throws Exception
    {
        launch(null, 4);
        final HttpResponse<String> response = send("POST", "/admin/drain", TOKEN, "");
        assertEquals(403, response.statusCode());
        assertTrue(response.body().contains("disabled"), response.body());
        assertTrue(!server.isDraining());
        assertEquals(200, get("/health/ready", null).statusCode());
    }

    private HttpResponse<String> get(final String path, final String token) throws Exception
    {
        return send("GET", path, token, null);
    }

    private HttpResponse<String> send(final String method, final String path, final String token, final String body)
        throws Exception
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + ops.port() + path))
            .timeout(Duration.ofSeconds(10))
            .method(method, null == body ?
                HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (null != token)
        {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * @return the value of one sample line of the Prometheus text, e.g. {@code name{tags} 2.0}.
     */
    static double value(final String text, final String series)
    {
        final Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)").matcher(text);
        if (!matcher.find())
        {
            throw new AssertionError("no " + series + " in\n" + text);
        }
        return Double.parseDouble(matcher.group(1));
    }
}
