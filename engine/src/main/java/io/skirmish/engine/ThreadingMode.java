package io.skirmish.engine;

/**
 * How the threads of a {@code GameServer} or {@code GameClient} are arranged. All modes run the same single-writer
 * conductor; they only differ in who calls its duty cycle.
 * <ul>
 *     <li>{@link #DEDICATED}: the embedded media driver runs its own thread, the Aeron client its own conductor
 *     thread, and the engine conductor an {@code AgentRunner} thread. Three threads; suits large servers.</li>
 *     <li>{@link #SHARED}: one engine thread drives the embedded driver, the Aeron client conductor and the engine
 *     conductor in one duty cycle. One thread; the default, and the best fit for small (2-core) machines.</li>
 *     <li>{@link #INVOKER}: no threads at all; the game loop calls {@code poll()}, which drives the embedded driver,
 *     the Aeron client conductor and the engine conductor inline, the way ENet and netcode work.</li>
 * </ul>
 */
public enum ThreadingMode
{
    /** Driver, Aeron client conductor and engine conductor on separate threads. */
    DEDICATED,
    /** One background thread drives driver, Aeron client conductor and engine conductor. */
    SHARED,
    /** No threads: the caller drives everything by calling {@code poll()}. */
    INVOKER
}
