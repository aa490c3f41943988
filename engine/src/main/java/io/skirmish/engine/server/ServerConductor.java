package io.skirmish.engine.server;

import io.aeron.Aeron;
import io.aeron.archive.client.AeronArchive;
import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.EngineException;
import io.skirmish.engine.archive.ForeignArchive;
import io.skirmish.engine.archive.RoomArchive;
import io.skirmish.engine.codec.KryoCodec;
import io.skirmish.engine.security.FrameCipher;
import io.skirmish.engine.status.Counters;
import io.skirmish.engine.status.StallWatch;
import io.skirmish.engine.transport.FrameOffer;
import io.skirmish.engine.transport.Transport;
import org.agrona.CloseHelper;
import org.agrona.collections.IntArrayList;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.NanoClock;

import java.io.File;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The server's single-writer duty cycle. It owns the clock (read once per cycle), the error path and the wiring of
 * the collaborators, each of which owns one thing: the {@link LaneRegistry} (images and publications), the
 * {@link FrameGate} (every inbound frame), the {@link Handshake}, the {@link SessionRegistry} (every session state
 * change), the {@link ReliableSender} (every reliable frame out), the {@link EventFanOut} (sequenced events), the
 * {@link RoomRegistry}, the {@link MessageDispatcher}, the {@link SnapshotPublisher} and the adapters that decode
 * each lane and the {@link ServerProxy}. Runs on an {@code AgentRunner} thread or is invoked by
 * {@link GameServer#poll()}.
 */
final class ServerConductor implements Agent, AutoCloseable, LaneRegistry.Handler
{
    private static final long HOUSEKEEPING_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(2);

    private final GameServer.Context ctx;
    private final Transport transport;
    private final NanoClock clock;
    private final CachedNanoClock cachedClock = new CachedNanoClock();
    private final ConductorThread thread = new ConductorThread();
    private final Counters counters;
    private final ServerProxy proxy;
    private final LaneRegistry lanes;
    private final SessionRegistry sessions;
    private final RoomRegistry rooms;
    private final EventFanOut fanOut;
    private final SnapshotPublisher snapshots;
    private final MessageDispatcher dispatcher;
    private final Handshake handshake;
    private final ReliableSender sender;
    private final ReliableReceiver reliable;
    private final UpstreamAdapter upstreamAdapter;
    private final ProxyAdapter proxyAdapter;
    private final RoomArchive archive;
    private final SessionStore sessionStore;
    private final StallWatch stallWatch;
    private final Feeds feeds;
    private final RecordingRetention retention;
    private GameServer server;
    private boolean started;
    private boolean closed;
    private long nextHousekeepingNs;
    private volatile long sessionsTakenOver;

    ServerConductor(final GameServer.Context ctx, final Transport transport)
    {
        this.ctx = ctx;
        this.transport = transport;
        this.clock = ctx.nanoClock();
        this.cachedClock.update(clock.nanoTime());
        this.nextHousekeepingNs = cachedClock.nanoTime();
        final Aeron aeron = transport.aeron();
        this.counters = new Counters(aeron, true, "skirmish-server " + ctx.port);
        this.proxy = new ServerProxy(1024 * 1024, 4096);
        try
        {
            this.lanes = new LaneRegistry(aeron, ctx, counters, this::onError);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(counters);
            throw ex;
        }
        final KryoCodec codec = new KryoCodec(ctx.messageRegistry(), ctx.maxMessageLength());
        final FrameCipher cipher = new FrameCipher(Math.max(ctx.maxFrameLength(), ctx.mtuLength()));
        final FrameOffer frameOffer = new FrameOffer(
            counters.get(EngineCounter.FRAMES_OUT), counters.get(EngineCounter.BYTES_OUT));
        this.sender = new ReliableSender(frameOffer, counters);
        this.fanOut = new EventFanOut(ctx.maxMessageLength(), ctx.eventWindow(), ctx.streamHeadsDelayNs(),
            ctx.maxRoomsPerSession + 1, counters, sender, codec, cachedClock, this::onError);
        this.snapshots = new SnapshotPublisher(ctx, counters, frameOffer, this::onError);
        this.rooms = new RoomRegistry(ctx, counters, fanOut, sender, snapshots, thread, cachedClock, this::onError,
            (roomId) -> aeron.addCounter(EngineCounter.ROOM_OLDEST_RETAINED_SEQ_TYPE_ID,
                "skirmish-server " + ctx.port + ": room " + roomId + " oldest retained seq"),
            (sessionId) -> sessions().peer(sessionId));
        this.sessions = new SessionRegistry(
            ctx, counters, ctx.listener, this::onError, sender, fanOut, rooms, lanes, cipher, cachedClock);
        final FrameGate gate = new FrameGate(ctx, counters, cachedClock, sessions::peer, sessions::kickForAbuse);
        this.handshake = new Handshake(ctx, counters, this::onError, sessions, rooms, sender, lanes, cachedClock);
        this.dispatcher = new MessageDispatcher(codec, ctx.listener, counters, gate, fanOut, rooms);
        final ControlFrameHandler control = new ControlFrameHandler(gate, sessions, rooms, dispatcher, fanOut);
        this.reliable = new ReliableReceiver(ctx.maxFrameLength(), counters, gate, sender, control);
        this.upstreamAdapter = new UpstreamAdapter(lanes, gate, handshake, sessions,
            new InputHandler(gate, snapshots, ctx.listener, clock, counters), snapshots, reliable, control,
            this::onError);
        this.proxyAdapter = new ProxyAdapter(proxy, sessions, rooms, fanOut, this::onError);
        this.archive = ctx.archiveEnabled() ? connectArchive(ctx, transport) : null;
        rooms.archive(archive);
        final DurableAcks durableAcks = new DurableAcks();
        durableAcks.archive(archive);
        durableAcks.fanOut(fanOut);
        fanOut.durableAcks(durableAcks);
        reliable.durableAcks(durableAcks);
        handshake.durableAcks(durableAcks);
        this.sessionStore = openSessionStore(ctx);
        this.stallWatch = new StallWatch(counters.get(EngineCounter.DUTY_CYCLE_STALLS));
        sessions.store(sessionStore);
        rooms.persist(sessions::persist);
        this.feeds = new Feeds(archive, rooms, sender, counters, ctx.maxMessageLength(), ctx.feedBufferLength(),
            ctx.maxArchiveFeeds(), ctx.feedFlushIntervalNs(), this::onError);
        this.retention = null != archive && (ctx.recordingRetentionMs() > 0 || ctx.maxRecordingsPerRoom() > 0) ?
            new RecordingRetention(archive, rooms, ctx.recordingChannel(), ctx.recordingRetentionMs(),
            ctx.maxRecordingsPerRoom(), ctx.retentionIntervalMs(), ctx.epochClock.time(),
            counters.get(EngineCounter.RECORDINGS_PURGED), this::onError) : null;
        control.feeds(feeds);
        dispatcher.feeds(feeds);
    }

    private RoomArchive connectArchive(final GameServer.Context ctx, final Transport transport)
    {
        final AeronArchive.Context archiveCtx = null != ctx.aeronArchiveContext() ?
            ctx.aeronArchiveContext() : RoomArchive.localArchiveContext(transport.aeronDirectoryName());
        try
        {
            return new RoomArchive(transport, archiveCtx, ctx.recordingChannel(), ctx.maxMessageLength(),
                ctx.recordingPendingBufferLength(), counters.get(EngineCounter.RECORDING_FRAMES_DEFERRED),
                counters.get(EngineCounter.RECORDING_FRAMES_LOST), counters.get(EngineCounter.RECORDING_GAPS));
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(lanes, counters);
            throw ex;
        }
    }

    /**
     * Sessions are persisted beside an embedded archive's recordings; those of connect tokens with their session
     * keys sealed under the store key (the game's, or one derived from the token secret).
     */
    private SessionStore openSessionStore(final GameServer.Context ctx)
    {
        if (null == archive || null == ctx.archiveDirectoryName())
        {
            return null;
        }
        try
        {
            final SessionStore store = new SessionStore(new File(ctx.archiveDirectoryName()),
                SessionStore.storeKey(ctx.sessionStoreKey(), ctx.connectTokenSecret),
                ctx.sessionStoreCompactionBytes());
            store.compactionCounter(counters.get(EngineCounter.SESSION_STORE_COMPACTIONS));
            if (null != store.discarded())
            {
                onError(new IllegalStateException("sessions of the previous process not restored: " +
                    store.discarded()));
            }
            return store;
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(archive, lanes, counters);
            throw ex;
        }
    }

    /**
     * Restore a dead server's durable room from its archive directory and take over the room's sessions (see
     * {@link GameServer#restoreRoom(int, RoomOptions, File)}). Cold path; blocks.
     */
    Room takeOverRoom(final int roomId, final RoomOptions options, final File fromArchiveDirectory)
    {
        if (null == archive)
        {
            throw new IllegalStateException("restoring a room needs an archive");
        }
        if (null != ctx.archiveDirectoryName() && sameFile(new File(ctx.archiveDirectoryName()), fromArchiveDirectory))
        {
            throw new IllegalArgumentException("the server's own archive directory: use restoreRoom(roomId, options)");
        }
        if (TakeOvers.rooms(fromArchiveDirectory).contains(roomId))
        {
            throw new IllegalStateException("room " + roomId + " of " + fromArchiveDirectory +
                " was taken over already (" + TakeOvers.FILE_NAME + ")");
        }
        try (ForeignArchive foreign = ForeignArchive.open(fromArchiveDirectory))
        {
            final Room room = rooms.restore(roomId, options, foreign.recordings(ctx.recordingChannel()));
            final SessionStore store = SessionStore.readOnly(
                fromArchiveDirectory, SessionStore.storeKey(ctx.sessionStoreKey(), ctx.connectTokenSecret));
            if (null != store.discarded())
            {
                onError(new IllegalStateException("sessions of " + fromArchiveDirectory + " not taken over: " +
                    store.discarded()));
            }
            final IntArrayList taken = sessions.takeOver(store, roomId, clock.nanoTime());
            TakeOvers.mark(fromArchiveDirectory, roomId, taken, "pid " + ProcessHandle.current().pid() +
                (null == ctx.archiveDirectoryName() ? "" : " archive " + ctx.archiveDirectoryName()));
            sessionsTakenOver += taken.size();
            return room;
        }
    }

    private static boolean sameFile(final File a, final File b)
    {
        try
        {
            return a.getCanonicalFile().equals(b.getCanonicalFile());
        }
        catch (final IOException ex)
        {
            return a.getAbsoluteFile().equals(b.getAbsoluteFile());
        }
    }

    /**
     * @return sessions taken over from dead servers' directories so far.
     */
    long sessionsTakenOver()
    {
        return sessionsTakenOver;
    }

    /**
     * @return the durable rooms' archive link, or null.
     */
    RoomArchive archive()
    {
        return archive;
    }

    private SessionRegistry sessions()
    {
        return sessions;
    }

    void server(final GameServer server)
    {
        this.server = server;
    }

    public String roleName()
    {
        return "skirmish-server";
    }

    public void onStart()
    {
        thread.claim();
    }

    public int doWork()
    {
        if (!started)
        {
            started = true;
            thread.claim();
            if (null != server)
            {
                guardStart();
            }
        }
        final long nowNs = clock.nanoTime();
        cachedClock.update(nowNs);
        final long stalledNs = stallWatch.onCycle(nowNs);
        if (stalledNs > 0)
        {
            sessions.onStalled(stalledNs, nowNs);
        }
        final int driverWork = transport.invoke();
        int work = ctx.driverWorkCounted() ? driverWork : 0;
        if (transport.isClosed())
        {
            return onTransportClosed();
        }
        work += proxyAdapter.drain();
        work += lanes.processImageEvents(nowNs, this);
        work += lanes.processWatched(nowNs, this);
        work += upstreamAdapter.poll(ctx.fragmentLimit());
        work += handshake.admitQueued(nowNs);
        work += sender.flushOutboxes();
        work += fanOut.pumpBehindMembers();
        work += rooms.tick(nowNs);
        if (null != archive)
        {
            work += archive.doWork();
        }
        work += feeds.doWork(nowNs);
        work += reliable.sendAcks();
        if (nowNs - nextHousekeepingNs >= 0)
        {
            nextHousekeepingNs = nowNs + HOUSEKEEPING_INTERVAL_NS;
            work += sessions.housekeeping(nowNs);
            work += fanOut.heads().probeHeads(nowNs);
            handshake.purge(nowNs);
            handshake.publishInFlight();
            rooms.expireHistories(nowNs);
            if (null != retention)
            {
                work += retention.doWork(ctx.epochClock.time());
            }
        }
        handshake.admission().onCycle(nowNs, clock.nanoTime());
        return work;
    }

    /**
     * @return the conductor's load over the last second, 0 to 1.
     */
    double load()
    {
        return handshake.admission().load();
    }

    private void guardStart()
    {
        try
        {
            ctx.listener.onStart(server);
        }
        catch (final Throwable t)
        {
            onError(t);
        }
    }

    public void onLaneLost(final Lane lane)
    {
        sessions.onLaneLost(lane, cachedClock.nanoTime());
    }

    public boolean onWatchedLaneReady(final Lane lane)
    {
        if (lane.pendingRequestLength > 0)
        {
            return handshake.onLaneReady(lane);
        }
        if (null != lane.peer)
        {
            sessions.tryCompleteBinding(lane.peer);
            return true;
        }
        return false;
    }

    void onError(final Throwable t)
    {
        if (!transport.isClosed())
        {
            counters.get(EngineCounter.ERRORS).incrementRelease();
        }
        ctx.errorHandler().onError(t);
    }

    private int onTransportClosed()
    {
        if (!closed)
        {
            closed = true;
            onError(new EngineException(
                "Aeron client closed (driver timeout or driver gone): the server stops", EngineException.Category.FATAL));
        }
        return 0;
    }

    Admission admission()
    {
        return handshake.admission();
    }

    Counters counters()
    {
        return counters;
    }

    ServerProxy proxy()
    {
        return proxy;
    }

    ConductorThread thread()
    {
        return thread;
    }

    SessionRegistry sessionRegistry()
    {
        return sessions;
    }

    RoomRegistry roomRegistry()
    {
        return rooms;
    }

    EventFanOut fanOut()
    {
        return fanOut;
    }

    SnapshotPublisher snapshots()
    {
        return snapshots;
    }

    MessageDispatcher dispatcher()
    {
        return dispatcher;
    }

    String resourceCounts()
    {
        return sessions.counts() + " " + lanes.counts() + " " + sessions.bindingSummary() +
            " outboxes=" + sender.outboxCount() + " behind=" + fanOut.behindCount();
    }

    int[] sessionsPerPair()
    {
        return lanes.sessionsPerPair();
    }

    String membershipDump(final int sessionId)
    {
        final Peer peer = sessions.peer(sessionId);
        if (null == peer)
        {
            return "no session " + sessionId;
        }
        final StringBuilder sb = new StringBuilder(peer.toString()).append(" lane=").append(peer.lane)
            .append(" clear=").append(sender.isClear(peer));
        dump(sb, peer.session.direct);
        for (final Membership m : peer.session.memberships.values())
        {
            dump(sb, m);
        }
        for (final Membership m : peer.departures)
        {
            dump(sb.append(" departure"), m);
        }
        return sb.toString();
    }

    private static void dump(final StringBuilder sb, final Membership m)
    {
        sb.append(" {room=").append(m.stream.id).append(" last=").append(m.stream.lastSeq)
            .append(" next=").append(m.nextSeqToSend).append(" acked=").append(m.ackedSeq)
            .append(" behind=").append(m.behind).append(" listed=").append(m.inBehindList)
            .append(" idx=").append(m.indexInRoom).append(" departed=").append(m.departed)
            .append(" final=").append(m.finalSeq).append(" resends=").append(m.resendCount)
            .append(" resyncedUpTo=").append(m.resyncedUpTo).append('}');
    }

    /**
     * Stop without telling anyone, as a crashed process would.
     */
    void abort()
    {
        closed = true;
    }

    public void onClose()
    {
        if (!closed)
        {
            closed = true;
            transport.flush(sessions.shutdown(), null);
        }
        close();
    }

    public void close()
    {
        closed = true;
        CloseHelper.quietClose(feeds);
        rooms.closeAll();
        CloseHelper.quietCloseAll(sessionStore, archive, lanes, counters);
    }
}
