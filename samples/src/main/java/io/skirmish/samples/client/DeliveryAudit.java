package io.skirmish.samples.client;

import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.Long2LongHashMap;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Checks, from the outside, the engine's promise for room events: while a client is a member of a room it is
 * delivered every seq of that room exactly once and in order. Each membership is an interval of seqs that starts
 * at the {@code nextSeq} of the join and ends where the membership ended; every delivered seq is recorded in a
 * bit set, so duplicates, out-of-order deliveries and holes all show. Seqs skipped by a resync are told apart from
 * missing ones. Independently, each event's (origin, origin counter) pair must rise per room and origin.
 * <p>
 * Single-threaded: the thread that polls the client.
 */
public final class DeliveryAudit
{
    /** Says where a membership that ended with a leave should have ended. */
    @FunctionalInterface
    public interface LeaveResolver
    {
        /**
         * @param roomId    the room.
         * @param sessionId the member that left.
         * @param afterSeq  the seq the membership started at.
         * @return the seq of the first MEMBER_LEFT event for that member after {@code afterSeq} seen by anyone, or
         * -1 when unknown.
         */
        long memberLeftSeq(int roomId, int sessionId, long afterSeq);
    }

    /** One membership of one room. */
    public static final class Interval
    {
        final int roomId;
        final int sessionId;
        final long startSeq;
        final BitSet delivered = new BitSet();
        final BitSet resynced = new BitSet();
        long highestDelivered;
        long duplicates;
        long outOfOrder;
        boolean open = true;
        boolean endedByLeave;

        Interval(final int roomId, final int sessionId, final long startSeq)
        {
            this.roomId = roomId;
            this.sessionId = sessionId;
            this.startSeq = startSeq;
            this.highestDelivered = startSeq - 1;
        }

        /**
         * {@inheritDoc}
         */
        public String toString()
        {
            final int span = (int)Math.max(0, highestDelivered - startSeq + 1);
            final int firstHole = delivered.nextClearBit(0);
            return "room " + roomId + " session " + sessionId + " seqs " + startSeq + ".." + highestDelivered +
                (open ? " open" : " left") + ", delivered " + delivered.cardinality() +
                (firstHole < span ? ", first hole at " + (startSeq + firstHole) + " (" +
                (span - delivered.get(0, span).cardinality()) + " holes)" : "");
        }

        /**
         * @return the room.
         */
        public int roomId()
        {
            return roomId;
        }

        /**
         * @return the first seq this membership should deliver.
         */
        public long startSeq()
        {
            return startSeq;
        }

        /**
         * @return the highest seq delivered so far in this membership.
         */
        public long highestDelivered()
        {
            return highestDelivered;
        }

        /**
         * @return true while the client is a member.
         */
        public boolean isOpen()
        {
            return open;
        }
    }

    /** Totals for the audited client. */
    public static final class Result
    {
        /** Seqs that should have been delivered. */
        public long expected;
        /** Distinct seqs delivered within their membership. */
        public long received;
        /** Seqs delivered more than once. */
        public long duplicates;
        /** Seqs delivered after a higher seq. */
        public long outOfOrder;
        /** Seqs that should have been delivered and were not. */
        public long missing;
        /** Seqs skipped by a resync (not missing: the game was told and given the state). */
        public long resyncSkipped;
        /** Deliveries for a room the client was not a member of, or before its membership started. */
        public long unexpected;
        /** Events whose origin counter did not rise for their room and origin. */
        public long originOrderErrors;
        /** Memberships ended by a leave whose end nobody else saw; checked up to the last delivered seq. */
        public long unverifiedLeaves;
    }

    private int sessionId;
    private final Int2ObjectHashMap<Interval> openByRoom = new Int2ObjectHashMap<>();
    private final List<Interval> intervals = new ArrayList<>();
    private final Long2LongHashMap lastCounterByRoomAndOrigin = new Long2LongHashMap(Long.MIN_VALUE);
    private long unexpected;
    private long originOrderErrors;

    /**
     * @param sessionId the audited client's session id from now on (memberships remember the id they began with).
     */
    public void sessionId(final int sessionId)
    {
        this.sessionId = sessionId;
    }

    /**
     * @return the audited client's session id.
     */
    public int sessionId()
    {
        return sessionId;
    }

    /**
     * The client became a member.
     *
     * @param roomId  the room.
     * @param nextSeq first seq it will be delivered.
     */
    public void onJoined(final int roomId, final long nextSeq)
    {
        if (openByRoom.containsKey(roomId))
        {
            return;
        }
        final Interval interval = new Interval(roomId, sessionId, nextSeq);
        openByRoom.put(roomId, interval);
        intervals.add(interval);
    }

