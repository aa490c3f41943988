package io.skirmish.engine.server;

import io.aeron.Publication;
import io.skirmish.engine.EngineCounter;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.skirmish.engine.server.ServerFixture.events;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Graceful degradation of the snapshot path, without a network: a member whose acknowledgements fall behind gets a
 * lower snapshot rate (never a switch of everyone to full snapshots), recovers it when it acknowledges again, and a
 * member whose lane is full skips ticks; members that keep up are untouched.
 */
class SnapshotDegradationTest
{
    private static final int ROOM_ID = 3;

    private final ServerFixture fixture = new ServerFixture(ServerFixture.context().snapshotWindow(32));
    private final UnsafeBuffer state = new UnsafeBuffer(new byte[256]);
    private Room room;
    private Peer laggard;
    private Peer keeper;
    private long tick;

    @BeforeEach
    void setUp()
    {
        room = fixture.room(ROOM_ID, new RoomOptions());
        laggard = fixture.connectedPeer();
        keeper = fixture.connectedPeer();
        fixture.join(room, laggard);
        fixture.join(room, keeper);
        fixture.zeroCounters();
    }

    private void publishTicks(final int count, final boolean laggardAcks)
    {
        for (int i = 0; i < count; i++)
        {
            tick++;
            state.putLong(0, tick);
            fixture.snapshots.publishShared(room, tick, state, 0, state.capacity());
            fixture.snapshots.onAck(keeper, ROOM_ID, tick, false);
            if (laggardAcks)
            {
                fixture.snapshots.onAck(laggard, ROOM_ID, tick, false);
            }
        }
    }

    @Test
    void shouldLowerTheRateOfAMemberThatFallsBehindAndRestoreItWhenItCatchesUp()
    {
        publishTicks(4, true);
        events(laggard).clear();
        events(keeper).clear();

        publishTicks(96, false);

        final int laggardGot = events(laggard).frameCount();
        assertTrue(laggardGot < 48, "the laggard's rate was lowered: " + laggardGot + " of 96");
        assertEquals(96, events(keeper).frameCount(), "a member that keeps up gets every tick");
        assertEquals(1, fixture.counter(EngineCounter.DEGRADED_MEMBERS));
        assertEquals(96 - laggardGot, fixture.counter(EngineCounter.SNAPSHOTS_THINNED));

        publishTicks(64, true);
        events(laggard).clear();
        publishTicks(16, true);
        assertEquals(16, events(laggard).frameCount(), "full rate again once it acknowledges");
        assertEquals(0, fixture.counter(EngineCounter.DEGRADED_MEMBERS));
    }

    @Test
    void shouldSkipAMemberWhoseLaneIsFullAndKeepTheOthers()
    {
        publishTicks(2, true);
        events(laggard).refuse(Publication.BACK_PRESSURED);
        events(keeper).clear();

        publishTicks(5, true);

        assertEquals(5, fixture.counter(EngineCounter.SNAPSHOTS_THINNED), "the full lane skipped every tick");
        assertEquals(0, fixture.counter(EngineCounter.UNRELIABLE_SEND_DROPPED), "nothing was offered to it");
        assertEquals(5, events(keeper).frameCount());
    }

    @Test
    void shouldStopCountingTheDegradedMembersOfAClosedRoom()
    {
        publishTicks(2, true);
        publishTicks(40, false);
        assertEquals(1, fixture.counter(EngineCounter.DEGRADED_MEMBERS));

        fixture.rooms.close(ROOM_ID);

        assertEquals(0, fixture.counter(EngineCounter.DEGRADED_MEMBERS));
    }
}
