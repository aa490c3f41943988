package io.skirmish.engine.server;

import io.skirmish.engine.SendResult;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;

/**
 * Thread-safe entry to a {@link GameServer} for threads other than its conductor (a matchmaker, an HTTP handler,
 * a game thread in DEDICATED mode). Sends are copied into a many-to-one ring buffer without allocating and executed
 * on the conductor in order; {@link #execute(Runnable)} runs arbitrary work there. Results are not returned: the
 * conductor counts failures as it would for its own calls.
 */
public final class ServerProxy
{
    static final int SEND_DIRECT = 1;
    static final int BROADCAST = 2;
    static final int HEADER_LENGTH = 16;

    private final ManyToOneRingBuffer ringBuffer;
    private final ManyToOneConcurrentArrayQueue<Runnable> tasks;

    ServerProxy(final int ringCapacity, final int taskCapacity)
    {
        ringBuffer = new ManyToOneRingBuffer(
            new UnsafeBuffer(ByteBuffer.allocateDirect(ringCapacity + RingBufferDescriptor.TRAILER_LENGTH)));
        tasks = new ManyToOneConcurrentArrayQueue<>(taskCapacity);
    }

    ManyToOneRingBuffer ringBuffer()
    {
        return ringBuffer;
    }

    ManyToOneConcurrentArrayQueue<Runnable> tasks()
    {
        return tasks;
    }

    /**
     * Queue a raw reliable message to one session.
     *
     * @param sessionId the receiver.
     * @param typeId    the game's type id.
     * @param buffer    payload.
     * @param offset    of the payload.
     * @param length    of the payload.
     * @return 0 when queued, or {@link SendResult#QUEUE_FULL} / {@link SendResult#MESSAGE_TOO_LARGE}.
     */
    public long send(final int sessionId, final int typeId, final DirectBuffer buffer, final int offset, final int length)
    {
        return write(SEND_DIRECT, sessionId, typeId, 0, buffer, offset, length);
    }

    /**
     * Queue a raw event to every member of a room, optionally except one session.
     *
     * @param roomId          the room.
     * @param exceptSessionId session that does not get it, 0 for none.
     * @param typeId          the game's type id.
     * @param buffer          payload.
     * @param offset          of the payload.
     * @param length          of the payload.
     * @return 0 when queued, or {@link SendResult#QUEUE_FULL} / {@link SendResult#MESSAGE_TOO_LARGE}.
     */
    public long broadcast(
        final int roomId,
        final int exceptSessionId,
        final int typeId,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        return write(BROADCAST, roomId, typeId, exceptSessionId, buffer, offset, length);
    }

    /**
     * Run a task on the conductor thread, where it may use every {@link GameServer} method.
     *
     * @param task to run; allocate it once and reuse it on hot paths.
     * @return true when queued, false when the queue is full.
     */
    public boolean execute(final Runnable task)
    {
        return tasks.offer(task);
    }

    private long write(
        final int msgType,
        final int id,
        final int typeId,
        final int except,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        final int total = HEADER_LENGTH + length;
        if (total > ringBuffer.maxMsgLength())
        {
            return SendResult.MESSAGE_TOO_LARGE;
        }
        final int index = ringBuffer.tryClaim(msgType, total);
        if (index <= 0)
        {
            return SendResult.QUEUE_FULL;
        }
        final var dst = ringBuffer.buffer();
        dst.putInt(index, id);
        dst.putInt(index + 4, typeId);
        dst.putInt(index + 8, except);
        dst.putInt(index + 12, length);
        dst.putBytes(index + HEADER_LENGTH, buffer, offset, length);
        ringBuffer.commit(index);
        return 0;
    }
}
