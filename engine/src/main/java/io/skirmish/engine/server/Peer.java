package io.skirmish.engine.server;

import io.skirmish.engine.security.LaneCrypto;
import io.skirmish.engine.security.TokenBucket;
import io.skirmish.engine.status.NetworkMeter;
import io.skirmish.engine.transport.ChunkAssembler;
import io.skirmish.engine.transport.Outlet;

import java.util.ArrayList;

/**
 * The server's private record of one client behind its {@link Session}: its lane, the connection's keys, its rate
 * limits, its outbox, where its reliable frames stand, and its timers. The game only ever sees the {@link Session}.
 * Conductor thread only.
 */
final class Peer
{
    final Session session;
    final int sessionId;
    long secret;
    /** For a session restored from the {@link SessionStore}: the keyed digest of its secret, until it resumes. */
    byte[] secretDigest;
    /** Taken over from a dead server: the store whose digest key {@link #secretDigest} is under, until it resumes. */
    SessionStore digestStore;
    /** Taken over from a dead server and not yet resumed here. */
    boolean takenOver;
    /** Restored: the first reliable frame the client sends sets where its reliable seqs stand. */
    boolean reliableBaseUnknown;
    /** Authenticated with a connect token: its session key, kept for the {@link SessionStore} to seal. */
    boolean keyed;
    long keyK0;
    long keyK1;
    final LaneCrypto crypto;
    final TokenBucket messageBucket;
    final TokenBucket byteBucket;
    final SessionOutbox outbox = new SessionOutbox();
    final ArrayList<Membership> departures = new ArrayList<>();
    final NetworkMeter.PositionTracker upstreamIn = new NetworkMeter.PositionTracker();
    final NetworkMeter.PositionTracker downstreamOut = new NetworkMeter.PositionTracker();
    long laneBytesIn;
    long laneBytesOut;
    Lane lane;
    long serverNonce;
    long clientNonce;
    long lastHeardNs;
    long lastPingSentNs;
    long suspendedAtNs;
    long lastEventSentNs;
    long nextHeadsProbeNs;
    long reliableAckedSeq;
    long reliableHighestSeen;
    boolean reliableAckPending;
    /** A reliable frame arrived since the last acknowledgement. */
    boolean reliableAckDue;
    /** The acknowledgement last sent ({@link DurableAcks} may hold it below {@link #reliableAckedSeq}). */
    long reliableAckSent;
    /** Restored: the highest of the client's reliable seqs the recordings of its durable rooms hold; -1 none. */
    long reliableRecordedSeq = -1;
    /** {@link DurableAcks}: the epochs and newest seqs of the frames waiting for the archive, 0 for none. */
    long durableWaitEpoch;
    long durableWaitSeq;
    long durableNextEpoch;
    long durableNextSeq;
    boolean laneBoundPending;
    boolean acceptedAsResumed;
    ChunkAssembler reliableChunks;
    ReliableHold reliableHold;
    int lanePair = -1;
    int violations;
    boolean announced;
    boolean resuming;
    boolean inOutboxList;
    boolean inBindingList;
    boolean inProbeList;
    int index = -1;

    Peer(
        final Session session,
        final long secret,
        final LaneCrypto crypto,
        final EventHistory directHistory,
        final TokenBucket messageBucket,
        final TokenBucket byteBucket)
    {
        this.session = session;
        this.sessionId = session.sessionId;
        this.secret = secret;
        this.crypto = crypto;
        this.messageBucket = messageBucket;
        this.byteBucket = byteBucket;
        final Membership direct = new Membership(this, new EventStream(0, directHistory), null);
        direct.nextSeqToSend = 1;
        session.direct = direct;
    }

    /**
     * @param roomId a room.
     * @return the membership of the room that ended but is still owed events, or null.
     */
    Membership departure(final int roomId)
    {
        for (int i = 0, n = departures.size(); i < n; i++)
        {
            final Membership m = departures.get(i);
            if (m.stream.id == roomId)
            {
                return m;
            }
        }
        return null;
    }

    /**
     * The membership a client's request about a room's seq refers to: the direct stream for room 0; the oldest ended
     * membership of the room that is owed the seq; otherwise the current one.
     *
     * @param roomId the room the request names.
     * @param seq    the seq it names.
     * @return the membership, or null.
     */
    Membership membership(final int roomId, final long seq)
    {
        if (0 == roomId)
        {
            return session.direct;
        }
        for (int i = 0, n = departures.size(); i < n; i++)
        {
            final Membership m = departures.get(i);
            if (m.stream.id == roomId && seq <= m.finalSeq)
            {
                return m;
            }
        }
        final Membership current = session.memberships.get(roomId);
        return null != current ? current : departure(roomId);
    }

    SessionState state()
    {
        return session.state;
    }

    /**
     * @return the outlet of the session's downstream lane, or null while there is none.
     */
    Outlet events()
    {
        final Lane lane = this.lane;
        return null == lane ? null : lane.outlet;
    }

    /**
     * Follow the lane's positions and close the meter's window when due.
     *
     * @param nowNs the duty cycle's clock.
     */
    void sampleNetwork(final long nowNs)
    {
        final Lane lane = this.lane;
        laneBytesIn += upstreamIn.advance(lane, null == lane ? 0 : lane.imagePosition());
        final Outlet outlet = events();
        laneBytesOut += downstreamOut.advance(outlet, null == outlet ? 0 : outlet.position());
        session.networkMeter.sampleBytes(nowNs, laneBytesIn, laneBytesOut);
    }

    public String toString()
    {
        return "Peer{" + sessionId + ", " + session.state + "}";
    }
}
