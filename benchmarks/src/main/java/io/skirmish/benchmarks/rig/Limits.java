package io.skirmish.benchmarks.rig;

/**
 * Engine limits as the benchmarks set them.
 */
public final class Limits
{
    /**
     * Per-session message and byte rates for benchmark servers: far above anything a benchmark sends, so the rate
     * limiter runs on the measured path but never drops (its default of 2000 messages per second would drop a
     * round-trip benchmark's emits and then disconnect the session as abusive).
     */
    public static final int UNLIMITED_RATE = 1_000_000_000;

    private Limits()
    {
    }
}
