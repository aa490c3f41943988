package io.skirmish.engine.archive;

import io.aeron.ChannelUri;
import io.aeron.ControlledFragmentAssembler;
import io.aeron.Subscription;
import io.aeron.archive.client.AeronArchive;
import io.aeron.logbuffer.ControlledFragmentHandler;
import io.aeron.logbuffer.ControlledFragmentHandler.Action;
import io.aeron.logbuffer.Header;
import io.skirmish.engine.protocol.RecordedFrameFlyweight;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Lists and replays the recordings of durable rooms in an Aeron Archive. A room's recordings are those on the
 * recording channel with the room id as stream id, one per time the room was created. Replays run at full speed,
 * or paced by the recorded timestamps at any speed factor.
 * <p>
 * Threading: one thread at a time; {@link #replay} blocks that thread until the replay ends or times out, with a
 * sleeping idle strategy. Errors: archive failures throw {@code ArchiveException}; {@link #replay} returns
 * {@link #TIMED_OUT} rather than throw when the replay does not finish in time.
 */
public final class RoomRecordings implements AutoCloseable
{
    /** {@link #replay} did not reach the recording's end before its deadline. */
    public static final long TIMED_OUT = -1;
    /** {@link #replay} found no stopped recording with that id. */
    public static final long NO_SUCH_RECORDING = -2;
    /** Default channel replays are sent on (IPC: the replaying process shares the archive's driver). */
    public static final String DEFAULT_REPLAY_CHANNEL = "aeron:ipc";
    /** Default stream id replays are sent on. */
    public static final int DEFAULT_REPLAY_STREAM_ID = 4180;

    private final AeronArchive archive;
    private final boolean ownsArchive;
    private final String recordingChannel;
    private final String replayChannel;
    private final int replayStreamId;
    private final Runnable invoker;
    private final RecordedFrameFlyweight frame = new RecordedFrameFlyweight();
    private final IdleStrategy idle = new SleepingMillisIdleStrategy(1);

    /**
     * @param archive          a connected archive client.
     * @param ownsArchive      close the archive client in {@link #close()}.
     * @param recordingChannel the server's recording channel ({@link RoomArchive#DEFAULT_RECORDING_CHANNEL}).
     * @param replayChannel    where replays are sent ({@link #DEFAULT_REPLAY_CHANNEL}).
     * @param replayStreamId   stream id of replays ({@link #DEFAULT_REPLAY_STREAM_ID}).
     */
    public RoomRecordings(
        final AeronArchive archive,
        final boolean ownsArchive,
        final String recordingChannel,
        final String replayChannel,
        final int replayStreamId)
    {
        this(archive, ownsArchive, recordingChannel, replayChannel, replayStreamId, null);
    }

    /**
     * @param archive          a connected archive client.
     * @param ownsArchive      close the archive client in {@link #close()}.
     * @param recordingChannel the server's recording channel ({@link RoomArchive#DEFAULT_RECORDING_CHANNEL}).
     * @param replayChannel    where replays are sent ({@link #DEFAULT_REPLAY_CHANNEL}).
     * @param replayStreamId   stream id of replays ({@link #DEFAULT_REPLAY_STREAM_ID}).
     * @param invoker          run on each cycle of a replay's wait (drives an invoked driver, archive and Aeron
     *                         client, as the server's transport in {@code INVOKER} mode), or null.
     */
    public RoomRecordings(
        final AeronArchive archive,
        final boolean ownsArchive,
        final String recordingChannel,
        final String replayChannel,
        final int replayStreamId,
        final Runnable invoker)
    {
        this.invoker = invoker;
        this.archive = archive;
        this.ownsArchive = ownsArchive;
        this.recordingChannel = recordingChannel;
        this.replayChannel = replayChannel;
        this.replayStreamId = replayStreamId;
    }

    /**
     * @param roomId the room.
     * @return ids of the room's recordings, oldest first (allocates; cold path).
     */
    public LongArrayList recordingIds(final int roomId)
    {
        final LongArrayList ids = new LongArrayList();
        final String fragment = ChannelUri.parse(recordingChannel).media();
        int found;
        long from = 0;
        do
        {
            found = archive.listRecordingsForUri(from, 64, "aeron:" + fragment, roomId,
                (controlSessionId, correlationId, recordingId, startTimestamp, stopTimestamp, startPosition,
                stopPosition, initialTermId, segmentFileLength, termBufferLength, mtuLength, sessionId, streamId,
                strippedChannel, originalChannel, sourceIdentity) -> ids.addLong(recordingId));
            if (found > 0)
            {
                from = ids.getLong(ids.size() - 1) + 1;
            }
        }
        while (found >= 64);
        return ids;
    }

    /**
     * Purge every stopped recording of a room: {@link #purgeBefore(int, long)} with no time limit.
     *
     * @param roomId the room.
     * @return recordings purged.
     */
    public int purge(final int roomId)
    {
        return purgeBefore(roomId, Long.MAX_VALUE);
    }

    /**
     * Bound the disk a room's recordings use: purge those that stopped before a time, with
     * {@code AeronArchive.purgeRecording} (their segment files are deleted and their catalog entries invalidated).
     * A recording still active is never purged. A room restored later is rebuilt from what is left: purge a room's
     * recordings only when it is over for good, or keep at least the recordings since its newest keyframe. Blocks
     * on the archive (cold path; allocates).
     *
     * @param roomId          the room.
     * @param stopTimestampMs purge those whose stop timestamp (epoch ms) is before this.
     * @return recordings purged.
     */
    public int purgeBefore(final int roomId, final long stopTimestampMs)
    {
        final LongArrayList ids = new LongArrayList();
        final String fragment = ChannelUri.parse(recordingChannel).media();
        int found;
        long from = 0;
        do
        {
            final long[] last = { -1 };
            found = archive.listRecordingsForUri(from, 64, "aeron:" + fragment, roomId,
                (controlSessionId, correlationId, recordingId, startTimestamp, stopTimestamp, startPosition,
                stopPosition, initialTermId, segmentFileLength, termBufferLength, mtuLength, sessionId, streamId,
                strippedChannel, originalChannel, sourceIdentity) ->
                {
                    last[0] = recordingId;
                    if (AeronArchive.NULL_POSITION != stopPosition && AeronArchive.NULL_TIMESTAMP != stopTimestamp &&
                        stopTimestamp < stopTimestampMs)
                    {
                        ids.addLong(recordingId);
                    }
                });
            from = last[0] + 1;
        }
        while (found >= 64);
        int purged = 0;
        for (int i = 0; i < ids.size(); i++)
        {
            archive.purgeRecording(ids.getLong(i));
            purged++;
        }
        return purged;
    }

    /**
     * @param recordingId the recording.
     * @return its stop position, or {@link AeronArchive#NULL_POSITION} while it is still recording.
     */
    public long stopPosition(final long recordingId)
    {
        return archive.getStopPosition(recordingId);
    }

    /**
     * Replay a stopped recording from its start to its end at full speed: {@link #replay(long, long, double,
     * RoomReplayHandler, long)} with speed 0.
     *
     * @param recordingId the recording.
     * @param fromSeq     first seq to hand over (1 for all).
     * @param handler     receives the frames.
     * @param timeoutNs   how long to wait for the end.
     * @return frames handed over, or {@link #TIMED_OUT} or {@link #NO_SUCH_RECORDING}.
     */
    public long replay(final long recordingId, final long fromSeq, final RoomReplayHandler handler, final long timeoutNs)
    {
        return replay(recordingId, fromSeq, 0, handler, timeoutNs);
    }

    /**
     * Replay a stopped recording from its start to its end, handing each frame with a seq of at least
     * {@code fromSeq} to the handler (gap markers always). Frames before {@code fromSeq} are read and skipped.
     *
     * @param recordingId the recording.
     * @param fromSeq     first seq to hand over (1 for all).
     * @param speed       0 for full speed; otherwise a speed factor: each frame handed over is held until its
     *                    recorded time since the first frame handed over, divided by the factor, has passed
     *                    (1 for real time, 2 for twice as fast).
     * @param handler     receives the frames.
     * @param timeoutNs   how long to wait for the end.
     * @return frames handed over, or {@link #TIMED_OUT} or {@link #NO_SUCH_RECORDING}.
     */
    public long replay(
        final long recordingId,
        final long fromSeq,
        final double speed,
        final RoomReplayHandler handler,
        final long timeoutNs)
    {
        if (speed < 0 || Double.isNaN(speed))
        {
            throw new IllegalArgumentException("speed must be 0 (full speed) or positive: " + speed);
        }
        final long stopPosition = archive.getStopPosition(recordingId);
        if (AeronArchive.NULL_POSITION == stopPosition)
        {
            return NO_SUCH_RECORDING;
        }
        final long startPosition = archive.getStartPosition(recordingId);
        final long replaySessionId = archive.startReplay(
            recordingId, startPosition, stopPosition - startPosition, replayChannel, replayStreamId);
        final Pacer pacer = new Pacer(fromSeq, speed, handler);
        final ControlledFragmentAssembler assembler = new ControlledFragmentAssembler(pacer);
        final String channel = ChannelUri.addSessionId(replayChannel, (int)replaySessionId);
        final Subscription subscription = archive.context().aeron().addSubscription(channel, replayStreamId);
        try
        {
            final long deadlineNs = System.nanoTime() + timeoutNs;
            long position = startPosition;
            while (position < stopPosition)
            {
                if (System.nanoTime() - deadlineNs > 0)
                {
                    return TIMED_OUT;
                }
                if (null != invoker)
                {
                    invoker.run();
                }
                final int fragments = subscription.controlledPoll(assembler, 64);
                if (subscription.imageCount() > 0)
                {
                    position = subscription.imageAtIndex(0).position();
                }
                idle.idle(fragments);
            }
            return pacer.count;
        }
        finally
        {
            CloseHelper.quietClose(subscription);
        }
    }

    /**
     * Close the archive client when owned.
     */
    public void close()
    {
        if (ownsArchive)
        {
            CloseHelper.quietClose(archive);
        }
    }

    private final class Pacer implements ControlledFragmentHandler
    {
        private final long fromSeq;
        private final double speed;
        private final RoomReplayHandler handler;
        private boolean started;
        private long firstTimestampNs;
        private long startedNs;
        long count;

        Pacer(final long fromSeq, final double speed, final RoomReplayHandler handler)
        {
            this.fromSeq = fromSeq;
            this.speed = speed;
            this.handler = handler;
        }

        public Action onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
        {
            final RecordedFrameFlyweight f = frame.wrap(buffer, offset, length);
            final int type = f.recordType();
            final boolean wanted = RecordedFrameFlyweight.GAP == type || f.seq() >= fromSeq;
            if (!wanted)
            {
                return Action.CONTINUE;
            }
            if (speed > 0)
            {
                final long nowNs = System.nanoTime();
                if (!started)
                {
                    started = true;
                    firstTimestampNs = f.timestampNs();
                    startedNs = nowNs;
                }
                final long dueNs = startedNs + (long)((f.timestampNs() - firstTimestampNs) / speed);
                if (nowNs - dueNs < 0)
                {
                    return Action.ABORT;
                }
            }
            if (RecordedFrameFlyweight.GAP == type)
            {
                handler.onGap(f.seq(), f.typeId());
            }
            else if (RecordedFrameFlyweight.KEYFRAME == type)
            {
                handler.onKeyframe(f.seq(), f.timestampNs(), buffer, f.payloadOffset(), f.payloadLength());
            }
            else if (RecordedFrameFlyweight.EVENT == type)
            {
                handler.onEvent(f.seq(), f.typeId(), f.flags(), f.senderSessionId(), f.timestampNs(), buffer,
                    f.payloadOffset(), f.payloadLength());
            }
            else if (RecordedFrameFlyweight.SENDER_SEQ == type && f.payloadLength() >= 8)
            {
                handler.onSenderSeq(f.seq(), f.senderSessionId(), buffer.getLong(f.payloadOffset(), LITTLE_ENDIAN));
            }
            else if (RecordedFrameFlyweight.TICK == type &&
                f.payloadLength() >= RecordedFrameFlyweight.TICK_PAYLOAD_LENGTH)
            {
                handler.onTick(f.seq(), buffer.getLong(f.payloadOffset(), LITTLE_ENDIAN),
                    buffer.getLong(f.payloadOffset() + 8, LITTLE_ENDIAN));
            }
            count++;
            return Action.CONTINUE;
        }
    }
}
