package io.skirmish.benchmarks.load;

import io.skirmish.engine.Profile;

/**
 * The system properties the server and the bots read, in one place so that the coordinator passes the same names.
 */
public final class LoadProperties
{
    /** {@code A}, {@code B} or {@code idle}. */
    public static final String SCENARIO = "scenario";
    /** N: the number of clients. */
    public static final String CLIENTS = "clients";
    /** The server's first request port. */
    public static final String PORT = "port";
    /** {@code large} ({@link Profile#LARGE_SERVER}) or {@code low-latency} ({@link Profile#LOW_LATENCY}, default). */
    public static final String PROFILE = "profile";
    /** The server's port pairs ({@code GameServer.Context.portPairs}); 0 or unset for the profile's. */
    public static final String PORT_PAIRS = "portPairs";
    /** Bots per shared client-side driver. */
    public static final String BOTS_PER_DRIVER = "botsPerDriver";
    /** Most bots connecting at once. */
    public static final String CONNECT_WINDOW = "connectWindow";
    /** Seconds the bots' connect phase may take before they report what they have. */
    public static final String CONNECT_LIMIT = "connectLimit";
    /** The server's {@code maxSessions} (default: room for every bot). */
    public static final String MAX_SESSIONS = "maxSessions";
    /** True for bots that, refused as full or busy, ask again with backoff and jitter instead of giving up. */
    public static final String RETRY_REFUSED = "retryRefused";

    private LoadProperties()
    {
    }

    /**
     * @return {@link #SCENARIO}, default A.
     */
    public static Scenario scenario()
    {
        return Scenario.of(System.getProperty(SCENARIO, "A"));
    }

    /**
     * @return {@link #CLIENTS}, default 100.
     */
    public static int clients()
    {
        return Integer.getInteger(CLIENTS, 100);
    }

    /**
     * @return {@link #PORT}, default 40123.
     */
    public static int port()
    {
        return Integer.getInteger(PORT, 40123);
    }

    /**
     * @return {@link #PROFILE} as an engine profile.
     * @throws IllegalArgumentException for an unknown name.
     */
    public static Profile profile()
    {
        return profile(System.getProperty(PROFILE, "low-latency"));
    }

    /**
     * @param name {@code large}, {@code large-server}, {@code low-latency} or an enum name.
     * @return the engine profile.
     * @throws IllegalArgumentException for an unknown name.
     */
    public static Profile profile(final String name)
    {
        switch (name.trim().toLowerCase().replace('_', '-'))
        {
            case "large":
            case "large-server":
                return Profile.LARGE_SERVER;
            case "low-latency":
            case "default":
                return Profile.LOW_LATENCY;
            default:
                throw new IllegalArgumentException("-D" + PROFILE + " must be large or low-latency: " + name);
        }
    }

    /**
     * @param profile the profile in force.
     * @return {@link #PORT_PAIRS}, or the profile's when unset or 0.
     */
    public static int portPairs(final Profile profile)
    {
        final int pairs = Integer.getInteger(PORT_PAIRS, 0);
        if (pairs > 0)
        {
            return pairs;
        }
        return Profile.LARGE_SERVER == profile ? Profile.LARGE_SERVER_PORT_PAIRS : 1;
    }

    /**
     * @return {@link #BOTS_PER_DRIVER}, default 200.
     */
    public static int botsPerDriver()
    {
        return Integer.getInteger(BOTS_PER_DRIVER, 200);
    }

    /**
     * @return {@link #CONNECT_WINDOW}, default 64.
     */
    public static int connectWindow()
    {
        return Integer.getInteger(CONNECT_WINDOW, 64);
    }

    /**
     * @param clients the bots expected.
     * @return {@link #MAX_SESSIONS}, default enough for every bot.
     */
    public static int maxSessions(final int clients)
    {
        return Integer.getInteger(MAX_SESSIONS, Math.max(1024, clients + 16));
    }

    /**
     * @return {@link #RETRY_REFUSED}, default false.
     */
    public static boolean retryRefused()
    {
        return Boolean.getBoolean(RETRY_REFUSED);
    }

    /**
     * @return {@link #CONNECT_LIMIT} in seconds, default 120.
     */
    public static int connectLimitSeconds()
    {
        return Integer.getInteger(CONNECT_LIMIT, 120);
    }
}
