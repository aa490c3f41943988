/**
 * JMH benchmarks of the engine, each reported as a ratio against a baseline measured in the same run: event round
 * trips against raw Aeron with the same driver arrangement ({@link io.skirmish.benchmarks.EventRoundTripBenchmark},
 * and the coordinated-omission-free {@link io.skirmish.benchmarks.EventRoundTripFixedRate}), room fan-out against
 * KryoNet ({@link io.skirmish.benchmarks.RoomFanOutBenchmark}), and allocation on the hot paths
 * ({@link io.skirmish.benchmarks.HotPathAllocationBenchmark}). BENCHMARKS.md at the repository root has the run
 * commands and the latest figures.
 */
package io.skirmish.benchmarks;
