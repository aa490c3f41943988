package io.skirmish.directory.service;

import io.skirmish.directory.protocol.DirectoryHeaderFlyweight;
import io.skirmish.directory.protocol.DirectoryMessageType;
import io.skirmish.directory.protocol.RoomStatusFlyweight;
import io.skirmish.directory.protocol.SeatRecordFlyweight;
import io.skirmish.directory.protocol.ServerRecordFlyweight;
import io.skirmish.directory.protocol.SnapshotMarkerFlyweight;
import io.skirmish.engine.EngineException;
import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.IdleStrategy;

import java.util.ArrayList;

/**
 * Writes the whole directory state to a cluster snapshot and reads it back: SNAPSHOT_BEGIN, every server, every
 * room, every seat, SNAPSHOT_END (docs/WIRE-FORMAT.md, "Directory snapshots"). Timers are not written: the
 * consensus module snapshots them itself. Cold path, on the service thread.
 */
final class DirectorySnapshot
{
    static final int FORMAT_VERSION = 2;

    private final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(1024);
    private final SnapshotMarkerFlyweight marker = new SnapshotMarkerFlyweight();
    private final ServerRecordFlyweight serverRecord = new ServerRecordFlyweight();
    private final RoomStatusFlyweight roomRecord = new RoomStatusFlyweight();
    private final SeatRecordFlyweight seatRecord = new SeatRecordFlyweight();
    private final DirectoryHeaderFlyweight header = new DirectoryHeaderFlyweight();

    void write(final DirectoryState state, final ExclusivePublication publication, final IdleStrategy idle)
    {
        marker.wrapForEncode(buffer, 0, DirectoryMessageType.SNAPSHOT_BEGIN, 0);
        marker.formatVersion(FORMAT_VERSION).nextRoomId(state.nextRoomId()).nextSeatId(state.nextSeatId());
        offer(publication, SnapshotMarkerFlyweight.LENGTH, idle);
        final ArrayList<ServerEntry> servers = state.servers();
        for (int i = 0, n = servers.size(); i < n; i++)
        {
            final ServerEntry server = servers.get(i);
            serverRecord.wrapForEncode(buffer, 0, DirectoryMessageType.SNAPSHOT_SERVER, 0);
            serverRecord.serverId(server.id).capacity(server.capacity).tokenKeyId(server.tokenKeyId)
                .state(server.state).health(server.health).sessionId(server.sessionId)
                .lastReportAtMs(server.lastReportAtMs).address(server.address);
            offer(publication, serverRecord.length(), idle);
        }
        for (int i = 0, n = servers.size(); i < n; i++)
        {
            final ArrayList<RoomEntry> rooms = servers.get(i).rooms;
            for (int r = 0, m = rooms.size(); r < m; r++)
            {
                DirectoryService.encodeRoom(roomRecord, buffer, DirectoryMessageType.SNAPSHOT_ROOM, 0, rooms.get(r));
                offer(publication, roomRecord.length(), idle);
            }
        }
        state.forEachSeat((seat) ->
        {
            seatRecord.wrapForEncode(buffer, 0, DirectoryMessageType.SNAPSHOT_SEAT, seat.requestId);
            seatRecord.seatId(seat.id).expiresAtMs(seat.expiresAtMs).sessionId(seat.sessionId)
                .roomId(seat.room.id).partySize(seat.partySize)
                .flags(seat.confirmed ? SeatRecordFlyweight.FLAG_CONFIRMED : 0);
            offer(publication, SeatRecordFlyweight.LENGTH, idle);
        });
        marker.wrapForEncode(buffer, 0, DirectoryMessageType.SNAPSHOT_END, 0);
        marker.formatVersion(FORMAT_VERSION).nextRoomId(state.nextRoomId()).nextSeatId(state.nextSeatId());
        offer(publication, SnapshotMarkerFlyweight.LENGTH, idle);
    }

    private void offer(final ExclusivePublication publication, final int length, final IdleStrategy idle)
    {
        idle.reset();
        while (true)
        {
            final long result = publication.offer(buffer, 0, length);
            if (result > 0)
            {
                return;
            }
            if (Publication.CLOSED == result || Publication.NOT_CONNECTED == result ||
                Publication.MAX_POSITION_EXCEEDED == result)
            {
                throw new EngineException("directory snapshot: publication " + result, EngineException.Category.ERROR);
            }
            idle.idle();
        }
    }

