package io.skirmish.engine.server;

import org.agrona.ErrorHandler;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;

/**
 * Runs on the conductor what other threads queued through the {@link ServerProxy}: sends and broadcasts from its
 * ring buffer, then tasks, each pass bounded. Conductor thread only.
 */
final class ProxyAdapter implements MessageHandler
{
    private static final int MESSAGE_LIMIT = 64;
    private static final int WORK_LIMIT = 128;

    private final ServerProxy proxy;
    private final SessionRegistry sessions;
    private final RoomRegistry rooms;
    private final EventFanOut fanOut;
    private final ErrorHandler errors;

    ProxyAdapter(
        final ServerProxy proxy,
        final SessionRegistry sessions,
        final RoomRegistry rooms,
        final EventFanOut fanOut,
        final ErrorHandler errors)
    {
        this.proxy = proxy;
        this.sessions = sessions;
        this.rooms = rooms;
        this.fanOut = fanOut;
        this.errors = errors;
    }

    int drain()
    {
        int work = proxy.ringBuffer().read(this, MESSAGE_LIMIT);
        Runnable task;
        while (work < WORK_LIMIT && null != (task = proxy.tasks().poll()))
        {
            try
            {
                task.run();
            }
            catch (final Throwable t)
            {
                errors.onError(t);
            }
            work++;
        }
        return work;
    }

    public void onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        final int id = buffer.getInt(index);
        final int typeId = buffer.getInt(index + 4);
        final int except = buffer.getInt(index + 8);
        final int payloadLength = buffer.getInt(index + 12);
        final int payloadOffset = index + ServerProxy.HEADER_LENGTH;
        if (ServerProxy.SEND_DIRECT == msgTypeId)
        {
            final Peer peer = sessions.peer(id);
            if (null != peer)
            {
                fanOut.sendDirect(peer, typeId, 0, buffer, payloadOffset, payloadLength);
            }
        }
        else if (ServerProxy.BROADCAST == msgTypeId)
        {
            final Room room = rooms.room(id);
            if (null != room)
            {
                fanOut.broadcast(room, typeId, 0, buffer, payloadOffset, payloadLength, 0, except);
            }
        }
    }
}
