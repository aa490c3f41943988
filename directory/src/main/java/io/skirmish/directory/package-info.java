/**
 * The room directory and matchmaker on Aeron Cluster (docs/directory.md): {@link io.skirmish.directory.DirectoryNode}
 * runs one node of the replicated directory, {@link io.skirmish.directory.DirectoryCluster} all of them in one
 * process for development; game backends ask for seats with {@link io.skirmish.directory.DirectoryClient} and room
 * servers register and report with {@link io.skirmish.directory.DirectoryReporter}.
 */
package io.skirmish.directory;
