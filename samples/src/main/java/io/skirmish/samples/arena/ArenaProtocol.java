package io.skirmish.samples.arena;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The demo game's own wire format, carried as raw payloads by the engine: room ids, event type ids, and the layout
 * of events, inputs and snapshots. Every field is little-endian.
 * <p>
 * Every room event starts with the same 12-byte header: the session that caused it (0 for the server) and that
 * origin's own counter, so a receiver can check order and uniqueness per origin independently of the room's seq.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                     Origin Session Id                         |
 *  +---------------------------------------------------------------+
 *  |                       Origin Counter                          |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |  Body: CHAT/ANNOUNCE UTF-8 text; HIT attacker, victim;        ...
 *  |        PICKUP player, pickup id, score                        ...
 *  +---------------------------------------------------------------+
 * </pre>
 * A snapshot is an 8-byte header (entity count, tick rate in Hz, arena width and height, all u16) followed by
 * 16 bytes per entity:
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                           Entity Id                           |
 *  +---------------+---------------+-------------------------------+
 *  |     Kind      |     Flags     |             Score             |
 *  +---------------+---------------+-------------------------------+
 *  |                          X (float)                            |
 *  +---------------------------------------------------------------+
 *  |                          Y (float)                            |
 *  +---------------------------------------------------------------+
 * </pre>
 * An input is two signed bytes: the direction the player wants to move in, each axis in [-127, 127]; a shot adds
 * the crosshair (two floats) and the player the shooter's own hit test found there (0: none). The server judges a
 * shot with the hitscan at the crosshair in the world as the shooter rendered it (lag compensation: the render view
 * travels with the input) and tells the room the verdict in a SHOT event.
 */
public final class ArenaProtocol
{
    /** The lobby: chat only, no tick. */
    public static final int LOBBY_ROOM_ID = 1;
    /** Room id of the first arena; arena {@code i} is {@code FIRST_ARENA_ROOM_ID + i}. */
    public static final int FIRST_ARENA_ROOM_ID = 2;

    /** Chat text emitted by a client. */
    public static final int CHAT_TYPE_ID = 1;
    /** A player ran into another one (server event). */
    public static final int HIT_TYPE_ID = 2;
    /** A player picked up a coin (server event). */
    public static final int PICKUP_TYPE_ID = 3;
    /** A server announcement in the lobby (server event). */
    public static final int ANNOUNCE_TYPE_ID = 4;
    /** The server's verdict on a shot (server event). */
    public static final int SHOT_TYPE_ID = 5;

    /** Offset of the origin session id in every event. */
    public static final int ORIGIN_OFFSET = 0;
    /** Offset of the origin's counter in every event. */
    public static final int COUNTER_OFFSET = ORIGIN_OFFSET + Integer.BYTES;
    /** Length of the common event header. */
    public static final int EVENT_HEADER_LENGTH = COUNTER_OFFSET + Long.BYTES;
    /** Longest chat text in bytes. */
    public static final int MAX_TEXT_LENGTH = 200;

    /** Offset of the attacker in a HIT event. */
    public static final int HIT_ATTACKER_OFFSET = EVENT_HEADER_LENGTH;
    /** Offset of the victim in a HIT event. */
    public static final int HIT_VICTIM_OFFSET = HIT_ATTACKER_OFFSET + Integer.BYTES;
    /** Length of a HIT event. */
    public static final int HIT_LENGTH = HIT_VICTIM_OFFSET + Integer.BYTES;

    /** Offset of the player in a PICKUP event. */
    public static final int PICKUP_PLAYER_OFFSET = EVENT_HEADER_LENGTH;
    /** Offset of the pickup id in a PICKUP event. */
    public static final int PICKUP_ID_OFFSET = PICKUP_PLAYER_OFFSET + Integer.BYTES;
    /** Offset of the player's new score in a PICKUP event. */
    public static final int PICKUP_SCORE_OFFSET = PICKUP_ID_OFFSET + Integer.BYTES;
    /** Length of a PICKUP event. */
    public static final int PICKUP_LENGTH = PICKUP_SCORE_OFFSET + Integer.BYTES;

    /** Offset of the x direction in an input. */
    public static final int INPUT_DX_OFFSET = 0;
    /** Offset of the y direction in an input. */
    public static final int INPUT_DY_OFFSET = 1;
    /** Length of an input. */
    public static final int INPUT_LENGTH = 2;
    /** Offset of the crosshair's x in a shot input. */
    public static final int INPUT_AIM_X_OFFSET = 2;
    /** Offset of the crosshair's y in a shot input. */
    public static final int INPUT_AIM_Y_OFFSET = 6;
    /** Offset of the player the shooter's own hit test found (0: a miss) in a shot input. */
    public static final int INPUT_CLAIMED_TARGET_OFFSET = 10;
    /** Length of an input with a shot. */
    public static final int SHOT_INPUT_LENGTH = 14;

