package io.skirmish.engine;

/**
 * Settings chosen together for a kind of deployment, applied by {@code Context.profile(Profile)}; any setter called
 * after it overrides what the profile chose.
 * <ul>
 *     <li>{@link #LOW_LATENCY}, the default: the duty cycle runs again as soon as anything happened, Aeron's own
 *     timer sends included, and backs off to a 100 µs park when idle. Lowest latency; an idle server costs a
 *     little per client per cycle, which is fine for tens to a few hundred clients.</li>
 *     <li>{@link #LARGE_SERVER}: for hundreds to thousands of clients on a core. The cycle is paced (every
 *     {@value #LARGE_SERVER_CYCLE_PERIOD_US} µs unless the last one read at least
 *     {@value #LARGE_SERVER_LOOP_AGAIN_WORK} frames, see {@code PacedIdleStrategy}); Aeron's heartbeats and status
 *     messages are not counted as work; status messages every {@value #LARGE_SERVER_STATUS_MESSAGE_MS} ms instead of
 *     200 ({@value #LARGE_SERVER_HANDSHAKES_IN_FLIGHT} handshakes at once, since connects wait on them); a server
 *     listens on {@value #LARGE_SERVER_PORT_PAIRS} port pairs, so that each cycle drains one datagram
 *     from each, and refuses new sessions while its load is at or over
 *     {@value #LARGE_SERVER_ADMISSION_LOAD_LIMIT}. It adds up to one period to latency.</li>
 * </ul>
 */
public enum Profile
{
    /** The default: run again at once after any work; back off to a short park when idle. */
    LOW_LATENCY,
    /** Paced duty cycle, driver timer work not counted, 500 ms status messages, more port pairs. */
    LARGE_SERVER;

    /** Pace of the duty cycle in {@link #LARGE_SERVER}, in microseconds. */
    public static final int LARGE_SERVER_CYCLE_PERIOD_US = 1000;
    /** A cycle that did at least this much engine work runs again at once in {@link #LARGE_SERVER}. */
    public static final int LARGE_SERVER_LOOP_AGAIN_WORK = 4;
    /**
     * Status-message interval of the embedded driver in {@link #LARGE_SERVER}, in milliseconds. A new image's first
     * status message waits this long and a connect waits for about two and a half of them (measured, 8 clients:
     * 0.77 s at 200 ms, 1.34 s at 500 ms, 2.5 s at 1 s), so 500 ms trades 3 of the 5 status messages per idle
     * client per second for a connect a little over a second.
     */
    public static final int LARGE_SERVER_STATUS_MESSAGE_MS = 500;
    /** Handshakes at once of a server in {@link #LARGE_SERVER}: connects take longer there, so more run at once. */
    public static final int LARGE_SERVER_HANDSHAKES_IN_FLIGHT = 128;
    /** Load at which a server in {@link #LARGE_SERVER} refuses new sessions with {@code SERVER_BUSY}. */
    public static final double LARGE_SERVER_ADMISSION_LOAD_LIMIT = 0.85;
    /** Request/response port pairs of a server in {@link #LARGE_SERVER}. */
    public static final int LARGE_SERVER_PORT_PAIRS = 16;
}
