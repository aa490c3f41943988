package io.skirmish.engine.server;

import io.skirmish.engine.security.LaneCrypto;
import io.skirmish.engine.security.TokenBucket;
import io.skirmish.engine.status.NetworkMeter;
import io.skirmish.engine.transport.Outlet;

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
