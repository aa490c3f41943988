/**
 * Optional module: a Skirmish game server's lifecycle under Agones. {@link io.skirmish.agones.AgonesSdk} speaks the
 * Agones SDK server's REST interface (Ready, Health, Allocate, Reserve, Shutdown, GameServer, and the alpha player
 * tracking) with the JDK's {@code HttpClient}; {@link io.skirmish.agones.AgonesLifecycle} calls it from its own
 * thread: Ready once the server is up, health pings at an interval, each connected session as a player, Shutdown
 * after a drain. Nothing here runs on the game server's conductor.
 */
package io.skirmish.agones;
