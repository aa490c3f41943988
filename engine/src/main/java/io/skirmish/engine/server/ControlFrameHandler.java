package io.skirmish.engine.server;

import io.skirmish.engine.DisconnectReason;
import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.LeaveReason;
import io.skirmish.engine.protocol.EventAckFlyweight;
import io.skirmish.engine.protocol.FrameType;
import io.skirmish.engine.protocol.PingFlyweight;
import io.skirmish.engine.protocol.ReplayRequestFlyweight;
import io.skirmish.engine.protocol.RoomRequestFlyweight;
import org.agrona.DirectBuffer;

/**
 * Hands each control frame of a client's upstream, once the {@link FrameGate} passed it (and, for a reliable frame,
 * the {@link ReliableReceiver} put it in order), to the collaborator that owns its concept: the session registry
 * (keepalive, disconnect), the rooms (join, leave), the dispatcher (messages, emits), the fan-out (replay
 * requests, acks) and the {@link Feeds} (spectator and replay requests and acks). Conductor thread only.
 */
final class ControlFrameHandler implements ReliableReceiver.Handler
{
    private final FrameGate gate;
    private final SessionRegistry sessions;
    private final RoomRegistry rooms;
    private final MessageDispatcher dispatcher;
    private final EventFanOut fanOut;
    private final PingFlyweight pingFlyweight = new PingFlyweight();
    private final RoomRequestFlyweight roomRequestFlyweight = new RoomRequestFlyweight();
    private final ReplayRequestFlyweight replayRequestFlyweight = new ReplayRequestFlyweight();
    private final EventAckFlyweight eventAckFlyweight = new EventAckFlyweight();
    private Feeds feeds;

    ControlFrameHandler(
        final FrameGate gate,
        final SessionRegistry sessions,
        final RoomRegistry rooms,
        final MessageDispatcher dispatcher,
        final EventFanOut fanOut)
    {
        this.gate = gate;
        this.sessions = sessions;
        this.rooms = rooms;
        this.dispatcher = dispatcher;
        this.fanOut = fanOut;
    }

    void feeds(final Feeds feeds)
    {
        this.feeds = feeds;
    }

    public void onReliableFrame(
        final Peer peer, final int type, final DirectBuffer buffer, final int offset, final int length)
    {
        onFrame(peer, type, buffer, offset, length);
    }

    void onFrame(final Peer peer, final int type, final DirectBuffer buffer, final int offset, final int length)
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
                final int roomId = replayRequestFlyweight.roomId();
                final boolean valid =
                    (replayRequestFlyweight.requestFlags() & ReplayRequestFlyweight.FLAG_RESYNC) != 0 ?
                    rooms.onResyncRequest(0 == roomId ? null : peer.session.memberships.get(roomId), fromSeq) :
                    fanOut.onReplayRequest(peer.membership(roomId, fromSeq), fromSeq, replayRequestFlyweight.toSeq());
                if (!valid)
                {
                    gate.count(EngineCounter.DROPPED_MALFORMED);
                }
                break;

            case FrameType.EVENT_ACK:
                eventAckFlyweight.wrap(buffer, offset, length);
                fanOut.onEventAck(peer, eventAckFlyweight.roomId(), eventAckFlyweight.seq());
                break;

            case FrameType.FEED_REQUEST:
                feeds.onRequest(peer, buffer, offset, length);
                break;

            case FrameType.FEED_ACK:
                feeds.onAck(peer, buffer, offset, length);
                break;

            default:
                gate.reject(peer, EngineCounter.DROPPED_UNKNOWN_TYPE);
                break;
        }
    }
}