    /** Offset of the shooter in a SHOT event. */
    public static final int SHOT_SHOOTER_OFFSET = EVENT_HEADER_LENGTH;
    /** Offset of the player hit (0: a miss) in a SHOT event. */
    public static final int SHOT_TARGET_OFFSET = SHOT_SHOOTER_OFFSET + Integer.BYTES;
    /** Offset of the shot's input tick in a SHOT event. */
    public static final int SHOT_INPUT_TICK_OFFSET = SHOT_TARGET_OFFSET + Integer.BYTES;
    /** Offset of the rewind depth in a SHOT event, in microseconds. */
    public static final int SHOT_DEPTH_US_OFFSET = SHOT_INPUT_TICK_OFFSET + Long.BYTES;
    /** Length of a SHOT event. */
    public static final int SHOT_LENGTH = SHOT_DEPTH_US_OFFSET + Integer.BYTES;
    /** Radius of the hitscan at the crosshair, added to the player's radius. */
    public static final float SHOT_RADIUS = 2f;

    /** Offset of the entity count in a snapshot. */
    public static final int SNAPSHOT_COUNT_OFFSET = 0;
    /** Offset of the tick rate in a snapshot. */
    public static final int SNAPSHOT_TICK_RATE_OFFSET = 2;
    /** Offset of the arena width in a snapshot. */
    public static final int SNAPSHOT_WIDTH_OFFSET = 4;
    /** Offset of the arena height in a snapshot. */
    public static final int SNAPSHOT_HEIGHT_OFFSET = 6;
    /** Length of the snapshot header. */
    public static final int SNAPSHOT_HEADER_LENGTH = 8;
    /** Offset of the id within an entity. */
    public static final int ENTITY_ID_OFFSET = 0;
    /** Offset of the kind within an entity. */
    public static final int ENTITY_KIND_OFFSET = 4;
    /** Offset of the flags within an entity. */
    public static final int ENTITY_FLAGS_OFFSET = 5;
    /** Offset of the score within an entity. */
    public static final int ENTITY_SCORE_OFFSET = 6;
    /** Offset of x within an entity. */
    public static final int ENTITY_X_OFFSET = 8;
    /** Offset of y within an entity. */
    public static final int ENTITY_Y_OFFSET = 12;
    /** Length of one entity. */
    public static final int ENTITY_LENGTH = 16;

    /** Entity kind of a player; its id is the session id. */
    public static final int KIND_PLAYER = 1;
    /** Entity kind of a coin. */
    public static final int KIND_PICKUP = 2;
    /** Entity flag: the player was hit a moment ago. */
    public static final int FLAG_HIT = 1;
    /** Entity flag: the player just scored. */
    public static final int FLAG_SCORED = 2;

    /** Most players an arena admits. */
    public static final int MAX_PLAYERS = 256;
    /** Coins in an arena. */
    public static final int PICKUP_COUNT = 7;
    /** Longest snapshot in bytes: the header, every player and every coin. */
    public static final int MAX_SNAPSHOT_LENGTH = SNAPSHOT_HEADER_LENGTH + (MAX_PLAYERS + PICKUP_COUNT) * ENTITY_LENGTH;

    /** Arena width in world units. */
    public static final int ARENA_WIDTH = 1000;
    /** Arena height in world units. */
    public static final int ARENA_HEIGHT = 640;
    /** Player radius in world units. */
    public static final float PLAYER_RADIUS = 16f;
    /** Coin radius in world units. */
    public static final float PICKUP_RADIUS = 9f;
    /** Player speed in world units per second. */
    public static final float PLAYER_SPEED = 220f;

    private ArenaProtocol()
    {
    }

    /**
     * @param arenaIndex from 0.
     * @return the arena's room id.
     */
    public static int arenaRoomId(final int arenaIndex)
    {
        return FIRST_ARENA_ROOM_ID + arenaIndex;
    }

    /**
     * @param roomId a room id.
     * @return true for an arena room.
     */
    public static boolean isArena(final int roomId)
    {
        return roomId >= FIRST_ARENA_ROOM_ID;
    }

    /**
     * @param roomId a room id.
     * @return a short display name.
     */
    public static String roomName(final int roomId)
    {
        return LOBBY_ROOM_ID == roomId ? "lobby" : "arena-" + (roomId - FIRST_ARENA_ROOM_ID + 1);
    }

    /**
     * Write the common event header.
     *
     * @param buffer  to write into, at offset 0.
     * @param origin  session id of the origin, 0 for the server.
     * @param counter the origin's own event counter.
     */
    public static void putHeader(final MutableDirectBuffer buffer, final int origin, final long counter)
    {
        buffer.putInt(ORIGIN_OFFSET, origin, LITTLE_ENDIAN);
        buffer.putLong(COUNTER_OFFSET, counter, LITTLE_ENDIAN);
    }

