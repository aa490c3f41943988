/**
 * The game server: its API ({@link io.skirmish.engine.server.GameServer}, rooms, sessions, listeners) beside the
 * package-private {@code ServerConductor}, a duty cycle that wires collaborators each owning one thing: the lane
 * registry (images and publications), the frame gate (every inbound frame), the handshake, the session registry
 * (every session state change), the reliable sender (every reliable frame out), the event fan-out (sequenced events,
 * replay, resync), the room registry, the message dispatcher and the snapshot publisher, with one adapter decoding
 * each lane. The game's objects ({@code Room}, {@code Session}, the listeners) never touch Aeron.
 */
package io.skirmish.engine.server;
