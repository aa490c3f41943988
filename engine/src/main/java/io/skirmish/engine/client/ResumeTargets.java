package io.skirmish.engine.client;

import org.agrona.collections.Int2ObjectHashMap;

import java.util.Arrays;

/**
 * How far each stream of a resumed session reached when it came back (from {@code RESUME_STATE}): the session counts
 * as resumed only once each has been delivered that far, or its room was left after it had. Client thread only;
 * grows only when a resume names more streams than it held before.
 */
final class ResumeTargets
{
    private int[] roomIds = new int[8];
    private long[] heads = new long[8];
    private int count;

    void clear()
    {
        count = 0;
    }

    boolean isEmpty()
    {
        return 0 == count;
    }

    void add(final int roomId, final long headSeq)
    {
        if (count == roomIds.length)
        {
            roomIds = Arrays.copyOf(roomIds, count * 2);
            heads = Arrays.copyOf(heads, count * 2);
        }
        roomIds[count] = roomId;
        heads[count] = headSeq;
        count++;
    }

    /**
     * @param roomId a room.
     * @return the highest unmet head of the room, {@link Long#MIN_VALUE} when none.
     */
    long headOf(final int roomId)
    {
        long head = Long.MIN_VALUE;
        for (int i = 0; i < count; i++)
        {
            if (roomIds[i] == roomId)
            {
                head = Math.max(head, heads[i]);
            }
        }
        return head;
    }

    /**
     * A stream was delivered up to a seq: the targets it reaches are met.
     */
    void onDelivered(final int roomId, final long deliveredSeq)
    {
        for (int i = count - 1; i >= 0; i--)
        {
            if (roomIds[i] == roomId && heads[i] <= deliveredSeq)
            {
                remove(i);
            }
        }
    }

    /**
     * A room was left once its owed events were delivered: its target for that membership is met.
     */
    void onLeft(final int roomId, final long finalSeq)
    {
        onDelivered(roomId, finalSeq);
    }

    /**
     * Drop the targets already met by the open inboxes.
     */
    void retainUnmet(final Int2ObjectHashMap<RoomInbox> inboxes)
    {
        for (int i = count - 1; i >= 0; i--)
        {
            final RoomInbox inbox = inboxes.get(roomIds[i]);
            if (null != inbox && inbox.lastDelivered() >= heads[i])
            {
                remove(i);
            }
        }
    }

    private void remove(final int index)
    {
        count--;
        roomIds[index] = roomIds[count];
        heads[index] = heads[count];
    }
}
