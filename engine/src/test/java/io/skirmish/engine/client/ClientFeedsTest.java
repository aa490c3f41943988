package io.skirmish.engine.client;

import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.FeedEndReason;
import io.skirmish.engine.SendResult;
import io.skirmish.engine.protocol.FeedAckFlyweight;
import io.skirmish.engine.protocol.FeedFrameFlyweight;
import io.skirmish.engine.protocol.FeedRequestFlyweight;
import io.skirmish.engine.protocol.FrameHeaderFlyweight;
import io.skirmish.engine.protocol.FrameType;
import io.skirmish.engine.protocol.RecordedFrameFlyweight;
import io.skirmish.engine.protocol.ReliableFrameFlyweight;
import io.skirmish.engine.security.LaneCrypto;
import io.skirmish.engine.status.Counters;
import io.skirmish.engine.status.RttEstimator;
import io.skirmish.engine.transport.FrameOffer;
import io.skirmish.engine.transport.RecordingOutlet;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client's side of a feed without a network: frames fed in any order with a hand-driven clock, what the
 * {@link FeedListener} is told recorded call by call, and the FEED_REQUEST and FEED_ACK frames the real
 * {@link ClientSender} offers decoded from a {@link RecordingOutlet}.
 */
class ClientFeedsTest
{
    private static final int SESSION_ID = 21;
    private static final int ROOM = 5;
    private static final long START_NS = TimeUnit.SECONDS.toNanos(1000);

