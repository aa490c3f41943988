package io.skirmish.engine.server;

import io.aeron.archive.Archive;
import io.aeron.archive.client.AeronArchive;
import io.skirmish.engine.ThreadingMode;
import io.skirmish.engine.archive.RoomArchive;
import io.skirmish.engine.archive.RoomRecorder;
import io.skirmish.engine.protocol.FrameType;
import io.skirmish.engine.protocol.MessageFlyweight;
import io.skirmish.engine.protocol.ReliableAckFlyweight;
import io.skirmish.engine.protocol.ReliableFrameFlyweight;
import io.skirmish.engine.transport.RecordingOutlet;
import io.skirmish.engine.transport.Transport;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client's reliable frame that put an event into a durable room is acknowledged only once a real Aeron Archive has
 * recorded the event; until then the acknowledgement stops before it and names the later frames as held.
 */
class DurableAcksTest
{
    private static final int ROOM = 5;

    private final ServerFixture fixture = new ServerFixture(ServerFixture.context());
    private final DurableAcks durableAcks = new DurableAcks();
    private final ReliableFrameFlyweight envelope = new ReliableFrameFlyweight();
    private final ReliableAckFlyweight ack = new ReliableAckFlyweight();
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[16]);
    private File archiveDir;
    private Transport transport;
    private RoomArchive archive;
    private RoomRecorder recorder;
    private ReliableReceiver receiver;
    private Peer peer;
    private long roomSeq;

    @BeforeEach
    void before() throws Exception
    {
        archiveDir = Files.createTempDirectory("skirmish-durable-acks").toFile();
        transport = Transport.launch(null, true, null, ThreadingMode.INVOKER, new SleepingMillisIdleStrategy(1), null,
            new Archive.Context()
                .archiveDirectoryName(archiveDir.getAbsolutePath())
                .controlChannelEnabled(false)
                .replicationChannel("aeron:udp?endpoint=localhost:0")
                .archiveClientContext(new AeronArchive.Context().controlResponseChannel("aeron:udp?endpoint=localhost:0"))
                .recordingEventsEnabled(false)
                .deleteArchiveOnStart(true),
            Throwable::printStackTrace, "durable-acks-test");
        archive = new RoomArchive(transport, RoomArchive.localArchiveContext(transport.aeronDirectoryName()),
            RoomArchive.DEFAULT_RECORDING_CHANNEL, 1024, 64 * 1024, counter("deferred"), counter("lost"),
            counter("gaps"));
        recorder = archive.record(ROOM);
        durableAcks.archive(archive);
        receiver = new ReliableReceiver(fixture.ctx.maxFrameLength(), fixture.counters,
            fixture.newGate((p) -> { }), fixture.sender, (p, type, buffer, offset, length) ->
            {
                if ('d' == buffer.getByte(offset + MessageFlyweight.PAYLOAD_OFFSET))
                {
                    // what the fan-out does for an event of a durable room
                    durableAcks.onRecord(recorder, ++roomSeq, 0);
                    recorder.onEvent(roomSeq, 0, 0, 1, p.sessionId, payload, 0, payload.capacity());
                }
            });
        receiver.durableAcks(durableAcks);
        peer = fixture.connectedPeer();
    }

    @AfterEach
    void after()
    {
        CloseHelper.quietCloseAll(archive, transport);
        IoUtil.delete(archiveDir, true);
    }

    private AtomicCounter counter(final String name)
    {
        return transport.aeron().addCounter(1001, name);
    }

    private void receive(final long seq, final String text)
    {
        final UnsafeBuffer inner = new UnsafeBuffer(new byte[MessageFlyweight.PAYLOAD_OFFSET + text.length()]);
        final MessageFlyweight message = new MessageFlyweight();
        message.wrapForEncode(inner, 0, FrameType.MESSAGE, peer.sessionId);
        message.seq(0).typeId(1);
        inner.putStringWithoutLengthAscii(MessageFlyweight.PAYLOAD_OFFSET, text);
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[ReliableFrameFlyweight.DATA_OFFSET + inner.capacity()]);
        envelope.wrapForEncode(frame, 0, FrameType.RELIABLE, peer.sessionId);
        envelope.seq(seq).enclosedLength(inner.capacity()).chunk(0, 1);
        frame.putBytes(ReliableFrameFlyweight.DATA_OFFSET, inner, 0, inner.capacity());
        receiver.onFrame(peer, frame, 0, frame.capacity());
    }

    /**
     * @return the last acknowledgement sent, as acked/highestSeen/heldMask, or "none".
     */
    private String ack()
    {
        final RecordingOutlet outlet = ServerFixture.events(peer);
        outlet.clear();
        archive.doWork();
        receiver.sendAcks();
        if (0 == outlet.frameCount())
        {
            return "none";
        }
        final UnsafeBuffer frame = outlet.frame(outlet.frameCount() - 1);
        ack.wrap(frame, 0, frame.capacity());
        return ack.ackedSeq() + "/" + ack.highestSeenSeq() + "/" + Long.toBinaryString(ack.heldMask());
    }

    @Test
    void shouldAcknowledgeAFrameThatReachedADurableRoomOnlyOnceRecorded()
    {
        receive(1, "message");
        assertEquals("1/1/0", ack(), "a frame that reached no durable room is acknowledged at once");

        receive(2, "durable emit");
        receive(3, "message");
        assertEquals("1/1/0", ack(), "held before the durable one, with no loss to report");
        for (int i = 0; i < 10; i++)
        {
            // the archive runs only when the transport is invoked: nothing is recorded yet
            assertEquals("none", ack(), "no change while the archive has not recorded");
        }
        assertTrue(durableAcks.isWaiting(peer));

        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String acked = "none";
        while (!"3/3/0".equals(acked) && System.nanoTime() - deadlineNs < 0)
        {
            transport.invoke();
            acked = ack();
        }
        assertEquals("3/3/0", acked, "acknowledged once recorded");
        assertEquals(false, durableAcks.isWaiting(peer));
    }

    @Test
    void shouldKeepAcknowledgingWhileDurableFramesKeepComing()
    {
        long acked = 0;
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long seq = 0;
        while (seq < 200 && System.nanoTime() - deadlineNs < 0)
        {
            receive(++seq, "durable emit");
            transport.invoke();
            final String a = ack();
            if (!"none".equals(a))
            {
                acked = Long.parseLong(a.substring(0, a.indexOf('/')));
            }
        }
        assertEquals(200, seq);
        assertTrue(acked > 150, "acknowledged " + acked + " of 200 while they kept coming");
        while (acked < 200 && System.nanoTime() - deadlineNs < 0)
        {
            transport.invoke();
            final String a = ack();
            if (!"none".equals(a))
            {
                acked = Long.parseLong(a.substring(0, a.indexOf('/')));
            }
        }
        assertEquals(200, acked);
    }
}
