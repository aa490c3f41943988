package io.skirmish.samples.client;

import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongArrayList;

/**
 * Every MEMBER_LEFT event any audited client saw: where each membership that ended with a leave should have ended.
 * A member that leaves is not delivered its own MEMBER_LEFT event, but the members that stay are, so the seq of
 * that event, minus one, is the last seq the leaver should have been delivered. Shared by clients polled from one
 * thread.
 */
public final class MemberLog implements DeliveryAudit.LeaveResolver
{
    private final Long2ObjectHashMap<LongArrayList> leftSeqsByRoomAndMember = new Long2ObjectHashMap<>();

    /**
     * A MEMBER_LEFT event was delivered.
     *
     * @param roomId    the room.
     * @param sessionId the member that left.
     * @param seq       the event's seq.
     */
    public void onMemberLeft(final int roomId, final int sessionId, final long seq)
    {
        final long key = key(roomId, sessionId);
        LongArrayList seqs = leftSeqsByRoomAndMember.get(key);
        if (null == seqs)
        {
            seqs = new LongArrayList();
            leftSeqsByRoomAndMember.put(key, seqs);
        }
        if (!seqs.containsLong(seq))
        {
            seqs.addLong(seq);
        }
    }

    /**
     * {@inheritDoc}
     */
    public long memberLeftSeq(final int roomId, final int sessionId, final long afterSeq)
    {
        final LongArrayList seqs = leftSeqsByRoomAndMember.get(key(roomId, sessionId));
        long found = -1;
        if (null != seqs)
        {
            for (int i = 0, n = seqs.size(); i < n; i++)
            {
                final long seq = seqs.getLong(i);
                if (seq > afterSeq && (found < 0 || seq < found))
                {
                    found = seq;
                }
            }
        }
        return found;
    }

    private static long key(final int roomId, final int sessionId)
    {
        return ((long)roomId << 32) | (sessionId & 0xFFFF_FFFFL);
    }
}