    void load(final DirectoryState state, final Image image, final IdleStrategy idle)
    {
        final boolean[] done = { false };
        final byte[] properties = new byte[1024];
        final FragmentHandler handler = (DirectBuffer buf, int offset, int length, Header hdr) ->
        {
            header.wrap(buf, offset);
            switch (header.type())
            {
                case DirectoryMessageType.SNAPSHOT_BEGIN:
                    marker.wrap(buf, offset);
                    if (FORMAT_VERSION != marker.formatVersion() && 1 != marker.formatVersion())
                    {
                        throw new EngineException(
                            "directory snapshot format " + marker.formatVersion(), EngineException.Category.FATAL);
                    }
                    break;
                case DirectoryMessageType.SNAPSHOT_SERVER:
                    serverRecord.wrap(buf, offset);
                    final ServerEntry server = new ServerEntry(serverRecord.serverId());
                    state.servers.put(server.id, server);
                    state.insertById(server);
                    server.capacity = serverRecord.capacity();
                    server.tokenKeyId = serverRecord.tokenKeyId();
                    server.state = serverRecord.state();
                    server.health = serverRecord.health();
                    server.sessionId = serverRecord.sessionId();
                    server.lastReportAtMs = serverRecord.lastReportAtMs();
                    server.address = serverRecord.address();
                    break;
                case DirectoryMessageType.SNAPSHOT_ROOM:
                    roomRecord.wrap(buf, offset);
                    final int propertiesLength = roomRecord.getProperties(properties);
                    final byte[] copy = new byte[propertiesLength];
                    System.arraycopy(properties, 0, copy, 0, propertiesLength);
                    final RoomEntry room = state.addRoom(roomRecord.roomId(), state.servers.get(roomRecord.serverId()),
                        roomRecord.kind(), roomRecord.minPlayers(), roomRecord.maxPlayers(), copy);
                    room.state = roomRecord.state();
                    room.members = roomRecord.members();
                    room.reserved = roomRecord.reserved();
                    room.reportedAtMs = roomRecord.reportedAtMs();
                    room.durable = 0 != (roomRecord.flags() & RoomStatusFlyweight.FLAG_DURABLE);
                    room.restore = 0 != (roomRecord.flags() & RoomStatusFlyweight.FLAG_RESTORE);
                    room.server.occupied += room.occupied();
                    break;
                case DirectoryMessageType.SNAPSHOT_SEAT:
                    seatRecord.wrap(buf, offset);
                    final SeatEntry seat = new SeatEntry();
                    seat.id = seatRecord.seatId();
                    seat.requestId = seatRecord.correlationId();
                    seat.sessionId = seatRecord.sessionId();
                    seat.room = state.rooms.get(seatRecord.roomId());
                    seat.partySize = seatRecord.partySize();
                    seat.expiresAtMs = seatRecord.expiresAtMs();
                    seat.confirmed = length >= SeatRecordFlyweight.LENGTH &&
                        0 != (seatRecord.flags() & SeatRecordFlyweight.FLAG_CONFIRMED);
                    state.seats.put(seat.id, seat);
                    if (0 != seat.requestId)
                    {
                        state.seatByRequest.put(seat.requestId, seat.id);
                    }
                    break;
                case DirectoryMessageType.SNAPSHOT_END:
                    marker.wrap(buf, offset);
                    state.nextRoomId = marker.nextRoomId();
                    state.nextSeatId = marker.nextSeatId();
                    done[0] = true;
                    break;
                default:
                    throw new EngineException("directory snapshot: record " + header.type(),
                        EngineException.Category.FATAL);
            }
        };
        idle.reset();
        while (!done[0])
        {
            final int fragments = image.poll(handler, 16);
            if (0 == fragments)
            {
                if (image.isClosed() || image.isEndOfStream())
                {
                    if (!done[0])
                    {
                        throw new EngineException("directory snapshot ended early", EngineException.Category.FATAL);
                    }
                }
                idle.idle();
            }
        }
    }
}