    /**
     * The client is no longer a member.
     *
     * @param roomId the room.
     */
    public void onLeft(final int roomId)
    {
        final Interval interval = openByRoom.remove(roomId);
        if (null != interval)
        {
            interval.open = false;
            interval.endedByLeave = true;
        }
    }

    /**
     * A room event (membership events included) was delivered.
     *
     * @param roomId the room.
     * @param seq    its seq.
     */
    public void onDelivered(final int roomId, final long seq)
    {
        final Interval interval = openByRoom.get(roomId);
        if (null == interval || seq < interval.startSeq)
        {
            unexpected++;
            return;
        }
        final int bit = (int)(seq - interval.startSeq);
        if (interval.delivered.get(bit))
        {
            interval.duplicates++;
            return;
        }
        if (seq < interval.highestDelivered)
        {
            interval.outOfOrder++;
        }
        interval.delivered.set(bit);
        if (seq > interval.highestDelivered)
        {
            interval.highestDelivered = seq;
        }
    }

    /**
     * The origin and counter carried by a delivered event's payload.
     *
     * @param roomId  the room.
     * @param origin  origin session id (0 for the server).
     * @param counter the origin's counter.
     */
    public void onOrigin(final int roomId, final int origin, final long counter)
    {
        final long key = ((long)roomId << 32) | (origin & 0xFFFF_FFFFL);
        final long last = lastCounterByRoomAndOrigin.get(key);
        if (counter <= last)
        {
            originOrderErrors++;
        }
        else
        {
            lastCounterByRoomAndOrigin.put(key, counter);
        }
    }

    /**
     * The server resynced the room at {@code seq}: every seq after the last delivered up to it will not come.
     *
     * @param roomId the room.
     * @param seq    the seq the resync stands for.
     */
    public void onResync(final int roomId, final long seq)
    {
        final Interval interval = openByRoom.get(roomId);
        if (null == interval || seq <= interval.highestDelivered)
        {
            return;
        }
        interval.resynced.set(
            (int)(interval.highestDelivered + 1 - interval.startSeq), (int)(seq - interval.startSeq + 1));
        interval.highestDelivered = seq;
    }

    /**
     * @param roomId a room.
     * @return the open membership of the room, or null.
     */
    public Interval open(final int roomId)
    {
        return openByRoom.get(roomId);
    }

    /**
     * @return every membership, open or ended, in join order.
     */
    public List<Interval> intervals()
    {
        return intervals;
    }

    /**
     * Add this client's totals.
     *
     * @param result            to add to.
     * @param leaveResolver     where memberships ended by a leave should have ended.
     * @param highWaterByRoom   for open memberships: the seq every member should have reached, per room id
     *                          ({@code Long.MIN_VALUE} when unknown: checked up to the highest delivered).
     */
    public void addTo(final Result result, final LeaveResolver leaveResolver, final Long2LongHashMap highWaterByRoom)
    {
        for (int i = 0, n = intervals.size(); i < n; i++)
        {
            final Interval interval = intervals.get(i);
            long endSeq;
            if (interval.open)
            {
                endSeq = highWaterByRoom.get(interval.roomId);
                if (Long.MIN_VALUE == endSeq)
                {
                    endSeq = interval.highestDelivered;
                }
            }
            else
            {
                final long leftSeq = leaveResolver.memberLeftSeq(interval.roomId, interval.sessionId, interval.startSeq);
                if (leftSeq > 0 && leftSeq < nextStartSeq(i))
                {
                    endSeq = leftSeq - 1;
                }
                else
                {
                    endSeq = interval.highestDelivered;
                    result.unverifiedLeaves++;
                }
            }
            final int span = (int)Math.max(0, endSeq - interval.startSeq + 1);
            final long resyncSkipped = interval.resynced.get(0, span).cardinality();
            final long received = interval.delivered.get(0, span).cardinality();
            final long expected = span - resyncSkipped;
            result.expected += expected;
            result.received += received;
            result.resyncSkipped += resyncSkipped;
            result.missing += Math.max(0, expected - received);
            result.duplicates += interval.duplicates;
            result.outOfOrder += interval.outOfOrder;
        }
        result.unexpected += unexpected;
        result.originOrderErrors += originOrderErrors;
    }

    /**
     * A leave no other member saw (it left a room it was alone in) must not be matched with the MEMBER_LEFT of a
     * later membership of the same room: a leave is where a membership ended only before the next one started.
     */
    private long nextStartSeq(final int index)
    {
        final Interval interval = intervals.get(index);
        for (int i = index + 1, n = intervals.size(); i < n; i++)
        {
            final Interval next = intervals.get(i);
            if (next.roomId == interval.roomId && next.sessionId == interval.sessionId)
            {
                return next.startSeq;
            }
        }
        return Long.MAX_VALUE;
    }
}
