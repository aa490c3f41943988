package io.skirmish.directory;

import io.skirmish.directory.protocol.DirectoryResult;
import io.aeron.driver.MediaDriver;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.AgentRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real three-node directory on its snapshot schedule (by log size here) with log purging: the nodes snapshot by
 * themselves, each purges its own archive, and the state survives a full stop and restart from the purged log.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class DirectoryHousekeepingSystemTest
{
    private static final int ROOM = 7;
    private static final int FILLER_ROOMS = 200;
    private static final int SEGMENT = 256 * 1024;

    private final File dir = new File(System.getProperty("java.io.tmpdir"), "skirmish-directory-housekeeping-" +
        System.nanoTime());
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private String nodes;
    private MediaDriver clientDriver;
    private DirectoryCluster cluster;
    private AgentRunner reporterRunner;

    @BeforeEach
    void before()
    {
        nodes = DirectoryCluster.nodes("localhost", DirectoryTests.freeBasePort(3), 3);
        clientDriver = DirectoryTests.clientDriver(new File(dir, "client-driver"));
    }

    @AfterEach
    void after()
    {
        CloseHelper.closeAll(reporterRunner);
        CloseHelper.closeAll(closeables);
        CloseHelper.closeAll(cluster, clientDriver);
        IoUtil.delete(dir, true);
    }

    @Test
    void shouldSnapshotOnItsScheduleAndPurgeTheLogAndKeepItsStateThroughAFullRestart()
    {
        final UnaryOperator<DirectoryNode.Context> housekeeping = (ctx) -> ctx.serverTimeoutMs(60_000)
            .snapshotIntervalNs(0).snapshotLogBytes(3 * SEGMENT / 2).archiveSegmentLength(SEGMENT);
        launchCluster(housekeeping);
        startReporter();
        DirectoryClient client = client(1);
        final RoomStatus status = new RoomStatus();
        DirectoryTests.await(() -> DirectoryResult.OK == client.describe(ROOM, status), 20_000, client::poll,
            () -> "the room server registered and reported room " + ROOM);
        final Seat seat = new Seat();
        final long early = client.requestSeat(ROOM, 2, seat);
        final long confirmed = client.requestSeat(ROOM, 1, seat);
        assertTrue(early > 0 && confirmed > 0);
        assertEquals(DirectoryResult.OK, client.confirm(confirmed));

        // the reporter's reports of 201 rooms every 20 ms grow the log by about 200 KB/s
        final DirectoryClient polled = client;
        DirectoryTests.await(() -> cluster.node(0).snapshotCount() >= 3 && cluster.node(1).snapshotCount() >= 3 &&
            cluster.node(2).snapshotCount() >= 3, 60_000, polled::poll, this::describeNodes);
        reporterRunner.close();
        reporterRunner = null;
        // the log stops growing, so no more snapshots: wait for the purges after the last one (files go async)
        DirectoryTests.await(this::purgedOnEveryNode, 20_000, polled::poll, this::describeNodes);
        long requested = 0;
        for (int i = 0; i < 3; i++)
        {
            final DirectoryNode node = cluster.node(i);
            requested += node.snapshotsRequested();
            final File archive = new File(node.context().baseDir(), "archive");
            final long logId = node.logRecordingId();
            assertFalse(new File(archive, logId + "-0.rec").exists(),
                "node " + i + ": the log's first segment is deleted");
            final long logBytes = recordingBytes(archive, logId + "-");
            final long commit = node.commitPosition();
            assertTrue(logBytes <= commit - node.logPurgedToPosition() + SEGMENT && logBytes < commit,
                "node " + i + " keeps " + logBytes + " bytes of a log of " + commit);
            final long snapshotRecordings = recordings(archive, logId);
            assertTrue(snapshotRecordings <= 4, "node " + i + " after " + node.snapshotCount() +
                " snapshots keeps the recordings of the last two (consensus module and service each): " +
                snapshotRecordings);
            System.out.println("node " + i + ": " + node.snapshotCount() + " snapshots, log " + commit +
                " bytes long, " + logBytes + " kept from " + node.logPurgedToPosition() + ", " + snapshotRecordings +
                " snapshot recordings, " + recordingBytes(archive, "") + " bytes of .rec files");
        }
        assertTrue(requested >= 2, "the leader asked for the snapshots on its schedule: " + describeNodes());
        final long late = client.requestSeat(ROOM, 3, seat);
        assertTrue(late > 0, "a seat that only the log after the last snapshot may hold");

        client.close();
        cluster.close();
        launchCluster((ctx) -> housekeeping.apply(ctx).deleteOnStart(false));
        final DirectoryClient restarted = client(2);

        assertEquals(DirectoryResult.OK, restarted.describe(ROOM, status), "after the restart");
        assertEquals(5, status.reserved(), "2 and 3 reserved, from the snapshot and the log after it: " + status);
        assertEquals(DirectoryResult.OK, restarted.describe(1000 + FILLER_ROOMS - 1, status), "the filler rooms");
        assertEquals(DirectoryResult.OK, restarted.confirm(confirmed), "the confirmed seat is still known");
        assertEquals(DirectoryResult.OK, restarted.confirm(early));
        assertEquals(DirectoryResult.OK, restarted.confirm(late));
        assertTrue(restarted.requestSeat(ROOM, 1, seat) > late, "seat ids continue");
    }

    private boolean purgedOnEveryNode()
    {
        for (int i = 0; i < 3; i++)
        {
            if (cluster.node(i).snapshotCount() < 3 || cluster.node(i).logPurges() < 1 || cluster.node(i).logPurgedToPosition() <= 0 ||
                cluster.node(i).logRecordingId() < 0 ||
                new File(new File(cluster.node(i).context().baseDir(), "archive"),
                cluster.node(i).logRecordingId() + "-0.rec").exists() ||
                recordings(new File(cluster.node(i).context().baseDir(), "archive"), cluster.node(i).logRecordingId()) > 4)
            {
                return false;
            }
        }
        return true;
    }

    private String describeNodes()
    {
        final StringBuilder out = new StringBuilder("every node took snapshots and purged its log:");
        for (int i = 0; i < 3; i++)
        {
            final DirectoryNode node = cluster.node(i);
            out.append(" node ").append(i).append(" snapshots=").append(node.snapshotCount())
                .append(" requested=").append(node.snapshotsRequested()).append(" purges=").append(node.logPurges())
                .append(" purgedTo=").append(node.logPurgedToPosition()).append(" commit=")
                .append(node.commitPosition()).append(';');
        }
        return out.toString();
    }

    private static long recordingBytes(final File archive, final String prefix)
    {
        long total = 0;
        final File[] files = archive.listFiles((d, name) -> name.endsWith(".rec") && name.startsWith(prefix));
        for (final File file : null == files ? new File[0] : files)
        {
            total += file.length();
        }
        return total;
    }

    private static long recordings(final File archive, final long except)
    {
        final File[] files = archive.listFiles((d, name) -> name.endsWith(".rec") && !name.startsWith(except + "-"));
        return null == files ? 0 : java.util.Arrays.stream(files).map((f) -> f.getName().split("-")[0]).distinct()
            .count();
    }

    private void launchCluster(final UnaryOperator<DirectoryNode.Context> customise)
    {
        cluster = DirectoryCluster.launch(3, (i) -> customise.apply(DirectoryTests.nodeContext(nodes, i, dir)));
    }

    private DirectoryClient client(final int backendId)
    {
        final DirectoryClient client = DirectoryClient.connect(new DirectoryClient.Context()
            .nodes(nodes)
            .aeronDirectoryName(clientDriver.aeronDirectoryName())
            .backendId(backendId)
            .connectTimeoutNs(TimeUnit.SECONDS.toNanos(20))
            .requestTimeoutNs(TimeUnit.SECONDS.toNanos(20))
            .idleStrategy(DirectoryTests.idle()));
        closeables.add(client);
        return client;
    }

    private void startReporter()
    {
        final DirectoryReporter reporter = DirectoryReporter.launch(new DirectoryReporter.Context()
            .nodes(nodes)
            .aeronDirectoryName(clientDriver.aeronDirectoryName())
            .serverId(1)
            .publicAddress("game1.example.com:40123")
            .capacity(100_000)
            .reportIntervalNs(TimeUnit.MILLISECONDS.toNanos(20))
            .connectTimeoutNs(TimeUnit.SECONDS.toNanos(20)));
        reporter.room(ROOM, 1, 0, 1_000);
        for (int i = 0; i < FILLER_ROOMS; i++)
        {
            reporter.room(1000 + i, 2, 0, 10);
        }
        reporterRunner = new AgentRunner(DirectoryTests.idle(), Throwable::printStackTrace, null, reporter);
        AgentRunner.startOnThread(reporterRunner);
    }
}
