/**
 * JDK Flight Recorder events of the server: connects, rejects with their reason, resumes, closes, replays, resyncs,
 * rooms opened and closed, slow ticks and the start of a drain, each with the ids that tie it to one session or room.
 * {@link io.skirmish.engine.jfr.ServerEvents} commits them; each method first asks whether a recording enables the
 * event type, so with Flight Recorder off nothing is allocated. Enable them with
 * {@code -XX:StartFlightRecording:settings=...} or {@code jcmd <pid> JFR.start}; they are off the hot path (events are
 * rare occurrences).
 */
package io.skirmish.engine.jfr;
