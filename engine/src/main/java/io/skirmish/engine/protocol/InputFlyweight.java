package io.skirmish.engine.protocol;

/**
 * INPUT, client to server on the unreliable lane: the newest N inputs (redundancy against loss), newest first, and
 * the newest snapshot tick the client has delivered, with the room it belongs to. The server takes that tick as the
 * member's delta baseline for that room (a piggybacked copy of {@link SnapshotAckFlyweight}'s entry); an acked room
 * id of 0 carries no per-room ack.
 * <p>
 * Each entry also says what the client was rendering when it produced the input: the two snapshot ticks it blended,
 * as distances back from the entry's tick ({@code from = tick - From Back}, {@code to = from + Span}; a From Back of
 * {@link #NO_RENDER} means none), and the blend between them in 1/65536ths, so the server can rewind to exactly that
 * view.
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                       Header (8 bytes)                        |
 *  +---------------------------------------------------------------+
 *  |                     Acked Snapshot Tick (64)                  |
 *  +---------------------------------------------------------------+
 *  |                    Newest Input Tick (64)                     |
 *  +---------------------------------------------------------------+
 *  |                       Input Count (32)                        |
 *  +---------------------------------------------------------------+
 *  |                       Acked Room Id (32)                      |
 *  +-------------------------------+-------------------------------+
 *  |     Entry 0 Length (16)       |   Entry 0 Render From Back (16)|
 *  +-------------------------------+-------------------------------+
 *  |   Entry 0 Render Span (16)    |  Entry 0 Render Blend (16)    |
 *  +-------------------------------+-------------------------------+
 *  |                 Entry 0 bytes (tick = newest)                ...
 *  +-------------------------------+-------------------------------+
 *  |     Entry 1 Length (16)       |   Entry 1 Render From Back (16)|
 *  +-------------------------------+-------------------------------+
 *  |                       Entry 1 ... (tick = newest - 1)        ...
 * </pre>
 */
public final class InputFlyweight extends FrameHeaderFlyweight
{
    /** Acked tick value when no snapshot was received yet. */
    public static final long NO_TICK = -1;

    /** Offset of the acked snapshot tick. */
    public static final int ACK_TICK_OFFSET = 8;
    /** Offset of the newest input tick. */
    public static final int NEWEST_INPUT_TICK_OFFSET = 16;
    /** Offset of the number of inputs. */
    public static final int COUNT_OFFSET = 24;
    /** Offset of the room id the acked snapshot tick belongs to (0: none). */
    public static final int ACK_ROOM_ID_OFFSET = 28;
    /** Offset of the first entry. */
    public static final int ENTRIES_OFFSET = 32;
    /** Length of an entry's header (length and render view). */
    public static final int ENTRY_HEADER_LENGTH = 8;
    /** Offset of the render From Back within an entry header. */
    public static final int ENTRY_RENDER_FROM_BACK_OFFSET = 2;
    /** Offset of the render Span within an entry header. */
    public static final int ENTRY_RENDER_SPAN_OFFSET = 4;
    /** Offset of the render Blend within an entry header. */
    public static final int ENTRY_RENDER_BLEND_OFFSET = 6;
    /** Render From Back of an entry that carries no render view. */
    public static final int NO_RENDER = 0xFFFF;
    /** Blend units per 1.0. */
    public static final int BLEND_ONE = 65536;

    /**
     * @return newest snapshot tick received by the client, or {@link #NO_TICK}.
     */
    public long ackTick()
    {
        return getLong(ACK_TICK_OFFSET);
    }

    /**
     * @param tick newest snapshot tick received.
     * @return this for a fluent API.
     */
    public InputFlyweight ackTick(final long tick)
    {
        putLong(ACK_TICK_OFFSET, tick);
        return this;
    }

    /**
     * @return tick of the first (newest) entry.
     */
    public long newestInputTick()
    {
        return getLong(NEWEST_INPUT_TICK_OFFSET);
    }

    /**
     * @param tick of the newest entry.
     * @return this for a fluent API.
     */
    public InputFlyweight newestInputTick(final long tick)
    {
        putLong(NEWEST_INPUT_TICK_OFFSET, tick);
        return this;
    }

    /**
     * @return number of entries as declared.
     */
    public int count()
    {
        return getInt(COUNT_OFFSET);
    }

    /**
     * Set the entry count; also clears the acked room id (set it afterwards with {@link #ackRoomId(int)}).
     *
     * @param count number of entries.
     * @return this for a fluent API.
     */
    public InputFlyweight count(final int count)
    {
        putInt(COUNT_OFFSET, count);
        putInt(ACK_ROOM_ID_OFFSET, 0);
        return this;
    }

    /**
     * @return the room the acked snapshot tick belongs to, 0 when none.
     */
    public int ackRoomId()
    {
        return getInt(ACK_ROOM_ID_OFFSET);
    }

    /**
     * @param roomId the room the acked snapshot tick belongs to, 0 for none.
     * @return this for a fluent API.
     */
    public InputFlyweight ackRoomId(final int roomId)
    {
        putInt(ACK_ROOM_ID_OFFSET, roomId);
        return this;
    }
}
