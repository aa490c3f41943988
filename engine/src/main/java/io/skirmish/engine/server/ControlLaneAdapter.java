package io.skirmish.engine.server;

import io.aeron.Image;
import io.aeron.logbuffer.Header;
import io.skirmish.engine.DisconnectReason;
import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.LeaveReason;
import io.skirmish.engine.protocol.EventAckFlyweight;
import io.skirmish.engine.protocol.FrameType;
import io.skirmish.engine.protocol.PingFlyweight;
import io.skirmish.engine.protocol.ReplayRequestFlyweight;
import io.skirmish.engine.protocol.RoomRequestFlyweight;
import io.skirmish.engine.security.FrameCipher;
import io.skirmish.engine.transport.BoundedFragmentAssembler;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;

/**
 * Decodes the frames of the clients' control lanes, after the {@link FrameGate} passed them, and hands each to the
 * collaborator that owns its concept: the handshake, the session registry (keepalive, disconnect), the rooms (join,
 * leave), the dispatcher (messages, emits) and the fan-out (replay requests, acks). Conductor thread only.
 */
final class ControlLaneAdapter
{
    private final LaneRegistry lanes;
    private final FrameGate gate;
    private final Handshake handshake;
    private final SessionRegistry sessions;
    private final RoomRegistry rooms;
    private final MessageDispatcher dispatcher;
    private final EventFanOut fanOut;
    private final ErrorHandler errors;
    private final BoundedFragmentAssembler assembler;
    private final PingFlyweight pingFlyweight = new PingFlyweight();
    private final RoomRequestFlyweight roomRequestFlyweight = new RoomRequestFlyweight();
    private final ReplayRequestFlyweight replayRequestFlyweight = new ReplayRequestFlyweight();
    private final EventAckFlyweight eventAckFlyweight = new EventAckFlyweight();

    ControlLaneAdapter(
        final int maxFrameLength,
        final LaneRegistry lanes,
        final FrameGate gate,
        final Handshake handshake,
        final SessionRegistry sessions,
        final RoomRegistry rooms,
        final MessageDispatcher dispatcher,
        final EventFanOut fanOut,
        final ErrorHandler errors)
    {
        this.lanes = lanes;
        this.gate = gate;
        this.handshake = handshake;
        this.sessions = sessions;
        this.rooms = rooms;
        this.dispatcher = dispatcher;
        this.fanOut = fanOut;
        this.errors = errors;
        this.assembler = new BoundedFragmentAssembler(
            this::onMessage, maxFrameLength + FrameCipher.TRAILER_LENGTH, this::onOversize);
    }

    int poll(final int fragmentLimit)
    {
        return lanes.pollControl(assembler, fragmentLimit);
    }

    /**
     * A control lane's image went away: drop its partial message.
     */
    void onLaneLost(final Lane lane)
    {
        assembler.freeSessionBuffer(lane.imageSessionId);
    }

    private void onOversize(final Header header)
    {
        gate.onOversize(lanes.lane((Image)header.context()));
    }

    private void onMessage(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final Lane lane = lanes.lane((Image)header.context());
        final int type = gate.passControl(lane, buffer, offset, length);
        if (FrameGate.DROPPED == type)
        {
            return;
        }
        try
        {
            if (FrameType.CONNECT_REQUEST == type)
            {
                handshake.onConnectRequest(lane, gate.frameBuffer(), gate.frameOffset(), gate.frameLength());
            }
            else
            {
                onFrame(gate.peer(), type, gate.frameBuffer(), gate.frameOffset(), gate.frameLength());
            }
        }
        catch (final Throwable t)
        {
            errors.onError(t);
        }
    }

    private void onFrame(final Peer peer, final int type, final DirectBuffer buffer, final int offset, final int length)
    {
        switch (type)
        {
            case FrameType.PING:
                pingFlyweight.wrap(buffer, offset, length);
                sessions.sendPing(peer, FrameType.PONG, pingFlyweight.originTimeNs());
                break;

            case FrameType.PONG:
                pingFlyweight.wrap(buffer, offset, length);
                sessions.onPong(peer, pingFlyweight.originTimeNs());
                break;

            case FrameType.DISCONNECT:
                sessions.close(peer, DisconnectReason.CLIENT_CLOSED, false);
                break;

            case FrameType.MESSAGE:
                dispatcher.onMessage(peer, buffer, offset, length);
                break;

            case FrameType.JOIN_REQUEST:
                roomRequestFlyweight.wrap(buffer, offset, length);
                rooms.onJoinRequest(peer, roomRequestFlyweight.roomId(), roomRequestFlyweight.requestId(), buffer,
                    offset + RoomRequestFlyweight.PAYLOAD_OFFSET, roomRequestFlyweight.payloadLength());
                break;

            case FrameType.LEAVE_REQUEST:
                roomRequestFlyweight.wrap(buffer, offset, length);
                final Room room = rooms.room(roomRequestFlyweight.roomId());
                if (null != room)
                {
                    rooms.leave(room, peer, LeaveReason.LEFT);
                }
                break;

            case FrameType.ROOM_EMIT:
                dispatcher.onEmit(peer, buffer, offset, length);
                break;

            case FrameType.REPLAY_REQUEST:
                replayRequestFlyweight.wrap(buffer, offset, length);
                final long fromSeq = replayRequestFlyweight.fromSeq();
                if (!fanOut.onReplayRequest(peer.membership(replayRequestFlyweight.roomId(), fromSeq),
                    fromSeq, replayRequestFlyweight.toSeq()))
                {
                    gate.count(EngineCounter.DROPPED_MALFORMED);
                }
                break;

            case FrameType.EVENT_ACK:
                eventAckFlyweight.wrap(buffer, offset, length);
                final long seq = eventAckFlyweight.seq();
                fanOut.onEventAck(peer.membership(eventAckFlyweight.roomId(), seq), seq);
                break;

            default:
                gate.reject(peer, EngineCounter.DROPPED_UNKNOWN_TYPE);
                break;
        }
    }
}
