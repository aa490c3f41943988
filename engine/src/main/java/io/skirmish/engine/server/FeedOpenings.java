package io.skirmish.engine.server;

import io.skirmish.engine.archive.AsyncReplayStarter;
import io.skirmish.engine.archive.RoomArchive;
import io.skirmish.engine.archive.RoomRecordings;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;

import java.util.ArrayList;

/**
 * The spectator feeds being opened: one archive replay start per (room, delay), made without blocking by an
 * {@link AsyncReplayStarter} (a control session of its own, connected on the first spectator) and polled on the
 * conductor's duty cycle, so a spectator joining never stalls the players. Owned by {@link Feeds}; conductor thread
 * only.
 */
final class FeedOpenings implements AutoCloseable
{
    private final RoomArchive archive;
    private final ErrorHandler errors;
    private final ArrayList<AsyncReplayStarter.Start> starts = new ArrayList<>();
    private AsyncReplayStarter starter;

    FeedOpenings(final RoomArchive archive, final ErrorHandler errors)
    {
        this.archive = archive;
        this.errors = errors;
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
        if (null == starter)
        {
            starter = new AsyncReplayStarter(archive.feedArchiveContext(), RoomRecordings.DEFAULT_REPLAY_CHANNEL,
                RoomRecordings.DEFAULT_REPLAY_STREAM_ID, errors);
        }
        final AsyncReplayStarter.Start start = starter.start(recordingId, roomId, delayNs, nowNs);
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

    int poll(final long nowNs)
    {
        return null == starter ? 0 : starter.poll(nowNs);
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
    }
}
