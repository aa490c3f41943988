package io.skirmish.engine.client;

import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.LeaveReason;
import io.skirmish.engine.SendResult;
import io.skirmish.engine.codec.KryoCodec;
import io.skirmish.engine.codec.MessageRegistry;
import io.skirmish.engine.protocol.EventAckFlyweight;
import io.skirmish.engine.protocol.FrameHeaderFlyweight;
import io.skirmish.engine.protocol.FrameType;
import io.skirmish.engine.protocol.JoinResultFlyweight;
import io.skirmish.engine.protocol.LeftRoomFlyweight;
import io.skirmish.engine.protocol.ReliableFrameFlyweight;
import io.skirmish.engine.protocol.ReplayRequestFlyweight;
import io.skirmish.engine.protocol.ResumeStateFlyweight;
import io.skirmish.engine.protocol.RoomEventFlyweight;
import io.skirmish.engine.protocol.StreamHeadsFlyweight;
import io.skirmish.engine.protocol.SystemEvent;
import io.skirmish.engine.security.LaneCrypto;
import io.skirmish.engine.status.Counters;
import io.skirmish.engine.status.RttEstimator;
import io.skirmish.engine.transport.FrameOffer;
import io.skirmish.engine.transport.RecordingOutlet;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.skirmish.engine.protocol.FrameHeaderFlyweight.FLAG_EXCEPT_SENDER;
import static io.skirmish.engine.protocol.FrameHeaderFlyweight.FLAG_KRYO;
import static io.skirmish.engine.protocol.FrameHeaderFlyweight.FLAG_REPLAY;
import static io.skirmish.engine.protocol.FrameHeaderFlyweight.FLAG_SYSTEM;
import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client's in-order, exactly-once delivery without a network, in the manner of Aeron's
 * {@code RetransmitHandlerTest}: room event frames are fed to {@link EventDelivery} in any order with a hand-driven
 * clock, what the game's {@link ClientListener} is told is recorded call by call, and the REPLAY_REQUEST and
 * EVENT_ACK frames the real {@link ClientSender} offers are decoded from a {@link RecordingOutlet}. Gaps, their
 * repeated replay requests, duplicates, resyncs, acks, membership, resume and the kinds of payload are covered.
 */
class EventDeliveryTest
{
    private static final int SESSION_ID = 21;
    private static final int ROOM = 5;
    private static final int TYPE_ID = 42;
    private static final int STRING_TYPE_ID = 100;
    private static final int SENDER = 9;
    private static final int FRAME_OFFSET = 8;
    private static final int MAX_HELD = 8;
    private static final long REPLAY_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final long START_NS = TimeUnit.SECONDS.toNanos(1000);

