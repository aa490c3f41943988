package io.skirmish.directory.service;

import io.skirmish.directory.protocol.DirectoryAuth;
import io.skirmish.directory.protocol.DirectoryHeaderFlyweight;
import io.skirmish.directory.protocol.DirectoryMessageType;
import io.skirmish.directory.protocol.DirectoryResult;
import io.skirmish.directory.protocol.HeartbeatFlyweight;
import io.skirmish.directory.protocol.IdRequestFlyweight;
import io.skirmish.directory.protocol.RegisterServerFlyweight;
import io.skirmish.directory.protocol.ReportFlyweight;
import io.skirmish.directory.protocol.ResultFlyweight;
import io.skirmish.directory.protocol.RoomStatusFlyweight;
import io.skirmish.directory.protocol.SeatGrantedFlyweight;
import io.skirmish.directory.protocol.SeatRequestFlyweight;
import io.aeron.Counter;
import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.cluster.codecs.CloseReason;
import io.aeron.cluster.service.ClientSession;
import io.aeron.cluster.service.Cluster;
import io.aeron.cluster.service.ClusteredService;
import io.aeron.logbuffer.Header;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.concurrent.TimeUnit;

/**
 * The room directory and matchmaker as an Aeron Cluster service: decodes each command of the replicated log
 * (docs/WIRE-FORMAT.md, "Directory"), applies it to the {@link DirectoryState} with the log's timestamp, and answers
 * the session that sent it. Runs on every node; only the leader's answers leave the node (Aeron Cluster drops the
 * followers'). Timers (seat expiry, server report checks) are the cluster's, so they fire at the same log position on
 * every node. The state is written to every snapshot and read back in {@link #onStart}. A new leadership term gives
 * every live room server a fresh report timeout from the term's log timestamp, so the time without a leader (an
 * election) never counts against a server.
 * <p>
 * Thread: the clustered service container's thread, for every method.
 */
public final class DirectoryService implements ClusteredService
{
    private static final int REPLY_ATTEMPTS = 3;

    private final DirectoryState state;
    private final DirectorySnapshot snapshot = new DirectorySnapshot();
    private final DirectoryHeaderFlyweight header = new DirectoryHeaderFlyweight();
    private final RegisterServerFlyweight register = new RegisterServerFlyweight();
    private final ReportFlyweight report = new ReportFlyweight();
    private final HeartbeatFlyweight heartbeat = new HeartbeatFlyweight();
    private final SeatRequestFlyweight seatRequest = new SeatRequestFlyweight();
    private final IdRequestFlyweight idRequest = new IdRequestFlyweight();
    private final ResultFlyweight result = new ResultFlyweight();
    private final SeatGrantedFlyweight granted = new SeatGrantedFlyweight();
    private final RoomStatusFlyweight roomStatus = new RoomStatusFlyweight();
    private final ExpandableDirectByteBuffer replyBuffer = new ExpandableDirectByteBuffer(512);
    private final byte[] properties = new byte[SeatRequestFlyweight.MAX_PROPERTIES_LENGTH];
    private final Counter[] counters = new Counter[DirectoryCounter.values().length];
    private Cluster cluster;
    private TimeUnit timeUnit = TimeUnit.MILLISECONDS;
    private long notAuthorised;

    /**
     * @param defaultSeatTtlMs      how long a seat is held unconfirmed when the request names no TTL.
     * @param maxSeatTtlMs          the longest TTL granted.
     * @param serverTimeoutMs       a room server not heard from for this long is marked dead.
     * @param placementTimeoutMs    a room placed by ticket that its server has not reported for this long is removed.
     * @param deadServerRetentionMs a dead server's rooms that are not durable are removed this long after its death.
     */
    public DirectoryService(
        final long defaultSeatTtlMs, final long maxSeatTtlMs, final long serverTimeoutMs,
        final long placementTimeoutMs, final long deadServerRetentionMs)
    {
        state = new DirectoryState(defaultSeatTtlMs, maxSeatTtlMs, serverTimeoutMs, placementTimeoutMs,
            deadServerRetentionMs, new ClusterEffects());
    }

