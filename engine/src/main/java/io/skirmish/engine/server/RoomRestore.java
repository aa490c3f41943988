package io.skirmish.engine.server;

import io.skirmish.engine.archive.RoomArchive;
import io.skirmish.engine.archive.RoomRecorder;
import io.skirmish.engine.archive.RoomRecordings;
import io.skirmish.engine.archive.RoomReplayHandler;
import io.skirmish.engine.protocol.FrameType;
import io.skirmish.engine.protocol.RecordedFrameFlyweight;
import io.skirmish.engine.protocol.RoomEventFlyweight;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.TimeUnit;

/**
 * Rebuilds a durable room from its recordings, in two full-speed passes over them in recording order (a room
 * restored before has one recording per process, continuing the same seqs). The scan finds the room's current
 * lifetime (seq 1, or a keyframe at seq 0, after later seqs marks a room created afresh: what came before is
 * ignored), its last seq and its newest keyframe; a recording that starts with a
 * {@link RecordedFrameFlyweight#RESTORED} marker repeats everything a restore needs of the recordings before it, so
 * the restore starts there. The apply pass hands the game that keyframe and every event after it, refills the room's
 * history with the last events, and records them again into the room's new recording behind a {@code RESTORED}
 * marker (with the gaps after the keyframe, every sender's highest reliable seq and the last tick), so that the new
 * recording is self-contained: a restore from it alone (a second failover) finds the same state. Conductor thread
 * only; a blocking, allocating cold path.
 */
