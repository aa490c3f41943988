package io.skirmish.engine.server;

import io.skirmish.engine.DisconnectReason;
import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.status.Counters;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.ArrayDeque;

/**
 * Who may start a handshake and who is refused: past capacity the server refuses, and it never collapses.
 * <ul>
 *     <li>A bounded number of handshakes run at once ({@code maxHandshakesInFlight}: lanes whose downstream is being
 *     set up plus sessions binding, the costly part of a connect for the driver). Connect requests beyond that wait in
 *     a bounded queue, in order of arrival, and start as slots free, so a storm of clients is admitted in order
 *     rather than all failing at once. A client that stopped asking (it gave up or moved to fresh lanes) leaves the
 *     queue; a request that finds the queue full is dropped and counted, and the client asks again.</li>
 *     <li>A new session is refused with {@link DisconnectReason#SERVER_FULL} at {@code maxSessions}, and with
 *     {@link DisconnectReason#SERVER_BUSY} while the conductor's load ({@link ServerLoad}) is at or over
 *     {@code admissionLoadLimit}. A resume is never refused for load: its session holds its slot.</li>
 *     <li>Each refusal advises how long to wait before asking again. While the server refuses more than
 *     {@code refusalRateTarget} a second, the advice grows in proportion (by Little's law the clients waiting are the
 *     refusal rate times their wait, so a wait of waiting / target brings them back at the target rate), up to
 *     {@value #MAX_RETRY_AFTER_MS} ms; below half the target it halves, and under a second it is dropped (0: the
 *     client's own backoff applies).</li>
 * </ul>
 * Conductor thread only; allocation-free once the queue has been filled once.
 */
final class Admission
{
    /** A queued client that has not asked again for this long (it asks every 100 ms) has given up. */
    static final long ABANDONED_NS = 500_000_000L;
    static final int MAX_RETRY_AFTER_MS = 30_000;
    static final int MIN_RETRY_AFTER_MS = 1_000;
    private static final long RATE_WINDOW_NS = 1_000_000_000L;

    private final int maxInFlight;
    private final int maxQueued;
    private final double loadLimit;
    private final ArrayDeque<Lane> queue;
    private final ServerLoad load = new ServerLoad();
    private final AtomicCounter refusedFull;
    private final AtomicCounter refusedBusy;
    private final AtomicCounter inFlightGauge;
    private final AtomicCounter queuedGauge;
    private final AtomicCounter queueFullDrops;
    private final AtomicCounter loadGauge;
    private final AtomicCounter retryAfterGauge;
    private final int refusalRateTarget;
    private long windowStartNs;
    private int refusalsInWindow;
    private int retryAfterMs;
    private final AtomicCounter refusedDraining;
    private volatile boolean draining;

    Admission(final GameServer.Context ctx, final Counters counters)
    {
        this.maxInFlight = ctx.maxHandshakesInFlight();
        this.maxQueued = ctx.maxQueuedConnects();
        this.loadLimit = 0 == ctx.admissionLoadLimit() ? Double.MAX_VALUE : ctx.admissionLoadLimit();
        this.queue = new ArrayDeque<>(Math.max(16, maxQueued));
        this.refusedFull = counters.get(EngineCounter.CONNECTS_REFUSED_FULL);
        this.refusedBusy = counters.get(EngineCounter.CONNECTS_REFUSED_BUSY);
        this.inFlightGauge = counters.get(EngineCounter.HANDSHAKES_IN_FLIGHT);
        this.queuedGauge = counters.get(EngineCounter.CONNECTS_QUEUED);
        this.queueFullDrops = counters.get(EngineCounter.CONNECTS_DROPPED_QUEUE_FULL);
        this.loadGauge = counters.get(EngineCounter.SERVER_LOAD_PERMILLE);
        this.retryAfterGauge = counters.get(EngineCounter.REFUSAL_RETRY_AFTER_MS);
        this.refusalRateTarget = ctx.refusalRateTarget();
        this.refusedDraining = counters.get(EngineCounter.CONNECTS_REFUSED_DRAINING);
    }

    /**
     * @param inFlight handshakes running now, for the gauge.
     */
    void inFlight(final int inFlight)
    {
        inFlightGauge.setRelease(inFlight);
    }

    /**
     * @param inFlight handshakes running now.
     * @return true when a connect request arriving now may start its handshake at once.
     */
    boolean mayStart(final int inFlight)
    {
        inFlight(inFlight);
        return inFlight < maxInFlight && queue.isEmpty();
    }

