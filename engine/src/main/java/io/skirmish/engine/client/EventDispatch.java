package io.skirmish.engine.client;

import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.LeaveReason;
import io.skirmish.engine.codec.KryoCodec;
import io.skirmish.engine.protocol.SystemEvent;
import io.skirmish.engine.status.Counters;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.status.AtomicCounter;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Hands an event {@link EventDelivery} delivers in order to the game: membership events to the listener's member
 * callbacks, registered messages decoded to their {@link ClientMessageHandler} (or the listener's object callback).
 * Client thread only, but for {@link #registerHandler}, which any thread may call (copy on write).
 */
final class EventDispatch
{
    private final ClientListener listener;
    private final KryoCodec codec;
    private final AtomicCounter delivered;
    private final AtomicCounter undecodable;
    private volatile Int2ObjectHashMap<ClientMessageHandler<Object>> handlers = new Int2ObjectHashMap<>();

    EventDispatch(final ClientListener listener, final KryoCodec codec, final Counters counters)
    {
        this.listener = listener;
        this.codec = codec;
        this.delivered = counters.get(EngineCounter.EVENTS_DELIVERED);
        this.undecodable = counters.get(EngineCounter.DROPPED_UNDECODABLE);
    }

    @SuppressWarnings("unchecked")
    synchronized void registerHandler(final Class<?> type, final ClientMessageHandler<?> handler)
    {
        final int typeId = codec.registry().typeId(type);
        if (typeId < 0)
        {
            throw new IllegalArgumentException(type.getName() + " is not registered in the MessageRegistry");
        }
        final Int2ObjectHashMap<ClientMessageHandler<Object>> copy = new Int2ObjectHashMap<>(handlers);
        copy.put(typeId, (ClientMessageHandler<Object>)handler);
        handlers = copy;
    }

    void onMembershipEvent(
        final int roomId, final long seq, final int typeId, final DirectBuffer buffer, final int payloadOffset,
        final int payloadLength)
    {
        if (payloadLength < SystemEvent.PAYLOAD_LENGTH)
        {
            return;
        }
        final int member = buffer.getInt(payloadOffset, LITTLE_ENDIAN);
        if (typeId == SystemEvent.MEMBER_JOINED)
        {
            listener.onMemberJoined(roomId, seq, member);
        }
        else if (typeId == SystemEvent.MEMBER_LEFT)
        {
            listener.onMemberLeft(roomId, seq, member, LeaveReason.get(buffer.getInt(payloadOffset + 4, LITTLE_ENDIAN)));
        }
    }

    void onObject(
        final int roomId,
        final long seq,
        final int typeId,
        final int senderSessionId,
        final DirectBuffer buffer,
        final int payloadOffset,
        final int payloadLength)
    {
        final Object message = codec.decode(typeId, buffer, payloadOffset, payloadLength);
        if (null == message)
        {
            undecodable.incrementRelease();
            return;
        }
        delivered.incrementRelease();
        final ClientMessageHandler<Object> handler = handlers.get(typeId);
        if (null != handler)
        {
            handler.onMessage(roomId, senderSessionId, message);
        }
        else
        {
            listener.onEvent(roomId, seq, senderSessionId, message);
        }
    }
}