    /**
     * {@inheritDoc}
     */
    public void onStart(final Cluster cluster, final Image snapshotImage)
    {
        this.cluster = cluster;
        if (null != cluster.timeUnit())
        {
            this.timeUnit = cluster.timeUnit();
        }
        for (final DirectoryCounter counter : DirectoryCounter.values())
        {
            if (counter.isNodeCounter())
            {
                continue;
            }
            counters[counter.ordinal()] = cluster.aeron().addCounter(
                counter.typeId(), counter.label() + " node=" + cluster.memberId());
        }
        if (null != snapshotImage)
        {
            snapshot.load(state, snapshotImage, cluster.idleStrategy());
        }
        updateCounters();
    }

    /**
     * {@inheritDoc}
     */
    public void onSessionOpen(final ClientSession session, final long timestamp)
    {
    }

    /**
     * {@inheritDoc}
     */
    public void onSessionClose(final ClientSession session, final long timestamp, final CloseReason closeReason)
    {
    }

    /**
     * {@inheritDoc}
     */
    public void onSessionMessage(
        final ClientSession session, final long timestamp, final DirectBuffer buffer, final int offset,
        final int length, final Header header)
    {
        final long nowMs = timeUnit.toMillis(timestamp);
        if (length < DirectoryHeaderFlyweight.HEADER_LENGTH)
        {
            state.invalidRequests++;
            updateCounters();
            return;
        }
        this.header.wrap(buffer, offset);
        final long correlationId = this.header.correlationId();
        if (DirectoryHeaderFlyweight.CURRENT_VERSION != this.header.version())
        {
            state.invalidRequests++;
            reply(session, correlationId, DirectoryResult.INVALID_REQUEST, 0);
        }
        else
        {
            dispatch(session, this.header.type(), buffer, offset, length, correlationId, nowMs);
        }
        updateCounters();
    }

    private void dispatch(
        final ClientSession session, final int type, final DirectBuffer buffer, final int offset, final int length,
        final long correlationId, final long nowMs)
    {
        if (!isAllowed(DirectoryAuth.roleOfPrincipal(session.encodedPrincipal()), type))
        {
            notAuthorised++;
            reply(session, correlationId, DirectoryResult.NOT_AUTHORISED, 0);
            return;
        }
        switch (type)
        {
            case DirectoryMessageType.REGISTER_SERVER:
                onRegister(session, buffer, offset, length, correlationId, nowMs);
                break;
            case DirectoryMessageType.REPORT:
                report.wrap(buffer, offset);
                if (length < ReportFlyweight.ROOMS_OFFSET || report.roomCount() < 0 ||
                    report.roomCount() > ReportFlyweight.MAX_ROOMS || length < ReportFlyweight.length(report.roomCount()))
                {
                    invalid(session, correlationId);
                    return;
                }
                replyIfFailed(session, correlationId, state.report(report, nowMs));
                break;
            case DirectoryMessageType.HEARTBEAT:
                heartbeat.wrap(buffer, offset);
                if (length < HeartbeatFlyweight.LENGTH)
                {
                    invalid(session, correlationId);
                    return;
                }
                replyIfFailed(session, correlationId, state.heartbeat(heartbeat.serverId(), heartbeat.health(), nowMs));
                break;
            case DirectoryMessageType.SEAT_BY_ROOM:
            case DirectoryMessageType.SEAT_BY_TICKET:
                onSeatRequest(session, type, buffer, offset, length, correlationId, nowMs);
                break;
            case DirectoryMessageType.CONFIRM_SEAT:
            case DirectoryMessageType.RELEASE_SEAT:
            case DirectoryMessageType.DESCRIBE_ROOM:
                onIdRequest(session, type, buffer, offset, length, correlationId);
                break;
            default:
                invalid(session, correlationId);
        }
    }

    /**
     * @param role the session's role (its principal), {@link DirectoryAuth#ROLE_ANY} without authentication.
     * @param type the command.
     * @return whether the role may send it: servers register, report and heartbeat; backends ask for and release
     *         seats; both confirm seats and describe rooms.
     */
    static boolean isAllowed(final int role, final int type)
    {
        if (DirectoryAuth.ROLE_ANY == role)
        {
            return true;
        }
        return switch (type)
        {
            case DirectoryMessageType.REGISTER_SERVER, DirectoryMessageType.REPORT, DirectoryMessageType.HEARTBEAT ->
                DirectoryAuth.ROLE_SERVER == role;
            case DirectoryMessageType.SEAT_BY_ROOM, DirectoryMessageType.SEAT_BY_TICKET,
                DirectoryMessageType.RELEASE_SEAT -> DirectoryAuth.ROLE_BACKEND == role;
            default -> DirectoryAuth.ROLE_BACKEND == role || DirectoryAuth.ROLE_SERVER == role;
        };
    }

