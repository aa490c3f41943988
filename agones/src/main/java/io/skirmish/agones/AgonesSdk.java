package io.skirmish.agones;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client of the Agones SDK server's REST interface (the sidecar's HTTP gateway, by default
 * {@code http://localhost:${AGONES_SDK_HTTP_PORT:-9358}}), on the JDK's {@link HttpClient}:
 * <pre>
 *   lifecycle   POST /ready, /health, /allocate, /reserve {"seconds":N}, /shutdown    (body {})
 *   state       GET  /gameserver
 *   players     POST /alpha/player/connect, /alpha/player/disconnect {"playerID":"..."} -> {"bool":..}
 *   (alpha)     PUT  /alpha/player/capacity {"count":N}; GET /alpha/player/capacity, /alpha/player/count
 *               -> {"count":"N"}; GET /alpha/player/connected -> {"list":[..]},
 *               GET /alpha/player/connected/{playerID} -> {"bool":..}
 *   counters    GET  /v1beta1/counters/{name}; PATCH /v1beta1/counters/{name} {"countDiff":..} or {"count":..}
 *   (beta)      -> {"name":..,"count":..,"capacity":..}
 *   lists       GET  /v1beta1/lists/{name}; POST /v1beta1/lists/{name}:addValue, :removeValue {"value":".."}
 *   (beta)      -> {"name":..,"capacity":..,"values":[..]}
 * </pre>
 * Player tracking is an alpha feature of Agones (the {@code PlayerTracking} feature gate), Counters and Lists a beta
 * one ({@code CountsAndLists}). The sidecar may start
 * after the game server, so each call is tried again, after a backoff, when the connection fails or the answer is
 * 503 (unavailable), up to {@link Context#attempts(int, long)} times; any other error answer throws at once.
 * <p>
 * Every call blocks on the calling thread until it is answered: never call it from the game server's conductor
 * (see {@link AgonesLifecycle}, which calls it from its own thread). Thread-safe.
 */
public final class AgonesSdk
{
    /** Environment variable Agones sets to the port of the SDK server's HTTP gateway. */
    public static final String HTTP_PORT_ENV = "AGONES_SDK_HTTP_PORT";
    /** Port of the SDK server's HTTP gateway when the environment does not say. */
    public static final int DEFAULT_HTTP_PORT = 9358;

    private static final Pattern BOOL = Pattern.compile("\"bool\"\\s*:\\s*(true|false)");
    private static final Pattern COUNT = Pattern.compile("\"count\"\\s*:\\s*\"?(-?\\d+)\"?");
    private static final Pattern LIST = Pattern.compile("\"list\"\\s*:\\s*\\[([^\\]]*)]");
    private static final Pattern STRING = Pattern.compile("\"((?:\\\\.|[^\"\\\\])*)\"");
    private static final Pattern STATE = Pattern.compile("\"state\"\\s*:\\s*\"(\\w+)\"");
    private static final Pattern CAPACITY = Pattern.compile("\"capacity\"\\s*:\\s*\"?(-?\\d+)\"?");
    private static final Pattern VALUES = Pattern.compile("\"values\"\\s*:\\s*\\[([^\\]]*)]");

    /**
     * A Counter of the GameServer (Counters and Lists, beta).
     *
     * @param name     its name.
     * @param count    its count.
     * @param capacity its capacity.
     */
    public record Counter(String name, long count, long capacity)
    {
    }

    /**
     * A List of the GameServer (Counters and Lists, beta).
     *
     * @param name     its name.
     * @param capacity its capacity.
     * @param values   its values, in order.
     */
    public record AgonesList(String name, long capacity, List<String> values)
    {
    }

    private final Context ctx;
    private final HttpClient http;

    /**
     * @param ctx the settings; concluded here.
     */
    public AgonesSdk(final Context ctx)
    {
        ctx.conclude();
        this.ctx = ctx;
        this.http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofNanos(ctx.requestTimeoutNs))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    }

    /**
     * @return the settings.
     */
    public Context context()
    {
        return ctx;
    }

    /**
     * Tell Agones the game server is ready to be allocated (state {@code Ready}).
     */
    public void ready()
    {
        call("POST", "/ready", "{}");
    }

    /**
     * One health ping; Agones marks the game server {@code Unhealthy} when they stop.
     */
    public void health()
    {
        call("POST", "/health", "{}");
    }

    /**
     * Allocate this game server itself (state {@code Allocated}).
     */
    public void allocate()
    {
        call("POST", "/allocate", "{}");
    }

    /**
     * Keep this game server from being allocated for a while (state {@code Reserved}).
     *
     * @param seconds how long; 0 until allocated.
     */
    public void reserve(final long seconds)
    {
        call("POST", "/reserve", "{\"seconds\":\"" + seconds + "\"}");
    }

    /**
     * Tell Agones to shut this game server down (state {@code Shutdown}).
     */
    public void shutdown()
    {
        call("POST", "/shutdown", "{}");
    }

    /**
     * @return the GameServer resource as the SDK server's JSON.
     */
    public String gameServer()
    {
        return call("GET", "/gameserver", null);
    }

    /**
     * @return the GameServer's {@code status.state}, e.g. {@code Ready}, or null when the answer holds none.
     */
    public String gameServerState()
    {
        final Matcher matcher = STATE.matcher(gameServer());
        return matcher.find() ? matcher.group(1) : null;
    }

    /**
     * A player connected (player tracking, alpha).
     *
     * @param playerId the player.
     * @return true when added, false when it was already connected.
     * @throws AgonesException when the player capacity is reached (the SDK server answers an error).
     */
    public boolean playerConnect(final String playerId)
    {
        return bool(call("POST", "/alpha/player/connect", "{\"playerID\":" + quote(playerId) + "}"));
    }

    /**
     * A player disconnected (player tracking, alpha).
     *
     * @param playerId the player.
     * @return true when removed, false when it was not connected.
     */
    public boolean playerDisconnect(final String playerId)
    {
        return bool(call("POST", "/alpha/player/disconnect", "{\"playerID\":" + quote(playerId) + "}"));
    }

    /**
     * @param capacity most players (player tracking, alpha).
     */
    public void playerCapacity(final long capacity)
    {
        call("PUT", "/alpha/player/capacity", "{\"count\":\"" + capacity + "\"}");
    }

    /**
     * @return most players, as set through the SDK.
     */
    public long playerCapacity()
    {
        return count(call("GET", "/alpha/player/capacity", null));
    }

    /**
     * @return players connected, as the SDK counts them.
     */
    public long playerCount()
    {
        return count(call("GET", "/alpha/player/count", null));
    }

    /**
     * @param playerId a player.
     * @return true when connected.
     */
    public boolean isPlayerConnected(final String playerId)
    {
        return bool(call("GET", "/alpha/player/connected/" + pathSegment(playerId), null));
    }

    /**
     * @return the ids of the players connected.
     */
    public List<String> connectedPlayers()
    {
        final String body = call("GET", "/alpha/player/connected", null);
        final List<String> ids = new ArrayList<>();
        final Matcher list = LIST.matcher(body);
        if (list.find())
        {
            strings(list.group(1), ids);
        }
        return ids;
    }

    /**
     * @param name a Counter of the GameServer spec.
     * @return the Counter now.
     * @throws AgonesException with status 404 when there is no such Counter.
     */
    public Counter counter(final String name)
    {
        return counterOf(name, call("GET", "/v1beta1/counters/" + pathSegment(name), null));
    }

    /**
     * Add to (or, negative, take from) a Counter.
     *
     * @param name a Counter.
     * @param diff how much.
     * @return the Counter after.
     * @throws AgonesException with status 400 when the count would leave [0, capacity], 404 when there is none.
     */
    public Counter incrementCounter(final String name, final long diff)
    {
        return counterOf(name, call("PATCH", "/v1beta1/counters/" + pathSegment(name),
            "{\"countDiff\":\"" + diff + "\"}"));
    }

    /**
     * Set a Counter's count.
     *
     * @param name  a Counter.
     * @param count the new count.
     * @return the Counter after.
     */
    public Counter setCounter(final String name, final long count)
    {
        return counterOf(name, call("PATCH", "/v1beta1/counters/" + pathSegment(name),
            "{\"count\":\"" + count + "\"}"));
    }

    /**
     * @param name a List of the GameServer spec.
     * @return the List now.
     * @throws AgonesException with status 404 when there is no such List.
     */
    public AgonesList list(final String name)
    {
        return listOf(name, call("GET", "/v1beta1/lists/" + pathSegment(name), null));
    }

    /**
     * @param name  a List.
     * @param value to add.
     * @return the List after.
     * @throws AgonesException with status 409 when the value is there already, 400 when the List is full.
     */
    public AgonesList addListValue(final String name, final String value)
    {
        return listOf(name, call("POST", "/v1beta1/lists/" + pathSegment(name) + ":addValue",
            "{\"value\":" + quote(value) + "}"));
    }

    /**
     * @param name  a List.
     * @param value to remove.
     * @return the List after.
     * @throws AgonesException with status 404 when the value (or the List) is not there.
     */
    public AgonesList removeListValue(final String name, final String value)
    {
        return listOf(name, call("POST", "/v1beta1/lists/" + pathSegment(name) + ":removeValue",
            "{\"value\":" + quote(value) + "}"));
    }

    private static Counter counterOf(final String name, final String body)
    {
        return new Counter(name, count(body), number(CAPACITY, body));
    }

    private static AgonesList listOf(final String name, final String body)
    {
        final List<String> values = new ArrayList<>();
        final Matcher list = VALUES.matcher(body);
        if (list.find())
        {
            strings(list.group(1), values);
        }
        return new AgonesList(name, number(CAPACITY, body), List.copyOf(values));
    }

    private static long number(final Pattern pattern, final String body)
    {
        final Matcher matcher = pattern.matcher(body);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
    }

    private static void strings(final String items, final List<String> into)
    {
        final Matcher item = STRING.matcher(items);
        while (item.find())
        {
            into.add(item.group(1).replace("\\\"", "\"").replace("\\\\", "\\"));
        }
    }

    private String call(final String method, final String path, final String body)
    {
        final HttpRequest request = HttpRequest.newBuilder(ctx.baseUri.resolve(path))
            .timeout(Duration.ofNanos(ctx.requestTimeoutNs))
            .header("Content-Type", "application/json")
            .method(method, null == body ?
                HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build();
        long backoffNs = ctx.backoffNs;
        for (int attempt = 1; ; attempt++)
        {
            final boolean last = attempt >= ctx.attempts;
            try
            {
                final HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                final int status = response.statusCode();
                if (status >= 200 && status < 300)
                {
                    return response.body();
                }
                if (status != 503 || last)
                {
                    throw new AgonesException(method + " " + path + " answered " + status + ": " + response.body(),
                        status);
                }
            }
            catch (final IOException ex)
            {
                if (last)
                {
                    throw new AgonesException(method + " " + path + " failed: " + ex, ex);
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new AgonesException(method + " " + path + " interrupted", ex);
            }
            LockSupport.parkNanos(backoffNs);
            backoffNs = Math.min(backoffNs * 2, TimeUnit.SECONDS.toNanos(5));
        }
    }

    private static boolean bool(final String body)
    {
        final Matcher matcher = BOOL.matcher(body);
        return matcher.find() && "true".equals(matcher.group(1));
    }

    private static long count(final String body)
    {
        final Matcher matcher = COUNT.matcher(body);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
    }

    static String quote(final String text)
    {
        final StringBuilder sb = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c == '"' || c == '\\')
            {
                sb.append('\\').append(c);
            }
            else if (c < 0x20)
            {
                sb.append(String.format("\\u%04x", (int)c));
            }
            else
            {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    private static String pathSegment(final String text)
    {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * Settings of {@link AgonesSdk}: fluent setters, concluded once by its constructor.
     */
    public static final class Context
    {
        private URI baseUri;
        private long requestTimeoutNs = TimeUnit.SECONDS.toNanos(2);
        private int attempts = 5;
        private long backoffNs = TimeUnit.MILLISECONDS.toNanos(200);
        private boolean concluded;

        /**
         * @param uri base URI of the SDK server's HTTP gateway (default
         *            {@code http://localhost:${AGONES_SDK_HTTP_PORT:-9358}/}).
         * @return this.
         */
        public Context baseUri(final URI uri)
        {
            checkNotConcluded();
            this.baseUri = uri;
            return this;
        }

        /**
         * @return the base URI (after conclude).
         */
        public URI baseUri()
        {
            return baseUri;
        }

        /**
         * @param timeoutNs longest wait for one answer (default 2 s).
         * @return this.
         */
        public Context requestTimeoutNs(final long timeoutNs)
        {
            checkNotConcluded();
            this.requestTimeoutNs = timeoutNs;
            return this;
        }

        /**
         * @return longest wait for one answer.
         */
        public long requestTimeoutNs()
        {
            return requestTimeoutNs;
        }

        /**
         * @param attempts       tries of a call whose connection fails or that gets a 503 (default 5).
         * @param firstBackoffNs wait before the second try, doubling each time up to 5 s (default 200 ms).
         * @return this.
         */
        public Context attempts(final int attempts, final long firstBackoffNs)
        {
            checkNotConcluded();
            this.attempts = attempts;
            this.backoffNs = firstBackoffNs;
            return this;
        }

        /**
         * @return tries of a call.
         */
        public int attempts()
        {
            return attempts;
        }

        /**
         * Validate and freeze. Once.
         *
         * @return this.
         */
        public Context conclude()
        {
            if (concluded)
            {
                throw new IllegalStateException("context already concluded");
            }
            if (null == baseUri)
            {
                final String port = System.getenv(HTTP_PORT_ENV);
                baseUri = URI.create("http://localhost:" +
                    (null == port || port.isBlank() ? Integer.toString(DEFAULT_HTTP_PORT) : port.trim()) + "/");
            }
            if (attempts < 1 || backoffNs < 0 || requestTimeoutNs <= 0)
            {
                throw new IllegalArgumentException("attempts must be >= 1, backoff >= 0, request timeout > 0");
            }
            concluded = true;
            return this;
        }

        private void checkNotConcluded()
        {
            if (concluded)
            {
                throw new IllegalStateException("context already concluded");
            }
        }
    }
}
