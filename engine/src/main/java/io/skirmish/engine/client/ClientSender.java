package io.skirmish.engine.client;

import io.skirmish.engine.DisconnectReason;
import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.SendResult;
import io.skirmish.engine.protocol.ConnectRequestFlyweight;
import io.skirmish.engine.protocol.DisconnectFlyweight;
import io.skirmish.engine.protocol.EventAckFlyweight;
import io.skirmish.engine.protocol.FrameHeaderFlyweight;
import io.skirmish.engine.protocol.FrameType;
import io.skirmish.engine.protocol.LaneBindFlyweight;
import io.skirmish.engine.protocol.MessageFlyweight;
import io.skirmish.engine.protocol.PingFlyweight;
import io.skirmish.engine.protocol.ReplayRequestFlyweight;
import io.skirmish.engine.protocol.RoomEventFlyweight;
import io.skirmish.engine.protocol.RoomRequestFlyweight;
import io.skirmish.engine.security.FrameCipher;
import io.skirmish.engine.security.LaneCrypto;
import io.skirmish.engine.status.Counters;
import io.skirmish.engine.transport.FrameOffer;
import io.skirmish.engine.transport.Outlet;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Encodes every frame the client sends on its control lane, and the lane bind on its input lane, and offers each
 * through the one {@link FrameOffer} path (sealed under the connection's keys). The pair of the
 * {@link ServerFrameAdapter}, which decodes what comes back. Client thread only; allocation-free.
 */
final class ClientSender
{
    private final FrameOffer frameOffer;
    private final LaneCrypto crypto;
    private final AtomicCounter reliableSendFailed;
    private final UnsafeBuffer sendBuffer;
    private final ConnectRequestFlyweight connectRequestFlyweight = new ConnectRequestFlyweight();
    private final LaneBindFlyweight laneBindFlyweight = new LaneBindFlyweight();
    private final PingFlyweight pingFlyweight = new PingFlyweight();
    private final DisconnectFlyweight disconnectFlyweight = new DisconnectFlyweight();
    private final MessageFlyweight messageFlyweight = new MessageFlyweight();
    private final RoomEventFlyweight eventFlyweight = new RoomEventFlyweight();
    private final RoomRequestFlyweight roomRequestFlyweight = new RoomRequestFlyweight();
    private final ReplayRequestFlyweight replayRequestFlyweight = new ReplayRequestFlyweight();
    private final EventAckFlyweight eventAckFlyweight = new EventAckFlyweight();
    private Outlet control;
    private Outlet input;
    private int sessionId;
    private long messageSeq;
    private long emitSeq;
    private int nextRequestId = 1;

    ClientSender(final int maxMessageLength, final FrameOffer frameOffer, final LaneCrypto crypto, final Counters counters)
    {
        this.frameOffer = frameOffer;
        this.crypto = crypto;
        this.reliableSendFailed = counters.get(EngineCounter.RELIABLE_SEND_FAILED);
        this.sendBuffer = new UnsafeBuffer(
            BufferUtil.allocateDirectAligned(RoomEventFlyweight.PAYLOAD_OFFSET + maxMessageLength + 64, 64));
    }

    /**
     * The lanes of the current attempt (null when closed).
     */
    void lanes(final Outlet control, final Outlet input)
    {
        this.control = control;
        this.input = input;
    }

    void sessionId(final int sessionId)
    {
        this.sessionId = sessionId;
    }

    long offerControl(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        return frameOffer.offer(control, crypto, FrameCipher.CLIENT_CONTROL_LANE, buffer, offset, length);
    }

    long offerInput(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        return frameOffer.offer(input, crypto, FrameCipher.CLIENT_INPUT_LANE, buffer, offset, length);
    }

    long sendConnectRequest(
        final long nonce,
        final boolean encrypt,
        final int resumeSessionId,
        final long resumeSecret,
        final DirectBuffer credentials)
    {
        final ConnectRequestFlyweight request = connectRequestFlyweight;
        request.wrapForEncode(sendBuffer, 0, FrameType.CONNECT_REQUEST, 0);
        if (encrypt)
        {
            request.flags(FrameHeaderFlyweight.FLAG_ENCRYPTED);
        }
        request.clientNonce(nonce)
            .resumeSessionId(resumeSessionId)
            .resumeSecret(resumeSecret)
            .credentials(credentials, 0, credentials.capacity());
        return offerControl(sendBuffer, 0, request.encodedLength());
    }

    long sendLaneBind(final long secret)
    {
        laneBindFlyweight.wrapForEncode(sendBuffer, 0, FrameType.LANE_BIND, sessionId);
        laneBindFlyweight.secret(secret);
        return offerInput(sendBuffer, 0, LaneBindFlyweight.LENGTH);
    }

    long sendPing(final int type, final long originTimeNs)
    {
        pingFlyweight.wrapForEncode(sendBuffer, 0, type, sessionId);
        pingFlyweight.originTimeNs(originTimeNs);
        return offerControl(sendBuffer, 0, PingFlyweight.LENGTH);
    }

    long sendDisconnect(final DisconnectReason reason)
    {
        disconnectFlyweight.wrapForEncode(sendBuffer, 0, FrameType.DISCONNECT, sessionId);
        disconnectFlyweight.reason(reason.code());
        return offerControl(sendBuffer, 0, DisconnectFlyweight.LENGTH);
    }

    long sendReplayRequest(final int roomId, final long fromSeq, final long toSeq)
    {
        replayRequestFlyweight.wrapForEncode(sendBuffer, 0, FrameType.REPLAY_REQUEST, sessionId);
        replayRequestFlyweight.roomId(roomId).fromSeq(fromSeq).toSeq(toSeq);
        return offerControl(sendBuffer, 0, ReplayRequestFlyweight.LENGTH);
    }

    long sendEventAck(final int roomId, final long seq)
    {
        eventAckFlyweight.wrapForEncode(sendBuffer, 0, FrameType.EVENT_ACK, sessionId);
        eventAckFlyweight.roomId(roomId).seq(seq);
        return offerControl(sendBuffer, 0, EventAckFlyweight.LENGTH);
    }

    long sendMessage(final int typeId, final int flags, final DirectBuffer buffer, final int offset, final int length)
    {
        final MessageFlyweight message = messageFlyweight;
        message.wrapForEncode(sendBuffer, 0, FrameType.MESSAGE, sessionId);
        message.flags(flags);
        message.seq(messageSeq + 1).typeId(typeId);
        sendBuffer.putBytes(MessageFlyweight.PAYLOAD_OFFSET, buffer, offset, length);
        final long result = offerReliable(MessageFlyweight.PAYLOAD_OFFSET + length);
        if (result > 0)
        {
            messageSeq++;
        }
        return result;
    }

    /**
     * @return the request id (positive), or a negative {@link SendResult} code.
     */
    long sendJoinRequest(final int roomId, final DirectBuffer buffer, final int offset, final int length)
    {
        final int requestId = nextRequestId++;
        roomRequestFlyweight.wrapForEncode(sendBuffer, 0, FrameType.JOIN_REQUEST, sessionId);
        roomRequestFlyweight.roomId(roomId).requestId(requestId);
        if (length > 0)
        {
            sendBuffer.putBytes(RoomRequestFlyweight.PAYLOAD_OFFSET, buffer, offset, length);
        }
        final long result = offerReliable(RoomRequestFlyweight.PAYLOAD_OFFSET + length);
        return result > 0 ? requestId : result;
    }

    long sendLeaveRequest(final int roomId)
    {
        roomRequestFlyweight.wrapForEncode(sendBuffer, 0, FrameType.LEAVE_REQUEST, sessionId);
        roomRequestFlyweight.roomId(roomId).requestId(nextRequestId++);
        return offerReliable(RoomRequestFlyweight.PAYLOAD_OFFSET);
    }

    long sendEmit(
        final int roomId, final int typeId, final int flags, final DirectBuffer buffer, final int offset, final int length)
    {
        final RoomEventFlyweight event = eventFlyweight;
        event.wrapForEncode(sendBuffer, 0, FrameType.ROOM_EMIT, sessionId);
        event.flags(flags);
        event.roomId(roomId).typeId(typeId).seq(emitSeq + 1).senderSessionId(sessionId);
        sendBuffer.putBytes(RoomEventFlyweight.PAYLOAD_OFFSET, buffer, offset, length);
        final long result = offerReliable(RoomEventFlyweight.PAYLOAD_OFFSET + length);
        if (result > 0)
        {
            emitSeq++;
        }
        return result;
    }

    private long offerReliable(final int length)
    {
        final long result = offerControl(sendBuffer, 0, length);
        if (result < 0)
        {
            reliableSendFailed.incrementRelease();
        }
        return result;
    }
}
