package io.skirmish.benchmarks.load;

import io.skirmish.benchmarks.rig.SteppedState;
import io.skirmish.engine.server.Room;
import io.skirmish.engine.server.RoomListener;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One ticking room of the load server: once {@link LoadRooms} publishes, each tick steps the room's own
 * {@link SteppedState}, publishes it with {@link Room#publishSharedSnapshot} and, every
 * {@value Scenario#EVENT_EVERY_TICKS}th tick (rooms are staggered by id), broadcasts a
 * {@value Scenario#EVENT_LENGTH}-byte event while events are on; the tick's duration goes to the shared recorder.
 * Conductor thread only.
 */
final class LoadRoom implements RoomListener
{
    private final LoadRooms rooms;
    private final long eventPhase;
    private final SteppedState state = new SteppedState();
    private final UnsafeBuffer event = new UnsafeBuffer(BufferUtil.allocateDirectAligned(Scenario.EVENT_LENGTH, 64));
    private long eventsSent;

    LoadRoom(final LoadRooms rooms, final int roomId)
    {
        this.rooms = rooms;
        this.eventPhase = roomId % Scenario.EVENT_EVERY_TICKS;
        event.putInt(8, roomId);
    }

    /**
     * {@inheritDoc}
     */
    public void onTick(final Room room, final long tick, final long nowNs)
    {
        if (!rooms.isPublishing())
        {
            return;
        }
        final long startNs = System.nanoTime();
        state.step(tick);
        room.publishSharedSnapshot(tick, state.buffer(), 0, SteppedState.LENGTH);
        if (tick % Scenario.EVENT_EVERY_TICKS == eventPhase && rooms.areEventsOn())
        {
            event.putLong(0, ++eventsSent);
            final long seq = room.broadcast(Scenario.EVENT_TYPE_ID, event, 0, Scenario.EVENT_LENGTH);
            rooms.onEventSent(seq, room.memberCount());
        }
        rooms.onTickDone(System.nanoTime() - startNs);
    }
}
