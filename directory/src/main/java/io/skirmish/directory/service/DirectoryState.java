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
    /** Timer ids with this bit set check a server's reports; others are seat ids whose expiry they mark. */
    static final long SERVER_TIMER = 1L << 62;

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
    private final Effects effects;
    private final Int2ObjectHashMap<ServerEntry> servers = new Int2ObjectHashMap<>();
    private final ArrayList<ServerEntry> serversById = new ArrayList<>();
    private final Int2ObjectHashMap<RoomEntry> rooms = new Int2ObjectHashMap<>();
    private final Long2ObjectHashMap<SeatEntry> seats = new Long2ObjectHashMap<>();
    private final Long2LongHashMap seatByRequest = new Long2LongHashMap(0);
    private final ArrayDeque<SeatEntry> freeSeats = new ArrayDeque<>();
    private final ArrayList<SeatEntry> scratchSeats = new ArrayList<>();
    private final ArrayList<RoomEntry> scratchRooms = new ArrayList<>();
    private int nextRoomId = 1;
    private long nextSeatId = 1;
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

    /**
     * @param defaultSeatTtlMs how long a seat is held when the request names no TTL.
     * @param maxSeatTtlMs     the longest TTL granted.
     * @param serverTimeoutMs  a server not heard from for this long is marked dead.
     * @param effects          timers and notices.
     */
    DirectoryState(
        final long defaultSeatTtlMs, final long maxSeatTtlMs, final long serverTimeoutMs, final Effects effects)
    {
        this.defaultSeatTtlMs = defaultSeatTtlMs;
        this.maxSeatTtlMs = maxSeatTtlMs;
        this.serverTimeoutMs = serverTimeoutMs;
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
        final long stamp = ++reportStamp;
        long result = DirectoryResult.OK;
        for (int i = 0, n = report.roomCount(); i < n; i++)
        {
            final int roomId = report.roomId(i);
            final int members = report.members(i);
            final int maxPlayers = report.maxPlayers(i);
            RoomEntry room = rooms.get(roomId);
            if (roomId <= 0 || members < 0 || maxPlayers <= 0 ||
                (null != room && room.server != server && !isAwaitingRestore(room)))
            {
                result = invalid();
                continue;
            }
            if (null != room && room.server != server)
            {
                giveBack(room, server);
            }
            if (null == room)
            {
                room = addRoom(roomId, server, report.kind(i), 0, maxPlayers, RoomEntry.NO_PROPERTIES);
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
        final boolean complete = 0 != (report.flags() & ReportFlyweight.FLAG_COMPLETE);
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
                if (room.kind == kind && room.maxPlayers >= minPlayers && room.maxPlayers <= maxPlayers &&
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
            roomsPlaced++;
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
        seat.room.members += seat.partySize;
        seat.room.reserved -= seat.partySize;
        seatsConfirmed++;
        removeSeat(seat, true);
        return DirectoryResult.OK;
    }

    long releaseSeat(final long seatId)
    {
        final SeatEntry seat = seats.get(seatId);
        if (null == seat)
        {
            return DirectoryResult.NO_SUCH_SEAT;
        }
        freeSeat(seat);
        seatsReleased++;
        removeSeat(seat, true);
        return DirectoryResult.OK;
    }

    /**
     * A new leadership term began (an election, or the cluster's start): no server could reach the directory while
     * there was no leader, so every live server's timeout counts again from the term's log timestamp. Kept in
     * {@link ServerEntry#lastReportAtMs}, so it is in every snapshot; its server timer, when it fires at the old
     * deadline, moves on to the new one.
     *
     * @param termTimestampMs the new term's timestamp in the log, the same on every node.
     */
    void onNewLeadershipTerm(final long termTimestampMs)
    {
        for (int i = 0, n = serversById.size(); i < n; i++)
        {
            final ServerEntry server = serversById.get(i);
            if (server.isAlive() && termTimestampMs - server.lastReportAtMs > 0)
            {
                server.lastReportAtMs = termTimestampMs;
            }
        }
    }

    void onTimer(final long timerId, final long nowMs)
    {
        if (0 != (timerId & SERVER_TIMER))
        {
            final ServerEntry server = servers.get((int)(timerId & ~SERVER_TIMER));
            if (null == server || !server.isAlive())
            {
                return;
            }
            final long deadlineMs = server.lastReportAtMs + serverTimeoutMs;
            if (nowMs - deadlineMs >= 0)
            {
                markDead(server);
            }
            else
            {
                effects.scheduleTimer(timerId, deadlineMs);
            }
            return;
        }
        final SeatEntry seat = seats.get(timerId);
        if (null != seat && nowMs - seat.expiresAtMs >= 0)
        {
            freeSeat(seat);
            seatsExpired++;
            removeSeat(seat, false);
        }
    }

    /**
     * A room re-placed from a server taken for dead that its new server has not opened: its new server defers the
     * restore while the room's archive directory is held by a live process, so the room is still where it was.
     */
    private static boolean isAwaitingRestore(final RoomEntry room)
    {
        return room.restore && RoomEntry.OPEN != room.state;
    }

    /**
     * The server the room was re-placed from reports it open, so it was alive all along (a partition, a pause) and
     * holds the room's state: the room goes back to it and the re-placement is cancelled (its would-be new server
     * is told nothing more and never opens it: the directory it would restore from is held). Seats reserved on the
     * would-be new server are dropped.
     */
    private void giveBack(final RoomEntry room, final ServerEntry server)
    {
        dropSeats(room);
        room.server.occupied -= room.members;
        room.server.rooms.remove(room);
        room.server = server;
        server.rooms.add(room);
        server.occupied += room.members;
        roomsReturned++;
    }

    private void markDead(final ServerEntry server)
    {
        server.state = ServerEntry.DEAD;
        serversDead++;
        for (int i = 0, n = server.rooms.size(); i < n; i++)
        {
            server.rooms.get(i).state = RoomEntry.ORPHANED;
        }
        replaceOrphans();
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
                room.server.occupied -= room.members;
                room.server.rooms.remove(room);
                room.server = target;
                target.rooms.add(room);
                target.occupied += room.members;
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
            freeSeat(seat);
            removeSeat(seat, true);
        }
        scratchSeats.clear();
    }

    private RoomEntry addRoom(
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

    private void insertById(final ServerEntry server)
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

    void restoreSequences(final int nextRoomId, final long nextSeatId)
    {
        this.nextRoomId = nextRoomId;
        this.nextSeatId = nextSeatId;
    }

    ServerEntry restoreServer(final int serverId)
    {
        final ServerEntry server = new ServerEntry(serverId);
        servers.put(serverId, server);
        insertById(server);
        return server;
    }

    RoomEntry restoreRoom(
        final int roomId, final int serverId, final int kind, final int minPlayers, final int maxPlayers,
        final byte[] properties)
    {
        return addRoom(roomId, servers.get(serverId), kind, minPlayers, maxPlayers, properties);
    }

    void restoreOccupancy(final RoomEntry room)
    {
        room.server.occupied += room.occupied();
    }

    void restoreSeat(
        final long seatId, final long requestId, final long sessionId, final int roomId, final int partySize,
        final long expiresAtMs)
    {
        final SeatEntry seat = new SeatEntry();
        seat.id = seatId;
        seat.requestId = requestId;
        seat.sessionId = sessionId;
        seat.room = rooms.get(roomId);
        seat.partySize = partySize;
        seat.expiresAtMs = expiresAtMs;
        seats.put(seatId, seat);
        if (0 != requestId)
        {
            seatByRequest.put(requestId, seatId);
        }
    }
}
