package io.skirmish.engine.server;

import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.skirmish.engine.transport.Outlet;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One client stream into the server (an Aeron image) and the per-client publication that answers it: the control
 * lane (control in, events out) or the input lane (inputs in, snapshots out). Created when its image is first seen;
 * its answering publication is asked for only once the lane has proven it speaks the protocol. Owned by the
 * {@link LaneRegistry}; conductor thread only.
 */
final class Lane
{
    /** Which pair of streams. */
    enum Kind
    {
        /** Reliable: control frames in, events out. */
        CONTROL,
        /** Unreliable: inputs in, snapshots out. */
        INPUT
    }

    /** Where the lane is in its life. */
    enum State
    {
        /** Its image is up; no answering publication was asked for yet. */
        OPEN,
        /** The answering publication is being added. */
        ADDING,
        /** The answering publication exists (it may not be connected yet). */
        READY,
        /** Closed while its publication was still being added: the publication is closed once it arrives. */
        CLOSING,
        /** Closed; frames on it are dropped. */
        CLOSED
    }

    static final long NO_REGISTRATION = -1;

    final Kind kind;
    final Image image;
    final int imageSessionId;
    final long createdNs;
    State state = State.OPEN;
    long registrationId = NO_REGISTRATION;
    ExclusivePublication publication;
    Outlet outlet;
    Peer peer;
    boolean pending;
    UnsafeBuffer pendingRequest;
    int pendingRequestLength;

    Lane(final Kind kind, final Image image, final int imageSessionId, final long createdNs)
    {
        this.kind = kind;
        this.image = image;
        this.imageSessionId = imageSessionId;
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
        return "Lane{" + kind + ", " + state + ", image=" + imageSessionId + "}";
    }
}
