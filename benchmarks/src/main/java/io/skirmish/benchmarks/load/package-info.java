/**
 * Out-of-process load harness: the server and the bots in separate JVMs, each pinned to its own core, as a game
 * would deploy a server with its load generator on another machine.
 * <ul>
 *     <li>{@link io.skirmish.benchmarks.load.LoadServer}: one {@code GameServer} in {@code ThreadingMode.SHARED} (one
 *     thread runs the embedded driver, the Aeron client and the engine) with the rooms of a {@link
 *     io.skirmish.benchmarks.load.Scenario}; measures its tick times, its process CPU and its Aeron directory's
 *     memory.</li>
 *     <li>{@link io.skirmish.benchmarks.load.LoadBots}: N INVOKER-mode {@code GameClient}s in groups sharing a
 *     client-side embedded driver, all driven by one thread that parks when idle; join their rooms, send inputs at
 *     30 Hz, count snapshots and check every room event by seq.</li>
 *     <li>{@link io.skirmish.benchmarks.load.LoadRun}: the coordinator; launches both with {@code taskset}, steps them
 *     through connect, warm-up, measurement and drain over their standard input, and prints one row per client count
 *     and scenario with a verdict against the budget.</li>
 * </ul>
 * The children talk to the coordinator in lines: commands on standard input ({@code publish}, {@code measure},
 * {@code stop}, {@code report}, {@code exit}; end of input is {@code exit}), and reports on standard output as lines
 * starting with {@code @} followed by {@code key=value} pairs (see {@link io.skirmish.benchmarks.load.Report}). Every
 * other output line is log, kept by the coordinator in a file per child. Either child can be run by hand the same
 * way, typing the commands.
 */
package io.skirmish.benchmarks.load;
