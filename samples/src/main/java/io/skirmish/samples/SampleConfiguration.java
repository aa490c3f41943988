package io.skirmish.samples;

import org.agrona.SystemUtil;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.TimeUnit;

/**
 * Defaults of the samples, read once from system properties ({@code -Dskirmish.sample.port=40200}). Command-line
 * options override them.
 */
public final class SampleConfiguration
{
    /** Server request port; the response port is the next one. */
    public static final String PORT_PROP = "skirmish.sample.port";
    /** Address the server binds. */
    public static final String BIND_PROP = "skirmish.sample.bind";
    /** Number of arenas. */
    public static final String ARENAS_PROP = "skirmish.sample.arenas";
    /** Arena tick rate in Hz. */
    public static final String TICK_RATE_PROP = "skirmish.sample.tick.rate.hz";
    /** Bots started by the all-in-one demo. */
    public static final String BOTS_PROP = "skirmish.sample.bots";
    /** Chat events per second per bot. */
    public static final String EMIT_RATE_PROP = "skirmish.sample.emit.rate";
    /** Mean time between a bot's arena moves, e.g. {@code 8s}; 0 for none. */
    public static final String HOP_INTERVAL_PROP = "skirmish.sample.hop.interval";
    /** How long the all-in-one demo runs when there is no display, e.g. {@code 20s}. */
    public static final String HEADLESS_DURATION_PROP = "skirmish.sample.headless.duration";
    /** Time between two text dashboards, e.g. {@code 2s}. */
    public static final String DASHBOARD_INTERVAL_PROP = "skirmish.sample.dashboard.interval";
    /** Interpolation delay of the window's client, e.g. {@code 100ms}. */
    public static final String INTERPOLATION_DELAY_PROP = "skirmish.sample.interpolation.delay";
    /** From this many bots up, bots share one media driver and Aeron client. */
    public static final String SHARED_DRIVER_MIN_BOTS_PROP = "skirmish.sample.shared.driver.min.bots";
    /** Seed of the game and the simulators. */
    public static final String SEED_PROP = "skirmish.sample.seed";
    /** Write a PNG of the window to this path once it has run for {@link #SCREENSHOT_DELAY_PROP}. */
    public static final String SCREENSHOT_PROP = "skirmish.sample.screenshot";
    /** How long the window runs before the screenshot, e.g. {@code 6s}. */
    public static final String SCREENSHOT_DELAY_PROP = "skirmish.sample.screenshot.delay";
    /** Close the window after the screenshot. */
    public static final String EXIT_AFTER_SCREENSHOT_PROP = "skirmish.sample.screenshot.exit";

    /** Server request port. */
    public static final int PORT = Integer.getInteger(PORT_PROP, 40123);
    /** Address the server binds. */
    public static final String BIND = System.getProperty(BIND_PROP, "0.0.0.0");
    /** Number of arenas. */
    public static final int ARENAS = Integer.getInteger(ARENAS_PROP, 2);
    /** Arena tick rate in Hz. */
    public static final int TICK_RATE_HZ = Integer.getInteger(TICK_RATE_PROP, 30);
    /** Bots started by the all-in-one demo. */
    public static final int BOTS = Integer.getInteger(BOTS_PROP, 6);
    /** Chat events per second per bot. */
    public static final double EMIT_RATE = Double.parseDouble(System.getProperty(EMIT_RATE_PROP, "1.5"));
    /** Mean time between a bot's arena moves in ns. */
    public static final long HOP_INTERVAL_NS = SystemUtil.parseDuration(
        HOP_INTERVAL_PROP, System.getProperty(HOP_INTERVAL_PROP, "8s"));
    /** How long the all-in-one demo runs without a display, in ns. */
    public static final long HEADLESS_DURATION_NS = SystemUtil.parseDuration(
        HEADLESS_DURATION_PROP, System.getProperty(HEADLESS_DURATION_PROP, "20s"));
    /** Time between two text dashboards in ns. */
    public static final long DASHBOARD_INTERVAL_NS = SystemUtil.parseDuration(
        DASHBOARD_INTERVAL_PROP, System.getProperty(DASHBOARD_INTERVAL_PROP, "2s"));
    /** Interpolation delay in ns. */
    public static final long INTERPOLATION_DELAY_NS = SystemUtil.parseDuration(
        INTERPOLATION_DELAY_PROP, System.getProperty(INTERPOLATION_DELAY_PROP, "100ms"));
    /** From this many bots up, bots share one media driver and Aeron client. */
    public static final int SHARED_DRIVER_MIN_BOTS = Integer.getInteger(SHARED_DRIVER_MIN_BOTS_PROP, 3);
    /** Seed of the game and the simulators. */
    public static final long SEED = Long.getLong(SEED_PROP, 42L);
    /** Screenshot path, or null. */
    public static final String SCREENSHOT = System.getProperty(SCREENSHOT_PROP);
    /** Time before the screenshot in ns. */
    public static final long SCREENSHOT_DELAY_NS = SystemUtil.parseDuration(
        SCREENSHOT_DELAY_PROP, System.getProperty(SCREENSHOT_DELAY_PROP, "6s"));
    /** Close the window after the screenshot. */
    public static final boolean EXIT_AFTER_SCREENSHOT = Boolean.getBoolean(EXIT_AFTER_SCREENSHOT_PROP);

    /** Longest park of the samples' idle strategies, e.g. {@code 1ms}: they back off, never busy spin. */
    public static final String MAX_PARK_PROP = "skirmish.sample.max.park";

    /** Longest park of the samples' idle strategies in ns. */
    public static final long MAX_PARK_NS = SystemUtil.parseDuration(
        MAX_PARK_PROP, System.getProperty(MAX_PARK_PROP, "1ms"));

    private SampleConfiguration()
    {
    }

    /**
     * @return a new idle strategy for a sample's polling thread: spin a little, yield, then park up to
     * {@link #MAX_PARK_NS}; small machines stay responsive and no thread busy spins.
     */
    public static IdleStrategy idleStrategy()
    {
        return new BackoffIdleStrategy(10, 20, TimeUnit.MICROSECONDS.toNanos(1), MAX_PARK_NS);
    }
}
