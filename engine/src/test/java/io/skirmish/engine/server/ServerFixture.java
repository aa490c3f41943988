package io.skirmish.engine.server;

import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.codec.KryoCodec;
import io.skirmish.engine.security.FrameCipher;
import io.skirmish.engine.status.Counters;
import io.skirmish.engine.transport.FrameOffer;
import io.skirmish.engine.transport.RecordingOutlet;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The server's collaborators wired as the {@link ServerConductor} wires them, without Aeron: a concluded
 * {@link GameServer.Context} that is never launched, counters over a local {@link CountersManager}, a
 * {@link CachedNanoClock} that moves only when a test moves it, a {@link FakeLaneControl}, and lanes whose outlets are
 * {@link RecordingOutlet}s. Conductor-thread rules hold trivially: everything runs on the test thread.
 */
final class ServerFixture
{
    /** Where the clock starts: any value works, a non-zero one catches code that assumes zero. */
    static final long START_NS = TimeUnit.SECONDS.toNanos(1000);

    /**
     * Records what the handshake and the session registry ask of the lanes, and moves the lane's state as the
     * {@link LaneRegistry} would (without a publication ever arriving).
     */
    static final class FakeLaneControl implements LaneControl
    {
        final List<Lane> requested = new ArrayList<>();
        final List<Lane> closed = new ArrayList<>();
        final List<Lane> watched = new ArrayList<>();

        public void requestPublication(final Lane lane)
        {
            requested.add(lane);
            if (lane.state == Lane.State.OPEN)
            {
                lane.state = Lane.State.ADDING;
            }
        }

        public void close(final Lane lane)
        {
            closed.add(lane);
            lane.state = Lane.State.CLOSED;
        }

        public void watch(final Lane lane)
        {
            watched.add(lane);
            lane.pending = true;
        }

        public int assignPair(final int previous)
        {
            return 0;
        }

        public void releasePair(final int pair)
        {
        }

        public int lanesSettingUp()
        {
            int count = 0;
            for (final Lane lane : watched)
            {
                if (null == lane.peer && lane.state != Lane.State.OPEN && !lane.isClosed())
                {
                    count++;
                }
            }
            return count;
        }
    }

    final GameServer.Context ctx;
    final CountersManager countersManager = new CountersManager(
        new UnsafeBuffer(new byte[512 * 1024]), new UnsafeBuffer(new byte[128 * 1024]));
    final Counters counters = new Counters(countersManager, true);
    final CachedNanoClock clock = new CachedNanoClock();
    final List<Throwable> errors = new ArrayList<>();
    final FakeLaneControl laneControl = new FakeLaneControl();
    final FrameOffer frameOffer;
    final ReliableSender sender;
    final KryoCodec codec;
    final EventFanOut fanOut;
    final SnapshotPublisher snapshots;
    final RoomRegistry rooms;
    final SessionRegistry sessions;
    private int nextImageSessionId = 100;
    private long nextClientNonce = 0x5EED_0000L;

    /**
     * @param ctx the server's settings; concluded here unless it already is.
     */
    ServerFixture(final GameServer.Context ctx)
    {
        this.ctx = ctx.isConcluded() ? ctx : ctx.conclude();
        clock.update(START_NS);
        codec = new KryoCodec(this.ctx.messageRegistry(), this.ctx.maxMessageLength());
        frameOffer = new FrameOffer(counters.get(EngineCounter.FRAMES_OUT), counters.get(EngineCounter.BYTES_OUT));
        sender = new ReliableSender(frameOffer, counters);
        fanOut = new EventFanOut(this.ctx.maxMessageLength(), this.ctx.eventWindow(), this.ctx.streamHeadsDelayNs(),
            this.ctx.maxRoomsPerSession() + 1, counters, sender, codec, clock, errors::add);
        snapshots = new SnapshotPublisher(this.ctx, counters, frameOffer, errors::add);
        rooms = new RoomRegistry(
            this.ctx,
            counters,
            fanOut,
            sender,
            snapshots,
            new ConductorThread(),
            clock,
            errors::add,
            (roomId) -> countersManager.newCounter(
                "room " + roomId + " oldest retained seq", EngineCounter.ROOM_OLDEST_RETAINED_SEQ_TYPE_ID),
            (sessionId) -> sessions().peer(sessionId));
        final FrameCipher cipher = new FrameCipher(Math.max(this.ctx.maxFrameLength(), this.ctx.mtuLength()));
        sessions = new SessionRegistry(
            this.ctx, counters, this.ctx.listener, errors::add, sender, fanOut, rooms, laneControl, cipher, clock);
    }

