package io.skirmish.benchmarks.rig;

/**
 * Sizes of media drivers' counter values buffers for many sessions. Aeron's default of 1 MiB holds 8,192 counters
 * (128 bytes each), about 400 sessions on a server; a driver that runs out fails to add a publication.
 */
public final class CounterSizing
{
    private static final int COUNTER_LENGTH = 128;
    private static final int MIN_LENGTH = 1024 * 1024;

    private CounterSizing()
    {
    }

    /**
     * A server's driver: each session costs about 20 counters (the driver's for its two publications and two images,
     * and the engine's); room for 32 per session, as a power of two.
     *
     * @param sessions      sessions the server will hold.
     * @param defaultLength the driver's current setting, kept when larger.
     * @return the buffer length in bytes.
     */
    public static int serverValuesLength(final int sessions, final int defaultLength)
    {
        return Math.max(defaultLength, Integer.highestOneBit(sessions * 32 * COUNTER_LENGTH) * 2);
    }

    /**
     * A client-side driver shared by several clients: each adds about 40 counters (its own, and the driver's for its
     * two publications and two images); room for 64 per client, as a power of two, at least 1 MiB.
     *
     * @param clients clients sharing the driver.
     * @return the buffer length in bytes.
     */
    public static int clientValuesLength(final int clients)
    {
        return Math.max(MIN_LENGTH, Integer.highestOneBit(Math.max(1, clients) * 64 * COUNTER_LENGTH) * 2);
    }
}
