package io.skirmish.engine.client;

import io.skirmish.engine.DisconnectReason;
import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.SendResult;
import io.skirmish.engine.protocol.ConnectRequestFlyweight;
import io.skirmish.engine.protocol.DisconnectFlyweight;
import io.skirmish.engine.protocol.EventAckFlyweight;
import io.skirmish.engine.protocol.FeedAckFlyweight;
import io.skirmish.engine.protocol.FeedRequestFlyweight;
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
 * Encodes every frame the client sends but inputs and snapshot acks: the connect request, lane binds, pings, event
 * acks and the closing disconnect go as they are, through the one {@link FrameOffer} path (sealed under the
 * connection's keys); messages, emits, joins, leaves and replay requests go through the {@link ReliableOutbox},
 * which numbers them and sends them until the server acknowledges them. The pair of the {@link ServerFrameAdapter},
 * which decodes what comes back. Client thread only; allocation-free.
 */
final class ClientSender
{
    private final FrameOffer frameOffer;
    private final LaneCrypto crypto;
    private final ReliableOutbox outbox;
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
    private final FeedRequestFlyweight feedRequestFlyweight = new FeedRequestFlyweight();
    private final FeedAckFlyweight feedAckFlyweight = new FeedAckFlyweight();
    private Outlet upstream;
    private int sessionId;
    private int nextRequestId = 1;
    private long nowNs;

    ClientSender(
        final int maxMessageLength,
        final FrameOffer frameOffer,
        final LaneCrypto crypto,
        final ReliableOutbox outbox,
        final Counters counters)
    {
        this.frameOffer = frameOffer;
        this.crypto = crypto;
        this.outbox = outbox;
        this.reliableSendFailed = counters.get(EngineCounter.RELIABLE_SEND_FAILED);
        this.sendBuffer = new UnsafeBuffer(
            BufferUtil.allocateDirectAligned(RoomEventFlyweight.PAYLOAD_OFFSET + maxMessageLength + 64, 64));
    }

    /**
     * The upstream the session's frames go on (null when there is none).
     */
    void upstream(final Outlet upstream)
    {
        this.upstream = upstream;
    }

    Outlet upstream()
    {
        return upstream;
    }

    void sessionId(final int sessionId)
    {
        this.sessionId = sessionId;
        outbox.sessionId(sessionId);
    }

    void nowNs(final long nowNs)
    {
        this.nowNs = nowNs;
    }

    long offerUpstream(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        return offer(upstream, buffer, offset, length);
    }

    private long offer(final Outlet outlet, final MutableDirectBuffer buffer, final int offset, final int length)
    {
        return frameOffer.offer(outlet, crypto, FrameCipher.UPSTREAM_LANE, buffer, offset, length);
    }

    long sendConnectRequest(
        final long nonce,
        final boolean encrypt,
        final int resumeSessionId,
        final long resumeSecret,
        final long nextReliableSeq,
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
            .nextReliableSeq(nextReliableSeq)
            .credentials(credentials, 0, credentials.capacity());
        return offerUpstream(sendBuffer, 0, request.encodedLength());
    }

    /**
     * @param outlet the upstream the session binds (the current one, or the one it moves to).
     */
    long sendLaneBind(final Outlet outlet, final long secret)
    {
        laneBindFlyweight.wrapForEncode(sendBuffer, 0, FrameType.LANE_BIND, sessionId);
        laneBindFlyweight.secret(secret);
        return offer(outlet, sendBuffer, 0, LaneBindFlyweight.LENGTH);
    }

    long sendPing(final int type, final long originTimeNs)
    {
        pingFlyweight.wrapForEncode(sendBuffer, 0, type, sessionId);
        pingFlyweight.originTimeNs(originTimeNs);
        return offerUpstream(sendBuffer, 0, PingFlyweight.LENGTH);
    }

    long sendDisconnect(final DisconnectReason reason)
    {
        disconnectFlyweight.wrapForEncode(sendBuffer, 0, FrameType.DISCONNECT, sessionId);
        disconnectFlyweight.reason(reason.code());
        return offerUpstream(sendBuffer, 0, DisconnectFlyweight.LENGTH);
    }

    long sendReplayRequest(final int roomId, final long fromSeq, final long toSeq)
    {
        replayRequestFlyweight.wrapForEncode(sendBuffer, 0, FrameType.REPLAY_REQUEST, sessionId);
        replayRequestFlyweight.roomId(roomId).fromSeq(fromSeq).toSeq(toSeq);
        return sendReliable(ReplayRequestFlyweight.LENGTH);
    }

    long sendResyncRequest(final int roomId, final long fromSeq, final long toSeq)
    {
        replayRequestFlyweight.wrapForEncode(sendBuffer, 0, FrameType.REPLAY_REQUEST, sessionId);
        replayRequestFlyweight.roomId(roomId).requestFlags(ReplayRequestFlyweight.FLAG_RESYNC)
            .fromSeq(fromSeq).toSeq(toSeq);
        return sendReliable(ReplayRequestFlyweight.LENGTH);
    }

    long sendEventAck(final int roomId, final long seq)
    {
        eventAckFlyweight.wrapForEncode(sendBuffer, 0, FrameType.EVENT_ACK, sessionId);
        eventAckFlyweight.roomId(roomId).seq(seq);
        return offerUpstream(sendBuffer, 0, EventAckFlyweight.LENGTH);
    }

    long sendFeedRequest(
        final int feedId, final int roomId, final int mode, final long delayNs, final long fromSeq, final double speed)
    {
        return sendFeedRequest(feedId, roomId, mode, delayNs, fromSeq, speed, -1);
    }

    long sendFeedRequest(
        final int feedId,
        final int roomId,
        final int mode,
        final long delayNs,
        final long fromSeq,
        final double speed,
        final long recordingId)
    {
        feedRequestFlyweight.wrapForEncode(sendBuffer, 0, FrameType.FEED_REQUEST, sessionId);
        feedRequestFlyweight.feedId(feedId).roomId(roomId).mode(mode).delayNs(delayNs).fromSeq(fromSeq).speed(speed);
        feedRequestFlyweight.recordingId(recordingId);
        return sendReliable(FeedRequestFlyweight.LENGTH);
    }

    long sendFeedAck(final int feedId, final long nextIndex, final int flags)
    {
        feedAckFlyweight.wrapForEncode(sendBuffer, 0, FrameType.FEED_ACK, sessionId);
        feedAckFlyweight.feedId(feedId).ackFlags(flags).nextIndex(nextIndex);
        return offerUpstream(sendBuffer, 0, FeedAckFlyweight.LENGTH);
    }

    long sendMessage(final int typeId, final int flags, final DirectBuffer buffer, final int offset, final int length)
    {
        final MessageFlyweight message = messageFlyweight;
        message.wrapForEncode(sendBuffer, 0, FrameType.MESSAGE, sessionId);
        message.flags(flags);
        message.seq(outbox.nextSeq()).typeId(typeId);
        sendBuffer.putBytes(MessageFlyweight.PAYLOAD_OFFSET, buffer, offset, length);
        return sendReliable(MessageFlyweight.PAYLOAD_OFFSET + length);
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
        final long result = sendReliable(RoomRequestFlyweight.PAYLOAD_OFFSET + length);
        return result > 0 ? requestId : result;
    }

    long sendLeaveRequest(final int roomId)
    {
        roomRequestFlyweight.wrapForEncode(sendBuffer, 0, FrameType.LEAVE_REQUEST, sessionId);
        roomRequestFlyweight.roomId(roomId).requestId(nextRequestId++);
        return sendReliable(RoomRequestFlyweight.PAYLOAD_OFFSET);
    }

    long sendEmit(
        final int roomId, final int typeId, final int flags, final DirectBuffer buffer, final int offset, final int length)
    {
        final RoomEventFlyweight event = eventFlyweight;
        event.wrapForEncode(sendBuffer, 0, FrameType.ROOM_EMIT, sessionId);
        event.flags(flags);
        event.roomId(roomId).typeId(typeId).seq(outbox.nextSeq()).senderSessionId(sessionId);
        sendBuffer.putBytes(RoomEventFlyweight.PAYLOAD_OFFSET, buffer, offset, length);
        return sendReliable(RoomEventFlyweight.PAYLOAD_OFFSET + length);
    }

    /**
     * @return the frame's reliable seq, or {@link SendResult#QUEUE_FULL}.
     */
    private long sendReliable(final int length)
    {
        final long result = outbox.send(sendBuffer, 0, length, upstream, nowNs);
        if (result < 0)
        {
            reliableSendFailed.incrementRelease();
        }
        return result;
    }
}
