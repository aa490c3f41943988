package io.skirmish.engine.archive;

import io.aeron.Aeron;
import io.aeron.ChannelUri;
import io.aeron.CommonContext;
import io.aeron.ExclusivePublication;
import io.aeron.archive.client.AeronArchive;
import io.aeron.archive.codecs.SourceLocation;
import io.aeron.archive.status.RecordingPos;
import io.skirmish.engine.transport.Transport;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.collections.ArrayUtil;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersReader;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The server's link to Aeron Archive: one exclusive publication per durable room on the recording channel, with the
 * room id as its stream id, recorded with {@code AeronArchive.startRecording} for exactly that publication's session.
 * The recorders are driven from the conductor's duty cycle; starting and stopping a recording are cold-path,
 * blocking archive calls. Conductor thread only.
 */
public final class RoomArchive implements AutoCloseable
{
    /** Default channel of the recorded publications. */
    public static final String DEFAULT_RECORDING_CHANNEL = "aeron:ipc?term-length=1m";
    private static final long STOP_DRAIN_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);

    private final Transport transport;
    private final AeronArchive.Context archiveCtx;
    private final AeronArchive.Context feedArchiveCtx;
    private AeronArchive archive;
    private final String recordingChannel;
    private final int maxMessageLength;
    private final int pendingBufferLength;
    private final AtomicCounter deferred;
    private final AtomicCounter lost;
    private final AtomicCounter gaps;
    private Recording[] recordings = new Recording[0];
    private long openEpoch = 1;
    private long waitingEpoch;
    private long recordedEpoch;
    private boolean epochDirty;

    /**
     * A link to the archive: the embedded one of the transport, or the one the context names. It connects on first
     * use, on the conductor thread: Aeron Archive confines each control session to the thread that first ran it,
     * and an embedded archive invoked from the duty cycle must not see the launching thread first.
     *
     * @param transport           the server's transport.
     * @param archiveCtx          how to reach the archive; its Aeron client is set to the transport's.
     * @param recordingChannel    channel of the recorded publications (IPC for an embedded archive).
     * @param maxMessageLength    largest event or keyframe payload.
     * @param pendingBufferLength bytes per room held while the recording is back-pressured.
     * @param deferred            counts frames that waited in a pending buffer.
     * @param lost                counts frames lost to a recording.
     * @param gaps                counts gap markers.
     */
    public RoomArchive(
        final Transport transport,
        final AeronArchive.Context archiveCtx,
        final String recordingChannel,
        final int maxMessageLength,
        final int pendingBufferLength,
        final AtomicCounter deferred,
        final AtomicCounter lost,
        final AtomicCounter gaps)
    {
        this.transport = transport;
        this.recordingChannel = recordingChannel;
        this.maxMessageLength = maxMessageLength;
        this.pendingBufferLength = pendingBufferLength;
        this.deferred = deferred;
        this.lost = lost;
        this.gaps = gaps;
        archiveCtx.aeron(transport.aeron()).ownsAeronClient(false);
        if (null != transport.driverAndArchiveInvoker())
        {
            archiveCtx.agentInvoker(transport.driverAndArchiveInvoker());
        }
        this.archiveCtx = archiveCtx;
        this.feedArchiveCtx = archiveCtx.clone();
    }

    /**
     * @return a context, not concluded, for an archive client of its own (the spectator feeds' control session,
     * connected without blocking): a copy of this archive's as given.
     */
    public AeronArchive.Context feedArchiveContext()
    {
        return feedArchiveCtx;
    }

    /**
     * @return the archive client, connected on the first call. Cold path the first time; blocks on the archive.
     */
    public AeronArchive archive()
    {
        if (null == archive)
        {
            archive = AeronArchive.connect(archiveCtx);
        }
        return archive;
    }

    /**
     * @return the recordings in this archive, replayed on the calling (conductor) thread, which drives the transport
     * while it waits; not owning the archive client (allocates; cold path).
     */
    public RoomRecordings recordings()
    {
        return new RoomRecordings(archive(), false, recordingChannel, RoomRecordings.DEFAULT_REPLAY_CHANNEL,
            RoomRecordings.DEFAULT_REPLAY_STREAM_ID, transport::invoke);
    }

    /**
     * Start recording a room. Cold path; blocks on the archive.
     *
     * @param roomId the room.
     * @return its recorder.
     */
    public RoomRecorder record(final int roomId)
    {
        final ExclusivePublication publication = transport.aeron().addExclusivePublication(recordingChannel, roomId);
        try
        {
            final String channel = ChannelUri.addSessionId(recordingChannel, publication.sessionId());
            final long subscriptionId = archive().startRecording(channel, roomId, SourceLocation.LOCAL, true);
            final Recording recording = new Recording(publication, subscriptionId, new RoomRecorder(
                roomId, new PublicationSink(publication), maxMessageLength, pendingBufferLength, deferred, lost, gaps));
            recordings = ArrayUtil.add(recordings, recording);
            return recording.recorder;
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(publication);
            throw ex;
        }
    }

    /**
     * @param recorder a room's recorder.
     * @return the id of the recording it writes to, or {@link Aeron#NULL_VALUE} while the archive has not
     * yet started it (or the recorder is not this archive's).
     */
    public long recordingId(final RoomRecorder recorder)
    {
        for (final Recording recording : recordings)
        {
            if (recording.recorder == recorder)
            {
                final CountersReader counters = transport.aeron().countersReader();
                final int counterId = RecordingPos.findCounterIdBySession(
                    counters, recording.publication.sessionId(), archive().archiveId());
                return CountersReader.NULL_COUNTER_ID == counterId ?
                    Aeron.NULL_VALUE : RecordingPos.getRecordingId(counters, counterId);
            }
        }
        return Aeron.NULL_VALUE;
    }

    /**
     * Drive a recorder and the transport until nothing is pending in it (a restore writing the repeat of a room's
     * earlier recordings waits so rather than lose frames to a full pending buffer). Cold path; blocks.
     *
     * @param recorder  the room's recorder.
     * @param timeoutNs how long to wait.
     * @return true once drained, false when the time ran out.
     */
    public boolean awaitDrained(final RoomRecorder recorder, final long timeoutNs)
    {
        final long deadlineNs = System.nanoTime() + timeoutNs;
        while (true)
        {
            recorder.doWork();
            if (recorder.isDrained())
            {
                return true;
            }
            if (System.nanoTime() - deadlineNs > 0)
            {
                return false;
            }
            if (0 == transport.invoke())
            {
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100));
            }
        }
    }

    /**
     * Drive every recorder's pending buffer.
     *
     * @return work count.
     */
    public int doWork()
    {
        int work = 0;
        for (final Recording recording : recordings)
        {
            work += recording.recorder.doWork();
        }
        if (0 != waitingEpoch || epochDirty)
        {
            work += advanceEpochs();
        }
        return work;
    }

    /**
     * Something was just offered to a recording that a client's acknowledgement must wait for.
     *
     * @return the recording epoch it belongs to: it is in the archive once {@link #recordedEpoch()} reaches it.
     */
    public long markOffered()
    {
        epochDirty = true;
        return openEpoch;
    }

    /**
     * @return the newest epoch everything of which the archive has recorded (in its segment files: a SIGKILL of
     * this process loses none of it).
     */
    public long recordedEpoch()
    {
        return recordedEpoch;
    }

    /**
     * Epochs close one at a time: an epoch closes, taking each recorded publication's position as its target, once
     * nothing is pending in a recorder (so everything offered is in a publication), and is recorded once each
     * recording's position ({@code RecordingPos}) has reached its target. Frames offered meanwhile go to the next
     * epoch, so acknowledgements advance however steadily frames come.
     */
    private int advanceEpochs()
    {
        int work = 0;
        if (0 != waitingEpoch)
        {
            final CountersReader counters = transport.aeron().countersReader();
            for (final Recording recording : recordings)
            {
                if (recordedPosition(counters, recording) < recording.epochTarget)
                {
                    return 0;
                }
            }
            recordedEpoch = waitingEpoch;
            waitingEpoch = 0;
            work++;
        }
        if (epochDirty)
        {
            for (final Recording recording : recordings)
            {
                if (recording.recorder.pendingBytes() > 0)
                {
                    return work;
                }
            }
            for (final Recording recording : recordings)
            {
                recording.epochTarget = recording.publication.position();
            }
            waitingEpoch = openEpoch++;
            epochDirty = false;
            work++;
        }
        return work;
    }

    private long recordedPosition(final CountersReader counters, final Recording recording)
    {
        if (CountersReader.NULL_COUNTER_ID == recording.counterId)
        {
            recording.counterId = RecordingPos.findCounterIdBySession(
                counters, recording.publication.sessionId(), archive.archiveId());
            if (CountersReader.NULL_COUNTER_ID == recording.counterId)
            {
                return Long.MIN_VALUE;
            }
        }
        return counters.getCounterValue(recording.counterId);
    }

    /**
     * Stop recording a room once what it offered is in the archive (or after a few seconds). Cold path; blocks.
     *
     * @param recorder of the room.
     */
    public void stop(final RoomRecorder recorder)
    {
        for (final Recording recording : recordings)
        {
            if (recording.recorder == recorder)
            {
                recordings = ArrayUtil.remove(recordings, recording);
                stop(recording);
                return;
            }
        }
    }

    /**
     * Stop every recording and close the archive client.
     */
    public void close()
    {
        for (final Recording recording : recordings)
        {
            stop(recording);
        }
        recordings = new Recording[0];
        CloseHelper.quietClose(archive);
    }

    private void stop(final Recording recording)
    {
        final CountersReader counters = transport.aeron().countersReader();
        final long deadlineNs = System.nanoTime() + STOP_DRAIN_TIMEOUT_NS;
        while (System.nanoTime() - deadlineNs < 0)
        {
            recording.recorder.doWork();
            transport.invoke();
            final int counterId = RecordingPos.findCounterIdBySession(
                counters, recording.publication.sessionId(), archive().archiveId());
            if (recording.recorder.isDrained() && CountersReader.NULL_COUNTER_ID != counterId &&
                counters.getCounterValue(counterId) >= recording.publication.position())
            {
                break;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        try
        {
            archive().tryStopRecording(recording.subscriptionId);
        }
        catch (final RuntimeException ignore)
        {
            // the archive went first (server shutdown): the recording ends with it
        }
        CloseHelper.quietClose(recording.publication);
    }

    /**
     * @param aeronDirectoryName the directory of the driver whose archive to reach.
     * @return a context reaching an archive over IPC on that driver (as the embedded one listens).
     */
    public static AeronArchive.Context localArchiveContext(final String aeronDirectoryName)
    {
        return new AeronArchive.Context()
            .aeronDirectoryName(aeronDirectoryName)
            .controlRequestChannel(CommonContext.IPC_CHANNEL)
            .controlResponseChannel(CommonContext.IPC_CHANNEL);
    }

    private static final class Recording
    {
        final ExclusivePublication publication;
        final long subscriptionId;
        final RoomRecorder recorder;
        int counterId = CountersReader.NULL_COUNTER_ID;
        long epochTarget;

        Recording(final ExclusivePublication publication, final long subscriptionId, final RoomRecorder recorder)
        {
            this.publication = publication;
            this.subscriptionId = subscriptionId;
            this.recorder = recorder;
        }
    }

    private static final class PublicationSink implements RecordingSink
    {
        private final ExclusivePublication publication;

        PublicationSink(final ExclusivePublication publication)
        {
            this.publication = publication;
        }

        public long offer(
            final DirectBuffer bufferOne,
            final int offsetOne,
            final int lengthOne,
            final DirectBuffer bufferTwo,
            final int offsetTwo,
            final int lengthTwo)
        {
            return publication.offer(bufferOne, offsetOne, lengthOne, bufferTwo, offsetTwo, lengthTwo);
        }

        public long offer(final DirectBuffer buffer, final int offset, final int length)
        {
            return publication.offer(buffer, offset, length);
        }
    }
}