    private final Counters counters = new Counters(
        new CountersManager(new UnsafeBuffer(new byte[512 * 1024]), new UnsafeBuffer(new byte[128 * 1024])), false);
    private final List<String> calls = new ArrayList<>();
    private final List<Throwable> errors = new ArrayList<>();
    private final ClientListener listener = new ClientListener()
    {
        public void onJoined(final int roomId, final long nextSeq)
        {
            calls.add("joined " + roomId + " " + nextSeq);
        }

        public void onJoinFailed(final int roomId, final int requestId, final int status)
        {
            calls.add("joinFailed " + roomId + " " + requestId + " " + status);
        }

        public void onLeft(final int roomId, final LeaveReason reason)
        {
            calls.add("left " + roomId + " " + reason);
        }

        public void onEvent(
            final int roomId,
            final long seq,
            final int senderSessionId,
            final int typeId,
            final DirectBuffer buffer,
            final int offset,
            final int length)
        {
            calls.add("event " + roomId + " " + seq + " " + senderSessionId + " " + typeId + " " +
                buffer.getStringWithoutLengthAscii(offset, length));
            if (null != listenerFailure)
            {
                throw listenerFailure;
            }
        }

        public void onEvent(final int roomId, final long seq, final int senderSessionId, final Object message)
        {
            calls.add("object " + roomId + " " + seq + " " + senderSessionId + " " + message);
        }

        public void onMemberJoined(final int roomId, final long seq, final int sessionId)
        {
            calls.add("memberJoined " + roomId + " " + seq + " " + sessionId);
        }

        public void onMemberLeft(final int roomId, final long seq, final int sessionId, final LeaveReason reason)
        {
            calls.add("memberLeft " + roomId + " " + seq + " " + sessionId + " " + reason);
        }

        public void onResync(
            final int roomId, final long seq, final DirectBuffer buffer, final int offset, final int length)
        {
            calls.add("resync " + roomId + " " + seq + " " + buffer.getStringWithoutLengthAscii(offset, length));
        }

        public void onRoomRestored(final int roomId, final long lastDeliveredSeq, final long restoredSeq)
        {
            calls.add("restored " + roomId + " " + lastDeliveredSeq + " " + restoredSeq);
        }
    };
    private final GameClient.Context ctx = new GameClient.Context()
        .listener(listener)
        .messageRegistry(new MessageRegistry().register(STRING_TYPE_ID, String.class))
        .maxHeldEvents(MAX_HELD)
        .replayRequestTimeoutNs(REPLAY_TIMEOUT_NS)
        .conclude();
    private final KryoCodec codec = new KryoCodec(ctx.messageRegistry(), ctx.maxMessageLength());
    private final RecordingOutlet control = new RecordingOutlet();
    private final FrameOffer frameOffer =
        new FrameOffer(counters.get(EngineCounter.FRAMES_OUT), counters.get(EngineCounter.BYTES_OUT));
    private final LaneCrypto crypto = new LaneCrypto(null, true);
    private final ClientSender sender = new ClientSender(
        ctx.maxMessageLength(),
        frameOffer,
        crypto,
        new ReliableOutbox(ctx.maxUnackedBytes(), frameOffer, crypto, new RttEstimator(Long.MAX_VALUE), counters),
        counters);
    private final SnapshotReceiver snapshots = new SnapshotReceiver(
        listener, errors::add, ctx.deltaCodec(), ctx.snapshotWindow(), ctx.maxSnapshotLength(),
        null, System::nanoTime, new RttEstimator(Long.MAX_VALUE), counters);
    private final EventDelivery delivery = new EventDelivery(
        ctx, counters, codec, sender, snapshots, new RttEstimator(Long.MAX_VALUE), errors::add);
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[FRAME_OFFSET + 1024]);
    private final RoomEventFlyweight eventFlyweight = new RoomEventFlyweight();
    private final ReplayRequestFlyweight replayFlyweight = new ReplayRequestFlyweight();
    private final EventAckFlyweight ackFlyweight = new EventAckFlyweight();
    private RuntimeException listenerFailure;
    private long nowNs = START_NS;
    private long directSeq;

    EventDeliveryTest()
    {
        sender.upstream(control);
        sender.sessionId(SESSION_ID);
    }

    private int encode(final int type, final int roomId, final long seq, final int flags, final int typeId)
    {
        eventFlyweight.wrapForEncode(frame, FRAME_OFFSET, type, 0);
        eventFlyweight.flags(flags);
        eventFlyweight.roomId(roomId).typeId(typeId).seq(seq).senderSessionId(SENDER);
        return RoomEventFlyweight.PAYLOAD_OFFSET;
    }

    private void event(final int roomId, final long seq, final int flags, final int typeId, final String payload)
    {
        final int headerLength = encode(FrameType.ROOM_EVENT, roomId, seq, flags, typeId);
        final int length = frame.putStringWithoutLengthAscii(FRAME_OFFSET + headerLength, payload);
        delivery.onRoomEvent(frame, FRAME_OFFSET, headerLength + length, nowNs);
    }

    private void event(final long seq)
    {
        event(ROOM, seq, 0, TYPE_ID, "e" + seq);
    }

    private void resync(final int roomId, final long seq, final String state)
    {
        final int headerLength = encode(FrameType.RESYNC, roomId, seq, 0, 0);
        final int length = frame.putStringWithoutLengthAscii(FRAME_OFFSET + headerLength, state);
        delivery.onResync(frame, FRAME_OFFSET, headerLength + length);
    }

    /**
     * A join result notice on the direct stream (room 0), at the direct stream's next seq.
     */
    private void joinResult(final int roomId, final int status, final long nextSeq)
    {
        final int headerLength = encode(
            FrameType.ROOM_EVENT, 0, ++directSeq, FrameHeaderFlyweight.FLAG_SYSTEM, SystemEvent.JOIN_RESULT);
        new JoinResultFlyweight().wrap(frame, FRAME_OFFSET + headerLength)
            .roomId(roomId).requestId(3).status(status).backlogCount(0).nextSeq(nextSeq);
        delivery.onRoomEvent(frame, FRAME_OFFSET, headerLength + JoinResultFlyweight.LENGTH, nowNs);
    }

    /**
     * Be a member of a room, as a test's starting point: the join notice is delivered and acknowledged, and what it
     * left behind (the ack, the counters, the callback) is cleared.
     */
    private void joined(final int roomId, final long nextSeq)
    {
        joinResult(roomId, JoinResultFlyweight.JOINED, nextSeq);
        delivery.housekeeping(nowNs);
        control.clear();
        for (final EngineCounter counter : EngineCounter.values())
        {
            counters.get(counter).set(0);
        }
        calls.clear();
    }

    /**
     * A leave notice on the direct stream, owed the room's events up to a seq.
     */
    private void leftRoom(final int roomId, final LeaveReason reason, final long finalSeq)
    {
        final int headerLength = encode(
            FrameType.ROOM_EVENT, 0, ++directSeq, FrameHeaderFlyweight.FLAG_SYSTEM, SystemEvent.LEFT_ROOM);
        new LeftRoomFlyweight().wrap(frame, FRAME_OFFSET + headerLength)
            .roomId(roomId).reason(reason.code()).finalSeq(finalSeq);
        delivery.onRoomEvent(frame, FRAME_OFFSET, headerLength + LeftRoomFlyweight.LENGTH, nowNs);
    }

    private static String delivered(final long seq)
    {
        return "event " + ROOM + " " + seq + " " + SENDER + " " + TYPE_ID + " e" + seq;
    }

    private static List<String> delivered(final long... seqs)
    {
        final List<String> expected = new ArrayList<>();
        for (final long seq : seqs)
        {
            expected.add(delivered(seq));
        }
        return expected;
    }

    /**
     * @return each REPLAY_REQUEST offered, as "room from to".
     */
    private List<String> replayRequests()
    {
        final List<String> requests = new ArrayList<>();
        for (final byte[] bytes : control.frames())
        {
            // replay requests travel in reliable envelopes
            final UnsafeBuffer envelope = new UnsafeBuffer(bytes);
            if ((envelope.getByte(FrameHeaderFlyweight.TYPE_OFFSET) & 0xFF) != FrameType.RELIABLE)
            {
                continue;
            }
            final UnsafeBuffer buffer = new UnsafeBuffer(
                bytes, ReliableFrameFlyweight.DATA_OFFSET, bytes.length - ReliableFrameFlyweight.DATA_OFFSET);
            if ((buffer.getByte(FrameHeaderFlyweight.TYPE_OFFSET) & 0xFF) == FrameType.REPLAY_REQUEST)
            {
                assertEquals(ReplayRequestFlyweight.LENGTH, buffer.capacity());
                replayFlyweight.wrap(buffer, 0, buffer.capacity());
                assertEquals(SESSION_ID, replayFlyweight.sessionId());
                requests.add(replayFlyweight.roomId() + " " + replayFlyweight.fromSeq() + " " + replayFlyweight.toSeq() +
                    ((replayFlyweight.requestFlags() & ReplayRequestFlyweight.FLAG_RESYNC) != 0 ? " resync" : ""));
            }
        }
        return requests;
    }

    /**
     * @return each EVENT_ACK offered, as "room seq".
     */
    private List<String> acks()
    {
        final List<String> acks = new ArrayList<>();
        for (final byte[] bytes : control.frames())
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
            if ((buffer.getByte(FrameHeaderFlyweight.TYPE_OFFSET) & 0xFF) == FrameType.EVENT_ACK)
            {
                assertEquals(EventAckFlyweight.LENGTH, bytes.length);
                ackFlyweight.wrap(buffer, 0, bytes.length);
                assertEquals(SESSION_ID, ackFlyweight.sessionId());
                acks.add(ackFlyweight.roomId() + " " + ackFlyweight.seq());
            }
        }
        return acks;
    }

    private long counter(final EngineCounter counter)
    {
        return counters.get(counter).get();
    }

    @Test
    void shouldDeliverInOrderAndDropDuplicates()
    {
        joined(ROOM, 1);
        calls.clear();

        event(1);
        event(2);
        event(1);
        event(3);
        event(2);

        assertEquals(delivered(1, 2, 3), calls);
        assertEquals(3, delivery.lastDelivered(ROOM));
        assertEquals(3, counter(EngineCounter.EVENTS_DELIVERED));
        assertEquals(2, counter(EngineCounter.DUPLICATES_DROPPED));
        assertEquals(0, counter(EngineCounter.GAPS_DETECTED));
        assertEquals(0, control.frameCount(), "nothing to ask for");
    }

    @Test
    void shouldHoldEventsAfterAGapAskForItOnceAndDeliverThemWhenItIsFilled()
    {
        joined(ROOM, 1);
        calls.clear();
        event(1);

        event(3);
        event(4);

        assertEquals(List.of(delivered(1)), calls);
        assertEquals(List.of(ROOM + " 2 2"), replayRequests());
        assertEquals(1, counter(EngineCounter.GAPS_DETECTED));
        assertEquals(1, delivery.lastDelivered(ROOM));

        event(ROOM, 2, FLAG_REPLAY, TYPE_ID, "e2");

        assertEquals(delivered(1, 2, 3, 4), calls);
        assertEquals(4, delivery.lastDelivered(ROOM));
        assertEquals(4, counter(EngineCounter.EVENTS_DELIVERED));
        assertEquals(1, counter(EngineCounter.EVENTS_REPLAYED));
        assertEquals(1, counter(EngineCounter.GAPS_DETECTED));
        assertEquals(1, replayRequests().size());

        event(6);
        assertEquals(List.of(ROOM + " 2 2", ROOM + " 5 5"), replayRequests());
        assertEquals(2, counter(EngineCounter.GAPS_DETECTED), "a new gap");
    }

    @Test
    void shouldRepeatTheReplayRequestsOfGapsStillOpenAfterTheirTimeout()
    {
        joined(ROOM, 1);
        event(1);
        event(4);
        event(6);
        assertEquals(List.of(ROOM + " 2 3", ROOM + " 5 5"), replayRequests(), "each gap once, as it appears");

        delivery.housekeeping(nowNs + REPLAY_TIMEOUT_NS - 1);
        assertEquals(2, replayRequests().size());

        delivery.housekeeping(nowNs + REPLAY_TIMEOUT_NS);
        assertEquals(List.of(ROOM + " 2 3", ROOM + " 5 5", ROOM + " 2 3", ROOM + " 5 5"), replayRequests(),
            "exactly what is still missing");

        nowNs += 2 * REPLAY_TIMEOUT_NS;
        event(5);
        assertEquals(4, replayRequests().size(), "a fill asks nothing");
        delivery.housekeeping(nowNs);
        assertEquals(List.of(ROOM + " 2 3", ROOM + " 5 5", ROOM + " 2 3", ROOM + " 5 5", ROOM + " 2 3"),
            replayRequests(), "only the gap still open");
        assertEquals(2, counter(EngineCounter.GAPS_DETECTED), "two gaps");
    }

    @Test
    void shouldAskForALostLastEventAndAckAgainWhatTheServerThinksIsUnacknowledged()
    {
        joined(ROOM, 1);
        event(1);
        event(2);
        control.clear();

        heads(ROOM, 4);
        assertEquals(List.of(ROOM + " 3 4"), replayRequests(), "the tail the heads name");
        assertEquals(1, counter(EngineCounter.TAIL_GAPS_DETECTED));

        heads(ROOM, 4);
        assertEquals(1, replayRequests().size(), "asked for already");

        event(3);
        event(4);
        control.clear();
        heads(ROOM, 4);
        assertEquals(List.of(ROOM + " 4"), acks(), "delivered: the acknowledgement was what got lost");
    }

    private void heads(final int roomId, final long headSeq)
    {
        final StreamHeadsFlyweight heads = new StreamHeadsFlyweight();
        heads.wrapForEncode(frame, FRAME_OFFSET, FrameType.STREAM_HEADS, SESSION_ID);
        heads.count(1).entry(0, roomId, headSeq);
        delivery.onStreamHeads(frame, FRAME_OFFSET, StreamHeadsFlyweight.length(1), nowNs);
    }

    @Test
    void shouldAckAtMostEveryIntervalAndOnlyWhenSomethingNewWasDelivered()
    {
        final long interval = ctx.ackIntervalNs;
        joined(ROOM, 1);
        assertEquals(0, delivery.housekeeping(nowNs));
        assertEquals(List.of(), acks(), "nothing delivered yet");

        event(1);
        assertEquals(1, delivery.housekeeping(nowNs));
        assertEquals(List.of(ROOM + " 1"), acks());

        event(2);
        event(3);
        delivery.housekeeping(nowNs + interval - 1);
        assertEquals(1, acks().size(), "too soon");

        delivery.housekeeping(nowNs + interval);
        assertEquals(List.of(ROOM + " 1", ROOM + " 3"), acks());

        delivery.housekeeping(nowNs + 10 * interval);
        assertEquals(2, acks().size(), "nothing new");
        assertEquals(List.of(), replayRequests());
    }

    @Test
    void shouldRetryAnAckTheLaneRefused()
    {
        joined(ROOM, 1);
        event(1);
        control.refuse(SendResult.BACK_PRESSURED);

        assertEquals(0, delivery.housekeeping(nowNs));

        control.accept();
        assertEquals(1, delivery.housekeeping(nowNs + 1));
        assertEquals(List.of(ROOM + " 1"), acks());
    }

    @Test
    void shouldResyncPastWhatHistoryLostAndDropHeldEventsAtOrBelowIt()
    {
        joined(ROOM, 1);
        calls.clear();
        event(1);
        event(5);
        event(9);

        resync(ROOM, 6, "STATE");

        assertEquals(List.of(delivered(1), "resync " + ROOM + " 6 STATE"), calls);
        assertEquals(6, delivery.lastDelivered(ROOM));
        assertEquals(1, counter(EngineCounter.RESYNCS));

        event(7);
        event(8);
        assertEquals(List.of(delivered(1), "resync " + ROOM + " 6 STATE", delivered(7), delivered(8), delivered(9)),
            calls, "5 was dropped, 9 was kept");
        assertEquals(9, delivery.lastDelivered(ROOM));
    }

    @Test
    void shouldDeliverHeldEventsRightAfterAResync()
    {
        joined(ROOM, 1);
        calls.clear();
        event(4);
        event(5);

        resync(ROOM, 3, "S");

        assertEquals(List.of("resync " + ROOM + " 3 S", delivered(4), delivered(5)), calls);
        assertEquals(5, delivery.lastDelivered(ROOM));
    }

    @Test
    void shouldIgnoreStaleResyncAndResyncOfUnknownRoom()
    {
        joined(ROOM, 1);
        event(1);
        event(2);
        event(3);
        calls.clear();

        resync(ROOM, 1, "old");
        resync(ROOM + 1, 10, "other");

        assertEquals(List.of(), calls);
        assertEquals(3, delivery.lastDelivered(ROOM));
        assertEquals(0, counter(EngineCounter.RESYNCS));

        resync(ROOM, 3, "same point");
        assertEquals(List.of("resync " + ROOM + " 3 same point"), calls, "a resync at the last delivered is taken");
        assertEquals(3, delivery.lastDelivered(ROOM));
        assertEquals(1, counter(EngineCounter.RESYNCS));

        resync(ROOM, 3, "same point");
        assertEquals(1, calls.size(), "the same resync twice (a duplicated datagram) reaches the game once");
        assertEquals(1, counter(EngineCounter.RESYNCS));
        assertEquals(1, counter(EngineCounter.DUPLICATES_DROPPED));
    }

    @Test
    void shouldTrackMembershipFromJoinResultsAndLeftNotices()
    {
        assertFalse(delivery.isMember(ROOM));
        assertEquals(-1, delivery.lastDelivered(ROOM));

        joinResult(ROOM, JoinResultFlyweight.JOINED, 10);
        joinResult(ROOM, JoinResultFlyweight.JOINED, 12);
        joinResult(ROOM + 1, JoinResultFlyweight.ROOM_FULL, 0);

        assertEquals(List.of("joined " + ROOM + " 10", "joinFailed " + (ROOM + 1) + " 3 3"), calls);
        assertTrue(delivery.isMember(ROOM));
        assertFalse(delivery.isMember(ROOM + 1));
        assertEquals(9, delivery.lastDelivered(ROOM), "a repeated JOINED (after a resume) keeps the stream");

        event(ROOM, 9, 0, TYPE_ID, "before");
        assertEquals(1, counter(EngineCounter.DUPLICATES_DROPPED), "before the join point");
        event(10);
        assertEquals(delivered(10), calls.get(2));

        leftRoom(ROOM, LeaveReason.KICKED, 10);
        leftRoom(ROOM, LeaveReason.KICKED, 10);

        assertEquals("left " + ROOM + " KICKED", calls.get(3));
        assertEquals(4, calls.size(), "told once");
        assertFalse(delivery.isMember(ROOM));
        event(11);
        assertEquals(4, calls.size());
        assertEquals(1, counter(EngineCounter.DROPPED_UNKNOWN_TYPE), "an event of a room it is not in");
    }

    /**
     * RESUME_STATE naming one room left while the client was away, with its LEFT_ROOM notice at a direct seq.
     */
    private void resumeStateWithRoomLeft(final long directFromSeq, final long finalSeq, final long noticeSeq)
    {
        final ResumeStateFlyweight state = new ResumeStateFlyweight();
        state.wrapForEncode(frame, FRAME_OFFSET, SESSION_ID);
        state.entry(0, 0, ResumeStateFlyweight.DIRECT, directFromSeq, noticeSeq, 0);
        state.entry(1, ROOM, ResumeStateFlyweight.LEFT_WHILE_AWAY, finalSeq - 2, finalSeq, noticeSeq);
        state.count(2);
        delivery.onResumeState(frame, FRAME_OFFSET, ResumeStateFlyweight.length(2));
    }

    private void restoredResumeState(final long fromSeq, final long headSeq, final long restoredSeq, final long id)
    {
        final ResumeStateFlyweight state = new ResumeStateFlyweight();
        state.wrapForEncode(frame, FRAME_OFFSET, SESSION_ID);
        state.entry(0, 0, ResumeStateFlyweight.DIRECT, directSeq + 1, directSeq, 0);
        state.entry(1, ROOM, ResumeStateFlyweight.MEMBER, fromSeq, headSeq, 1);
        state.count(2);
        state.restored(0, ROOM, restoredSeq, id);
        state.restoredCount(1);
        assertTrue(ResumeStateFlyweight.isComplete(frame, FRAME_OFFSET, ResumeStateFlyweight.length(2, 1)));
        assertFalse(ResumeStateFlyweight.isComplete(frame, FRAME_OFFSET, ResumeStateFlyweight.length(2, 1) - 1));
        delivery.onResumeState(frame, FRAME_OFFSET, ResumeStateFlyweight.length(2, 1));
    }

    @Test
    void shouldGoBackToWhereARestoredRoomEndedAndResyncOnceWhenItHadDeliveredPastIt()
    {
        joined(ROOM, 1);
        for (long seq = 1; seq <= 10; seq++)
        {
            event(seq);
        }
        calls.clear();
        control.clear();

        // a LIVE room restored at 7 by a restarted server whose seqs 8.. are new events
        restoredResumeState(5, 12, 7, 0xABCL);
        assertEquals(List.of("restored " + ROOM + " 10 7"), calls, "told at once");
        assertEquals(List.of(ROOM + " 8 10 resync"), replayRequests(), "a resync asked for, not a replay");
        assertEquals(1, counter(EngineCounter.ROOM_RESTORE_RESYNCS));
        calls.clear();
        control.clear();

        event(6); // the restored room's history, up to 7: the same events as before
        event(8); // the restored room's new events: not duplicates, and not delivered before the resync
        event(9);
        nowNs += 3 * REPLAY_TIMEOUT_NS;
        delivery.housekeeping(nowNs);
        assertEquals(List.of(), calls, "nothing of the room before the resync");
        assertEquals(List.of(), replayRequests(), "no replay asked for while the resync is awaited");
        assertEquals(1, counter(EngineCounter.DUPLICATES_DROPPED));
        nowNs += RoomRestores.RETRY_NS;
        delivery.housekeeping(nowNs);
        assertEquals(List.of(ROOM + " 8 10 resync"), replayRequests(), "asked again after a second without it");

        resync(ROOM, 8, "restored state");
        assertEquals(List.of("resync " + ROOM + " 8 restored state", delivered(9)), calls,
            "the resync, below what was delivered before, then the restored room's events held after it");
        event(10);
        assertEquals(delivered(10), calls.get(calls.size() - 1));
        assertEquals(1, counter(EngineCounter.RESYNCS));

        // a later resume naming the same restore: acted on once
        calls.clear();
        restoredResumeState(11, 12, 7, 0xABCL);
        event(11);
        assertEquals(List.of(delivered(11)), calls);
        assertEquals(1, counter(EngineCounter.ROOM_RESTORE_RESYNCS));
    }

    @Test
    void shouldContinueExactlyFromARestoredRoomWhenItHadNotDeliveredPastIt()
    {
        joined(ROOM, 1);
        for (long seq = 1; seq <= 5; seq++)
        {
            event(seq);
        }
        calls.clear();
        restoredResumeState(4, 9, 7, 0xDEFL);
        event(6);
        event(7);
        event(8);
        assertEquals(delivered(6, 7, 8), calls);
        assertEquals(0, counter(EngineCounter.ROOM_RESTORE_RESYNCS));
    }

    @Test
    void shouldNotReopenARoomWhoseLeaveNoticeWasDeliveredBeforeTheServerHadTheAck()
    {
        joined(ROOM, 1);
        event(1);
        event(2);
        leftRoom(ROOM, LeaveReason.LEFT, 2);
        assertFalse(delivery.isMember(ROOM));
        control.clear();
        calls.clear();

        // the acknowledgements of the leave were lost: the server still says the room was left while away
        resumeStateWithRoomLeft(directSeq, 2, directSeq);

        assertFalse(delivery.isMember(ROOM), "not opened again: its notice will not come again");
        assertEquals(List.of(), calls);
        assertTrue(delivery.isCaughtUp(), "nothing to wait for");
        assertEquals(List.of(ROOM + " 2"), acks(), "acknowledged again, so the server lets it go");
    }

    @Test
    void shouldOpenARoomLeftWhileAwayWhoseLeaveNoticeIsStillToCome()
    {
        // a new process: the direct stream delivered up to 1, the leave notice is 2
        final Long2LongHashMap restored = new Long2LongHashMap(-1);
        restored.put(0, 1);
        delivery.restore(restored);
        directSeq = 1;

        resumeStateWithRoomLeft(2, 4, 2);

        assertTrue(delivery.isMember(ROOM), "opened to receive what it is owed before its leave");
        assertFalse(delivery.isCaughtUp());
        event(2);
        event(3);
        event(4);
        leftRoom(ROOM, LeaveReason.KICKED, 4);
        assertFalse(delivery.isMember(ROOM));
        assertEquals("left " + ROOM + " KICKED", calls.get(calls.size() - 1));
        assertTrue(delivery.isCaughtUp());
    }

    @Test
    void shouldAckEveryStreamAndAskForKnownGapsOnResume()
    {
        joined(ROOM, 1);
        event(1);
        event(2);
        event(3);
        event(6);
        control.clear();

        delivery.onResumed(nowNs);

        final List<String> acks = acks();
        assertEquals(2, acks.size());
        assertTrue(acks.contains("0 1"), "the direct stream, up to its join notice: " + acks);
        assertTrue(acks.contains(ROOM + " 3"), "the room: " + acks);
        assertEquals(List.of(ROOM + " 4 5"), replayRequests());
        assertEquals(3, control.frameCount());

        assertEquals(0, delivery.housekeeping(nowNs + 1), "already acked, gap just asked for");
    }

    @Test
    void shouldAdvancePastExceptSenderStubWithoutDeliveringIt()
    {
        joined(ROOM, 1);
        calls.clear();
        final int headerLength = encode(FrameType.ROOM_EVENT, ROOM, 1, FLAG_EXCEPT_SENDER, TYPE_ID);
        delivery.onRoomEvent(frame, FRAME_OFFSET, headerLength, nowNs);
        event(2);

        assertEquals(List.of(delivered(2)), calls);
        assertEquals(2, delivery.lastDelivered(ROOM));
        assertEquals(1, counter(EngineCounter.EVENTS_DELIVERED), "the stub is not a delivery");
    }

    @Test
    void shouldDeliverSystemEventsAsMembershipCallbacks()
    {
        joined(ROOM, 1);
        calls.clear();
        systemEvent(1, SystemEvent.MEMBER_JOINED, 33, 0);
        systemEvent(2, SystemEvent.MEMBER_LEFT, 33, LeaveReason.KICKED.code());

        assertEquals(List.of(
            "memberJoined " + ROOM + " 1 33",
            "memberLeft " + ROOM + " 2 33 KICKED"), calls);
        assertEquals(2, delivery.lastDelivered(ROOM));
    }

    private void systemEvent(final long seq, final int typeId, final int member, final int reason)
    {
        final int headerLength = encode(FrameType.ROOM_EVENT, ROOM, seq, FLAG_SYSTEM, typeId);
        frame.putInt(FRAME_OFFSET + headerLength, member, LITTLE_ENDIAN);
        frame.putInt(FRAME_OFFSET + headerLength + 4, reason, LITTLE_ENDIAN);
        delivery.onRoomEvent(frame, FRAME_OFFSET, headerLength + SystemEvent.PAYLOAD_LENGTH, nowNs);
    }

    @Test
    void shouldDecodeRegisteredObjectsAndCountUndecodableOnes()
    {
        joined(ROOM, 1);
        calls.clear();
        kryoEvent(1, "hello");
        event(ROOM, 2, FLAG_KRYO, STRING_TYPE_ID + 1, "not registered");

        final List<String> handled = new ArrayList<>();
        final ClientMessageHandler<String> handler =
            (roomId, senderSessionId, message) -> handled.add(roomId + " " + senderSessionId + " " + message);
        delivery.registerHandler(String.class, handler);
        kryoEvent(2, "again");
        kryoEvent(3, "world");

        assertEquals(List.of("object " + ROOM + " 1 " + SENDER + " hello"), calls);
        assertEquals(List.of(ROOM + " " + SENDER + " world"), handled, "a typed handler takes its type");
        assertEquals(1, counter(EngineCounter.DROPPED_UNDECODABLE));
        assertEquals(1, counter(EngineCounter.DUPLICATES_DROPPED));
        assertEquals(3, delivery.lastDelivered(ROOM), "an undecodable event still takes its seq");
    }

    private void kryoEvent(final long seq, final String message)
    {
        final UnsafeBuffer encoded = new UnsafeBuffer(new byte[64]);
        final int length = (int)codec.encodeTo(message, encoded);
        final int headerLength = encode(FrameType.ROOM_EVENT, ROOM, seq, FLAG_KRYO, STRING_TYPE_ID);
        frame.putBytes(FRAME_OFFSET + headerLength, encoded, 0, length);
        delivery.onRoomEvent(frame, FRAME_OFFSET, headerLength + length, nowNs);
    }

    @Test
    void shouldReportAListenerFailureAndKeepDelivering()
    {
        joined(ROOM, 1);
        calls.clear();
        final RuntimeException failure = new IllegalStateException("game bug");
        listenerFailure = failure;
        event(1);
        listenerFailure = null;
        event(2);

        assertEquals(delivered(1, 2), calls);
        assertEquals(1, errors.size());
        assertSame(failure, errors.get(0));
        assertEquals(2, delivery.lastDelivered(ROOM));
    }

    @Test
    void shouldNotHoldBeyondItsCapacityButStillAskForTheGap()
    {
        joined(ROOM, 1);
        calls.clear();
        event(1);
        event(2 + MAX_HELD);
        event(1 + MAX_HELD);

        assertEquals(List.of(ROOM + " 2 " + (1 + MAX_HELD)), replayRequests());
        for (long seq = 2; seq <= MAX_HELD; seq++)
        {
            event(seq);
        }

        assertEquals(1 + MAX_HELD, delivery.lastDelivered(ROOM), "the one beyond the capacity was not kept");
        assertEquals(1 + MAX_HELD, calls.size());
    }

    @Test
    void shouldDeliverDirectMessagesOnStreamZeroFromTheStart()
    {
        assertFalse(delivery.isMember(0), "the direct stream is not a room");
        assertEquals(0, delivery.lastDelivered(0));

        event(0, 1, 0, TYPE_ID, "direct");

        assertEquals(List.of("event 0 1 " + SENDER + " " + TYPE_ID + " direct"), calls);
        assertEquals(1, delivery.lastDelivered(0));
    }

    @Test
    void shouldRestoreStreamsHandedOverAndForgetThemOnReset()
    {
        final Long2LongHashMap lastDelivered = new Long2LongHashMap(-1);
        lastDelivered.put(ROOM, 10);
        lastDelivered.put(0, 4);

        delivery.restore(lastDelivered);

        assertTrue(delivery.isMember(ROOM));
        assertEquals(10, delivery.lastDelivered(ROOM));
        assertEquals(4, delivery.lastDelivered(0));
        event(11);
        assertEquals(List.of(delivered(11)), calls);

        delivery.reset();
        assertFalse(delivery.isMember(ROOM));
        assertEquals(0, delivery.lastDelivered(0));
    }
}
