package io.skirmish.engine.server;

import io.aeron.archive.client.AeronArchive;
import io.skirmish.engine.archive.RoomArchive;
import io.skirmish.engine.archive.RoomRecording;
import io.skirmish.engine.archive.RoomRecordings;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

import java.util.List;

/**
 * The network replays' look-ups, off the conductor: which recordings a replay of a match reads (a listing that reads
 * each recording's last term) and where it enters the first (a keyframe seek), both blocking archive calls, made on
 * a thread of its own (started on the first replay) with an archive client and Aeron client of its own
 * ({@link RoomArchive#ownThreadArchiveContext()}). The conductor offers {@link ReplayLookup}s and polls the answers
 * on its duty cycle, so a replay's open never stalls the players; the replay itself is then started without blocking
 * ({@link io.skirmish.engine.archive.AsyncReplayStarter}). Owned by {@link Feeds}: {@link #offer} and {@link #poll}
 * on the conductor thread only.
 */
final class ReplayLookups implements AutoCloseable
{
    static final int CAPACITY = 64;

    private final RoomArchive archive;
    private final OneToOneConcurrentArrayQueue<ReplayLookup> requests = new OneToOneConcurrentArrayQueue<>(CAPACITY);
    private final OneToOneConcurrentArrayQueue<ReplayLookup> answers = new OneToOneConcurrentArrayQueue<>(CAPACITY);
    private AgentRunner runner;
    private int inFlight;

    ReplayLookups(final RoomArchive archive)
    {
        this.archive = archive;
    }

    /**
     * Ask for a look-up. Cold path (starts the thread on the first).
     *
     * @return false when too many are under way.
     */
    boolean offer(final ReplayLookup lookup)
    {
        if (inFlight >= CAPACITY || !requests.offer(lookup))
        {
            return false;
        }
        inFlight++;
        if (null == runner)
        {
            runner = new AgentRunner(new SleepingMillisIdleStrategy(1), Throwable::printStackTrace, null,
                new Worker(archive.ownThreadArchiveContext(), archive.recordingChannel(), requests, answers));
            AgentRunner.startOnThread(runner);
        }
        return true;
    }

    /**
     * @return a look-up answered, or null.
     */
    ReplayLookup poll()
    {
        final ReplayLookup lookup = 0 == inFlight ? null : answers.poll();
        if (null != lookup)
        {
            inFlight--;
        }
        return lookup;
    }

    /**
     * @return look-ups under way.
     */
    int size()
    {
        return inFlight;
    }

    /**
     * Stop the thread and close its archive client. Cold path.
     */
    public void close()
    {
        CloseHelper.quietClose(runner);
        runner = null;
    }

    private static final class Worker implements Agent
    {
        private final AeronArchive.Context context;
        private final String recordingChannel;
        private final OneToOneConcurrentArrayQueue<ReplayLookup> requests;
        private final OneToOneConcurrentArrayQueue<ReplayLookup> answers;
        private RoomRecordings recordings;

        Worker(
            final AeronArchive.Context context,
            final String recordingChannel,
            final OneToOneConcurrentArrayQueue<ReplayLookup> requests,
            final OneToOneConcurrentArrayQueue<ReplayLookup> answers)
        {
            this.context = context;
            this.recordingChannel = recordingChannel;
            this.requests = requests;
            this.answers = answers;
        }

        public int doWork()
        {
            final ReplayLookup lookup = requests.poll();
            if (null == lookup)
            {
                return 0;
            }
            try
            {
                if (null == recordings)
                {
                    recordings = new RoomRecordings(AeronArchive.connect(context.clone()), true, recordingChannel,
                        RoomRecordings.DEFAULT_REPLAY_CHANNEL, RoomRecordings.DEFAULT_REPLAY_STREAM_ID);
                }
                final List<RoomRecording> match = recordings.match(lookup.roomId, lookup.recordingId);
                if (match.isEmpty())
                {
                    lookup.outcome = ReplayLookup.NO_SUCH_ROOM;
                }
                else
                {
                    MatchReplayEntry.enter(recordings, match, lookup.fromSeq, lookup);
                    lookup.outcome = ReplayLookup.FOUND;
                }
            }
            catch (final RuntimeException ex)
            {
                // the next look-up connects again
                CloseHelper.quietClose(recordings);
                recordings = null;
                lookup.error = ex;
                lookup.outcome = ReplayLookup.ARCHIVE_ERROR;
            }
            answers.offer(lookup); // never full: no more are under way than it holds
            return 1;
        }

        public void onClose()
        {
            CloseHelper.quietClose(recordings);
            recordings = null;
        }

        public String roleName()
        {
            return "skirmish-replay-lookups";
        }
    }
}
