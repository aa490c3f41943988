package io.skirmish.engine.client;

import io.skirmish.engine.SendResult;
import io.skirmish.engine.protocol.FeedRequestFlyweight;
import io.skirmish.engine.codec.KryoCodec;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static io.skirmish.engine.protocol.FrameHeaderFlyweight.FLAG_EXCEPT_SENDER;
import static io.skirmish.engine.protocol.FrameHeaderFlyweight.FLAG_KRYO;

/**
 * What the game sends the server through {@link GameClient}: messages, joins, leaves, emits and inputs, checked
 * (connected, within the server's message length, a member of the room) and handed to the {@link ClientSender} or
 * the {@link InputSender}; registered objects are encoded once here. Acknowledgements of delivered events go with
 * each input, in one datagram. Client thread only; allocation-free but for Kryo's own.
 */
final class ClientRequests
{
    private final ClientSender sender;
    private final InputSender inputs;
    private final EventDelivery delivery;
    private final KryoCodec codec;
    private final UnsafeBuffer kryoBuffer;
    private int maxMessageLength;
    private ClientFeeds feeds;
    private boolean connected;
    private int sessionId;
    private long nowNs;

    ClientRequests(
        final int maxMessageLength,
        final ClientSender sender,
        final InputSender inputs,
        final EventDelivery delivery,
        final KryoCodec codec)
    {
        this.maxMessageLength = maxMessageLength;
        this.sender = sender;
        this.inputs = inputs;
        this.delivery = delivery;
        this.codec = codec;
        this.kryoBuffer = new UnsafeBuffer(new byte[maxMessageLength]);
    }

    /**
     * The connection's state, as the conductor knows it.
     */
    void connection(final boolean connected, final int sessionId, final int maxMessageLength)
    {
        this.connected = connected;
        this.sessionId = sessionId;
        this.maxMessageLength = maxMessageLength;
    }

    void feeds(final ClientFeeds feeds)
    {
        this.feeds = feeds;
    }

    void nowNs(final long nowNs)
    {
        this.nowNs = nowNs;
    }

    long sendMessage(final int typeId, final int flags, final DirectBuffer buffer, final int offset, final int length)
    {
        if (length > maxMessageLength || length < 0)
        {
            return SendResult.MESSAGE_TOO_LARGE;
        }
        if (!connected)
        {
            return SendResult.NOT_CONNECTED_SESSION;
        }
        return sender.sendMessage(typeId, flags, buffer, offset, length);
    }

    long sendMessageObject(final Object message)
    {
        final long length = codec.encodeTo(message, kryoBuffer);
        return length < 0 ? length : sendMessage(
            codec.registry().typeId(message.getClass()), FLAG_KRYO, kryoBuffer, 0, (int)length);
    }

    long joinRequest(final int roomId, final DirectBuffer buffer, final int offset, final int length)
    {
        if (roomId <= 0)
        {
            return SendResult.NO_SUCH_ROOM;
        }
        if (length > maxMessageLength)
        {
            return SendResult.MESSAGE_TOO_LARGE;
        }
        if (!connected)
        {
            return SendResult.NOT_CONNECTED_SESSION;
        }
        return sender.sendJoinRequest(roomId, buffer, offset, length);
    }

    long leaveRequest(final int roomId)
    {
        return !connected ? SendResult.NOT_CONNECTED_SESSION : sender.sendLeaveRequest(roomId);
    }

    long emit(
        final int roomId, final int typeId, final int flags, final DirectBuffer buffer, final int offset, final int length)
    {
        if (length > maxMessageLength || length < 0)
        {
            return SendResult.MESSAGE_TOO_LARGE;
        }
        if (null != feeds && feeds.refuseWrite(roomId))
        {
            return SendResult.READ_ONLY;
        }
        if (!delivery.isMember(roomId))
        {
            return SendResult.NOT_MEMBER;
        }
        if (!connected)
        {
            return SendResult.NOT_CONNECTED_SESSION;
        }
        return sender.sendEmit(roomId, typeId, flags, buffer, offset, length);
    }

    long emitObject(final int roomId, final Object message, final boolean exceptSelf)
    {
        final long length = codec.encodeTo(message, kryoBuffer);
        return length < 0 ? length : emit(roomId, codec.registry().typeId(message.getClass()),
            FLAG_KRYO | (exceptSelf ? FLAG_EXCEPT_SENDER : 0), kryoBuffer, 0, (int)length);
    }

    long spectate(final int roomId, final long delayNs, final FeedListener listener)
    {
        return feeds.open(connected, sessionId, FeedRequestFlyweight.SPECTATE, roomId, delayNs, 0, 1, listener);
    }

    long replay(final int roomId, final long fromSeq, final double speed, final FeedListener listener)
    {
        return feeds.open(connected, sessionId, FeedRequestFlyweight.REPLAY, roomId, 0, fromSeq, speed, listener);
    }

    long replay(
        final int roomId, final long recordingId, final long fromSeq, final double speed, final FeedListener listener)
    {
        return feeds.open(
            connected, sessionId, FeedRequestFlyweight.REPLAY, roomId, 0, fromSeq, speed, recordingId, listener);
    }

    long stopFeed(final int feedId)
    {
        return feeds.stop(connected, feedId);
    }

    long sendInput(
        final long inputTick,
        final long renderFromTick,
        final long renderToTick,
        final double renderBlend,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        final long result = inputs.send(connected ? sender.upstream() : null, sessionId, inputTick,
            renderFromTick, renderToTick, renderBlend, buffer, offset, length);
        if (result > 0)
        {
            // acknowledgements ride with the input: one datagram
            delivery.ackNow(nowNs);
        }
        return result;
    }
}
