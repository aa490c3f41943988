package io.skirmish.samples;

import io.skirmish.engine.ThreadingMode;
import io.skirmish.engine.Tests;
import io.skirmish.engine.client.GameClient;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.sim.NetworkSimulator;
import io.skirmish.samples.arena.ArenaServer;
import io.skirmish.samples.client.ArenaClient;
import io.skirmish.samples.client.ArenaInterpolator;
import io.skirmish.samples.client.ArenaView;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static io.skirmish.samples.arena.ArenaProtocol.FIRST_ARENA_ROOM_ID;
import static io.skirmish.samples.arena.ArenaProtocol.PICKUP_COUNT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The window's path over real UDP on loopback and a jittery simulated network: the player copies every arena
 * snapshot with its arrival time for the render thread, which feeds them to an {@link ArenaInterpolator} and shows
 * the arena. Server and player are polled from the test thread, which also plays the render thread.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ArenaClientSnapshotsSystemTest
{
    private GameServer server;
    private ArenaClient player;
    private final ArenaInterpolator interpolator = new ArenaInterpolator(64, TimeUnit.MILLISECONDS.toNanos(100));
    private final ArenaView view = new ArenaView();
    private final ArenaClient.SnapshotHandler onSnapshot = this::onSnapshot;
    private long handedOver;
    private long added;
    private long lastTick = -1;
    private long lastArrivalNs = Long.MIN_VALUE;
    private int roomId;

    @AfterEach
    void after()
    {
        CloseHelper.closeAll(player, server);
    }

    @Test
    void shouldHandEverySnapshotWithItsArrivalTimeToTheRenderThread()
    {
        final int port = Tests.freePortPair();
        server = GameServer.launch(new GameServer.Context()
            .bindAddress("127.0.0.1")
            .port(port)
            .threadingMode(ThreadingMode.INVOKER)
            .listener(new ArenaServer(1, 30, 42))
            .errorHandler(Throwable::printStackTrace));
        player = new ArenaClient(
            new GameClient.Context()
                .server("127.0.0.1:" + port)
                .networkSimulator(new NetworkSimulator(3).latencyMs(10).jitterMs(4)),
            new ArenaClient.Options().name("you").publishFrames(true),
            SystemNanoClock.INSTANCE);

        Tests.await(() -> added >= 45, 20_000, this::frame, () -> "snapshots handed over: " + added);

        assertEquals(player.ticksReceived(), handedOver, "every snapshot received is handed over");
        assertEquals(handedOver, added, "and kept by the interpolator");
        assertEquals(FIRST_ARENA_ROOM_ID, roomId);
        assertTrue(interpolator.sample(System.nanoTime(), view));
        assertEquals(1 + PICKUP_COUNT, view.count, "the player and the coins");
        assertTrue(view.renderTick > 0 && view.renderTick <= view.newestTick, "render tick " + view.renderTick);
        assertEquals(lastTick, view.newestTick);
    }

    private int frame()
    {
        final int work = server.poll() + player.poll();
        return work + player.pollSnapshots(onSnapshot);
    }

    private void onSnapshot(
        final int roomId,
        final long tick,
        final long arrivalNs,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        handedOver++;
        assertTrue(tick > lastTick, "tick " + tick + " after " + lastTick);
        assertTrue(arrivalNs >= lastArrivalNs, "arrival times in order");
        lastTick = tick;
        lastArrivalNs = arrivalNs;
        this.roomId = roomId;
        added += interpolator.add(tick, arrivalNs, buffer, offset, length) ? 1 : 0;
    }
}
