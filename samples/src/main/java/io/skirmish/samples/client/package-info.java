/**
 * The demo game on the client: {@link io.skirmish.samples.client.ArenaClient} (a player),
 * {@link io.skirmish.samples.client.ArenaInterpolator}, which blends the arena snapshots held by the engine's
 * interpolation buffer to render the world a fixed delay in the past, per-second network stats, and
 * {@link io.skirmish.samples.client.DeliveryAudit}, which checks from the outside that every room event is delivered
 * exactly once and in order while the client is a member.
 */
package io.skirmish.samples.client;
