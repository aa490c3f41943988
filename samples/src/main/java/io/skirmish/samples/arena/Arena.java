package io.skirmish.samples.arena;

import io.skirmish.engine.LeaveReason;
import io.skirmish.engine.server.LagCompensation;
import io.skirmish.engine.server.Room;
import io.skirmish.engine.server.RoomListener;
import io.skirmish.engine.server.Session;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import io.skirmish.engine.protocol.FrameHeaderFlyweight;
import io.skirmish.engine.protocol.SystemEvent;

import java.util.ArrayList;

import static io.skirmish.samples.arena.ArenaProtocol.*;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * One server-authoritative arena: players steer with their inputs, run into each other (HIT events), collect
 * coins (PICKUP events) and shoot (SHOT events). Inputs are kept by tick and each applied at its own tick, as the
 * clients' tick clocks intend (they run ahead so that their inputs arrive before their tick); a shot is judged when it
 * arrives, by rewinding the room's {@link io.skirmish.engine.server.LagCompensation} history to the two snapshots and
 * the blend the shooter was rendering, and running the hitscan there.
 * <p>
 * At every tick the arena moves everything, records the state for rewinds, then encodes one snapshot of all entities
 * and publishes it to the room with {@link Room#publishSharedSnapshot(long, DirectBuffer, int, int)}: the engine sends
 * each member a delta against the newest tick that member acknowledged, or the full state when it has no usable
 * baseline (just joined, resumed, or too far behind). Runs on the server conductor thread only; a tick allocates
 * nothing.
 * <p>
 * <b>Durable</b> (a room recorded to the archive): every {@code keyframeIntervalTicks} ticks the arena records a
 * keyframe of its state ({@link #writeKeyframe}); a restarted server rebuilds the arena from the newest keyframe
 * ({@link #onRestoreKeyframe}) and the events after it ({@link #onRestoreEvent}). The random numbers (spawn points,
 * coin positions) come from a SplitMix64 generator whose state is in the keyframe, and every draw happens next to
 * an event (a join, a PICKUP), so replaying the events in seq order redraws the same numbers: the players, their
 * scores and the coins come back exactly; the players' positions are those of the keyframe (movement is not an event).
 * Keyframe layout (little-endian):
 * <pre>
 *   0: int   KEYFRAME_VERSION          4: long  the server's event counter     12: long  random state
 *  20: PICKUP_COUNT x (float x, float y)                                       76: int   player count
 *  80: per player: int session id, int score, float x, float y
 * </pre>
 */
final class Arena implements RoomListener
{
    private static final int HIT_FLASH_TICKS = 8;
    private static final int INPUT_RING = 32;
    static final int KEYFRAME_VERSION = 1;
    private static final int KEYFRAME_COUNTER_OFFSET = Integer.BYTES;
    private static final int KEYFRAME_RANDOM_OFFSET = KEYFRAME_COUNTER_OFFSET + Long.BYTES;
    private static final int KEYFRAME_PICKUPS_OFFSET = KEYFRAME_RANDOM_OFFSET + Long.BYTES;
    private static final int KEYFRAME_PLAYER_COUNT_OFFSET = KEYFRAME_PICKUPS_OFFSET + PICKUP_COUNT * 2 * Float.BYTES;
    private static final int KEYFRAME_PLAYERS_OFFSET = KEYFRAME_PLAYER_COUNT_OFFSET + Integer.BYTES;
    private static final int KEYFRAME_PLAYER_LENGTH = 4 * Integer.BYTES;
    static final int MAX_KEYFRAME_LENGTH = KEYFRAME_PLAYERS_OFFSET + MAX_PLAYERS * KEYFRAME_PLAYER_LENGTH;

    private final ArenaServer game;
    private final int roomId;
    private final int tickRateHz;
    private final float dt;
    private long randomState;
    private int keyframeIntervalTicks;
    private final ArrayList<Player> players = new ArrayList<>();
    private final float[] pickupX = new float[PICKUP_COUNT];
    private final float[] pickupY = new float[PICKUP_COUNT];
    private final UnsafeBuffer snapshotBuffer = new UnsafeBuffer(new byte[MAX_SNAPSHOT_LENGTH]);
    private final UnsafeBuffer eventBuffer = new UnsafeBuffer(new byte[EVENT_HEADER_LENGTH + MAX_TEXT_LENGTH]);
    private final UnsafeBuffer keyframeBuffer = new UnsafeBuffer(new byte[MAX_KEYFRAME_LENGTH]);
    private final LagCompensation.View view = new LagCompensation.View();
    private final long tickIntervalUs;
    private Room room;

    /** A player in this arena; attached to its session. */
    static final class Player
    {
        final Arena arena;
        final int sessionId;
        float x;
        float y;
        float dx;
        float dy;
        int score;
        int hitFlash;
        int scoreFlash;
        long hitCooldownUntilTick;
        final long[] inputTicks = new long[INPUT_RING];
        final float[] inputDx = new float[INPUT_RING];
        final float[] inputDy = new float[INPUT_RING];
        long newestInputTick = Long.MIN_VALUE;

        Player(final Arena arena, final int sessionId, final float x, final float y)
        {
            this.arena = arena;
            this.sessionId = sessionId;
            this.x = x;
            this.y = y;
        }
    }

    Arena(final ArenaServer game, final int roomId, final int tickRateHz, final long seed)
    {
        this.game = game;
        this.roomId = roomId;
        this.tickRateHz = tickRateHz;
        this.dt = 1f / tickRateHz;
        this.randomState = seed;
        this.tickIntervalUs = 1_000_000L / tickRateHz;
        for (int i = 0; i < PICKUP_COUNT; i++)
        {
            respawnPickup(i);
        }
    }

    int roomId()
    {
        return roomId;
    }

    int playerCount()
    {
        return players.size();
    }

    /**
     * Record a keyframe every so many ticks (the room must be durable); 0 for none.
     *
     * @param ticks the keyframe interval in ticks.
     */
    void keyframeIntervalTicks(final int ticks)
    {
        this.keyframeIntervalTicks = ticks;
    }

    void room(final Room room)
    {
        this.room = room;
    }

    boolean hasRoom()
    {
        return null != room;
    }

    /**
     * Attach the player of a session that resumed into this arena after a restart (restored sessions come back
     * without their attachment); a member with no player yet gets one.
     *
     * @param session the resumed session, a member of this arena.
     */
    void attachResumed(final Session session)
    {
        for (int i = 0, n = players.size(); i < n; i++)
        {
            if (players.get(i).sessionId == session.sessionId())
            {
                session.attachment(players.get(i));
                return;
            }
        }
        session.attachment(spawn(session.sessionId()));
    }

    /**
     * {@inheritDoc}
     */
    public boolean onJoinRequest(
        final Room room, final Session session, final DirectBuffer buffer, final int offset, final int length)
    {
        return !(session.attachment() instanceof Player) && players.size() < MAX_PLAYERS;
    }

    /**
     * {@inheritDoc}
     */
    public void onJoined(final Room room, final Session session)
    {
        session.attachment(spawn(session.sessionId()));
        game.announce("#" + session.sessionId() + " entered " + roomName(roomId));
    }

    private Player spawn(final int sessionId)
    {
        final float x = PLAYER_RADIUS + (float)nextDouble() * (ARENA_WIDTH - 2 * PLAYER_RADIUS);
        final float y = PLAYER_RADIUS + (float)nextDouble() * (ARENA_HEIGHT - 2 * PLAYER_RADIUS);
        final Player player = new Player(this, sessionId, x, y);
        players.add(player);
        return player;
    }

    /**
     * {@inheritDoc}
     */
    public void onLeft(final Room room, final Session session, final LeaveReason reason)
    {
        final Object attachment = session.attachment();
        if (attachment instanceof Player && ((Player)attachment).arena == this)
        {
            players.remove(attachment);
            session.attachment(null);
        }
        else
        {
            players.removeIf((p) -> p.sessionId == session.sessionId());
        }
    }

    /**
     * {@inheritDoc}
     */
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

    /**
     * {@inheritDoc}
     */
    public int onResync(
        final Room room, final Session session, final MutableDirectBuffer buffer, final int offset, final int maxLength)
    {
        final int count = Math.min(players.size(), (maxLength - Integer.BYTES) / (2 * Integer.BYTES));
        buffer.putInt(offset, count, LITTLE_ENDIAN);
        int position = offset + Integer.BYTES;
        for (int i = 0; i < count; i++)
        {
            final Player player = players.get(i);
            buffer.putInt(position, player.sessionId, LITTLE_ENDIAN);
            buffer.putInt(position + Integer.BYTES, player.score, LITTLE_ENDIAN);
            position += 2 * Integer.BYTES;
        }
        return position - offset;
    }

    /**
     * {@inheritDoc}
     */
    public void onTick(final Room room, final long tick, final long nowNs)
    {
        this.room = room;
        applyInputs(tick);
        move();
        collide(room, tick);
        collect(room);
        final int length = encodeSnapshot();
        room.lagCompensation().record(tick, snapshotBuffer, 0, length);
        room.publishSharedSnapshot(tick, snapshotBuffer, 0, length);
        if (keyframeIntervalTicks > 0 && 0 == tick % keyframeIntervalTicks)
        {
            room.recordKeyframe(keyframeBuffer, 0, writeKeyframe(keyframeBuffer));
        }
        game.onArenaTick(room, tick, length, nowNs);
    }

    /**
     * Encode the arena's state as a keyframe.
     *
     * @param buffer at least {@link #MAX_KEYFRAME_LENGTH} bytes.
     * @return the length written at offset 0.
     */
    int writeKeyframe(final MutableDirectBuffer buffer)
    {
        buffer.putInt(0, KEYFRAME_VERSION, LITTLE_ENDIAN);
        buffer.putLong(KEYFRAME_COUNTER_OFFSET, game.eventCounter(), LITTLE_ENDIAN);
        buffer.putLong(KEYFRAME_RANDOM_OFFSET, randomState, LITTLE_ENDIAN);
        for (int k = 0; k < PICKUP_COUNT; k++)
        {
            buffer.putFloat(KEYFRAME_PICKUPS_OFFSET + k * 2 * Float.BYTES, pickupX[k], LITTLE_ENDIAN);
            buffer.putFloat(KEYFRAME_PICKUPS_OFFSET + (k * 2 + 1) * Float.BYTES, pickupY[k], LITTLE_ENDIAN);
        }
        final int count = players.size();
        buffer.putInt(KEYFRAME_PLAYER_COUNT_OFFSET, count, LITTLE_ENDIAN);
        int position = KEYFRAME_PLAYERS_OFFSET;
        for (int i = 0; i < count; i++)
        {
            final Player p = players.get(i);
            buffer.putInt(position, p.sessionId, LITTLE_ENDIAN);
            buffer.putInt(position + Integer.BYTES, p.score, LITTLE_ENDIAN);
            buffer.putFloat(position + 2 * Integer.BYTES, p.x, LITTLE_ENDIAN);
            buffer.putFloat(position + 3 * Integer.BYTES, p.y, LITTLE_ENDIAN);
            position += KEYFRAME_PLAYER_LENGTH;
        }
        return position;
    }

    /**
     * {@inheritDoc}
     */
    public void onRestoreKeyframe(
        final Room room, final long seq, final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < KEYFRAME_PLAYERS_OFFSET || KEYFRAME_VERSION != buffer.getInt(offset, LITTLE_ENDIAN))
        {
            throw new IllegalStateException(roomName(roomId) + ": not an arena keyframe, length " + length);
        }
        game.restoredEventCounter(buffer.getLong(offset + KEYFRAME_COUNTER_OFFSET, LITTLE_ENDIAN));
        randomState = buffer.getLong(offset + KEYFRAME_RANDOM_OFFSET, LITTLE_ENDIAN);
        for (int k = 0; k < PICKUP_COUNT; k++)
        {
            pickupX[k] = buffer.getFloat(offset + KEYFRAME_PICKUPS_OFFSET + k * 2 * Float.BYTES, LITTLE_ENDIAN);
            pickupY[k] = buffer.getFloat(offset + KEYFRAME_PICKUPS_OFFSET + (k * 2 + 1) * Float.BYTES, LITTLE_ENDIAN);
        }
        final int count = buffer.getInt(offset + KEYFRAME_PLAYER_COUNT_OFFSET, LITTLE_ENDIAN);
        if (count < 0 || KEYFRAME_PLAYERS_OFFSET + (long)count * KEYFRAME_PLAYER_LENGTH > length)
        {
            throw new IllegalStateException(roomName(roomId) + ": keyframe of " + count + " players in " + length);
        }
        players.clear();
        int position = offset + KEYFRAME_PLAYERS_OFFSET;
        for (int i = 0; i < count; i++)
        {
            final Player p = new Player(this, buffer.getInt(position, LITTLE_ENDIAN),
                buffer.getFloat(position + 2 * Integer.BYTES, LITTLE_ENDIAN),
                buffer.getFloat(position + 3 * Integer.BYTES, LITTLE_ENDIAN));
            p.score = buffer.getInt(position + Integer.BYTES, LITTLE_ENDIAN);
            players.add(p);
            position += KEYFRAME_PLAYER_LENGTH;
        }
    }

    /**
     * {@inheritDoc}
     */
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
        if ((flags & FrameHeaderFlyweight.FLAG_SYSTEM) != 0)
        {
            final int sessionId = buffer.getInt(offset, LITTLE_ENDIAN);
            if (SystemEvent.MEMBER_JOINED == typeId)
            {
                spawn(sessionId);
            }
            else if (SystemEvent.MEMBER_LEFT == typeId)
            {
                players.removeIf((p) -> p.sessionId == sessionId);
            }
            return;
        }
        if (length < EVENT_HEADER_LENGTH)
        {
            return;
        }
        if (0 == origin(buffer, offset))
        {
            game.restoredEventCounter(counter(buffer, offset));
        }
        if (HIT_TYPE_ID == typeId && length >= HIT_LENGTH)
        {
            final Player attacker = player(buffer.getInt(offset + HIT_ATTACKER_OFFSET, LITTLE_ENDIAN));
            if (null != attacker)
            {
                attacker.score++;
            }
        }
        else if (PICKUP_TYPE_ID == typeId && length >= PICKUP_LENGTH)
        {
            final Player p = player(buffer.getInt(offset + PICKUP_PLAYER_OFFSET, LITTLE_ENDIAN));
            if (null != p)
            {
                p.score = buffer.getInt(offset + PICKUP_SCORE_OFFSET, LITTLE_ENDIAN);
            }
            final int pickup = buffer.getInt(offset + PICKUP_ID_OFFSET, LITTLE_ENDIAN);
            if (pickup >= 0 && pickup < PICKUP_COUNT)
            {
                respawnPickup(pickup);
            }
        }
        else if (SHOT_TYPE_ID == typeId && length >= SHOT_LENGTH &&
            0 != buffer.getInt(offset + SHOT_TARGET_OFFSET, LITTLE_ENDIAN))
        {
            final Player shooter = player(buffer.getInt(offset + SHOT_SHOOTER_OFFSET, LITTLE_ENDIAN));
            if (null != shooter)
            {
                shooter.score++;
            }
        }
    }

    /**
     * @return the arena's state that a restart restores exactly: the random state, each player's id and score
     * (sorted by id) and each coin's position; the players' positions are left out (a restart has the keyframe's).
     */
    String describe()
    {
        final StringBuilder sb = new StringBuilder(roomName(roomId)).append(" random ").append(randomState)
            .append(" players");
        players.stream().sorted((a, b) -> Integer.compare(a.sessionId, b.sessionId))
            .forEach((p) -> sb.append(" #").append(p.sessionId).append('=').append(p.score));
        sb.append(" coins");
        for (int k = 0; k < PICKUP_COUNT; k++)
        {
            sb.append(' ').append(pickupX[k]).append(',').append(pickupY[k]);
        }
        return sb.toString();
    }

    private Player player(final int sessionId)
    {
        for (int i = 0, n = players.size(); i < n; i++)
        {
            if (players.get(i).sessionId == sessionId)
            {
                return players.get(i);
            }
        }
        return null;
    }

    void onInput(
        final Player player,
        final Session session,
        final long inputTick,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        if (length < INPUT_LENGTH)
        {
            return;
        }
        final int slot = (int)Math.floorMod(inputTick, (long)INPUT_RING);
        player.inputTicks[slot] = inputTick;
        player.inputDx[slot] = buffer.getByte(offset + INPUT_DX_OFFSET) / 127f;
        player.inputDy[slot] = buffer.getByte(offset + INPUT_DY_OFFSET) / 127f;
        player.newestInputTick = inputTick;
        if (length >= SHOT_INPUT_LENGTH && null != room)
        {
            judgeShot(player, session, inputTick, buffer, offset);
        }
    }

    /**
     * Each player's input for this tick; a player whose inputs are not for the room's ticks (no tick clock, or
     * far out) steers by its newest.
     */
    private void applyInputs(final long tick)
    {
        for (int i = 0, n = players.size(); i < n; i++)
        {
            final Player p = players.get(i);
            if (Long.MIN_VALUE == p.newestInputTick)
            {
                continue;
            }
            final long lead = p.newestInputTick - tick;
            long use = lead >= 0 && lead < INPUT_RING ? tick : p.newestInputTick;
            for (int back = 0; back < INPUT_RING && use - back >= 0; back++)
            {
                final int slot = (int)Math.floorMod(use - back, (long)INPUT_RING);
                if (p.inputTicks[slot] == use - back)
                {
                    p.dx = p.inputDx[slot];
                    p.dy = p.inputDy[slot];
                    break;
                }
            }
        }
    }

    private void judgeShot(
        final Player shooter, final Session session, final long inputTick, final DirectBuffer buffer, final int offset)
    {
        final LagCompensation history = room.lagCompensation();
        if (history.rewind(session, room.tick(), view) < 0)
        {
            return;
        }
        final float aimX = buffer.getFloat(offset + INPUT_AIM_X_OFFSET, LITTLE_ENDIAN);
        final float aimY = buffer.getFloat(offset + INPUT_AIM_Y_OFFSET, LITTLE_ENDIAN);
        final int claimed = buffer.getInt(offset + INPUT_CLAIMED_TARGET_OFFSET, LITTLE_ENDIAN);
        final int target = hitscan(view.fromBuffer(), view.toBuffer(), view.blend(), shooter.sessionId, aimX, aimY);
        final long depthUs = (long)(view.depthTicks() * tickIntervalUs);
        game.onShotJudged(target == claimed, depthUs);
        if (0 != target)
        {
            shooter.score++;
            shooter.scoreFlash = HIT_FLASH_TICKS;
            for (int i = 0, n = players.size(); i < n; i++)
            {
                if (players.get(i).sessionId == target)
                {
                    players.get(i).hitFlash = HIT_FLASH_TICKS;
                }
            }
        }
        putHeader(eventBuffer, 0, game.nextEventCounter());
        eventBuffer.putInt(SHOT_SHOOTER_OFFSET, shooter.sessionId, LITTLE_ENDIAN);
        eventBuffer.putInt(SHOT_TARGET_OFFSET, target, LITTLE_ENDIAN);
        eventBuffer.putLong(SHOT_INPUT_TICK_OFFSET, inputTick, LITTLE_ENDIAN);
        eventBuffer.putInt(SHOT_DEPTH_US_OFFSET, (int)Math.min(Integer.MAX_VALUE, depthUs), LITTLE_ENDIAN);
        room.broadcast(SHOT_TYPE_ID, eventBuffer, 0, SHOT_LENGTH);
    }

    private void move()
    {
        for (int i = 0, n = players.size(); i < n; i++)
        {
            final Player p = players.get(i);
            float dx = p.dx;
            float dy = p.dy;
            final float magnitude = (float)Math.sqrt(dx * dx + dy * dy);
            if (magnitude > 1f)
            {
                dx /= magnitude;
                dy /= magnitude;
            }
            p.x = clamp(p.x + dx * PLAYER_SPEED * dt, PLAYER_RADIUS, ARENA_WIDTH - PLAYER_RADIUS);
            p.y = clamp(p.y + dy * PLAYER_SPEED * dt, PLAYER_RADIUS, ARENA_HEIGHT - PLAYER_RADIUS);
            if (p.hitFlash > 0)
            {
                p.hitFlash--;
            }
            if (p.scoreFlash > 0)
            {
                p.scoreFlash--;
            }
        }
    }

    private void collide(final Room room, final long tick)
    {
        final float minDistance = 2 * PLAYER_RADIUS;
        for (int i = 0, n = players.size(); i < n; i++)
        {
            final Player a = players.get(i);
            for (int j = i + 1; j < n; j++)
            {
                final Player b = players.get(j);
                final float ex = b.x - a.x;
                final float ey = b.y - a.y;
                final float distanceSquared = ex * ex + ey * ey;
                if (distanceSquared >= minDistance * minDistance)
                {
                    continue;
                }
                final float distance = Math.max((float)Math.sqrt(distanceSquared), 0.001f);
                final float nx = ex / distance;
                final float ny = ey / distance;
                final float push = (minDistance - distance) / 2 + 1f;
                a.x = clamp(a.x - nx * push, PLAYER_RADIUS, ARENA_WIDTH - PLAYER_RADIUS);
                a.y = clamp(a.y - ny * push, PLAYER_RADIUS, ARENA_HEIGHT - PLAYER_RADIUS);
                b.x = clamp(b.x + nx * push, PLAYER_RADIUS, ARENA_WIDTH - PLAYER_RADIUS);
                b.y = clamp(b.y + ny * push, PLAYER_RADIUS, ARENA_HEIGHT - PLAYER_RADIUS);

                final float approachA = a.dx * nx + a.dy * ny;
                final float approachB = -(b.dx * nx + b.dy * ny);
                final Player attacker = approachA >= approachB ? a : b;
                final Player victim = attacker == a ? b : a;
                if (tick >= attacker.hitCooldownUntilTick)
                {
                    attacker.hitCooldownUntilTick = tick + tickRateHz;
                    attacker.score++;
                    attacker.scoreFlash = HIT_FLASH_TICKS;
                    victim.hitFlash = HIT_FLASH_TICKS;
                    putHeader(eventBuffer, 0, game.nextEventCounter());
                    eventBuffer.putInt(HIT_ATTACKER_OFFSET, attacker.sessionId, LITTLE_ENDIAN);
                    eventBuffer.putInt(HIT_VICTIM_OFFSET, victim.sessionId, LITTLE_ENDIAN);
                    room.broadcast(HIT_TYPE_ID, eventBuffer, 0, HIT_LENGTH);
                }
            }
        }
    }

    private void collect(final Room room)
    {
        final float reach = PLAYER_RADIUS + PICKUP_RADIUS;
        for (int i = 0, n = players.size(); i < n; i++)
        {
            final Player p = players.get(i);
            for (int k = 0; k < PICKUP_COUNT; k++)
            {
                final float ex = pickupX[k] - p.x;
                final float ey = pickupY[k] - p.y;
                if (ex * ex + ey * ey < reach * reach)
                {
                    p.score++;
                    p.scoreFlash = HIT_FLASH_TICKS;
                    putHeader(eventBuffer, 0, game.nextEventCounter());
                    eventBuffer.putInt(PICKUP_PLAYER_OFFSET, p.sessionId, LITTLE_ENDIAN);
                    eventBuffer.putInt(PICKUP_ID_OFFSET, k, LITTLE_ENDIAN);
                    eventBuffer.putInt(PICKUP_SCORE_OFFSET, p.score, LITTLE_ENDIAN);
                    room.broadcast(PICKUP_TYPE_ID, eventBuffer, 0, PICKUP_LENGTH);
                    respawnPickup(k);
                }
            }
        }
    }

    private void respawnPickup(final int index)
    {
        final float margin = 3 * PICKUP_RADIUS;
        pickupX[index] = margin + (float)nextDouble() * (ARENA_WIDTH - 2 * margin);
        pickupY[index] = margin + (float)nextDouble() * (ARENA_HEIGHT - 2 * margin);
    }

    /**
     * SplitMix64, with its state kept in a field so that a keyframe can carry it.
     */
    private double nextDouble()
    {
        randomState += 0x9E3779B97F4A7C15L;
        long z = randomState;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (z >>> 11) * 0x1.0p-53;
    }

    private int encodeSnapshot()
    {
        final UnsafeBuffer buffer = snapshotBuffer;
        final int count = players.size() + PICKUP_COUNT;
        buffer.putShort(SNAPSHOT_COUNT_OFFSET, (short)count, LITTLE_ENDIAN);
        buffer.putShort(SNAPSHOT_TICK_RATE_OFFSET, (short)tickRateHz, LITTLE_ENDIAN);
        buffer.putShort(SNAPSHOT_WIDTH_OFFSET, (short)ARENA_WIDTH, LITTLE_ENDIAN);
        buffer.putShort(SNAPSHOT_HEIGHT_OFFSET, (short)ARENA_HEIGHT, LITTLE_ENDIAN);
        int position = SNAPSHOT_HEADER_LENGTH;
        for (int i = 0, n = players.size(); i < n; i++)
        {
            final Player p = players.get(i);
            final int flags = (p.hitFlash > 0 ? FLAG_HIT : 0) | (p.scoreFlash > 0 ? FLAG_SCORED : 0);
            position = putEntity(buffer, position, p.sessionId, KIND_PLAYER, flags, p.score, p.x, p.y);
        }
        for (int k = 0; k < PICKUP_COUNT; k++)
        {
            position = putEntity(buffer, position, k, KIND_PICKUP, 0, 0, pickupX[k], pickupY[k]);
        }
        return position;
    }

    private static int putEntity(
        final UnsafeBuffer buffer,
        final int position,
        final int id,
        final int kind,
        final int flags,
        final int score,
        final float x,
        final float y)
    {
        buffer.putInt(position + ENTITY_ID_OFFSET, id, LITTLE_ENDIAN);
        buffer.putByte(position + ENTITY_KIND_OFFSET, (byte)kind);
        buffer.putByte(position + ENTITY_FLAGS_OFFSET, (byte)flags);
        buffer.putShort(position + ENTITY_SCORE_OFFSET, (short)Math.min(score, 0xFFFF), LITTLE_ENDIAN);
        buffer.putFloat(position + ENTITY_X_OFFSET, x, LITTLE_ENDIAN);
        buffer.putFloat(position + ENTITY_Y_OFFSET, y, LITTLE_ENDIAN);
        return position + ENTITY_LENGTH;
    }
}
