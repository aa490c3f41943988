package io.skirmish.samples.arena;

import io.skirmish.engine.DisconnectReason;
import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.LeaveReason;
import io.skirmish.engine.server.Room;
import io.skirmish.engine.server.RoomListener;
import io.skirmish.engine.server.RoomOptions;
import io.skirmish.engine.server.ServerListener;
import io.skirmish.engine.server.Session;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

import static io.skirmish.samples.arena.ArenaProtocol.*;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The demo game on the server: a lobby room for chat plus a number of ticking arenas. It is the
 * {@link ServerListener} of a {@link GameServer}; it creates its rooms when the server starts and routes each
 * session's inputs to its player.
 * <pre>{@code
 * ArenaServer game = new ArenaServer(2, 30, 42);
 * try (GameServer server = GameServer.launch(new GameServer.Context().port(40123).listener(game)))
 * {
 *     ...
 * }
 * }</pre>
 * The arenas publish their snapshots as shared, delta-encoded snapshots; once a second the game reads the engine's
 * snapshot counters ({@link EngineCounter#SNAPSHOTS_DELTA_SENT}, {@link EngineCounter#SNAPSHOTS_FULL_SENT},
 * {@link EngineCounter#SNAPSHOT_BYTES_SENT}) so the displays can set the bytes actually sent per snapshot against
 * the size of the full state ({@link #lastSnapshotLength()}).
 * <p>
 * With {@link #durable(long)} (the server has an archive) every room is durable: on start the game restores each room
 * from the archive ({@link GameServer#restoreRoom}; empty at seq 0 the first time) and then the sessions a previous
 * process left ({@link GameServer#restoreSessions()}), and records keyframes of each arena, and of the lobby's
 * event counter, at the interval given; a resumed restored session gets its player back.
 * <p>
 * <b>Note:</b> every callback runs on the server conductor thread; the status accessors ({@link #roomLastSeq(int)},
 * {@link #roomMembers(int)}, {@link #tick()}, {@link #meanSnapshotBytesSent()}, ...) may be read from any thread.
 */
public final class ArenaServer implements ServerListener
{
    private static final long SNAPSHOT_WINDOW_NS = TimeUnit.SECONDS.toNanos(1);
    private static final int LOBBY_KEYFRAME_LENGTH = Integer.BYTES + Long.BYTES;
    /** History of a durable room: enough for a restored session owed every event since its last join. */
    static final int DURABLE_HISTORY_COUNT = 16_384;
    static final int DURABLE_HISTORY_BYTES = 4 * 1024 * 1024;

    private final int arenaCount;
    private final int firstArenaIndex;
    private final boolean hasLobby;
    private final int tickRateHz;
    private final long seed;
    private Arena[] arenas;
    private int adoptedArenas;
    private final AtomicLongArray lastSeqByRoom;
    private final AtomicIntegerArray membersByRoom;
    private final UnsafeBuffer announceBuffer = new UnsafeBuffer(new byte[EVENT_HEADER_LENGTH + MAX_TEXT_LENGTH]);
    private volatile long tick;
    private volatile int lastSnapshotLength;
    private volatile double snapshotsDeltaPerSecond;
    private volatile double snapshotsFullPerSecond;
    private volatile double snapshotBytesSentPerSecond;
    private volatile double meanSnapshotBytesSent;
    private volatile GameServer server;
    private volatile boolean started;
    private volatile long shotsJudged;
    private volatile long shotsAgreed;
    private volatile long rewindDepthUs;
    private Room lobby;
    private boolean durable;
    private long eventCounter;
    private long keyframeIntervalNs;
    private int keyframeTicks;
    private int restoredSessions = -1;
    private final UnsafeBuffer lobbyKeyframe = new UnsafeBuffer(new byte[LOBBY_KEYFRAME_LENGTH]);
    private boolean snapshotWindowOpen;
    private long snapshotWindowStartNs;
    private long windowStartDeltas;
    private long windowStartFulls;
    private long windowStartBytes;

    /**
     * @param arenaCount number of arenas, at least 1.
     * @param tickRateHz tick rate of each arena.
     * @param seed       for coin and spawn positions.
     */
    public ArenaServer(final int arenaCount, final int tickRateHz, final long seed)
    {
        this(arenaCount, tickRateHz, seed, 0, true);
    }

    /**
     * A share of a cluster's arenas: arenas {@code firstArenaIndex} to {@code firstArenaIndex + arenaCount - 1}
     * (room ids {@link ArenaProtocol#arenaRoomId(int)}, unique across the room servers of one directory), with or
     * without the lobby.
     *
     * @param arenaCount      number of arenas, at least 1.
     * @param tickRateHz      tick rate of each arena.
     * @param seed            for coin and spawn positions.
     * @param firstArenaIndex index of the first arena hosted here, 0 or more.
     * @param lobby           whether this server has the lobby room.
     */
    public ArenaServer(
        final int arenaCount, final int tickRateHz, final long seed, final int firstArenaIndex, final boolean lobby)
    {
        if (arenaCount < 1 || tickRateHz < 1 || tickRateHz > 1000 || firstArenaIndex < 0)
        {
            throw new IllegalArgumentException("arenaCount=" + arenaCount + " tickRateHz=" + tickRateHz +
                " firstArenaIndex=" + firstArenaIndex);
        }
        this.arenaCount = arenaCount;
        this.firstArenaIndex = firstArenaIndex;
        this.hasLobby = lobby;
        this.tickRateHz = tickRateHz;
        this.seed = seed;
        this.arenas = new Arena[arenaCount];
        this.lastSeqByRoom = new AtomicLongArray(arenaRoomId(firstArenaIndex + arenaCount));
        this.membersByRoom = new AtomicIntegerArray(arenaRoomId(firstArenaIndex + arenaCount));
    }

    /**
     * Make every room durable: restore it from the server's archive on start, record keyframes at this interval.
     * The server must have an archive ({@link GameServer.Context#archiveDirectoryName(String)}). Before the start.
     *
     * @param keyframeIntervalNs time between keyframes, at least one tick.
     * @return this.
     */
    public ArenaServer durable(final long keyframeIntervalNs)
    {
        if (keyframeIntervalNs < TimeUnit.SECONDS.toNanos(1) / tickRateHz)
        {
            throw new IllegalArgumentException("keyframe interval shorter than a tick: " + keyframeIntervalNs);
        }
        this.keyframeIntervalNs = keyframeIntervalNs;
        return this;
    }

    /**
     * @return true when the rooms are durable.
     */
    public boolean isDurable()
    {
        return keyframeIntervalNs > 0;
    }

    /**
     * @return sessions restored on start from a previous process, -1 when not durable (any thread after the start).
     */
    public int restoredSessions()
    {
        return restoredSessions;
    }

    /**
     * The state of an arena that a restart of a durable server restores exactly: the random generator's state, the
     * players' ids and scores, the coins' positions (not the players' positions). Conductor thread, or after the
     * server closed.
     *
     * @param roomId an arena's room id.
     * @return the description, or null for no such arena.
     */
    public String describeArena(final int roomId)
    {
        for (final Arena arena : arenas)
        {
            if (null != arena && arena.roomId() == roomId)
            {
                return arena.describe();
            }
        }
        return null;
    }

    /**
     * @return number of arenas.
     */
    public int arenaCount()
    {
        return arenaCount;
    }

    /**
     * @return index of the first arena hosted here (0 unless a share of a cluster's arenas).
     */
    public int firstArenaIndex()
    {
        return firstArenaIndex;
    }

    /**
     * @return true when this server has the lobby room.
     */
    public boolean hasLobby()
    {
        return hasLobby;
    }

    /**
     * @return arena tick rate in Hz.
     */
    public int tickRateHz()
    {
        return tickRateHz;
    }

    /**
     * {@inheritDoc}
     */
    public void onStart(final GameServer server)
    {
        this.server = server;
        final boolean durable = isDurable();
        final RoomOptions lobbyOptions = roomOptions(durable).listener(new RoomListener()
        {
            public boolean onEmit(
                final Room room,
                final Session sender,
                final int typeId,
                final DirectBuffer buffer,
                final int offset,
                final int length)
            {
                return isValidChat(sender.sessionId(), typeId, buffer, offset, length);
            }

            public void onJoined(final Room room, final Session session)
            {
                publish(room);
            }

            public void onLeft(final Room room, final Session session, final LeaveReason reason)
            {
                publish(room);
            }

            public void onRestoreKeyframe(
                final Room room, final long seq, final DirectBuffer buffer, final int offset, final int length)
            {
                if (length >= LOBBY_KEYFRAME_LENGTH)
                {
                    restoredEventCounter(buffer.getLong(offset + Integer.BYTES, LITTLE_ENDIAN));
                }
            }

            public void onRestoreEvent(
                final Room room,
                final long seq,
                final int typeId,
                final int flags,
                final int senderSessionId,
                final DirectBuffer buffer,
                final int offset,
                final int length)
            {
                if (ANNOUNCE_TYPE_ID == typeId && length >= EVENT_HEADER_LENGTH && 0 == origin(buffer, offset))
                {
                    restoredEventCounter(ArenaProtocol.counter(buffer, offset));
                }
            }
        });
        if (hasLobby)
        {
            lobby = durable ? server.restoreRoom(LOBBY_ROOM_ID, lobbyOptions) :
                server.createRoom(LOBBY_ROOM_ID, lobbyOptions);
            publish(lobby);
        }
        keyframeTicks = (int)Math.max(1, keyframeIntervalNs * tickRateHz / TimeUnit.SECONDS.toNanos(1));
        for (int i = 0; i < arenaCount; i++)
        {
            final int roomId = arenaRoomId(firstArenaIndex + i);
            arenas[i] = new Arena(this, roomId, tickRateHz, seed + roomId);
            final Room room = durable ? server.restoreRoom(roomId, arenaOptions(arenas[i], durable)) :
                server.createRoom(roomId, arenaOptions(arenas[i], durable));
            arenaOpened(arenas[i], room);
        }
        if (durable)
        {
            restoredSessions = server.restoreSessions();
        }
        started = true;
    }

    private RoomOptions arenaOptions(final Arena arena, final boolean durable)
    {
        return roomOptions(durable)
            .tickRateHz(tickRateHz)
            .durable(durable)
            .lagCompensation(tickRateHz, MAX_SNAPSHOT_LENGTH)
            .listener(arena);
    }

    private void arenaOpened(final Arena arena, final Room room)
    {
        arena.room(room);
        if (room.isDurable())
        {
            arena.keyframeIntervalTicks(keyframeTicks);
        }
        publish(room);
    }

    /**
     * Take on an arena that is not one of this server's own: the room directory placed it here because the server
     * that had it died. Returns the options to open its room with, the arena as its listener, so that a restored
     * room's keyframe and events rebuild the arena ({@code RoomServerLink.Context.roomOptions}); then
     * {@link #adopted(Room)} once the room is open. Conductor thread, after the start.
     *
     * @param roomId the arena's room id ({@link ArenaProtocol#arenaRoomId(int)}).
     * @return the room's options, or null when the id is not an arena's or the arena is here already.
     */
    public RoomOptions adoptArena(final int roomId)
    {
        if (roomId < FIRST_ARENA_ROOM_ID || null != arena(roomId))
        {
            return null;
        }
        final Arena arena = new Arena(this, roomId, tickRateHz, seed + roomId);
        arenas = java.util.Arrays.copyOf(arenas, arenas.length + 1);
        arenas[arenas.length - 1] = arena;
        return arenaOptions(arena, isDurable());
    }

    /**
     * The room of an arena taken on with {@link #adoptArena(int)} is open (created, or restored from the recording
     * the dead server left): the arena starts ticking in it. Conductor thread.
     *
     * @param room the room.
     * @return true when the room is an adopted arena's.
     */
    public boolean adopted(final Room room)
    {
        final Arena arena = arena(room.roomId());
        if (null == arena || arena.hasRoom())
        {
            return false;
        }
        arenaOpened(arena, room);
        adoptedArenas++;
        return true;
    }

    /**
     * @return arenas taken on from a dead server ({@link #adopted(Room)}), conductor thread or after the close.
     */
    public int adoptedArenas()
    {
        return adoptedArenas;
    }

    private Arena arena(final int roomId)
    {
        for (final Arena arena : arenas)
        {
            if (null != arena && arena.roomId() == roomId)
            {
                return arena;
            }
        }
        return null;
    }

    /**
     * @return true once {@link #onStart(GameServer)} has created (or restored) every room (any thread).
     */
    public boolean isStarted()
    {
        return started;
    }

    private static RoomOptions roomOptions(final boolean durable)
    {
        return durable ?
            new RoomOptions().durable(true).historyCount(DURABLE_HISTORY_COUNT).historyBytes(DURABLE_HISTORY_BYTES) :
            new RoomOptions();
    }

    /**
     * {@inheritDoc}
     */
    public void onSessionResumed(final Session session)
    {
        if (null != session.attachment())
        {
            return;
        }
        for (final Arena arena : arenas)
        {
            final Room room = server.room(arena.roomId());
            if (null != room && room.hasMember(session))
            {
                arena.attachResumed(session);
                return;
            }
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onInput(
        final Session session, final long inputTick, final DirectBuffer buffer, final int offset, final int length)
    {
        final Object attachment = session.attachment();
        if (attachment instanceof Arena.Player)
        {
            final Arena.Player player = (Arena.Player)attachment;
            player.arena.onInput(player, session, inputTick, buffer, offset, length);
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onSessionClosed(final Session session, final DisconnectReason reason)
    {
        session.attachment(null);
    }

    /**
     * @param roomId a room of this game.
     * @return seq of the room's newest event, as of the last tick (any thread).
     */
    public long roomLastSeq(final int roomId)
    {
        return roomId > 0 && roomId < lastSeqByRoom.length() ? lastSeqByRoom.get(roomId) : -1;
    }

    /**
     * @param roomId a room of this game.
     * @return the room's member count, as of the last tick (any thread).
     */
    public int roomMembers(final int roomId)
    {
        return roomId > 0 && roomId < membersByRoom.length() ? membersByRoom.get(roomId) : 0;
    }

    /**
     * @return the newest arena tick (any thread).
     */
    public long tick()
    {
        return tick;
    }

    /**
     * @return bytes of the full state in the newest snapshot of the first arena: what each client decodes (any
     * thread).
     */
    public int lastSnapshotLength()
    {
        return lastSnapshotLength;
    }

    /**
     * @return snapshots sent as deltas per second, to all members of all arenas, over the last second (any thread).
     */
    public double snapshotsDeltaPerSecond()
    {
        return snapshotsDeltaPerSecond;
    }

    /**
     * @return snapshots sent in full per second, to all members of all arenas, over the last second (any thread).
     */
    public double snapshotsFullPerSecond()
    {
        return snapshotsFullPerSecond;
    }

    /**
     * @return share of the snapshots sent over the last second that went as deltas, in percent (any thread).
     */
    public double snapshotDeltaPercent()
    {
        final double deltas = snapshotsDeltaPerSecond;
        final double total = deltas + snapshotsFullPerSecond;
        return total > 0 ? 100.0 * deltas / total : 0;
    }

    /**
     * @return snapshot bytes sent per second over the last second: engine frames with their headers, Aeron's
     * headers not included (any thread).
     */
    public double snapshotBytesSentPerSecond()
    {
        return snapshotBytesSentPerSecond;
    }

    /**
     * @return mean bytes sent per snapshot over the last second, deltas and full ones together, engine frame
     * headers included (any thread).
     */
    public double meanSnapshotBytesSent()
    {
        return meanSnapshotBytesSent;
    }

    /**
     * Read one of the engine server's counters (any thread).
     *
     * @param counter which.
     * @return its value, 0 before the server started.
     */
    public long counter(final EngineCounter counter)
    {
        final GameServer server = this.server;
        return null == server ? 0 : server.counter(counter);
    }

    /**
     * @return shots judged by rewinding, over all arenas (any thread).
     */
    public long shotsJudged()
    {
        return shotsJudged;
    }

    /**
     * @return share of the judged shots whose verdict matched the shooter's own hit test, in percent (any thread).
     */
    public double shotAgreementPercent()
    {
        final long judged = shotsJudged;
        return judged > 0 ? 100.0 * shotsAgreed / judged : 0;
    }

    /**
     * @return how far back the newest shot was judged (now minus the time the shooter rendered), in microseconds
     * (any thread).
     */
    public long rewindDepthUs()
    {
        return rewindDepthUs;
    }

    void onShotJudged(final boolean agreed, final long depthUs)
    {
        shotsJudged = shotsJudged + 1;
        if (agreed)
        {
            shotsAgreed = shotsAgreed + 1;
        }
        rewindDepthUs = depthUs;
    }

    long nextEventCounter()
    {
        return ++eventCounter;
    }

    long eventCounter()
    {
        return eventCounter;
    }

    /**
     * While a room is restored: the server's event counter continues after every counter it had used.
     */
    void restoredEventCounter(final long counter)
    {
        eventCounter = Math.max(eventCounter, counter);
    }

    void announce(final String text)
    {
        if (null != lobby)
        {
            final int length = encodeText(announceBuffer, 0, nextEventCounter(), text);
            lobby.broadcast(ANNOUNCE_TYPE_ID, announceBuffer, 0, length);
            publish(lobby);
        }
    }

    void onArenaTick(final Room room, final long tick, final int snapshotLength, final long nowNs)
    {
        publish(room);
        if (room.roomId() == arenaRoomId(firstArenaIndex))
        {
            this.tick = tick;
            this.lastSnapshotLength = snapshotLength;
            sampleSnapshotCounters(nowNs);
            if (null == lobby)
            {
                return;
            }
            publish(lobby);
            if (lobby.isDurable() && 0 == tick % keyframeTicks)
            {
                lobbyKeyframe.putInt(0, Arena.KEYFRAME_VERSION, LITTLE_ENDIAN);
                lobbyKeyframe.putLong(Integer.BYTES, eventCounter, LITTLE_ENDIAN);
                lobby.recordKeyframe(lobbyKeyframe, 0, LOBBY_KEYFRAME_LENGTH);
            }
        }
    }

    private void sampleSnapshotCounters(final long nowNs)
    {
        final long elapsedNs = nowNs - snapshotWindowStartNs;
        if (snapshotWindowOpen && elapsedNs < SNAPSHOT_WINDOW_NS)
        {
            return;
        }
        final GameServer server = this.server;
        final long deltas = server.counter(EngineCounter.SNAPSHOTS_DELTA_SENT);
        final long fulls = server.counter(EngineCounter.SNAPSHOTS_FULL_SENT);
        final long bytes = server.counter(EngineCounter.SNAPSHOT_BYTES_SENT);
        if (snapshotWindowOpen)
        {
            final double seconds = elapsedNs / 1e9;
            final long snapshots = (deltas - windowStartDeltas) + (fulls - windowStartFulls);
            snapshotsDeltaPerSecond = (deltas - windowStartDeltas) / seconds;
            snapshotsFullPerSecond = (fulls - windowStartFulls) / seconds;
            snapshotBytesSentPerSecond = (bytes - windowStartBytes) / seconds;
            meanSnapshotBytesSent = snapshots > 0 ? (double)(bytes - windowStartBytes) / snapshots : 0;
        }
        snapshotWindowOpen = true;
        snapshotWindowStartNs = nowNs;
        windowStartDeltas = deltas;
        windowStartFulls = fulls;
        windowStartBytes = bytes;
    }

    private void publish(final Room room)
    {
        if (room.roomId() >= lastSeqByRoom.length())
        {
            return;
        }
        lastSeqByRoom.set(room.roomId(), room.lastSeq());
        membersByRoom.set(room.roomId(), room.memberCount());
    }
}
