package io.skirmish.engine;

import org.agrona.collections.Int2ObjectHashMap;

/**
 * A client's session on the server: its identity, state, rooms and network figures. Owned by the server conductor;
 * read it on the conductor thread only. A session survives a lost connection for the resume window
 * ({@link SessionState#SUSPENDED}), so keep game state keyed by the session, not by the connection.
 */
public final class Session
{
    final int sessionId;
    final long secret;
    final Membership direct;
    final Int2ObjectHashMap<Membership> memberships = new Int2ObjectHashMap<>();
    SessionState state = SessionState.BINDING;
    DisconnectReason disconnectReason = DisconnectReason.NONE;
    ServerConductor.Connection connection;
    ServerConductor.InputLink inputLink;
    long lastHeardNs;
    long lastPingSentNs;
    long suspendedAtNs;
    long connectedAtNs;
    boolean announced;
    long rttNs;
    long rttJitterNs;
    long lastInputTick = Long.MIN_VALUE;
    long ackedSnapshotTick = -1;
    long lastClientMessageSeq;
    int violations;
    boolean resuming;
    boolean inOutboxList;
    final SessionOutbox outbox = new SessionOutbox();
    final NetworkMeter networkMeter = new NetworkMeter();
    long clientId;
    ServerConductor conductor;
    long keyK0;
    long keyK1;
    long serverNonce;
    javax.crypto.spec.SecretKeySpec frameKey;
    long controlSendCounter;
    long snapshotSendCounter;
    TokenBucket messageBucket;
    TokenBucket byteBucket;
    Object attachment;
    int indexInServer = -1;

    Session(final int sessionId, final long secret, final EventHistory directHistory)
    {
        this.sessionId = sessionId;
        this.secret = secret;
        this.direct = new Membership(this, new EventStream(0, directHistory), null);
        this.direct.nextSeqToSend = 1;
    }

    /**
     * @return the session id, unique for the server's lifetime and never 0.
     */
    public int sessionId()
    {
        return sessionId;
    }

    /**
     * @return current state.
     */
    public SessionState state()
    {
        return state;
    }

    /**
     * @return why the session was suspended or closed, {@link DisconnectReason#NONE} while connected.
     */
    public DisconnectReason disconnectReason()
    {
        return disconnectReason;
    }

    /**
     * @return true when connected on every lane.
     */
    public boolean isConnected()
    {
        return state == SessionState.CONNECTED;
    }

    /**
     * @return smoothed round-trip time in nanoseconds measured by the server's pings, 0 before the first.
     */
    public long rttNs()
    {
        return rttNs;
    }

    /**
     * @return smoothed RTT variation (jitter) in nanoseconds.
     */
    public long rttJitterNs()
    {
        return rttJitterNs;
    }

    /**
     * Fill the caller's {@link NetworkInfo} with this session's figures: RTT and jitter from the server's pings,
     * the snapshot loss the client last reported, and bytes per second on the session's lanes (measured over
     * windows of about a second, closed when this method or the snapshot path samples them). Conductor thread
     * only; allocation-free.
     *
     * @param info to fill (reuse one instance).
     * @return info.
     */
    public NetworkInfo networkInfo(final NetworkInfo info)
    {
        networkMeter.sampleSession(this, null == conductor ? System.nanoTime() : conductor.nowNs());
        networkMeter.fill(info, rttNs, rttJitterNs);
        return info;
    }

    /**
     * @return the client id vouched for by the connect token, 0 when tokens are not in use.
     */
    public long clientId()
    {
        return clientId;
    }

    /**
     * @return number of rooms the session is a member of.
     */
    public int roomCount()
    {
        return memberships.size();
    }

    /**
     * @param roomId a room id.
     * @return true when the session is a member of the room.
     */
    public boolean isMemberOf(final int roomId)
    {
        return memberships.containsKey(roomId);
    }

    /**
     * @return newest snapshot tick the client reported receiving, -1 before any.
     */
    public long ackedSnapshotTick()
    {
        return ackedSnapshotTick;
    }

    /**
     * @return newest input tick handed to the game, {@link Long#MIN_VALUE} before any.
     */
    public long lastInputTick()
    {
        return lastInputTick;
    }

    /**
     * @return seq of the last direct (server to session) message.
     */
    public long lastDirectSeq()
    {
        return direct.stream.lastSeq;
    }

    /**
     * @return the game's object attached to this session, or null.
     */
    public Object attachment()
    {
        return attachment;
    }

    /**
     * Attach a game object (a player) to the session, as KryoNet games subclass their Connection.
     *
     * @param attachment the game's object.
     */
    public void attachment(final Object attachment)
    {
        this.attachment = attachment;
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "Session{id=" + sessionId + ", state=" + state + ", rooms=" + memberships.size() + "}";
    }
}
