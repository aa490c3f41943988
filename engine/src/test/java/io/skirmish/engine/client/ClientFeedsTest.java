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
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[1024]);
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

        nowNs += TimeUnit.MILLISECONDS.toNanos(10);
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
        final FeedFrameFlyweight f = new FeedFrameFlyweight();
        f.wrapForEncode(frame, 0, FrameType.FEED_FRAME, SESSION_ID);
        f.feedId(feedId).index(index);
        new RecordedFrameFlyweight().wrap(frame, FeedFrameFlyweight.RECORD_OFFSET, RecordedFrameFlyweight.PAYLOAD_OFFSET)
            .header(recordType, 0, ROOM, seq, nowNs, typeId, 0);
        final int length = frame.putStringWithoutLengthAscii(
            FeedFrameFlyweight.RECORD_OFFSET + RecordedFrameFlyweight.PAYLOAD_OFFSET, payload);
        feeds.onFrame(frame, 0, FeedFrameFlyweight.RECORD_OFFSET + RecordedFrameFlyweight.PAYLOAD_OFFSET + length,
            nowNs);
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
