package io.skirmish.engine;

import io.aeron.protocol.DataHeaderFlyweight;
import io.aeron.protocol.HeaderFlyweight;
import io.skirmish.engine.client.GameClient;
import io.skirmish.engine.protocol.FrameHeaderFlyweight;
import io.skirmish.engine.protocol.FrameType;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.sim.NetworkSimulator;
import io.skirmish.engine.transport.Lanes;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An accepted connection whose lane never binds (every LANE_BIND of the first lane the client binds is black-holed,
 * so the server never hears it) is retried on fresh lanes as a resume of the same session, within the connect
 * deadline, and the game sees one ordinary connect on both sides.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LaneRebindSystemTest
{
    private static final int NO_SESSION = 0;

    private final SystemTestHarness harness = new SystemTestHarness();

    @AfterEach
    void after()
    {
        harness.close();
    }

    /** Drops, forever, every LANE_BIND datagram of the first upstream it sees one on. */
    private static final class FirstLaneBindBlackHole implements NetworkSimulator.PacketTap
    {
        final AtomicLong blackHoledSessionId = new AtomicLong(NO_SESSION);
        final AtomicInteger dropped = new AtomicInteger();

        public boolean onSend(final DirectBuffer buffer, final int offset, final int length, final int tag)
        {
            if ((tag & 1) != 0 || length < DataHeaderFlyweight.HEADER_LENGTH + FrameHeaderFlyweight.HEADER_LENGTH)
            {
                return true; // server to client
            }
            final int type = buffer.getShort(offset + HeaderFlyweight.TYPE_FIELD_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
            final int streamId = buffer.getInt(offset + DataHeaderFlyweight.STREAM_ID_FIELD_OFFSET, LITTLE_ENDIAN);
            final int frameType = buffer.getByte(
                offset + DataHeaderFlyweight.HEADER_LENGTH + FrameHeaderFlyweight.TYPE_OFFSET) & 0xFF;
            if (type != HeaderFlyweight.HDR_TYPE_DATA || streamId != Lanes.UPSTREAM_STREAM_ID ||
                frameType != FrameType.LANE_BIND)
            {
                return true;
            }
            final int sessionId = buffer.getInt(offset + DataHeaderFlyweight.SESSION_ID_FIELD_OFFSET, LITTLE_ENDIAN);
            blackHoledSessionId.compareAndSet(NO_SESSION, sessionId);
            if (blackHoledSessionId.get() == sessionId)
            {
                dropped.incrementAndGet();
                return false;
            }
            return true;
        }
    }

    @Test
    void shouldRebindStalledLanesAsAResumeAndConnectOnce()
    {
        final int port = Tests.freePortPair();
        final RecordingServerListener serverListener = new RecordingServerListener();
        final GameServer server = harness.launch(harness.serverContext(port).listener(serverListener));
        final FirstLaneBindBlackHole blackHole = new FirstLaneBindBlackHole();
        final RecordingClientListener clientListener = new RecordingClientListener();
        final GameClient client = harness.connect(harness.clientContext(port)
            .connectTimeoutNs(TimeUnit.SECONDS.toNanos(15))
            .listener(clientListener)
            .networkSimulator(new NetworkSimulator(5).tap(blackHole)));

        Tests.await(client::isConnected, 20_000, harness::pollAll,
            () -> "connected after a rebind: " + client.state() + ", dropped " + blackHole.dropped.get());
        assertTrue(blackHole.dropped.get() > 0, "the first lane's binds were black-holed");
        assertEquals(1, client.counter(EngineCounter.LANE_REBINDS), () -> Tests.counters(client) + " " + Tests.counters(server));
        assertEquals(1, clientListener.connects);
        assertEquals(0, clientListener.resumes);
        assertEquals(1, serverListener.connected.size());
        assertTrue(serverListener.resumed.isEmpty());
        assertEquals(0, server.counter(EngineCounter.SESSIONS_RESUMED));
        assertEquals(1, server.sessionCount());

        // the new lanes work: a reliable message and inputs
        final UnsafeBuffer hello = RoomSystemTest.utf8("after rebind");
        assertTrue(client.send(1, hello, 0, hello.capacity()) > 0);
        final UnsafeBuffer input = RoomSystemTest.utf8("move");
        final long[] tick = { 0 };
        Tests.await(() ->
            {
                client.sendInput(++tick[0], input, 0, input.capacity());
                return serverListener.messages.contains("1:after rebind") && !serverListener.inputTicks.isEmpty();
            }, 10_000, harness::pollAll, () -> "message and inputs: " + serverListener.messages);
        assertEquals(List.of(client.sessionId()), List.of(serverListener.connected.get(0).sessionId()));
    }
}
