package io.skirmish.engine.server;

import io.skirmish.engine.DisconnectReason;
import io.skirmish.engine.NetworkInfo;
import io.skirmish.engine.status.NetworkMeter;
import io.skirmish.engine.status.RttEstimator;
import org.agrona.collections.Int2ObjectHashMap;

import java.util.function.IntConsumer;

/**
 * A client's session on the server: its identity, state, rooms and network figures. Owned by the server conductor;
 * read it on the conductor thread only. A session survives a lost connection for the resume window
 * ({@link SessionState#SUSPENDED}), so keep game state keyed by the session, not by the connection.
 */
public final class Session
{
    final int sessionId;
    final Int2ObjectHashMap<Membership> memberships = new Int2ObjectHashMap<>();
    final RttEstimator rtt;
    final NetworkMeter networkMeter = new NetworkMeter();
    Membership direct;
    SessionState state = SessionState.BINDING;
    DisconnectReason disconnectReason = DisconnectReason.NONE;
    long clientId;
    long connectedAtNs;
    long lastInputTick = Long.MIN_VALUE;
    long ackedSnapshotTick = -1;
    long inputRenderFromTick = -1;
    long inputRenderToTick = -1;
    double inputRenderBlend;
    long inputLeadNs = Long.MIN_VALUE;
    Object attachment;

    Session(final int sessionId, final long maxRttSampleNs)
    {
        this.sessionId = sessionId;
        this.rtt = new RttEstimator(maxRttSampleNs);
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
        return rtt.rttNs();
    }

    /**
     * @return smoothed RTT variation (jitter) in nanoseconds.
     */
    public long rttJitterNs()
    {
        return rtt.jitterNs();
    }

    /**
     * Fill the caller's {@link NetworkInfo} with this session's figures: RTT and jitter from the server's pings,
     * the snapshot loss the client last reported, and bytes per second on the session's lanes (measured over
     * windows of about a second, which the server closes as they fall due). Conductor thread only;
     * allocation-free.
     *
     * @param info to fill (reuse one instance).
     * @return info.
     */
    public NetworkInfo networkInfo(final NetworkInfo info)
    {
        return networkMeter.fill(info, rtt.rttNs(), rtt.jitterNs());
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
     * Visit the ids of the rooms the session is a member of, without allocating.
     *
     * @param consumer called once per room id.
     */
    public void forEachRoom(final IntConsumer consumer)
    {
        final Int2ObjectHashMap<Membership>.KeyIterator it = memberships.keySet().iterator();
        while (it.hasNext())
        {
            consumer.accept(it.nextInt());
        }
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
     * The view the client was rendering when it produced the input being handed to
     * {@link ServerListener#onInput}: the older snapshot tick of the two it blended. Valid during that callback;
     * a game that handles inputs later keeps the three values with the input (or passes them to
     * {@link LagCompensation#rewind(long, long, double, long, LagCompensation.View)}).
     *
     * @return the older rendered tick, or -1 when the input carried no view.
     */
    public long inputRenderFromTick()
    {
        return inputRenderFromTick;
    }

    /**
     * @return the newer rendered tick of the input being handed to {@link ServerListener#onInput} (equal to the
     * older when not blending), -1 when none.
     * @see #inputRenderFromTick()
     */
    public long inputRenderToTick()
    {
        return inputRenderToTick;
    }

    /**
     * @return the blend from the older to the newer rendered tick, in [0, 1), of the input being handed to
     * {@link ServerListener#onInput}.
     * @see #inputRenderFromTick()
     */
    public double inputRenderBlend()
    {
        return inputRenderBlend;
    }

    /**
     * @return how long before its tick was simulated the client's newest input arrived, in nanoseconds (negative:
     * late), measured against the room the client last acknowledged a snapshot of (when it ticks);
     * {@link Long#MIN_VALUE} before any.
     */
    public long inputLeadNs()
    {
        return inputLeadNs;
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
