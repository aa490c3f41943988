package io.skirmish.samples;

import io.skirmish.engine.DriverErrors;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.ThreadingMode;
import io.skirmish.engine.Tests;
import io.skirmish.engine.sim.NetworkSimulator;
import io.skirmish.engine.sim.UdpRelay;
import io.skirmish.samples.arena.ArenaServer;
import io.skirmish.samples.bots.BotFleet;
import io.skirmish.samples.bots.BotSummary;
import org.agrona.CloseHelper;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo's server and bots in one process over real UDP on loopback, with a lossy, jittery network in between:
 * every bot must be delivered every event of every room while it is a member, exactly once and in order, and
 * receive snapshots. Server, relay and bots are polled from the test thread.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BotsSystemTest
{
    private GameServer server;
    private UdpRelay relay;
    private BotFleet fleet;

    @AfterEach
    void after()
    {
        CloseHelper.closeAll(fleet, relay, server);
    }

    @Test
    void shouldDeliverEveryRoomEventOnceAndInOrderThroughALossyNatLikeRelayWithSharedDriver()
    {
        final int port = Tests.freePortPair();
        server = GameServer.launch(serverContext(port));
        relay = new UdpRelay("127.0.0.1", "127.0.0.1",
            new NetworkSimulator(7).latencyMs(2).jitterMs(3).lossPercent(5), SystemNanoClock.INSTANCE);
        final int relayPort = relay.addRoute(0, "127.0.0.1", port);
        final int relayResponsePort = relay.addRoute(0, "127.0.0.1", port + 1);

        fleet = new BotFleet(new BotFleet.Settings()
            .server("127.0.0.1:" + relayPort)
            .responseEndpoint("127.0.0.1:" + relayResponsePort)
            .count(5)
            .sharedDriver(true)
            .emitRatePerSecond(6)
            .hopIntervalNs(TimeUnit.MILLISECONDS.toNanos(1500))
            .durationNs(TimeUnit.SECONDS.toNanos(4))
            .drainTimeoutNs(TimeUnit.SECONDS.toNanos(8))
            .errorHandler(Throwable::printStackTrace),
            SystemNanoClock.INSTANCE);

        Tests.await(fleet::isDone, 25_000,
            () -> fleet.doWork() + server.poll() + relay.poll(System.nanoTime()), () -> "bots done");
        final BotSummary summary = fleet.summary();
        System.out.println(summary.toJson());

        assertClean(summary, 5);
        assertTrue(summary.sharedDriver);
        assertTrue(summary.hops > 0, summary::toJson);
        assertTrue(summary.hitChecks > 0, "shots judged by rewind: " + summary.toJson());
        assertTrue(summary.inputsOnTimePercent > 90, summary::toJson);
        assertEquals(1, summary.maxImagesPerSubscription, "a bot's subscription saw another bot's stream: " + summary);
        assertEquals(5, summary.subscriptionImages, "one downstream image per bot: " + summary.toJson());
        assertTrue(relay.simulator().packetsLost() > 0, "the relay dropped packets");
        assertEquals("", DriverErrors.of(server));
    }

    @Test
    void shouldDeliverEveryRoomEventOnceAndInOrderWithEachBotsOwnSimulatedNetwork()
    {
        final int port = Tests.freePortPair();
        server = GameServer.launch(serverContext(port));
        fleet = new BotFleet(new BotFleet.Settings()
            .server("127.0.0.1:" + port)
            .count(2)
            .sharedDriver(false)
            .emitRatePerSecond(8)
            .hopIntervalNs(TimeUnit.SECONDS.toNanos(1))
            .durationNs(TimeUnit.SECONDS.toNanos(3))
            .drainTimeoutNs(TimeUnit.SECONDS.toNanos(8))
            .simulators(
                new NetworkSimulator(11).latencyMs(5).jitterMs(4).lossPercent(5).duplicatePercent(2)
                    .reorderPercent(2),
                new NetworkSimulator(12).lossPercent(5))
            .errorHandler(Throwable::printStackTrace),
            SystemNanoClock.INSTANCE);

        Tests.await(fleet::isDone, 25_000, () -> fleet.doWork() + server.poll(), () -> "bots done");
        final BotSummary summary = fleet.summary();
        System.out.println(summary.toJson());

        assertClean(summary, 2);
        assertEquals(1, summary.maxImagesPerSubscription, summary::toJson);
        assertEquals("", DriverErrors.of(server));
    }

    private static GameServer.Context serverContext(final int port)
    {
        return new GameServer.Context()
            .bindAddress("127.0.0.1")
            .port(port)
            .threadingMode(ThreadingMode.INVOKER)
            .listener(new ArenaServer(2, 30, 42))
            .errorHandler(Throwable::printStackTrace);
    }

    private static void assertClean(final BotSummary summary, final int bots)
    {
        final String json = summary.toJson();
        assertEquals(bots, summary.bots, json);
        assertEquals(bots, summary.connected, json);
        assertEquals(0, summary.outOfOrder, json);
        assertEquals(0, summary.duplicates, json);
        assertEquals(0, summary.missing, json);
        assertEquals(0, summary.unexpected, json);
        assertEquals(0, summary.originOrderErrors, json);
        assertTrue(summary.eventsExpected > 0, json);
        assertEquals(summary.eventsExpected, summary.eventsReceived, json);
        assertTrue(summary.eventsSent > 0, json);
        assertTrue(summary.snapshotsReceived > 0, json);
        assertTrue(summary.isClean(), json);
    }
}
