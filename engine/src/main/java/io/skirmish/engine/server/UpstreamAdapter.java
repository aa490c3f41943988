package io.skirmish.engine.server;

import io.aeron.Image;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.logbuffer.Header;
import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.protocol.FrameType;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;

/**
 * Decodes every frame of the clients' upstream lanes: each passes the {@link FrameGate} first, then goes to its
 * owner by type: connect requests to the {@link Handshake}, lane binds to the {@link SessionRegistry}, inputs to the
 * {@link InputHandler}, snapshot acks to the {@link SnapshotPublisher}, reliable envelopes to the
 * {@link ReliableReceiver} (which puts them in order), and the unsequenced control frames (pings, event acks, a
 * closing client's disconnect) to the {@link ControlFrameHandler}. The pair of the server's senders. Conductor thread
 * only; allocation-free.
 */
final class UpstreamAdapter implements FragmentHandler
{
    private final LaneRegistry lanes;
    private final FrameGate gate;
    private final Handshake handshake;
    private final SessionRegistry sessions;
    private final InputHandler inputs;
    private final SnapshotPublisher snapshots;
    private final ReliableReceiver reliable;
    private final ControlFrameHandler control;
    private final ErrorHandler errors;

    UpstreamAdapter(
        final LaneRegistry lanes,
        final FrameGate gate,
        final Handshake handshake,
        final SessionRegistry sessions,
        final InputHandler inputs,
        final SnapshotPublisher snapshots,
        final ReliableReceiver reliable,
        final ControlFrameHandler control,
        final ErrorHandler errors)
    {
        this.lanes = lanes;
        this.gate = gate;
        this.handshake = handshake;
        this.sessions = sessions;
        this.inputs = inputs;
        this.snapshots = snapshots;
        this.reliable = reliable;
        this.control = control;
        this.errors = errors;
    }

    int poll(final int fragmentLimit)
    {
        return lanes.poll(this, fragmentLimit);
    }

    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final byte flags = header.flags();
        final boolean unfragmented = (flags & FrameDescriptor.UNFRAGMENTED) == FrameDescriptor.UNFRAGMENTED;
        if (!unfragmented && (flags & FrameDescriptor.BEGIN_FRAG_FLAG) == 0)
        {
            // the rest of a message Aeron fragmented: its first fragment was counted and refused
            return;
        }
        final Lane lane = lanes.lane((Image)header.context());
        final int type = gate.passUpstream(lane, buffer, offset, length, unfragmented);
        if (FrameGate.DROPPED == type)
        {
            return;
        }
        try
        {
            onFrame(lane, type);
        }
        catch (final Throwable t)
        {
            errors.onError(t);
        }
    }

    private void onFrame(final Lane lane, final int type)
    {
        final Peer peer = gate.peer();
        final DirectBuffer buffer = gate.frameBuffer();
        final int offset = gate.frameOffset();
        final int length = gate.frameLength();
        switch (type)
        {
            case FrameType.CONNECT_REQUEST:
                handshake.onConnectRequest(lane, buffer, offset, length);
                break;

            case FrameType.LANE_BIND:
                sessions.bind(peer, lane);
                break;

            case FrameType.INPUT:
                inputs.onInput(peer, buffer, offset, length);
                break;

            case FrameType.SNAPSHOT_ACK:
                if (!snapshots.onAckFrame(peer, buffer, offset, length))
                {
                    gate.reject(peer, EngineCounter.DROPPED_MALFORMED);
                }
                break;

            case FrameType.RELIABLE:
                reliable.onFrame(peer, buffer, offset, length);
                break;

            case FrameType.PING:
            case FrameType.PONG:
            case FrameType.EVENT_ACK:
            case FrameType.FEED_ACK:
            case FrameType.DISCONNECT:
                control.onFrame(peer, type, buffer, offset, length);
                break;

            default:
                gate.reject(peer, EngineCounter.DROPPED_UNKNOWN_TYPE);
                break;
        }
    }
}