    private final Counters counters = new Counters(
        new CountersManager(new UnsafeBuffer(new byte[512 * 1024]), new UnsafeBuffer(new byte[128 * 1024])), false);
    private final RecordingOutlet upstream = new RecordingOutlet();
    private final FrameOffer frameOffer =
        new FrameOffer(counters.get(EngineCounter.FRAMES_OUT), counters.get(EngineCounter.BYTES_OUT));
    private final LaneCrypto crypto = new LaneCrypto(null, true);
    private final ClientSender sender = new ClientSender(1024, frameOffer, crypto,
        new ReliableOutbox(64 * 1024, frameOffer, crypto, new RttEstimator(Long.MAX_VALUE), counters), counters);
    private final List<Throwable> errors = new ArrayList<>();
    private final ClientFeeds feeds = new ClientFeeds(sender, counters, errors::add);
    private final List<String> calls = new ArrayList<>();
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[8 * 1024]);
    private long nowNs = START_NS;
    private final FeedListener listener = new FeedListener()
    {
        public void onFeedKeyframe(
            final int feedId, final int roomId, final long seq, final long timestampNs, final DirectBuffer buffer,
            final int offset, final int length)
        {
            calls.add("keyframe " + seq + " " + buffer.getStringWithoutLengthAscii(offset, length));
        }

        public void onFeedEvent(
            final int feedId, final int roomId, final long seq, final int typeId, final int flags,
            final int senderSessionId, final long timestampNs, final DirectBuffer buffer, final int offset,
            final int length)
        {
            calls.add("event " + seq + " " + typeId + " " + buffer.getStringWithoutLengthAscii(offset, length));
        }

        public void onFeedGap(final int feedId, final int roomId, final long fromSeq, final int lostFrames)
        {
            calls.add("gap " + fromSeq + " " + lostFrames);
        }

        public void onFeedEnd(final int feedId, final int roomId, final long lastSeq, final FeedEndReason reason)
        {
            calls.add("end " + lastSeq + " " + reason);
        }
    };

    ClientFeedsTest()
    {
        sender.upstream(upstream);
        sender.sessionId(SESSION_ID);
    }

    @Test
    void shouldAskForAFeedAndDeliverItsFramesInOrderOnce()
    {
        final int feedId = (int)feeds.open(true, SESSION_ID, FeedRequestFlyweight.SPECTATE, ROOM, 2_000_000, 0, 1,
            listener);
        assertTrue(feedId > 0);
        final FeedRequestFlyweight request = new FeedRequestFlyweight();
        request.wrap(reliableBody(0), 0, FeedRequestFlyweight.LENGTH);
        assertEquals(FrameType.FEED_REQUEST, request.type());
        assertEquals(feedId, request.feedId());
        assertEquals(ROOM, request.roomId());
        assertEquals(FeedRequestFlyweight.SPECTATE, request.mode());
        assertEquals(2_000_000, request.delayNs());
        upstream.clear();

        frame(feedId, 1, RecordedFrameFlyweight.KEYFRAME, 10, 0, "state");
        frame(feedId, 2, RecordedFrameFlyweight.EVENT, 11, 7, "a");
        frame(feedId, 3, RecordedFrameFlyweight.GAP, 12, 4, "");
        frame(feedId, 2, RecordedFrameFlyweight.EVENT, 11, 7, "a");
        assertEquals(List.of("keyframe 10 state", "event 11 7 a", "gap 12 4"), calls);
        assertEquals(3, counters.get(EngineCounter.FEED_FRAMES_DELIVERED).get());
        assertEquals(1, counters.get(EngineCounter.FEED_DUPLICATES_DROPPED).get());

        nowNs += TimeUnit.MILLISECONDS.toNanos(ClientFeeds.ACK_INTERVAL_MS);
        feeds.doWork(nowNs, SESSION_ID);
        assertAck(upstream.lastFrame(), feedId, 4, 0);
        assertTrue(feeds.isFeeding(ROOM));
        assertEquals(0, errors.size());
    }

    @Test
    void shouldDropAFrameAfterALostOneAndAskForTheRestAtOnce()
    {
        final int feedId = open();
        frame(feedId, 1, RecordedFrameFlyweight.EVENT, 1, 7, "a");
        frame(feedId, 3, RecordedFrameFlyweight.EVENT, 3, 7, "c");
        assertAck(upstream.lastFrame(), feedId, 2, FeedAckFlyweight.FLAG_GAP);
        final int acks = upstream.frameCount();
        frame(feedId, 4, RecordedFrameFlyweight.EVENT, 4, 7, "d");
        assertEquals(acks, upstream.frameCount(), "one gap flag per holdoff, not one per frame");
        nowNs += TimeUnit.MILLISECONDS.toNanos(6);
        frame(feedId, 4, RecordedFrameFlyweight.EVENT, 4, 7, "d");
        assertAck(upstream.lastFrame(), feedId, 2, FeedAckFlyweight.FLAG_GAP);
        frame(feedId, 2, RecordedFrameFlyweight.EVENT, 2, 7, "b");
        frame(feedId, 3, RecordedFrameFlyweight.EVENT, 3, 7, "c");
        assertEquals(List.of("event 1 7 a", "event 2 7 b", "event 3 7 c"), calls);
        assertEquals(3, counters.get(EngineCounter.FEED_GAPS_DETECTED).get());
    }

    @Test
    void shouldEndTheFeedAcknowledgeItsEndAndAgainWhenTheEndComesTwice()
    {
        final int feedId = open();
        frame(feedId, 1, RecordedFrameFlyweight.EVENT, 1, 7, "a");
        frame(feedId, 2, FeedFrameFlyweight.END, 1, FeedEndReason.ROOM_CLOSED.code(), "");
        assertEquals(List.of("event 1 7 a", "end 1 ROOM_CLOSED"), calls);
        assertAck(upstream.lastFrame(), feedId, 3, 0);
        assertFalse(feeds.isFeeding(ROOM));
        upstream.clear();
        frame(feedId, 2, FeedFrameFlyweight.END, 1, FeedEndReason.ROOM_CLOSED.code(), "");
        assertAck(upstream.lastFrame(), feedId, 3, 0);
        assertEquals(2, calls.size());
    }

    @Test
    void shouldRefuseWritesToAFedRoomAndEndFeedsOfAnEarlierSession()
    {
        final int feedId = open();
        assertTrue(feeds.refuseWrite(ROOM));
        assertFalse(feeds.refuseWrite(ROOM + 1));
        assertEquals(1, counters.get(EngineCounter.FEED_WRITES_REFUSED).get());
        assertEquals(SendResult.NOT_CONNECTED_SESSION,
            feeds.open(false, SESSION_ID, FeedRequestFlyweight.REPLAY, ROOM, 0, 1, 1, listener));
        assertEquals(SendResult.NO_SUCH_ROOM, feeds.open(true, SESSION_ID, FeedRequestFlyweight.REPLAY, 0, 0, 1, 1,
            listener));
        feeds.doWork(nowNs, SESSION_ID + 1);
        assertEquals(List.of("end 0 SESSION_LOST"), calls);
        assertFalse(feeds.isFeeding(ROOM));
        assertTrue(feedId > 0);
    }

    @Test
    void shouldDeliverABatchInOrderSkipWhatWasDeliveredAndDropTheRestAfterAGap()
    {
        final int feedId = open();
        batch(feedId, 1, event(1, "a"), event(2, "b"), event(3, "c"));
        assertEquals(List.of("event 1 7 a", "event 2 7 b", "event 3 7 c"), calls);
        assertEquals(0, upstream.frameCount(), "a batch is acknowledged at the ack interval, not at once");

        // a resend overlapping what was delivered: only the new frames are delivered
        batch(feedId, 2, event(2, "b"), event(3, "c"), event(4, "d"));
        assertEquals(List.of("event 1 7 a", "event 2 7 b", "event 3 7 c", "event 4 7 d"), calls);
        assertEquals(2, counters.get(EngineCounter.FEED_DUPLICATES_DROPPED).get());

        // the batch with 5 and 6 is lost: the next one is dropped whole and the rest asked for at once
        batch(feedId, 7, event(7, "g"), event(8, "h"));
        assertAck(upstream.lastFrame(), feedId, 5, FeedAckFlyweight.FLAG_GAP);
        batch(feedId, 5, event(5, "e"), event(6, "f"), event(7, "g"), event(8, "h"),
            new Record(FeedFrameFlyweight.END, 8, FeedEndReason.ROOM_CLOSED.code(), ""));
        assertEquals(List.of("event 1 7 a", "event 2 7 b", "event 3 7 c", "event 4 7 d", "event 5 7 e",
            "event 6 7 f", "event 7 7 g", "event 8 7 h", "end 8 ROOM_CLOSED"), calls);
        assertAck(upstream.lastFrame(), feedId, 10, 0);
        assertEquals(9, counters.get(EngineCounter.FEED_FRAMES_DELIVERED).get());
        assertEquals(1, counters.get(EngineCounter.FEED_GAPS_DETECTED).get());
        assertFalse(feeds.isFeeding(ROOM));
        assertEquals(0, errors.size());
    }

    @Test
    void shouldAcknowledgeAtTheIntervalOrAtOnceAfterAQuarterWindow()
    {
        final int feedId = open();
        feeds.doWork(nowNs, SESSION_ID);
        assertAck(upstream.lastFrame(), feedId, 1, 0);
        upstream.clear();
        batch(feedId, 1, event(1, "a"));
        nowNs += TimeUnit.MILLISECONDS.toNanos(ClientFeeds.ACK_INTERVAL_MS - 1);
        feeds.doWork(nowNs, SESSION_ID);
        assertEquals(0, upstream.frameCount(), "not before the ack interval");
        nowNs += TimeUnit.MILLISECONDS.toNanos(1);
        feeds.doWork(nowNs, SESSION_ID);
        assertAck(upstream.lastFrame(), feedId, 2, 0);
        upstream.clear();

        final Record[] many = new Record[ClientFeeds.ACK_AFTER_FRAMES];
        for (int i = 0; i < many.length; i++)
        {
            many[i] = event(2 + i, "x");
        }
        batch(feedId, 2, many);
        assertAck(upstream.lastFrame(), feedId, 2 + many.length, 0);
        assertEquals(1, upstream.frameCount(), "at once after a quarter window");
    }

    private int open()
    {
        final int feedId = (int)feeds.open(true, SESSION_ID, FeedRequestFlyweight.REPLAY, ROOM, 0, 1, 1, listener);
        assertTrue(feedId > 0);
        upstream.clear();
        return feedId;
    }

    private void frame(
        final int feedId, final long index, final int recordType, final long seq, final int typeId,
        final String payload)
    {
        batch(feedId, index, new Record(recordType, seq, typeId, payload));
    }

    private void batch(final int feedId, final long firstIndex, final Record... records)
    {
        final FeedFrameFlyweight f = new FeedFrameFlyweight();
        f.wrapForEncode(frame, 0, FrameType.FEED_FRAME, SESSION_ID);
        f.feedId(feedId).index(firstIndex).recordCount(records.length);
        int length = FeedFrameFlyweight.RECORD_OFFSET;
        for (final Record r : records)
        {
            final int recordOffset = length + FeedFrameFlyweight.ENTRY_HEADER_LENGTH;
            new RecordedFrameFlyweight().wrap(frame, recordOffset, RecordedFrameFlyweight.PAYLOAD_OFFSET)
                .header(r.type, 0, ROOM, r.seq, nowNs, r.typeId, 0);
            final int payloadLength = frame.putStringWithoutLengthAscii(
                recordOffset + RecordedFrameFlyweight.PAYLOAD_OFFSET, r.payload);
            length += FeedFrameFlyweight.putEntryHeader(
                frame, length, RecordedFrameFlyweight.PAYLOAD_OFFSET + payloadLength);
        }
        feeds.onFrame(frame, 0, length, nowNs);
    }

    private record Record(int type, long seq, int typeId, String payload)
    {
    }

    private static Record event(final long seq, final String payload)
    {
        return new Record(RecordedFrameFlyweight.EVENT, seq, 7, payload);
    }

    private UnsafeBuffer reliableBody(final int index)
    {
        final UnsafeBuffer envelope = upstream.frame(index);
        assertEquals(FrameType.RELIABLE, envelope.getByte(FrameHeaderFlyweight.TYPE_OFFSET) & 0xFF);
        final byte[] bytes = new byte[envelope.capacity() - ReliableFrameFlyweight.DATA_OFFSET];
        envelope.getBytes(ReliableFrameFlyweight.DATA_OFFSET, bytes);
        return new UnsafeBuffer(bytes);
    }

    private static void assertAck(final UnsafeBuffer buffer, final int feedId, final long next, final int flags)
    {
        final FeedAckFlyweight ack = new FeedAckFlyweight();
        ack.wrap(buffer, 0, FeedAckFlyweight.LENGTH);
        assertEquals(FrameType.FEED_ACK, ack.type());
        assertEquals(feedId, ack.feedId());
        assertEquals(next, ack.nextIndex());
        assertEquals(flags, ack.ackFlags());
    }
}
