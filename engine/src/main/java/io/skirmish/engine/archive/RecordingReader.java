package io.skirmish.engine.archive;

import io.aeron.Aeron;
import io.aeron.ChannelUri;
import io.aeron.ControlledFragmentAssembler;
import io.aeron.Image;
import io.aeron.Subscription;
import io.aeron.archive.client.AeronArchive;
import io.aeron.archive.client.ArchiveException;
import io.aeron.archive.client.RecordingDescriptorConsumer;
import io.aeron.logbuffer.ControlledFragmentHandler;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.logbuffer.Header;
import io.skirmish.engine.protocol.RecordedFrameFlyweight;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

import java.util.concurrent.TimeUnit;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Reads parts of a room's recording for {@link RoomRecordings}: a recording's descriptor, bounded replays of a
 * position range, and seeks. A seek finds a start position without reading the recording: every term boundary of a
 * recording (a multiple of the recording channel's term length) is a frame boundary where a message begins, and seqs
 * never decrease along a recording, so a binary search over the term boundaries, reading one fragment at each
 * (a probe), finds the last one whose first frame's seq is below the seq wanted. Counts what it reads. One thread
 * at a time; blocks on the archive (cold path).
 */
final class RecordingReader
{
    /** Bytes a probe replays at most: one fragment (an MTU) is all it reads. */
    static final int PROBE_LENGTH = 64 * 1024;
    static final long PROBE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

    private final AeronArchive archive;
    private final String replayChannel;
    private final int replayStreamId;
    private final Runnable invoker;
    private final IdleStrategy idle = new SleepingMillisIdleStrategy(1);
    final Descriptor descriptor = new Descriptor();
    private final Prober prober = new Prober();
    private final LastSeqFinder lastSeqFinder = new LastSeqFinder();
    private final KeyframeFinder keyframeFinder = new KeyframeFinder();
    private int probeType;
    private long probeSeq;
    private long probeRestoredSeq;
    long bytesRead;
    long framesRead;
    long firstSeq;
    long lastSeq;
    /** Whether the recording {@link #seqRange} last read starts with a {@link RecordedFrameFlyweight#RESTORED}. */
    boolean startsRestored;
    /** Whether the last {@link #keyframeSeekPosition} found a keyframe before the seq in that recording. */
    boolean keyframeFound;

    RecordingReader(
        final AeronArchive archive, final String replayChannel, final int replayStreamId, final Runnable invoker)
    {
        this.archive = archive;
        this.replayChannel = replayChannel;
        this.replayStreamId = replayStreamId;
        this.invoker = invoker;
    }

    void counted(final int length)
    {
        bytesRead += length;
        framesRead++;
    }

    /**
     * The seq range of the recording {@link #describe} last found, into {@link #firstSeq} and {@link #lastSeq}:
     * its first frame and its last term are read.
     */
    void seqRange(final long recordingId)
    {
        final long start = descriptor.startPosition;
        final long end = endPosition(recordingId);
        final long deadlineNs = System.nanoTime() + PROBE_TIMEOUT_NS;
        firstSeq = Aeron.NULL_VALUE;
        lastSeq = Aeron.NULL_VALUE;
        startsRestored = false;
        if (end > start && probe(recordingId, start, end, deadlineNs))
        {
            startsRestored = RecordedFrameFlyweight.RESTORED == probeType;
            // a restored room's recording: the first seq it adds (it repeats the seqs up to the restored one)
            firstSeq = startsRestored ? probeRestoredSeq + 1 :
                RecordedFrameFlyweight.KEYFRAME == probeType || RecordedFrameFlyweight.TICK == probeType ?
                probeSeq + 1 : probeSeq;
            lastSeqFinder.lastSeq = Aeron.NULL_VALUE;
            final long lastTerm = Math.max(start, termStart(end - 1, descriptor.termBufferLength));
            if (read(recordingId, lastTerm, end, lastSeqFinder, deadlineNs, false) >= 0)
            {
                lastSeq = lastSeqFinder.lastSeq;
            }
        }
    }

    long keyframeSeekPosition(final long recordingId, final long fromSeq, final long timeoutNs)
    {
        if (!describe(recordingId))
        {
            return RoomRecordings.NO_SUCH_RECORDING;
        }
        final long deadlineNs = System.nanoTime() + timeoutNs;
        final long start = descriptor.startPosition;
        final int termLength = descriptor.termBufferLength;
        final long end = endPosition(recordingId);
        long position = seek(recordingId, fromSeq, end, deadlineNs);
        long to = end;
        keyframeFound = false;
        while (true)
        {
            keyframeFinder.fromSeq = fromSeq;
            keyframeFinder.found = false;
            keyframeFinder.done = false;
            if (read(recordingId, position, to, keyframeFinder, deadlineNs, false) < 0)
            {
                return position;
            }
            if (keyframeFinder.found)
            {
                keyframeFound = true;
                return position;
            }
            if (position <= start)
            {
                return start;
            }
            to = position; // each term is read once: the next step reads the term before, up to this one
            position = Math.max(start, termStart(position - termLength, termLength));
        }
    }

    private static long termStart(final long position, final int termLength)
    {
        return position - (position & (termLength - 1));
    }

    long endPosition(final long recordingId)
    {
        return AeronArchive.NULL_POSITION != descriptor.stopPosition ?
            descriptor.stopPosition : archive.getRecordingPosition(recordingId);
    }

    long seek(final long recordingId, final long fromSeq, final long end, final long deadlineNs)
    {
        final long start = descriptor.startPosition;
        final int termLength = descriptor.termBufferLength;
        if (fromSeq <= 1 || termLength <= 0)
        {
            return start;
        }
        final long firstTerm = termStart(start, termLength) + termLength;
        if (firstTerm >= end)
        {
            return start;
        }
        long lo = 0;
        long hi = (end - 1 - firstTerm) / termLength;
        long best = start;
        while (lo <= hi)
        {
            final long mid = (lo + hi) >>> 1;
            final long position = firstTerm + mid * termLength;
            if (probe(recordingId, position, end, deadlineNs) && probeSeq < fromSeq)
            {
                best = position;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1; // a failed probe counts as "at or after": the replay reads more, never less
            }
        }
        return best;
    }

    /**
     * Read the first fragment at a position (a frame boundary: a recording's start or a term's): its record type
     * and seq go to {@link #probeType} and {@link #probeSeq}.
     */
    private boolean probe(final long recordingId, final long position, final long end, final long deadlineNs)
    {
        prober.seen = false;
        final long length = Math.min(end - position, PROBE_LENGTH);
        return read(recordingId, position, position + length, prober, deadlineNs, false) >= 0 && prober.seen;
    }

    boolean describe(final long recordingId)
    {
        descriptor.found = false;
        archive.listRecording(recordingId, descriptor);
        return descriptor.found;
    }

    /**
     * Replay [from, to) of a recording through a handler until the end, or until a {@link Stoppable} handler is
     * done.
     *
     * @return 0, or {@link #TIMED_OUT}.
     */
    long read(
        final long recordingId,
        final long from,
        final long to,
        final ControlledFragmentHandler handler,
        final long deadlineNs,
        final boolean assemble)
    {
        if (to <= from)
        {
            return 0;
        }
        final long replaySessionId = archive.startReplay(recordingId, from, to - from, replayChannel, replayStreamId);
        final String channel = ChannelUri.addSessionId(replayChannel, (int)replaySessionId);
        final Subscription subscription = archive.context().aeron().addSubscription(channel, replayStreamId);
        final ControlledFragmentHandler reader = assemble ? new ControlledFragmentAssembler(handler) : handler;
        final Stoppable stoppable = handler instanceof Stoppable ? (Stoppable)handler : null;
        boolean ended = false;
        try
        {
            long position = from;
            while (position < to)
            {
                if (null != stoppable && stoppable.done())
                {
                    return 0;
                }
                if (System.nanoTime() - deadlineNs > 0)
                {
                    return RoomRecordings.TIMED_OUT;
                }
                if (null != invoker)
                {
                    invoker.run();
                }
                final int fragments = subscription.controlledPoll(reader, 64);
                if (subscription.imageCount() > 0)
                {
                    final Image image = subscription.imageAtIndex(0);
                    position = image.position();
                    if (0 == fragments && image.isEndOfStream())
                    {
                        break;
                    }
                }
                idle.idle(fragments);
            }
            ended = true;
            return 0;
        }
        finally
        {
            if (!ended)
            {
                try
                {
                    archive.stopReplay(replaySessionId);
                }
                catch (final ArchiveException ignore)
                {
                    // it ended by itself meanwhile
                }
            }
            CloseHelper.quietClose(subscription);
        }
    }

    /**
     * A handler that can end a read early.
     */
    private interface Stoppable
    {
        boolean done();
    }

    static final class Descriptor implements RecordingDescriptorConsumer
    {
        boolean found;
        long startTimestamp;
        long stopTimestamp;
        long startPosition;
        long stopPosition;
        int termBufferLength;

        public void onRecordingDescriptor(
            final long controlSessionId,
            final long correlationId,
            final long recordingId,
            final long startTimestamp,
            final long stopTimestamp,
            final long startPosition,
            final long stopPosition,
            final int initialTermId,
            final int segmentFileLength,
            final int termBufferLength,
            final int mtuLength,
            final int sessionId,
            final int streamId,
            final String strippedChannel,
            final String originalChannel,
            final String sourceIdentity)
        {
            this.found = true;
            this.startTimestamp = startTimestamp;
            this.stopTimestamp = stopTimestamp;
            this.startPosition = startPosition;
            this.stopPosition = stopPosition;
            this.termBufferLength = termBufferLength;
        }
    }

    private final class Prober implements ControlledFragmentHandler, Stoppable
    {
        boolean seen;

        public Action onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
        {
            bytesRead += length;
            if (!seen && length >= RecordedFrameFlyweight.PAYLOAD_OFFSET)
            {
                // the first fragment of a term begins a message (messages never span terms): the record's header
                probeType = buffer.getShort(offset + RecordedFrameFlyweight.RECORD_TYPE_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
                probeSeq = buffer.getLong(offset + RecordedFrameFlyweight.SEQ_OFFSET, LITTLE_ENDIAN);
                probeRestoredSeq = RecordedFrameFlyweight.RESTORED == probeType &&
                    length >= RecordedFrameFlyweight.PAYLOAD_OFFSET + 8 ?
                    buffer.getLong(offset + RecordedFrameFlyweight.PAYLOAD_OFFSET, LITTLE_ENDIAN) : 0;
                seen = true;
            }
            return Action.BREAK;
        }

        public boolean done()
        {
            return seen;
        }
    }

    private final class LastSeqFinder implements ControlledFragmentHandler
    {
        long lastSeq;

        public Action onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
        {
            bytesRead += length;
            framesRead++;
            if ((header.flags() & FrameDescriptor.BEGIN_FRAG_FLAG) == 0 || length < RecordedFrameFlyweight.PAYLOAD_OFFSET)
            {
                return Action.CONTINUE;
            }
            final int type = buffer.getShort(offset + RecordedFrameFlyweight.RECORD_TYPE_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
            final long seq = buffer.getLong(offset + RecordedFrameFlyweight.SEQ_OFFSET, LITTLE_ENDIAN);
            final long covered;
            if (RecordedFrameFlyweight.GAP == type)
            {
                covered = seq + buffer.getInt(offset + RecordedFrameFlyweight.TYPE_ID_OFFSET, LITTLE_ENDIAN) - 1;
            }
            else if (RecordedFrameFlyweight.SENDER_SEQ == type)
            {
                covered = seq - 1;
            }
            else
            {
                covered = seq;
            }
            lastSeq = Math.max(lastSeq, covered);
            return Action.CONTINUE;
        }
    }

    private final class KeyframeFinder implements ControlledFragmentHandler, Stoppable
    {
        long fromSeq;
        boolean found;
        boolean done;

        public Action onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
        {
            bytesRead += length;
            framesRead++;
            if ((header.flags() & FrameDescriptor.BEGIN_FRAG_FLAG) == 0 || length < RecordedFrameFlyweight.PAYLOAD_OFFSET)
            {
                return Action.CONTINUE;
            }
            final int type = buffer.getShort(offset + RecordedFrameFlyweight.RECORD_TYPE_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
            final long seq = buffer.getLong(offset + RecordedFrameFlyweight.SEQ_OFFSET, LITTLE_ENDIAN);
            if (seq >= fromSeq && RecordedFrameFlyweight.GAP != type)
            {
                done = true;
                return Action.BREAK;
            }
            if (RecordedFrameFlyweight.KEYFRAME == type)
            {
                found = true;
                done = true;
                return Action.BREAK;
            }
            return Action.CONTINUE;
        }

        public boolean done()
        {
            return done;
        }
    }
}