    /**
     * Encode a text event (CHAT or ANNOUNCE) at offset 0.
     *
     * @param buffer  to write into; needs {@link #EVENT_HEADER_LENGTH} + {@link #MAX_TEXT_LENGTH} bytes.
     * @param origin  session id of the origin, 0 for the server.
     * @param counter the origin's own event counter.
     * @param text    the text, truncated to {@link #MAX_TEXT_LENGTH} bytes.
     * @return encoded length.
     */
    public static int encodeText(
        final MutableDirectBuffer buffer, final int origin, final long counter, final String text)
    {
        putHeader(buffer, origin, counter);
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        final int length = Math.min(bytes.length, MAX_TEXT_LENGTH);
        buffer.putBytes(EVENT_HEADER_LENGTH, bytes, 0, length);
        return EVENT_HEADER_LENGTH + length;
    }

    /**
     * @param buffer holding an event.
     * @param offset of the event.
     * @return its origin session id.
     */
    public static int origin(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + ORIGIN_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param buffer holding an event.
     * @param offset of the event.
     * @return its origin counter.
     */
    public static long counter(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + COUNTER_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * Check that an event a client emitted is a well-formed chat line from that client.
     *
     * @param senderSessionId the emitting session.
     * @param typeId          the event's type id.
     * @param buffer          payload.
     * @param offset          of the payload.
     * @param length          of the payload.
     * @return true to let the server relay it.
     */
    public static boolean isValidChat(
        final int senderSessionId, final int typeId, final DirectBuffer buffer, final int offset, final int length)
    {
        return CHAT_TYPE_ID == typeId &&
            length >= EVENT_HEADER_LENGTH &&
            length <= EVENT_HEADER_LENGTH + MAX_TEXT_LENGTH &&
            origin(buffer, offset) == senderSessionId;
    }

    /**
     * Describe an event for a chat log (cold path, allocates).
     *
     * @param typeId the event's type id.
     * @param buffer payload.
     * @param offset of the payload.
     * @param length of the payload.
     * @return one line of text.
     */
    public static String describe(final int typeId, final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < EVENT_HEADER_LENGTH)
        {
            return "?";
        }
        final int origin = origin(buffer, offset);
        switch (typeId)
        {
            case CHAT_TYPE_ID:
                return "#" + origin + ": " + text(buffer, offset, length);
            case ANNOUNCE_TYPE_ID:
                return "* " + text(buffer, offset, length);
            case HIT_TYPE_ID:
                return length < HIT_LENGTH ? "?" : "#" + buffer.getInt(offset + HIT_ATTACKER_OFFSET, LITTLE_ENDIAN) +
                    " bumped #" + buffer.getInt(offset + HIT_VICTIM_OFFSET, LITTLE_ENDIAN);
            case PICKUP_TYPE_ID:
                return length < PICKUP_LENGTH ? "?" :
                    "#" + buffer.getInt(offset + PICKUP_PLAYER_OFFSET, LITTLE_ENDIAN) + " picked up a coin (score " +
                    buffer.getInt(offset + PICKUP_SCORE_OFFSET, LITTLE_ENDIAN) + ")";
            case SHOT_TYPE_ID:
                return length < SHOT_LENGTH ? "?" : "#" + buffer.getInt(offset + SHOT_SHOOTER_OFFSET, LITTLE_ENDIAN) +
                    (0 == buffer.getInt(offset + SHOT_TARGET_OFFSET, LITTLE_ENDIAN) ? " missed" :
                    " shot #" + buffer.getInt(offset + SHOT_TARGET_OFFSET, LITTLE_ENDIAN)) + " (judged " +
                    buffer.getInt(offset + SHOT_DEPTH_US_OFFSET, LITTLE_ENDIAN) / 1000 + " ms back)";
            default:
                return "event type " + typeId;
        }
    }

    /**
     * @param buffer holding a text event.
     * @param offset of the event.
     * @param length of the event.
     * @return the text.
     */
    public static String text(final DirectBuffer buffer, final int offset, final int length)
    {
        final int textLength = Math.max(0, Math.min(length - EVENT_HEADER_LENGTH, MAX_TEXT_LENGTH));
        final byte[] bytes = new byte[textLength];
        buffer.getBytes(offset + EVENT_HEADER_LENGTH, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * Encode an input.
     *
     * @param buffer to write into at offset 0.
     * @param dx     x direction in [-1, 1].
     * @param dy     y direction in [-1, 1].
     * @return encoded length.
     */
    public static int encodeInput(final MutableDirectBuffer buffer, final float dx, final float dy)
    {
        buffer.putByte(INPUT_DX_OFFSET, (byte)Math.round(clamp(dx, -1f, 1f) * 127f));
        buffer.putByte(INPUT_DY_OFFSET, (byte)Math.round(clamp(dy, -1f, 1f) * 127f));
        return INPUT_LENGTH;
    }

    /**
     * Encode an input with a shot.
     *
     * @param buffer        to write into at offset 0.
     * @param dx            x direction in [-1, 1].
     * @param dy            y direction in [-1, 1].
     * @param aimX          the crosshair's x.
     * @param aimY          the crosshair's y.
     * @param claimedTarget the player the shooter's own hit test found, 0 for none.
     * @return encoded length.
     */
    public static int encodeShotInput(
        final MutableDirectBuffer buffer,
        final float dx,
        final float dy,
        final float aimX,
        final float aimY,
        final int claimedTarget)
    {
        encodeInput(buffer, dx, dy);
        buffer.putFloat(INPUT_AIM_X_OFFSET, aimX, LITTLE_ENDIAN);
        buffer.putFloat(INPUT_AIM_Y_OFFSET, aimY, LITTLE_ENDIAN);
        buffer.putInt(INPUT_CLAIMED_TARGET_OFFSET, claimedTarget, LITTLE_ENDIAN);
        return SHOT_INPUT_LENGTH;
    }

    /**
     * The hitscan at the crosshair, in a world blended between two snapshots as the client renders it: the first
     * player other than the shooter within reach of the crosshair.
     *
     * @param from    the older snapshot.
     * @param to      the newer snapshot (the same as from when not blending).
     * @param blend   from the older towards the newer, in [0, 1).
     * @param shooter the shooter's session id (never its own target).
     * @param aimX    the crosshair's x.
     * @param aimY    the crosshair's y.
     * @return the session id of the player hit, 0 for a miss.
     */
    public static int hitscan(
        final DirectBuffer from,
        final DirectBuffer to,
        final double blend,
        final int shooter,
        final float aimX,
        final float aimY)
    {
        final int count = from.capacity() >= SNAPSHOT_HEADER_LENGTH ?
            from.getShort(SNAPSHOT_COUNT_OFFSET, LITTLE_ENDIAN) & 0xFFFF : 0;
        final float reach = PLAYER_RADIUS + SHOT_RADIUS;
        for (int i = 0; i < count && SNAPSHOT_HEADER_LENGTH + (i + 1) * ENTITY_LENGTH <= from.capacity(); i++)
        {
            final int position = SNAPSHOT_HEADER_LENGTH + i * ENTITY_LENGTH;
            final int id = from.getInt(position + ENTITY_ID_OFFSET, LITTLE_ENDIAN);
            if (KIND_PLAYER != from.getByte(position + ENTITY_KIND_OFFSET) || id == shooter)
            {
                continue;
            }
            double x = from.getFloat(position + ENTITY_X_OFFSET, LITTLE_ENDIAN);
            double y = from.getFloat(position + ENTITY_Y_OFFSET, LITTLE_ENDIAN);
            final int toPosition = find(to, id);
            if (toPosition >= 0)
            {
                x += (to.getFloat(toPosition + ENTITY_X_OFFSET, LITTLE_ENDIAN) - x) * blend;
                y += (to.getFloat(toPosition + ENTITY_Y_OFFSET, LITTLE_ENDIAN) - y) * blend;
            }
            final double ex = aimX - x;
            final double ey = aimY - y;
            if (ex * ex + ey * ey < reach * reach)
            {
                return id;
            }
        }
        return 0;
    }

    /**
     * @param snapshot a snapshot.
     * @param playerId a player's session id.
     * @return offset of that player's entity, -1 when absent.
     */
    public static int find(final DirectBuffer snapshot, final int playerId)
    {
        final int count = snapshot.capacity() >= SNAPSHOT_HEADER_LENGTH ?
            snapshot.getShort(SNAPSHOT_COUNT_OFFSET, LITTLE_ENDIAN) & 0xFFFF : 0;
        for (int i = 0; i < count && SNAPSHOT_HEADER_LENGTH + (i + 1) * ENTITY_LENGTH <= snapshot.capacity(); i++)
        {
            final int position = SNAPSHOT_HEADER_LENGTH + i * ENTITY_LENGTH;
            if (KIND_PLAYER == snapshot.getByte(position + ENTITY_KIND_OFFSET) &&
                snapshot.getInt(position + ENTITY_ID_OFFSET, LITTLE_ENDIAN) == playerId)
            {
                return position;
            }
        }
        return -1;
    }

    /**
     * @param value a value.
     * @param min   lower bound.
     * @param max   upper bound.
     * @return the value within the bounds.
     */
    public static float clamp(final float value, final float min, final float max)
    {
        return value < min ? min : Math.min(value, max);
    }
}
