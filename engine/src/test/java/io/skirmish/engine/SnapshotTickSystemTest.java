package io.skirmish.engine;

import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.Room;
import io.skirmish.engine.server.RoomListener;
import io.skirmish.engine.server.RoomOptions;
import io.skirmish.engine.server.ServerListener;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fixed-rate room tick that drives snapshots: {@link RoomListener#onTick} runs on the conductor thread, once per
 * interval, numbered from 1 without gaps; a tick that starts more than an interval late is counted in
 * {@link EngineCounter#TICKS_LATE} and the schedule restarts from it (no burst of catch-up ticks).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SnapshotTickSystemTest
{
    private static final long INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(10);

    private final SystemTestHarness harness = new SystemTestHarness();

    @AfterEach
    void after()
    {
        harness.close();
    }

    @Test
    void shouldTickOnScheduleAndCountLateTicksWithoutCatchingUp()
    {
        final AtomicLong clock = new AtomicLong(TimeUnit.HOURS.toNanos(5));
        final GameServer server = harness.launch(harness.serverContext(Tests.freePortPair()).nanoClock(clock::get));
        final List<long[]> ticks = new ArrayList<>();
        final List<Thread> threads = new ArrayList<>();
        final RoomListener listener = new RoomListener()
        {
            public void onTick(final Room room, final long tick, final long nowNs)
            {
                ticks.add(new long[]{ tick, nowNs });
                threads.add(Thread.currentThread());
            }
        };
        // created before the first poll, as a game does at start-up
        final Room room = server.createRoom(1, new RoomOptions().tickRateHz(100).listener(listener));
        final Room still = server.createRoom(2, new RoomOptions().listener(listener));

        pollAt(server, clock, 0);
        assertEquals(0, ticks.size());
        pollAt(server, clock, INTERVAL_NS - 1);
        assertEquals(0, ticks.size());
        pollAt(server, clock, 1);
        assertEquals(1, ticks.size());
        assertEquals(0, server.counter(EngineCounter.TICKS_LATE), "the first tick is on time");

        for (int i = 0; i < 5; i++)
        {
            pollAt(server, clock, INTERVAL_NS);
        }
        assertEquals(6, ticks.size());

        pollAt(server, clock, INTERVAL_NS + INTERVAL_NS / 2);
        assertEquals(7, ticks.size(), "late by less than an interval: one tick, phase kept");
        pollAt(server, clock, INTERVAL_NS / 2);
        assertEquals(8, ticks.size());
        assertEquals(0, server.counter(EngineCounter.TICKS_LATE));

        pollAt(server, clock, 5 * INTERVAL_NS);
        assertEquals(9, ticks.size(), "no burst of catch-up ticks");
        assertEquals(1, server.counter(EngineCounter.TICKS_LATE));
        pollAt(server, clock, INTERVAL_NS - 1);
        assertEquals(9, ticks.size(), "schedule restarts from the late tick");
        pollAt(server, clock, 1);
        assertEquals(10, ticks.size());

        for (int i = 0; i < ticks.size(); i++)
        {
            assertEquals(i + 1, ticks.get(i)[0], "ticks numbered from 1 without gaps");
            assertSame(Thread.currentThread(), threads.get(i), "INVOKER: the polling thread is the conductor");
        }
        assertEquals(clock.get(), ticks.get(9)[1], "onTick gets the duty cycle's clock");
        assertEquals(10, room.tick());
        assertEquals(0, still.tick(), "a room without a tick rate never ticks");
    }

    private static void pollAt(final GameServer server, final AtomicLong clock, final long advanceNs)
    {
        clock.addAndGet(advanceNs);
        server.poll();
    }

    @Test
    void shouldTickInRealTimeOnTheConductorThreadAndRejectOtherThreads()
    {
        final List<Long> ticks = new CopyOnWriteArrayList<>();
        final List<Thread> threads = new CopyOnWriteArrayList<>();
        final AtomicReference<Room> roomRef = new AtomicReference<>();
        final AtomicLong startNs = new AtomicLong();
        final RoomListener roomListener = new RoomListener()
        {
            public void onTick(final Room room, final long tick, final long nowNs)
            {
                ticks.add(tick);
                threads.add(Thread.currentThread());
                room.publishSharedSnapshot(tick, new UnsafeBuffer(new byte[8]), 0, 8);
            }
        };
        final ServerListener serverListener = new ServerListener()
        {
            public void onStart(final GameServer server)
            {
                startNs.set(System.nanoTime());
                roomRef.set(server.createRoom(1, new RoomOptions().tickRateHz(100).listener(roomListener)));
            }
        };
        harness.launch(harness.serverContext(Tests.freePortPair())
            .threadingMode(ThreadingMode.DEDICATED)
            .listener(serverListener));

        Tests.await(() -> ticks.size() >= 50, 15_000, () -> 0, () -> "50 ticks, got " + ticks.size());
        final long elapsedNs = System.nanoTime() - startNs.get();
        final int count = ticks.size();
        for (int i = 0; i < count; i++)
        {
            assertEquals(i + 1, ticks.get(i));
            assertSame(threads.get(0), threads.get(i), "always the conductor thread");
        }
        assertNotSame(Thread.currentThread(), threads.get(0));
        assertTrue(count <= elapsedNs / INTERVAL_NS + 2, count + " ticks in " + elapsedNs / 1_000_000 + " ms");

        final Room room = roomRef.get();
        assertThrows(IllegalStateException.class,
            () -> room.publishSharedSnapshot(1_000_000, new UnsafeBuffer(new byte[8]), 0, 8));
    }
}
