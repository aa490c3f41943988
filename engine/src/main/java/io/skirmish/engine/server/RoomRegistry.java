package io.skirmish.engine.server;

import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.archive.RoomArchive;
import io.skirmish.engine.archive.RoomRecordings;
import io.skirmish.engine.LeaveReason;
import io.skirmish.engine.jfr.ServerEvents;
import io.skirmish.engine.protocol.JoinResultFlyweight;
import io.skirmish.engine.protocol.LeftRoomFlyweight;
import io.skirmish.engine.protocol.ResumeStateFlyweight;
import io.skirmish.engine.protocol.SystemEvent;
import io.skirmish.engine.status.Counters;
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.collections.ArrayUtil;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.File;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntFunction;

import static io.skirmish.engine.protocol.FrameHeaderFlyweight.FLAG_SYSTEM;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The server's rooms: creating and closing them, their members joining and leaving (each change a sequenced
 * membership event in the room and a result or notice to the session), and their ticks. Conductor thread only.
 */
final class RoomRegistry
{
    private final GameServer.Context ctx;
    private final EventFanOut fanOut;
    private final ReliableSender sender;
    private final SnapshotPublisher snapshots;
    private final ConductorThread thread;
    private final CachedNanoClock clock;
    private final NanoClock tickClock;
    private final ErrorHandler errors;
    private final IntFunction<AtomicCounter> oldestSeqCounters;
    private final IntFunction<Peer> peers;
    private final AtomicCounter roomsActive;
    private final AtomicCounter ticksLate;
    private final AtomicCounter rewinds;
    private final AtomicCounter clampedRewinds;
    private final Int2ObjectHashMap<Room> roomById = new Int2ObjectHashMap<>();
    private final UnsafeBuffer controlBuffer;
    private final UnsafeBuffer noticePayload = new UnsafeBuffer(new byte[JoinResultFlyweight.LENGTH]);
    private final ResumeStateFlyweight resumeStateFlyweight = new ResumeStateFlyweight();
    private final UnsafeBuffer systemPayload = new UnsafeBuffer(new byte[SystemEvent.PAYLOAD_LENGTH]);
    private final JoinResultFlyweight joinResultFlyweight = new JoinResultFlyweight();
    private final LeftRoomFlyweight leftRoomFlyweight = new LeftRoomFlyweight();
    private RoomArchive archive;
    private Consumer<Peer> persist = (peer) -> {};
    private Room[] rooms = new Room[0];
    private Room[] tickingRooms = new Room[0];

