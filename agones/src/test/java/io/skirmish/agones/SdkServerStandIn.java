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
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for the Agones SDK server's HTTP gateway, following its documented REST interface: the lifecycle
 * calls move the GameServer's state (RequestReady, Ready, Reserved, Allocated, Shutdown) shown by GET /gameserver,
 * the alpha player tracking keeps ids, a count and a capacity (a connect past capacity is an error, as the SDK
 * server answers it), the beta Counters and Lists declared by the test follow their documented errors (404 not
 * found, 409 already there, 400 out of range), and every call is recorded as {@code METHOD path body}. It can
 * answer 503 to the first calls, as a sidecar still starting does.
 */
final class SdkServerStandIn implements AutoCloseable
{
    private static final Pattern PLAYER_ID = Pattern.compile("\"playerID\"\\s*:\\s*\"((?:\\\\.|[^\"\\\\])*)\"");
    private static final Pattern COUNT = Pattern.compile("\"count\"\\s*:\\s*\"?(-?\\d+)\"?");
    private static final Pattern COUNT_DIFF = Pattern.compile("\"countDiff\"\\s*:\\s*\"?(-?\\d+)\"?");
    private static final Pattern VALUE = Pattern.compile("\"value\"\\s*:\\s*\"((?:\\\\.|[^\"\\\\])*)\"");

    private final HttpServer http;
    private final List<String> calls = new ArrayList<>();
    private final Set<String> players = new LinkedHashSet<>();
    private final AtomicInteger unavailableFor = new AtomicInteger();
    private final Map<String, long[]> counters = new HashMap<>();
    private final Map<String, List<String>> lists = new HashMap<>();
    private final Map<String, Long> listCapacities = new HashMap<>();
    private String state = "RequestReady";
    private long capacity;

    SdkServerStandIn() throws IOException
    {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        http.createContext("/", this::handle);
        http.start();
    }

    /**
     * A Counter as the GameServer spec would declare it.
     */
    synchronized void declareCounter(final String name, final long count, final long capacity)
    {
        counters.put(name, new long[]{ count, capacity });
    }

    /**
     * A List as the GameServer spec would declare it.
     */
    synchronized void declareList(final String name, final long capacity)
    {
        lists.put(name, new ArrayList<>());
        listCapacities.put(name, capacity);
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
                if (path.startsWith("/v1beta1/counters/"))
                {
                    return counter(method, decode(path.substring("/v1beta1/counters/".length())), body);
                }
                if (path.startsWith("/v1beta1/lists/"))
                {
                    return list(method, path.substring("/v1beta1/lists/".length()), body);
                }
                if (method.equals("GET") && path.startsWith("/alpha/player/connected/"))
                {
                    final String id = URLDecoder.decode(
                        path.substring("/alpha/player/connected/".length()), StandardCharsets.UTF_8);
                    return ok("{\"bool\":" + players.contains(id) + "}");
                }
                return new String[]{ "404", "{\"error\":\"Not Found\"}" };
        }
    }

    private String[] counter(final String method, final String name, final String body)
    {
        final long[] counter = counters.get(name);
        if (null == counter)
        {
            return new String[]{ "404", "{\"error\":\"counter not found\",\"code\":5}" };
        }
        if ("PATCH".equals(method))
        {
            final Matcher diff = COUNT_DIFF.matcher(body);
            final Matcher count = COUNT.matcher(body);
            final long next = diff.find() ? counter[0] + Long.parseLong(diff.group(1)) :
                count.find() ? Long.parseLong(count.group(1)) : counter[0];
            if (next < 0 || next > counter[1])
            {
                return new String[]{ "400", "{\"error\":\"count out of range\",\"code\":11}" };
            }
            counter[0] = next;
        }
        else if (!"GET".equals(method))
        {
            return new String[]{ "405", "{}" };
        }
        return ok("{\"name\":" + AgonesSdk.quote(name) + ",\"count\":\"" + counter[0] + "\",\"capacity\":\"" +
            counter[1] + "\"}");
    }

    private String[] list(final String method, final String rest, final String body)
    {
        final int colon = rest.indexOf(':');
        final String name = decode(colon < 0 ? rest : rest.substring(0, colon));
        final String verb = colon < 0 ? "" : rest.substring(colon + 1);
        final List<String> values = lists.get(name);
        if (null == values)
        {
            return new String[]{ "404", "{\"error\":\"list not found\",\"code\":5}" };
        }
        final Matcher value = VALUE.matcher(body);
        final String item = value.find() ? value.group(1).replace("\\\"", "\"").replace("\\\\", "\\") : null;
        if ("POST".equals(method) && "addValue".equals(verb))
        {
            if (values.contains(item))
            {
                return new String[]{ "409", "{\"error\":\"already exists\",\"code\":6}" };
            }
            if (values.size() >= listCapacities.get(name))
            {
                return new String[]{ "400", "{\"error\":\"list at capacity\",\"code\":11}" };
            }
            values.add(item);
        }
        else if ("POST".equals(method) && "removeValue".equals(verb))
        {
            if (!values.remove(item))
            {
                return new String[]{ "404", "{\"error\":\"value not found\",\"code\":5}" };
            }
        }
        else if (!("GET".equals(method) && verb.isEmpty()))
        {
            return new String[]{ "404", "{\"error\":\"Not Found\"}" };
        }
        final StringBuilder sb = new StringBuilder("{\"name\":").append(AgonesSdk.quote(name))
            .append(",\"capacity\":\"").append(listCapacities.get(name)).append("\",\"values\":[");
        for (int i = 0; i < values.size(); i++)
        {
            sb.append(i > 0 ? "," : "").append(AgonesSdk.quote(values.get(i)));
        }
        return ok(sb.append("]}").toString());
    }

    private static String decode(final String segment)
    {
        return URLDecoder.decode(segment, StandardCharsets.UTF_8);
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
