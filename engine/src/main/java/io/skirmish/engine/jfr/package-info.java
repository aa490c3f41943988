/**
 * JDK Flight Recorder events of the server: connects, rejects with their reason, resumes, closes, replays, resyncs,
 * rooms opened and closed, slow ticks and the start of a drain, each with the ids that tie it to one session or room.
 * {@link io.skirmish.engine.jfr.ServerEvents} commits them; each method first asks whether a recording enables the
 * event type, so with Flight Recorder off nothing is allocated. Enable them with
 * {@code -XX:StartFlightRecording} or {@code jcmd <pid> JFR.start} (they are enabled by default, without stack traces:
 * the conductor's stack says nothing the fields do not), and read them with {@code jfr print --categories Skirmish}.
 * They are off the hot path (events are rare occurrences).
 */
package io.skirmish.engine.jfr;
