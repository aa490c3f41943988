package io.skirmish.benchmarks.rig;

import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.Room;
import io.skirmish.engine.server.RoomOptions;
import io.skirmish.engine.ThreadingMode;
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.YieldingIdleStrategy;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/**
 * Engine fan-out: an INVOKER-mode {@link GameServer} with its own embedded driver, driven by the caller's thread
 * ({@link #broadcast()} and {@link #pollSender()}), and {@link EngineMembers} sharing one client-side driver, driven
 * by one "members" thread. Two busy threads in all, like the two processes of the raw Aeron figure in DESIGN.md.
 */
final class EngineFanOutRig implements FanOutRig
{
    static final int ROOM_ID = 1;

    private final Errors errors = new Errors("engine-fan-out");
    /**
     * Up to this many members each get their own driver, as separate game processes would. Larger rooms share a
     * client-side driver per {@value #MEMBERS_PER_DRIVER} members: 256 drivers invoked by one thread could not all
     * connect on a 2-core machine (133 of 160 after 60 s).
     */
    static final int MAX_MEMBERS_WITH_OWN_DRIVER = 64;
    static final int MEMBERS_PER_DRIVER = 16;

    private final UnsafeBuffer payload = new UnsafeBuffer(BufferUtil.allocateDirectAligned(PAYLOAD_LENGTH, 64));
    private final GameServer server;
    private final EngineMembers members;
    private final Room room;
    private final AgentRunner membersRunner;
    private File archiveDir;

    /**
     * @param memberCount room size.
     * @param durable     record the room to an archive embedded in the server (in a temporary directory, deleted
     *                    on close), invoked by the server's duty cycle like its driver.
     */
    EngineFanOutRig(final int memberCount, final boolean durable)
    {
        final int port = Ports.nextPair();
        final int counterValuesLength = Math.max(1024 * 1024, Integer.highestOneBit(memberCount * 32 * 128) * 2);
        GameServer server = null;
        EngineMembers members = null;
        try
        {
            archiveDir = durable ? Files.createTempDirectory("skirmish-fan-out-archive").toFile() : null;
            server = GameServer.launch(new GameServer.Context()
                .archiveDirectoryName(durable ? archiveDir.getAbsolutePath() : null)
                .bindAddress("127.0.0.1")
                .port(port)
                .maxMessagesPerSecond(Limits.UNLIMITED_RATE)
                .maxBytesPerSecond(Limits.UNLIMITED_RATE)
                .threadingMode(ThreadingMode.INVOKER)
                .maxSessions(Math.max(1024, memberCount))
                .connectTimeoutNs(60_000_000_000L)
                .keepAliveIntervalNs(1_000_000_000L)
                .sessionTimeoutNs(30_000_000_000L)
                .errorHandler(errors)
                .driverCustomizer((ctx) -> ctx.counterValuesBufferLength(counterValuesLength)));
            room = server.createRoom(ROOM_ID, new RoomOptions().maxMembers(memberCount).durable(durable));
            members = new EngineMembers(
                memberCount, "127.0.0.1:" + port, memberCount > MAX_MEMBERS_WITH_OWN_DRIVER ? MEMBERS_PER_DRIVER : 0,
                true, server::poll);
            members.awaitJoined(ROOM_ID, server::poll);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(members, server);
            deleteArchive();
            throw ex;
        }
        this.server = server;
        this.members = members;

        final EngineMembers polled = members;
        membersRunner = new AgentRunner(new YieldingIdleStrategy(), errors, null, new Agent()
        {
            public int doWork()
            {
                return polled.poll();
            }

            public String roleName()
            {
                return "engine-members";
            }
        });
        AgentRunner.startOnThread(membersRunner);
    }

    /**
     * {@inheritDoc}
     */
    public int members()
    {
        return members.count();
    }

    /**
     * {@inheritDoc}
     */
    public boolean lossy()
    {
        return false;
    }

    /**
     * {@inheritDoc}
     */
    public int broadcast()
    {
        return room.broadcast(EngineMembers.EVENT_TYPE_ID, payload, 0, PAYLOAD_LENGTH) > 0 ? room.memberCount() : 0;
    }

    /**
     * {@inheritDoc}
     */
    public int pollSender()
    {
        return server.poll();
    }

    /**
     * {@inheritDoc}
     */
    public long received()
    {
        return members.eventsPublished();
    }

    /**
     * {@inheritDoc}
     */
    public void close()
    {
        CloseHelper.close(membersRunner);
        System.out.println(summary());
        CloseHelper.closeAll(members, server);
        deleteArchive();
        errors.check();
    }

    private void deleteArchive()
    {
        if (null != archiveDir)
        {
            IoUtil.delete(archiveDir, true);
        }
    }

    /**
     * @return the server's fan-out counters, to tell live deliveries from catch-up and loss.
     */
    String summary()
    {
        return "engine fan-out " + members.count() + " members: events=" +
            server.counter(EngineCounter.ROOM_EVENTS_SENT) +
            " liveDeliveries=" + server.counter(EngineCounter.ROOM_EVENT_DELIVERIES) +
            " skippedBackPressured=" + server.counter(EngineCounter.FANOUT_SKIPPED) +
            " replayed=" + server.counter(EngineCounter.EVENTS_REPLAYED) +
            " resyncs=" + server.counter(EngineCounter.RESYNCS) +
            (null == archiveDir ? "" : " recordingDeferred=" + server.counter(EngineCounter.RECORDING_FRAMES_DEFERRED) +
            " recordingLost=" + server.counter(EngineCounter.RECORDING_FRAMES_LOST) +
            " recordingGaps=" + server.counter(EngineCounter.RECORDING_GAPS)) +
            " received=" + members.events();
    }
}
