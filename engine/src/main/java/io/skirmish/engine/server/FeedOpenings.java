package io.skirmish.engine.server;

import io.skirmish.engine.FeedEndReason;
import io.skirmish.engine.archive.AsyncReplayStarter;
import io.skirmish.engine.archive.RecordingFeed;
import io.skirmish.engine.archive.RoomArchive;
import io.skirmish.engine.archive.RoomRecordings;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.ArrayList;

/**
 * The feeds being opened, without blocking, so a spectator joining or a replay opening never stalls the players: a
 * spectator feed's archive replay, one start per (room, delay), and every replay feed's (one per recording of the
 * match) are made by an {@link AsyncReplayStarter} (a control session of its own, connected on the first) polled on
 * the conductor's duty cycle; a replay's recordings and entry are looked up first on the {@link ReplayLookups}
 * thread. Owned by {@link Feeds}, whose feeds and cursors it hands the opened feeds to; conductor thread only.
 */
final class FeedOpenings implements AutoCloseable
{
    private final RoomArchive archive;
    private final ArrayList<RecordingFeed> feeds;
    private final ArrayList<FeedCursor> cursors;
    private final int bufferLength;
    private final int maxFrames;
    private final int maxArchiveFeeds;
    private final AtomicCounter bufferFull;
    private final AtomicCounter evicted;
    private final AtomicCounter refused;
    private final ErrorHandler errors;
    private final ArrayList<AsyncReplayStarter.Start> starts = new ArrayList<>();
    private final ReplayLookups lookups;
    private AsyncReplayStarter starter;

    FeedOpenings(
        final RoomArchive archive,
        final ArrayList<RecordingFeed> feeds,
        final ArrayList<FeedCursor> cursors,
        final int bufferLength,
        final int maxFrames,
        final int maxArchiveFeeds,
        final AtomicCounter bufferFull,
        final AtomicCounter evicted,
        final AtomicCounter refused,
        final ErrorHandler errors)
    {
        this.archive = archive;
        this.feeds = feeds;
        this.cursors = cursors;
        this.bufferLength = bufferLength;
        this.maxFrames = maxFrames;
        this.maxArchiveFeeds = maxArchiveFeeds;
        this.bufferFull = bufferFull;
        this.evicted = evicted;
        this.refused = refused;
        this.errors = errors;
        this.lookups = new ReplayLookups(archive);
    }

    /**
     * Look up a replay's recordings and entry off the conductor.
     *
     * @return false when too many look-ups are under way.
     */
    boolean lookUp(final ReplayLookup lookup)
    {
        return lookups.offer(lookup);
    }

    /**
     * Advance the starts and the look-ups; hand the feeds opened to their cursors, end those that could not open.
     *
     * @return work count (more than 0 when the feeds or cursors changed).
     */
    int advance(final long nowNs)
    {
        return advanceOpenings(nowNs) + advanceLookups(nowNs);
    }


    /**
     * @return the start under way for that room and delay, or null.
     */
    AsyncReplayStarter.Start find(final int roomId, final long delayNs)
    {
        for (int i = 0, n = starts.size(); i < n; i++)
        {
            final AsyncReplayStarter.Start start = starts.get(i);
            if (start.roomId() == roomId && start.delayNs() == delayNs)
            {
                return start;
            }
        }
        return null;
    }

    /**
     * Start an archive replay of a live recording for a room's spectators at a delay. Does not block.
     */
    AsyncReplayStarter.Start start(final long recordingId, final int roomId, final long delayNs, final long nowNs)
    {
        final AsyncReplayStarter.Start start = starter(true).start(recordingId, roomId, delayNs, nowNs);
        starts.add(start);
        return start;
    }

    /**
     * @return starts under way.
     */
    int size()
    {
        return starts.size();
    }

    /**
     * @return the starter (null before the first start).
     */
    AsyncReplayStarter starter()
    {
        return starter;
    }

