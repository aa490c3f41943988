package io.skirmish.engine.server;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Frames that must reach one session in order with its events but met a busy lane: kept FIFO and flushed before
 * anything else goes to that session. Conductor thread only.
 */
final class SessionOutbox
{
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(128);
    private int head;
    private int tail;
    private int count;

    void append(final DirectBuffer src, final int offset, final int length)
    {
        buffer.putInt(tail, length);
        buffer.putBytes(tail + 4, src, offset, length);
        tail += 4 + length;
        count++;
    }

    int length()
    {
        return count;
    }

    int bytes()
    {
        return tail - head;
    }

    MutableDirectBuffer buffer()
    {
        return buffer;
    }

    int headOffset()
    {
        return head + 4;
    }

    int headLength()
    {
        return buffer.getInt(head);
    }

    void removeHead()
    {
        head += 4 + buffer.getInt(head);
        if (--count == 0)
        {
            head = 0;
            tail = 0;
        }
    }

    void clear()
    {
        head = 0;
        tail = 0;
        count = 0;
    }
}
