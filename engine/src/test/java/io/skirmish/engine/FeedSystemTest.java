package io.skirmish.engine;

import io.aeron.CommonContext;
import io.aeron.archive.Archive;
import io.aeron.archive.client.AeronArchive;
import io.aeron.driver.MediaDriver;
import io.skirmish.engine.archive.RoomArchive;
import io.skirmish.engine.archive.RoomRecordings;
import io.skirmish.engine.archive.RoomReplayHandler;
import io.skirmish.engine.client.ClientTestSupport;
import io.skirmish.engine.client.FeedListener;
import io.skirmish.engine.client.GameClient;
import io.skirmish.engine.protocol.FrameHeaderFlyweight;
import io.skirmish.engine.security.ConnectTokens;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.Room;
import io.skirmish.engine.server.RoomOptions;
import io.skirmish.engine.sim.NetworkSimulator;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.aeron.driver.ThreadingMode.SHARED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Spectators and replays over real UDP, fed from a real embedded Aeron Archive: spectators behind a delay get the
 * newest keyframe at least the delay old and every event after it, in order, exactly once, never before its delay,
 * all of them from one archive replay; a lossy spectator still gets everything; writes of a spectator are refused;
 * network replays of a finished, a running and a previous process's match reproduce the recording byte for byte,
 * paced or flat out.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FeedSystemTest
{
    private static final int ROOM = 41;
    private static final long DELAY_NS = TimeUnit.MILLISECONDS.toNanos(500);

    private final SystemTestHarness harness = new SystemTestHarness();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private MediaDriver clientDriver;
    private File archiveDir;

    /** One frame as recorded or fed. */
    record Frame(String kind, long seq, int typeId, int flags, byte[] payload)
    {
        public boolean equals(final Object o)
        {
            return o instanceof Frame f && f.kind.equals(kind) && f.seq == seq && f.typeId == typeId &&
                f.flags == flags && Arrays.equals(f.payload, payload);
        }

        public int hashCode()
        {
            return Long.hashCode(seq);
        }

        public String toString()
        {
            return kind + "#" + seq + "/" + typeId + "/" + payload.length;
        }
    }

    /** Records a feed as the client delivered it (read on the polling thread). */
    static final class FeedRecorder implements FeedListener
    {
        final List<Frame> frames = new ArrayList<>();
        final LongArrayList receivedNs = new LongArrayList();
        final LongArrayList recordedNs = new LongArrayList();
        FeedEndReason end;
        int gaps;

        public void onFeedKeyframe(
            final int feedId, final int roomId, final long seq, final long timestampNs, final DirectBuffer buffer,
            final int offset, final int length)
        {
            add(new Frame("K", seq, 0, 0, bytes(buffer, offset, length)), timestampNs);
        }

        public void onFeedEvent(
            final int feedId, final int roomId, final long seq, final int typeId, final int flags,
            final int senderSessionId, final long timestampNs, final DirectBuffer buffer, final int offset,
            final int length)
        {
            add(new Frame("E", seq, typeId, flags, bytes(buffer, offset, length)), timestampNs);
        }

        public void onFeedGap(final int feedId, final int roomId, final long fromSeq, final int lostFrames)
        {
            gaps++;
        }

        public void onFeedEnd(final int feedId, final int roomId, final long lastSeq, final FeedEndReason reason)
        {
            end = reason;
        }

        private void add(final Frame frame, final long timestampNs)
        {
            frames.add(frame);
            receivedNs.addLong(System.nanoTime());
            recordedNs.addLong(timestampNs);
        }
    }

    @BeforeEach
    void before() throws Exception
    {
        archiveDir = Files.createTempDirectory("skirmish-feed-test").toFile();
        clientDriver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(CommonContext.generateRandomDirName())
            .threadingMode(SHARED)
            .sharedIdleStrategy(new SleepingMillisIdleStrategy(1))
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .termBufferSparseFile(true)
            .publicationTermBufferLength(256 * 1024));
    }

    @AfterEach
    void after()
    {
        harness.close();
        for (int i = closeables.size() - 1; i >= 0; i--)
        {
            CloseHelper.quietClose(closeables.get(i));
        }
        CloseHelper.quietClose(clientDriver);
        if (null != archiveDir)
        {
            IoUtil.delete(archiveDir, true);
        }
    }

    @Test
    void shouldFeedManySpectatorsBehindTheDelayFromOneArchiveReplay()
    {
        final int port = Tests.freePortPair();
        final GameServer server = harness.launch(harness.serverContext(port)
            .archiveDirectoryName(archiveDir.getAbsolutePath()));
        final Room room = server.createRoom(ROOM, new RoomOptions().durable(true));
        final RecordingClientListener playerEvents = new RecordingClientListener();
        final GameClient player = harness.connect(sharedDriverClient(port).listener(playerEvents));
        harness.awaitConnected(player);
        player.join(ROOM);
        Tests.await(() -> room.memberCount() == 1, 10_000, harness::pollAll, () -> "player joined");

        final List<Frame> recorded = new ArrayList<>();
        broadcast(room, recorded, 100, 50);
        // the newest keyframe at least the delay old when they join: the second, after the 100th event
        final Frame keyframe = recorded.stream().filter(f -> f.kind.equals("K")).reduce((a, b) -> b).get();
        // the keyframe a late spectator starts from must be at least the delay old
        Tests.drive(TimeUnit.NANOSECONDS.toMillis(DELAY_NS) + 200, harness::pollAll);

        final int spectatorCount = 20;
        final List<GameClient> spectators = new ArrayList<>();
        final List<FeedRecorder> feeds = new ArrayList<>();
        for (int i = 0; i < spectatorCount; i++)
        {
            spectators.add(harness.connect(sharedDriverClient(port)));
        }
        for (final GameClient spectator : spectators)
        {
            harness.awaitConnected(spectator);
            final FeedRecorder feed = new FeedRecorder();
            feeds.add(feed);
            assertTrue(spectator.spectate(ROOM, DELAY_NS, feed) > 0);
        }
        Tests.await(() -> server.counter(EngineCounter.FEED_SPECTATORS) == spectatorCount, 10_000,
            harness::pollAll, () -> "spectators " + server.counter(EngineCounter.FEED_SPECTATORS));

        final UnsafeBuffer emit = new UnsafeBuffer(new byte[8]);
        assertEquals(SendResult.READ_ONLY, spectators.get(0).emit(ROOM, 5, emit, 0, 8));
        assertEquals(1, spectators.get(0).counter(EngineCounter.FEED_WRITES_REFUSED));
        assertTrue(ClientTestSupport.sendRawEmit(spectators.get(1), ROOM, 5, emit, 0, 8) > 0);
        Tests.await(() -> server.counter(EngineCounter.FEED_WRITES_REFUSED) == 1, 10_000, harness::pollAll,
            () -> "the server refuses a spectator's emit");
        assertEquals(0, server.counter(EngineCounter.EMITS_VETOED));

        final long firstSeq = room.lastSeq();
        broadcast(room, recorded, 200, 50);
        assertEquals(1, server.counter(EngineCounter.FEED_ARCHIVE_REPLAYS), "one archive replay for all");
        final long lastSeq = room.lastSeq();
        server.closeRoom(ROOM);
        Tests.await(() -> feeds.stream().allMatch(f -> null != f.end), 30_000, harness::pollAll,
            () -> "every feed ended: " + Tests.counters(server));

        final List<Frame> expected = new ArrayList<>();
        boolean from = false;
        for (final Frame f : recorded)
        {
            from = from || f == keyframe;
            if (from)
            {
                expected.add(f);
            }
        }
        long minLagNs = Long.MAX_VALUE;
        for (final FeedRecorder feed : feeds)
        {
            assertEquals(FeedEndReason.ROOM_CLOSED, feed.end);
            assertEquals(0, feed.gaps);
            assertEquals(expected, withoutMembership(feed.frames), "keyframe first, then every event once, in order");
            assertEquals(lastSeq, feed.frames.get(feed.frames.size() - 1).seq);
            for (int i = 0; i < feed.frames.size(); i++)
            {
                final long lagNs = feed.receivedNs.getLong(i) - feed.recordedNs.getLong(i);
                assertTrue(lagNs >= DELAY_NS, "frame " + feed.frames.get(i) + " came " + lagNs + " ns after it");
                minLagNs = Math.min(minLagNs, lagNs);
            }
        }
        assertTrue(lastSeq > firstSeq);
        assertEquals(300, playerEvents.events.size(), "the player got every broadcast and no spectator's emit");
        assertTrue(playerEvents.events.get(299).startsWith(ROOM + "/" + lastSeq + "/"));
        assertEquals(0, server.counter(EngineCounter.FEED_FRAMES_EVICTED));
        assertEquals(0, server.counter(EngineCounter.FEED_OVERRUNS));
        Tests.await(() -> server.counter(EngineCounter.FEED_ARCHIVE_REPLAYS) == 0, 10_000, harness::pollAll,
            () -> "the archive replay closes with its last feed");
        System.out.println("spectators: " + spectatorCount + " behind " + TimeUnit.NANOSECONDS.toMillis(DELAY_NS) +
            " ms from 1 archive replay, " + expected.size() + " frames each from keyframe seq " + keyframe.seq +
            ", min lag " + TimeUnit.NANOSECONDS.toMillis(minLagNs) + " ms; frames sent " +
            server.counter(EngineCounter.FEED_FRAMES_SENT) + ", resent " +
            server.counter(EngineCounter.FEED_FRAMES_RESENT) + " (client gaps " +
            spectators.stream().mapToLong(c -> c.counter(EngineCounter.FEED_GAPS_DETECTED)).sum() + "), batches " +
            server.counter(EngineCounter.FEED_BATCHES_SENT) + ", acks " + server.counter(EngineCounter.FEED_ACKS_RECEIVED) +
            ", buffer full " +
            server.counter(EngineCounter.FEED_BUFFER_FULL));
    }

    @Test
    void shouldSendEachSpectatorWhatIsDueInOneBatchPerFlushInterval()
    {
        final int port = Tests.freePortPair();
        final long flushNs = TimeUnit.MILLISECONDS.toNanos(100);
        final GameServer server = harness.launch(harness.serverContext(port)
            .archiveDirectoryName(archiveDir.getAbsolutePath())
            .feedFlushIntervalNs(flushNs));
        final Room room = server.createRoom(ROOM, new RoomOptions().durable(true));
        final List<Frame> recorded = new ArrayList<>();
        broadcast(room, recorded, 1, 0);
        final GameClient spectator = harness.connect(sharedDriverClient(port));
        harness.awaitConnected(spectator);
        final FeedRecorder feed = new FeedRecorder();
        final long delayNs = TimeUnit.MILLISECONDS.toNanos(200);
        assertTrue(spectator.spectate(ROOM, delayNs, feed) > 0);
        Tests.await(() -> feed.frames.size() == 1, 10_000, harness::pollAll, () -> "the first frame");
        final long batchesBefore = server.counter(EngineCounter.FEED_BATCHES_SENT);
        final long startNs = System.nanoTime();
        broadcast(room, recorded, 300, 0);
        Tests.await(() -> feed.frames.size() == recorded.size(), 10_000, harness::pollAll, () -> "every frame");
        final long spanNs = System.nanoTime() - startNs;
        final long batches = server.counter(EngineCounter.FEED_BATCHES_SENT) - batchesBefore;

        assertEquals(recorded, feed.frames, "every frame once, in order");
        assertEquals(0, server.counter(EngineCounter.FEED_FRAMES_RESENT));
        // at most one flush an interval (a batch is at most a datagram: 300 frames of up to 400 bytes take several)
        long bytes = 0;
        for (final Frame f : recorded.subList(1, recorded.size()))
        {
            bytes += f.payload().length + 48;
        }
        final long flushes = spanNs / flushNs + 2;
        assertTrue(batches <= flushes + bytes / 1000 + 1, batches + " batches in " +
            TimeUnit.NANOSECONDS.toMillis(spanNs) + " ms for " + bytes + " bytes");
        assertTrue(batches < 300 / 3, "frames go in batches, not one by one: " + batches);
        int bursts = 1;
        for (int i = 1; i < feed.frames.size(); i++)
        {
            final long lagNs = feed.receivedNs.getLong(i) - feed.recordedNs.getLong(i);
            assertTrue(lagNs >= delayNs, "frame " + i + " before its delay");
            assertTrue(lagNs < delayNs + flushNs + TimeUnit.MILLISECONDS.toNanos(150), "frame " + i + " came " +
                TimeUnit.NANOSECONDS.toMillis(lagNs) + " ms after it");
            if (i > 1 && feed.receivedNs.getLong(i) - feed.receivedNs.getLong(i - 1) > flushNs / 2)
            {
                bursts++;
            }
        }
        assertTrue(bursts <= flushes, bursts + " bursts of arrivals for " + flushes + " flush intervals");
        System.out.println("batched feed: " + (recorded.size() - 1) + " frames in " + batches + " batches over " +
            TimeUnit.NANOSECONDS.toMillis(spanNs) + " ms at a 100 ms flush, " + bursts + " bursts of arrivals");
    }

    @Test
    void shouldPauseTheArchiveReplayWhenTheDelayBufferIsFullAndLoseNothing()
    {
        final int port = Tests.freePortPair();
        final GameServer server = harness.launch(harness.serverContext(port)
            .archiveDirectoryName(archiveDir.getAbsolutePath())
            .feedBufferLength(64 * 1024));
        final Room room = server.createRoom(ROOM, new RoomOptions().durable(true));
        final List<Frame> recorded = new ArrayList<>();
        broadcast(room, recorded, 1, 0);
        final GameClient spectator = harness.connect(sharedDriverClient(port));
        harness.awaitConnected(spectator);
        final FeedRecorder feed = new FeedRecorder();
        final long delayNs = TimeUnit.MILLISECONDS.toNanos(800);
        assertTrue(spectator.spectate(ROOM, delayNs, feed) > 0);
        Tests.await(() -> server.counter(EngineCounter.FEED_SPECTATORS) == 1, 10_000, harness::pollAll,
            () -> "spectating");
        // about 600 frames of 230 bytes on average within the delay: twice what 64 KiB holds
        broadcast(room, recorded, 600, 0);
        final long lastSeq = room.lastSeq();
        server.closeRoom(ROOM);
        Tests.await(() -> null != feed.end, 30_000, harness::pollAll, () -> "feed ended, got " + feed.frames.size());

        assertEquals(FeedEndReason.ROOM_CLOSED, feed.end);
        assertEquals(recorded, feed.frames, "nothing lost while the buffer was full");
        assertEquals(lastSeq, feed.frames.get(feed.frames.size() - 1).seq);
        long maxLagNs = 0;
        for (int i = 0; i < feed.frames.size(); i++)
        {
            final long lagNs = feed.receivedNs.getLong(i) - feed.recordedNs.getLong(i);
            assertTrue(lagNs >= delayNs);
            maxLagNs = Math.max(maxLagNs, lagNs);
        }
        assertTrue(server.counter(EngineCounter.FEED_BUFFER_FULL) > 0, "the buffer filled");
        assertEquals(0, server.counter(EngineCounter.FEED_OVERRUNS));
        System.out.println("full delay buffer: " + feed.frames.size() + " frames exact through 64 KiB, paused " +
            server.counter(EngineCounter.FEED_BUFFER_FULL) + " times, max lag " +
            TimeUnit.NANOSECONDS.toMillis(maxLagNs) + " ms for a delay of " + TimeUnit.NANOSECONDS.toMillis(delayNs) +
            " ms");
    }

    @Test
    void shouldCutOffASpectatorThatStopsAcknowledgingSoTheOthersGoOn()
    {
        final int port = Tests.freePortPair();
        final GameServer server = harness.launch(harness.serverContext(port)
            .sessionTimeoutNs(TimeUnit.SECONDS.toNanos(30))
            .archiveDirectoryName(archiveDir.getAbsolutePath())
            .feedBufferLength(64 * 1024));
        final Room room = server.createRoom(ROOM, new RoomOptions().durable(true));
        final List<Frame> recorded = new ArrayList<>();
        broadcast(room, recorded, 1, 0);
        final long delayNs = TimeUnit.MILLISECONDS.toNanos(300);
        final GameClient frozen = GameClient.connect(sharedDriverClient(port));
        closeables.add(frozen);
        final FeedRecorder frozenFeed = new FeedRecorder();
        Tests.await(frozen::isConnected, 20_000, () -> harness.pollAll() + frozen.poll(), () -> "frozen connected");
        assertTrue(frozen.spectate(ROOM, delayNs, frozenFeed) > 0);
        final GameClient healthy = harness.connect(sharedDriverClient(port));
        harness.awaitConnected(healthy);
        final FeedRecorder feed = new FeedRecorder();
        assertTrue(healthy.spectate(ROOM, delayNs, feed) > 0);
        Tests.await(() -> server.counter(EngineCounter.FEED_SPECTATORS) == 2, 10_000,
            () -> harness.pollAll() + frozen.poll(), () -> "two spectators");

        // the frozen client is polled no more: it acknowledges nothing from here on
        broadcast(room, recorded, 600, 0);
        Tests.await(() -> server.counter(EngineCounter.FEED_OVERRUNS) == 1, 20_000, harness::pollAll,
            () -> "the frozen spectator cut off");
        server.closeRoom(ROOM);
        Tests.await(() -> null != feed.end, 30_000, harness::pollAll, () -> "feed ended, got " + feed.frames.size());
        assertEquals(FeedEndReason.ROOM_CLOSED, feed.end);
        assertEquals(recorded, feed.frames, "the healthy spectator got everything");
        Tests.await(() -> null != frozenFeed.end, 10_000, () -> harness.pollAll() + frozen.poll(),
            () -> "the frozen client, polled again, hears it was cut off");
        assertEquals(FeedEndReason.OVERRUN, frozenFeed.end);
        assertEquals(recorded.subList(0, frozenFeed.frames.size()), frozenFeed.frames, "in order up to the cut");
        System.out.println("overrun: the frozen spectator cut off after " + frozenFeed.frames.size() +
            " frames; the healthy one got all " + feed.frames.size());
    }

    @Test
    void shouldRecoverEveryFrameForAnEncryptedSpectatorUnderLoss()
    {
        final int port = Tests.freePortPair();
        final byte[] secret = "0123456789abcdef0123456789abcdef-spectators".getBytes(StandardCharsets.US_ASCII);
        final GameServer server = harness.launch(harness.serverContext(port)
            .connectTokenSecret(secret)
            .publicAddresses("game.example.com:" + port)
            .archiveDirectoryName(archiveDir.getAbsolutePath()));
        final Room room = server.createRoom(ROOM, new RoomOptions().durable(true));
        final List<Frame> recorded = new ArrayList<>();
        broadcast(room, recorded, 1, 0);
        final NetworkSimulator simulator = new NetworkSimulator(23).lossPercent(10);
        final ConnectTokens.Minted minted = new ConnectTokens(secret).mint(
            7, System.currentTimeMillis() + 60_000, "game.example.com:" + port, new byte[0]);
        final GameClient spectator = harness.connect(harness.clientContext(port)
            .connectToken(minted.token(), minted.sessionKey())
            .payloadEncryption(true)
            .networkSimulator(simulator));
        harness.awaitConnected(spectator);
        final FeedRecorder feed = new FeedRecorder();
        final long delayNs = TimeUnit.MILLISECONDS.toNanos(200);
        assertTrue(spectator.spectate(ROOM, delayNs, feed) > 0);
        Tests.await(() -> server.counter(EngineCounter.FEED_SPECTATORS) == 1, 10_000, harness::pollAll,
            () -> "spectating");
        broadcast(room, recorded, 400, 60);
        final long lastSeq = room.lastSeq();
        server.closeRoom(ROOM);
        Tests.await(() -> null != feed.end, 60_000, harness::pollAll, () -> "feed ended, got " + feed.frames.size());

        assertEquals(FeedEndReason.ROOM_CLOSED, feed.end);
        assertEquals(recorded, withoutMembership(feed.frames), "every frame, in order, exactly once");
        assertEquals(lastSeq, feed.frames.get(feed.frames.size() - 1).seq);
        for (int i = 0; i < feed.frames.size(); i++)
        {
            assertTrue(feed.receivedNs.getLong(i) - feed.recordedNs.getLong(i) >= delayNs);
        }
        final long gaps = spectator.counter(EngineCounter.FEED_GAPS_DETECTED);
        final long resent = server.counter(EngineCounter.FEED_FRAMES_RESENT);
        assertTrue(simulator.packetsLost() > 0 && resent > 0, "lost " + simulator.packetsLost() + " resent " + resent);
        System.out.println("lossy encrypted spectator: " + feed.frames.size() + " frames exact at 10% loss, " +
            simulator.packetsLost() + " packets lost, " + gaps + " gaps seen, " + resent + " frames resent");
    }

    @Test
    void shouldReplayFinishedAndRunningMatchesByteForByteAtPaceAndFlatOut()
    {
        final int port = Tests.freePortPair();
        final GameServer server = harness.launch(harness.serverContext(port)
            .archiveDirectoryName(archiveDir.getAbsolutePath()));
        final Room room = server.createRoom(ROOM, new RoomOptions().durable(true));
        final List<Frame> recorded = new ArrayList<>();
        broadcast(room, recorded, 50, 25);
        final GameClient live = harness.connect(sharedDriverClient(port));
        harness.awaitConnected(live);
        final FeedRecorder following = new FeedRecorder();
        assertTrue(live.replay(ROOM, 1, 0, following) > 0);
        Tests.await(() -> server.counter(EngineCounter.FEED_REPLAYS) == 1, 10_000, harness::pollAll, () -> "replay");
        broadcast(room, recorded, 250, 40);
        server.closeRoom(ROOM);
        Tests.await(() -> null != following.end, 30_000, harness::pollAll, () -> "the running replay ended");
        assertEquals(FeedEndReason.FINISHED, following.end);
        assertEquals(recorded, following.frames, "a replay of a running match follows it to its end");
        final long spanNs = following.recordedNs.getLong(following.recordedNs.size() - 1) -
            following.recordedNs.getLong(0);

        final GameClient viewer = harness.connect(sharedDriverClient(port));
        harness.awaitConnected(viewer);
        final FeedRecorder flatOut = new FeedRecorder();
        final long flatStartNs = System.nanoTime();
        assertTrue(viewer.replay(ROOM, 1, Double.POSITIVE_INFINITY, flatOut) > 0);
        Tests.await(() -> null != flatOut.end, 30_000, harness::pollAll, () -> "flat-out replay");
        final long flatNs = System.nanoTime() - flatStartNs;
        assertEquals(FeedEndReason.FINISHED, flatOut.end);
        assertEquals(recorded, flatOut.frames);

        final FeedRecorder paced = new FeedRecorder();
        final long pacedStartNs = System.nanoTime();
        assertTrue(viewer.replay(ROOM, 1, 1.0, paced) > 0);
        Tests.await(() -> null != paced.end, 30_000, harness::pollAll, () -> "paced replay");
        final long pacedNs = System.nanoTime() - pacedStartNs;
        assertEquals(recorded, paced.frames);
        assertTrue(pacedNs >= spanNs * 95 / 100, "at speed 1, " + spanNs + " ns of match took " + pacedNs);
        for (int i = 1; i < paced.frames.size(); i++)
        {
            final long recordedGapNs = paced.recordedNs.getLong(i) - paced.recordedNs.getLong(0);
            final long playedGapNs = paced.receivedNs.getLong(i) - paced.receivedNs.getLong(0);
            assertTrue(playedGapNs >= recordedGapNs - TimeUnit.MILLISECONDS.toNanos(50),
                "frame " + i + " played at " + playedGapNs + ", recorded at " + recordedGapNs);
        }

        final FeedRecorder fourX = new FeedRecorder();
        final long fourStartNs = System.nanoTime();
        assertTrue(viewer.replay(ROOM, 120, 4.0, fourX) > 0);
        Tests.await(() -> null != fourX.end, 30_000, harness::pollAll, () -> "4x replay");
        final long fourNs = System.nanoTime() - fourStartNs;
        final Frame keyframe = recorded.stream().filter(f -> f.kind.equals("K") && f.seq < 120)
            .reduce((a, b) -> b).get();
        final List<Frame> fromKeyframe = recorded.subList(recorded.indexOf(keyframe), recorded.size());
        assertEquals(fromKeyframe, fourX.frames, "from the newest keyframe before seq 120");
        final long fourSpanNs = fourX.recordedNs.getLong(fourX.recordedNs.size() - 1) - fourX.recordedNs.getLong(0);
        assertTrue(fourNs >= fourSpanNs / 4 * 95 / 100, "at 4x, " + fourSpanNs + " ns took " + fourNs);

        server.close();
        harness.servers.remove(server);
        assertEquals(recorded, inProcessReplay(), "what the network replays gave is what the archive holds");
        System.out.println("replays: " + recorded.size() + " frames byte for byte; match span " +
            TimeUnit.NANOSECONDS.toMillis(spanNs) + " ms; flat out " + TimeUnit.NANOSECONDS.toMillis(flatNs) +
            " ms, speed 1 " + TimeUnit.NANOSECONDS.toMillis(pacedNs) + " ms, 4x from seq 120 (" +
            fourX.frames.size() + " frames) " + TimeUnit.NANOSECONDS.toMillis(fourNs) + " ms");
    }

    @Test
    void shouldReplayTheRecordingOfAPreviousProcess()
    {
        final int port = Tests.freePortPair();
        final GameServer first = harness.launch(harness.serverContext(port)
            .archiveDirectoryName(archiveDir.getAbsolutePath()));
        final Room room = first.createRoom(ROOM, new RoomOptions().durable(true));
        final List<Frame> recorded = new ArrayList<>();
        broadcast(room, recorded, 300, 100);
        first.close();
        harness.servers.remove(first);

        final int secondPort = Tests.freePortPair();
        final GameServer second = harness.launch(harness.serverContext(secondPort)
            .archiveDirectoryName(archiveDir.getAbsolutePath()));
        final GameClient viewer = harness.connect(sharedDriverClient(secondPort));
        harness.awaitConnected(viewer);
        final FeedRecorder replay = new FeedRecorder();
        assertTrue(viewer.replay(ROOM, 1, 0, replay) > 0);
        Tests.await(() -> null != replay.end, 30_000, harness::pollAll, () -> "replay of the previous process");
        assertEquals(FeedEndReason.FINISHED, replay.end);
        assertEquals(recorded, replay.frames);

        final FeedRecorder stopped = new FeedRecorder();
        final long stoppedId = viewer.replay(ROOM, 1, 0.01, stopped);
        Tests.await(() -> stopped.frames.size() >= 1, 10_000, harness::pollAll, () -> "a slow replay started");
        assertTrue(viewer.stopFeed((int)stoppedId) > 0);
        Tests.await(() -> null != stopped.end && second.counter(EngineCounter.FEED_REPLAYS) == 0, 10_000,
            harness::pollAll, () -> "stopped: " + stopped.end + " after " + stopped.frames.size() + " " +
            Tests.counters(second) + " " + Tests.counters(viewer));
        assertEquals(FeedEndReason.STOPPED, stopped.end);
        assertEquals(recorded.subList(0, stopped.frames.size()), stopped.frames);

        final FeedRecorder missing = new FeedRecorder();
        assertTrue(viewer.replay(ROOM + 1, 1, 0, missing) > 0);
        assertTrue(viewer.spectate(ROOM, 0, new FeedRecorder()) > 0);
        Tests.await(() -> null != missing.end && second.counter(EngineCounter.FEEDS_REFUSED) == 2, 10_000,
            harness::pollAll, () -> "refusals");
        assertEquals(FeedEndReason.NO_SUCH_ROOM, missing.end);

        second.close();
        harness.servers.remove(second);
        assertEquals(recorded, inProcessReplay());
        System.out.println("previous process: " + recorded.size() + " frames replayed byte for byte");
    }

    private GameClient.Context sharedDriverClient(final int port)
    {
        return harness.clientContext(port)
            .embeddedMediaDriver(false)
            .aeronDirectoryName(clientDriver.aeronDirectoryName())
            .connectTimeoutNs(TimeUnit.SECONDS.toNanos(30));
    }

    /**
     * Broadcast events (a keyframe every {@code keyframeEvery}), a couple of milliseconds apart, driving everything.
     */
    private void broadcast(final Room room, final List<Frame> recorded, final int count, final int keyframeEvery)
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[400]);
        final int base = (int)room.lastSeq();
        for (int i = 0; i < count; i++)
        {
            final int n = base + i;
            final int length = 1 + (n * 13) % 400;
            for (int j = 0; j < length; j++)
            {
                payload.putByte(j, (byte)(n * 7 + j));
            }
            final long seq = room.broadcast(100 + n % 7, payload, 0, length);
            assertTrue(seq > 0);
            recorded.add(new Frame("E", seq, 100 + n % 7, 0, bytes(payload, 0, length)));
            if (keyframeEvery > 0 && i % keyframeEvery == keyframeEvery - 1)
            {
                final byte[] state = ("state after " + seq).getBytes();
                assertEquals(seq, room.recordKeyframe(new UnsafeBuffer(state), 0, state.length));
                recorded.add(new Frame("K", seq, 0, 0, state));
            }
            Tests.drive(2, harness::pollAll);
        }
    }

    private static List<Frame> withoutMembership(final List<Frame> frames)
    {
        final List<Frame> out = new ArrayList<>();
        for (final Frame f : frames)
        {
            if ((f.flags & FrameHeaderFlyweight.FLAG_SYSTEM) == 0)
            {
                out.add(f);
            }
        }
        return out;
    }

    private List<Frame> inProcessReplay()
    {
        final AeronArchive archive = launchArchiveOn(archiveDir);
        final RoomRecordings recordings = new RoomRecordings(archive, false, RoomArchive.DEFAULT_RECORDING_CHANNEL,
            RoomRecordings.DEFAULT_REPLAY_CHANNEL, RoomRecordings.DEFAULT_REPLAY_STREAM_ID);
        final LongArrayList ids = recordings.recordingIds(ROOM);
        final List<Frame> frames = new ArrayList<>();
        recordings.replay(ids.getLong(ids.size() - 1), 1, new RoomReplayHandler()
        {
            public void onEvent(
                final long seq, final int typeId, final int flags, final int sender, final long timestampNs,
                final DirectBuffer buffer, final int offset, final int length)
            {
                frames.add(new Frame("E", seq, typeId, flags, bytes(buffer, offset, length)));
            }

            public void onKeyframe(
                final long seq, final long timestampNs, final DirectBuffer buffer, final int offset, final int length)
            {
                frames.add(new Frame("K", seq, 0, 0, bytes(buffer, offset, length)));
            }
        }, TimeUnit.SECONDS.toNanos(30));
        return frames;
    }

    private AeronArchive launchArchiveOn(final File dir)
    {
        final ArchiveOnDirectory archive = ArchiveOnDirectory.launch(dir);
        closeables.add(archive);
        return archive.archive();
    }

    private static byte[] bytes(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return bytes;
    }
}
