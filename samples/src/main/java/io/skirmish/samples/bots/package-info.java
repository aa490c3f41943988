/**
 * Bots: many players polled from one thread, optionally sharing one media driver and Aeron client, that play, chat
 * and move between arenas, then drain and summarise what every bot should have been delivered against what it was.
 */
package io.skirmish.samples.bots;
