package io.skirmish.engine.server;

import io.aeron.archive.Archive;
import io.aeron.archive.client.AeronArchive;
import io.skirmish.engine.ThreadingMode;
import io.skirmish.engine.archive.RoomArchive;
import io.skirmish.engine.protocol.FrameHeaderFlyweight;
import io.skirmish.engine.protocol.RoomEventFlyweight;
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
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static io.skirmish.engine.server.ServerFixture.events;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link DurableDelivery}: the fan-out of a durable room against a real Aeron Archive that runs only when the test
 * invokes its transport (INVOKER), so "not recorded yet" is a state the test holds, not a race. A {@code LIVE}
 * room's members get each event at once, while the archive has recorded nothing, and the sender's acknowledgement
 * still waits for the recording; a {@code RECORDED} room's members get it only once recorded. A {@code LIVE} room's
 * broadcast allocates no more than a plain room's.
 */
class DurableDeliveryTest
{
    private static final int LIVE_ROOM = 5;
    private static final int RECORDED_ROOM = 6;
    private static final int PLAIN_ROOM = 7;

    private final ServerFixture fixture = new ServerFixture(ServerFixture.context());
    private final EventFanOut fanOut = fixture.fanOut;
    private final DurableAcks durableAcks = new DurableAcks();
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[32]);
    private final RoomEventFlyweight event = new RoomEventFlyweight();
    private File archiveDir;
    private Transport transport;
    private RoomArchive archive;
    private Peer alice;
    private Peer bob;

    @BeforeEach
    void before() throws Exception
    {
        archiveDir = Files.createTempDirectory("skirmish-durable-delivery").toFile();
        transport = Transport.launch(null, true, null, ThreadingMode.INVOKER, new SleepingMillisIdleStrategy(1), null,
            new Archive.Context()
                .archiveDirectoryName(archiveDir.getAbsolutePath())
                .controlChannelEnabled(false)
                .replicationChannel("aeron:udp?endpoint=localhost:0")
                .archiveClientContext(new AeronArchive.Context().controlResponseChannel("aeron:udp?endpoint=localhost:0"))
                .recordingEventsEnabled(false)
                .deleteArchiveOnStart(true),
            Throwable::printStackTrace, "durable-delivery-test");
        archive = new RoomArchive(transport, RoomArchive.localArchiveContext(transport.aeronDirectoryName()),
            RoomArchive.DEFAULT_RECORDING_CHANNEL, 1024, 1024 * 1024, counter("deferred"), counter("lost"),
            counter("gaps"));
        fixture.rooms.archive(archive);
        durableAcks.archive(archive);
        durableAcks.fanOut(fanOut);
        fanOut.durableAcks(durableAcks);
        alice = fixture.connectedPeer();
        bob = fixture.connectedPeer();
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

    private Room room(final int roomId, final RoomOptions options)
    {
        final Room room = fixture.room(roomId, options);
        fixture.join(room, alice);
        fixture.join(room, bob);
        return room;
    }

    private void runArchiveUntil(final BooleanSupplier condition, final String what)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean())
        {
            assertTrue(System.nanoTime() - deadlineNs < 0, "timed out waiting for " + what);
            transport.invoke();
            archive.doWork();
            fanOut.pumpBehindMembers();
        }
    }

    private long lastSeqOn(final RecordingOutlet outlet, final int roomId)
    {
        long seq = -1;
        for (int i = 0; i < outlet.frameCount(); i++)
        {
            final UnsafeBuffer frame = outlet.frame(i);
            event.wrap(frame, 0, frame.capacity());
            if (event.roomId() == roomId)
            {
                seq = event.seq();
            }
        }
        return seq;
    }

    private long broadcast(final Room room, final int value)
    {
        payload.putInt(0, value);
        return fanOut.broadcast(room, 1, 0, payload, 0, payload.capacity(), 0, 0);
    }

    @Test
    void shouldDeliverALiveRoomsEventsAtOnceWhileTheSendersAcknowledgementWaitsForTheRecording()
    {
        final Room live = room(LIVE_ROOM, new RoomOptions().durable(true).durableDelivery(DurableDelivery.LIVE));
        final Room recorded = room(RECORDED_ROOM, new RoomOptions().durable(true));
        assertEquals(DurableDelivery.RECORDED, new RoomOptions().durableDelivery(), "the default");
        runArchiveUntil(() -> lastSeqOn(events(bob), RECORDED_ROOM) == recorded.lastSeq() &&
            fanOut.behindCount() == 0, "the joins recorded and delivered");
        events(alice).clear();
        events(bob).clear();
        final long recordedEpoch = archive.recordedEpoch();

        // alice's reliable frame 7 emits into both rooms; the archive does not run
        alice.reliableAckedSeq = 7;
        durableAcks.begin(alice, 7);
        final long liveSeq = broadcast(live, 1);
        final long recordedSeq = broadcast(recorded, 2);
        durableAcks.end();
        for (int i = 0; i < 5; i++)
        {
            fanOut.pumpBehindMembers();
            archive.doWork();
        }

        assertEquals(recordedEpoch, archive.recordedEpoch(), "the archive has recorded nothing since");
        for (final Peer peer : new Peer[]{ alice, bob })
        {
            final RecordingOutlet outlet = events(peer);
            assertEquals(1, outlet.frameCount(), "only the live room's event went out");
            final UnsafeBuffer frame = outlet.frame(0);
            event.wrap(frame, 0, frame.capacity());
            assertEquals(LIVE_ROOM, event.roomId());
            assertEquals(liveSeq, event.seq());
            assertEquals(1, frame.getInt(RoomEventFlyweight.PAYLOAD_OFFSET));
            assertEquals(0, event.flags() & FrameHeaderFlyweight.FLAG_REPLAY, "sent live, not from history");
        }
        assertTrue(durableAcks.isWaiting(alice));
        assertEquals(6, durableAcks.ackedSeq(alice), "the sender's frame is not acknowledged before it is recorded");

        runArchiveUntil(() -> lastSeqOn(events(bob), RECORDED_ROOM) == recordedSeq, "the recorded room's event");
        assertEquals(recordedSeq, lastSeqOn(events(alice), RECORDED_ROOM));
        runArchiveUntil(() -> 7 == durableAcks.ackedSeq(alice), "the sender's acknowledgement");
        assertEquals(liveSeq, lastSeqOn(events(bob), LIVE_ROOM), "the live room's event went out once");
    }

    @Test
    void shouldNotAllocateMoreForALiveDurableRoomThanForAPlainOne()
    {
        final Room live = room(LIVE_ROOM, new RoomOptions().durable(true).durableDelivery(DurableDelivery.LIVE));
        final Room plain = room(PLAIN_ROOM, new RoomOptions());
        runArchiveUntil(() -> fanOut.behindCount() == 0, "the joins delivered");
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        long liveBytes = 0;
        long plainBytes = 0;
        for (int round = 0; round < 3; round++)
        {
            liveBytes = 0;
            plainBytes = 0;
            for (int batch = 0; batch < 100; batch++)
            {
                liveBytes += allocatedBy(threads, live, 100);
                plainBytes += allocatedBy(threads, plain, 100);
                transport.invoke();
                archive.doWork();
            }
        }
        // the recording outlets copy every frame (the same in both); a LIVE broadcast that allocated would show at
        // least 16 bytes for each of the 10,000
        assertTrue(liveBytes - plainBytes < 10_000,
            "bytes allocated by 10,000 broadcasts: live durable " + liveBytes + ", plain " + plainBytes);
        assertEquals(0, fanOut.behindCount(), "every member was sent every event live");
    }

    private long allocatedBy(final com.sun.management.ThreadMXBean threads, final Room room, final int count)
    {
        events(alice).clear();
        events(bob).clear();
        final long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < count; i++)
        {
            final long seq = broadcast(room, i);
            fanOut.onEventAck(alice.session.memberships.get(room.roomId), seq);
            fanOut.onEventAck(bob.session.memberships.get(room.roomId), seq);
        }
        return threads.getCurrentThreadAllocatedBytes() - before;
    }
}
