package io.skirmish.metrics;

import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.Room;
import io.skirmish.engine.server.Session;
import io.skirmish.engine.server.SessionState;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * One look at a server's sessions and rooms, taken on its conductor thread by {@link #run()} (handed there through
 * {@code GameServer.proxy().execute}) and read afterwards by the sampler thread. The arrays are kept and reused, and
 * grow only when the server outgrows them, so a sample allocates nothing once the server's size has settled. The
 * hand-over is a volatile sequence: {@link #run()} writes every field, then publishes the next value of
 * {@link #completed()}.
 */
final class ServerSample implements Runnable
{
    private final GameServer server;
    private final Consumer<Room> roomVisitor = this::visitRoom;
    private final Consumer<Session> sessionVisitor = this::visitSession;
    private volatile long completed;
    private long requested;

    int sessions;
    int connected;
    int rooms;
    int members;
    int[] roomIds = new int[16];
    int[] roomMembers = new int[16];
    long[] roomTicks = new long[16];
    /** Tick durations of room i: {@code tickTimes[tickOffsets[i] .. tickOffsets[i + 1])}, the last at roomTicks[i]. */
    int[] tickOffsets = new int[17];
    long[] tickTimes = new long[1024];
    /** RTTs of room i's members: {@code rtts[rttOffsets[i] .. rttOffsets[i + 1])}. */
    int[] rttOffsets = new int[17];
    long[] rtts = new long[1024];
    /** RTTs of sessions in no room. */
    int roomlessCount;
    long[] roomlessRtts = new long[64];

    ServerSample(final GameServer server)
    {
        this.server = server;
    }

    /**
     * @return a number that {@link #completed()} reaches once the sample asked for now has been taken.
     */
    long request()
    {
        return ++requested;
    }

    /**
     * @return how many samples have been asked for.
     */
    long requested()
    {
        return requested;
    }

    /**
     * The task asked for last was not queued after all.
     */
    void cancel()
    {
        requested--;
    }

    /**
     * @return how many samples have been taken.
     */
    long completed()
    {
        return completed;
    }

    /**
     * Take the sample: conductor thread only.
     */
    public void run()
    {
        sessions = 0;
        connected = 0;
        rooms = 0;
        members = 0;
        roomlessCount = 0;
        tickOffsets[0] = 0;
        rttOffsets[0] = 0;
        server.forEachRoom(roomVisitor);
        server.forEachSession(sessionVisitor);
        completed = completed + 1;
    }

    private void visitRoom(final Room room)
    {
        final int i = rooms++;
        if (i + 2 > roomIds.length)
        {
            final int length = roomIds.length * 2;
            roomIds = Arrays.copyOf(roomIds, length);
            roomMembers = Arrays.copyOf(roomMembers, length);
            roomTicks = Arrays.copyOf(roomTicks, length);
            tickOffsets = Arrays.copyOf(tickOffsets, length + 1);
            rttOffsets = Arrays.copyOf(rttOffsets, length + 1);
        }
        final int count = room.memberCount();
        roomIds[i] = room.roomId();
        roomMembers[i] = count;
        members += count;
        final long tick = room.tick();
        roomTicks[i] = tick;

        final int kept = (int)Math.min(tick, Room.TICK_TIME_HISTORY);
        int ticks = tickOffsets[i];
        tickTimes = ensure(tickTimes, ticks + kept);
        for (long t = tick - kept + 1; t <= tick; t++)
        {
            tickTimes[ticks++] = room.tickTimeNs(t);
        }
        tickOffsets[i + 1] = ticks;

        int n = rttOffsets[i];
        rtts = ensure(rtts, n + count);
        for (int m = 0; m < count; m++)
        {
            rtts[n++] = room.member(m).rttNs();
        }
        rttOffsets[i + 1] = n;
    }

    private void visitSession(final Session session)
    {
        sessions++;
        if (session.state() == SessionState.CONNECTED)
        {
            connected++;
        }
        if (0 == session.roomCount())
        {
            roomlessRtts = ensure(roomlessRtts, roomlessCount + 1);
            roomlessRtts[roomlessCount++] = session.rttNs();
        }
    }

    private static long[] ensure(final long[] array, final int length)
    {
        return length <= array.length ? array : Arrays.copyOf(array, Math.max(length, array.length * 2));
    }
}
