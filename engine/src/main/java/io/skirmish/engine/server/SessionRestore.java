package io.skirmish.engine.server;

import io.skirmish.engine.DisconnectReason;
import io.skirmish.engine.security.FrameCipher;
import io.skirmish.engine.security.LaneCrypto;
import io.skirmish.engine.security.TokenBucket;
import org.agrona.ErrorHandler;
import org.agrona.collections.IntArrayList;

/**
 * Persisted sessions brought back: after a restart on the same archive directory
 * ({@link SessionRegistry#restore}), or taken over from a dead server's directory for a room restored from it
 * ({@link #takeOver}). Conductor thread only; cold path.
 */
final class SessionRestore
{
    private SessionRestore()
    {
    }

    /**
     * Take over the sessions a dead server persisted as members of one of its durable rooms, just restored here from
     * its recording: each comes back as after a restart, with its id, resume secret digest (checked with the dead
     * store's key, {@link Peer#digestStore}) and session key, suspended for the resume window from now, a member of
     * that room only. A session already taken over from the same directory for another room joins this one too. A
     * session whose id a session of this server holds is not taken over (its client is refused): servers need session
     * id ranges of their own ({@code GameServer.Context.sessionIdBase}). New sessions here are not numbered after the
     * taken ones.
     *
     * @return the ids of the sessions taken over.
     */
    static IntArrayList takeOver(
        final SessionRegistry sessions,
        final RoomRegistry rooms,
        final EventFanOut fanOut,
        final ErrorHandler errors,
        final SessionStore foreign,
        final int roomId,
        final long nowNs)
    {
        final IntArrayList taken = new IntArrayList();
        for (final SessionStore.Record record : foreign.loaded())
        {
            int index = -1;
            for (int i = 0; i < record.roomIds.length; i++)
            {
                if (record.roomIds[i] == roomId)
                {
                    index = i;
                }
            }
            if (index < 0)
            {
                continue;
            }
            Peer peer = sessions.peer(record.sessionId);
            if (null != peer)
            {
                if (null == peer.digestStore || !peer.digestStore.file().equals(foreign.file()) ||
                    peer.state() != SessionState.SUSPENDED)
                {
                    errors.onError(new IllegalStateException("session " + record.sessionId + " of " +
                        foreign.file() + " not taken over: a session of this server has its id"));
                    continue;
                }
            }
            else
            {
                if (sessions.isFull())
                {
                    continue;
                }
                peer = sessions.restorePeer(record, nowNs);
                peer.digestStore = foreign;
                peer.takenOver = true;
            }
            rooms.restoreMember(roomId, peer, record.ackedSeqs[index]);
            fanOut.suspend(peer);
            taken.addInt(record.sessionId);
        }
        return taken;
    }

    /**
     * @return a persisted session as a suspended peer, in no room yet, its direct stream past what was persisted.
     */
    static Peer newPeer(
        final SessionStore.Record record,
        final GameServer.Context ctx,
        final FrameCipher cipher,
        final long directSeqSkip,
        final long nowNs)
    {
        final Session session = new Session(record.sessionId, ctx.sessionTimeoutNs);
        session.clientId = record.clientId;
        final LaneCrypto crypto = new LaneCrypto(cipher, false);
        if (record.keyed)
        {
            crypto.sessionKey(record.k0, record.k1);
        }
        final Peer peer = new Peer(
            session,
            0,
            crypto,
            new EventHistory(ctx.directHistoryCount, ctx.directHistoryBytes, 0),
            new TokenBucket(ctx.maxMessagesPerSecond, ctx.maxMessagesPerSecond * 2L, nowNs),
            new TokenBucket(ctx.maxBytesPerSecond, ctx.maxBytesPerSecond * 2L, nowNs));
        peer.secretDigest = record.digest;
        peer.keyed = record.keyed;
        peer.keyK0 = record.k0;
        peer.keyK1 = record.k1;
        peer.reliableBaseUnknown = true;
        peer.announced = true;
        // direct messages sent after the last persisted change are not known: the stream skips past them
        final Membership direct = session.direct;
        direct.stream.lastSeq = record.directSeq + directSeqSkip;
        direct.stream.history.reset(direct.stream.lastSeq);
        direct.ackedSeq = direct.stream.lastSeq;
        direct.nextSeqToSend = direct.stream.lastSeq + 1;
        session.connectedAtNs = nowNs;
        session.state = SessionState.SUSPENDED;
        session.disconnectReason = DisconnectReason.TRANSPORT_LOST;
        peer.suspendedAtNs = nowNs;
        return peer;
    }
}
