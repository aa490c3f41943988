package io.skirmish.engine.server;

import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.skirmish.engine.transport.Outlet;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One client's pair of streams on one of the server's port pairs: its upstream (an Aeron image of the client's
 * publication) and the per-client downstream publication that answers it. Created when its image is first seen; its
 * downstream publication is asked for only once the lane has proven it speaks the protocol. Owned by the
 * {@link LaneRegistry}; conductor thread only.
 */
final class Lane
{
    /** Where the lane is in its life. */
    enum State
    {
        /** Its image is up; no downstream publication was asked for yet. */
        OPEN,
        /** The downstream publication is being added. */
        ADDING,
        /** The downstream publication exists (it may not be connected yet). */
        READY,
        /** Closed while its publication was still being added: the publication is closed once it arrives. */
        CLOSING,
        /** Closed; frames on it are dropped. */
        CLOSED
    }

    static final long NO_REGISTRATION = -1;

    final Image image;
    final int imageSessionId;
    final int pair;
    final long createdNs;
    State state = State.OPEN;
    long registrationId = NO_REGISTRATION;
    ExclusivePublication publication;
    Outlet outlet;
    Peer peer;
    boolean pending;
    UnsafeBuffer pendingRequest;
    int pendingRequestLength;
    boolean queued;
    /** When its latest CONNECT_REQUEST arrived, 0 before the first. */
    long lastRequestNs;

    Lane(final Image image, final int imageSessionId, final int pair, final long createdNs)
    {
        this.image = image;
        this.imageSessionId = imageSessionId;
        this.pair = pair;
        this.createdNs = createdNs;
    }

    boolean isClosed()
    {
        return state == State.CLOSING || state == State.CLOSED;
    }

    boolean isConnected()
    {
        return null != outlet && outlet.isConnected();
    }

    long imagePosition()
    {
        return null == image || image.isClosed() ? 0 : image.position();
    }

    public String toString()
    {
        return "Lane{" + state + ", pair=" + pair + ", image=" + imageSessionId + "}";
    }
}
