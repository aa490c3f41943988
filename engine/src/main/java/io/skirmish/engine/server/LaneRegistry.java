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
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;

import java.util.ArrayList;

/**
 * Owns the server's side of the lanes: the two request subscriptions, a {@link Lane} per client image, and the
 * per-client answering publications. Only this class creates or closes publications. A lane's publication is asked
 * for only once the lane proves it speaks the protocol (a well-formed CONNECT_REQUEST, a LANE_BIND from a live
 * session), so junk images cost no log buffers; a lane no session claims within the connect timeout is rejected.
 * Conductor thread only, except the image callbacks, which Aeron's conductor makes and which only enqueue.
 */
final class LaneRegistry implements LaneControl, AutoCloseable
{
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
    private final Subscription controlSubscription;
    private final Subscription inputSubscription;
    private final ExclusivePublication prototypeEvents;
    private final ExclusivePublication prototypeSnapshots;
    private final OneToOneConcurrentArrayQueue<Image> availableImages = new OneToOneConcurrentArrayQueue<>(4096);
    private final ManyToOneConcurrentLinkedQueue<Image> unavailableImages = new ManyToOneConcurrentLinkedQueue<>();
    private final Int2ObjectHashMap<Lane> controlLanes = new Int2ObjectHashMap<>();
    private final Int2ObjectHashMap<Lane> inputLanes = new Int2ObjectHashMap<>();
    private final ArrayList<Lane> watched = new ArrayList<>();
    private long nowNs;

    LaneRegistry(final Aeron aeron, final GameServer.Context ctx, final Counters counters, final ErrorHandler errors)
    {
        this.aeron = aeron;
        this.ctx = ctx;
        this.counters = counters;
        this.errors = errors;
        Subscription control = null;
        Subscription input = null;
        ExclusivePublication events = null;
        ExclusivePublication snapshots = null;
        try
        {
            control = aeron.addSubscription(
                Lanes.serverRequestSubscription(ctx.bindAddress, ctx.port, true), Lanes.CONTROL_STREAM_ID,
                this::enqueueAvailable, this::enqueueUnavailable);
            input = aeron.addSubscription(
                Lanes.serverRequestSubscription(ctx.bindAddress, ctx.port, false), Lanes.INPUT_STREAM_ID,
                this::enqueueAvailable, this::enqueueUnavailable);
            events = aeron.addExclusivePublication(
                responseChannel(CommonContext.PROTOTYPE_CORRELATION_ID, Lane.Kind.CONTROL), Lanes.EVENTS_STREAM_ID);
            snapshots = aeron.addExclusivePublication(
                responseChannel(CommonContext.PROTOTYPE_CORRELATION_ID, Lane.Kind.INPUT), Lanes.SNAPSHOT_STREAM_ID);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(snapshots, events, input, control);
            throw ex;
        }
        this.controlSubscription = control;
        this.inputSubscription = input;
        this.prototypeEvents = events;
        this.prototypeSnapshots = snapshots;
    }

    private String responseChannel(final String correlationId, final Lane.Kind kind)
    {
        final boolean control = kind == Lane.Kind.CONTROL;
        return Lanes.serverResponsePublication(ctx.bindAddress, ctx.responsePort, correlationId,
            control ? ctx.reliableTermLength() : ctx.unreliableTermLength(), ctx.mtuLength(), control);
    }

    int pollControl(final FragmentHandler handler, final int limit)
    {
        return controlSubscription.poll(handler, limit);
    }

    int pollInput(final FragmentHandler handler, final int limit)
    {
        return inputSubscription.poll(handler, limit);
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
     * @param image a client image of one of the request subscriptions.
     * @return its lane, created (and watched) on first sight.
     */
    Lane lane(final Image image)
    {
        final boolean control = image.subscription() == controlSubscription;
        final Int2ObjectHashMap<Lane> lanes = control ? controlLanes : inputLanes;
        Lane lane = lanes.get(image.sessionId());
        if (null == lane || lane.image.correlationId() != image.correlationId())
        {
            lane = new Lane(control ? Lane.Kind.CONTROL : Lane.Kind.INPUT, image, image.sessionId(), nowNs);
            lanes.put(image.sessionId(), lane);
            watch(lane);
        }
        return lane;
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
            final Int2ObjectHashMap<Lane> lanes = image.subscription() == controlSubscription ? controlLanes : inputLanes;
            final Lane lane = lanes.get(image.sessionId());
            if (null != lane && lane.image.correlationId() == image.correlationId())
            {
                lanes.remove(image.sessionId());
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
        if (!lane.isClosed() && null == lane.peer && nowNs - lane.createdNs > ctx.connectTimeoutNs())
        {
            reject(lane.image, lane.kind == Lane.Kind.CONTROL ?
                "skirmish: handshake timed out" : "skirmish: lane bind timed out");
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
                responseChannel(Long.toString(lane.image.correlationId()), lane.kind),
                lane.kind == Lane.Kind.CONTROL ? Lanes.EVENTS_STREAM_ID : Lanes.SNAPSHOT_STREAM_ID);
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

    String counts()
    {
        int watchedControl = 0;
        for (int i = 0; i < watched.size(); i++)
        {
            watchedControl += watched.get(i).kind == Lane.Kind.CONTROL ? 1 : 0;
        }
        return "connections=" + controlLanes.size() + " inputLinks=" + inputLanes.size() +
            " pendingConnections=" + watchedControl + " pendingInputLinks=" + (watched.size() - watchedControl);
    }

    /**
     * Close every publication and both subscriptions.
     */
    public void close()
    {
        closeAll(controlLanes);
        closeAll(inputLanes);
        for (final Lane lane : watched)
        {
            CloseHelper.quietClose(lane.publication);
        }
        CloseHelper.quietCloseAll(controlSubscription, inputSubscription, prototypeEvents, prototypeSnapshots);
    }

    private static void closeAll(final Int2ObjectHashMap<Lane> lanes)
    {
        final Int2ObjectHashMap<Lane>.ValueIterator it = lanes.values().iterator();
        while (it.hasNext())
        {
            CloseHelper.quietClose(it.next().publication);
        }
    }
}
