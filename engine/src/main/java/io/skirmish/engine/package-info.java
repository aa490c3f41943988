/**
 * Skirmish, a UDP game networking engine on Aeron: the vocabulary both sides share.
 * <p>
 * The game's entry points are {@link io.skirmish.engine.server.GameServer} and
 * {@link io.skirmish.engine.client.GameClient}, each with its API beside its package-private conductor. Under them
 * sit leaf packages that know nothing of either side: {@code protocol} (wire frames as flyweights), {@code codec}
 * (Kryo with explicit registration, snapshot deltas), {@code security} (tokens, frame authentication and
 * encryption, rate limits), {@code status} (counters and network figures), {@code transport} (Aeron lanes and the
 * one frame-offer path) and {@code sim} (the seeded network simulator). This package holds what they all speak:
 * reasons, result codes, counters, threading modes and the {@link io.skirmish.engine.CommonContext} both contexts
 * extend. {@code docs/architecture.md} maps who owns what.
 */
package io.skirmish.engine;
