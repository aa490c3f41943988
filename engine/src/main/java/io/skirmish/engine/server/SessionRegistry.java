package io.skirmish.engine.server;

import io.aeron.Publication;
import io.skirmish.engine.DisconnectReason;
import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.jfr.ServerEvents;
import io.skirmish.engine.protocol.DisconnectFlyweight;
import io.skirmish.engine.protocol.FrameHeaderFlyweight;
import io.skirmish.engine.protocol.FrameType;
import io.skirmish.engine.protocol.PingFlyweight;
import io.skirmish.engine.security.FrameCipher;
import io.skirmish.engine.security.LaneCrypto;
import io.skirmish.engine.security.TokenBucket;
import io.skirmish.engine.status.Counters;
import org.agrona.BufferUtil;
import org.agrona.ErrorHandler;
import org.agrona.collections.ArrayListUtil;
import org.agrona.collections.ArrayUtil;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.IntArrayList;
import org.agrona.collections.IntHashSet;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Every session of the server and its life: created by the handshake, bound when the client binds its lane (on the
 * port pair it was given), moved when it binds another (a new path after NAT rebinding), suspended when its
 * connection is lost, resumed, closed. Every {@link SessionState} change goes through {@link #transition}, and
 * the game hears of each from here. Keepalives, timeouts and the resume window are checked in
 * {@link #housekeeping}. Conductor thread only.
 */
final class SessionRegistry
{
    private static final long NETWORK_SAMPLE_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);
    /** How far a restored session's direct stream jumps past the seq persisted for it. */
    static final long DIRECT_SEQ_SKIP = 1L << 32;

    private final GameServer.Context ctx;
    private final ServerListener listener;
    private final ErrorHandler errors;
    private final ReliableSender sender;
    private final EventFanOut fanOut;
    private final RoomRegistry rooms;
    private final LaneControl lanes;
    private final FrameCipher cipher;
    private final CachedNanoClock clock;
    private final SecureRandom random = new SecureRandom();
    private final Int2ObjectHashMap<Peer> peerById = new Int2ObjectHashMap<>();
    private final ArrayList<Peer> binding = new ArrayList<>();
    private final UnsafeBuffer controlBuffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(256, 64));
    private final FrameHeaderFlyweight headerFlyweight = new FrameHeaderFlyweight();
    private final PingFlyweight pingFlyweight = new PingFlyweight();
    private final DisconnectFlyweight disconnectFlyweight = new DisconnectFlyweight();
    private final AtomicCounter sessionsActive;
    private final AtomicCounter sessionsAccepted;
    private final AtomicCounter sessionsResumed;
    private final AtomicCounter sessionsTimedOut;
    private final AtomicCounter kickedForAbuse;
    private final AtomicCounter lanesMigrated;
    private Peer[] peers = new Peer[0];
    private SessionStore store;
    private int nextSessionId;
    private long nextNetworkSampleNs;
    private long lastStallNs;

    SessionRegistry(
        final GameServer.Context ctx,
        final Counters counters,
        final ServerListener listener,
        final ErrorHandler errors,
        final ReliableSender sender,
        final EventFanOut fanOut,
        final RoomRegistry rooms,
        final LaneControl lanes,
        final FrameCipher cipher,
        final CachedNanoClock clock)
    {
        this.ctx = ctx;
        this.nextSessionId = ctx.sessionIdBase();
        this.listener = listener;
        this.errors = errors;
        this.sender = sender;
        this.fanOut = fanOut;
        this.rooms = rooms;
        this.lanes = lanes;
        this.cipher = cipher;
        this.clock = clock;
        this.sessionsActive = counters.get(EngineCounter.SESSIONS_ACTIVE);
        this.sessionsAccepted = counters.get(EngineCounter.SESSIONS_ACCEPTED);
        this.sessionsResumed = counters.get(EngineCounter.SESSIONS_RESUMED);
        this.sessionsTimedOut = counters.get(EngineCounter.SESSIONS_TIMED_OUT);
        this.kickedForAbuse = counters.get(EngineCounter.SESSIONS_KICKED_FOR_ABUSE);
        this.lanesMigrated = counters.get(EngineCounter.LANES_MIGRATED);
    }

    /**
     * @param store where sessions are persisted for a restart, or null.
     */
    void store(final SessionStore store)
    {
        this.store = store;
        if (null != store)
        {
            nextSessionId = Math.max(nextSessionId, store.highestSessionId() + 1);
        }
    }

    /**
     * The sessions a previous process persisted come back suspended, awaiting their resumes within the resume
     * window from now, members of the durable rooms already restored at the seq persisted at their last membership
     * change. Cold path.
     *
     * @return sessions restored.
     */
    int restore(final long nowNs)
    {
        if (null == store)
        {
            return 0;
        }
        int restored = 0;
        final IntHashSet takenOver = TakeOvers.sessions(store.file().getParentFile());
        for (final SessionStore.Record record : store.loaded())
        {
            if (peerById.containsKey(record.sessionId) || isFull() || takenOver.contains(record.sessionId))
            {
                continue;
            }
            final Peer peer = restorePeer(record, nowNs);
            for (int i = 0; i < record.roomIds.length; i++)
            {
                rooms.restoreMember(record.roomIds[i], peer, record.ackedSeqs[i]);
            }
            fanOut.suspend(peer);
            nextSessionId = Math.max(nextSessionId, record.sessionId + 1);
            restored++;
        }
        store.clearLoaded();
        sessionsActive.setRelease(peerById.size());
        return restored;
    }

    /**
     * Take over the sessions a dead server persisted as members of one of its rooms (see {@link SessionRestore}).
     *
     * @return the ids of the sessions taken over.
     */
    IntArrayList takeOver(final SessionStore foreign, final int roomId, final long nowNs)
    {
        final IntArrayList taken = SessionRestore.takeOver(this, rooms, fanOut, errors, foreign, roomId, nowNs);
        sessionsActive.setRelease(peerById.size());
        return taken;
    }

    /**
     * A persisted session back in the registry, suspended since now (not yet in any room).
     */
    Peer restorePeer(final SessionStore.Record record, final long nowNs)
    {
        final Peer peer = SessionRestore.newPeer(record, ctx, cipher, DIRECT_SEQ_SKIP, nowNs);
        peerById.put(peer.sessionId, peer);
        peer.index = peers.length;
        peers = ArrayUtil.add(peers, peer);
        return peer;
    }

    /**
     * @return true when the secret a resume presents is the session's: for a restored session, its digest is the
     * one persisted; the session then keeps the secret.
     */
    boolean secretMatches(final Peer peer, final long secret)
    {
        if (null == peer.secretDigest)
        {
            return peer.secret == secret;
        }
        final SessionStore digests = null != peer.digestStore ? peer.digestStore : store;
        if (!digests.matches(peer.secretDigest, peer.sessionId, secret))
        {
            return false;
        }
        peer.secret = secret;
        peer.secretDigest = null;
        peer.digestStore = null;
        return true;
    }

    /**
     * Persist the session's durable memberships (cold path: a connect, a join or a leave).
     */
    void persist(final Peer peer)
    {
        if (null != store && peer.announced && peer.state() != SessionState.CLOSED && null == peer.digestStore)
        {
            try
            {
                store.put(peer);
            }
            catch (final RuntimeException ex)
            {
                errors.onError(ex);
            }
        }
    }

    Peer peer(final int sessionId)
    {
        return peerById.get(sessionId);
    }

    int count()
    {
        return peerById.size();
    }

    boolean isFull()
    {
        return peerById.size() >= ctx.maxSessions;
    }

    Peer[] peers()
    {
        return peers;
    }

    void forEach(final Consumer<Session> consumer)
    {
        for (final Peer peer : peers)
        {
            consumer.accept(peer.session);
        }
    }

    /**
     * A new session for an accepted connect request, answering on the lane it came on, given a port pair, and
     * waiting for the client to bind its lane there.
     *
     * @param keyed       true when the server uses connect tokens and the key halves are the session key.
     * @param clientNonce from the request, for the connection's frame key.
     */
    Peer create(
        final Lane lane,
        final long clientId,
        final boolean keyed,
        final long k0,
        final long k1,
        final long clientNonce,
        final boolean encrypt,
        final long nowNs)
    {
        final Session session = new Session(nextSessionId++, ctx.sessionTimeoutNs);
        session.clientId = clientId;
        final LaneCrypto crypto = new LaneCrypto(cipher, false);
        if (keyed)
        {
            crypto.sessionKey(k0, k1);
        }
        final Peer peer = new Peer(
            session,
            random.nextLong(),
            crypto,
            new EventHistory(ctx.directHistoryCount, ctx.directHistoryBytes, 0),
            new TokenBucket(ctx.maxMessagesPerSecond, ctx.maxMessagesPerSecond * 2L, nowNs),
            new TokenBucket(ctx.maxBytesPerSecond, ctx.maxBytesPerSecond * 2L, nowNs));
        peer.keyed = keyed;
        peer.keyK0 = k0;
        peer.keyK1 = k1;
        startConnection(peer, lane, clientNonce, encrypt, nowNs);
        peerById.put(session.sessionId, peer);
        peer.index = peers.length;
        peers = ArrayUtil.add(peers, peer);
        sessionsActive.setRelease(peerById.size());
        sessionsAccepted.incrementRelease();
        return peer;
    }

    /**
     * A suspended (or binding) session comes back on a new lane; its old lane is let go.
     */
    void resume(final Peer peer, final Lane lane, final long clientNonce, final boolean encrypt, final long nowNs)
    {
        final Lane old = peer.lane;
        if (null != old && old != lane)
        {
            release(peer, old);
        }
        sender.clear(peer);
        // a client whose first lane binding stalled retries it as a resume; the game has not met that session yet
        peer.resuming = peer.announced;
        peer.session.disconnectReason = DisconnectReason.NONE;
        startConnection(peer, lane, clientNonce, encrypt, nowNs);
        if (peer.announced)
        {
            sessionsResumed.incrementRelease();
        }
    }

    private void startConnection(
        final Peer peer, final Lane lane, final long clientNonce, final boolean encrypt, final long nowNs)
    {
        take(peer, lane);
        peer.lanePair = lanes.assignPair(peer.lanePair);
        peer.laneBoundPending = false;
        peer.lastHeardNs = nowNs;
        peer.lastPingSentNs = nowNs;
        peer.serverNonce = random.nextLong();
        peer.clientNonce = clientNonce;
        peer.crypto.startConnection(clientNonce, peer.serverNonce, encrypt);
        peer.reliableHighestSeen = peer.reliableAckedSeq;
        if (null != peer.reliableChunks)
        {
            peer.reliableChunks.reset();
        }
        if (null != peer.reliableHold)
        {
            peer.reliableHold.clear();
        }
        transition(peer, SessionState.BINDING);
    }

    private void take(final Peer peer, final Lane lane)
    {
        peer.lane = lane;
        lane.peer = peer;
    }

    private void release(final Peer peer, final Lane lane)
    {
        lane.peer = null;
        lanes.close(lane);
        if (peer.lane == lane)
        {
            peer.lane = null;
        }
    }

    /**
     * A LANE_BIND that passed the gate: the lane becomes the session's, and LANE_BOUND answers once its publication
     * connects. A binding session completes its connection so; a connected one moves to the new lane (a new path after
     * NAT rebinding, or a silent one the client left), and its old lane is let go.
     */
    void bind(final Peer peer, final Lane lane)
    {
        final Lane old = peer.lane;
        if (old != lane)
        {
            if (null != old)
            {
                release(peer, old);
            }
            take(peer, lane);
            if (peer.state() == SessionState.CONNECTED)
            {
                lanesMigrated.incrementRelease();
            }
        }
        lanes.requestPublication(lane);
        if (null == lane.publication)
        {
            lanes.watch(lane);
        }
        peer.laneBoundPending = true;
        if (!peer.inBindingList)
        {
            peer.inBindingList = true;
            binding.add(peer);
        }
        tryCompleteBinding(peer);
    }

    /**
     * Answer a bind once the lane's publication is connected: the client is told, then (for a new connection) the
     * game.
     */
    void tryCompleteBinding(final Peer peer)
    {
        final Lane lane = peer.lane;
        if (!peer.laneBoundPending || null == lane || !lane.isConnected() ||
            (peer.state() != SessionState.BINDING && peer.state() != SessionState.CONNECTED))
        {
            return;
        }
        peer.laneBoundPending = false;
        headerFlyweight.wrapForEncode(controlBuffer, 0, FrameType.LANE_BOUND, peer.sessionId);
        sender.sendInOrder(peer, controlBuffer, 0, FrameHeaderFlyweight.HEADER_LENGTH);
        if (peer.state() == SessionState.BINDING)
        {
            transition(peer, SessionState.CONNECTED);
        }
    }

    /**
     * The one place a session changes state: lists, counters and the game's callbacks follow from here.
     */
    private void transition(final Peer peer, final SessionState newState)
    {
        final Session session = peer.session;
        final SessionState oldState = session.state;
        session.state = newState;
        if ((newState == SessionState.SUSPENDED || newState == SessionState.CLOSED) && peer.inBindingList)
        {
            peer.inBindingList = false;
            binding.remove(peer);
        }
        switch (newState)
        {
            case CONNECTED:
                if (peer.resuming)
                {
                    peer.resuming = false;
                    ServerEvents.resumed(session.sessionId, session.clientId);
                    guard(() -> listener.onSessionResumed(session));
                    if (peer.takenOver)
                    {
                        peer.takenOver = false;
                        persist(peer); // now under this server's store key
                    }
                }
                else if (oldState == SessionState.BINDING && !peer.announced)
                {
                    peer.announced = true;
                    session.connectedAtNs = clock.nanoTime();
                    ServerEvents.connected(session.sessionId, session.clientId);
                    guard(() -> listener.onSessionConnected(session));
                    persist(peer);
                }
                break;

            case SUSPENDED:
                guard(() -> listener.onSessionSuspended(session, session.disconnectReason));
                break;

            case CLOSED:
                peerById.remove(session.sessionId);
                peers = ArrayUtil.remove(peers, peer);
                sessionsActive.setRelease(peerById.size());
                if (null != store && peer.announced)
                {
                    try
                    {
                        store.remove(session.sessionId);
                    }
                    catch (final RuntimeException ex)
                    {
                        errors.onError(ex);
                    }
                }
                ServerEvents.closed(session.sessionId, session.clientId, session.disconnectReason.name());
                guard(() -> listener.onSessionClosed(session, session.disconnectReason));
                break;

            default:
                break;
        }
    }

    private void guard(final Runnable callback)
    {
        try
        {
            callback.run();
        }
        catch (final Throwable t)
        {
            errors.onError(t);
        }
    }

    /**
     * The conductor did not run for a while: the sessions were not silent, nobody was listening. Their liveness and
     * resume windows move on by the stall (a cold path, taken once per stall).
     */
    void onStalled(final long stalledNs, final long nowNs)
    {
        lastStallNs = nowNs;
        for (final Peer peer : peers)
        {
            peer.lastHeardNs = Math.min(nowNs, peer.lastHeardNs + stalledNs);
            if (peer.state() == SessionState.SUSPENDED)
            {
                peer.suspendedAtNs = Math.min(nowNs, peer.suspendedAtNs + stalledNs);
            }
        }
    }

    int housekeeping(final long nowNs)
    {
        int work = 0;
        for (int i = binding.size() - 1; i >= 0; i--)
        {
            final Peer peer = binding.get(i);
            tryCompleteBinding(peer);
            if (!peer.laneBoundPending && peer.state() != SessionState.BINDING)
            {
                peer.inBindingList = false;
                ArrayListUtil.fastUnorderedRemove(binding, i);
            }
        }
        final boolean sampleNetwork = nowNs - nextNetworkSampleNs >= 0;
        if (sampleNetwork)
        {
            nextNetworkSampleNs = nowNs + NETWORK_SAMPLE_INTERVAL_NS;
        }
        final Peer[] peers = this.peers;
        for (int i = peers.length - 1; i >= 0; i--)
        {
            final Peer peer = peers[i];
            switch (peer.state())
            {
                case CONNECTED:
                case BINDING:
                    if (nowNs - peer.lastHeardNs > ctx.sessionTimeoutNs)
                    {
                        sessionsTimedOut.incrementRelease();
                        onSessionLost(peer, DisconnectReason.TIMED_OUT, nowNs);
                        work++;
                    }
                    else if (peer.state() == SessionState.CONNECTED &&
                        nowNs - peer.lastPingSentNs >= ctx.keepAliveIntervalNs)
                    {
                        peer.lastPingSentNs = nowNs;
                        sendPing(peer, FrameType.PING, nowNs);
                        work++;
                    }
                    if (sampleNetwork)
                    {
                        peer.sampleNetwork(nowNs);
                    }
                    break;

                case SUSPENDED:
                    if (nowNs - peer.suspendedAtNs > ctx.resumeWindowNs)
                    {
                        close(peer, DisconnectReason.RESUME_WINDOW_EXPIRED, false);
                        work++;
                    }
                    break;

                default:
                    break;
            }
        }
        return work;
    }

    void sendPing(final Peer peer, final int type, final long originTimeNs)
    {
        if (null == peer.events() || !sender.isClear(peer))
        {
            return;
        }
        pingFlyweight.wrapForEncode(controlBuffer, 0, type, peer.sessionId);
        pingFlyweight.originTimeNs(originTimeNs);
        sender.offer(peer, controlBuffer, 0, PingFlyweight.LENGTH);
    }

    void onPong(final Peer peer, final long originTimeNs)
    {
        if (0 != lastStallNs && lastStallNs - originTimeNs > 0)
        {
            return;     // the round trip spans a stall of the conductor: it measures the stall, not the network
        }
        peer.session.rtt.onSample(clock.nanoTime() - originTimeNs);
    }

    /**
     * A lane's image went away: the connection is lost when it was the session's lane.
     */
    void onLaneLost(final Lane lane, final long nowNs)
    {
        final Peer peer = lane.peer;
        if (null != peer && peer.lane == lane)
        {
            onSessionLost(peer, DisconnectReason.TRANSPORT_LOST, nowNs);
        }
        lane.peer = null;
    }

    /**
     * The connection is gone: suspend the session for the resume window, or close it when it cannot resume.
     */
    void onSessionLost(final Peer peer, final DisconnectReason reason, final long nowNs)
    {
        if (ctx.resumeWindowNs <= 0 || !reason.isResumable())
        {
            close(peer, reason, true);
            return;
        }
        sendDisconnect(peer, reason);
        detach(peer);
        peer.session.disconnectReason = reason;
        peer.suspendedAtNs = nowNs;
        fanOut.suspend(peer);
        transition(peer, SessionState.SUSPENDED);
    }

    void kickForAbuse(final Peer peer)
    {
        if (peer.state() != SessionState.CLOSED)
        {
            kickedForAbuse.incrementRelease();
            close(peer, DisconnectReason.PROTOCOL_VIOLATION, true);
        }
    }

    /**
     * End a session: it leaves its rooms, is told why (when asked) and may not resume.
     */
    void close(final Peer peer, final DisconnectReason reason, final boolean notifyClient)
    {
        if (peer.state() == SessionState.CLOSED)
        {
            return;
        }
        rooms.leaveAll(peer);
        if (notifyClient)
        {
            sender.clear(peer);
            sendDisconnect(peer, reason);
        }
        detach(peer);
        lanes.releasePair(peer.lanePair);
        peer.lanePair = -1;
        peer.session.disconnectReason = reason;
        transition(peer, SessionState.CLOSED);
    }

    private void sendDisconnect(final Peer peer, final DisconnectReason reason)
    {
        if (null != peer.events())
        {
            disconnectFlyweight.wrapForEncode(controlBuffer, 0, FrameType.DISCONNECT, peer.sessionId);
            disconnectFlyweight.reason(reason.code());
            sender.offer(peer, controlBuffer, 0, DisconnectFlyweight.LENGTH);
        }
    }

    private void detach(final Peer peer)
    {
        final Lane lane = peer.lane;
        if (null != lane)
        {
            release(peer, lane);
        }
        peer.laneBoundPending = false;
        sender.clear(peer);
    }

    /**
     * Tell every session the server is shutting down.
     *
     * @return the events lanes' publications, to flush before the driver closes.
     */
    Publication[] shutdown()
    {
        final Publication[] publications = new Publication[peers.length];
        for (int i = 0; i < peers.length; i++)
        {
            final Peer peer = peers[i];
            sendDisconnect(peer, DisconnectReason.SERVER_SHUTDOWN);
            publications[i] = null == peer.lane ? null : peer.lane.publication;
        }
        return publications;
    }

    String counts()
    {
        return "sessions=" + peerById.size();
    }

    String bindingSummary()
    {
        return "binding=" + binding.size();
    }

    /**
     * @return sessions accepted whose lanes are not bound yet.
     */
    int bindingCount()
    {
        return binding.size();
    }
}
