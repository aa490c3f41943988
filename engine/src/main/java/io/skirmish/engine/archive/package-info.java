/**
 * Durable rooms on Aeron Archive: {@link io.skirmish.engine.archive.RoomArchive} records each durable room's
 * sequenced event stream and the game's keyframes through a {@link io.skirmish.engine.archive.RoomRecorder} that never
 * blocks the live fan-out, and {@link io.skirmish.engine.archive.RoomRecordings} lists and replays them. The recorded
 * frames are {@link io.skirmish.engine.protocol.RecordedFrameFlyweight}s (docs/WIRE-FORMAT.md, "Recorded room
 * streams"; docs/durability.md).
 */
package io.skirmish.engine.archive;
