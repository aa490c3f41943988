/**
 * Fault injection for tests, samples and soak runs: a seeded {@link io.skirmish.engine.sim.NetworkSimulator}
 * (latency, jitter, loss, duplication, reordering) and a {@link io.skirmish.engine.sim.UdpRelay} that carries real
 * UDP datagrams through it and rewrites addresses and ports the way a NAT does.
 */
package io.skirmish.engine.sim;