    /**
     * @param create make it when there is none yet (it connects on its first start).
     * @return the starter, shared with the replay feeds, which start their archive replays with it.
     */
    AsyncReplayStarter starter(final boolean create)
    {
        if (null == starter && create)
        {
            starter = new AsyncReplayStarter(archive.feedArchiveContext(), RoomRecordings.DEFAULT_REPLAY_CHANNEL,
                RoomRecordings.DEFAULT_REPLAY_STREAM_ID, errors);
        }
        return starter;
    }

    /**
     * Take the replays' look-ups answered: a replay whose match was found gets its feed (its archive replay starting
     * without blocking), the others end with the answer.
     */
    private int advanceLookups(final long nowNs)
    {
        int work = 0;
        for (ReplayLookup lookup; null != (lookup = lookups.poll()); work++)
        {
            FeedCursor cursor = null;
            for (int j = 0, n = cursors.size(); j < n; j++)
            {
                if (cursors.get(j).lookup == lookup)
                {
                    cursor = cursors.get(j);
                    cursor.lookup = null;
                    break;
                }
            }
            if (null == cursor || !cursor.isOpen())
            {
                continue; // its client went (or stopped it) while it was looked up
            }
            FeedEndReason refusal = null;
            if (ReplayLookup.NO_SUCH_ROOM == lookup.outcome)
            {
                refusal = FeedEndReason.NO_SUCH_ROOM;
            }
            else if (ReplayLookup.FOUND != lookup.outcome)
            {
                errors.onError(lookup.error);
                refusal = FeedEndReason.ARCHIVE_ERROR;
            }
            else if (feeds.size() + starts.size() >= maxArchiveFeeds)
            {
                refusal = FeedEndReason.LIMIT_REACHED;
            }
            else
            {
                final RecordingFeed feed = new RecordingFeed(starter(true), lookup.recordingIds,
                    lookup.startPositions, cursor.roomId, RecordingFeed.REPLAY, lookup.fromSeq, bufferLength,
                    maxFrames, bufferFull, evicted, nowNs);
                feeds.add(feed);
                cursor.feed = feed;
            }
            if (null != refusal)
            {
                refused.incrementRelease();
                cursor.endIndex = 1;
                cursor.endReason = refusal;
            }
        }
        return work;
    }

    /**
     * Advance the spectator feeds being opened without blocking; hand each one that opened to its cursors, end
     * theirs when it failed.
     */
    private int advanceOpenings(final long nowNs)
    {
        int work = null == starter ? 0 : starter.poll(nowNs);
        for (AsyncReplayStarter.Start start; null != (start = takeFinished()); work++)
        {
            final RecordingFeed feed = start.isDone() ? new RecordingFeed(start, starter,
                RecordingFeed.SPECTATE, 0, bufferLength, maxFrames, bufferFull, evicted) : null;
            if (null != feed)
            {
                feeds.add(feed);
            }
            else
            {
                errors.onError(new IllegalStateException("spectator feed of room " + start.roomId() + ": " +
                    start.failure()));
            }
            for (int j = 0, n = cursors.size(); j < n; j++)
            {
                final FeedCursor cursor = cursors.get(j);
                if (cursor.opening == start)
                {
                    cursor.opening = null;
                    cursor.feed = feed;
                    if (null == feed)
                    {
                        refused.incrementRelease();
                        cursor.endIndex = 1;
                        cursor.endReason = FeedEndReason.ARCHIVE_ERROR;
                    }
                }
            }
        }
        return work;
    }


    /**
     * @return a start that finished (done or failed), no longer under way, or null.
     */
    AsyncReplayStarter.Start takeFinished()
    {
        for (int i = starts.size() - 1; i >= 0; i--)
        {
            final AsyncReplayStarter.Start start = starts.get(i);
            if (start.isDone() || start.isFailed())
            {
                starts.remove(i);
                return start;
            }
        }
        return null;
    }

    /**
     * Close the control session. Cold path.
     */
    public void close()
    {
        starts.clear();
        CloseHelper.quietClose(starter);
        starter = null;
        CloseHelper.quietClose(lookups);
    }
}
