package io.skirmish.engine.server;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.Subscription;
import io.aeron.exceptions.RegistrationException;
import io.aeron.logbuffer.FragmentHandler;
import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.status.Counters;
import io.skirmish.engine.transport.Lanes;
import io.skirmish.engine.transport.PublicationOutlet;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.collections.ArrayListUtil;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;

import java.util.ArrayList;

/**
 * Owns the server's side of the lanes: one upstream subscription per port pair, a {@link Lane} per client image, and
 * the per-client downstream publications. Only this class creates or closes publications. A lane's publication is
 * asked for only once the lane proves it speaks the protocol (a well-formed CONNECT_REQUEST, a LANE_BIND from a live
 * session), so junk images cost no log buffers; a lane no session claims within the connect timeout is rejected. New
 * sessions are spread over the port pairs ({@link #assignPair(int)}), so that each duty cycle reads a datagram from
 * each pair's socket. Conductor thread only, except the image callbacks, which Aeron's conductor makes and which only
 * enqueue.
 */
final class LaneRegistry implements LaneControl, AutoCloseable
{
    /**
     * A handshake whose client has not sent its connect request (every 100 ms until answered) for this long is
     * abandoned, so that clients that went away do not hold handshake slots until the connect timeout.
     */
    static final long ABANDONED_HANDSHAKE_NS = 1_000_000_000L;

    /** Told what happens to lanes. Conductor thread. */
    interface Handler
    {
        /**
         * The lane's image went away; the lane is closed.
         *
         * @param lane the lane.
         */
        void onLaneLost(Lane lane);

        /**
         * A lane still being watched has its publication.
         *
         * @param lane the lane.
         * @return true when it no longer needs watching.
         */
        boolean onWatchedLaneReady(Lane lane);
    }

    private final Aeron aeron;
    private final GameServer.Context ctx;
    private final Counters counters;
    private final ErrorHandler errors;
    private final Subscription[] subscriptions;
    private final ExclusivePublication[] prototypes;
    private final int[] sessionsPerPair;
    private final OneToOneConcurrentArrayQueue<Image> availableImages = new OneToOneConcurrentArrayQueue<>(4096);
    private final ManyToOneConcurrentLinkedQueue<Image> unavailableImages = new ManyToOneConcurrentLinkedQueue<>();
    private final Long2ObjectHashMap<Lane> lanes = new Long2ObjectHashMap<>();
    private final ArrayList<Lane> watched = new ArrayList<>();
    private long nowNs;

    LaneRegistry(final Aeron aeron, final GameServer.Context ctx, final Counters counters, final ErrorHandler errors)
    {
        this.aeron = aeron;
        this.ctx = ctx;
        this.counters = counters;
        this.errors = errors;
        final int pairs = ctx.portPairs();
        this.subscriptions = new Subscription[pairs];
        this.prototypes = new ExclusivePublication[pairs];
        this.sessionsPerPair = new int[pairs];
        try
        {
            for (int k = 0; k < pairs; k++)
            {
                subscriptions[k] = aeron.addSubscription(
                    Lanes.serverRequestSubscription(ctx.bindAddress, Lanes.pairPort(ctx.port, k)),
                    Lanes.UPSTREAM_STREAM_ID, this::enqueueAvailable, this::enqueueUnavailable);
                prototypes[k] = aeron.addExclusivePublication(
                    responseChannel(k, CommonContext.PROTOTYPE_CORRELATION_ID), Lanes.DOWNSTREAM_STREAM_ID);
            }
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(prototypes);
            CloseHelper.quietCloseAll(subscriptions);
            throw ex;
        }
    }

    private String responseChannel(final int pair, final String correlationId)
    {
        return Lanes.serverResponsePublication(ctx.bindAddress, Lanes.pairPort(ctx.responsePort, pair), correlationId,
            ctx.termLength(), ctx.mtuLength());
    }

    /**
     * Poll every pair's upstream subscription.
     *
     * @return fragments read.
     */
    int poll(final FragmentHandler handler, final int limit)
    {
        int fragments = 0;
        for (final Subscription subscription : subscriptions)
        {
            fragments += subscription.poll(handler, limit);
        }
        return fragments;
    }

    public int assignPair(final int previous)
    {
        releasePair(previous);
        int best = 0;
        for (int k = 1; k < sessionsPerPair.length; k++)
        {
            if (sessionsPerPair[k] < sessionsPerPair[best])
            {
                best = k;
            }
        }
        sessionsPerPair[best]++;
        return best;
    }

    public void releasePair(final int pair)
    {
        if (pair >= 0 && pair < sessionsPerPair.length && sessionsPerPair[pair] > 0)
        {
            sessionsPerPair[pair]--;
        }
    }

    private void enqueueAvailable(final Image image)
    {
        if (!availableImages.offer(image))
        {
            reject(image, "server busy");
        }
    }

    private void enqueueUnavailable(final Image image)
    {
        // unbounded: a lost image must never be dropped, and this may run on the conductor's own thread
        unavailableImages.offer(image);
    }

    /**
     * @param image a client image of one of the upstream subscriptions.
     * @return its lane, created (and watched) on first sight.
     */
    Lane lane(final Image image)
    {
        final long correlationId = image.correlationId();
        Lane lane = lanes.get(correlationId);
        if (null == lane)
        {
            lane = new Lane(image, image.sessionId(), pairOf(image), nowNs);
            lanes.put(correlationId, lane);
            watch(lane);
        }
        return lane;
    }

