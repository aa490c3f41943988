package io.skirmish.engine.archive;

import io.aeron.Aeron;
import io.aeron.ChannelUri;
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

import java.util.ArrayList;
import java.util.List;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Lists and replays the recordings of durable rooms in an Aeron Archive. A room's recordings are those on the
 * recording channel with the room id as stream id, one per server process that had the room open: a room restored
 * after a restart continues its seqs in a new recording (one lifetime, or match, over several recordings), a room
 * id created afresh starts a new lifetime. {@link #list} describes them, {@link #replay} replays one,
 * {@link #replayRoom} and {@link #replayMatch} a lifetime stitched across its recordings; a replay from a late seq
 * seeks rather than reads the recording from its start. Replays run at full speed, or paced by the recorded
 * timestamps at any speed factor.
 * <p>
 * Threading: one thread at a time; {@link #replay} blocks that thread until the replay ends or times out, with a
 * sleeping idle strategy. Errors: archive failures throw {@code ArchiveException}; {@link #replay} returns
 * {@link #TIMED_OUT} rather than throw when the replay does not finish in time.
 */
public final class RoomRecordings implements AutoCloseable
{
    /** {@link #replay} did not reach the recording's end before its deadline. */
    public static final long TIMED_OUT = -1;
    /** {@link #replay} found no recording with that id. */
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
    private final RecordingReader reader;

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
        this.reader = new RecordingReader(archive, replayChannel, replayStreamId, invoker);
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
     * recordings only when it is over for good, or keep at least the recordings since its newest keyframe (or since
     * its newest restored recording, which repeats what a restore needs of those before it). Blocks on the archive
     * (cold path; allocates).
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
     * Wait for a recording to stop (an active one, e.g. a previous server's that the archive has not yet seen end),
     * driving the invoker while it waits. Cold path; blocks.
     *
     * @param recordingId the recording.
     * @param timeoutNs   how long to wait.
     * @return its stop position, or {@link #TIMED_OUT} if still active, or {@link #NO_SUCH_RECORDING}.
     */
    public long awaitStopped(final long recordingId, final long timeoutNs)
    {
        final long deadlineNs = System.nanoTime() + timeoutNs;
        while (true)
        {
            if (!reader.describe(recordingId))
            {
                return NO_SUCH_RECORDING;
            }
            if (AeronArchive.NULL_POSITION != reader.descriptor.stopPosition)
            {
                return reader.descriptor.stopPosition;
            }
            if (System.nanoTime() - deadlineNs > 0)
            {
                return TIMED_OUT;
            }
            if (null != invoker)
            {
                invoker.run();
            }
            idle.idle(0);
        }
    }

    /**
     * The room's recordings, oldest first, each with its seq range, times and positions, and whether it starts a
     * lifetime of the room (a match: the room id created afresh) or continues the one before (a restored room).
     * Finding the seqs reads each recording's first frame and its last term (at most the term length of the
     * recording channel, 1 MiB by default), not the whole recording. Cold path; blocks on the archive; allocates.
     *
     * @param roomId the room.
     * @return its recordings, oldest first.
     */
    public List<RoomRecording> list(final int roomId)
    {
        final LongArrayList ids = recordingIds(roomId);
        final List<RoomRecording> list = new ArrayList<>(ids.size());
        long previousLastSeq = Aeron.NULL_VALUE;
        for (int i = 0; i < ids.size(); i++)
        {
            final long recordingId = ids.getLong(i);
            if (!reader.describe(recordingId))
            {
                continue;
            }
            reader.seqRange(recordingId);
            final long firstSeq = reader.firstSeq;
            final long lastSeq = reader.lastSeq;
            final long start = reader.descriptor.startPosition;
            // a restored room's recording repeats the room's seqs from its keyframe (or from 1) but continues its
            // lifetime: its RESTORED marker says so
            final boolean startsLifetime = i == 0 ||
                (!reader.startsRestored && 1 == firstSeq && previousLastSeq >= 1);
            list.add(new RoomRecording(recordingId, reader.descriptor.startTimestamp, reader.descriptor.stopTimestamp, start,
                reader.descriptor.stopPosition, firstSeq, lastSeq, startsLifetime));
            if (Aeron.NULL_VALUE != lastSeq)
            {
                previousLastSeq = lastSeq;
            }
        }
        return list;
    }

    /**
     * Replay a recording at full speed: {@link #replay(long, long, double, RoomReplayHandler, long)} with speed 0.
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
     * Replay one recording (e.g. an older match's, picked from {@link #list(int)}) to its end, handing each frame
     * with a seq of at least {@code fromSeq} to the handler (gap markers always). A stopped recording is replayed to
     * its stop position, an active one to the position recorded when the call starts. With {@code fromSeq} above
     * 1 the replay seeks: it starts at the last term boundary of the recording (the recording channel's term
     * length) whose first frame's seq is below {@code fromSeq}, found by a binary search that reads one fragment per
     * probe, so the frames read before {@code fromSeq} are at most a term's worth.
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
        checkSpeed(speed);
        if (!reader.describe(recordingId))
        {
            return NO_SUCH_RECORDING;
        }
        final long deadlineNs = System.nanoTime() + timeoutNs;
        final long end = reader.endPosition(recordingId);
        final long start = reader.seek(recordingId, fromSeq, end, deadlineNs);
        final Pacer pacer = new Pacer(fromSeq, Long.MIN_VALUE, speed, handler);
        final long result = reader.read(recordingId, start, end, pacer, deadlineNs, true);
        return result < 0 ? result : pacer.count;
    }

    /**
     * Replay a room's current lifetime (its newest match) across its recordings, one per server process that had
     * it open: the recordings from the newest that {@link RoomRecording#startsLifetime() starts a lifetime} on,
     * stitched in order, so that each event seq is handed over exactly once and in order. What a later recording
     * repeats of an earlier one (seqs already handed over, keyframes of an older state) is skipped. Recordings that
     * end before {@code fromSeq} are not read; the one it falls in is entered by a seek ({@link #replay(long, long,
     * double, RoomReplayHandler, long)}). An older match: pick its recording from {@link #list(int)}.
     *
     * @param roomId    the room.
     * @param fromSeq   first seq to hand over (1 for all).
     * @param speed     0 for full speed, or a speed factor as for a single recording.
     * @param handler   receives the frames.
     * @param timeoutNs how long to wait for the end.
     * @return frames handed over, or {@link #TIMED_OUT} or {@link #NO_SUCH_RECORDING} (the room has none).
     */
    public long replayRoom(
        final int roomId, final long fromSeq, final double speed, final RoomReplayHandler handler, final long timeoutNs)
    {
        return replayMatch(roomId, Aeron.NULL_VALUE, fromSeq, speed, handler, timeoutNs);
    }

    /**
     * Replay the lifetime of a room (a match) that a recording belongs to, stitched across its recordings as
     * {@link #replayRoom} does: e.g. a finished match before the room id was reused, picked from {@link #list(int)}.
     *
     * @param roomId      the room.
     * @param recordingId one of the match's recordings, or {@link Aeron#NULL_VALUE} for the newest match.
     * @param fromSeq     first seq to hand over (1 for all).
     * @param speed       0 for full speed, or a speed factor as for a single recording.
     * @param handler     receives the frames.
     * @param timeoutNs   how long to wait for the end.
     * @return frames handed over, or {@link #TIMED_OUT} or {@link #NO_SUCH_RECORDING}.
     */
    public long replayMatch(
        final int roomId,
        final long recordingId,
        final long fromSeq,
        final double speed,
        final RoomReplayHandler handler,
        final long timeoutNs)
    {
        checkSpeed(speed);
        final long deadlineNs = System.nanoTime() + timeoutNs;
        final List<RoomRecording> list = match(roomId, recordingId);
        if (list.isEmpty())
        {
            return NO_SUCH_RECORDING;
        }
        final Pacer pacer = new Pacer(fromSeq, Long.MIN_VALUE, speed, handler);
        for (int i = 0; i < list.size(); i++)
        {
            final RoomRecording recording = list.get(i);
            if (Aeron.NULL_VALUE == recording.lastSeq() ||
                (recording.lastSeq() < fromSeq && i < list.size() - 1) ||
                (pacer.handedSeq != Long.MIN_VALUE && recording.lastSeq() <= pacer.handedSeq))
            {
                continue;
            }
            if (!reader.describe(recording.recordingId()))
            {
                continue;
            }
            final long end = reader.endPosition(recording.recordingId());
            final long seekSeq = Math.max(fromSeq, pacer.handedSeq == Long.MIN_VALUE ? 1 : pacer.handedSeq);
            final long start = reader.seek(recording.recordingId(), seekSeq, end, deadlineNs);
            final long result = reader.read(recording.recordingId(), start, end, pacer, deadlineNs, true);
            if (result < 0)
            {
                return result;
            }
        }
        return pacer.count;
    }

    /**
     * @return bytes of recorded frames read from the archive by this object's replays, seeks and listings so far
     * (what a seek saves shows here).
     */
    public long bytesRead()
    {
        return reader.bytesRead;
    }

    /**
     * @return recorded frames read from the archive by this object's replays, seeks and listings so far.
     */
    public long framesRead()
    {
        return reader.framesRead;
    }

    /**
     * The position a replay of a recording from {@code fromSeq} can start at without missing a frame with a seq of
     * at least {@code fromSeq}: the last term boundary whose first frame's seq is below it (seqs never decrease
     * along a recording), or the recording's start. Cold path; blocks on the archive.
     *
     * @param recordingId the recording.
     * @param fromSeq     the first seq wanted.
     * @param timeoutNs   how long the probes may take.
     * @return the position, or {@link #NO_SUCH_RECORDING}.
     */
    public long seekPosition(final long recordingId, final long fromSeq, final long timeoutNs)
    {
        if (!reader.describe(recordingId))
        {
            return NO_SUCH_RECORDING;
        }
        return reader.seek(recordingId, fromSeq, reader.endPosition(recordingId), System.nanoTime() + timeoutNs);
    }

    /**
     * The position a replay that wants the newest keyframe before {@code fromSeq} (as a network replay does) can
     * start at: {@link #seekPosition}, then back a term at a time until the part read holds a keyframe with a seq
     * below {@code fromSeq} (or the recording's start). Reads up to the first frame at or after {@code fromSeq} of
     * each term it tries. Cold path; blocks on the archive.
     *
     * @param recordingId the recording.
     * @param fromSeq     the first seq wanted.
     * @param timeoutNs   how long the probes may take.
     * @return the position, or {@link #NO_SUCH_RECORDING}.
     */
    public long keyframeSeekPosition(final long recordingId, final long fromSeq, final long timeoutNs)
    {
        return reader.keyframeSeekPosition(recordingId, fromSeq, timeoutNs);
    }

    /**
     * @return whether the last {@link #keyframeSeekPosition} found a keyframe before its seq in that recording
     * (false: the position is the recording's start, and the keyframe, if any, is in an earlier recording).
     */
    public boolean lastSeekFoundKeyframe()
    {
        return reader.keyframeFound;
    }

    /**
     * The recordings of one lifetime (match) of a room, in order, as {@link #list(int)} describes them.
     *
     * @param roomId      the room.
     * @param recordingId one of the match's recordings, or {@link Aeron#NULL_VALUE} for the newest match.
     * @return its recordings, oldest first; empty when the room has none or that recording is not the room's.
     */
    public List<RoomRecording> match(final int roomId, final long recordingId)
    {
        final List<RoomRecording> list = list(roomId);
        int chosen = list.size() - 1;
        if (Aeron.NULL_VALUE != recordingId)
        {
            chosen = -1;
            for (int i = 0; i < list.size(); i++)
            {
                if (list.get(i).recordingId() == recordingId)
                {
                    chosen = i;
                }
            }
        }
        int first = chosen;
        while (first > 0 && !list.get(first).startsLifetime())
        {
            first--;
        }
        final List<RoomRecording> match = new ArrayList<>();
        for (int i = first; i >= 0 && i < list.size() && (i == first || !list.get(i).startsLifetime()); i++)
        {
            match.add(list.get(i));
        }
        return match;
    }

    private static void checkSpeed(final double speed)
    {
        if (speed < 0 || Double.isNaN(speed))
        {
            throw new IllegalArgumentException("speed must be 0 (full speed) or positive: " + speed);
        }
    }

    /**
     * @return the archive client.
     */
    public AeronArchive archive()
    {
        return archive;
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
        /** The keyframe a restored recording repeats, skipped when an earlier recording was handed over. */
        private long repeatedKeyframeSeq = Long.MIN_VALUE;
        private long firstTimestampNs;
        private long startedNs;
        /** Highest event seq handed over (Long.MIN_VALUE before the first): what a later recording repeats is skipped. */
        long handedSeq;
        long count;

        Pacer(final long fromSeq, final long handedSeq, final double speed, final RoomReplayHandler handler)
        {
            this.fromSeq = fromSeq;
            this.handedSeq = handedSeq;
            this.speed = speed;
            this.handler = handler;
        }

        public Action onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
        {
            final RecordedFrameFlyweight f = frame.wrap(buffer, offset, length);
            final int type = f.recordType();
            final long seq = f.seq();
            final boolean wanted;
            if (RecordedFrameFlyweight.GAP == type)
            {
                wanted = Long.MIN_VALUE == handedSeq || seq + f.typeId() - 1 > handedSeq;
            }
            else if (RecordedFrameFlyweight.RESTORED == type)
            {
                // the start of a repeat: meaningful only when this recording is the first one read
                wanted = Long.MIN_VALUE == handedSeq;
                if (!wanted && 1 == f.typeId())
                {
                    repeatedKeyframeSeq = seq;
                }
            }
            else if (RecordedFrameFlyweight.KEYFRAME == type && seq == repeatedKeyframeSeq)
            {
                repeatedKeyframeSeq = Long.MIN_VALUE;
                wanted = false;
            }
            else if (RecordedFrameFlyweight.EVENT == type || RecordedFrameFlyweight.SENDER_SEQ == type)
            {
                wanted = seq >= fromSeq && (Long.MIN_VALUE == handedSeq || seq > handedSeq);
            }
            else
            {
                wanted = seq >= fromSeq && (Long.MIN_VALUE == handedSeq || seq >= handedSeq);
            }
            if (!wanted)
            {
                reader.counted(length);
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
            reader.counted(length);
            if (RecordedFrameFlyweight.GAP == type)
            {
                handler.onGap(seq, f.typeId());
                handedSeq = Math.max(handedSeq, seq + f.typeId() - 1);
            }
            else if (RecordedFrameFlyweight.KEYFRAME == type)
            {
                handler.onKeyframe(seq, f.timestampNs(), buffer, f.payloadOffset(), f.payloadLength());
            }
            else if (RecordedFrameFlyweight.EVENT == type)
            {
                handler.onEvent(seq, f.typeId(), f.flags(), f.senderSessionId(), f.timestampNs(), buffer,
                    f.payloadOffset(), f.payloadLength());
                handedSeq = seq;
            }
            else if (RecordedFrameFlyweight.RESTORED == type && f.payloadLength() >= 8)
            {
                handler.onRestored(seq, 1 == f.typeId(), buffer.getLong(f.payloadOffset(), LITTLE_ENDIAN));
            }
            else if (RecordedFrameFlyweight.SENDER_SEQ == type && f.payloadLength() >= 8)
            {
                handler.onSenderSeq(seq, f.senderSessionId(), buffer.getLong(f.payloadOffset(), LITTLE_ENDIAN));
            }
            else if (RecordedFrameFlyweight.TICK == type &&
                f.payloadLength() >= RecordedFrameFlyweight.TICK_PAYLOAD_LENGTH)
            {
                handler.onTick(seq, buffer.getLong(f.payloadOffset(), LITTLE_ENDIAN),
                    buffer.getLong(f.payloadOffset() + 8, LITTLE_ENDIAN));
            }
            count++;
            return Action.CONTINUE;
        }
    }
}
