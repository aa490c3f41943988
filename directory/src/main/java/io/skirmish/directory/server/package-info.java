/**
 * Room servers on the directory: {@link io.skirmish.directory.server.RoomServerLink} runs a directory reporter for
 * a {@code GameServer}, creates the rooms the directory places on it and confirms the seats its players arrive with.
 */
package io.skirmish.directory.server;