    /**
     * Hold a connect request until a handshake slot frees; a lane already waiting keeps its place and its newest
     * request.
     *
     * @return false when the queue is full and the request was dropped.
     */
    boolean enqueue(final Lane lane, final DirectBuffer buffer, final int offset, final int length, final long nowNs)
    {
        if (!lane.queued)
        {
            if (queue.size() >= maxQueued)
            {
                queueFullDrops.incrementRelease();
                return false;
            }
            lane.queued = true;
            queue.addLast(lane);
            queuedGauge.setRelease(queue.size());
        }
        if (null == lane.pendingRequest || lane.pendingRequest.capacity() < length)
        {
            lane.pendingRequest = new UnsafeBuffer(new byte[Math.max(length, 256)]);
        }
        lane.pendingRequest.putBytes(0, buffer, offset, length);
        lane.pendingRequestLength = length;
        lane.lastRequestNs = nowNs;
        return true;
    }

    /**
     * The oldest waiting lane that may start now, or null: when a slot is free, lanes closed meanwhile or given up
     * by their client are passed over.
     *
     * @param inFlight handshakes running now.
     * @param nowNs    the duty cycle's clock.
     */
    Lane next(final int inFlight, final long nowNs)
    {
        inFlightGauge.setRelease(inFlight);
        if (inFlight >= maxInFlight)
        {
            return null;
        }
        Lane lane;
        while (null != (lane = queue.pollFirst()))
        {
            lane.queued = false;
            if (!lane.isClosed() && null == lane.peer && nowNs - lane.lastRequestNs < ABANDONED_NS)
            {
                break;
            }
            lane.pendingRequestLength = 0;
        }
        queuedGauge.setRelease(queue.size());
        return lane;
    }

    /**
     * @param full true when the server holds {@code maxSessions} sessions.
     * @return why a new session is refused now, or null to admit it; a refusal is counted.
     */
    DisconnectReason refuseNewSession(final boolean full)
    {
        if (draining)
        {
            refusedDraining.incrementRelease();
            return DisconnectReason.SERVER_DRAINING;
        }
        final DisconnectReason reason = full ? DisconnectReason.SERVER_FULL :
            load.load() >= loadLimit ? DisconnectReason.SERVER_BUSY : null;
        if (null != reason)
        {
            onRefused(reason);
        }
        return reason;
    }

    private void onRefused(final DisconnectReason reason)
    {
        (DisconnectReason.SERVER_FULL == reason ? refusedFull : refusedBusy).incrementRelease();
        refusalsInWindow++;
    }

    /**
     * @return the wait to advise a refused client, in ms; 0 for none.
     */
    int retryAfterMs()
    {
        return retryAfterMs;
    }

    /**
     * A duty cycle ran: the load follows, and once a second the advised wait.
     */
    void onCycle(final long startNs, final long endNs)
    {
        if (load.onCycle(startNs, endNs))
        {
            loadGauge.setRelease((long)(load.load() * 1000));
        }
        if (endNs - windowStartNs >= RATE_WINDOW_NS)
        {
            adviseRetry(refusalsInWindow * 1e9 / Math.max(1, endNs - windowStartNs));
            windowStartNs = endNs;
            refusalsInWindow = 0;
        }
    }

    private void adviseRetry(final double refusalsPerSecond)
    {
        int advice = retryAfterMs;
        if (refusalsPerSecond > refusalRateTarget)
        {
            final double waitingClients = refusalsPerSecond * Math.max(MIN_RETRY_AFTER_MS, retryAfterMs) / 1000.0;
            advice = (int)Math.min(MAX_RETRY_AFTER_MS, 1000.0 * waitingClients / refusalRateTarget);
        }
        else if (refusalsPerSecond < refusalRateTarget / 2.0)
        {
            advice = retryAfterMs / 2;
        }
        retryAfterMs = advice < MIN_RETRY_AFTER_MS ? 0 : advice;
        retryAfterGauge.setRelease(retryAfterMs);
    }

    /**
     * @return the conductor's load over the last second, 0 to 1.
     */
    double load()
    {
        return load.load();
    }

    /**
     * Refuse every new session from now on with {@link DisconnectReason#SERVER_DRAINING}; resumes still pass. Any
     * thread.
     */
    void drain()
    {
        draining = true;
    }

    /**
     * @return true once {@link #drain()} was called. Any thread.
     */
    boolean isDraining()
    {
        return draining;
    }

    int queued()
    {
        return queue.size();
    }
}
