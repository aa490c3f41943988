/**
 * The demo game on the server: a lobby and server-authoritative arenas that tick at a fixed rate, send every member
 * a snapshot of all entities per tick, and announce hits and pickups as room events. The game's own wire format
 * (raw payloads carried by the engine) is in {@link io.skirmish.samples.arena.ArenaProtocol}.
 */
package io.skirmish.samples.arena;