    private void onRegister(
        final ClientSession session, final DirectBuffer buffer, final int offset, final int length,
        final long correlationId, final long nowMs)
    {
        register.wrap(buffer, offset);
        if (length < RegisterServerFlyweight.ADDRESS_OFFSET || register.addressLength() < 0 ||
            register.addressLength() > RegisterServerFlyweight.MAX_ADDRESS_LENGTH || length < register.length())
        {
            invalid(session, correlationId);
            return;
        }
        final long code = state.registerServer(session.id(), register.serverId(), register.capacity(),
            register.tokenKeyId(), register.address(), nowMs);
        reply(session, correlationId, code, register.serverId());
    }

    private void onSeatRequest(
        final ClientSession session, final int type, final DirectBuffer buffer, final int offset, final int length,
        final long correlationId, final long nowMs)
    {
        seatRequest.wrap(buffer, offset);
        final int propertiesLength = length < SeatRequestFlyweight.MIN_LENGTH ? -1 : seatRequest.propertiesLength();
        if (propertiesLength < 0 || propertiesLength > SeatRequestFlyweight.MAX_PROPERTIES_LENGTH ||
            length < seatRequest.length())
        {
            invalid(session, correlationId);
            return;
        }
        final long seatId;
        if (DirectoryMessageType.SEAT_BY_ROOM == type)
        {
            seatId = state.seatByRoom(session.id(), correlationId, seatRequest.roomId(), seatRequest.partySize(),
                seatRequest.ttlMs(), nowMs);
        }
        else
        {
            seatRequest.getProperties(properties);
            seatId = state.seatByTicket(session.id(), correlationId, seatRequest.kind(), seatRequest.partySize(),
                seatRequest.minPlayers(), seatRequest.maxPlayers(), seatRequest.ttlMs(),
                0 != (seatRequest.flags() & SeatRequestFlyweight.FLAG_DURABLE), properties, propertiesLength, nowMs);
        }
        if (seatId <= 0)
        {
            reply(session, correlationId, seatId, 0);
            return;
        }
        final SeatEntry seat = state.seat(seatId);
        final RoomEntry room = seat.room;
        granted.wrapForEncode(replyBuffer, 0, DirectoryMessageType.SEAT_GRANTED, correlationId);
        granted.seatId(seat.id).expiresAtMs(seat.expiresAtMs).roomId(room.id).serverId(room.server.id)
            .tokenKeyId(room.server.tokenKeyId).partySize(seat.partySize).occupied(room.occupied())
            .maxPlayers(room.maxPlayers).address(room.server.address);
        offer(session, granted.length());
    }