    private int pairOf(final Image image)
    {
        final Subscription subscription = image.subscription();
        for (int k = 0; k < subscriptions.length; k++)
        {
            if (subscriptions[k] == subscription)
            {
                return k;
            }
        }
        return 0;
    }

    int processImageEvents(final long nowNs, final Handler handler)
    {
        this.nowNs = nowNs;
        int work = 0;
        Image image;
        while (null != (image = availableImages.poll()))
        {
            work++;
            lane(image);
        }
        while (null != (image = unavailableImages.poll()))
        {
            work++;
            final Lane lane = lanes.remove(image.correlationId());
            if (null != lane)
            {
                close(lane);
                handler.onLaneLost(lane);
            }
        }
        return work;
    }

    /**
     * Resolve the answering publications of watched lanes; drop those that failed, closed or timed out.
     */
    int processWatched(final long nowNs, final Handler handler)
    {
        this.nowNs = nowNs;
        int work = 0;
        for (int i = watched.size() - 1; i >= 0; i--)
        {
            final Lane lane = watched.get(i);
            final boolean resolved = resolve(lane, nowNs);
            if (lane.state == Lane.State.CLOSED || (resolved && handler.onWatchedLaneReady(lane)))
            {
                lane.pending = false;
                ArrayListUtil.fastUnorderedRemove(watched, i);
                work++;
            }
        }
        return work;
    }

    /**
     * @return true when the lane's publication is ready.
     */
    private boolean resolve(final Lane lane, final long nowNs)
    {
        if (null == lane.publication && Lane.NO_REGISTRATION != lane.registrationId)
        {
            try
            {
                final ExclusivePublication publication = aeron.getExclusivePublication(lane.registrationId);
                if (null != publication)
                {
                    lane.publication = publication;
                    lane.outlet = new PublicationOutlet(publication);
                    if (lane.state == Lane.State.ADDING)
                    {
                        lane.state = Lane.State.READY;
                    }
                }
            }
            catch (final RegistrationException ex)
            {
                if (isRejectedImage(ex))
                {
                    counters.get(EngineCounter.DROPPED_UNAUTHENTICATED).incrementRelease();
                }
                else
                {
                    errors.onError(ex);
                }
                lane.registrationId = Lane.NO_REGISTRATION;
                lane.state = Lane.State.CLOSED;
                reject(lane.image, "skirmish: no response channel");
                return false;
            }
        }
        if (!lane.isClosed() && null == lane.peer && (nowNs - lane.createdNs > ctx.connectTimeoutNs() ||
            (0 != lane.lastRequestNs && nowNs - lane.lastRequestNs > ABANDONED_HANDSHAKE_NS)))
        {
            // timed out, or its client stopped asking (it went away, or moved to fresh lanes): the slot is freed
            reject(lane.image, "skirmish: handshake timed out");
            close(lane);
        }
        if (lane.state == Lane.State.CLOSING && (null != lane.publication || Lane.NO_REGISTRATION == lane.registrationId))
        {
            CloseHelper.quietClose(lane.publication);
            lane.state = Lane.State.CLOSED;
        }
        return lane.state == Lane.State.READY;
    }

    private static boolean isRejectedImage(final RegistrationException ex)
    {
        final String message = ex.getMessage();
        return null != message && message.contains("did not request a response channel");
    }

    public void requestPublication(final Lane lane)
    {
        if (lane.state == Lane.State.OPEN)
        {
            lane.state = Lane.State.ADDING;
            lane.registrationId = aeron.asyncAddExclusivePublication(
                responseChannel(lane.pair, Long.toString(lane.image.correlationId())), Lanes.DOWNSTREAM_STREAM_ID);
        }
    }

    public void close(final Lane lane)
    {
        if (lane.isClosed())
        {
            return;
        }
        if (null == lane.publication && Lane.NO_REGISTRATION != lane.registrationId)
        {
            lane.state = Lane.State.CLOSING;
            watch(lane);
        }
        else
        {
            CloseHelper.quietClose(lane.publication);
            lane.state = Lane.State.CLOSED;
        }
    }

    public int lanesSettingUp()
    {
        int count = 0;
        for (int i = 0, n = watched.size(); i < n; i++)
        {
            final Lane lane = watched.get(i);
            if (null == lane.peer && (lane.state == Lane.State.ADDING || lane.state == Lane.State.READY))
            {
                count++;
            }
        }
        return count;
    }

    public void watch(final Lane lane)
    {
        if (!lane.pending)
        {
            lane.pending = true;
            watched.add(lane);
        }
    }

    /**
     * Refuse an image; it may already be gone, in which case Aeron throws and there is nothing left to refuse.
     */
    void reject(final Image image, final String reason)
    {
        try
        {
            if (null != image && !image.isClosed())
            {
                image.reject(reason);
            }
        }
        catch (final RuntimeException ignore)
        {
            // the image went away between the check and the reject
        }
    }

    /**
     * @return sessions per port pair, a copy.
     */
    int[] sessionsPerPair()
    {
        return sessionsPerPair.clone();
    }

    String counts()
    {
        return "lanes=" + lanes.size() + " pendingLanes=" + watched.size();
    }

    /**
     * Close every publication and subscription.
     */
    public void close()
    {
        final Long2ObjectHashMap<Lane>.ValueIterator it = lanes.values().iterator();
        while (it.hasNext())
        {
            CloseHelper.quietClose(it.next().publication);
        }
        for (final Lane lane : watched)
        {
            CloseHelper.quietClose(lane.publication);
        }
        CloseHelper.quietCloseAll(prototypes);
        CloseHelper.quietCloseAll(subscriptions);
    }
}
