/**
 * The game client: its API ({@link io.skirmish.engine.client.GameClient}, its listener, states and the
 * interpolation buffer) beside the package-private {@code ClientConductor}, which runs the connection's state machine
 * and wires the lanes, the connect attempt, the sender and its adapter, in-order event delivery with gap recovery,
 * the input sender and the snapshot receiver. Never depends on the server.
 */
package io.skirmish.engine.client;
