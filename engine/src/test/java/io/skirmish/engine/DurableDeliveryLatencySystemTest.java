package io.skirmish.engine;

import io.skirmish.engine.client.GameClient;
import io.skirmish.engine.server.DurableDelivery;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.Room;
import io.skirmish.engine.server.RoomOptions;
import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What waiting for the archive costs a durable room's events, next to a plain room on the same server: each event
 * reaches the member only once recorded, within a few duty cycles; the plain room's events go out at once, and so do
 * those of a durable room with {@link DurableDelivery#LIVE}: each arrives before the same broadcast's event of the
 * RECORDED room, which cannot leave before the archive has run.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DurableDeliveryLatencySystemTest
{
    private static final int DURABLE = 81;
    private static final int PLAIN = 82;
    private static final int LIVE = 83;
    private static final int EVENTS = 300;

    private final SystemTestHarness harness = new SystemTestHarness();
    private File archiveDir;

    /** The nano time each event was broadcast (its payload) and when it arrived, per room. */
    static final class Arrivals extends RecordingClientListener
    {
        final LongArrayList durable = new LongArrayList();
        final LongArrayList plain = new LongArrayList();
        final LongArrayList live = new LongArrayList();

        public void onEvent(
            final int roomId,
            final long seq,
            final int senderSessionId,
            final int typeId,
            final DirectBuffer buffer,
            final int offset,
            final int length)
        {
            final long latencyNs = System.nanoTime() - buffer.getLong(offset);
            (DURABLE == roomId ? durable : LIVE == roomId ? live : plain).addLong(latencyNs);
        }
    }

    @AfterEach
    void after()
    {
        harness.close();
        if (null != archiveDir)
        {
            IoUtil.delete(archiveDir, true);
        }
    }

    @Test
    void shouldDeliverADurableRoomsEventsOnceRecordedWithinAFewDutyCycles() throws Exception
    {
        archiveDir = Files.createTempDirectory("skirmish-durable-latency").toFile();
        final int port = Tests.freePortPair();
        final GameServer server = harness.launch(harness.serverContext(port)
            .archiveDirectoryName(archiveDir.getAbsolutePath()));
        final Room durable = server.createRoom(DURABLE, new RoomOptions().durable(true));
        final Room plain = server.createRoom(PLAIN, new RoomOptions());
        final Room live = server.createRoom(LIVE, new RoomOptions().durable(true).durableDelivery(DurableDelivery.LIVE));
        final Arrivals arrivals = new Arrivals();
        final GameClient client = harness.connect(harness.clientContext(port).listener(arrivals));
        harness.awaitConnected(client);
        client.join(DURABLE);
        client.join(PLAIN);
        client.join(LIVE);
        Tests.await(() -> 1 == durable.memberCount() && 1 == plain.memberCount() && 1 == live.memberCount(), 10_000,
            harness::pollAll, () -> "members");
        Tests.await(() -> client.isMemberOf(DURABLE) && client.isMemberOf(PLAIN) && client.isMemberOf(LIVE), 10_000,
            harness::pollAll, () -> "joined");

        final UnsafeBuffer payload = new UnsafeBuffer(new byte[64]);
        for (int i = 0; i < EVENTS; i++)
        {
            payload.putLong(0, System.nanoTime());
            durable.broadcast(1, payload, 0, payload.capacity());
            plain.broadcast(1, payload, 0, payload.capacity());
            live.broadcast(1, payload, 0, payload.capacity());
            final int expected = i + 1;
            Tests.await(() -> arrivals.durable.size() >= expected && arrivals.plain.size() >= expected &&
                arrivals.live.size() >= expected, 10_000,
                () ->
                {
                    if (0 == harness.pollAll())
                    {
                        LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(50));
                    }
                    return 1;
                }, () -> "event " + expected + " arrived: " + arrivals.durable.size() + " " + arrivals.plain.size());
        }
        assertEquals(EVENTS, arrivals.durable.size());
        assertEquals(EVENTS, arrivals.plain.size());
        assertEquals(EVENTS, arrivals.live.size());
        for (int i = 0; i < EVENTS; i++)
        {
            assertTrue(arrivals.live.getLong(i) <= arrivals.durable.getLong(i), "event " + i + ": LIVE " +
                arrivals.live.getLong(i) + " ns, RECORDED " + arrivals.durable.getLong(i) + " ns");
        }
        final long[] d = sorted(arrivals.durable);
        final long[] p = sorted(arrivals.plain);
        final long[] l = sorted(arrivals.live);
        System.out.printf("delivery latency in process (INVOKER, embedded archive): durable median %d us, p99 %d us;" +
            " plain median %d us, p99 %d us; durable LIVE median %d us, p99 %d us%n", d[EVENTS / 2] / 1000,
            d[EVENTS * 99 / 100] / 1000, p[EVENTS / 2] / 1000, p[EVENTS * 99 / 100] / 1000, l[EVENTS / 2] / 1000,
            l[EVENTS * 99 / 100] / 1000);
        assertTrue(d[EVENTS / 2] < TimeUnit.MILLISECONDS.toNanos(50), "durable median " + d[EVENTS / 2]);
    }

    private static long[] sorted(final LongArrayList list)
    {
        final long[] values = list.toLongArray();
        Arrays.sort(values);
        return values;
    }
}
