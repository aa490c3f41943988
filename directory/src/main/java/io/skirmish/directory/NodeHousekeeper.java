package io.skirmish.directory;

import io.aeron.Aeron;
import io.aeron.Counter;
import io.aeron.archive.client.AeronArchive;
import io.aeron.archive.client.ArchiveException;
import io.aeron.cluster.ClusterControl;
import io.aeron.cluster.RecordingLog;
import io.aeron.cluster.service.Cluster;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.collections.LongHashSet;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.File;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * A node's housekeeping, on a thread of its own that wakes every {@value #CHECK_INTERVAL_MS} ms:
 * <ul>
 *     <li><b>Snapshot schedule.</b> While the node leads, it asks the cluster for a snapshot (the consensus module's
 *     control toggle, as {@code ClusterTool snapshot} does) when its {@link SnapshotSchedule} is due: every
 *     {@link DirectoryNode.Context#snapshotIntervalNs()} of a log that moved, or every
 *     {@link DirectoryNode.Context#snapshotLogBytes()} of log. Every node then takes its snapshot at the same log
 *     position.</li>
 *     <li><b>Log purge.</b> After each snapshot of this node (when {@link DirectoryNode.Context#purgeLog()}), it
 *     reads the node's recording log and, in its own archive, deletes the log's segments before the
 *     <em>previous</em> snapshot and the recordings of snapshots older than that one. One snapshot interval of log
 *     is kept, so a follower that fell behind by less than that still catches up from the leader's log, and the
 *     previous snapshot is still there if the latest is invalidated.</li>
 * </ul>
 * Nothing here touches the replicated state: a snapshot request is the cluster's own, and the purge only deletes what
 * recovery from the latest snapshot does not read. Not thread safe: the housekeeper's thread.
 */
final class NodeHousekeeper implements Agent
{
    static final long CHECK_INTERVAL_MS = 50;
    private static final long REQUEST_BACKOFF_NS = TimeUnit.SECONDS.toNanos(1);

    private final DirectoryNode.Context ctx;
    private final File clusterDir;
    private final Aeron aeron;
    private final AeronArchive.Context archiveContext;
    private final Counter roleCounter;
    private final AtomicCounter controlToggle;
    private final Counter snapshotCounter;
    private final Counter commitPosition;
    private final Counter snapshotsRequested;
    private final Counter logPurges;
    private final ErrorHandler errorHandler;
    private final LongHashSet purgedSnapshots = new LongHashSet();
    private final long[] descriptor = new long[3];
    private SnapshotSchedule schedule;
    private AeronArchive archive;
    private long nextCheckNs;
    private long nextRequestNs;
    private long lastSnapshots;
    private volatile long logRecordingId = -1;
    private volatile long logPurgedToPosition;

    NodeHousekeeper(
        final DirectoryNode.Context ctx, final File clusterDir, final Aeron aeron,
        final AeronArchive.Context archiveContext, final Counter roleCounter, final AtomicCounter controlToggle,
        final Counter snapshotCounter, final Counter commitPosition, final Counter snapshotsRequested,
        final Counter logPurges)
    {
        this.ctx = ctx;
        this.clusterDir = clusterDir;
        this.aeron = aeron;
        this.archiveContext = archiveContext;
        this.roleCounter = roleCounter;
        this.controlToggle = controlToggle;
        this.snapshotCounter = snapshotCounter;
        this.commitPosition = commitPosition;
        this.snapshotsRequested = snapshotsRequested;
        this.logPurges = logPurges;
        this.errorHandler = ctx.errorHandler();
        this.lastSnapshots = snapshotCounter.get();
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        final long nowNs = System.nanoTime();
        if (nowNs - nextCheckNs < 0)
        {
            return 0;
        }
        nextCheckNs = nowNs + TimeUnit.MILLISECONDS.toNanos(CHECK_INTERVAL_MS);
        final long position = commitPosition.get();
        if (null == schedule)
        {
            schedule = new SnapshotSchedule(ctx.snapshotIntervalNs(), ctx.snapshotLogBytes(), nowNs, position);
        }
        final long snapshots = snapshotCounter.get();
        if (snapshots != lastSnapshots)
        {
            lastSnapshots = snapshots;
            schedule.onSnapshot(nowNs, position);
            if (ctx.purgeLog())
            {
                purge();
            }
            return 1;
        }
        if (Cluster.Role.LEADER.code() == roleCounter.get() && nowNs - nextRequestNs >= 0 &&
            schedule.isDue(nowNs, position))
        {
            nextRequestNs = nowNs + REQUEST_BACKOFF_NS;
            if (ClusterControl.ToggleState.SNAPSHOT.toggle(controlToggle))
            {
                snapshotsRequested.increment();
                return 1;
            }
        }
        return 0;
    }

    /**
     * Delete, in this node's archive, the log before the previous snapshot and the snapshots older than it.
     */
    void purge()
    {
        try (RecordingLog recordingLog = new RecordingLog(clusterDir, false))
        {
            final List<RecordingLog.Entry> entries = recordingLog.entries();
            final TreeSet<Long> positions = new TreeSet<>();
            for (final RecordingLog.Entry entry : entries)
            {
                if (RecordingLog.ENTRY_TYPE_SNAPSHOT == entry.type && entry.isValid)
                {
                    positions.add(entry.logPosition);
                }
            }
            if (positions.size() < 2)
            {
                return;
            }
            final long keepFrom = positions.lower(positions.last());
            final AeronArchive archive = archive();
            for (final RecordingLog.Entry entry : entries)
            {
                if (RecordingLog.ENTRY_TYPE_SNAPSHOT == entry.type && entry.logPosition < keepFrom &&
                    purgedSnapshots.add(entry.recordingId))
                {
                    try
                    {
                        archive.purgeRecording(entry.recordingId);
                    }
                    catch (final ArchiveException ex)
                    {
                        // already gone (purged before a restart of this node): nothing to do
                    }
                }
            }
            final long recordingId = recordingLog.findLastTermRecordingId();
            if (recordingId < 0 || 0 == archive.listRecording(recordingId,
                (controlSessionId, correlationId, id, startTimestamp, stopTimestamp, startPosition, stopPosition,
                initialTermId, segmentFileLength, termBufferLength, mtuLength, sessionId, streamId, strippedChannel,
                originalChannel, sourceIdentity) ->
                {
                    descriptor[0] = startPosition;
                    descriptor[1] = segmentFileLength;
                    descriptor[2] = termBufferLength;
                }))
            {
                return;
            }
            logRecordingId = recordingId;
            final long startPosition = descriptor[0];
            final long newStart = AeronArchive.segmentFileBasePosition(
                startPosition, keepFrom, (int)descriptor[2], (int)descriptor[1]);
            if (newStart > startPosition)
            {
                archive.purgeSegments(recordingId, newStart);
                logPurgedToPosition = newStart;
                logPurges.increment();
            }
        }
        catch (final RuntimeException ex)
        {
            // tried again after the next snapshot, with a new archive client
            CloseHelper.quietClose(archive);
            archive = null;
            errorHandler.onError(ex);
        }
    }

    private AeronArchive archive()
    {
        if (null == archive)
        {
            archive = AeronArchive.connect(archiveContext.clone().aeron(aeron).ownsAeronClient(false));
        }
        return archive;
    }

    /**
     * @return the archive's recording id of the log, once a purge looked it up, else -1.
     */
    long logRecordingId()
    {
        return logRecordingId;
    }

    /**
     * @return the position the log was last purged to (its new start), 0 before the first purge.
     */
    long logPurgedToPosition()
    {
        return logPurgedToPosition;
    }

    /**
     * {@inheritDoc}
     */
    public void onClose()
    {
        CloseHelper.quietClose(archive);
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return "directory-housekeeper-" + ctx.nodeId();
    }
}
