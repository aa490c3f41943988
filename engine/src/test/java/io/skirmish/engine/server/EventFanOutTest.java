package io.skirmish.engine.server;

import io.aeron.Publication;
import io.skirmish.engine.DisconnectReason;
import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.EngineException;
import io.skirmish.engine.LeaveReason;
import io.skirmish.engine.SendResult;
import io.skirmish.engine.protocol.FrameHeaderFlyweight;
import io.skirmish.engine.protocol.FrameType;
import io.skirmish.engine.protocol.RoomEventFlyweight;
import io.skirmish.engine.transport.RecordingOutlet;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.skirmish.engine.protocol.FrameHeaderFlyweight.FLAG_EXCEPT_SENDER;
import static io.skirmish.engine.protocol.FrameHeaderFlyweight.FLAG_REPLAY;
import static io.skirmish.engine.server.ServerFixture.events;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server's sequenced fan-out without a network, in the manner of Aeron's {@code SenderTest}: three connected
 * sessions in a room on {@link RecordingOutlet}s, the real {@link ReliableSender} and {@link RoomRegistry}, and a
 * hand-driven clock. It checks what each member's lane receives byte for byte (seq, flags, payload, stubs for the
 * excepted sender, replays, resyncs) and what is counted, when lanes push back, when members fall behind and are
 * pumped from history, and when replay requests, acks and resumes move a member's position.
 */
class EventFanOutTest
{
    private static final int ROOM_ID = 7;
    private static final int TYPE_ID = 42;
    private static final byte[] STATE = { 'S', 'T', 'A', 'T', 'E' };

