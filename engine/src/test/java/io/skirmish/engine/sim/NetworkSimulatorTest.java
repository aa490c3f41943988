package io.skirmish.engine.sim;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NetworkSimulatorTest
{
    private static final long MS = 1_000_000L;

    private static List<Integer> run(final NetworkSimulator simulator, final int packets)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[8]);
        final List<Integer> delivered = new ArrayList<>();
        long now = 0;
        for (int i = 0; i < packets; i++)
        {
            buffer.putInt(0, i);
            simulator.send(now, buffer, 0, 4, 0);
            now += MS;
            simulator.poll(now, (data, length, tag) -> delivered.add(new UnsafeBuffer(data).getInt(0)), 1000);
        }
        simulator.poll(now + 10_000 * MS, (data, length, tag) -> delivered.add(new UnsafeBuffer(data).getInt(0)), 100_000);
        return delivered;
    }

    @Test
    void shouldBeDeterministicForTheSameSeed()
    {
        final List<Integer> first = run(configured(new NetworkSimulator(7)), 5000);
        final List<Integer> second = run(configured(new NetworkSimulator(7)), 5000);
        final List<Integer> other = run(configured(new NetworkSimulator(8)), 5000);
        assertEquals(first, second);
        assertNotEquals(first, other);
    }

    private static NetworkSimulator configured(final NetworkSimulator simulator)
    {
        return simulator.latencyMs(20).jitterMs(10).lossPercent(10).duplicatePercent(5).reorderPercent(5);
    }

    @Test
    void shouldLoseDuplicateAndReorderAtConfiguredRates()
    {
        final NetworkSimulator simulator = configured(new NetworkSimulator(1));
        final List<Integer> delivered = run(simulator, 20_000);
        assertEquals(20_000, simulator.packetsSent());
        final double lossRate = simulator.packetsLost() / 20_000.0;
        assertTrue(lossRate > 0.08 && lossRate < 0.12, "loss " + lossRate);
        assertTrue(simulator.packetsDuplicated() > 600, "duplicates " + simulator.packetsDuplicated());
        assertEquals(20_000 - simulator.packetsLost() + simulator.packetsDuplicated(), delivered.size());
        int outOfOrder = 0;
        for (int i = 1; i < delivered.size(); i++)
        {
            if (delivered.get(i) < delivered.get(i - 1))
            {
                outOfOrder++;
            }
        }
        assertTrue(outOfOrder > 500, "reordered " + outOfOrder);
    }

    @Test
    void shouldDelayByLatency()
    {
        final NetworkSimulator simulator = new NetworkSimulator(3).latencyMs(50);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4]);
        simulator.send(0, buffer, 0, 4, 9);
        final int[] tags = { -1 };
        assertEquals(0, simulator.poll(49 * MS, (data, length, tag) -> tags[0] = tag, 10));
        assertEquals(1, simulator.poll(50 * MS, (data, length, tag) -> tags[0] = tag, 10));
        assertEquals(9, tags[0]);
        assertEquals(0, simulator.inFlight());
    }

    @Test
    void shouldCountOverflowWhenFull()
    {
        final NetworkSimulator simulator = new NetworkSimulator(3, 4, 16).latencyMs(1);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[32]);
        for (int i = 0; i < 6; i++)
        {
            simulator.send(0, buffer, 0, 8, 0);
        }
        simulator.send(0, buffer, 0, 32, 0);
        assertEquals(4, simulator.inFlight());
        assertEquals(3, simulator.overflowDrops());
    }
}
