package io.skirmish.engine.server;

import io.skirmish.engine.security.LaneCrypto;
import io.skirmish.engine.security.TokenBucket;
import io.skirmish.engine.status.NetworkMeter;
import io.skirmish.engine.transport.Outlet;

import java.util.ArrayList;

/**
 * The server's private record of one client behind its {@link Session}: its lanes, the connection's keys, its rate
 * limits, its outbox and its timers. The game only ever sees the {@link Session}. Conductor thread only.
 */
final class Peer
{
    final Session session;
    final int sessionId;
    final long secret;
    final LaneCrypto crypto;
    final TokenBucket messageBucket;
    final TokenBucket byteBucket;
    final SessionOutbox outbox = new SessionOutbox();
    final ArrayList<Membership> departures = new ArrayList<>();
    final NetworkMeter.PositionTracker controlIn = new NetworkMeter.PositionTracker();
    final NetworkMeter.PositionTracker inputIn = new NetworkMeter.PositionTracker();
    final NetworkMeter.PositionTracker eventsOut = new NetworkMeter.PositionTracker();
    final NetworkMeter.PositionTracker snapshotsOut = new NetworkMeter.PositionTracker();
    long laneBytesIn;
    long laneBytesOut;
    Lane control;
    Lane input;
    long serverNonce;
    long lastHeardNs;
    long lastPingSentNs;
    long suspendedAtNs;
    long lastClientMessageSeq;
    int violations;
    boolean announced;
    boolean resuming;
    boolean inOutboxList;
    boolean inBindingList;
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
     * The membership a client's request about a room's seq refers to: the direct stream for room 0; the ended
     * membership of the room while the seq is within what it is owed; otherwise the current one.
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
        final Membership departure = departures.isEmpty() ? null : departure(roomId);
        final Membership current = session.memberships.get(roomId);
        if (null != departure && (seq <= departure.finalSeq || null == current))
        {
            return departure;
        }
        return current;
    }

    SessionState state()
    {
        return session.state;
    }

    /**
     * @return the outlet of the session's control and events lane, or null while there is none.
     */
    Outlet events()
    {
        final Lane lane = control;
        return null == lane ? null : lane.outlet;
    }

    /**
     * @return the outlet of the session's snapshot lane, or null while there is none.
     */
    Outlet snapshots()
    {
        final Lane lane = input;
        return null == lane ? null : lane.outlet;
    }

    /**
     * Follow the lanes' positions and close the meter's window when due.
     *
     * @param nowNs the duty cycle's clock.
     */
    void sampleNetwork(final long nowNs)
    {
        final Lane control = this.control;
        final Lane input = this.input;
        laneBytesIn += controlIn.advance(control, null == control ? 0 : control.imagePosition());
        laneBytesIn += inputIn.advance(input, null == input ? 0 : input.imagePosition());
        final Outlet events = events();
        final Outlet snapshots = snapshots();
        laneBytesOut += eventsOut.advance(events, null == events ? 0 : events.position());
        laneBytesOut += snapshotsOut.advance(snapshots, null == snapshots ? 0 : snapshots.position());
        session.networkMeter.sampleBytes(nowNs, laneBytesIn, laneBytesOut);
    }

    public String toString()
    {
        return "Peer{" + sessionId + ", " + session.state + "}";
    }
}
