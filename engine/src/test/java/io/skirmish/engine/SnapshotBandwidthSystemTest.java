package io.skirmish.engine;

import io.skirmish.engine.client.GameClient;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.Room;
import io.skirmish.engine.server.RoomListener;
import io.skirmish.engine.server.RoomOptions;
import io.skirmish.engine.server.SnapshotWriter;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Snapshot bandwidth per client per tick for a 64-entity world (2 KiB, two datagrams in full) where about 10% of
 * the entities change per tick: full snapshots (delta encoding off) against acked-baseline deltas, measured side by
 * side over real UDP on loopback at 100 ticks per second. Snapshots are per member, so the figures are per client
 * and do not depend on how many clients there are.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SnapshotBandwidthSystemTest
{
    private static final int ROOM = 1;
    private static final int CLIENTS = 1;
    private static final int MEASURED_TICKS = 200;
    /** Aeron data frame header plus IPv4 and UDP headers, per datagram. */
    private static final int WIRE_OVERHEAD_PER_PART = 32 + 28;

    private final SystemTestHarness harness = new SystemTestHarness();

    @AfterEach
    void after()
    {
        harness.close();
    }

    /** One server and its clients with one configuration. */
    private final class Setup
    {
        final GameServer server;
        final GameClient[] clients = new GameClient[CLIENTS];
        final int[] delivered = new int[CLIENTS];
        final int[] wrong = new int[CLIENTS];
        long bytes0;
        long parts0;
        long snapshots0;

        Setup(final int snapshotWindow)
        {
            final SampleWorld world = new SampleWorld(7, 10);
            final SnapshotWriter writer = (member, tick, buffer, offset, maxLength) ->
                world.write(member.sessionId(), buffer, offset);
            final RoomListener roomListener = new RoomListener()
            {
                public void onTick(final Room room, final long tick, final long nowNs)
                {
                    world.step(tick);
                    room.publishSnapshot(tick, writer);
                }
            };
            final int port = Tests.freePortPair();
            server = harness.launch(harness.serverContext(port).snapshotWindow(snapshotWindow));
            server.createRoom(ROOM, new RoomOptions().tickRateHz(100).listener(roomListener));
            for (int i = 0; i < CLIENTS; i++)
            {
                final int index = i;
                clients[i] = harness.connect(harness.clientContext(port)
                    .connectTimeoutNs(TimeUnit.SECONDS.toNanos(20))
                    .listener(new RecordingClientListener()
                {
                    public void onSnapshot(
                        final int roomId,
                        final long tick,
                        final long baselineTick,
                        final DirectBuffer buffer,
                        final int offset,
                        final int length)
                    {
                        delivered[index]++;
                        if (length != SampleWorld.LENGTH || buffer.getLong(offset) != tick ||
                            buffer.getInt(offset + 8) != clients[index].sessionId())
                        {
                            wrong[index]++;
                        }
                    }
                }));
            }
        }

        void join()
        {
            for (final GameClient client : clients)
            {
                Tests.await(client::isConnected, 20_000, harness::pollAll, () -> "connected, state=" + client.state());
                client.join(ROOM);
            }
        }

        boolean delivered(final int count)
        {
            for (final int d : delivered)
            {
                if (d < count)
                {
                    return false;
                }
            }
            return true;
        }

        void startMeasuring()
        {
            bytes0 = server.counter(EngineCounter.SNAPSHOT_BYTES_SENT);
            parts0 = server.counter(EngineCounter.SNAPSHOTS_SENT);
            snapshots0 = snapshots();
        }

        long snapshots()
        {
            return server.counter(EngineCounter.SNAPSHOTS_DELTA_SENT) + server.counter(EngineCounter.SNAPSHOTS_FULL_SENT);
        }

        double bytesPerClientPerTick()
        {
            return (double)(server.counter(EngineCounter.SNAPSHOT_BYTES_SENT) - bytes0) / (snapshots() - snapshots0);
        }

        double partsPerClientPerTick()
        {
            return (double)(server.counter(EngineCounter.SNAPSHOTS_SENT) - parts0) / (snapshots() - snapshots0);
        }
    }

    @Test
    void shouldSendDeltasThatAreASmallFractionOfFullSnapshots()
    {
        final Setup full = new Setup(0);
        final Setup delta = new Setup(32);
        full.join();
        delta.join();
        Tests.await(() -> full.delivered(10) && delta.delivered(10), 15_000, harness::pollAll, () -> "warm up");
        full.startMeasuring();
        delta.startMeasuring();
        final int target = full.delivered[0] + MEASURED_TICKS;
        Tests.await(() -> full.delivered(target) && delta.delivered(target), 20_000, harness::pollAll,
            () -> "measured ticks");

        final double fullBytes = full.bytesPerClientPerTick();
        final double deltaBytes = delta.bytesPerClientPerTick();
        final double fullWire = fullBytes + full.partsPerClientPerTick() * WIRE_OVERHEAD_PER_PART;
        final double deltaWire = deltaBytes + delta.partsPerClientPerTick() * WIRE_OVERHEAD_PER_PART;
        System.out.printf(
            "64 entities (%d B state), ~10%% changing per tick, %d clients, %d+ ticks:%n" +
            "  full : %7.1f B/client/tick (%.2f datagrams), ~%7.1f B with Aeron+UDP/IP headers%n" +
            "  delta: %7.1f B/client/tick (%.2f datagrams), ~%7.1f B with Aeron+UDP/IP headers%n" +
            "  delta/full: %.1f%% (engine bytes), %.1f%% (wire estimate); deltas sent %d, full sent %d%n",
            SampleWorld.LENGTH, CLIENTS, MEASURED_TICKS,
            fullBytes, full.partsPerClientPerTick(), fullWire,
            deltaBytes, delta.partsPerClientPerTick(), deltaWire,
            100 * deltaBytes / fullBytes, 100 * deltaWire / fullWire,
            delta.server.counter(EngineCounter.SNAPSHOTS_DELTA_SENT),
            delta.server.counter(EngineCounter.SNAPSHOTS_FULL_SENT));

        for (int i = 0; i < CLIENTS; i++)
        {
            assertEquals(0, full.wrong[i]);
            assertEquals(0, delta.wrong[i]);
        }
        assertEquals(0, full.server.counter(EngineCounter.SNAPSHOTS_DELTA_SENT), "window 0: deltas off");
        assertTrue(deltaBytes < 0.3 * fullBytes, deltaBytes + " vs " + fullBytes);
    }
}
