package io.skirmish.engine.archive;

import io.aeron.Aeron;
import io.aeron.archive.client.AeronArchive;

/**
 * One recording of a durable room, as {@link RoomRecordings#list(int)} describes it: one per server process that had
 * the room open. Immutable.
 */
public final class RoomRecording
{
    private final long recordingId;
    private final long startTimestampMs;
    private final long stopTimestampMs;
    private final long startPosition;
    private final long stopPosition;
    private final long firstSeq;
    private final long lastSeq;
    private final boolean startsLifetime;

    RoomRecording(
        final long recordingId,
        final long startTimestampMs,
        final long stopTimestampMs,
        final long startPosition,
        final long stopPosition,
        final long firstSeq,
        final long lastSeq,
        final boolean startsLifetime)
    {
        this.recordingId = recordingId;
        this.startTimestampMs = startTimestampMs;
        this.stopTimestampMs = stopTimestampMs;
        this.startPosition = startPosition;
        this.stopPosition = stopPosition;
        this.firstSeq = firstSeq;
        this.lastSeq = lastSeq;
        this.startsLifetime = startsLifetime;
    }

    /**
     * @return the archive's recording id.
     */
    public long recordingId()
    {
        return recordingId;
    }

    /**
     * @return when the archive started it, epoch ms.
     */
    public long startTimestampMs()
    {
        return startTimestampMs;
    }

    /**
     * @return when it stopped, epoch ms, or {@link AeronArchive#NULL_TIMESTAMP} while it is active.
     */
    public long stopTimestampMs()
    {
        return stopTimestampMs;
    }

    /**
     * @return its start position in the archive.
     */
    public long startPosition()
    {
        return startPosition;
    }

    /**
     * @return its stop position, or {@link AeronArchive#NULL_POSITION} while it is active.
     */
    public long stopPosition()
    {
        return stopPosition;
    }

    /**
     * @return true while the archive is still recording it.
     */
    public boolean isActive()
    {
        return AeronArchive.NULL_POSITION == stopPosition;
    }

    /**
     * @return the seq of the first event it can hold: its first frame's seq for an event, the seq after it for a
     * keyframe or tick (the state after that seq); {@link Aeron#NULL_VALUE} for an empty recording.
     */
    public long firstSeq()
    {
        return firstSeq;
    }

    /**
     * @return the highest seq it holds (an event's, or the seq a keyframe or tick follows); {@link Aeron#NULL_VALUE}
     * for an empty recording. For an active recording, as far as recorded when listed.
     */
    public long lastSeq()
    {
        return lastSeq;
    }

    /**
     * @return true when it starts a lifetime of the room (its seqs start at 1: the room id was created afresh, the
     * recordings before it are an earlier match); false when it continues the recording before it (a restored room).
     */
    public boolean startsLifetime()
    {
        return startsLifetime;
    }

    public String toString()
    {
        return "RoomRecording{id=" + recordingId + ", seqs=" + firstSeq + ".." + lastSeq + ", startMs=" +
            startTimestampMs + ", stopMs=" + stopTimestampMs + ", positions=" + startPosition + ".." + stopPosition +
            (startsLifetime ? ", starts lifetime" : "") + "}";
    }
}
