package io.skirmish.engine;

import io.skirmish.engine.client.GameClient;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.ServerListener;
import io.skirmish.engine.server.Session;
import io.skirmish.engine.sim.NetworkSimulator;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Redundant inputs over a lossy network: every input packet repeats the previous ones, so at 20% packet loss (both
 * ways, with jitter and reordering) the server still gets at least 99% of the inputs, each once and in tick order.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class InputRedundancySystemTest
{
    private static final int INPUTS = 500;
    /**
     * 125 inputs a second, faster than a 60 Hz game. Keep it above the simulated jitter spread: Aeron's unreliable
     * image drops a packet that arrives after a later one, so inputs sent closer together than the jitter would
     * reorder, and be lost, in bursts that no per-packet redundancy covers.
     */
    private static final long INPUT_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(8);

    private final SystemTestHarness harness = new SystemTestHarness();

    @AfterEach
    void after()
    {
        harness.close();
    }

    @Test
    void shouldReceiveAtLeast99PercentOfInputsAt20PercentLoss()
    {
        final BitSet received = new BitSet();
        final long[] last = { Long.MIN_VALUE };
        final int[] outOfOrder = { 0 };
        final int[] wrongPayload = { 0 };
        final List<String> missing = new ArrayList<>();
        final List<String> sendFailures = new ArrayList<>();
        final ServerListener listener = new RecordingServerListener()
        {
            public void onInput(
                final Session session, final long inputTick, final DirectBuffer buffer, final int offset, final int length)
            {
                if (inputTick <= last[0])
                {
                    outOfOrder[0]++;
                }
                last[0] = inputTick;
                if (length != 12 || buffer.getLong(offset) != inputTick * 31)
                {
                    wrongPayload[0]++;
                }
                received.set((int)inputTick);
            }

            public void onInputMissing(final Session session, final long fromTick, final long toTick)
            {
                missing.add(fromTick + ".." + toTick);
            }
        };
        final int port = Tests.freePortPair();
        final GameServer server = harness.launch(harness.serverContext(port).listener(listener));
        final NetworkSimulator simulator = new NetworkSimulator(20)
            .lossPercent(20)
            .latencyMs(1)
            .jitterMs(2)
            .reorderPercent(5);
        final GameClient client = harness.connect(harness.clientContext(port)
            .connectTimeoutNs(TimeUnit.SECONDS.toNanos(15))
            .networkSimulator(simulator));
        harness.awaitConnected(client);

        final UnsafeBuffer input = new UnsafeBuffer(new byte[12]);
        final long[] nextTick = { 1 };
        final long[] nextSendNs = { System.nanoTime() };
        final long lossBefore = simulator.packetsLost();
        final long sentBefore = simulator.packetsSent();
        Tests.await(
            () ->
            {
                final long nowNs = System.nanoTime();
                if (nowNs - nextSendNs[0] >= 0)
                {
                    nextSendNs[0] = nowNs + INPUT_INTERVAL_NS;
                    final long tick = nextTick[0]++;
                    input.putLong(0, tick * 31);
                    input.putInt(8, (int)tick);
                    final long result = client.sendInput(tick, input, 0, input.capacity());
                    if (result < 0)
                    {
                        sendFailures.add(tick + ":" + SendResult.describe(result));
                    }
                }
                return last[0] >= INPUTS;
            },
            20_000, harness::pollAll, () -> "server got input " + INPUTS + ", last " + last[0]);

        final int got = received.get(1, INPUTS + 1).cardinality();
        final double lossRate = 100.0 * (simulator.packetsLost() - lossBefore) / (simulator.packetsSent() - sentBefore);
        System.out.printf("inputs: %d of %d received (%.2f%%) at %.1f%% simulated packet loss; missing %s; " +
            "send failures %s%n", got, INPUTS, 100.0 * got / INPUTS, lossRate, missing, sendFailures);

        assertTrue(got >= INPUTS * 99 / 100, got + " of " + INPUTS);
        assertTrue(lossRate > 15, "simulated loss " + lossRate);
        assertEquals(0, outOfOrder[0]);
        assertEquals(0, wrongPayload[0]);
    }
}
