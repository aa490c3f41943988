package io.skirmish.agones;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for the Agones SDK server's HTTP gateway, following its documented REST interface: the lifecycle
 * calls move the GameServer's state (RequestReady, Ready, Reserved, Allocated, Shutdown) shown by GET /gameserver,
 * the alpha player tracking keeps ids, a count and a capacity (a connect past capacity is an error, as the SDK
 * server answers it), and every call is recorded as {@code METHOD path body}. It can answer 503 to the first
 * calls, as a sidecar still starting does.
 */
final class SdkServerStandIn implements AutoCloseable
{
    private static final Pattern PLAYER_ID = Pattern.compile("\"playerID\"\\s*:\\s*\"((?:\\\\.|[^\"\\\\])*)\"");
    private static final Pattern COUNT = Pattern.compile("\"count\"\\s*:\\s*\"?(-?\\d+)\"?");

    private final HttpServer http;
    private final List<String> calls = new ArrayList<>();
    private final Set<String> players = new LinkedHashSet<>();
    private final AtomicInteger unavailableFor = new AtomicInteger();
    private String state = "RequestReady";
    private long capacity;

    SdkServerStandIn() throws IOException
    {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        http.createContext("/", this::handle);
        http.start();
    }

    URI baseUri()
    {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/");
    }

    /**
     * @param calls how many of the next calls get 503.
     */
    void unavailableFor(final int calls)
    {
        unavailableFor.set(calls);
    }

    synchronized List<String> calls()
    {
        return new ArrayList<>(calls);
    }

    synchronized long count(final String methodAndPath)
    {
        return calls.stream().filter((c) -> c.startsWith(methodAndPath + " ") || c.equals(methodAndPath)).count();
    }

    synchronized String state()
    {
        return state;
    }

    public void close()
    {
        http.stop(0);
    }

    private void handle(final HttpExchange exchange) throws IOException
    {
        try (exchange)
        {
            final String method = exchange.getRequestMethod();
            final String path = exchange.getRequestURI().getRawPath();
            final String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            final String[] reply;
            synchronized (this)
            {
                calls.add(method + " " + path + (body.isEmpty() ? "" : " " + body));
                reply = unavailableFor.getAndUpdate((n) -> Math.max(0, n - 1)) > 0 ?
                    new String[]{ "503", "{\"error\":\"starting\"}" } : answer(method, path, body);
            }
            final byte[] bytes = reply[1].getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(Integer.parseInt(reply[0]), bytes.length);
            try (OutputStream out = exchange.getResponseBody())
            {
                out.write(bytes);
            }
        }
    }

    private String[] answer(final String method, final String path, final String body)
    {
        final String route = method + " " + path;
        switch (route)
        {
            case "POST /ready":
                return lifecycle("Ready", body);
            case "POST /allocate":
                return lifecycle("Allocated", body);
            case "POST /reserve":
                return lifecycle("Reserved", body);
            case "POST /shutdown":
                return lifecycle("Shutdown", body);
            case "POST /health":
                return ok("{}");
            case "GET /gameserver":
                return ok("{\"object_meta\":{\"name\":\"stand-in\"},\"status\":{\"state\":\"" + state +
                    "\",\"address\":\"127.0.0.1\",\"players\":{\"count\":\"" + players.size() + "\",\"capacity\":\"" +
                    capacity + "\"}}}");
            case "POST /alpha/player/connect":
                return connect(body);
            case "POST /alpha/player/disconnect":
                return ok("{\"bool\":" + players.remove(playerId(body)) + "}");
            case "PUT /alpha/player/capacity":
                final Matcher count = COUNT.matcher(body);
                if (!count.find())
                {
                    return new String[]{ "400", "{\"error\":\"no count\"}" };
                }
                capacity = Long.parseLong(count.group(1));
                return ok("{}");
            case "GET /alpha/player/capacity":
                return ok("{\"count\":\"" + capacity + "\"}");
            case "GET /alpha/player/count":
                return ok("{\"count\":\"" + players.size() + "\"}");
            case "GET /alpha/player/connected":
                final StringBuilder list = new StringBuilder("{\"list\":[");
                players.forEach((p) -> list.append(list.charAt(list.length() - 1) == '[' ? "" : ",")
                    .append(AgonesSdk.quote(p)));
                return ok(list.append("]}").toString());
            default:
                if (method.equals("GET") && path.startsWith("/alpha/player/connected/"))
                {
                    final String id = URLDecoder.decode(
                        path.substring("/alpha/player/connected/".length()), StandardCharsets.UTF_8);
                    return ok("{\"bool\":" + players.contains(id) + "}");
                }
                return new String[]{ "404", "{\"error\":\"Not Found\"}" };
        }
    }

    private String[] lifecycle(final String newState, final String body)
    {
        if (!body.trim().startsWith("{"))
        {
            return new String[]{ "400", "{\"error\":\"body must be a JSON object\"}" };
        }
        if (!"Shutdown".equals(state))
        {
            state = newState;
        }
        return ok("{}");
    }

    private String[] connect(final String body)
    {
        final String id = playerId(body);
        if (null == id)
        {
            return new String[]{ "400", "{\"error\":\"no playerID\"}" };
        }
        if (players.contains(id))
        {
            return ok("{\"bool\":false}");
        }
        if (players.size() >= capacity)
        {
            return new String[]{ "500", "{\"error\":\"players are already at capacity\",\"code\":2}" };
        }
        players.add(id);
        return ok("{\"bool\":true}");
    }

    private static String playerId(final String body)
    {
        final Matcher matcher = PLAYER_ID.matcher(body);
        return matcher.find() ? matcher.group(1).replace("\\\"", "\"").replace("\\\\", "\\") : null;
    }

    private static String[] ok(final String body)
    {
        return new String[]{ "200", body };
    }
}
