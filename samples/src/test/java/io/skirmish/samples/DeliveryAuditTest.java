package io.skirmish.samples;

import io.skirmish.samples.client.DeliveryAudit;
import io.skirmish.samples.client.MemberLog;
import org.agrona.collections.Long2LongHashMap;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The audit behind the bots' summary must catch what it claims to: duplicates, reordering and holes, per
 * membership, with resyncs and leaves accounted for.
 */
class DeliveryAuditTest
{
    private final Long2LongHashMap highWater = new Long2LongHashMap(Long.MIN_VALUE);
    private final MemberLog memberLog = new MemberLog();

    @Test
    void shouldCountDuplicatesReorderingAndHoles()
    {
        final DeliveryAudit audit = new DeliveryAudit();
        audit.sessionId(5);
        audit.onJoined(1, 10);
        audit.onDelivered(1, 10);
        audit.onDelivered(1, 12);
        audit.onDelivered(1, 11);
        audit.onDelivered(1, 12);
        audit.onDelivered(1, 15);
        audit.onDelivered(2, 1);
        highWater.put(1, 16);

        final DeliveryAudit.Result result = new DeliveryAudit.Result();
        audit.addTo(result, memberLog, highWater);
        assertEquals(7, result.expected);
        assertEquals(4, result.received);
        assertEquals(1, result.duplicates);
        assertEquals(1, result.outOfOrder);
        assertEquals(3, result.missing);
        assertEquals(1, result.unexpected);
    }

    @Test
    void shouldEndAMembershipWhereOthersSawTheLeaveAndSkipResyncedSeqs()
    {
        final DeliveryAudit audit = new DeliveryAudit();
        audit.sessionId(5);
        audit.onJoined(1, 1);
        audit.onDelivered(1, 1);
        audit.onDelivered(1, 2);
        audit.onResync(1, 6);
        audit.onDelivered(1, 7);
        audit.onLeft(1);
        memberLog.onMemberLeft(1, 5, 9);

        audit.onJoined(1, 20);
        audit.onDelivered(1, 20);
        highWater.put(1, 20);

        final DeliveryAudit.Result result = new DeliveryAudit.Result();
        audit.addTo(result, memberLog, highWater);
        assertEquals(4, result.resyncSkipped);
        assertEquals(8 - 4 + 1, result.expected);
        assertEquals(4, result.received);
        assertEquals(1, result.missing);
        assertEquals(0, result.unverifiedLeaves);
    }

    @Test
    void shouldNotEndAMembershipAtTheLeaveOfALaterOneWhenNobodySawItsOwn()
    {
        final DeliveryAudit audit = new DeliveryAudit();
        audit.sessionId(5);
        audit.onJoined(1, 1);
        audit.onDelivered(1, 1);
        audit.onDelivered(1, 2);
        audit.onLeft(1);                  // left at seq 3, alone in the room: nobody saw that MEMBER_LEFT
        audit.onJoined(1, 10);
        audit.onDelivered(1, 10);
        audit.onLeft(1);
        memberLog.onMemberLeft(1, 5, 11); // the later membership's leave, which another member saw

        final DeliveryAudit.Result result = new DeliveryAudit.Result();
        audit.addTo(result, memberLog, highWater);
        assertEquals(3, result.expected);
        assertEquals(3, result.received);
        assertEquals(0, result.missing);
        assertEquals(1, result.unverifiedLeaves);
    }

    @Test
    void shouldCheckOriginCountersRisePerRoomAndOrigin()
    {
        final DeliveryAudit audit = new DeliveryAudit();
        audit.onOrigin(1, 3, 1);
        audit.onOrigin(2, 3, 2);
        audit.onOrigin(1, 3, 4);
        audit.onOrigin(1, 3, 4);
        audit.onOrigin(1, 3, 2);

        final DeliveryAudit.Result result = new DeliveryAudit.Result();
        audit.addTo(result, memberLog, highWater);
        assertEquals(2, result.originOrderErrors);
    }
}
