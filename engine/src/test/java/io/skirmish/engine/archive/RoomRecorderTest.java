package io.skirmish.engine.archive;

import io.aeron.Publication;
import io.skirmish.engine.protocol.RecordedFrameFlyweight;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The recorder against a fake publication: back pressure queues in order, overflow is counted and marked as a gap.
 */
class RoomRecorderTest
{
    private final CountersManager counters = new CountersManager(
        new UnsafeBuffer(new byte[64 * 1024]), new UnsafeBuffer(new byte[16 * 1024]));
    private final AtomicCounter deferred = counters.newCounter("deferred");
    private final AtomicCounter lost = counters.newCounter("lost");
    private final AtomicCounter gaps = counters.newCounter("gaps");
    private final FakeSink sink = new FakeSink();
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[1000]);

    /** Takes frames while open, refuses them as back pressured while closed; keeps what it took. */
    static final class FakeSink implements RecordingSink
    {
        boolean open = true;
        final List<long[]> frames = new ArrayList<>();
        private final RecordedFrameFlyweight frame = new RecordedFrameFlyweight();
        private final UnsafeBuffer joined = new UnsafeBuffer(new byte[4096]);

        public long offer(
            final DirectBuffer b1, final int o1, final int l1, final DirectBuffer b2, final int o2, final int l2)
        {
            if (!open)
            {
                return Publication.BACK_PRESSURED;
            }
            joined.putBytes(0, b1, o1, l1);
            joined.putBytes(l1, b2, o2, l2);
            return offer(joined, 0, l1 + l2);
        }

        public long offer(final DirectBuffer buffer, final int offset, final int length)
        {
            if (!open)
            {
                return Publication.BACK_PRESSURED;
            }
            final RecordedFrameFlyweight f = frame.wrap(buffer, offset, length);
            frames.add(new long[]{ f.recordType(), f.seq(), f.typeId(), f.payloadLength(), f.roomId() });
            return frames.size() * 64L;
        }
    }

    @Test
    void shouldOfferDirectlyWhenNotBackPressured()
    {
        final RoomRecorder recorder = new RoomRecorder(9, sink, 1000, 4096, deferred, lost, gaps);
        recorder.onEvent(1, 10, 0, 5, 0, payload, 0, 10);
        recorder.onKeyframe(1, 11, payload, 0, 3);
        assertEquals(2, sink.frames.size());
        assertEquals(RecordedFrameFlyweight.EVENT, sink.frames.get(0)[0]);
        assertEquals(5, sink.frames.get(0)[2]);
        assertEquals(10, sink.frames.get(0)[3]);
        assertEquals(9, sink.frames.get(0)[4]);
        assertEquals(RecordedFrameFlyweight.KEYFRAME, sink.frames.get(1)[0]);
        assertEquals(0, deferred.get());
        assertTrue(recorder.isDrained());
    }

    @Test
    void shouldQueueWhileBackPressuredAndKeepOrder()
    {
        final RoomRecorder recorder = new RoomRecorder(9, sink, 1000, 4096, deferred, lost, gaps);
        recorder.onEvent(1, 10, 0, 5, 0, payload, 0, 10);
        sink.open = false;
        recorder.onEvent(2, 10, 0, 5, 0, payload, 0, 10);
        recorder.onEvent(3, 10, 0, 5, 0, payload, 0, 10);
        assertEquals(0, recorder.doWork());
        sink.open = true;
        recorder.onEvent(4, 10, 0, 5, 0, payload, 0, 10);
        assertEquals(1, sink.frames.size(), "newer frames wait behind the pending ones");
        recorder.doWork();
        assertEquals(4, sink.frames.size());
        for (int i = 0; i < 4; i++)
        {
            assertEquals(i + 1, sink.frames.get(i)[1]);
        }
        assertEquals(3, deferred.get());
        assertEquals(0, lost.get());
        assertTrue(recorder.isDrained());
    }

    @Test
    void shouldCountOverflowAndMarkOneGapWhereTheLossWas()
    {
        final RoomRecorder recorder = new RoomRecorder(9, sink, 1000, 4096, deferred, lost, gaps);
        sink.open = false;
        long seq = 0;
        while (lost.get() == 0)
        {
            recorder.onEvent(++seq, 10, 0, 5, 0, payload, 0, 500);
        }
        final long firstLost = seq;
        recorder.onEvent(++seq, 10, 0, 5, 0, payload, 0, 500);
        recorder.onEvent(++seq, 10, 0, 5, 0, payload, 0, 500);
        assertEquals(3, lost.get());
        assertEquals(3, recorder.framesLost());
        assertTrue(recorder.isGapOpen());
        assertFalse(recorder.isDrained());

        sink.open = true;
        for (int i = 0; i < 10 && !recorder.isDrained(); i++)
        {
            recorder.doWork();
        }
        recorder.onEvent(++seq, 10, 0, 5, 0, payload, 0, 500);
        assertTrue(recorder.isDrained());
        assertEquals(1, gaps.get());
        final int kept = (int)(firstLost - 1);
        assertEquals(kept + 2, sink.frames.size(), "kept frames, the gap, the next frame");
        for (int i = 0; i < kept; i++)
        {
            assertEquals(RecordedFrameFlyweight.EVENT, sink.frames.get(i)[0]);
            assertEquals(i + 1, sink.frames.get(i)[1]);
        }
        final long[] gap = sink.frames.get(kept);
        assertEquals(RecordedFrameFlyweight.GAP, gap[0]);
        assertEquals(firstLost, gap[1], "gap from the first lost seq");
        assertEquals(3, gap[2], "lost frame count");
        assertEquals(seq, sink.frames.get(kept + 1)[1]);
        System.out.println("recorder: " + kept + " frames kept in 4 KiB, 3 lost, 1 gap marker");
    }
}
