package io.skirmish.directory.service;

import io.skirmish.directory.protocol.DirectoryMessageType;
import io.skirmish.directory.protocol.DirectoryResult;
import io.skirmish.directory.protocol.ReportFlyweight;
import org.agrona.collections.IntArrayList;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The directory's state machine on its own: no cluster, time passed in by hand, timers recorded and fired by the
 * test as the cluster would fire them.
 */
class DirectoryStateTest
{
    private static final long TTL_MS = 1_000;
    private static final long SERVER_TIMEOUT_MS = 3_000;
    private static final long PLACEMENT_TIMEOUT_MS = 5_000;
    private static final long RETENTION_MS = 10_000;
    private static final byte[] EU = { 'e', 'u' };
    private static final byte[] NONE = {};

    private final TreeMap<Long, Long> timers = new TreeMap<>();
    private final List<Integer> placed = new ArrayList<>();
    private final DirectoryState state = new DirectoryState(TTL_MS, 10 * TTL_MS, SERVER_TIMEOUT_MS,
        PLACEMENT_TIMEOUT_MS, RETENTION_MS, new DirectoryState.Effects()
        {
            public void scheduleTimer(final long timerId, final long deadlineMs)
            {
                timers.put(timerId, deadlineMs);
            }

            public void cancelTimer(final long timerId)
            {
                timers.remove(timerId);
            }

            public void roomPlaced(final RoomEntry room)
            {
                placed.add(room.id);
            }
        });
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[ReportFlyweight.length(ReportFlyweight.MAX_ROOMS)]);
    private long requestId = 100;

    @Test
    void shouldPlaceTicketsOnTheLeastLoadedServerAndFillRoomsBeforeOpeningNew()
    {
        register(1, 10, 0);
        register(2, 10, 0);
        final long first = ticket(1, 4, 0);
        final RoomEntry room = state.seat(first).room;
        assertEquals(1, room.server.id, "ties go to the lowest server id");
        assertEquals(RoomEntry.PLACED, room.state);
        assertEquals(List.of(room.id), placed);
        assertEquals(room, state.seat(ticket(1, 4, 0)).room, "the open room with space is filled first");
        assertEquals(room, state.seat(ticket(2, 4, 0)).room);
        final RoomEntry second = state.seat(ticket(1, 4, 0)).room;
        assertNotEquals(room, second, "a full room is not matched");
        assertEquals(2, second.server.id, "server 1 holds 4 of 10, server 2 none");
        assertEquals(4, room.reserved);
        assertEquals(4, state.server(1).occupied);
        assertEquals(1, state.server(2).occupied);
    }

    @Test
    void shouldMatchOnlyTheSameKindPropertiesAndSize()
    {
        register(1, 100, 0);
        final RoomEntry eu = state.seat(state.seatByTicket(1, ++requestId, 7, 1, 2, 4, 0, EU, 2, 0)).room;
        assertNotEquals(eu, state.seat(state.seatByTicket(1, ++requestId, 7, 1, 2, 4, 0, NONE, 0, 0)).room);
        assertNotEquals(eu, state.seat(state.seatByTicket(1, ++requestId, 8, 1, 2, 4, 0, EU, 2, 0)).room);
        assertNotEquals(eu, state.seat(state.seatByTicket(1, ++requestId, 7, 1, 5, 8, 0, EU, 2, 0)).room);
        assertEquals(eu, state.seat(state.seatByTicket(1, ++requestId, 7, 1, 3, 6, 0, EU, 2, 0)).room);
    }

    @Test
    void shouldNeverGrantMoreThanTheRoomHolds()
    {
        register(1, 100, 0);
        report(1, 0, true, 42, 3, 1, 5);
        assertTrue(seat(42, 2) > 0);
        assertTrue(seat(42, 1) > 0);
        assertTrue(seat(42, 1) > 0, "1 member + 4 reserved = 5");
        assertEquals(DirectoryResult.NO_CAPACITY, seat(42, 1));
        assertEquals(DirectoryResult.NO_CAPACITY, seat(42, 2));
    }

    @Test
    void shouldRespectServerCapacity()
    {
        register(1, 3, 0);
        report(1, 0, true, 42, 0, 0, 10);
        assertTrue(seat(42, 3) > 0);
        assertEquals(DirectoryResult.NO_CAPACITY, seat(42, 1));
        assertEquals(DirectoryResult.NO_CAPACITY, ticket(1, 4, 0), "no server has space for a new room");
    }

    @Test
    void shouldExpireConfirmAndReleaseSeats()
    {
        register(1, 100, 0);
        report(1, 0, true, 42, 0, 0, 4);
        final long expiring = seat(42, 2);
        final long confirmed = seat(42, 1);
        final long released = seat(42, 1);
        assertEquals(DirectoryResult.NO_CAPACITY, seat(42, 1));
        assertEquals(TTL_MS, timers.get(expiring));

        assertEquals(DirectoryResult.OK, state.confirmSeat(confirmed));
        assertEquals(DirectoryResult.OK, state.releaseSeat(released));
        assertEquals(DirectoryResult.NO_SUCH_SEAT, state.confirmSeat(released));
        assertEquals(List.of(expiring, confirmed), List.copyOf(timers.headMap(DirectoryState.ROOM_TIMER).keySet()),
            "release cancels its timer; a confirmed seat keeps its own until its expiry (to answer a repeat)");
        final RoomEntry room = state.room(42);
        assertEquals(1, room.members);
        assertEquals(2, room.reserved);

        fireTimersUntil(TTL_MS);
        assertNull(state.seat(expiring));
        assertEquals(0, room.reserved);
        assertEquals(1, state.server(1).occupied);
        assertEquals(1, state.seatsExpired, "the confirmed seat's expiry frees nothing and is not counted");
        assertNull(state.seat(confirmed));
        assertEquals(1, room.members);
        assertEquals(DirectoryResult.NO_SUCH_SEAT, state.releaseSeat(expiring));
    }

    @Test
    void shouldAnswerARequestSentAgainAfterItsConfirmWithTheSameSeat()
    {
        register(1, 100, 0);
        final long seat = state.seatByTicket(1, 8888, 1, 2, 2, 4, 0, NONE, 0, 0);
        final RoomEntry room = state.seat(seat).room;
        assertEquals(DirectoryResult.OK, state.confirmSeat(seat));
        assertEquals(seat, state.seatByTicket(1, 8888, 1, 2, 2, 4, 0, NONE, 0, 100),
            "the answer was lost and the backend asked again after the room server confirmed");
        assertEquals(2, room.members);
        assertEquals(0, room.reserved, "nothing reserved again");
        assertEquals(2, state.server(1).occupied);
        assertEquals(1, state.seatsGranted);
        assertEquals(DirectoryResult.OK, state.confirmSeat(seat), "a confirm sent again is answered OK");
        assertEquals(1, state.seatsConfirmed, "and counted once");
        assertEquals(2, room.members);
        assertEquals(DirectoryResult.NO_SUCH_SEAT, state.releaseSeat(seat), "its players are members now");
        assertEquals(2, state.server(1).occupied);

        fireTimersUntil(TTL_MS);
        assertNull(state.seat(seat), "forgotten at its expiry");
        assertEquals(0, state.seatsExpired);
        assertEquals(2, room.members);
        assertEquals(0, state.seatCount());
    }

    @Test
    void shouldRemoveARoomPlacedByATicketThatItsServerNeverReports()
    {
        register(1, 100, 0);
        final long seat = ticket(2, 4, 0);
        final RoomEntry ghost = state.seat(seat).room;
        final long reportedSeat = ticket(3, 3, 0);
        final RoomEntry created = state.seat(reportedSeat).room;
        assertNotEquals(ghost, created);
        report(1, 1_000, false, created.id, 1, 0, 3);
        assertEquals(DirectoryResult.OK, state.heartbeat(1, 0, 3_500));
        fireTimersUntil(PLACEMENT_TIMEOUT_MS - 1);
        assertEquals(ghost, state.room(ghost.id), "still within the placement timeout");

        fireTimersUntil(PLACEMENT_TIMEOUT_MS);
        assertNull(state.room(ghost.id), "its server never created it");
        assertNull(state.seat(seat), "its seats went with it");
        assertEquals(1, state.placementsTimedOut);
        assertEquals(created, state.room(created.id), "the reported room stays");
        assertEquals(RoomEntry.OPEN, created.state);
        assertEquals(0, state.server(1).occupied, "both rooms' seats expired, and the ghost holds nothing");
        assertTrue(timers.headMap(DirectoryState.SERVER_TIMER).isEmpty(), "no timer left: " + timers);
        final RoomEntry next = state.seat(ticket(2, 4, PLACEMENT_TIMEOUT_MS)).room;
        assertNotEquals(ghost, next, "a new ticket gets a new placement");
    }

    @Test
    void shouldTimeAPlacementOutAgainWhenItsServerComesBackWithoutCreatingIt()
    {
        register(1, 100, 0);
        final RoomEntry placedRoom = state.seat(ticket(1, 4, 0)).room;
        fireTimersUntil(SERVER_TIMEOUT_MS);
        assertEquals(RoomEntry.ORPHANED, placedRoom.state);
        fireTimersUntil(PLACEMENT_TIMEOUT_MS);
        assertEquals(placedRoom, state.room(placedRoom.id), "an orphaned room waits for its dead server's retention");
        register(1, 100, 6_000);
        assertEquals(RoomEntry.PLACED, placedRoom.state, "asked for again");
        assertEquals(DirectoryResult.OK, state.heartbeat(1, 0, 8_000));
        assertEquals(DirectoryResult.OK, state.heartbeat(1, 0, 10_000));
        fireTimersUntil(6_000 + PLACEMENT_TIMEOUT_MS - 1);
        assertEquals(placedRoom, state.room(placedRoom.id));
        fireTimersUntil(6_000 + PLACEMENT_TIMEOUT_MS);
        assertNull(state.room(placedRoom.id));
    }

    @Test
    void shouldRemoveADeadServersRoomsThatAreNotDurableAfterTheRetention()
    {
        register(1, 100, 0);
        register(2, 100, 0);
        report(1, 0, false, 42, 0, 2, 8, false);
        report(1, 0, false, 43, 0, 1, 8, true);
        report(2, 0, true, 50, 0, 3, 8, false);
        final long seat = seat(42, 1);
        final long otherSeat = seat(50, 1);
        report(2, 2_000, true, 50, 0, 3, 8, false);
        fireTimersUntil(SERVER_TIMEOUT_MS);
        assertEquals(ServerEntry.DEAD, state.server(1).state);
        assertEquals(DirectoryResult.SERVER_DEAD, seat(42, 1), "known, and dead, during the retention");
        report(2, SERVER_TIMEOUT_MS + RETENTION_MS - 2_000, true, 50, 0, 3, 8, false);

        fireTimersUntil(SERVER_TIMEOUT_MS + RETENTION_MS - 1);
        assertEquals(RoomEntry.ORPHANED, state.room(42).state);
        fireTimersUntil(SERVER_TIMEOUT_MS + RETENTION_MS);
        assertNull(state.room(42), "gone with its server's process");
        assertNull(state.seat(seat));
        assertEquals(DirectoryResult.NO_SUCH_ROOM, seat(42, 1));
        assertEquals(1, state.roomsRemoved);
        assertEquals(2, state.room(43).server.id, "the durable room went to the live server at the death");
        assertNull(state.server(1), "a dead server with no rooms left is forgotten");
        assertEquals(1, state.servers().size());
        assertNull(state.seat(otherSeat), "the live server's seat expired as usual");

        register(1, 100, 20_000);
        assertTrue(state.server(1).isAlive(), "it registers anew");
        assertEquals(2, state.servers().size());
    }

    @Test
    void shouldKeepADeadServersRoomsWhenItComesBackWithinTheRetention()
    {
        register(1, 100, 0);
        report(1, 0, true, 42, 0, 2, 8, false);
        fireTimersUntil(SERVER_TIMEOUT_MS);
        assertEquals(RoomEntry.ORPHANED, state.room(42).state);
        register(1, 100, SERVER_TIMEOUT_MS + 1_000);
        for (long t = SERVER_TIMEOUT_MS + 2_000; t <= SERVER_TIMEOUT_MS + RETENTION_MS; t += 2_000)
        {
            fireTimersUntil(t - 1);
            report(1, t, true, 42, 0, 2, 8, false);
        }
        fireTimersUntil(SERVER_TIMEOUT_MS + RETENTION_MS);
        assertEquals(RoomEntry.OPEN, state.room(42).state, "the retention timer was replaced by the report timer");
    }

    @Test
    void shouldMatchDurableTicketsOnlyIntoDurableRooms()
    {
        register(1, 100, 0);
        final long durableSeat = state.seatByTicket(1, ++requestId, 1, 1, 2, 4, 0, true, NONE, 0, 0);
        final RoomEntry durable = state.seat(durableSeat).room;
        assertTrue(durable.durable, "placed durable");
        final RoomEntry plain = state.seat(ticket(1, 4, 0)).room;
        assertNotEquals(durable, plain, "a ticket that is not durable does not match a durable room");
        assertTrue(!plain.durable);
        assertEquals(durable, state.seat(state.seatByTicket(1, ++requestId, 1, 1, 2, 4, 0, true, NONE, 0, 0)).room);
        assertEquals(plain, state.seat(ticket(1, 4, 0)).room);
    }

    @Test
    void shouldLeaveNoSeatOrRequestBehind()
    {
        register(1, 1_000, 0);
        register(2, 1_000, 0);
        final List<Long> all = new ArrayList<>();
        for (int i = 0; i < 200; i++)
        {
            final long seat = state.seatByTicket(1, 5_000 + i, i % 4, 1 + i % 3, 2, 6, i % 2 == 0 ? 0 : 500,
                NONE, 0, i);
            assertTrue(seat > 0);
            all.add(seat);
            switch (i % 4)
            {
                case 0 -> state.confirmSeat(seat);
                case 1 -> state.releaseSeat(seat);
                case 2 -> state.seatByTicket(1, 5_000 + i, i % 4, 1 + i % 3, 2, 6, 0, NONE, 0, i);
                default ->
                {
                }
            }
        }
        final RoomEntry reported = state.seat(all.get(199)).room;
        report(reported.server.id, 150, false, reported.id, 3, 0, 6);
        fireTimersUntil(200 + PLACEMENT_TIMEOUT_MS);
        assertEquals(0, state.seatCount(), "every seat confirmed, released or expired is gone");
        assertEquals(0, state.requestCount(), "and so is every request id");
        for (final ServerEntry server : state.servers())
        {
            int occupied = 0;
            for (final RoomEntry room : server.rooms)
            {
                assertEquals(0, room.reserved, "room " + room.id);
                occupied += room.members;
            }
            assertEquals(occupied, server.occupied, "server " + server.id);
        }
    }

    @Test
    void shouldAnswerARepeatedRequestWithTheSameSeat()
    {
        register(1, 100, 0);
        report(1, 0, true, 42, 0, 0, 4);
        final long seat = state.seatByRoom(1, 7777, 42, 2, 0, 0);
        assertEquals(seat, state.seatByRoom(2, 7777, 42, 2, 0, 0));
        assertEquals(2, state.room(42).reserved, "the repeat reserves nothing more");
        assertEquals(1, state.seatsGranted);
    }

    @Test
    void shouldMarkAServerDeadAfterItsTimeoutAndReviveItOnRegistration()
    {
        register(1, 100, 0);
        report(1, 0, true, 42, 0, 0, 4);
        fireTimersUntil(SERVER_TIMEOUT_MS - 1);
        assertTrue(state.server(1).isAlive());
        report(1, 2_000, true, 42, 0, 0, 4);
        fireTimersUntil(4_000);
        assertTrue(state.server(1).isAlive(), "the report at 2 s moved the deadline to 5 s");
        fireTimersUntil(5_000);
        assertEquals(ServerEntry.DEAD, state.server(1).state);
        assertEquals(RoomEntry.ORPHANED, state.room(42).state);
        assertEquals(1, state.serversDead);
        assertEquals(DirectoryResult.SERVER_DEAD, seat(42, 1));
        assertEquals(DirectoryResult.NO_LIVE_SERVER, ticket(1, 4, 5_000));
        assertEquals(DirectoryResult.NOT_REGISTERED, state.heartbeat(1, 0, 5_001));

        register(1, 100, 6_000);
        assertEquals(RoomEntry.OPEN, state.room(42).state);
        assertTrue(seat(42, 1) > 0);
    }

    @Test
    void shouldGiveEveryLiveServerAFreshTimeoutOnANewLeadershipTerm()
    {
        register(1, 100, 0);
        register(2, 100, 0);
        report(1, 1_000, true, 42, 0, 2, 8, true);
        report(2, 1_000, true, 50, 0, 0, 8);
        fireTimersUntil(3_999);
        assertTrue(state.server(1).isAlive());
        assertTrue(state.server(2).isAlive());

        state.onNewLeadershipTerm(3_500); // the leader died at ~1.1 s; the election took until 3.5 s
        state.onNewLeadershipTerm(2_000); // an older timestamp never moves a deadline back
        assertEquals(3_500, state.server(1).lastReportAtMs);
        fireTimersUntil(6_499);
        assertTrue(state.server(1).isAlive(), "not reported since 1 s, but the term began at 3.5 s: 6.5 s");
        assertTrue(state.server(2).isAlive());
        assertEquals(0, state.serversDead);
        assertEquals(1, state.room(42).server.id, "nothing re-placed");

        report(2, 6_000, true, 50, 0, 0, 8);
        fireTimersUntil(6_500);
        assertEquals(ServerEntry.DEAD, state.server(1).state, "silent for a whole timeout within the term");
        assertTrue(state.server(2).isAlive());
        assertEquals(2, state.room(42).server.id);
    }

    @Test
    void shouldNotReviveADeadServerOnANewLeadershipTerm()
    {
        register(1, 100, 0);
        fireTimersUntil(3_000);
        assertEquals(ServerEntry.DEAD, state.server(1).state);
        state.onNewLeadershipTerm(4_000);
        assertEquals(ServerEntry.DEAD, state.server(1).state);
        assertEquals(0, state.server(1).lastReportAtMs);
    }

    @Test
    void shouldPlaceADeadServersDurableRoomsOnTheLeastLoadedLiveServer()
    {
        register(1, 100, 0);
        register(2, 100, 0);
        report(1, 0, false, 42, 0, 3, 8, true);
        report(1, 0, false, 43, 0, 2, 8, false);
        final long seat = seat(42, 1);
        report(2, 2_000, true, 50, 0, 0, 8);
        placed.clear();
        fireTimersUntil(3_000);
        assertEquals(ServerEntry.DEAD, state.server(1).state);
        assertTrue(state.server(2).isAlive());

        final RoomEntry moved = state.room(42);
        assertEquals(2, moved.server.id, "the durable room went to the live server");
        assertEquals(RoomEntry.PLACED, moved.state);
        assertTrue(moved.restore);
        assertEquals(List.of(42), placed, "its new server was told");
        assertNull(state.seat(seat), "seats for the dead server's address are dropped");
        assertEquals(0, moved.reserved);
        assertEquals(3, state.server(2).occupied, "its members are expected on the new server");
        assertEquals(RoomEntry.ORPHANED, state.room(43).state, "a room that is not durable stays orphaned");
        assertEquals(1, state.roomsReplaced);
        assertTrue(seat(42, 1) > 0, "seats in the re-placed room are served by its new server");

        report(2, 3_100, true, 42, 0, 3, 8, true);
        assertEquals(RoomEntry.OPEN, moved.state);
        assertTrue(!moved.restore, "restored and reported by its new server");
    }

    @Test
    void shouldGiveAReplacedRoomBackToItsServerWhenItReportsItOpenBeforeTheNewServerOpenedIt()
    {
        register(1, 100, 0);
        register(2, 100, 0);
        report(1, 0, true, 42, 0, 3, 8, true);
        report(2, 2_000, true, 50, 0, 0, 8);
        fireTimersUntil(3_000);
        assertEquals(ServerEntry.DEAD, state.server(1).state, "partitioned away, taken for dead");
        assertEquals(2, state.room(42).server.id);
        final long seatOnNew = seat(42, 1);
        assertTrue(seatOnNew > 0);

        placed.clear();
        report(2, 3_500, true, 50, 0, 0, 8);
        assertEquals(List.of(42), placed, "server 2 deferred the restore (the directory is held): reminded again");
        assertEquals(RoomEntry.PLACED, state.room(42).state);

        assertEquals(DirectoryResult.NOT_REGISTERED, state.heartbeat(1, 0, 4_000), "the partition heals");
        register(1, 100, 4_000);
        report(1, 4_000, true, 42, 0, 3, 8, true);
        final RoomEntry room = state.room(42);
        assertEquals(1, room.server.id, "given back: server 1 was alive and holds the room");
        assertEquals(RoomEntry.OPEN, room.state);
        assertTrue(!room.restore, "the re-placement is cancelled");
        assertEquals(1, state.roomsReturned);
        assertNull(state.seat(seatOnNew), "the seat for server 2's address is dropped");
        assertEquals(3, state.server(1).occupied);
        assertEquals(0, state.server(2).occupied);
        assertEquals(List.of(50), roomIds(state.server(2)));

        placed.clear();
        report(2, 4_500, true, 50, 0, 0, 8);
        assertEquals(List.of(), placed, "server 2 is not told of the room again");
        assertEquals(1, state.seat(seat(42, 1)).room.server.id, "seats now on server 1");
        fireTimersUntil(6_999);
        assertTrue(state.server(1).isAlive());
    }

    @Test
    void shouldKeepAReplacedRoomItsNewServerOpenedAndRefuseTheOldServersReportOfIt()
    {
        register(1, 100, 0);
        register(2, 100, 0);
        report(1, 0, true, 42, 0, 3, 8, true);
        report(2, 2_000, true, 50, 0, 0, 8);
        fireTimersUntil(3_000);
        report(2, 3_100, false, 42, 0, 3, 8, true);
        assertEquals(RoomEntry.OPEN, state.room(42).state, "restored and opened by server 2");

        register(1, 100, 4_000);
        final ReportFlyweight report = new ReportFlyweight();
        report.wrapForEncode(buffer, 0, DirectoryMessageType.REPORT, 0);
        report.serverId(1).health(0).roomCount(1).flags(ReportFlyweight.FLAG_COMPLETE)
            .room(0, 42, 0, 3, 8, ReportFlyweight.ROOM_FLAG_DURABLE);
        assertEquals(DirectoryResult.INVALID_REQUEST, state.report(report, 4_000));
        assertEquals(2, state.room(42).server.id, "the opened copy stays");
        assertEquals(0, state.roomsReturned);
    }

    @Test
    void shouldPlaceOrphanedDurableRoomsWhenAServerRegisters()
    {
        register(1, 100, 0);
        report(1, 0, true, 42, 0, 3, 8, true);
        fireTimersUntil(3_000);
        assertEquals(RoomEntry.ORPHANED, state.room(42).state, "no live server to take it");
        register(3, 100, 4_000);
        assertEquals(3, state.room(42).server.id);
        assertEquals(RoomEntry.PLACED, state.room(42).state);
    }

    @Test
    void shouldCloseRoomsACompleteReportLeavesOutAndRemindOfPlacedOnes()
    {
        register(1, 100, 0);
        report(1, 0, true, 42, 0, 0, 4);
        final long seat = seat(42, 2);
        final RoomEntry placedRoom = state.seat(ticket(1, 4, 0)).room;
        placed.clear();
        report(1, 100, true, 43, 0, 1, 4);
        assertNull(state.room(42), "42 was left out of a complete report");
        assertNull(state.seat(seat), "its seats went with it");
        assertEquals(List.of(placedRoom.id), placed, "the placed room is asked for again");
        assertEquals(2, state.server(1).occupied, "43's member and the placed room's seat");
    }

    @Test
    void shouldCloseRoomsLeftOutOfAReportInPartsOnlyOnceEveryPartArrivedInOrder()
    {
        register(1, 100_000, 0);
        final int rooms = ReportFlyweight.MAX_ROOMS + 44;
        reportInParts(1, 0, 1, 1, rooms, -1, -1);
        for (int r = 1; r <= rooms; r++)
        {
            assertEquals(RoomEntry.OPEN, state.room(r).state, "room " + r);
        }

        reportInParts(1, 100, 2, 1, rooms, 7, 1);
        assertEquals(RoomEntry.OPEN, state.room(7).state, "a report with its second part missing closes nothing");

        reportInParts(1, 200, 3, 1, rooms, 7, -1);
        assertNull(state.room(7), "both parts, in order, without room 7: closed");
        assertEquals(RoomEntry.OPEN, state.room(rooms).state, "a room of the second part stays");
        assertEquals(RoomEntry.OPEN, state.room(1).state, "a room of the first part stays");
        assertEquals(rooms - 1, state.server(1).rooms.size());
    }

    /**
     * A report of rooms {@code first..last} (but {@code leaveOut}) sent in parts of at most MAX_ROOMS, the part
     * {@code skipPart} not sent.
     */
    private void reportInParts(
        final int serverId, final long nowMs, final int number, final int first, final int last, final int leaveOut,
        final int skipPart)
    {
        final IntArrayList ids = new IntArrayList();
        for (int r = first; r <= last; r++)
        {
            if (r != leaveOut)
            {
                ids.addInt(r);
            }
        }
        final int parts = (ids.size() + ReportFlyweight.MAX_ROOMS - 1) / ReportFlyweight.MAX_ROOMS;
        final ReportFlyweight report = new ReportFlyweight();
        for (int part = 0; part < parts; part++)
        {
            final int from = part * ReportFlyweight.MAX_ROOMS;
            final int count = Math.min(ReportFlyweight.MAX_ROOMS, ids.size() - from);
            report.wrapForEncode(buffer, 0, DirectoryMessageType.REPORT, 0);
            report.serverId(serverId).health(0).roomCount(count)
                .flags(ReportFlyweight.partFlags(part, parts, number));
            for (int i = 0; i < count; i++)
            {
                report.room(i, ids.getInt(from + i), 0, 0, 4, 0);
            }
            if (part != skipPart)
            {
                assertEquals(DirectoryResult.OK, state.report(report, nowMs));
            }
        }
    }

    @Test
    void shouldRefuseAndCountInvalidRequests()
    {
        assertEquals(DirectoryResult.INVALID_REQUEST, state.registerServer(1, 0, 10, 0, "a:1", 0));
        register(1, 100, 0);
        assertEquals(DirectoryResult.INVALID_REQUEST, state.seatByTicket(1, 5, 1, 0, 1, 4, 0, NONE, 0, 0));
        assertEquals(DirectoryResult.INVALID_REQUEST, state.seatByTicket(1, 6, 1, 5, 1, 4, 0, NONE, 0, 0));
        assertEquals(DirectoryResult.INVALID_REQUEST, state.seatByRoom(1, 7, 42, -1, 0, 0));
        assertEquals(DirectoryResult.NO_SUCH_ROOM, seat(42, 1));
        assertEquals(4, state.invalidRequests);
    }

    @Test
    void shouldReachTheSameStateFromTheSameCommands()
    {
        assertEquals(script(new ArrayList<>()), script(new ArrayList<>()));
    }

    private String script(final List<Long> timerLog)
    {
        final DirectoryState other = new DirectoryState(TTL_MS, 10 * TTL_MS, SERVER_TIMEOUT_MS,
            PLACEMENT_TIMEOUT_MS, RETENTION_MS, new DirectoryState.Effects()
            {
                public void scheduleTimer(final long timerId, final long deadlineMs)
                {
                    timerLog.add(timerId);
                    timerLog.add(deadlineMs);
                }

                public void cancelTimer(final long timerId)
                {
                    timerLog.add(-timerId);
                }

                public void roomPlaced(final RoomEntry room)
                {
                    timerLog.add((long)room.id);
                }
            });
        for (int s = 3; s >= 1; s--)
        {
            other.registerServer(s, s, 5 * s, 0, "host:" + s, 0);
        }
        final StringBuilder out = new StringBuilder();
        for (int i = 0; i < 40; i++)
        {
            final long seat = other.seatByTicket(1, 1000 + i, i % 3, 1 + i % 2, 2, 4, 0, NONE, 0, i * 10L);
            out.append(seat).append(seat > 0 ? "@" + other.seat(seat).room.id + "/" + other.seat(seat).room.server.id :
                "").append(' ');
            if (seat > 0 && 0 == i % 5)
            {
                other.confirmSeat(seat);
            }
        }
        return out + " timers " + timerLog;
    }

    private static List<Integer> roomIds(final ServerEntry server)
    {
        final List<Integer> ids = new ArrayList<>();
        server.rooms.forEach((room) -> ids.add(room.id));
        return ids;
    }

    private void register(final int serverId, final int capacity, final long nowMs)
    {
        assertEquals(DirectoryResult.OK, state.registerServer(serverId, serverId, capacity, 9, "game" + serverId +
            ":40123", nowMs));
    }

    private long ticket(final int partySize, final int maxPlayers, final long nowMs)
    {
        return state.seatByTicket(1, ++requestId, 1, partySize, 2, maxPlayers, 0, NONE, 0, nowMs);
    }

    private long seat(final int roomId, final int partySize)
    {
        return state.seatByRoom(1, ++requestId, roomId, partySize, 0, 0);
    }

    private void report(
        final int serverId, final long nowMs, final boolean complete, final int roomId, final int kind,
        final int members, final int maxPlayers)
    {
        report(serverId, nowMs, complete, roomId, kind, members, maxPlayers, false);
    }

    private void report(
        final int serverId, final long nowMs, final boolean complete, final int roomId, final int kind,
        final int members, final int maxPlayers, final boolean durable)
    {
        final ReportFlyweight report = new ReportFlyweight();
        report.wrapForEncode(buffer, 0, DirectoryMessageType.REPORT, 0);
        report.serverId(serverId).health(0).roomCount(1).flags(complete ? ReportFlyweight.FLAG_COMPLETE : 0)
            .room(0, roomId, kind, members, maxPlayers, durable ? ReportFlyweight.ROOM_FLAG_DURABLE : 0);
        assertEquals(DirectoryResult.OK, state.report(report, nowMs));
    }

    private void fireTimersUntil(final long nowMs)
    {
        while (!timers.isEmpty())
        {
            Long due = null;
            for (final var entry : timers.entrySet())
            {
                if (entry.getValue() <= nowMs && (null == due || entry.getValue() < timers.get(due)))
                {
                    due = entry.getKey();
                }
            }
            if (null == due)
            {
                return;
            }
            final long deadline = timers.remove(due);
            state.onTimer(due, deadline);
        }
    }
}
