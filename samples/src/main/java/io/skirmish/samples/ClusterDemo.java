package io.skirmish.samples;

import io.aeron.CommonContext;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.skirmish.directory.DirectoryClient;
import io.skirmish.directory.RoomStatus;
import io.skirmish.directory.Seat;
import io.skirmish.directory.protocol.DirectoryResult;
import io.skirmish.engine.security.ConnectTokens;
import io.skirmish.samples.arena.ArenaProtocol;
import io.skirmish.samples.bots.BotFleet;
import io.skirmish.samples.bots.BotSummary;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.collections.LongHashSet;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SystemNanoClock;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Scenario: the room directory and two room servers on one machine, with bots seated by the directory, and faults.
 * <pre>
 *   java -jar skirmish-demo.jar cluster-demo [--duration S] [--bots N] [--late-bots N] [--arenas N]
 *       [--directory-port P] [--server-port P] [--dir DIR] [--emit-rate R] [--leader-kill-only]
 * </pre>
 * It starts three directory nodes ({@code directory --node N}) and two room servers ({@code server --directory ...
 * --server-id K --token-secret S --archive DIR/server-K --first-arena I --no-lobby}), each a child JVM of its own so
 * that it can be SIGKILLed. Server 1 hosts arenas 0 to {@code arenas - 1}, server 2 the next {@code arenas}: room ids
 * are unique across the directory. This process is the game's backend: it asks the directory for a seat per bot, by
 * room id, round robin over every arena of both servers, mints the bot's connect token from the seat (the shared
 * secret), and the bot connects to the seat's server with it and is put in the seat's arena by the server. During
 * the run it SIGKILLs the directory's leader (at 30 % of the duration) and then asks for {@code --late-bots} more
 * seats, which the new leader grants. Then (unless {@code --leader-kill-only}) it SIGKILLs room server 2 (at 60 %) and
 * waits for the directory to re-place its durable arenas on server 1 ("rooms moved"). Server 1 restores them from
 * server 2's archive (both archives are under one root, {@code --shared-archive-root}) with their sessions, and
 * adopts them; server 2's bots, whose resumes get no answer, ask their server locator, which asks this backend where
 * their arena is now ({@link #whereIs(int)}, from the directory), and resume on server 1.
 * <p>
 * Progress goes to stderr, the children's output to log files in the work directory; stdout gets one line of JSON:
 * the bots' summary as {@code bots --summary} prints it, with {@code seatsGranted}, {@code seatsAfterLeaderKill},
 * {@code duplicateSeats}, {@code leaderKillGapMs} (the SIGKILL to the first seat granted after it),
 * {@code roomServerKilled}, {@code roomsMoved} and {@code roomsMovedAfterMs} added. Exit code 0 only when every
 * bot's deliveries were exact, every seat was granted and no seat was granted twice.
 */
final class ClusterDemo
{
    static final String TOKEN_SECRET_ENV = "SKIRMISH_TOKEN_SECRET";
    private static final int SERVERS = 2;
    private static final int NODES = 3;
    private static final long START_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);
    private static final long SEAT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);
    private static final long MOVE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);
    private static final long TOKEN_LIFETIME_MS = TimeUnit.SECONDS.toMillis(120);
    private static final int SEAT_TTL_MS = 30_000;

    private final PrintStream progress = System.err;
    private final List<Process> nodes = new ArrayList<>();
    private final List<Process> servers = new ArrayList<>();
    private final ConcurrentLinkedQueue<SeatForBot> seats = new ConcurrentLinkedQueue<>();
    private final LongHashSet seatIds = new LongHashSet();
    private final AtomicInteger seatsGranted = new AtomicInteger();
    private final AtomicInteger seatsAfterLeaderKill = new AtomicInteger();
    private final AtomicInteger duplicateSeats = new AtomicInteger();
    private final AtomicInteger seatsRefused = new AtomicInteger();
    private final AtomicInteger roomsMoved = new AtomicInteger();
    private final AtomicInteger roomsMovedByLeaderKill = new AtomicInteger();
    private final AtomicLong leaderKillGapMs = new AtomicLong(-1);
    private final AtomicLong roomsMovedAfterMs = new AtomicLong(-1);
    private AtomicReferenceArray<String> addressByArena;
    private volatile boolean roomServerKilled;
    private volatile boolean backendDone;
    private volatile Throwable backendFailure;
    private final long startNs = System.nanoTime();

    private int bots;
    private int lateBots;
    private int arenasPerServer;
    private int directoryPort;
    private int serverPort;
    private long durationNs;
    private double emitRate;
    private boolean killRoomServer;
    private File workDir;
    private String nodeList;
    private byte[] secret;

    private static final class SeatForBot
    {
        final int roomId;
        final String address;
        final byte[] token;
        final byte[] sessionKey;

        SeatForBot(final int roomId, final String address, final byte[] token, final byte[] sessionKey)
        {
            this.roomId = roomId;
            this.address = address;
            this.token = token;
            this.sessionKey = sessionKey;
        }
    }

    private ClusterDemo()
    {
    }

    static int run(final CommandLine line)
    {
        final ClusterDemo demo = new ClusterDemo();
        demo.durationNs = line.durationNs("duration", TimeUnit.SECONDS.toNanos(40));
        demo.bots = line.intValue("bots", 12);
        demo.lateBots = line.intValue("late-bots", 4);
        demo.arenasPerServer = line.intValue("arenas", 2);
        demo.directoryPort = line.intValue("directory-port", 19_300);
        demo.serverPort = line.intValue("server-port", 19_400);
        demo.emitRate = line.doubleValue("emit-rate", SampleConfiguration.EMIT_RATE);
        demo.killRoomServer = !line.flag("leader-kill-only");
        final String dir = line.string("dir", null);
        line.checkAllUsed();
        if (demo.bots < 1 || demo.lateBots < 0 || demo.arenasPerServer < 1 || demo.durationNs <= 0 ||
            demo.durationNs == Long.MAX_VALUE)
        {
            throw new IllegalArgumentException("cluster-demo: --bots >= 1, --late-bots >= 0, --arenas >= 1 and a " +
                "finite --duration");
        }
        demo.workDir = null != dir ? new File(dir) :
            new File(System.getProperty("java.io.tmpdir"), "skirmish-cluster-demo-" + ProcessHandle.current().pid());
        demo.addressByArena = new AtomicReferenceArray<>(SERVERS * demo.arenasPerServer);
        return demo.run();
    }

    /**
     * Where an arena is now, as the backend last heard from the directory: the seat's server, then, after a room
     * server's death, the server the directory re-placed the arena on. This is what a bot's server locator asks once
     * its room is re-placed ({@code GameClient.Context.serverLocator}). Any thread.
     *
     * @param roomId the arena's room id.
     * @return its server's {@code host:port}, or null when not known.
     */
    String whereIs(final int roomId)
    {
        final int index = roomId - ArenaProtocol.FIRST_ARENA_ROOM_ID;
        return index >= 0 && index < addressByArena.length() ? addressByArena.get(index) : null;
    }

    private static String serverAddress(final int serverPort, final int serverId)
    {
        return "localhost:" + (serverPort + 10 * (serverId - 1));
    }

    private int run()
    {
        IoUtil.delete(workDir, true);
        IoUtil.ensureDirectoryExists(workDir, "cluster-demo work directory");
        final byte[] random = new byte[24];
        new java.security.SecureRandom().nextBytes(random);
        secret = ("cluster-demo-" + java.util.HexFormat.of().formatHex(random)).getBytes(StandardCharsets.UTF_8);
        final Thread killChildren = new Thread(this::destroyChildrenForcibly, "cluster-demo-children");
        Runtime.getRuntime().addShutdownHook(killChildren);
        MediaDriver driver = null;
        DirectoryClient client = null;
        BotFleet fleet = null;
        try
        {
            startNodes();
            driver = MediaDriver.launch(new MediaDriver.Context()
                .aeronDirectoryName(CommonContext.generateRandomDirName())
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true)
                .threadingMode(ThreadingMode.SHARED)
                .sharedIdleStrategy(new BackoffIdleStrategy(
                    10, 20, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(1)))
                .termBufferSparseFile(true)
                .warnIfDirectoryExists(false));
            client = connectDirectory(driver.aeronDirectoryName());
            log("directory up: 3 nodes at %s, leader is node %d", nodeList, client.leaderMemberId());
            startServers();
            awaitRooms(client);

            fleet = new BotFleet(new BotFleet.Settings()
                .count(0)
                .lobby(false)
                .hopIntervalNs(0)
                .arenaCount(SERVERS * arenasPerServer)
                .emitRatePerSecond(emitRate)
                .inputRateHz(SampleConfiguration.TICK_RATE_HZ)
                .sharedDriver(true)
                .durationNs(durationNs)
                .seed(SampleConfiguration.SEED), SystemNanoClock.INSTANCE);
            final DirectoryClient backendClient = client;
            client = null;
            final Thread backend = new Thread(() -> backend(backendClient), "cluster-demo-backend");
            backend.setDaemon(true);
            backend.start();

            final BotSummary summary = play(fleet);
            backend.join(TimeUnit.SECONDS.toMillis(60));
            return finish(summary);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", ex);
        }
        finally
        {
            CloseHelper.quietCloseAll(fleet, client, driver);
            stopChildren();
            try
            {
                Runtime.getRuntime().removeShutdownHook(killChildren);
            }
            catch (final IllegalStateException ignore)
            {
                // shutting down already
            }
        }
    }

    private BotSummary play(final BotFleet fleet)
    {
        final IdleStrategy idle = SampleConfiguration.idleStrategy();
        final Shutdown shutdown = Shutdown.register();
        long nextProgressNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        try
        {
            while (!fleet.isDone())
            {
                SeatForBot seat;
                while (null != (seat = seats.poll()))
                {
                    final SeatForBot s = seat;
                    if (fleet.isDone())
                    {
                        break;
                    }
                    fleet.addBot((index, context, options) ->
                    {
                        context.server(s.address).connectToken(s.token, s.sessionKey)
                            .serverLocator((sessionId, server, reason, move) ->
                            {
                                final String now = whereIs(s.roomId);
                                if (null != now && !now.equals(server))
                                {
                                    move.server(now);
                                    return true;
                                }
                                return false;
                            });
                        options.arenaRoomId(0).joinLobby(false);
                    });
                }
                if (shutdown.isRequested() || null != backendFailure)
                {
                    fleet.stop();
                }
                final int work = fleet.doWork();
                final long nowNs = System.nanoTime();
                if (nowNs - nextProgressNs >= 0)
                {
                    nextProgressNs = nowNs + TimeUnit.SECONDS.toNanos(5);
                    int connected = 0;
                    for (int i = 0; i < fleet.players().size(); i++)
                    {
                        connected += fleet.players().get(i).client().isConnected() ? 1 : 0;
                    }
                    log("bots %d (%d connected), seats granted %d", fleet.players().size(), connected,
                        seatsGranted.get());
                }
                idle.idle(work);
            }
            if (fleet.errors() > 0)
            {
                log("%d errors reported by the bots' clients", fleet.errors());
            }
            return fleet.summary();
        }
        finally
        {
            shutdown.done();
        }
    }

    private int finish(final BotSummary summary)
    {
        final boolean seatsOk = seatsGranted.get() == bots + lateBots && 0 == duplicateSeats.get() &&
            null == backendFailure && backendDone;
        if (null != backendFailure)
        {
            log("backend failed: %s", backendFailure);
        }
        if (!summary.isClean())
        {
            log("problems: %s", summary.problems());
        }
        if (roomServerKilled)
        {
            log("room server 2 was killed: %d of %d bots connected at the end (its bots resume on server 1 through " +
                "their server locator, which asks this backend where their arena is now)", summary.connected,
                summary.bots);
        }
        final String json = summary.toJson();
        System.out.println(json.substring(0, json.length() - 1) +
            ",\"seatsGranted\":" + seatsGranted.get() +
            ",\"seatsAfterLeaderKill\":" + seatsAfterLeaderKill.get() +
            ",\"seatsRefused\":" + seatsRefused.get() +
            ",\"duplicateSeats\":" + duplicateSeats.get() +
            ",\"leaderKillGapMs\":" + leaderKillGapMs.get() +
            ",\"roomsMovedByLeaderKill\":" + roomsMovedByLeaderKill.get() +
            ",\"roomServerKilled\":" + roomServerKilled +
            ",\"roomsMoved\":" + roomsMoved.get() +
            ",\"roomsMovedAfterMs\":" + roomsMovedAfterMs.get() +
            ",\"runS\":" + String.format(Locale.ROOT, "%.1f", (System.nanoTime() - startNs) / 1e9) + "}");
        System.out.flush();
        return summary.isClean() && seatsOk ? 0 : 1;
    }

    /**
     * The game's backend, on its own thread: seats for the bots, the leader kill, seats after it, the room server
     * kill.
     */
    private void backend(final DirectoryClient client)
    {
        try (DirectoryClient directory = client)
        {
            final ConnectTokens tokens = new ConnectTokens(secret);
            final int arenas = SERVERS * arenasPerServer;
            final long playStartNs = System.nanoTime();
            for (int i = 0; i < bots; i++)
            {
                seat(directory, tokens, i, ArenaProtocol.arenaRoomId(i % arenas));
            }
            log("%d seats granted over %d arenas on %d servers", seatsGranted.get(), arenas, SERVERS);

            parkUntil(playStartNs + durationNs * 3 / 10);
            final int leader = directory.leaderMemberId();
            if (leader < 0 || leader >= NODES)
            {
                throw new IllegalStateException("no directory leader known: " + leader);
            }
            nodes.get(leader).destroyForcibly();
            final long killedNs = System.nanoTime();
            log("SIGKILLed the directory leader, node %d; asking for %d more seats", leader, lateBots);
            for (int i = 0; i < lateBots; i++)
            {
                seat(directory, tokens, bots + i, ArenaProtocol.arenaRoomId((bots + i) % arenas));
                seatsAfterLeaderKill.incrementAndGet();
                if (0 == i)
                {
                    leaderKillGapMs.set(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedNs));
                    log("first seat after the leader kill granted %d ms after it, by node %d", leaderKillGapMs.get(),
                        directory.leaderMemberId());
                }
            }

            parkUntil(playStartNs + durationNs * 6 / 10);
            checkPlacements(directory);
            if (killRoomServer)
            {
                killRoomServer(directory);
            }
            backendDone = true;
        }
        catch (final Throwable ex)
        {
            backendFailure = ex;
        }
    }

    private void seat(final DirectoryClient directory, final ConnectTokens tokens, final int bot, final int roomId)
    {
        final Seat seat = new Seat();
        final long deadlineNs = System.nanoTime() + SEAT_TIMEOUT_NS;
        while (true)
        {
            final long seatId = directory.requestSeat(roomId, 1, SEAT_TTL_MS, seat);
            if (seatId > 0)
            {
                seatsGranted.incrementAndGet();
                if (!seatIds.add(seatId))
                {
                    duplicateSeats.incrementAndGet();
                }
                final ConnectTokens.Minted minted = seat.mint(tokens, bot + 1,
                    System.currentTimeMillis() + TOKEN_LIFETIME_MS);
                addressByArena.set(roomId - ArenaProtocol.FIRST_ARENA_ROOM_ID, seat.address());
                seats.add(new SeatForBot(roomId, seat.address(), minted.token(), minted.sessionKey()));
                return;
            }
            seatsRefused.incrementAndGet();
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new IllegalStateException("no seat for bot " + (bot + 1) + " in " +
                    ArenaProtocol.roomName(roomId) + ": " + DirectoryResult.name(seatId));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    /**
     * Every arena should still be on its own server: both servers are alive, only a directory node died.
     */
    private void checkPlacements(final DirectoryClient directory)
    {
        final RoomStatus status = new RoomStatus();
        for (int i = 0; i < SERVERS * arenasPerServer; i++)
        {
            final int roomId = ArenaProtocol.arenaRoomId(i);
            final int home = 1 + i / arenasPerServer;
            final long result = directory.describe(roomId, status);
            if (DirectoryResult.OK != result || status.serverId() != home)
            {
                roomsMovedByLeaderKill.incrementAndGet();
                log("after the leader kill the directory has %s %s, not on server %d (a live server was taken " +
                    "for dead while the directory elected a leader)", ArenaProtocol.roomName(roomId),
                    DirectoryResult.OK == result ? "on server " + status.serverId() : DirectoryResult.name(result),
                    home);
            }
        }
    }

    private void killRoomServer(final DirectoryClient directory)
    {
        servers.get(1).destroyForcibly();
        roomServerKilled = true;
        final long killedNs = System.nanoTime();
        log("SIGKILLed room server 2; waiting for the directory to re-place its arenas");
        final RoomStatus status = new RoomStatus();
        final long deadlineNs = killedNs + MOVE_TIMEOUT_NS;
        for (int i = arenasPerServer; i < SERVERS * arenasPerServer; i++)
        {
            final int roomId = ArenaProtocol.arenaRoomId(i);
            while (true)
            {
                if (DirectoryResult.OK == directory.describe(roomId, status) && 1 == status.serverId())
                {
                    roomsMoved.incrementAndGet();
                    addressByArena.set(i, serverAddress(serverPort, status.serverId()));
                    log("%s is on server %d (%s) now", ArenaProtocol.roomName(roomId), status.serverId(),
                        whereIs(roomId));
                    break;
                }
                if (System.nanoTime() - deadlineNs > 0)
                {
                    log("%s not re-placed within %d s: %s", ArenaProtocol.roomName(roomId),
                        TimeUnit.NANOSECONDS.toSeconds(MOVE_TIMEOUT_NS), status);
                    return;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            }
        }
        roomsMovedAfterMs.set(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedNs));
        log("%d arenas re-placed on server 1, %d ms after the kill", roomsMoved.get(), roomsMovedAfterMs.get());
    }

    private DirectoryClient connectDirectory(final String aeronDirectoryName)
    {
        final long deadlineNs = System.nanoTime() + START_TIMEOUT_NS;
        while (true)
        {
            try
            {
                return DirectoryClient.connect(new DirectoryClient.Context()
                    .nodes(nodeList)
                    .aeronDirectoryName(aeronDirectoryName)
                    .backendId(1)
                    .requestTimeoutNs(TimeUnit.SECONDS.toNanos(10))
                    .connectTimeoutNs(TimeUnit.SECONDS.toNanos(5)));
            }
            catch (final RuntimeException ex)
            {
                checkAlive(nodes, "directory node");
                if (System.nanoTime() - deadlineNs > 0)
                {
                    throw ex;
                }
                log("directory not up yet (%s); trying again", ex.getMessage());
            }
        }
    }

    private void awaitRooms(final DirectoryClient client)
    {
        final RoomStatus status = new RoomStatus();
        final long deadlineNs = System.nanoTime() + START_TIMEOUT_NS;
        for (int i = 0; i < SERVERS * arenasPerServer; i++)
        {
            final int roomId = ArenaProtocol.arenaRoomId(i);
            while (DirectoryResult.OK != client.describe(roomId, status))
            {
                checkAlive(servers, "room server");
                if (System.nanoTime() - deadlineNs > 0)
                {
                    throw new IllegalStateException(ArenaProtocol.roomName(roomId) + " never reported; see " +
                        workDir + "/server-*.log");
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
        }
        log("%d arenas on the directory: server 1 has %s to %s, server 2 %s to %s", SERVERS * arenasPerServer,
            ArenaProtocol.roomName(ArenaProtocol.arenaRoomId(0)),
            ArenaProtocol.roomName(ArenaProtocol.arenaRoomId(arenasPerServer - 1)),
            ArenaProtocol.roomName(ArenaProtocol.arenaRoomId(arenasPerServer)),
            ArenaProtocol.roomName(ArenaProtocol.arenaRoomId(2 * arenasPerServer - 1)));
    }

    private void startNodes()
    {
        final StringBuilder list = new StringBuilder();
        for (int i = 0; i < NODES; i++)
        {
            list.append(i > 0 ? "," : "").append("localhost:").append(directoryPort + 10 * i);
        }
        nodeList = list.toString();
        for (int i = 0; i < NODES; i++)
        {
            nodes.add(start("node-" + i, List.of("directory", "--node", Integer.toString(i), "--nodes", nodeList,
                "--dir", new File(workDir, "node-" + i).getAbsolutePath(), "--clean")));
        }
        log("started 3 directory nodes (child JVMs, pids %d %d %d), nodes %s", nodes.get(0).pid(),
            nodes.get(1).pid(), nodes.get(2).pid(), nodeList);
    }

    private void startServers()
    {
        final File archiveRoot = new File(workDir, "archive");
        for (int k = 1; k <= SERVERS; k++)
        {
            final int port = CommandLine.port(serverAddress(serverPort, k));
            servers.add(start("server-" + k, List.of("server",
                "--bind", "127.0.0.1",
                "--port", Integer.toString(port),
                "--directory", nodeList,
                "--server-id", Integer.toString(k),
                "--public-address", serverAddress(serverPort, k),
                "--archive", new File(archiveRoot, "server-" + k).getAbsolutePath(),
                "--shared-archive-root", archiveRoot.getAbsolutePath(),
                "--arenas", Integer.toString(arenasPerServer),
                "--first-arena", Integer.toString((k - 1) * arenasPerServer),
                "--no-lobby",
                "--drain-timeout", "1")));
            log("started room server %d (child JVM, pid %d) on UDP %d, arenas %s to %s", k,
                servers.get(k - 1).pid(), port,
                ArenaProtocol.roomName(ArenaProtocol.arenaRoomId((k - 1) * arenasPerServer)),
                ArenaProtocol.roomName(ArenaProtocol.arenaRoomId(k * arenasPerServer - 1)));
        }
    }

    private Process start(final String name, final List<String> args)
    {
        final List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "-Xmx256m", "-XX:MaxDirectMemorySize=256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-cp", absoluteClassPath(),
            Demo.class.getName()));
        command.addAll(args);
        final ProcessBuilder builder = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(new File(workDir, name + ".log"))
            .directory(workDir);
        builder.environment().put(TOKEN_SECRET_ENV, new String(secret, StandardCharsets.UTF_8));
        try
        {
            return builder.start();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot start " + name, ex);
        }
    }

    private static String absoluteClassPath()
    {
        final StringBuilder path = new StringBuilder();
        for (final String entry : System.getProperty("java.class.path").split(File.pathSeparator))
        {
            if (!entry.isEmpty())
            {
                path.append(path.length() > 0 ? File.pathSeparator : "").append(new File(entry).getAbsolutePath());
            }
        }
        return path.toString();
    }

    private void checkAlive(final List<Process> processes, final String what)
    {
        for (int i = 0; i < processes.size(); i++)
        {
            if (!processes.get(i).isAlive())
            {
                throw new IllegalStateException(what + " " + (i + 1) + " exited with " +
                    processes.get(i).exitValue() + "; see the logs in " + workDir);
            }
        }
    }

    private void stopChildren()
    {
        final List<Process> all = new ArrayList<>(servers);
        all.addAll(nodes);
        for (final Process process : all)
        {
            if (process.isAlive())
            {
                process.destroy();
            }
        }
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        for (final Process process : all)
        {
            try
            {
                final long leftMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime()));
                if (!process.waitFor(leftMs, TimeUnit.MILLISECONDS))
                {
                    process.destroyForcibly();
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        log("children stopped; logs and archives in %s", workDir);
    }

    private void destroyChildrenForcibly()
    {
        for (final Process process : servers)
        {
            process.destroyForcibly();
        }
        for (final Process process : nodes)
        {
            process.destroyForcibly();
        }
    }

    private static void parkUntil(final long deadlineNs)
    {
        long leftNs;
        while ((leftNs = deadlineNs - System.nanoTime()) > 0)
        {
            LockSupport.parkNanos(leftNs);
        }
    }

    private void log(final String format, final Object... args)
    {
        progress.printf(Locale.ROOT, "[cluster-demo %5.1f s] " + format + "%n",
            prepend((System.nanoTime() - startNs) / 1e9, args));
        progress.flush();
    }

    private static Object[] prepend(final Object first, final Object[] rest)
    {
        final Object[] all = new Object[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}
