package io.skirmish.engine.server;

import io.aeron.ChannelUri;
import io.aeron.archive.client.AeronArchive;
import io.skirmish.engine.archive.RoomArchive;
import org.agrona.ErrorHandler;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Automatic retention of durable rooms' recordings ({@code GameServer.Context.recordingRetentionMs},
 * {@code maxRecordingsPerRoom}): every {@code retentionIntervalMs} of the server's epoch clock, from the conductor's
 * housekeeping (never per event), it lists the archive's recordings on the recording channel and purges, of each
 * room that is not open on this server, the stopped recordings that stopped longer ago than the retention, and
 * those older than the room's newest {@code maxRecordingsPerRoom}. An active recording and the recordings of an open
 * room are never purged. Each purge is {@code AeronArchive.purgeRecording} (segment files deleted, catalog entry
 * invalidated), counted in {@code RECORDINGS_PURGED}. Conductor thread only; a sweep blocks on the archive and
 * allocates (a cold path, once an interval).
 */
final class RecordingRetention
{
    private static final int PAGE = 64;

    private final RoomArchive archive;
    private final RoomRegistry rooms;
    private final String channelFragment;
    private final long retentionMs;
    private final int maxPerRoom;
    private final long intervalMs;
    private final AtomicCounter purged;
    private final ErrorHandler errors;
    private long nextSweepMs;

    RecordingRetention(
        final RoomArchive archive,
        final RoomRegistry rooms,
        final String recordingChannel,
        final long retentionMs,
        final int maxPerRoom,
        final long intervalMs,
        final long nowMs,
        final AtomicCounter purged,
        final ErrorHandler errors)
    {
        this.archive = archive;
        this.rooms = rooms;
        this.channelFragment = "aeron:" + ChannelUri.parse(recordingChannel).media();
        this.retentionMs = retentionMs;
        this.maxPerRoom = maxPerRoom;
        this.intervalMs = intervalMs;
        this.purged = purged;
        this.errors = errors;
        // the first sweep comes an interval after the start: the game restores its rooms first
        this.nextSweepMs = nowMs + intervalMs;
    }

    /**
     * @param nowMs the server's epoch clock.
     * @return recordings purged.
     */
    int doWork(final long nowMs)
    {
        if (nowMs - nextSweepMs < 0)
        {
            return 0;
        }
        nextSweepMs = nowMs + intervalMs;
        try
        {
            return sweep(nowMs);
        }
        catch (final RuntimeException ex)
        {
            errors.onError(ex);
            return 0;
        }
    }

    /**
     * One sweep: list, choose, purge (the rules are in the class comment). A purge the archive refuses is reported
     * to the error handler and left for the next sweep.
     */
    int sweep(final long nowMs)
    {
        final AeronArchive client = archive.archive();
        final Int2ObjectHashMap<LongArrayList> idsByRoom = new Int2ObjectHashMap<>();
        final Int2ObjectHashMap<LongArrayList> stopsByRoom = new Int2ObjectHashMap<>();
        long from = 0;
        int found;
        do
        {
            final long[] last = { -1 };
            found = client.listRecordings(from, PAGE,
                (controlSessionId, correlationId, recordingId, startTimestamp, stopTimestamp, startPosition,
                stopPosition, initialTermId, segmentFileLength, termBufferLength, mtuLength, sessionId, streamId,
                strippedChannel, originalChannel, sourceIdentity) ->
                {
                    last[0] = recordingId;
                    if (streamId > 0 && strippedChannel.contains(channelFragment))
                    {
                        idsByRoom.computeIfAbsent(streamId, (k) -> new LongArrayList()).addLong(recordingId);
                        stopsByRoom.computeIfAbsent(streamId, (k) -> new LongArrayList()).addLong(
                            AeronArchive.NULL_POSITION == stopPosition ? AeronArchive.NULL_TIMESTAMP : stopTimestamp);
                    }
                });
            from = last[0] + 1;
        }
        while (found >= PAGE);
        int count = 0;
        for (final Int2ObjectHashMap<LongArrayList>.EntryIterator it = idsByRoom.entrySet().iterator(); it.hasNext();)
        {
            it.next();
            final int roomId = it.getIntKey();
            if (null != rooms.room(roomId))
            {
                continue; // an open room keeps everything: a restore of it needs its whole lifetime
            }
            final LongArrayList ids = it.getValue();
            final LongArrayList stops = stopsByRoom.get(roomId);
            final int n = ids.size();
            for (int i = 0; i < n; i++)
            {
                final long stopMs = stops.getLong(i);
                if (AeronArchive.NULL_TIMESTAMP == stopMs)
                {
                    continue;
                }
                final boolean tooMany = maxPerRoom > 0 && i < n - maxPerRoom;
                final boolean tooOld = retentionMs > 0 && nowMs - stopMs > retentionMs;
                if (tooMany || tooOld)
                {
                    try
                    {
                        client.purgeRecording(ids.getLong(i));
                        purged.incrementRelease();
                        count++;
                    }
                    catch (final RuntimeException ex)
                    {
                        errors.onError(ex); // e.g. a replay still reading it: the next sweep tries again
                    }
                }
            }
        }
        return count;
    }
}