final class RoomRestore implements RoomReplayHandler
{
    static final long REPLAY_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);

    private final ErrorHandler errors;
    private final RoomEventFlyweight eventFlyweight = new RoomEventFlyweight();
    private final UnsafeBuffer encodeBuffer;
    private final Long2LongHashMap senderSeqs = new Long2LongHashMap(-1);
    private boolean applying;
    private int recordingIndex;
    private int lifetimeStartIndex;
    private long lastSeq;
    private long keyframeSeq = -1;
    private int keyframeOrdinal = -1;
    private int keyframesSeen;
    private Room room;
    private long historyFromSeq;
    private long eventsRestored;
    private long lastTick;
    private long lastTickEpochMs;
    private long nowNs;
    private RoomArchive archive;
    private RoomRecorder recorder;

    RoomRestore(final int maxMessageLength, final ErrorHandler errors)
    {
        this.errors = errors;
        this.encodeBuffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            BitUtil.align(RoomEventFlyweight.PAYLOAD_OFFSET + maxMessageLength, 64), 64));
    }

    /**
     * First pass: the room's current lifetime, last seq and newest keyframe.
     *
     * @param recordings the archive's recordings.
     * @param ids        the room's recordings, oldest first.
     */
    void scan(final RoomRecordings recordings, final LongArrayList ids)
    {
        applying = false;
        for (recordingIndex = 0; recordingIndex < ids.size(); recordingIndex++)
        {
            replay(recordings, ids.getLong(recordingIndex));
        }
    }

    /**
     * Second pass: the keyframe and later events to the room's listener, the last events to its history.
     *
     * @param recordings the archive's recordings.
     * @param ids        the room's recordings, oldest first.
     * @param room       the new room, its seq already continuing after {@link #lastSeq()}.
     * @param nowNs      the server's clock, the age of the history's events.
     * @param archive    the server's archive, recording the room: what is applied is recorded again into it.
     */
    void apply(
        final RoomRecordings recordings,
        final LongArrayList ids,
        final Room room,
        final long nowNs,
        final RoomArchive archive)
    {
        this.room = room;
        this.nowNs = nowNs;
        this.archive = archive;
        this.recorder = room.recorder;
        applying = true;
        keyframesSeen = 0;
        historyFromSeq = Math.max(1, lastSeq - room.options.historyCount + 1);
        room.stream.history.reset(historyFromSeq - 1);
        if (null != recorder)
        {
            final boolean hasKeyframe = keyframeOrdinal >= 0;
            recorder.onRestored(Math.max(0, keyframeSeq), hasKeyframe, nowNs, lastSeq);
            if (!hasKeyframe)
            {
                recordSenderSeqs(1);
            }
        }
        for (recordingIndex = lifetimeStartIndex; recordingIndex < ids.size(); recordingIndex++)
        {
            replay(recordings, ids.getLong(recordingIndex));
        }
        if (null != recorder)
        {
            if (lastTick > 0)
            {
                recorder.onTick(lastSeq, nowNs, lastTick, lastTickEpochMs);
            }
            awaitRecorded(0);
        }
    }

    long lastSeq()
    {
        return lastSeq;
    }

    /**
     * The tick a restored ticking room continues from: the last recorded tick plus the ticks of the wall-clock time
     * since it was recorded (the room would have gone on ticking meanwhile; ticks are recorded about once a second,
     * so this is past any tick the dead process reached), and at least a second of ticks past it should the wall
     * clock have gone back.
     *
     * @param nowEpochMs     the wall clock now.
     * @param tickIntervalNs the restored room's tick interval (positive).
     * @return the tick, or 0 when no tick was recorded in the room's current lifetime.
     */
    long restoredTick(final long nowEpochMs, final long tickIntervalNs)
    {
        if (0 == lastTick)
        {
            return 0;
        }
        final long elapsedTicks = TimeUnit.MILLISECONDS.toNanos(Math.max(0, nowEpochMs - lastTickEpochMs)) /
            tickIntervalNs + 1;
        final long secondOfTicks = Math.max(1, TimeUnit.SECONDS.toNanos(1) / tickIntervalNs);
        return lastTick + Math.max(elapsedTicks, secondOfTicks);
    }

    /**
     * @return for each session whose reliable frames put events into the room's current lifetime, the highest such
     * frame's reliable seq (missing: -1).
     */
    Long2LongHashMap senderSeqs()
    {
        return senderSeqs;
    }

    long eventsRestored()
    {
        return eventsRestored;
    }

    /**
     * {@inheritDoc}
     */
    public void onEvent(
        final long seq,
        final int typeId,
        final int flags,
        final int senderSessionId,
        final long timestampNs,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        if (!applying)
        {
            if (1 == seq && lastSeq > 0)
            {
                newLifetime();
            }
            lastSeq = Math.max(lastSeq, seq);
            return;
        }
        if (seq > keyframeSeq)
        {
            eventsRestored++;
            if (null != recorder)
            {
                recorder.onEvent(seq, nowNs, flags, typeId, senderSessionId, buffer, offset, length);
                awaitRecorded(recorder.pendingCapacity() / 2);
            }
            try
            {
                room.listener.onRestoreEvent(room, seq, typeId, flags, senderSessionId, buffer, offset, length);
            }
            catch (final Throwable t)
            {
                errors.onError(t);
            }
        }
        if (seq >= historyFromSeq)
        {
            appendToHistory(seq, typeId, flags, senderSessionId, buffer, offset, length);
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onKeyframe(
        final long seq, final long timestampNs, final DirectBuffer buffer, final int offset, final int length)
    {
        if (!applying)
        {
            if (0 == seq && lastSeq > 0)
            {
                newLifetime();
            }
            keyframeSeq = seq;
            keyframeOrdinal = keyframesSeen++;
            return;
        }
        if (keyframesSeen++ == keyframeOrdinal)
        {
            if (null != recorder)
            {
                recorder.onKeyframe(seq, nowNs, buffer, offset, length);
                recordSenderSeqs(seq + 1);
                awaitRecorded(recorder.pendingCapacity() / 2);
            }
            try
            {
                room.listener.onRestoreKeyframe(room, seq, buffer, offset, length);
            }
            catch (final Throwable t)
            {
                errors.onError(t);
            }
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onGap(final long fromSeq, final int lostFrames)
    {
        if (!applying)
        {
            lastSeq = Math.max(lastSeq, fromSeq + lostFrames - 1);
        }
        else if (null != recorder && fromSeq + lostFrames - 1 > keyframeSeq)
        {
            recorder.onRepeatedGap(fromSeq, nowNs, lostFrames);
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onRestored(final long seq, final boolean hasKeyframe, final long restoredSeq)
    {
        if (!applying)
        {
            // a restored room's recording repeats all a restore needs of the recordings before it: start there
            newLifetime();
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onTick(final long seq, final long tick, final long epochMs)
    {
        if (!applying && tick > lastTick)
        {
            lastTick = tick;
            lastTickEpochMs = epochMs;
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onSenderSeq(final long nextSeq, final int senderSessionId, final long reliableSeq)
    {
        if (!applying && reliableSeq > senderSeqs.get(senderSessionId))
        {
            senderSeqs.put(senderSessionId, reliableSeq);
        }
    }

    private void recordSenderSeqs(final long nextSeq)
    {
        final Long2LongHashMap.EntryIterator it = senderSeqs.entrySet().iterator();
        while (it.hasNext())
        {
            it.next();
            recorder.onSenderSeq(nextSeq, nowNs, (int)it.getLongKey(), it.getLongValue());
        }
    }

    /**
     * The repeat is written whole: once the recorder's pending buffer holds more than {@code maxPendingBytes} (the
     * recording's publication is back-pressured), drive it and the transport until it has drained, rather than lose
     * frames of the repeat to a full buffer.
     */
    private void awaitRecorded(final int maxPendingBytes)
    {
        if (recorder.pendingBytes() > maxPendingBytes && !archive.awaitDrained(recorder, REPLAY_TIMEOUT_NS))
        {
            throw new IllegalStateException("restoring room " + room.roomId + ": the new recording did not take " +
                "the restored frames within " + TimeUnit.NANOSECONDS.toMillis(REPLAY_TIMEOUT_NS) + " ms");
        }
    }

    private void newLifetime()
    {
        senderSeqs.clear();
        lifetimeStartIndex = recordingIndex;
        keyframeSeq = -1;
        keyframeOrdinal = -1;
        keyframesSeen = 0;
        lastSeq = 0;
        lastTick = 0;
        lastTickEpochMs = 0;
    }

    private void appendToHistory(
        final long seq,
        final int typeId,
        final int flags,
        final int senderSessionId,
        final DirectBuffer payload,
        final int offset,
        final int length)
    {
        final EventHistory history = room.stream.history;
        if (seq != history.newestSeq() + 1)
        {
            history.reset(seq - 1); // frames lost to the recording: the history starts after them
        }
        final RoomEventFlyweight frame = eventFlyweight;
        frame.wrapForEncode(encodeBuffer, 0, FrameType.ROOM_EVENT, 0);
        frame.flags(flags);
        frame.roomId(room.roomId).typeId(typeId).seq(seq).senderSessionId(senderSessionId);
        if (length > 0)
        {
            encodeBuffer.putBytes(RoomEventFlyweight.PAYLOAD_OFFSET, payload, offset, length);
        }
        history.append(seq, nowNs, encodeBuffer, 0, RoomEventFlyweight.PAYLOAD_OFFSET + length, 0);
    }

    private void replay(final RoomRecordings recordings, final long recordingId)
    {
        final long result = recordings.replay(recordingId, 1, this, REPLAY_TIMEOUT_NS);
        if (result < 0)
        {
            // never restore without a recording: a skipped one would lose its frames silently
            throw new IllegalStateException("restoring room: replay of recording " + recordingId + " failed: " +
                (RoomRecordings.TIMED_OUT == result ? "timed out" : "no such recording"));
        }
    }
}
