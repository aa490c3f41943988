package io.skirmish.engine;

import io.skirmish.engine.client.GameClient;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.Room;
import io.skirmish.engine.server.RoomListener;
import io.skirmish.engine.server.RoomOptions;
import io.skirmish.engine.server.SnapshotWriter;
import io.skirmish.engine.sim.NetworkSimulator;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tick-stamped snapshots with acked-baseline deltas over real UDP through the network simulator (loss both ways,
 * jitter, reordering, a little duplication): every state a client delivers is byte for byte the state the server
 * published for that member and tick, ticks only go up, and deltas are actually used.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SnapshotDeltaSystemTest
{
    private static final int ROOM = 3;
    private static final int CLIENTS = 2;

    private final SystemTestHarness harness = new SystemTestHarness();

    @AfterEach
    void after()
    {
        harness.close();
    }

    /** Checks each delivered state against the server's record. */
    private static final class Checker extends RecordingClientListener
    {
        final Map<Long, byte[]> sharedStates;
        final Map<Integer, Map<Long, byte[]>> memberStates;
        final List<String> problems = new ArrayList<>();
        GameClient client;
        long lastTick = Long.MIN_VALUE;
        int delivered;
        int deltas;

        Checker(final Map<Long, byte[]> sharedStates, final Map<Integer, Map<Long, byte[]>> memberStates)
        {
            this.sharedStates = sharedStates;
            this.memberStates = memberStates;
        }

        public void onSnapshot(
            final int roomId,
            final long tick,
            final long baselineTick,
            final DirectBuffer buffer,
            final int offset,
            final int length)
        {
            if (tick <= lastTick)
            {
                problems.add("stale tick " + tick + " after " + lastTick);
            }
            lastTick = tick;
            delivered++;
            if (baselineTick >= 0)
            {
                deltas++;
            }
            final byte[] actual = new byte[length];
            buffer.getBytes(offset, actual);
            final byte[] expected = null != sharedStates ? sharedStates.get(tick) :
                memberStates.getOrDefault(client.sessionId(), Map.of()).get(tick);
            if (!Arrays.equals(expected, actual))
            {
                problems.add("tick " + tick + " (baseline " + baselineTick + ") differs from the server's state");
            }
        }
    }

    @ParameterizedTest(name = "{0}% loss, {1}")
    @CsvSource({ "10, PER_MEMBER", "30, PER_MEMBER", "10, SHARED", "30, SHARED" })
    void shouldDeliverOnlyExactServerStatesUnderLossJitterAndReordering(final int lossPercent, final String mode)
    {
        final boolean shared = "SHARED".equals(mode);
        final SampleWorld world = new SampleWorld(42, 10);
        final Map<Long, byte[]> sharedStates = shared ? new HashMap<>() : null;
        final Map<Integer, Map<Long, byte[]>> memberStates = new HashMap<>();
        final SnapshotWriter writer = (member, tick, buffer, offset, maxLength) ->
        {
            final int length = world.write(member.sessionId(), buffer, offset);
            final byte[] copy = new byte[length];
            buffer.getBytes(offset, copy);
            memberStates.computeIfAbsent(member.sessionId(), id -> new HashMap<>()).put(tick, copy);
            return length;
        };
        final RoomListener roomListener = new RoomListener()
        {
            public void onTick(final Room room, final long tick, final long nowNs)
            {
                world.step(tick);
                if (shared)
                {
                    final byte[] copy = new byte[SampleWorld.LENGTH];
                    world.state().getBytes(0, copy);
                    sharedStates.put(tick, copy);
                    room.publishSharedSnapshot(tick, world.state(), 0, SampleWorld.LENGTH);
                }
                else
                {
                    room.publishSnapshot(tick, writer);
                }
            }
        };

        final int port = Tests.freePortPair();
        final RecordingServerListener serverListener = new RecordingServerListener();
        final GameServer server = harness.launch(harness.serverContext(port).listener(serverListener));
        server.createRoom(ROOM, new RoomOptions().tickRateHz(100).listener(roomListener));

        final Checker[] checkers = new Checker[CLIENTS];
        final GameClient[] clients = new GameClient[CLIENTS];
        for (int i = 0; i < CLIENTS; i++)
        {
            checkers[i] = new Checker(sharedStates, memberStates);
            clients[i] = harness.connect(harness.clientContext(port)
                .connectTimeoutNs(TimeUnit.SECONDS.toNanos(20))
                .listener(checkers[i])
                .networkSimulator(new NetworkSimulator(lossPercent * 100L + i)
                    .lossPercent(lossPercent)
                    .latencyMs(1)
                    .jitterMs(4)
                    .reorderPercent(10)
                    .duplicatePercent(2)));
            checkers[i].client = clients[i];
        }
        for (int i = 0; i < CLIENTS; i++)
        {
            final GameClient client = clients[i];
            Tests.await(client::isConnected, 20_000, harness::pollAll, () -> "connected, state=" + client.state());
            client.join(ROOM);
        }
        for (int i = 0; i < CLIENTS; i++)
        {
            final Checker checker = checkers[i];
            Tests.await(() -> checker.joined.contains(ROOM), 15_000, harness::pollAll, () -> "joined");
        }

        final NetworkInfo clientInfo = new NetworkInfo();
        final NetworkInfo serverInfo = new NetworkInfo();
        Tests.await(
            () ->
            {
                for (final Checker checker : checkers)
                {
                    if (checker.delivered < 120 || checker.deltas < 80)
                    {
                        return false;
                    }
                }
                clients[0].networkInfo(clientInfo);
                server.session(clients[0].sessionId()).networkInfo(serverInfo);
                return clientInfo.snapshotLossPercent() > 0 && clientInfo.bytesInPerSecond() > 0 &&
                    serverInfo.snapshotLossPercent() > 0 && serverInfo.bytesOutPerSecond() > 0;
            },
            20_000, harness::pollAll,
            () -> "deliveries " + checkers[0].delivered + "/" + checkers[1].delivered + ", deltas " +
                checkers[0].deltas + "/" + checkers[1].deltas + ", client " + clientInfo + ", server " + serverInfo);

        final GameClient client = clients[0];
        System.out.printf(
            "%d%% loss %s: delivered %d (%d deltas), stale/dup frames %d, incomplete %d, baseline missing %d; " +
            "server sent %d delta + %d full; client %s; server %s%n",
            lossPercent, mode, checkers[0].delivered, checkers[0].deltas,
            client.counter(EngineCounter.SNAPSHOTS_STALE_DROPPED),
            client.counter(EngineCounter.SNAPSHOTS_INCOMPLETE_DROPPED),
            client.counter(EngineCounter.SNAPSHOTS_BASELINE_MISSING),
            server.counter(EngineCounter.SNAPSHOTS_DELTA_SENT), server.counter(EngineCounter.SNAPSHOTS_FULL_SENT),
            clientInfo, serverInfo);

        for (final Checker checker : checkers)
        {
            assertEquals(List.of(), checker.problems);
        }
        assertTrue(server.counter(EngineCounter.SNAPSHOTS_DELTA_SENT) > server.counter(EngineCounter.SNAPSHOTS_FULL_SENT));
        assertTrue(clientInfo.rttNs() > 0);
        assertEquals(0, server.counter(EngineCounter.DROPPED_MALFORMED));
        assertEquals(0, client.counter(EngineCounter.DROPPED_MALFORMED));
    }
}