    private void onIdRequest(
        final ClientSession session, final int type, final DirectBuffer buffer, final int offset, final int length,
        final long correlationId)
    {
        idRequest.wrap(buffer, offset);
        if (length < IdRequestFlyweight.LENGTH)
        {
            invalid(session, correlationId);
            return;
        }
        final long id = idRequest.id();
        if (DirectoryMessageType.CONFIRM_SEAT == type)
        {
            reply(session, correlationId, state.confirmSeat(id), id);
        }
        else if (DirectoryMessageType.RELEASE_SEAT == type)
        {
            reply(session, correlationId, state.releaseSeat(id), id);
        }
        else
        {
            final RoomEntry room = id > 0 && id <= Integer.MAX_VALUE ? state.room((int)id) : null;
            if (null == room)
            {
                reply(session, correlationId, DirectoryResult.NO_SUCH_ROOM, id);
                return;
            }
            encodeRoom(roomStatus, replyBuffer, DirectoryMessageType.ROOM_STATUS, correlationId, room);
            offer(session, roomStatus.length());
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onTimerEvent(final long correlationId, final long timestamp)
    {
        state.onTimer(correlationId, timeUnit.toMillis(timestamp));
        updateCounters();
    }

    /**
     * {@inheritDoc}
     */
    public void onTakeSnapshot(final ExclusivePublication snapshotPublication)
    {
        snapshot.write(state, snapshotPublication, cluster.idleStrategy());
    }

    /**
     * {@inheritDoc}
     */
    public void onNewLeadershipTermEvent(
        final long leadershipTermId, final long logPosition, final long timestamp, final long termBaseLogPosition,
        final int leaderMemberId, final int logSessionId, final TimeUnit timeUnit, final int appVersion)
    {
        this.timeUnit = timeUnit;
        state.onNewLeadershipTerm(timeUnit.toMillis(timestamp));
    }

    /**
     * {@inheritDoc}
     */
    public void onRoleChange(final Cluster.Role newRole)
    {
    }

    /**
     * {@inheritDoc}
     */
    public void onTerminate(final Cluster cluster)
    {
        CloseHelper.closeAll(counters);
    }

    static void encodeRoom(
        final RoomStatusFlyweight flyweight, final MutableDirectBuffer buffer, final int type, final long correlationId,
        final RoomEntry room)
    {
        flyweight.wrapForEncode(buffer, 0, type, correlationId);
        flyweight.roomId(room.id).serverId(room.server.id).kind(room.kind).state(room.state).members(room.members)
            .reserved(room.reserved).minPlayers(room.minPlayers).maxPlayers(room.maxPlayers)
            .reportedAtMs(room.reportedAtMs).putProperties(room.properties, room.properties.length)
            .flags((room.durable ? RoomStatusFlyweight.FLAG_DURABLE : 0) |
            (room.restore ? RoomStatusFlyweight.FLAG_RESTORE : 0));
    }

    private void invalid(final ClientSession session, final long correlationId)
    {
        state.invalidRequests++;
        reply(session, correlationId, DirectoryResult.INVALID_REQUEST, 0);
    }

    private void replyIfFailed(final ClientSession session, final long correlationId, final long code)
    {
        if (code < 0)
        {
            reply(session, correlationId, code, 0);
        }
    }

    private void reply(final ClientSession session, final long correlationId, final long code, final long value)
    {
        result.wrapForEncode(replyBuffer, 0, DirectoryMessageType.RESULT, correlationId);
        result.code(code).value(value);
        offer(session, ResultFlyweight.LENGTH);
    }

    private void offer(final ClientSession session, final int length)
    {
        for (int attempt = 0; attempt < REPLY_ATTEMPTS; attempt++)
        {
            if (session.offer(replyBuffer, 0, length) > 0)
            {
                return;
            }
            cluster.idleStrategy().idle();
        }
        counters[DirectoryCounter.REPLIES_DROPPED.ordinal()].increment();
    }

    private void updateCounters()
    {
        set(DirectoryCounter.SEATS_GRANTED, state.seatsGranted);
        set(DirectoryCounter.SEATS_REFUSED, state.seatsRefused);
        set(DirectoryCounter.SEATS_CONFIRMED, state.seatsConfirmed);
        set(DirectoryCounter.SEATS_RELEASED, state.seatsReleased);
        set(DirectoryCounter.SEATS_EXPIRED, state.seatsExpired);
        set(DirectoryCounter.ROOMS_PLACED, state.roomsPlaced);
        set(DirectoryCounter.SERVERS_DEAD, state.serversDead);
        set(DirectoryCounter.ROOMS_REPLACED, state.roomsReplaced);
        set(DirectoryCounter.ROOMS_RETURNED, state.roomsReturned);
        set(DirectoryCounter.INVALID_REQUESTS, state.invalidRequests);
        set(DirectoryCounter.PLACEMENTS_TIMED_OUT, state.placementsTimedOut);
        set(DirectoryCounter.ROOMS_REMOVED, state.roomsRemoved);
        set(DirectoryCounter.REQUESTS_NOT_AUTHORISED, notAuthorised);
    }

    private void set(final DirectoryCounter counter, final long value)
    {
        final Counter c = counters[counter.ordinal()];
        if (null != c)
        {
            c.setRelease(value);
        }
    }

    private final class ClusterEffects implements DirectoryState.Effects
    {
        public void scheduleTimer(final long timerId, final long deadlineMs)
        {
            final long deadline = timeUnit.convert(deadlineMs, TimeUnit.MILLISECONDS);
            while (!cluster.scheduleTimer(timerId, deadline))
            {
                cluster.idleStrategy().idle();
            }
        }

        public void cancelTimer(final long timerId)
        {
            while (!cluster.cancelTimer(timerId))
            {
                cluster.idleStrategy().idle();
            }
        }

        public void roomPlaced(final RoomEntry room)
        {
            final ClientSession session = cluster.getClientSession(room.server.sessionId);
            if (null != session)
            {
                encodeRoom(roomStatus, replyBuffer, DirectoryMessageType.ROOM_PLACED, 0, room);
                offer(session, roomStatus.length());
            }
        }
    }
}
