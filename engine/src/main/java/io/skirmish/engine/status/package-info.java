/**
 * What the engine tells about itself: its {@link io.skirmish.engine.status.Counters} in Aeron's CnC file (readable
 * with {@code AeronStat}), the one round-trip-time estimator both sides use, and the meter behind
 * {@link io.skirmish.engine.NetworkInfo}.
 */
package io.skirmish.engine.status;
