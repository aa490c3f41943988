/**
 * The rigs the benchmarks drive: an engine server and its clients, raw Aeron ping-pong with the engine's exact
 * driver arrangement, and KryoNet, each launched on loopback UDP with its own ports and driver directories.
 * <p>
 * Every rig names the threads it starts and what the caller's thread must drive; none busy-spins (idle loops
 * yield). Rigs are not thread-safe: the thread that created one drives it, unless its Javadoc says otherwise.
 */
package io.skirmish.benchmarks.rig;