    /**
     * @return a fresh context with the defaults (not concluded, so a test may change it first).
     */
    static GameServer.Context context()
    {
        return new GameServer.Context();
    }

    private SessionRegistry sessions()
    {
        return sessions;
    }

    /**
     * @return a handshake over this fixture's collaborators.
     */
    Handshake newHandshake()
    {
        return new Handshake(ctx, counters, errors::add, sessions, rooms, sender, laneControl, clock);
    }

    /**
     * @param onAbuse told of each session past its violations.
     * @return a gate over this fixture's sessions and clock.
     */
    FrameGate newGate(final Consumer<Peer> onAbuse)
    {
        return new FrameGate(ctx, counters, clock, sessions::peer, onAbuse);
    }

    /**
     * @param counter which.
     * @return its value.
     */
    long counter(final EngineCounter counter)
    {
        return counters.get(counter).get();
    }

    /**
     * Set every counter to 0, so a test can assert exact values for what it does after its setup.
     */
    void zeroCounters()
    {
        for (final EngineCounter counter : EngineCounter.values())
        {
            counters.get(counter).set(0);
        }
    }

    /**
     * @param ns to move the clock by.
     * @return the new time.
     */
    long advance(final long ns)
    {
        clock.update(clock.nanoTime() + ns);
        return clock.nanoTime();
    }

    /**
     * @return a unique client nonce.
     */
    long nextNonce()
    {
        return ++nextClientNonce;
    }

    /**
     * A lane whose image has just been seen: no answering publication yet, so not connected.
     */
    Lane newLane()
    {
        return new Lane(null, nextImageSessionId++, 0, clock.nanoTime());
    }

    /**
     * A lane whose answering publication exists and is connected: a {@link RecordingOutlet}.
     */
    Lane readyLane()
    {
        final Lane lane = newLane();
        lane.outlet = new RecordingOutlet();
        lane.state = Lane.State.READY;
        return lane;
    }

    /**
     * @return the recording outlet of a lane made by {@link #readyLane}.
     */
    static RecordingOutlet outlet(final Lane lane)
    {
        return (RecordingOutlet)lane.outlet;
    }

    /**
     * @return the recording outlet of a peer's lane.
     */
    static RecordingOutlet events(final Peer peer)
    {
        return outlet(peer.lane);
    }

    /**
     * A session created on a ready lane and left binding (its lane not bound yet); its outlet holds nothing.
     */
    Peer bindingPeer(final boolean keyed, final long k0, final long k1)
    {
        final Peer peer = sessions.create(readyLane(), 0, keyed, k0, k1, nextNonce(), false, clock.nanoTime());
        events(peer).clear();
        return peer;
    }

    /**
     * A session without a session key, connected (its LANE_BOUND sent); its outlet holds nothing.
     */
    Peer connectedPeer()
    {
        return connectedPeer(false, 0, 0);
    }

    /**
     * A session connected through {@link SessionRegistry#bind} on the lane it connected on; its outlet holds nothing.
     */
    Peer connectedPeer(final boolean keyed, final long k0, final long k1)
    {
        final Peer peer = bindingPeer(keyed, k0, k1);
        sessions.bind(peer, peer.lane);
        if (peer.state() != SessionState.CONNECTED)
        {
            throw new IllegalStateException("binding did not complete: " + peer);
        }
        events(peer).clear();
        return peer;
    }

    /**
     * @return a room with the given options (the defaults when null).
     */
    Room room(final int roomId, final RoomOptions options)
    {
        return rooms.create(roomId, null == options ? new RoomOptions() : options);
    }

    /**
     * Join a peer to a room through the registry (a JOIN_RESULT and a membership event follow, as in production).
     *
     * @return the peer's membership.
     */
    Membership join(final Room room, final Peer peer)
    {
        if (rooms.join(room, peer, 0) != 0)
        {
            throw new IllegalStateException("join failed: " + peer + " " + room);
        }
        return peer.session.memberships.get(room.roomId);
    }
}