    private final ServerFixture fixture = new ServerFixture(ServerFixture.context().directHistory(4, 4096));
    private final EventFanOut fanOut = fixture.fanOut;
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[fixture.ctx.maxMessageLength() + 1]);
    private final RoomEventFlyweight event = new RoomEventFlyweight();
    private final List<Session> resynced = new ArrayList<>();
    private final RoomListener listener = new RoomListener()
    {
        public int onResync(
            final Room room,
            final Session session,
            final MutableDirectBuffer buffer,
            final int offset,
            final int maxLength)
        {
            resynced.add(session);
            assertEquals(RoomEventFlyweight.PAYLOAD_OFFSET, offset);
            assertEquals(fixture.ctx.maxMessageLength(), maxLength);
            if (null != resyncFailure)
            {
                throw resyncFailure;
            }
            buffer.putBytes(offset, STATE);
            return null == resyncLength ? STATE.length : resyncLength;
        }
    };
    private RuntimeException resyncFailure;
    private Integer resyncLength;
    private Room room;
    private Peer alice;
    private Peer bob;
    private Peer carol;
    private long base;

    @BeforeEach
    void setUp()
    {
        room = fixture.room(ROOM_ID, new RoomOptions().listener(listener));
        alice = fixture.connectedPeer();
        bob = fixture.connectedPeer();
        carol = fixture.connectedPeer();
        fixture.join(room, alice);
        fixture.join(room, bob);
        fixture.join(room, carol);
        base = room.lastSeq();
        assertEquals(3, base, "one membership event per join");
        events(alice).clear();
        events(bob).clear();
        events(carol).clear();
        fixture.zeroCounters();
    }

    private int payload(final String text)
    {
        return payload.putStringWithoutLengthAscii(0, text);
    }

    private long broadcast(final String text, final int exceptSessionId)
    {
        return fanOut.broadcast(room, TYPE_ID, 0, payload, 0, payload(text), 0, exceptSessionId);
    }

    private RoomEventFlyweight decode(final RecordingOutlet outlet, final int index)
    {
        final UnsafeBuffer frame = outlet.frame(index);
        event.wrap(frame, 0, frame.capacity());
        return event;
    }

    private static String payloadOf(final RoomEventFlyweight event)
    {
        return event.buffer().getStringWithoutLengthAscii(RoomEventFlyweight.PAYLOAD_OFFSET, event.payloadLength());
    }

    private Membership member(final Peer peer)
    {
        return peer.session.memberships.get(ROOM_ID);
    }

    private long counter(final EngineCounter counter)
    {
        return fixture.counter(counter);
    }

    @Test
    void shouldEncodeOnceAndOfferTheSameFrameToEveryMember()
    {
        final long seq = fanOut.broadcast(room, TYPE_ID, 0, payload, 0, payload("hello"), 99, 0);

        assertEquals(base + 1, seq);
        assertEquals(seq, room.lastSeq());
        for (final Peer peer : List.of(alice, bob, carol))
        {
            final RecordingOutlet outlet = events(peer);
            assertEquals(1, outlet.frameCount());
            final RoomEventFlyweight frame = decode(outlet, 0);
            assertEquals(FrameHeaderFlyweight.CURRENT_VERSION, frame.version());
            assertEquals(FrameType.ROOM_EVENT, frame.type());
            assertEquals(0, frame.flags());
            assertEquals(0, frame.sessionId());
            assertEquals(ROOM_ID, frame.roomId());
            assertEquals(TYPE_ID, frame.typeId());
            assertEquals(seq, frame.seq());
            assertEquals(99, frame.senderSessionId());
            assertEquals("hello", payloadOf(frame));
            assertEquals(seq + 1, member(peer).nextSeqToSend);
            assertFalse(member(peer).behind);
        }
        assertArrayEquals(events(alice).frames().get(0), events(carol).frames().get(0));
        assertTrue(room.stream.history.contains(seq));
        assertEquals(RoomEventFlyweight.PAYLOAD_OFFSET + 5, room.stream.history.length(seq));
        assertEquals(1, counter(EngineCounter.ROOM_EVENTS_SENT));
        assertEquals(3, counter(EngineCounter.ROOM_EVENT_DELIVERIES));
        assertEquals(0, counter(EngineCounter.FANOUT_SKIPPED));
        assertEquals(3, counter(EngineCounter.FRAMES_OUT));
        assertEquals(3L * (RoomEventFlyweight.PAYLOAD_OFFSET + 5), counter(EngineCounter.BYTES_OUT));
        assertEquals(0, fanOut.behindCount());
    }

    @Test
    void shouldSkipBackPressuredMemberCountItAndMarkItBehind()
    {
        events(bob).refuse(Publication.BACK_PRESSURED);

        final long first = broadcast("one", 0);

        assertEquals(1, events(alice).frameCount());
        assertEquals(0, events(bob).frameCount());
        assertEquals(1, events(bob).attempts());
        assertEquals(1, events(carol).frameCount());
        assertTrue(member(bob).behind);
        assertEquals(first, member(bob).nextSeqToSend, "still owes the skipped event");
        assertEquals(1, fanOut.behindCount());
        assertEquals(1, counter(EngineCounter.FANOUT_SKIPPED));
        assertEquals(2, counter(EngineCounter.ROOM_EVENT_DELIVERIES));

        broadcast("two", 0);

        assertEquals(1, events(bob).attempts(), "a behind member gets no live offers");
        assertEquals(1, counter(EngineCounter.FANOUT_SKIPPED), "only a refused offer counts as skipped");
        assertEquals(4, counter(EngineCounter.ROOM_EVENT_DELIVERIES));
        assertEquals(2, counter(EngineCounter.ROOM_EVENTS_SENT));
        assertEquals(1, fanOut.behindCount());
    }

    @Test
    void shouldSkipNotConnectedMemberAndMarkItBehind()
    {
        events(carol).connected(false);

        broadcast("one", 0);

        assertEquals(0, events(carol).frameCount());
        assertTrue(member(carol).behind);
        assertFalse(member(alice).behind);
        assertEquals(1, counter(EngineCounter.FANOUT_SKIPPED));
        assertEquals(2, counter(EngineCounter.ROOM_EVENT_DELIVERIES));
    }

    @Test
    void shouldMarkSuspendedMemberBehindWithoutOfferingOrCounting()
    {
        fixture.sessions.onSessionLost(carol, DisconnectReason.TRANSPORT_LOST, fixture.clock.nanoTime());
        assertEquals(SessionState.SUSPENDED, carol.state());
        assertEquals(2, fanOut.behindCount(), "its room and its direct stream");
        fixture.zeroCounters();

        broadcast("one", 0);

        assertEquals(0, counter(EngineCounter.FANOUT_SKIPPED));
        assertEquals(2, counter(EngineCounter.ROOM_EVENT_DELIVERIES));
        assertEquals(0, fanOut.pumpBehindMembers(), "no lane to pump to");
        assertEquals(2, fanOut.behindCount());
    }

    @Test
    void shouldSendHeaderOnlyStubWithExceptSenderFlagToExceptedMember()
    {
        final long seq = broadcast("not for alice", alice.sessionId);

        final RoomEventFlyweight stub = decode(events(alice), 0);
        assertEquals(RoomEventFlyweight.PAYLOAD_OFFSET, stub.frameLength());
        assertEquals(FrameType.ROOM_EVENT, stub.type());
        assertEquals(FLAG_EXCEPT_SENDER, stub.flags());
        assertEquals(ROOM_ID, stub.roomId());
        assertEquals(TYPE_ID, stub.typeId());
        assertEquals(seq, stub.seq());
        assertEquals(seq + 1, member(alice).nextSeqToSend, "the stub advances the excepted member's seq");

        for (final Peer peer : List.of(bob, carol))
        {
            final RoomEventFlyweight frame = decode(events(peer), 0);
            assertEquals(0, frame.flags());
            assertEquals(seq, frame.seq());
            assertEquals("not for alice", payloadOf(frame));
        }
        assertEquals(alice.sessionId, room.stream.history.exceptSessionId(seq));
        assertEquals(RoomEventFlyweight.PAYLOAD_OFFSET + 13, room.stream.history.length(seq), "history keeps it all");
        assertEquals(3, counter(EngineCounter.ROOM_EVENT_DELIVERIES));
    }

    @Test
    void shouldPumpBehindMemberFromHistoryWithReplayFlagWhenLaneClears()
    {
        events(bob).refuse(Publication.BACK_PRESSURED);
        broadcast("one", 0);
        broadcast("two", 0);
        broadcast("three", bob.sessionId);
        assertEquals(0, fanOut.pumpBehindMembers(), "still back-pressured");
        assertEquals(0, events(bob).frameCount());

        events(bob).accept();
        assertEquals(3, fanOut.pumpBehindMembers());

        final RecordingOutlet outlet = events(bob);
        assertEquals(3, outlet.frameCount());
        final String[] texts = { "one", "two" };
        for (int i = 0; i < 2; i++)
        {
            final RoomEventFlyweight frame = decode(outlet, i);
            assertEquals(FrameType.ROOM_EVENT, frame.type());
            assertEquals(FLAG_REPLAY, frame.flags());
            assertEquals(base + 1 + i, frame.seq());
            assertEquals(texts[i], payloadOf(frame));
        }
        final RoomEventFlyweight stub = decode(outlet, 2);
        assertEquals(FLAG_REPLAY | FLAG_EXCEPT_SENDER, stub.flags(), "the excepted member is replayed a stub");
        assertEquals(RoomEventFlyweight.PAYLOAD_OFFSET, stub.frameLength());
        assertEquals(base + 3, stub.seq());
        assertEquals(3, counter(EngineCounter.EVENTS_REPLAYED));
        assertFalse(member(bob).behind);
        assertEquals(0, fanOut.behindCount());

        broadcast("four", 0);
        final RoomEventFlyweight live = decode(outlet, 3);
        assertEquals(0, live.flags(), "caught up: live again");
        assertEquals(base + 4, live.seq());
        assertEquals(3, counter(EngineCounter.EVENTS_REPLAYED));
    }

    @Test
    void shouldPumpOnlyWhenOutletIsConnectedAndOutboxIsEmpty()
    {
        events(bob).refuse(Publication.BACK_PRESSURED);
        broadcast("one", 0);
        events(bob).accept().connected(false);
        final int attempts = events(bob).attempts();

        assertEquals(0, fanOut.pumpBehindMembers());
        assertEquals(attempts, events(bob).attempts(), "no offer while not connected");

        events(bob).connected(true).refuse(Publication.BACK_PRESSURED);
        final UnsafeBuffer notice = new UnsafeBuffer(new byte[FrameHeaderFlyweight.HEADER_LENGTH]);
        new FrameHeaderFlyweight().wrapForEncode(notice, 0, FrameType.LANE_BOUND, bob.sessionId);
        fixture.sender.sendInOrder(bob, notice, 0, FrameHeaderFlyweight.HEADER_LENGTH);
        events(bob).accept();
        final int attemptsWithOutbox = events(bob).attempts();

        assertEquals(0, fanOut.pumpBehindMembers(), "the outbox goes first");
        assertEquals(attemptsWithOutbox, events(bob).attempts());
        assertTrue(member(bob).behind);

        assertEquals(1, fixture.sender.flushOutboxes());
        assertEquals(1, fanOut.pumpBehindMembers());
        assertEquals(FrameType.LANE_BOUND, decode(events(bob), 0).type());
        assertEquals(base + 1, decode(events(bob), 1).seq());
        assertFalse(member(bob).behind);
    }

    @Test
    void shouldPumpAtMostPumpLimitEventsPerPass()
    {
        events(carol).refuse(Publication.BACK_PRESSURED);
        final int count = EventFanOut.PUMP_LIMIT + 6;
        for (int i = 0; i < count; i++)
        {
            broadcast("e" + i, 0);
        }
        events(carol).accept();

        assertEquals(EventFanOut.PUMP_LIMIT, fanOut.pumpBehindMembers());
        assertEquals(EventFanOut.PUMP_LIMIT, events(carol).frameCount());
        assertTrue(member(carol).behind);
        assertEquals(base + EventFanOut.PUMP_LIMIT + 1, member(carol).nextSeqToSend);

        assertEquals(6, fanOut.pumpBehindMembers());
        assertEquals(count, events(carol).frameCount());
        assertFalse(member(carol).behind);
        assertEquals(0, fanOut.pumpBehindMembers());
        for (int i = 0; i < count; i++)
        {
            assertEquals(base + 1 + i, decode(events(carol), i).seq());
        }
        assertEquals(count, counter(EngineCounter.EVENTS_REPLAYED));
    }

    @Test
    void shouldResyncWhenHistoryNoLongerHoldsTheNeededSeq()
    {
        final Room small = fixture.room(ROOM_ID + 1, new RoomOptions().historyCount(4).listener(listener));
        final Membership m = fixture.join(small, alice);
        events(alice).clear();
        fixture.zeroCounters();
        events(alice).refuse(Publication.BACK_PRESSURED);
        for (int i = 0; i < 10; i++)
        {
            fanOut.broadcast(small, TYPE_ID, 0, payload, 0, payload("e" + i), 0, 0);
        }
        assertEquals(11, small.lastSeq());
        assertEquals(8, small.oldestRetainedSeq());
        assertEquals(2, m.nextSeqToSend);
        events(alice).accept();

        assertEquals(1, fanOut.pumpBehindMembers());

        assertEquals(1, events(alice).frameCount());
        final RoomEventFlyweight resync = decode(events(alice), 0);
        assertEquals(FrameType.RESYNC, resync.type());
        assertEquals(alice.sessionId, resync.sessionId());
        assertEquals(ROOM_ID + 1, resync.roomId());
        assertEquals(0, resync.typeId());
        assertEquals(11, resync.seq());
        assertEquals(0, resync.senderSessionId());
        assertEquals("STATE", payloadOf(resync));
        assertEquals(List.of(alice.session), resynced);
        assertEquals(1, counter(EngineCounter.RESYNCS));
        assertEquals(0, counter(EngineCounter.EVENTS_REPLAYED));
        assertEquals(12, m.nextSeqToSend);
        assertFalse(m.behind);
        assertEquals(0, fixture.errors.size());
    }

    @Test
    void shouldRetryResyncThatTheLaneRefused()
    {
        final Room small = fixture.room(ROOM_ID + 1, new RoomOptions().historyCount(4).listener(listener));
        final Membership m = fixture.join(small, alice);
        fixture.zeroCounters();
        events(alice).refuse(Publication.BACK_PRESSURED);
        for (int i = 0; i < 6; i++)
        {
            fanOut.broadcast(small, TYPE_ID, 0, payload, 0, payload("e" + i), 0, 0);
        }

        assertEquals(0, fanOut.pumpBehindMembers());
        assertEquals(0, resynced.size(), "a lane with no room left is not pumped at all");
        assertEquals(0, counter(EngineCounter.RESYNCS));
        assertTrue(m.behind);
        assertEquals(2, m.nextSeqToSend);

        events(alice).accept();
        events(alice).clear();
        assertEquals(1, fanOut.pumpBehindMembers());
        assertEquals(1, resynced.size());
        assertEquals(1, counter(EngineCounter.RESYNCS));
        assertEquals(FrameType.RESYNC, decode(events(alice), 0).type());
        assertEquals(7, decode(events(alice), 0).seq());
        assertFalse(m.behind);
    }

    @Test
    void shouldSendEmptyResyncAndReportErrorWhenListenerReturnsInvalidLength()
    {
        final Room small = fixture.room(ROOM_ID + 1, new RoomOptions().historyCount(4).listener(listener));
        final Membership m = fixture.join(small, bob);
        events(bob).clear();
        events(bob).refuse(Publication.BACK_PRESSURED);
        for (int i = 0; i < 6; i++)
        {
            fanOut.broadcast(small, TYPE_ID, 0, payload, 0, payload("e" + i), 0, 0);
        }
        events(bob).accept();
        resyncLength = fixture.ctx.maxMessageLength() + 1;

        assertEquals(1, fanOut.pumpBehindMembers());

        final RoomEventFlyweight resync = decode(events(bob), 0);
        assertEquals(FrameType.RESYNC, resync.type());
        assertEquals(0, resync.payloadLength());
        assertEquals(1, fixture.errors.size());
        final EngineException error = assertInstanceOf(EngineException.class, fixture.errors.get(0));
        assertEquals("onResync returned an invalid length: " + resyncLength, error.getMessage());
        assertFalse(m.behind);
    }

    @Test
    void shouldSendEmptyResyncAndReportErrorWhenListenerThrows()
    {
        final Room small = fixture.room(ROOM_ID + 1, new RoomOptions().historyCount(4).listener(listener));
        fixture.join(small, bob);
        events(bob).clear();
        events(bob).refuse(Publication.BACK_PRESSURED);
        for (int i = 0; i < 6; i++)
        {
            fanOut.broadcast(small, TYPE_ID, 0, payload, 0, payload("e" + i), 0, 0);
        }
        events(bob).accept();
        resyncFailure = new IllegalStateException("game bug");

        assertEquals(1, fanOut.pumpBehindMembers());

        assertEquals(0, decode(events(bob), 0).payloadLength());
        assertEquals(1, fixture.errors.size());
        assertSame(resyncFailure, fixture.errors.get(0));
    }

    @Test
    void shouldResendExactlyTheRangesAskedForBeforeAnythingNew()
    {
        for (int i = 0; i < 6; i++)
        {
            broadcast("e" + i, 0);
        }
        events(alice).clear();
        final Membership m = member(alice);

        assertTrue(fanOut.onReplayRequest(m, base + 2, base + 3));
        assertTrue(fanOut.onReplayRequest(m, base + 5, base + 5));
        assertTrue(fanOut.onReplayRequest(m, base + 3, base + 3), "already asked for: merged");

        assertTrue(m.behind);
        assertEquals(base + 7, m.nextSeqToSend, "the stream's own position does not move back");
        broadcast("e6", 0);
        assertEquals(4, fanOut.pumpBehindMembers(), "the three asked for, then the one new event");
        assertEquals(4, events(alice).frameCount());
        final long[] seqs = { base + 2, base + 3, base + 5, base + 7 };
        for (int i = 0; i < 4; i++)
        {
            final RoomEventFlyweight frame = decode(events(alice), i);
            assertEquals(seqs[i], frame.seq());
            assertEquals(FLAG_REPLAY, frame.flags());
            assertEquals("e" + (seqs[i] - base - 1), payloadOf(frame));
        }
        assertFalse(m.behind);
        assertEquals(7, events(bob).frameCount(), "the others are not resent anything");
        assertEquals(4, counter(EngineCounter.EVENTS_REPLAYED));
    }

    @Test
    void shouldKeepAtMostAWindowOfEventsUnacknowledged()
    {
        final ServerFixture windowed = new ServerFixture(ServerFixture.context().eventWindow(3));
        final Room windowedRoom = windowed.room(ROOM_ID, new RoomOptions());
        final Peer dave = windowed.connectedPeer();
        final Membership m = windowed.join(windowedRoom, dave);
        final long acked = m.nextSeqToSend - 1;
        windowed.fanOut.onEventAck(m, acked);
        ServerFixture.events(dave).clear();
        for (int i = 0; i < 5; i++)
        {
            windowed.fanOut.broadcast(windowedRoom, TYPE_ID, 0, payload, 0, payload("w" + i), 0, 0);
        }

        assertEquals(3, ServerFixture.events(dave).frameCount(), "a window of three");
        assertTrue(m.behind);
        assertEquals(0, windowed.fanOut.pumpBehindMembers(), "nothing more until acknowledged");

        windowed.fanOut.onEventAck(m, acked + 2);
        assertEquals(2, windowed.fanOut.pumpBehindMembers());
        assertEquals(5, ServerFixture.events(dave).frameCount());
        assertFalse(m.behind);
    }

    @Test
    void shouldRejectMalformedReplayRequestsAndIgnoreOnesBeyondTheStream()
    {
        broadcast("one", 0);
        final Membership m = member(alice);

        assertFalse(fanOut.onReplayRequest(null, 1, 1));
        assertFalse(fanOut.onReplayRequest(m, 0, 1));
        assertFalse(fanOut.onReplayRequest(m, 3, 2));
        assertFalse(m.behind);

        assertTrue(fanOut.onReplayRequest(m, base + 2, base + 9), "well-formed, but nothing to resend");
        assertFalse(m.behind);
        assertEquals(base + 2, m.nextSeqToSend);
        assertEquals(0, fanOut.behindCount());
    }

    @Test
    void shouldTrackAcksAndSkipWhatABehindMemberAlreadyHas()
    {
        events(carol).refuse(Publication.BACK_PRESSURED);
        for (int i = 0; i < 5; i++)
        {
            broadcast("e" + i, 0);
        }
        events(carol).accept();
        final Membership m = member(carol);

        fanOut.onEventAck(m, base + 3);
        assertEquals(base + 3, m.ackedSeq);
        assertEquals(base + 4, m.nextSeqToSend);

        fanOut.onEventAck(m, base + 1);
        assertEquals(base + 3, m.ackedSeq, "acks never go back");
        assertEquals(base + 4, m.nextSeqToSend);

        fanOut.onEventAck(m, base + 6);
        assertEquals(base + 3, m.ackedSeq, "an ack beyond the stream is ignored");
        fanOut.onEventAck(null, base);

        assertEquals(2, fanOut.pumpBehindMembers());
        assertEquals(base + 4, decode(events(carol), 0).seq());
        assertEquals(base + 5, decode(events(carol), 1).seq());
    }

    @Test
    void shouldAcknowledgeEveryEndedMembershipOfARoomWithOneCumulativeAck()
    {
        broadcast("a", 0);
        final Membership first = member(carol);
        fixture.rooms.leave(room, carol, LeaveReason.LEFT);
        assertTrue(first.departed, "left with an event unacknowledged");
        fixture.join(room, carol);
        broadcast("b", 0);
        final Membership second = member(carol);
        fixture.rooms.leave(room, carol, LeaveReason.LEFT);
        fixture.join(room, carol);
        broadcast("c", 0);
        assertTrue(second.departed);
        assertEquals(2, carol.departures.size());
        assertSame(first, carol.membership(ROOM_ID, first.finalSeq));
        assertSame(second, carol.membership(ROOM_ID, first.finalSeq + 1));
        assertSame(member(carol), carol.membership(ROOM_ID, room.lastSeq()));

        // the client delivered everything in order and acknowledges only the newest seq it has
        fanOut.onEventAck(carol, ROOM_ID, room.lastSeq());

        assertTrue(carol.departures.isEmpty(), "both ended memberships are acknowledged");
        assertEquals(first.finalSeq, first.ackedSeq);
        assertEquals(second.finalSeq, second.ackedSeq);
    }

    @Test
    void shouldNotMoveALiveMemberOnAck()
    {
        broadcast("one", 0);
        broadcast("two", 0);
        final Membership m = member(bob);

        fanOut.onEventAck(m, base + 1);

        assertEquals(base + 1, m.ackedSeq);
        assertEquals(base + 3, m.nextSeqToSend);
        assertFalse(m.behind);
    }

    @Test
    void shouldRewindForResumeFromTheFirstUnacknowledgedEvent()
    {
        for (int i = 0; i < 5; i++)
        {
            broadcast("e" + i, 0);
        }
        final Membership m = member(bob);
        fanOut.onEventAck(m, base + 2);
        events(bob).clear();

        fanOut.rewindForResume(m);

        assertTrue(m.behind);
        assertEquals(base + 3, m.nextSeqToSend);
        assertEquals(3, fanOut.pumpBehindMembers());
        assertEquals(base + 3, decode(events(bob), 0).seq());
        assertEquals(base + 5, decode(events(bob), 2).seq());
        assertEquals(FLAG_REPLAY, decode(events(bob), 2).flags());
    }

    @Test
    void shouldSendDirectOnTheSessionsDirectStream()
    {
        final long d = alice.session.lastDirectSeq();
        assertEquals(1, d, "the join notice is the direct stream's first event");
        final long bobs = bob.session.lastDirectSeq();
        final long first = fanOut.sendDirect(alice, 5, 0, payload, 0, payload("hi"));
        final long second = fanOut.sendDirect(alice, 6, 0, payload, 0, payload("again"));

        assertEquals(d + 1, first);
        assertEquals(d + 2, second);
        assertEquals(d + 2, alice.session.lastDirectSeq());
        assertEquals(bobs, bob.session.lastDirectSeq());
        assertEquals(2, events(alice).frameCount());
        final RoomEventFlyweight frame = decode(events(alice), 0);
        assertEquals(FrameType.ROOM_EVENT, frame.type());
        assertEquals(alice.sessionId, frame.sessionId());
        assertEquals(0, frame.roomId());
        assertEquals(5, frame.typeId());
        assertEquals(d + 1, frame.seq());
        assertEquals(0, frame.senderSessionId());
        assertEquals("hi", payloadOf(frame));
        assertEquals(0, events(bob).frameCount());
        assertEquals(d + 3, alice.session.direct.nextSeqToSend);
        assertEquals(0, counter(EngineCounter.ROOM_EVENTS_SENT), "direct messages are not room events");
    }

    @Test
    void shouldCatchUpSkippedDirectMessagesFromHistory()
    {
        events(alice).refuse(Publication.BACK_PRESSURED);
        fanOut.sendDirect(alice, 5, 0, payload, 0, payload("one"));
        fanOut.sendDirect(alice, 5, 0, payload, 0, payload("two"));

        assertEquals(1, counter(EngineCounter.FANOUT_SKIPPED));
        assertTrue(alice.session.direct.behind);

        events(alice).accept();
        assertEquals(2, fanOut.pumpBehindMembers());
        assertEquals(alice.session.lastDirectSeq() - 1, decode(events(alice), 0).seq());
        assertEquals(FLAG_REPLAY, decode(events(alice), 0).flags());
        assertEquals("two", payloadOf(decode(events(alice), 1)));
        assertFalse(alice.session.direct.behind);
    }

    @Test
    void shouldResyncDirectStreamWithoutAListener()
    {
        events(alice).refuse(Publication.BACK_PRESSURED);
        for (int i = 0; i < 6; i++)
        {
            fanOut.sendDirect(alice, 5, 0, payload, 0, payload("d" + i));
        }
        events(alice).accept();

        assertEquals(1, fanOut.pumpBehindMembers());

        final RoomEventFlyweight resync = decode(events(alice), 0);
        assertEquals(FrameType.RESYNC, resync.type());
        assertEquals(0, resync.roomId());
        assertEquals(alice.session.lastDirectSeq(), resync.seq());
        assertEquals(0, resync.payloadLength());
        assertEquals(0, resynced.size());
        assertEquals(1, counter(EngineCounter.RESYNCS));
    }

    @Test
    void shouldRefuseSendsToClosedRoomsAndSessionsAndOversizedPayloads()
    {
        final int tooLong = fixture.ctx.maxMessageLength() + 1;

        assertEquals(SendResult.MESSAGE_TOO_LARGE, fanOut.broadcast(room, TYPE_ID, 0, payload, 0, tooLong, 0, 0));
        assertEquals(base, room.lastSeq(), "no seq used");
        final long directBefore = alice.session.lastDirectSeq();
        assertEquals(SendResult.MESSAGE_TOO_LARGE, fanOut.sendDirect(alice, 5, 0, payload, 0, tooLong));
        assertEquals(directBefore, alice.session.lastDirectSeq(), "no seq used");

        fixture.rooms.close(ROOM_ID);
        events(alice).clear();
        assertEquals(SendResult.NO_SUCH_ROOM, broadcast("late", 0));
        assertEquals(0, events(alice).frameCount());
        assertEquals(0, counter(EngineCounter.ROOM_EVENTS_SENT));

        fixture.sessions.close(bob, DisconnectReason.KICKED, false);
        assertEquals(SendResult.NO_SUCH_SESSION, fanOut.sendDirect(bob, 5, 0, payload, 0, payload("x")));
    }

    @Test
    void shouldAnswerAResyncRequestOfARestoredRoomWithOneResyncToItsHeadAndAnotherOnlyWhenAskedLongAfter()
    {
        final long restoredSeq = room.lastSeq();
        broadcast("one", 0);
        broadcast("two", 0);
        events(bob).clear();
        assertFalse(fixture.rooms.onResyncRequest(member(bob), restoredSeq + 1), "a room that was not restored");

        room.restoredSeq = restoredSeq;
        member(bob).restoredAtSeq = restoredSeq;
        assertTrue(fixture.rooms.onResyncRequest(member(bob), restoredSeq + 1));
        assertEquals(-1, member(bob).restoredAtSeq, "no longer named in its resume state");
        fanOut.pumpBehindMembers();
        assertEquals(1, events(bob).frameCount());
        final RoomEventFlyweight resync = decode(events(bob), 0);
        assertEquals(FrameType.RESYNC, resync.type());
        assertEquals(room.lastSeq(), resync.seq(), "to the room's head");
        assertEquals("STATE", payloadOf(resync));
        assertEquals(List.of(bob.session), resynced);

        broadcast("three", 0);
        assertTrue(fixture.rooms.onResyncRequest(member(bob), restoredSeq + 1), "asked again at once");
        fanOut.pumpBehindMembers();
        assertEquals(2, events(bob).frameCount(), "no second resync, the next event as usual");
        assertEquals(FrameType.ROOM_EVENT, decode(events(bob), 1).type());

        fixture.advance(EventFanOut.RESYNC_LOST_AFTER_NS);
        assertTrue(fixture.rooms.onResyncRequest(member(bob), restoredSeq + 1), "asked again: the resync was lost");
        fanOut.pumpBehindMembers();
        assertEquals(3, events(bob).frameCount());
        assertEquals(FrameType.RESYNC, decode(events(bob), 2).type());
        assertEquals(room.lastSeq(), decode(events(bob), 2).seq());
        assertTrue(events(alice).frameCount() == 3 && events(carol).frameCount() == 3, "the others untouched");
    }
}
