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
 * An input is two signed bytes: the direction the player wants to move in, each axis in [-127, 127].
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
