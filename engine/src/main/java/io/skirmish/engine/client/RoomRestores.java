package io.skirmish.engine.client;

import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.status.Counters;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.concurrent.TimeUnit;

/**
 * Rooms a resumed session finds restored by a restarted server ({@code RESUME_STATE}'s restored rooms) at a seq
 * below what this client delivered: a {@code LIVE} durable room delivers before it records, so the events after the
 * restored seq died with the previous server process and the restored room gives their seqs to new events. The
 * client goes back to the restored seq, tells the game, and asks for a resync ({@code REPLAY_REQUEST} flagged
 * {@code RESYNC}, reliable) until one comes; its inbox delivers nothing of the room meanwhile. Client thread only.
 */
final class RoomRestores
{
    /** A resync asked for after a restore is asked for again after this long without it (it, or the ask, was lost). */
    static final long RETRY_NS = TimeUnit.SECONDS.toNanos(1);

    private final ClientListener listener;
    private final ClientSender sender;
    private final ErrorHandler errors;
    private final AtomicCounter restoreResyncs;

    RoomRestores(
        final ClientListener listener, final ClientSender sender, final Counters counters, final ErrorHandler errors)
    {
        this.listener = listener;
        this.sender = sender;
        this.errors = errors;
        this.restoreResyncs = counters.get(EngineCounter.ROOM_RESTORE_RESYNCS);
    }

    /**
     * The server restored a room of this session at {@code restoredSeq}. Delivered past it, the client goes back to
     * it and asks for a resync; a restore already acted on (the same id, at a later resume) is ignored.
     *
     * @param inbox       the room's inbox, or null when the client is not in it.
     * @param restoredSeq the seq the restored room's recording ended at.
     * @param restoreId   the restore's id.
     * @param nowNs       the client's clock.
     */
    void onRestored(final RoomInbox inbox, final long restoredSeq, final long restoreId, final long nowNs)
    {
        if (null == inbox || 0 == inbox.roomId || inbox.restoreId == restoreId)
        {
            return;
        }
        inbox.restoreId = restoreId;
        final long lastDelivered = inbox.lastDelivered();
        if (lastDelivered <= restoredSeq || restoredSeq < 0)
        {
            return;
        }
        restoreResyncs.incrementRelease();
        inbox.releaseUpTo(Long.MAX_VALUE);
        inbox.nextExpected = restoredSeq + 1;
        inbox.highestSeen = restoredSeq;
        inbox.lastAckSent = restoredSeq;
        inbox.lastResyncSeq = -1;
        inbox.awaitingRestoreResync = true;
        inbox.restoreAheadSeq = lastDelivered;
        inbox.lastProgressNs = nowNs;
        try
        {
            listener.onRoomRestored(inbox.roomId, lastDelivered, restoredSeq);
        }
        catch (final Throwable t)
        {
            errors.onError(t);
        }
        request(inbox, nowNs);
    }

    /**
     * Ask again for a resync that has not come.
     *
     * @return requests sent.
     */
    int retry(final RoomInbox inbox, final long nowNs)
    {
        if (nowNs - inbox.restoreRequestNs < RETRY_NS)
        {
            return 0;
        }
        request(inbox, nowNs);
        return 1;
    }

    private void request(final RoomInbox inbox, final long nowNs)
    {
        if (sender.sendResyncRequest(inbox.roomId, inbox.nextExpected, inbox.restoreAheadSeq) > 0)
        {
            inbox.restoreRequestNs = nowNs;
        }
    }
}
