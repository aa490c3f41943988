/**
 * The directory's replicated state machine: {@link io.skirmish.directory.service.DirectoryService}, the Aeron
 * Cluster service every node runs, over the deterministic state (servers, rooms, seats) it applies the log to, and
 * its snapshot format. Nothing here reads a wall clock or draws random numbers.
 */
package io.skirmish.directory.service;
