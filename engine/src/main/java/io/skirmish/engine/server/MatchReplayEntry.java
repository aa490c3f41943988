package io.skirmish.engine.server;

import io.aeron.Aeron;
import io.skirmish.engine.archive.RecordingFeed;
import io.skirmish.engine.archive.RoomArchive;
import io.skirmish.engine.archive.RoomRecording;
import io.skirmish.engine.archive.RoomRecordings;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.List;

/**
 * Where a network replay of a match enters its recordings: the recording {@code fromSeq} falls in, from the term
 * that holds the newest keyframe before it (found by a seek, in an earlier recording when that one has none), then
 * every later recording of the match from its start. Conductor thread; cold path (blocks on the archive).
 */
final class MatchReplayEntry
{
    private MatchReplayEntry()
    {
    }

    static RecordingFeed open(
        final RoomArchive archive,
        final RoomRecordings recordings,
        final List<RoomRecording> match,
        final int roomId,
        final long fromSeq,
        final int bufferLength,
        final int maxFrames,
        final AtomicCounter bufferFull,
        final AtomicCounter evicted)
    {
        int first = 0;
        for (int i = 0; i < match.size(); i++)
        {
            final RoomRecording recording = match.get(i);
            if (Aeron.NULL_VALUE != recording.firstSeq() && recording.firstSeq() <= fromSeq)
            {
                first = i;
            }
        }
        long position = match.get(first).startPosition();
        if (fromSeq > 1)
        {
            while (true)
            {
                position = recordings.keyframeSeekPosition(
                    match.get(first).recordingId(), fromSeq, RoomRestore.REPLAY_TIMEOUT_NS);
                if (recordings.lastSeekFoundKeyframe() || 0 == first)
                {
                    break;
                }
                first--;
            }
            if (position < 0)
            {
                position = match.get(first).startPosition();
            }
        }
        final long[] ids = new long[match.size() - first];
        final long[] starts = new long[ids.length];
        for (int i = 0; i < ids.length; i++)
        {
            ids[i] = match.get(first + i).recordingId();
            starts[i] = 0 == i ? position : match.get(first + i).startPosition();
        }
        return new RecordingFeed(archive.archive(), ids, starts,
            RoomRecordings.DEFAULT_REPLAY_CHANNEL, RoomRecordings.DEFAULT_REPLAY_STREAM_ID, roomId,
            RecordingFeed.REPLAY, 0, fromSeq, bufferLength, maxFrames, bufferFull, evicted);
    }
}
