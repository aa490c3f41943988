package io.skirmish.engine.server;

import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.codec.KryoCodec;
import io.skirmish.engine.protocol.MessageFlyweight;
import io.skirmish.engine.protocol.RoomEventFlyweight;
import io.skirmish.engine.status.Counters;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.status.AtomicCounter;

import static io.skirmish.engine.protocol.FrameHeaderFlyweight.FLAG_EXCEPT_SENDER;
import static io.skirmish.engine.protocol.FrameHeaderFlyweight.FLAG_KRYO;

/**
 * What clients send for the game: direct messages (to the game's typed handler for their class, or to
 * {@link ServerListener#onMessage}) and emits to rooms (put to the game's typed validator or the room's
 * {@link RoomListener#onEmit}, then sequenced in the room unless vetoed). Kryo payloads decode only into registered
 * types within bounds; one that does not is dropped, counted and held against the session. Conductor thread only,
 * except handler registration, which copies on write.
 */
final class MessageDispatcher
{
    private final KryoCodec codec;
    private final ServerListener listener;
    private final FrameGate gate;
    private final EventFanOut fanOut;
    private final RoomRegistry rooms;
    private final MessageFlyweight messageFlyweight = new MessageFlyweight();
    private final RoomEventFlyweight emitFlyweight = new RoomEventFlyweight();
    private final AtomicCounter vetoed;
    private volatile Int2ObjectHashMap<MessageHandler<Object>> messageHandlers = new Int2ObjectHashMap<>();
    private volatile Int2ObjectHashMap<EmitHandler<Object>> emitHandlers = new Int2ObjectHashMap<>();
    private Feeds feeds;

    MessageDispatcher(
        final KryoCodec codec,
        final ServerListener listener,
        final Counters counters,
        final FrameGate gate,
        final EventFanOut fanOut,
        final RoomRegistry rooms)
    {
        this.codec = codec;
        this.listener = listener;
        this.gate = gate;
        this.fanOut = fanOut;
        this.rooms = rooms;
        this.vetoed = counters.get(EngineCounter.EMITS_VETOED);
    }

    /**
     * @param feeds the spectator and replay feeds: an emit to a room the session only spectates is counted there.
     */
    void feeds(final Feeds feeds)
    {
        this.feeds = feeds;
    }

    @SuppressWarnings("unchecked")
    synchronized void registerHandler(final Class<?> type, final MessageHandler<?> handler)
    {
        final Int2ObjectHashMap<MessageHandler<Object>> copy = new Int2ObjectHashMap<>(messageHandlers);
        copy.put(registeredTypeId(type), (MessageHandler<Object>)handler);
        messageHandlers = copy;
    }

    @SuppressWarnings("unchecked")
    synchronized void registerEmitHandler(final Class<?> type, final EmitHandler<?> handler)
    {
        final Int2ObjectHashMap<EmitHandler<Object>> copy = new Int2ObjectHashMap<>(emitHandlers);
        copy.put(registeredTypeId(type), (EmitHandler<Object>)handler);
        emitHandlers = copy;
    }

    private int registeredTypeId(final Class<?> type)
    {
        final int typeId = codec.registry().typeId(type);
        if (typeId < 0)
        {
            throw new IllegalArgumentException(type.getName() + " is not registered in the MessageRegistry");
        }
        return typeId;
    }

    void onMessage(final Peer peer, final DirectBuffer buffer, final int offset, final int length)
    {
        final MessageFlyweight message = messageFlyweight;
        message.wrap(buffer, offset, length);
        final int typeId = message.typeId();
        final int payloadOffset = offset + MessageFlyweight.PAYLOAD_OFFSET;
        final int payloadLength = message.payloadLength();
        if ((message.flags() & FLAG_KRYO) == 0)
        {
            listener.onMessage(peer.session, typeId, buffer, payloadOffset, payloadLength);
            return;
        }
        final Object decoded = codec.decode(typeId, buffer, payloadOffset, payloadLength);
        if (null == decoded)
        {
            gate.reject(peer, EngineCounter.DROPPED_UNDECODABLE);
            return;
        }
        final MessageHandler<Object> handler = messageHandlers.get(typeId);
        if (null != handler)
        {
            handler.onMessage(peer.session, decoded);
        }
        else
        {
            listener.onMessage(peer.session, decoded);
        }
    }

    void onEmit(final Peer peer, final DirectBuffer buffer, final int offset, final int length)
    {
        final RoomEventFlyweight emit = emitFlyweight;
        emit.wrap(buffer, offset, length);
        final int roomId = emit.roomId();
        final Room room = rooms.room(roomId);
        if (null == room || !peer.session.memberships.containsKey(roomId))
        {
            if (null == feeds || !feeds.refuseWrite(peer, roomId))
            {
                vetoed.incrementRelease();
            }
            return;
        }
        final int flags = emit.flags();
        final int typeId = emit.typeId();
        final int payloadOffset = offset + RoomEventFlyweight.PAYLOAD_OFFSET;
        final int payloadLength = emit.payloadLength();
        final int verdict = (flags & FLAG_KRYO) != 0 ?
            validateObject(room, peer, typeId, buffer, payloadOffset, payloadLength) :
            (room.listener.onEmit(room, peer.session, typeId, buffer, payloadOffset, payloadLength) ? 1 : 0);
        if (verdict < 0)
        {
            gate.reject(peer, EngineCounter.DROPPED_UNDECODABLE);
            return;
        }
        if (0 == verdict)
        {
            vetoed.incrementRelease();
            return;
        }
        final int except = (flags & FLAG_EXCEPT_SENDER) != 0 ? peer.sessionId : 0;
        fanOut.broadcast(room, typeId, flags & FLAG_KRYO, buffer, payloadOffset, payloadLength, peer.sessionId, except);
    }

    /**
     * @return 1 when allowed, 0 when vetoed, -1 when the type is not registered or the payload does not decode.
     */
    private int validateObject(
        final Room room,
        final Peer peer,
        final int typeId,
        final DirectBuffer buffer,
        final int payloadOffset,
        final int payloadLength)
    {
        if (null == codec.registry().type(typeId))
        {
            return -1;
        }
        final EmitHandler<Object> handler = emitHandlers.get(typeId);
        if (null == handler)
        {
            return room.listener.onEmit(room, peer.session, typeId, buffer, payloadOffset, payloadLength) ? 1 : 0;
        }
        final Object decoded = codec.decode(typeId, buffer, payloadOffset, payloadLength);
        if (null == decoded)
        {
            return -1;
        }
        return handler.onEmit(room, peer.session, decoded) ? 1 : 0;
    }
}
