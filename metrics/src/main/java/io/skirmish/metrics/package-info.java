/**
 * Optional operations module: a {@link io.skirmish.engine.server.GameServer} as Micrometer meters
 * ({@link io.skirmish.metrics.ServerMetrics}: every engine counter, sessions, rooms, members, per-room tick time and
 * RTT histograms with bounded room cardinality), and {@link io.skirmish.metrics.OpsHttpServer}, the JDK's
 * {@code HttpServer} serving Prometheus {@code /metrics}, {@code /health/live}, {@code /health/ready} and an
 * authenticated admin API (rooms and members, kick, close a room, drain). Admin requests are handed to the
 * server's conductor through its proxy and answered from there; nothing here runs on the engine's hot path.
 */
package io.skirmish.metrics;
