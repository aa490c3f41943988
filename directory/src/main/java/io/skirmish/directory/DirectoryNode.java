package io.skirmish.directory;

import io.skirmish.directory.service.DirectoryAuthenticator;
import io.skirmish.directory.service.DirectoryCounter;
import io.skirmish.directory.service.DirectoryService;
import io.skirmish.engine.EngineException;
import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.Counter;
import io.aeron.archive.Archive;
import io.aeron.archive.ArchiveThreadingMode;
import io.aeron.archive.client.AeronArchive;
import io.aeron.cluster.ClusterControl;
import io.aeron.cluster.ClusteredMediaDriver;
import io.aeron.cluster.ConsensusModule;
import io.aeron.cluster.service.Cluster;
import io.aeron.cluster.service.ClusteredServiceContainer;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NoOpLock;
import org.agrona.concurrent.ShutdownSignalBarrier;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One node of the directory cluster: a media driver, an archive and a consensus module
 * ({@link ClusteredMediaDriver}), and a service container running the {@link DirectoryService}. Three nodes make a
 * directory that survives the loss of any one, the leader included. Run one per process with
 * {@code DirectoryNode --node N --nodes host:port,host:port,host:port}, or all in one process for development with
 * {@link DirectoryCluster}.
 * <p>
 * Each node takes five UDP ports from the base port its entry in {@link Context#nodes()} names: ingress (port),
 * consensus (port + 1), log (port + 2), catch-up (port + 3) and archive control (port + 4).
 */
public final class DirectoryNode implements AutoCloseable
{
    /** Snapshots go to the archive over IPC with small terms (Aeron's default is 64 MiB, a segment file each). */
    static final String SNAPSHOT_CHANNEL = "aeron:ipc?alias=snapshot|term-length=256k";

    private final Context ctx;
    private final ClusteredMediaDriver driver;
    private final ClusteredServiceContainer container;
    private final Aeron aeron;
    private final Counter[] nodeCounters = new Counter[DirectoryCounter.values().length];
    private final NodeHousekeeper housekeeper;
    private final AgentRunner housekeeperRunner;

    private DirectoryNode(final Context ctx)
    {
        this.ctx = ctx;
        final String host = ctx.host(ctx.nodeId);
        final int port = ctx.port(ctx.nodeId);
        final String aeronDir = ctx.aeronDirectoryName;
        final MediaDriver.Context driverCtx = new MediaDriver.Context()
            .aeronDirectoryName(aeronDir)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(ctx.idleStrategySupplier.get())
            .termBufferSparseFile(true)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .errorHandler(ctx.errorHandler);
        final Archive.Context archiveCtx = new Archive.Context()
            .aeronDirectoryName(aeronDir)
            .archiveDir(new File(ctx.baseDir, "archive"))
            .controlChannel("aeron:udp?endpoint=" + host + ":" + (port + 4))
            .localControlChannel("aeron:ipc?term-length=64k")
            .replicationChannel("aeron:udp?endpoint=" + host + ":0")
            .archiveClientContext(new AeronArchive.Context().controlResponseChannel("aeron:udp?endpoint=" + host + ":0"))
            .recordingEventsEnabled(false)
            .threadingMode(ArchiveThreadingMode.SHARED)
            .idleStrategySupplier(ctx.idleStrategySupplier)
            .deleteArchiveOnStart(ctx.deleteOnStart)
            .segmentFileLength(ctx.archiveSegmentLength)
            .errorHandler(ctx.errorHandler);
        final AeronArchive.Context localArchive = new AeronArchive.Context()
            .lock(NoOpLock.INSTANCE)
            .controlRequestChannel(archiveCtx.localControlChannel())
            .controlResponseChannel(archiveCtx.localControlChannel())
            .aeronDirectoryName(aeronDir);
        final File clusterDir = new File(ctx.baseDir, "cluster");
        final ConsensusModule.Context consensusCtx = new ConsensusModule.Context()
            .clusterMemberId(ctx.nodeId)
            .clusterMembers(ctx.clusterMembers())
            .clusterDir(clusterDir)
            .ingressChannel("aeron:udp?term-length=128k")
            .logChannel("aeron:udp?term-length=256k")
            .snapshotChannel(SNAPSHOT_CHANNEL)
            .replicationChannel("aeron:udp?endpoint=" + host + ":0")
            .archiveContext(localArchive.clone())
            .leaderHeartbeatTimeoutNs(ctx.leaderHeartbeatTimeoutNs)
            .leaderHeartbeatIntervalNs(ctx.leaderHeartbeatTimeoutNs / 10)
            .electionTimeoutNs(ctx.electionTimeoutNs)
            .startupCanvassTimeoutNs(ctx.startupCanvassTimeoutNs)
            .sessionTimeoutNs(ctx.sessionTimeoutNs)
            .idleStrategySupplier(ctx.idleStrategySupplier)
            .deleteDirOnStart(ctx.deleteOnStart)
            .errorHandler(ctx.errorHandler);
        DirectoryAuthenticator.Supplier authenticator = null;
        if (null != ctx.backendSecret || null != ctx.serverSecret)
        {
            authenticator = new DirectoryAuthenticator.Supplier(ctx.backendSecret, ctx.serverSecret);
            consensusCtx.authenticatorSupplier(authenticator);
        }
        final ClusteredServiceContainer.Context containerCtx = new ClusteredServiceContainer.Context()
            .aeronDirectoryName(aeronDir)
            .archiveContext(localArchive.clone())
            .clusterDir(clusterDir)
            .snapshotChannel(SNAPSHOT_CHANNEL)
            .clusteredService(new DirectoryService(ctx.defaultSeatTtlMs, ctx.maxSeatTtlMs, ctx.serverTimeoutMs,
                ctx.placementTimeoutMs, ctx.deadServerRetentionMs))
            .idleStrategySupplier(ctx.idleStrategySupplier)
            .errorHandler(ctx.errorHandler);
        ClusteredMediaDriver launchedDriver = null;
        ClusteredServiceContainer launchedContainer = null;
        Aeron launchedAeron = null;
        try
        {
            launchedDriver = ClusteredMediaDriver.launch(driverCtx, archiveCtx, consensusCtx);
            launchedContainer = ClusteredServiceContainer.launch(containerCtx);
            launchedAeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir)
                .errorHandler(ctx.errorHandler));
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(launchedAeron, launchedContainer, launchedDriver);
            throw ex;
        }
        driver = launchedDriver;
        container = launchedContainer;
        aeron = launchedAeron;
        for (final DirectoryCounter counter : DirectoryCounter.values())
        {
            if (counter.isNodeCounter())
            {
                nodeCounters[counter.ordinal()] = aeron.addCounter(
                    counter.typeId(), counter.label() + " node=" + ctx.nodeId);
            }
        }
        if (null != authenticator)
        {
            authenticator.refusedCounter(nodeCounters[DirectoryCounter.CONNECTIONS_REFUSED.ordinal()]);
        }
        final ConsensusModule.Context cm = driver.consensusModule().context();
        housekeeper = new NodeHousekeeper(ctx, clusterDir, aeron, localArchive.clone(), cm.clusterNodeRoleCounter(),
            cm.controlToggleCounter(), cm.snapshotCounter(), cm.commitPositionCounter(),
            nodeCounters[DirectoryCounter.SNAPSHOTS_REQUESTED.ordinal()],
            nodeCounters[DirectoryCounter.LOG_PURGES.ordinal()]);
        housekeeperRunner = new AgentRunner(new SleepingMillisIdleStrategy(NodeHousekeeper.CHECK_INTERVAL_MS / 5),
            ctx.errorHandler, null, housekeeper);
        AgentRunner.startOnThread(housekeeperRunner);
    }

    /**
     * Launch a node.
     *
     * @param ctx its settings, concluded here.
     * @return the running node.
     */
    public static DirectoryNode launch(final Context ctx)
    {
        ctx.conclude();
        return new DirectoryNode(ctx);
    }

    /**
     * @return the concluded settings.
     */
    public Context context()
    {
        return ctx;
    }

    /**
     * @return this node's id.
     */
    public int nodeId()
    {
        return ctx.nodeId;
    }

    /**
     * @return true while this node is the cluster's leader.
     */
    public boolean isLeader()
    {
        return Cluster.Role.LEADER.code() == driver.consensusModule().context().clusterNodeRoleCounter().get();
    }

    /**
     * Ask for a snapshot of the whole cluster. Only the leader acts on it.
     *
     * @return true when this node is the leader and took the request.
     */
    public boolean takeSnapshot()
    {
        return isLeader() &&
            ClusterControl.ToggleState.SNAPSHOT.toggle(driver.consensusModule().context().controlToggleCounter());
    }

    /**
     * @return snapshots this node has taken since it started.
     */
    public long snapshotCount()
    {
        return driver.consensusModule().context().snapshotCounter().get();
    }

    /**
     * @return snapshots this node asked the cluster for on its schedule ({@link Context#snapshotIntervalNs},
     *         {@link Context#snapshotLogBytes}).
     */
    public long snapshotsRequested()
    {
        return nodeCounters[DirectoryCounter.SNAPSHOTS_REQUESTED.ordinal()].get();
    }

    /**
     * @return purges of this node's log after its snapshots.
     */
    public long logPurges()
    {
        return nodeCounters[DirectoryCounter.LOG_PURGES.ordinal()].get();
    }

    /**
     * @return where this node's log now starts after its last purge (0 before one).
     */
    public long logPurgedToPosition()
    {
        return housekeeper.logPurgedToPosition();
    }

    /**
     * @return the archive recording id of this node's log, once a purge looked it up, else -1.
     */
    public long logRecordingId()
    {
        return housekeeper.logRecordingId();
    }

    /**
     * @return connections the authenticator refused while this node led.
     */
    public long connectionsRefused()
    {
        return nodeCounters[DirectoryCounter.CONNECTIONS_REFUSED.ordinal()].get();
    }

    /**
     * @return the log position this node has committed to.
     */
    public long commitPosition()
    {
        return driver.consensusModule().context().commitPositionCounter().get();
    }

    /**
     * Stop the node (its directories stay unless it was launched with {@link Context#deleteOnStart(boolean)}, and are
     * used again by a node launched on them: it recovers from its snapshot and log).
     */
    public void close()
    {
        CloseHelper.closeAll(housekeeperRunner);
        CloseHelper.closeAll(nodeCounters);
        CloseHelper.closeAll(aeron, container, driver);
    }

    /**
     * Run one node until SIGINT or SIGTERM: {@code --node N --nodes host:port,host:port,host:port [--dir path]
     * [--aeron-dir path] [--clean]}; timeouts from the {@link Configuration} system properties.
     *
     * @param args the command line.
     */
    public static void main(final String[] args)
    {
        final Context ctx = new Context();
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--node" -> ctx.nodeId(Integer.parseInt(args[++i]));
                case "--nodes" -> ctx.nodes(args[++i]);
                case "--dir" -> ctx.baseDir(new File(args[++i]));
                case "--aeron-dir" -> ctx.aeronDirectoryName(args[++i]);
                case "--clean" -> ctx.deleteOnStart(true);
                default -> throw new IllegalArgumentException(
                    "usage: DirectoryNode --node N --nodes host:port,host:port,host:port [--dir path] [--aeron-dir path] [--clean]");
            }
        }
        final String backendSecret = System.getenv(Configuration.BACKEND_SECRET_ENV);
        final String serverSecret = System.getenv(Configuration.SERVER_SECRET_ENV);
        if (null != backendSecret || null != serverSecret)
        {
            ctx.backendSecret(null == backendSecret ? null : backendSecret.getBytes(StandardCharsets.UTF_8))
                .serverSecret(null == serverSecret ? null : serverSecret.getBytes(StandardCharsets.UTF_8));
        }
        try (ShutdownSignalBarrier barrier = new ShutdownSignalBarrier(); DirectoryNode node = launch(ctx))
        {
            System.out.println("directory node " + node.nodeId() + " up, nodes=" + ctx.nodes() + " dir=" +
                ctx.baseDir().getAbsolutePath());
            barrier.await();
        }
    }

    /**
     * Defaults of the {@link Context}, from system properties where named.
     */
    public static final class Configuration
    {
        /** Leader heartbeat timeout in ms: a leader not heard from for this long is replaced. */
        public static final String LEADER_HEARTBEAT_TIMEOUT_MS_PROP_NAME = "skirmish.directory.leaderHeartbeatTimeoutMs";
        /** Election timeout in ms. */
        public static final String ELECTION_TIMEOUT_MS_PROP_NAME = "skirmish.directory.electionTimeoutMs";
        /** Room server timeout in ms: a server not heard from for this long is marked dead. */
        public static final String SERVER_TIMEOUT_MS_PROP_NAME = "skirmish.directory.serverTimeoutMs";
        /** Default seat TTL in ms. */
        public static final String SEAT_TTL_MS_PROP_NAME = "skirmish.directory.seatTtlMs";
        /** Most seconds between snapshots of a log that moved, 0 for none. */
        public static final String SNAPSHOT_INTERVAL_S_PROP_NAME = "skirmish.directory.snapshotIntervalS";
        /** Environment variable with the backends' shared secret (UTF-8), read by {@link DirectoryNode#main}. */
        public static final String BACKEND_SECRET_ENV = "SKIRMISH_DIRECTORY_BACKEND_SECRET";
        /** Environment variable with the room servers' shared secret (UTF-8), read by {@link DirectoryNode#main}. */
        public static final String SERVER_SECRET_ENV = "SKIRMISH_DIRECTORY_SERVER_SECRET";

        private Configuration()
        {
        }

        static long ms(final String name, final long defaultMs)
        {
            return Long.getLong(name, defaultMs);
        }
    }

    /**
     * Settings of a node, fluent, concluded once by {@link #launch(Context)}. Every node of a cluster must have the
     * same {@link #nodes}, seat TTLs, server timeout, placement timeout, dead server retention (they shape the replicated
     * state) and secrets.
     */
    public static final class Context
    {
        private boolean concluded;
        private int nodeId = -1;
        private String nodes;
        private String[] hosts;
        private int[] ports;
        private File baseDir;
        private String aeronDirectoryName;
        private boolean deleteOnStart;
        private long leaderHeartbeatTimeoutNs = TimeUnit.MILLISECONDS.toNanos(
            Configuration.ms(Configuration.LEADER_HEARTBEAT_TIMEOUT_MS_PROP_NAME, 2_000));
        private long electionTimeoutNs = TimeUnit.MILLISECONDS.toNanos(
            Configuration.ms(Configuration.ELECTION_TIMEOUT_MS_PROP_NAME, 1_000));
        private long startupCanvassTimeoutNs = TimeUnit.SECONDS.toNanos(10);
        private long sessionTimeoutNs = TimeUnit.SECONDS.toNanos(10);
        private long defaultSeatTtlMs = Configuration.ms(Configuration.SEAT_TTL_MS_PROP_NAME, 30_000);
        private long maxSeatTtlMs = 300_000;
        private long serverTimeoutMs = Configuration.ms(Configuration.SERVER_TIMEOUT_MS_PROP_NAME, 5_000);
        private long placementTimeoutMs = 30_000;
        private long snapshotIntervalNs = TimeUnit.SECONDS.toNanos(
            Configuration.ms(Configuration.SNAPSHOT_INTERVAL_S_PROP_NAME, 600));
        private long snapshotLogBytes = 64L * 1024 * 1024;
        private boolean purgeLog = true;
        private int archiveSegmentLength = 16 * 1024 * 1024;
        private byte[] backendSecret;
        private byte[] serverSecret;
        private long deadServerRetentionMs = 60_000;
        private Supplier<IdleStrategy> idleStrategySupplier =
            () -> new BackoffIdleStrategy(10, 10, TimeUnit.MICROSECONDS.toNanos(10), TimeUnit.MILLISECONDS.toNanos(1));
        private ErrorHandler errorHandler = (ex) -> ex.printStackTrace();

        /**
         * Fill defaults and check; once.
         *
         * @return this.
         */
        public Context conclude()
        {
            if (concluded)
            {
                throw new IllegalStateException("DirectoryNode.Context already concluded");
            }
            concluded = true;
            if (null == nodes)
            {
                throw new EngineException("DirectoryNode.Context: nodes not set", EngineException.Category.FATAL);
            }
            final String[] entries = nodes.split(",");
            hosts = new String[entries.length];
            ports = new int[entries.length];
            for (int i = 0; i < entries.length; i++)
            {
                final int colon = entries[i].lastIndexOf(':');
                hosts[i] = entries[i].substring(0, colon).trim();
                ports[i] = Integer.parseInt(entries[i].substring(colon + 1).trim());
            }
            if (nodeId < 0 || nodeId >= entries.length)
            {
                throw new EngineException("DirectoryNode.Context: nodeId " + nodeId + " not in nodes " + nodes,
                    EngineException.Category.FATAL);
            }
            if (null == baseDir)
            {
                baseDir = new File(System.getProperty("java.io.tmpdir"), "skirmish-directory-" + nodeId);
            }
            if (archiveSegmentLength < 256 * 1024 || Integer.bitCount(archiveSegmentLength) != 1)
            {
                throw new EngineException("DirectoryNode.Context: archiveSegmentLength " + archiveSegmentLength +
                    " is not a power of two of at least 256 KiB (the log's term length)", EngineException.Category.FATAL);
            }
            if (null == aeronDirectoryName)
            {
                aeronDirectoryName = CommonContext.getAeronDirectoryName() + "-directory-" + ports[nodeId];
            }
            return this;
        }

        String host(final int node)
        {
            return hosts[node];
        }

        int port(final int node)
        {
            return ports[node];
        }

        String clusterMembers()
        {
            final StringBuilder members = new StringBuilder();
            for (int i = 0; i < hosts.length; i++)
            {
                final String h = hosts[i] + ":";
                members.append(i).append(',').append(h).append(ports[i]).append(',').append(h).append(ports[i] + 1)
                    .append(',').append(h).append(ports[i] + 2).append(',').append(h).append(ports[i] + 3)
                    .append(',').append(h).append(ports[i] + 4).append(i < hosts.length - 1 ? "|" : "");
            }
            return members.toString();
        }

        /**
         * @param nodeId this node's index in {@link #nodes()}, from 0.
         * @return this for a fluent API.
         */
        public Context nodeId(final int nodeId)
        {
            this.nodeId = nodeId;
            return this;
        }

        /**
         * @return this node's index.
         */
        public int nodeId()
        {
            return nodeId;
        }

        /**
         * @param nodes every node's {@code host:basePort}, comma-separated, in node id order; the same string on
         *              every node and in {@link DirectoryClient.Context#nodes(String)}.
         * @return this for a fluent API.
         */
        public Context nodes(final String nodes)
        {
            this.nodes = nodes;
            return this;
        }

        /**
         * @return the nodes.
         */
        public String nodes()
        {
            return nodes;
        }

        /**
         * @param baseDir where the node keeps its archive (log and snapshots) and cluster files; default
         *                {@code java.io.tmpdir/skirmish-directory-N}.
         * @return this for a fluent API.
         */
        public Context baseDir(final File baseDir)
        {
            this.baseDir = baseDir;
            return this;
        }

        /**
         * @return the base directory.
         */
        public File baseDir()
        {
            return baseDir;
        }

        /**
         * @param aeronDirectoryName the node's media driver directory; default Aeron's default with
         *                           {@code -directory-<port>} appended.
         * @return this for a fluent API.
         */
        public Context aeronDirectoryName(final String aeronDirectoryName)
        {
            this.aeronDirectoryName = aeronDirectoryName;
            return this;
        }

        /**
         * @return the media driver directory.
         */
        public String aeronDirectoryName()
        {
            return aeronDirectoryName;
        }

        /**
         * @param deleteOnStart start empty, deleting the node's log, snapshots and cluster files; default false
         *                      (recover).
         * @return this for a fluent API.
         */
        public Context deleteOnStart(final boolean deleteOnStart)
        {
            this.deleteOnStart = deleteOnStart;
            return this;
        }

        /**
         * @return whether it starts empty.
         */
        public boolean deleteOnStart()
        {
            return deleteOnStart;
        }

        /**
         * @param leaderHeartbeatTimeoutNs a leader not heard from for this long is replaced by an election; default
         *                                 2 s (Aeron's is 10 s), heartbeats every tenth of it.
         * @return this for a fluent API.
         */
        public Context leaderHeartbeatTimeoutNs(final long leaderHeartbeatTimeoutNs)
        {
            this.leaderHeartbeatTimeoutNs = leaderHeartbeatTimeoutNs;
            return this;
        }

        /**
         * @return the leader heartbeat timeout.
         */
        public long leaderHeartbeatTimeoutNs()
        {
            return leaderHeartbeatTimeoutNs;
        }

        /**
         * @param electionTimeoutNs how long an election phase waits for votes; default 1 s.
         * @return this for a fluent API.
         */
        public Context electionTimeoutNs(final long electionTimeoutNs)
        {
            this.electionTimeoutNs = electionTimeoutNs;
            return this;
        }

        /**
         * @return the election timeout.
         */
        public long electionTimeoutNs()
        {
            return electionTimeoutNs;
        }

        /**
         * @param startupCanvassTimeoutNs how long a starting node waits to hear from the others before it stands
         *                                for election with those it heard from; default 10 s.
         * @return this for a fluent API.
         */
        public Context startupCanvassTimeoutNs(final long startupCanvassTimeoutNs)
        {
            this.startupCanvassTimeoutNs = startupCanvassTimeoutNs;
            return this;
        }

        /**
         * @return the startup canvass timeout.
         */
        public long startupCanvassTimeoutNs()
        {
            return startupCanvassTimeoutNs;
        }

        /**
         * @param sessionTimeoutNs a client (backend or room server) session not heard from for this long is closed;
         *                         default 10 s. Clients send keep-alives from their poll.
         * @return this for a fluent API.
         */
        public Context sessionTimeoutNs(final long sessionTimeoutNs)
        {
            this.sessionTimeoutNs = sessionTimeoutNs;
            return this;
        }

        /**
         * @return the session timeout.
         */
        public long sessionTimeoutNs()
        {
            return sessionTimeoutNs;
        }

        /**
         * @param defaultSeatTtlMs how long a seat is held unconfirmed when its request names no TTL; default 30 s.
         * @return this for a fluent API.
         */
        public Context defaultSeatTtlMs(final long defaultSeatTtlMs)
        {
            this.defaultSeatTtlMs = defaultSeatTtlMs;
            return this;
        }

        /**
         * @return the default seat TTL.
         */
        public long defaultSeatTtlMs()
        {
            return defaultSeatTtlMs;
        }

        /**
         * @param maxSeatTtlMs the longest TTL a request gets; default 5 min.
         * @return this for a fluent API.
         */
        public Context maxSeatTtlMs(final long maxSeatTtlMs)
        {
            this.maxSeatTtlMs = maxSeatTtlMs;
            return this;
        }

        /**
         * @return the longest seat TTL.
         */
        public long maxSeatTtlMs()
        {
            return maxSeatTtlMs;
        }

        /**
         * @param serverTimeoutMs a room server with no report or heartbeat for this long is marked dead; default 5 s
         *                        (five missed reports at the reporter's default 1 s interval).
         * @return this for a fluent API.
         */
        public Context serverTimeoutMs(final long serverTimeoutMs)
        {
            this.serverTimeoutMs = serverTimeoutMs;
            return this;
        }

        /**
         * @return the server timeout.
         */
        public long serverTimeoutMs()
        {
            return serverTimeoutMs;
        }

        /**
         * @param placementTimeoutMs a room placed by ticket that its server has not reported this long after the
         *                           placement (the server never created it) is removed, with its seats; default 30 s.
         *                           Rooms re-placed from a dead server are not removed this way.
         * @return this for a fluent API.
         */
        public Context placementTimeoutMs(final long placementTimeoutMs)
        {
            this.placementTimeoutMs = placementTimeoutMs;
            return this;
        }

        /**
         * @return the placement timeout.
         */
        public long placementTimeoutMs()
        {
            return placementTimeoutMs;
        }

        /**
         * @param deadServerRetentionMs a dead server's rooms that are not durable (gone with its process) are removed
         *                              this long after it was marked dead, and the server itself once it has no rooms
         *                              left; until then seat requests for them are answered SERVER_DEAD; default 60 s.
         * @return this for a fluent API.
         */
        public Context deadServerRetentionMs(final long deadServerRetentionMs)
        {
            this.deadServerRetentionMs = deadServerRetentionMs;
            return this;
        }

        /**
         * @return the dead server retention.
         */
        public long deadServerRetentionMs()
        {
            return deadServerRetentionMs;
        }

        /**
         * @param snapshotIntervalNs while this node leads, it asks for a snapshot once this long has passed since the
         *                           last one and the log has moved on; 0 for no time trigger; default 10 min
         *                           ({@code skirmish.directory.snapshotIntervalS}).
         * @return this for a fluent API.
         */
        public Context snapshotIntervalNs(final long snapshotIntervalNs)
        {
            this.snapshotIntervalNs = snapshotIntervalNs;
            return this;
        }

        /**
         * @return the snapshot interval.
         */
        public long snapshotIntervalNs()
        {
            return snapshotIntervalNs;
        }

        /**
         * @param snapshotLogBytes while this node leads, it asks for a snapshot once the log has grown by this much
         *                         since the last one; 0 for no size trigger; default 64 MiB.
         * @return this for a fluent API.
         */
        public Context snapshotLogBytes(final long snapshotLogBytes)
        {
            this.snapshotLogBytes = snapshotLogBytes;
            return this;
        }

        /**
         * @return the log bytes between snapshots.
         */
        public long snapshotLogBytes()
        {
            return snapshotLogBytes;
        }

        /**
         * @param purgeLog after each snapshot, delete this node's log segments before the previous snapshot and the
         *                 snapshots older than it; default true. A node that was away for longer than one snapshot
         *                 interval cannot catch up from the leader's log then: copy a peer's directory to it.
         * @return this for a fluent API.
         */
        public Context purgeLog(final boolean purgeLog)
        {
            this.purgeLog = purgeLog;
            return this;
        }

        /**
         * @return whether the log is purged after snapshots.
         */
        public boolean purgeLog()
        {
            return purgeLog;
        }

        /**
         * @param archiveSegmentLength length of the archive's segment files, the unit the log is purged in: a power
         *                             of two, at least 256 KiB (the log's term length); default 16 MiB.
         * @return this for a fluent API.
         */
        public Context archiveSegmentLength(final int archiveSegmentLength)
        {
            this.archiveSegmentLength = archiveSegmentLength;
            return this;
        }

        /**
         * @return the archive segment length.
         */
        public int archiveSegmentLength()
        {
            return archiveSegmentLength;
        }

        /**
         * @param backendSecret the game backends' shared secret; with it (or a server secret) set, every session must
         *                      authenticate (a challenge answered with HMAC-SHA256 of its role's secret) and may only
         *                      make its role's requests; default none: no authentication, every request allowed.
         *                      Every node must have the same secrets ({@code SKIRMISH_DIRECTORY_BACKEND_SECRET} for
         *                      {@link DirectoryNode#main}).
         * @return this for a fluent API.
         */
        public Context backendSecret(final byte[] backendSecret)
        {
            this.backendSecret = null == backendSecret ? null : backendSecret.clone();
            return this;
        }

        /**
         * @return the backends' secret, null for none.
         */
        public byte[] backendSecret()
        {
            return backendSecret;
        }

        /**
         * @param serverSecret the room servers' shared secret, see {@link #backendSecret(byte[])}
         *                     ({@code SKIRMISH_DIRECTORY_SERVER_SECRET} for {@link DirectoryNode#main}).
         * @return this for a fluent API.
         */
        public Context serverSecret(final byte[] serverSecret)
        {
            this.serverSecret = null == serverSecret ? null : serverSecret.clone();
            return this;
        }

        /**
         * @return the room servers' secret, null for none.
         */
        public byte[] serverSecret()
        {
            return serverSecret;
        }

        /**
         * @param idleStrategySupplier idle strategy of every agent of the node (driver, archive, consensus module,
         *                             service); default a backoff to 1 ms parks, so an idle node costs little CPU.
         * @return this for a fluent API.
         */
        public Context idleStrategySupplier(final Supplier<IdleStrategy> idleStrategySupplier)
        {
            this.idleStrategySupplier = idleStrategySupplier;
            return this;
        }

        /**
         * @return the idle strategy supplier.
         */
        public Supplier<IdleStrategy> idleStrategySupplier()
        {
            return idleStrategySupplier;
        }

        /**
         * @param errorHandler for errors of every part of the node; default prints the stack trace.
         * @return this for a fluent API.
         */
        public Context errorHandler(final ErrorHandler errorHandler)
        {
            this.errorHandler = errorHandler;
            return this;
        }

        /**
         * @return the error handler.
         */
        public ErrorHandler errorHandler()
        {
            return errorHandler;
        }
    }
}
