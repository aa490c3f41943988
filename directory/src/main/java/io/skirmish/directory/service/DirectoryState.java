package io.skirmish.directory.service;

import io.skirmish.directory.protocol.DirectoryResult;
import io.skirmish.directory.protocol.ReportFlyweight;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The directory's state machine: room servers, their rooms and the seats reserved in them. Deterministic: it reads
 * no clock but the time each command passes in (the cluster's log timestamp), draws no random numbers, and iterates
 * in orders fixed by the commands (servers by id, a server's rooms in the order they appeared), so every node that
 * applies the same log holds the same state. Single-threaded: the clustered service's thread.
 * <p>
 * Capacity: a room's occupied count is its members plus the players of its unexpired, unconfirmed seats, and a
 * seat is granted only when it fits under the room's max players and its server's capacity; the log serializes every
 * request from every backend, so two requests can never both take the last place.
 */
final class DirectoryState
{
    /** Timer ids with this bit set check a server's reports (or, once it is dead, end its retention). */
    static final long SERVER_TIMER = 1L << 62;
    /** Timer ids with this bit set end the wait for a room placed by ticket; others are seat ids. */
    static final long ROOM_TIMER = 1L << 61;

    /** What the state machine asks of the cluster. */
    interface Effects
    {
        /**
         * @param timerId    seat id, or {@link #SERVER_TIMER} with the server id.
         * @param deadlineMs cluster time.
         */
        void scheduleTimer(long timerId, long deadlineMs);

        /**
         * @param timerId as scheduled.
         */
        void cancelTimer(long timerId);

        /**
         * A new room is placed on a server (or still waits for its server to report it): tell the server.
         *
         * @param room the room.
         */
        void roomPlaced(RoomEntry room);
    }

    private final long defaultSeatTtlMs;
    private final long maxSeatTtlMs;
    private final long serverTimeoutMs;
    private final long placementTimeoutMs;
    private final long deadServerRetentionMs;
    private final Effects effects;
    final Int2ObjectHashMap<ServerEntry> servers = new Int2ObjectHashMap<>();
    final ArrayList<ServerEntry> serversById = new ArrayList<>();
    final Int2ObjectHashMap<RoomEntry> rooms = new Int2ObjectHashMap<>();
    final Long2ObjectHashMap<SeatEntry> seats = new Long2ObjectHashMap<>();
    final Long2LongHashMap seatByRequest = new Long2LongHashMap(0);
    private final ArrayDeque<SeatEntry> freeSeats = new ArrayDeque<>();
    private final ArrayList<SeatEntry> scratchSeats = new ArrayList<>();
    private final ArrayList<RoomEntry> scratchRooms = new ArrayList<>();
    int nextRoomId = 1;
    long nextSeatId = 1;
    private long reportStamp;

    long seatsGranted;
    long seatsRefused;
    long seatsConfirmed;
    long seatsReleased;
    long seatsExpired;
    long roomsPlaced;
    long serversDead;
    long roomsReplaced;
    long roomsReturned;
    long invalidRequests;
    long placementsTimedOut;
    long roomsRemoved;

    /**
     * @param defaultSeatTtlMs      how long a seat is held when the request names no TTL.
     * @param maxSeatTtlMs          the longest TTL granted.
     * @param serverTimeoutMs       a server not heard from for this long is marked dead.
     * @param placementTimeoutMs    a room placed by ticket that its server has not reported this long after the
     *                              placement is removed, with its seats.
     * @param deadServerRetentionMs a dead server's rooms that are not durable are removed this long after it was
     *                              marked dead (and the server too, once it has no rooms left).
     * @param effects               timers and notices.
     */
    DirectoryState(
        final long defaultSeatTtlMs, final long maxSeatTtlMs, final long serverTimeoutMs,
        final long placementTimeoutMs, final long deadServerRetentionMs, final Effects effects)
    {
        this.defaultSeatTtlMs = defaultSeatTtlMs;
        this.maxSeatTtlMs = maxSeatTtlMs;
        this.serverTimeoutMs = serverTimeoutMs;
        this.placementTimeoutMs = placementTimeoutMs;
        this.deadServerRetentionMs = deadServerRetentionMs;
        this.effects = effects;
    }

    long registerServer(
        final long sessionId, final int serverId, final int capacity, final int tokenKeyId, final String address,
        final long nowMs)
    {
        if (serverId <= 0 || capacity <= 0 || address.isEmpty())
        {
            return invalid();
        }
        ServerEntry server = servers.get(serverId);
        if (null == server)
        {
            server = new ServerEntry(serverId);
            servers.put(serverId, server);
            insertById(server);
        }
        final boolean wasAlive = server.isAlive();
        server.capacity = capacity;
        server.tokenKeyId = tokenKeyId;
        server.address = address;
        server.sessionId = sessionId;
        server.state = ServerEntry.ALIVE;
        server.lastReportAtMs = nowMs;
        if (!wasAlive)
        {
            for (int i = 0, n = server.rooms.size(); i < n; i++)
            {
                final RoomEntry room = server.rooms.get(i);
                room.state = 0 == room.reportedAtMs ? RoomEntry.PLACED : RoomEntry.OPEN;
                if (RoomEntry.PLACED == room.state && !room.restore)
                {
                    effects.scheduleTimer(ROOM_TIMER | room.id, nowMs + placementTimeoutMs);
                }
            }
            effects.scheduleTimer(SERVER_TIMER | serverId, nowMs + serverTimeoutMs);
            replaceOrphans();
        }
        return DirectoryResult.OK;
    }

    long report(final ReportFlyweight report, final long nowMs)
    {
        final ServerEntry server = liveServer(report.serverId());
        if (null == server)
        {
            return DirectoryResult.NOT_REGISTERED;
        }
        server.lastReportAtMs = nowMs;
        server.health = report.health();
        final int flags = report.flags();
        final boolean isPart = 0 != (flags & ReportFlyweight.FLAG_PART);
        final long stamp = isPart ? server.partStamp(flags, ++reportStamp) : ++reportStamp;
        long result = DirectoryResult.OK;
        for (int i = 0, n = report.roomCount(); i < n; i++)
        {
            final int roomId = report.roomId(i);
            final int members = report.members(i);
            final int maxPlayers = report.maxPlayers(i);
            RoomEntry room = rooms.get(roomId);
            if (roomId <= 0 || members < 0 || maxPlayers <= 0 ||
                (null != room && room.server != server && !room.awaitsRestore()))
            {
                result = invalid();
                continue;
            }
            if (null != room && room.server != server)
            {
                dropSeats(room); // given back, it was alive: docs/directory.md, "A server taken for dead while alive"
                room.moveTo(server);
                roomsReturned++;
            }
            if (null == room)
            {
                room = addRoom(roomId, server, report.kind(i), 0, maxPlayers, RoomEntry.NO_PROPERTIES);
            }
            if (RoomEntry.PLACED == room.state && !room.restore)
            {
                effects.cancelTimer(ROOM_TIMER | roomId);
            }
            server.occupied += members - room.members;
            room.members = members;
            room.kind = report.kind(i);
            room.maxPlayers = maxPlayers;
            room.state = RoomEntry.OPEN;
            room.durable = 0 != (report.roomFlags(i) & ReportFlyweight.ROOM_FLAG_DURABLE);
            room.restore = false;
            room.reportedAtMs = nowMs;
            room.reportStamp = stamp;
        }
        final boolean complete = isPart ? server.isLastPart(flags) : 0 != (flags & ReportFlyweight.FLAG_COMPLETE);
        closeUnreported(server, stamp, complete);
        return result;
    }

    long heartbeat(final int serverId, final int health, final long nowMs)
    {
        final ServerEntry server = liveServer(serverId);
        if (null == server)
        {
            return DirectoryResult.NOT_REGISTERED;
        }
        server.lastReportAtMs = nowMs;
        server.health = health;
        return DirectoryResult.OK;
    }

    long seatByRoom(
        final long sessionId, final long requestId, final int roomId, final int partySize, final int ttlMs,
        final long nowMs)
    {
        final long repeated = seatByRequest.get(requestId);
        if (0 != repeated)
        {
            return repeated;
        }
        if (partySize <= 0 || ttlMs < 0)
        {
            return invalid();
        }
        final RoomEntry room = rooms.get(roomId);
        if (null == room)
        {
            return refused(DirectoryResult.NO_SUCH_ROOM);
        }
        if (!room.server.isAlive())
        {
            return refused(DirectoryResult.SERVER_DEAD);
        }
        if (room.occupied() + partySize > room.maxPlayers || room.server.occupied + partySize > room.server.capacity)
        {
            return refused(DirectoryResult.NO_CAPACITY);
        }
        return reserve(room, sessionId, requestId, partySize, ttlMs, nowMs);
    }

    long seatByTicket(
        final long sessionId, final long requestId, final int kind, final int partySize, final int minPlayers,
        final int maxPlayers, final int ttlMs, final byte[] properties, final int propertiesLength, final long nowMs)
    {
        return seatByTicket(sessionId, requestId, kind, partySize, minPlayers, maxPlayers, ttlMs, false, properties,
            propertiesLength, nowMs);
    }

    long seatByTicket(
        final long sessionId, final long requestId, final int kind, final int partySize, final int minPlayers,
        final int maxPlayers, final int ttlMs, final boolean durable, final byte[] properties,
        final int propertiesLength, final long nowMs)
    {
        final long repeated = seatByRequest.get(requestId);
        if (0 != repeated)
        {
            return repeated;
        }
        if (partySize <= 0 || ttlMs < 0 || minPlayers < 0 || maxPlayers <= 0 || minPlayers > maxPlayers ||
            partySize > maxPlayers)
        {
            return invalid();
        }
        RoomEntry best = null;
        for (int s = 0, servers = serversById.size(); s < servers; s++)
        {
            final ServerEntry server = serversById.get(s);
            if (!server.isAlive() || server.health < 0 || server.occupied + partySize > server.capacity)
            {
                continue;
            }
            for (int r = 0, n = server.rooms.size(); r < n; r++)
            {
                final RoomEntry room = server.rooms.get(r);
                if (room.kind == kind && room.durable == durable && RoomEntry.ORPHANED != room.state &&
                    room.maxPlayers >= minPlayers && room.maxPlayers <= maxPlayers &&
                    room.occupied() + partySize <= room.maxPlayers && room.hasProperties(properties, propertiesLength) &&
                    (null == best || room.occupied() > best.occupied() ||
                    (room.occupied() == best.occupied() && room.id < best.id)))
                {
                    best = room;
                }
            }
        }
        if (null == best)
        {
            final ServerEntry server = leastLoaded(partySize);
            if (null == server)
            {
                return refused(anyAlive() ? DirectoryResult.NO_CAPACITY : DirectoryResult.NO_LIVE_SERVER);
            }
            best = addRoom(
                freeRoomId(), server, kind, minPlayers, maxPlayers, Arrays.copyOf(properties, propertiesLength));
            best.state = RoomEntry.PLACED;
            best.durable = durable;
            roomsPlaced++;
            effects.scheduleTimer(ROOM_TIMER | best.id, nowMs + placementTimeoutMs);
            effects.roomPlaced(best);
        }
        return reserve(best, sessionId, requestId, partySize, ttlMs, nowMs);
    }

    long confirmSeat(final long seatId)
    {
        final SeatEntry seat = seats.get(seatId);
        if (null == seat)
        {
            return DirectoryResult.NO_SUCH_SEAT;
        }
        if (!seat.confirmed)
        {
            // kept (and its request id with it) until its expiry, so a seat request sent again after the confirm
            // gets this seat again and not a second one; its expiry timer then only forgets it
            seat.confirmed = true;
            seat.room.members += seat.partySize;
            seat.room.reserved -= seat.partySize;
            seatsConfirmed++;
        }
        return DirectoryResult.OK;
    }

    long releaseSeat(final long seatId)
    {
        final SeatEntry seat = seats.get(seatId);
        if (null == seat || seat.confirmed)
        {
            return DirectoryResult.NO_SUCH_SEAT;
        }
        freeSeat(seat);
        seatsReleased++;
        removeSeat(seat, true);
        return DirectoryResult.OK;
    }

    /** A new leadership term: every live server's timeout counts again from the term's log timestamp. */
    void onNewLeadershipTerm(final long termTimestampMs)
    {
        for (int i = 0, n = serversById.size(); i < n; i++)
        {
            serversById.get(i).freshDeadline(termTimestampMs);
        }
    }

    void onTimer(final long timerId, final long nowMs)
    {
        if (0 != (timerId & SERVER_TIMER))
        {
            final ServerEntry server = servers.get((int)(timerId & ~SERVER_TIMER));
            if (null == server)
            {
                return;
            }
            if (!server.isAlive())
            {
                removeDeadServersRooms(server);
                return;
            }
            final long deadlineMs = server.lastReportAtMs + serverTimeoutMs;
            if (nowMs - deadlineMs >= 0)
            {
                markDead(server, nowMs);
            }
            else
            {
                effects.scheduleTimer(timerId, deadlineMs);
            }
            return;
        }
        if (0 != (timerId & ROOM_TIMER))
        {
            final RoomEntry room = rooms.get((int)(timerId & ~ROOM_TIMER));
            if (null != room && RoomEntry.PLACED == room.state && !room.restore)
            {
                placementsTimedOut++;
                closeRoom(room);
            }
            return;
        }
        final SeatEntry seat = seats.get(timerId);
        if (null != seat && nowMs - seat.expiresAtMs >= 0)
        {
            if (!seat.confirmed)
            {
                freeSeat(seat);
                seatsExpired++;
            }
            removeSeat(seat, false);
        }
    }

    private void markDead(final ServerEntry server, final long nowMs)
    {
        server.state = ServerEntry.DEAD;
        serversDead++;
        for (int i = 0, n = server.rooms.size(); i < n; i++)
        {
            server.rooms.get(i).state = RoomEntry.ORPHANED;
        }
        effects.scheduleTimer(SERVER_TIMER | server.id, nowMs + deadServerRetentionMs);
        replaceOrphans();
    }

    /**
     * The retention of a dead server ended: its rooms that are not durable are gone with its process, so they are
     * removed with their seats; its durable rooms stay orphaned until a server can take them. A server left with no
     * rooms is forgotten (it registers anew if it comes back).
     */
    private void removeDeadServersRooms(final ServerEntry server)
    {
        scratchRooms.clear();
        for (int i = 0, n = server.rooms.size(); i < n; i++)
        {
            final RoomEntry room = server.rooms.get(i);
            if (!room.durable)
            {
                scratchRooms.add(room);
            }
        }
        for (int i = 0, n = scratchRooms.size(); i < n; i++)
        {
            roomsRemoved++;
            closeRoom(scratchRooms.get(i));
        }
        scratchRooms.clear();
        if (server.rooms.isEmpty())
        {
            servers.remove(server.id);
            serversById.remove(server);
        }
    }

    /**
     * Place every orphaned durable room (of a dead server) on the least loaded live server with space for its
     * members, in server then room order; the rest stay orphaned until a server registers.
     */
    private void replaceOrphans()
    {
        scratchRooms.clear();
        for (int s = 0, servers = serversById.size(); s < servers; s++)
        {
            final ServerEntry server = serversById.get(s);
            for (int r = 0, n = server.isAlive() ? 0 : server.rooms.size(); r < n; r++)
            {
                final RoomEntry room = server.rooms.get(r);
                if (room.durable && RoomEntry.ORPHANED == room.state)
                {
                    scratchRooms.add(room);
                }
            }
        }
        for (int i = 0, n = scratchRooms.size(); i < n; i++)
        {
            final RoomEntry room = scratchRooms.get(i);
            final ServerEntry target = leastLoaded(Math.max(1, room.members));
            if (null != target)
            {
                dropSeats(room);
                room.moveTo(target);
                room.state = RoomEntry.PLACED;
                room.restore = true;
                roomsReplaced++;
                effects.roomPlaced(room);
            }
        }
        scratchRooms.clear();
    }

    private long reserve(
        final RoomEntry room, final long sessionId, final long requestId, final int partySize, final int ttlMs,
        final long nowMs)
    {
        final SeatEntry seat = null == freeSeats.peek() ? new SeatEntry() : freeSeats.poll();
        seat.id = nextSeatId++;
        seat.requestId = requestId;
        seat.sessionId = sessionId;
        seat.room = room;
        seat.partySize = partySize;
        seat.expiresAtMs = nowMs + (0 == ttlMs ? defaultSeatTtlMs : Math.min(ttlMs, maxSeatTtlMs));
        room.reserved += partySize;
        room.server.occupied += partySize;
        seats.put(seat.id, seat);
        if (0 != requestId)
        {
            seatByRequest.put(requestId, seat.id);
        }
        seatsGranted++;
        effects.scheduleTimer(seat.id, seat.expiresAtMs);
        return seat.id;
    }

    private void freeSeat(final SeatEntry seat)
    {
        seat.room.reserved -= seat.partySize;
        seat.room.server.occupied -= seat.partySize;
    }

    private void removeSeat(final SeatEntry seat, final boolean cancelTimer)
    {
        seats.remove(seat.id);
        if (0 != seat.requestId)
        {
            seatByRequest.remove(seat.requestId);
        }
        if (cancelTimer)
        {
            effects.cancelTimer(seat.id);
        }
        seat.room = null;
        seat.confirmed = false;
        freeSeats.offer(seat);
    }

    private void closeUnreported(final ServerEntry server, final long stamp, final boolean complete)
    {
        scratchRooms.clear();
        for (int i = 0, n = server.rooms.size(); i < n; i++)
        {
            final RoomEntry room = server.rooms.get(i);
            if (RoomEntry.PLACED == room.state)
            {
                effects.roomPlaced(room);
            }
            else if (complete && room.reportStamp != stamp)
            {
                scratchRooms.add(room);
            }
        }
        for (int i = 0, n = scratchRooms.size(); i < n; i++)
        {
            closeRoom(scratchRooms.get(i));
        }
        scratchRooms.clear();
    }

    private void closeRoom(final RoomEntry room)
    {
        dropSeats(room);
        room.server.occupied -= room.members;
        room.server.rooms.remove(room);
        rooms.remove(room.id);
    }

    private void dropSeats(final RoomEntry room)
    {
        scratchSeats.clear();
        seats.forEachLong((id, seat) ->
        {
            if (seat.room == room)
            {
                scratchSeats.add(seat);
            }
        });
        scratchSeats.sort((a, b) -> Long.compare(a.id, b.id));
        for (int i = 0, n = scratchSeats.size(); i < n; i++)
        {
            final SeatEntry seat = scratchSeats.get(i);
            if (!seat.confirmed)
            {
                freeSeat(seat);
            }
            removeSeat(seat, true);
        }
        scratchSeats.clear();
    }

    RoomEntry addRoom(
        final int roomId, final ServerEntry server, final int kind, final int minPlayers, final int maxPlayers,
        final byte[] properties)
    {
        final RoomEntry room = new RoomEntry(roomId, server);
        room.kind = kind;
        room.minPlayers = minPlayers;
        room.maxPlayers = maxPlayers;
        room.properties = properties;
        rooms.put(roomId, room);
        server.rooms.add(room);
        return room;
    }

    private ServerEntry leastLoaded(final int partySize)
    {
        ServerEntry best = null;
        for (int i = 0, n = serversById.size(); i < n; i++)
        {
            final ServerEntry server = serversById.get(i);
            if (server.isAlive() && 0 == server.health && server.occupied + partySize <= server.capacity &&
                (null == best || (long)server.occupied * best.capacity < (long)best.occupied * server.capacity))
            {
                best = server;
            }
        }
        return best;
    }

    private boolean anyAlive()
    {
        for (int i = 0, n = serversById.size(); i < n; i++)
        {
            if (serversById.get(i).isAlive())
            {
                return true;
            }
        }
        return false;
    }

    private int freeRoomId()
    {
        while (rooms.containsKey(nextRoomId) || nextRoomId <= 0)
        {
            nextRoomId = nextRoomId <= 0 ? 1 : nextRoomId + 1;
        }
        return nextRoomId++;
    }

    private ServerEntry liveServer(final int serverId)
    {
        final ServerEntry server = servers.get(serverId);
        return null != server && server.isAlive() ? server : null;
    }

    void insertById(final ServerEntry server)
    {
        int index = 0;
        while (index < serversById.size() && serversById.get(index).id < server.id)
        {
            index++;
        }
        serversById.add(index, server);
    }

    private long invalid()
    {
        invalidRequests++;
        return DirectoryResult.INVALID_REQUEST;
    }

    private long refused(final long code)
    {
        seatsRefused++;
        return code;
    }

    // Reading and restoring, for replies and snapshots.

    ServerEntry server(final int serverId)
    {
        return servers.get(serverId);
    }

    RoomEntry room(final int roomId)
    {
        return rooms.get(roomId);
    }

    SeatEntry seat(final long seatId)
    {
        return seats.get(seatId);
    }

    ArrayList<ServerEntry> servers()
    {
        return serversById;
    }

    int seatCount()
    {
        return seats.size();
    }

    int requestCount()
    {
        return seatByRequest.size();
    }

    int nextRoomId()
    {
        return nextRoomId;
    }

    long nextSeatId()
    {
        return nextSeatId;
    }

    /**
     * @param consumer given every seat in id order (allocates: snapshots only).
     */
    void forEachSeat(final Consumer<SeatEntry> consumer)
    {
        final long[] ids = new long[seats.size()];
        final int[] count = { 0 };
        seats.forEachLong((id, seat) -> ids[count[0]++] = id);
        Arrays.sort(ids);
        for (final long id : ids)
        {
            consumer.accept(seats.get(id));
        }
    }
}