    RoomRegistry(
        final GameServer.Context ctx,
        final Counters counters,
        final EventFanOut fanOut,
        final ReliableSender sender,
        final SnapshotPublisher snapshots,
        final ConductorThread thread,
        final CachedNanoClock clock,
        final ErrorHandler errors,
        final IntFunction<AtomicCounter> oldestSeqCounters,
        final IntFunction<Peer> peers)
    {
        this.ctx = ctx;
        this.fanOut = fanOut;
        this.sender = sender;
        this.snapshots = snapshots;
        this.thread = thread;
        this.clock = clock;
        this.tickClock = ctx.nanoClock();
        this.errors = errors;
        this.oldestSeqCounters = oldestSeqCounters;
        this.peers = peers;
        this.controlBuffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            ResumeStateFlyweight.length(ctx.maxRoomsPerSession + 1, ctx.maxRoomsPerSession) + 64, 64));
        this.roomsActive = counters.get(EngineCounter.ROOMS_ACTIVE);
        this.ticksLate = counters.get(EngineCounter.TICKS_LATE);
        this.rewinds = counters.get(EngineCounter.REWINDS);
        this.clampedRewinds = counters.get(EngineCounter.REWINDS_CLAMPED);
    }

    /**
     * @param archive where durable rooms are recorded, or null when the server has no archive.
     */
    void archive(final RoomArchive archive)
    {
        this.archive = archive;
    }

    /**
     * @param persist called with a session whose durable memberships changed (a join or leave), to persist it.
     */
    void persist(final Consumer<Peer> persist)
    {
        this.persist = persist;
    }

    /**
     * A session restored after a restart is a member of a restored durable room again, owed every event after the
     * seq it had acknowledged when it was persisted (replayed from the room's history on its resume, or a resync
     * when the history does not reach back so far). No membership event: the room's recording has its join.
     */
    void restoreMember(final int roomId, final Peer peer, final long ackedSeq)
    {
        final Room room = roomById.get(roomId);
        if (null == room || room.closed || !room.isDurable() || peer.session.memberships.containsKey(roomId))
        {
            return;
        }
        if (null != room.restoredSenderSeqs)
        {
            peer.reliableRecordedSeq = Math.max(peer.reliableRecordedSeq, room.restoredSenderSeqs.get(peer.sessionId));
        }
        final Membership m = new Membership(peer, room.stream, room);
        m.ackedSeq = Math.min(ackedSeq, room.stream.lastSeq);
        m.nextSeqToSend = m.ackedSeq + 1;
        m.restoredAtSeq = room.restoredSeq;
        if (room.memberCount == room.members.length)
        {
            room.members = Arrays.copyOf(room.members, room.members.length * 2);
        }
        m.indexInRoom = room.memberCount;
        room.members[room.memberCount++] = m;
        peer.session.memberships.put(roomId, m);
        fanOut.markBehind(m);
    }

    int maxMessageLength()
    {
        return ctx.maxMessageLength();
    }

    long nowNs()
    {
        return clock.nanoTime();
    }

    Room create(final int roomId, final RoomOptions options)
    {
        if (roomId <= 0)
        {
            throw new IllegalArgumentException("room id must be positive: " + roomId);
        }
        if (roomById.containsKey(roomId))
        {
            throw new IllegalArgumentException("room id in use: " + roomId);
        }
        final RoomOptions copy = options.copy();
        copy.validate();
        if (copy.durable && null == archive)
        {
            throw new IllegalStateException("a durable room needs an archive: set GameServer.Context" +
                ".archiveDirectoryName or aeronArchiveContext");
        }
        final RoomListener listener = null == copy.listener ? ctx.defaultRoomListener : copy.listener;
        final AtomicCounter oldestSeqCounter = oldestSeqCounters.apply(roomId);
        final Room room = new Room(roomId, copy, listener, this, fanOut, snapshots, thread, oldestSeqCounter);
        oldestSeqCounter.setRelease(room.stream.history.oldestSeq());
        if (copy.maxRewindTicks > 0)
        {
            room.lagCompensation =
                new LagCompensation(copy.maxRewindTicks, copy.rewindStateLength, rewinds, clampedRewinds);
        }
        if (copy.durable)
        {
            room.recorder = archive.record(roomId);
        }
        roomById.put(roomId, room);
        rooms = ArrayUtil.add(rooms, room);
        if (copy.tickRateHz > 0)
        {
            room.tickIntervalNs = TimeUnit.SECONDS.toNanos(1) / copy.tickRateHz;
            // the clock itself, not the cycle's cached time: that is stale after an idle spell
            room.nextTickNs = ctx.nanoClock().nanoTime() + room.tickIntervalNs;
            tickingRooms = ArrayUtil.add(tickingRooms, room);
        }
        roomsActive.setRelease(roomById.size());
        ServerEvents.roomCreated(roomId, copy.tickRateHz, copy.maxMembers);
        return room;
    }

    /**
     * Create a durable room again from its recordings (see {@link GameServer#restoreRoom}). Cold path; blocks.
     */
    Room restore(final int roomId, final RoomOptions options)
    {
        if (null == archive)
        {
            throw new IllegalStateException("restoring a room needs an archive");
        }
        if (null != ctx.archiveDirectoryName() &&
            TakeOvers.rooms(new File(ctx.archiveDirectoryName())).contains(roomId))
        {
            throw new IllegalStateException("room " + roomId + " was taken over by another server (" +
                TakeOvers.FILE_NAME + " in the archive directory): it is not restored here again");
        }
        return restore(roomId, options, archive.recordings());
    }

    /**
     * Create a durable room again from recordings, this server's or a dead server's ({@link GameServer#restoreRoom}
     * with a directory). Cold path; blocks.
     */
    Room restore(final int roomId, final RoomOptions options, final RoomRecordings recordings)
    {
        if (null == archive)
        {
            throw new IllegalStateException("restoring a room needs an archive");
        }
        if (roomId <= 0)
        {
            throw new IllegalArgumentException("room id must be positive: " + roomId);
        }
        if (roomById.containsKey(roomId))
        {
            throw new IllegalArgumentException("room id in use: " + roomId);
        }
        final LongArrayList ids = recordings.recordingIds(roomId);
        for (int i = 0; i < ids.size(); i++)
        {
            // a recording the archive still has active (an external archive outliving the previous server) is
            // waited for: restoring without its newest frames would lose them silently
            if (RoomRecordings.TIMED_OUT == recordings.awaitStopped(ids.getLong(i), ctx.activeRecordingWaitNs()))
            {
                throw new IllegalStateException("restoring room " + roomId + ": recording " + ids.getLong(i) +
                    " is still active in the archive after " +
                    TimeUnit.NANOSECONDS.toMillis(ctx.activeRecordingWaitNs()) + " ms (a previous server's " +
                    "recording that has not stopped yet, or a live server recording the room)");
            }
        }
        final RoomRestore restore = new RoomRestore(ctx.maxMessageLength(), errors);
        restore.scan(recordings, ids);
        final Room room = create(roomId, options.copy().durable(true));
        try
        {
            room.stream.lastSeq = restore.lastSeq();
            room.restoredSeq = restore.lastSeq();
            room.restoreId = ThreadLocalRandom.current().nextLong() | 1L;
            if (room.tickIntervalNs > 0)
            {
                room.tick = restore.restoredTick(ctx.epochClock.time(), room.tickIntervalNs);
            }
            room.restoredSenderSeqs = restore.senderSeqs();
            restore.apply(recordings, ids, room, clock.nanoTime(), archive);
            room.oldestSeqCounter.setRelease(room.stream.history.oldestSeq());
        }
        catch (final RuntimeException ex)
        {
            close(roomId);
            throw ex;
        }
        return room;
    }

    /**
     * @return the live record behind a session the game holds, or null once it closed.
     */
    Peer peerOf(final Session session)
    {
        final Peer peer = peers.apply(session.sessionId);
        return null != peer && peer.session == session ? peer : null;
    }

    Room room(final int roomId)
    {
        return roomById.get(roomId);
    }

    int count()
    {
        return roomById.size();
    }

    void forEach(final Consumer<Room> consumer)
    {
        for (final Room room : rooms)
        {
            consumer.accept(room);
        }
    }

    boolean close(final int roomId)
    {
        final Room room = roomById.remove(roomId);
        if (null == room)
        {
            return false;
        }
        ServerEvents.roomClosed(roomId, room.memberCount, room.tick);
        while (room.memberCount > 0)
        {
            removeMember(room, room.members[room.memberCount - 1], LeaveReason.ROOM_CLOSED, false);
        }
        room.closed = true;
        if (null != room.recorder)
        {
            archive.stop(room.recorder);
        }
        snapshots.onRoomClosed(room);
        rooms = ArrayUtil.remove(rooms, room);
        tickingRooms = ArrayUtil.remove(tickingRooms, room);
        CloseHelper.quietClose(room.oldestSeqCounter);
        roomsActive.setRelease(roomById.size());
        return true;
    }

    int tick(final long nowNs)
    {
        int work = 0;
        for (final Room room : tickingRooms)
        {
            if (nowNs - room.nextTickNs >= 0)
            {
                final long lateNs = nowNs - room.nextTickNs;
                if (lateNs > room.tickIntervalNs)
                {
                    ticksLate.incrementRelease();
                    room.nextTickNs = nowNs + room.tickIntervalNs;
                }
                else
                {
                    room.nextTickNs += room.tickIntervalNs;
                }
                room.tick++;
                if (null != room.recorder && room.tick >= room.nextRecordedTick)
                {
                    recordTick(room, nowNs);
                }
                final long startNs = tickClock.nanoTime();
                try
                {
                    room.listener.onTick(room, room.tick, nowNs);
                }
                catch (final Throwable t)
                {
                    errors.onError(t);
                }
                onTicked(room, tickClock.nanoTime() - startNs, lateNs);
                work++;
            }
        }
        return work;
    }

    /**
     * Record a durable ticking room's tick about once a second, so that a restored room continues its tick count.
     */
    private void recordTick(final Room room, final long nowNs)
    {
        room.recorder.onTick(room.stream.lastSeq, nowNs, room.tick, ctx.epochClock.time());
        room.nextRecordedTick = room.tick + Math.max(1, TimeUnit.SECONDS.toNanos(1) / room.tickIntervalNs);
    }

    /**
     * Keep the tick's duration for the metrics, and tell a recording about a slow tick.
     */
    private static void onTicked(final Room room, final long durationNs, final long lateNs)
    {
        room.tickTimesNs[(int)(room.tick & (Room.TICK_TIME_HISTORY - 1))] = durationNs;
        if (durationNs > room.tickIntervalNs || lateNs > room.tickIntervalNs)
        {
            ServerEvents.slowTick(room.roomId, room.tick, durationNs, lateNs, room.tickIntervalNs);
        }
    }

    /**
     * Age the rooms' histories and publish each room's oldest retained seq.
     */
    void expireHistories(final long nowNs)
    {
        for (final Room room : rooms)
        {
            room.stream.history.expire(nowNs);
            room.oldestSeqCounter.setRelease(room.stream.history.oldestSeq());
        }
    }

    /**
     * A client's JOIN_REQUEST: checked, put to the room's listener, answered.
     */
    void onJoinRequest(
        final Peer peer,
        final int roomId,
        final int requestId,
        final DirectBuffer buffer,
        final int payloadOffset,
        final int payloadLength)
    {
        final Room room = roomById.get(roomId);
        if (null == room)
        {
            sendJoinResult(peer, roomId, requestId, JoinResultFlyweight.NO_SUCH_ROOM, 0, 0);
            return;
        }
        final int precheck = precheck(room, peer);
        if (JoinResultFlyweight.JOINED != precheck)
        {
            sendJoinResult(peer, roomId, requestId, precheck, 0, room.stream.lastSeq + 1);
            return;
        }
        boolean allowed;
        try
        {
            allowed = room.listener.onJoinRequest(room, peer.session, buffer, payloadOffset, payloadLength);
        }
        catch (final Throwable t)
        {
            errors.onError(t);
            allowed = false;
        }
        if (!allowed)
        {
            sendJoinResult(peer, roomId, requestId, JoinResultFlyweight.DENIED, 0, room.stream.lastSeq + 1);
            return;
        }
        join(room, peer, requestId);
    }

    private int precheck(final Room room, final Peer peer)
    {
        final Session session = peer.session;
        if (room.closed)
        {
            return JoinResultFlyweight.NO_SUCH_ROOM;
        }
        if (session.memberships.containsKey(room.roomId))
        {
            return JoinResultFlyweight.ALREADY_MEMBER;
        }
        if (room.memberCount >= room.options.maxMembers)
        {
            return JoinResultFlyweight.ROOM_FULL;
        }
        if (session.memberships.size() + peer.departures.size() >= ctx.maxRoomsPerSession)
        {
            return JoinResultFlyweight.TOO_MANY_ROOMS;
        }
        return JoinResultFlyweight.JOINED;
    }

    /**
     * Add a session to a room: it is told (with the room's next seq and a late-join backlog), and the room gets a
     * membership event.
     *
     * @return {@link JoinResultFlyweight#JOINED} or why not.
     */
    int join(final Room room, final Peer peer, final int requestId)
    {
        if (peer.state() == SessionState.CLOSED)
        {
            return JoinResultFlyweight.DENIED;
        }
        final int precheck = precheck(room, peer);
        if (JoinResultFlyweight.JOINED != precheck)
        {
            return precheck;
        }
        final EventHistory history = room.stream.history;
        history.expire(clock.nanoTime());
        final long lastSeq = room.stream.lastSeq;
        final long available = history.oldestSeq() <= lastSeq ? lastSeq - history.oldestSeq() + 1 : 0;
        final int backlog = (int)Math.min(room.options.backlogCount, available);

        final Membership m = new Membership(peer, room.stream, room);
        m.nextSeqToSend = lastSeq + 1 - backlog;
        m.ackedSeq = m.nextSeqToSend - 1;
        if (room.memberCount == room.members.length)
        {
            room.members = Arrays.copyOf(room.members, room.members.length * 2);
        }
        m.indexInRoom = room.memberCount;
        room.members[room.memberCount++] = m;
        peer.session.memberships.put(room.roomId, m);

        m.joinNoticeSeq = sendJoinResult(
            peer, room.roomId, requestId, JoinResultFlyweight.JOINED, backlog, m.nextSeqToSend);
        if (backlog > 0 || null != peer.departure(room.roomId))
        {
            // a backlog is pumped; and while an ended membership of this room is still owed events, the new one waits
            fanOut.markBehind(m);
        }
        announce(room, SystemEvent.MEMBER_JOINED, peer.sessionId, 0);
        try
        {
            room.listener.onJoined(room, peer.session);
        }
        catch (final Throwable t)
        {
            errors.onError(t);
        }
        if (room.isDurable())
        {
            persist.accept(peer);
        }
        return JoinResultFlyweight.JOINED;
    }

    /**
     * @return true when the session was a member.
     */
    boolean leave(final Room room, final Peer peer, final LeaveReason reason)
    {
        final Membership m = peer.session.memberships.get(room.roomId);
        if (null == m || m.room != room)
        {
            return false;
        }
        removeMember(room, m, reason, true);
        return true;
    }

    /**
     * A closing session leaves every room it is in, and is owed nothing more.
     */
    void leaveAll(final Peer peer)
    {
        final Int2ObjectHashMap<Membership> memberships = peer.session.memberships;
        while (!memberships.isEmpty())
        {
            final Membership m = memberships.values().iterator().next();
            removeMember(m.room, m, LeaveReason.DISCONNECTED, true);
        }
        while (!peer.departures.isEmpty())
        {
            fanOut.release(peer.departures.get(peer.departures.size() - 1));
        }
    }

    private void removeMember(final Room room, final Membership m, final LeaveReason reason, final boolean announce)
    {
        final Peer peer = m.peer;
        final int index = m.indexInRoom;
        final int last = room.memberCount - 1;
        if (index != last)
        {
            room.members[index] = room.members[last];
            room.members[index].indexInRoom = index;
        }
        room.members[last] = null;
        room.memberCount = last;
        m.indexInRoom = -1;
        peer.session.memberships.remove(room.roomId);

        if (peer.state() != SessionState.CLOSED && reason != LeaveReason.DISCONNECTED)
        {
            // the session is owed the room's events up to here: they reach it before its leave does
            m.finalSeq = room.stream.lastSeq;
            if (m.ackedSeq < m.finalSeq)
            {
                m.departed = true;
                peer.departures.add(m);
            }
            else
            {
                m.behind = false;
            }
            leftRoomFlyweight.wrap(noticePayload, 0).roomId(room.roomId).reason(reason.code()).finalSeq(m.finalSeq);
            m.leftNoticeSeq = fanOut.sendDirect(
                peer, SystemEvent.LEFT_ROOM, FLAG_SYSTEM, noticePayload, 0, LeftRoomFlyweight.LENGTH);
        }
        else
        {
            m.behind = false;
        }
        if (announce)
        {
            announce(room, SystemEvent.MEMBER_LEFT, peer.sessionId, reason.code());
        }
        if (room.isDurable() && reason != LeaveReason.DISCONNECTED && !room.closed)
        {
            persist.accept(peer);
        }
        try
        {
            room.listener.onLeft(room, peer.session, reason);
        }
        catch (final Throwable t)
        {
            errors.onError(t);
        }
    }

    private void announce(final Room room, final int systemEvent, final int sessionId, final int reasonCode)
    {
        systemPayload.putInt(0, sessionId, LITTLE_ENDIAN);
        systemPayload.putInt(4, reasonCode, LITTLE_ENDIAN);
        fanOut.broadcast(room, systemEvent, FLAG_SYSTEM, systemPayload, 0, SystemEvent.PAYLOAD_LENGTH, 0, 0);
    }

    /**
     * The answer to a join, as a notice on the session's direct stream: in order with its other notices, replayed
     * after a resume.
     *
     * @return the notice's seq on the direct stream.
     */
    private long sendJoinResult(
        final Peer peer, final int roomId, final int requestId, final int status, final int backlog, final long nextSeq)
    {
        joinResultFlyweight.wrap(noticePayload, 0)
            .roomId(roomId).requestId(requestId).status(status).backlogCount(backlog).nextSeq(nextSeq);
        return fanOut.sendDirect(
            peer, SystemEvent.JOIN_RESULT, FLAG_SYSTEM, noticePayload, 0, JoinResultFlyweight.LENGTH);
    }

    /**
     * A session resumed: every stream it is in, or is still owed events of, goes back to the first event it did not
     * acknowledge, and it is told where each continues and how far each reached, and, for each room it was restored
     * into after a restart (until it showed it holds nothing past it), the seq the room was restored at.
     */
    void resume(final Peer peer)
    {
        final Session session = peer.session;
        final Membership direct = session.direct;
        fanOut.rewindForResume(direct);
        final ResumeStateFlyweight state = resumeStateFlyweight;
        state.wrapForEncode(controlBuffer, 0, peer.sessionId);
        int count = 0;
        state.entry(count++, 0, ResumeStateFlyweight.DIRECT, direct.ackedSeq + 1, direct.stream.lastSeq, 0);
        final Int2ObjectHashMap<Membership>.ValueIterator it = session.memberships.values().iterator();
        while (it.hasNext())
        {
            final Membership m = it.next();
            fanOut.rewindForResume(m);
            final int kind = m.joinNoticeSeq > direct.ackedSeq ?
                ResumeStateFlyweight.JOINED_WHILE_AWAY : ResumeStateFlyweight.MEMBER;
            state.entry(count++, m.room.roomId, kind, m.ackedSeq + 1, m.stream.lastSeq, m.joinNoticeSeq);
        }
        for (int i = 0, n = peer.departures.size(); i < n; i++)
        {
            final Membership m = peer.departures.get(i);
            fanOut.rewindForResume(m);
            state.entry(count++, m.stream.id, ResumeStateFlyweight.LEFT_WHILE_AWAY, m.ackedSeq + 1, m.finalSeq,
                m.leftNoticeSeq);
        }
        state.count(count);
        int restoredCount = 0;
        final Int2ObjectHashMap<Membership>.ValueIterator restoredIt = session.memberships.values().iterator();
        while (restoredIt.hasNext())
        {
            // restored with the session: the client may hold events past where the room's recording ended
            final Membership m = restoredIt.next();
            if (m.restoredAtSeq >= 0 && restoredCount < ctx.maxRoomsPerSession)
            {
                state.restored(restoredCount++, m.room.roomId, m.restoredAtSeq, m.room.restoreId);
            }
        }
        state.restoredCount(restoredCount);
        sender.sendInOrder(peer, controlBuffer, 0, ResumeStateFlyweight.length(count, restoredCount));
    }

    /**
     * A client resumed into a room restored after a restart at a seq below what it had delivered (a
     * {@link DurableDelivery#LIVE} room delivers before it records) and went back to that seq: one resync, to the
     * room's newest seq, stands in for the events it held that the restored room does not have, and for the
     * restored room's own events with those seqs. Asked for again only when the resync was lost.
     *
     * @return false when the request is malformed (no such membership, or a room that was not restored).
     */
    boolean onResyncRequest(final Membership m, final long fromSeq)
    {
        if (null == m || null == m.room || m.room.restoredSeq < 0 || fromSeq < 1)
        {
            return false;
        }
        m.restoredAtSeq = -1;
        if (m.resyncedUpTo > m.room.restoredSeq && clock.nanoTime() - m.resyncSentNs < EventFanOut.RESYNC_LOST_AFTER_NS)
        {
            return true; // one is on its way
        }
        m.resendCount = 0;
        m.resyncLost = true; // the pump sends a resync to the newest seq owed before anything else
        fanOut.markBehind(m);
        return true;
    }

    void closeAll()
    {
        for (final Room room : rooms)
        {
            CloseHelper.quietClose(room.oldestSeqCounter);
        }
    }
}
