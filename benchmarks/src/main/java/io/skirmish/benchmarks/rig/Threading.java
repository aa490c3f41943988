package io.skirmish.benchmarks.rig;

/**
 * How a round-trip rig arranges its threads. The caller's thread always drives the pinging side.
 */
public enum Threading
{
    /**
     * The echoing side (the game server, or raw Aeron's echo) runs on its own thread, which also invokes its embedded
     * driver and Aeron client conductor: the engine's {@code ThreadingMode.SHARED}. The pinging side (the client) is
     * invoked by the caller's thread.
     */
    THREADED,

    /**
     * No threads: the caller's thread invokes both drivers, both Aeron client conductors and both ends, the
     * engine's {@code ThreadingMode.INVOKER} on both sides (ENet's way).
     */
    SINGLE_THREAD
}
