package io.skirmish.engine.protocol;

/**
 * SNAPSHOT_ACK, client to server on the unreliable input lane: per room, the newest snapshot tick the client has
 * assembled, decoded and delivered, which the server may use from then on as that member's delta baseline. The
 * client sends one after every duty cycle in which a room's newest tick advanced (while inputs flow, an ack of the room
 * they acknowledge waits up to 50 ms for an INPUT frame to carry it instead); a lost ack only makes the server use an
 * older baseline. A tick of {@link #NO_TICK} asks the server to forget the member's baseline and send the
 * next snapshot in full (the client lacked a baseline the server used).
 * <p>
 * The frame also reports the client's recent snapshot loss in hundredths of a percent (0 to 10000), so the server's
 * {@code NetworkInfo} can show it.
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                       Header (8 bytes)                        |
 *  +-------------------------------+-------------------------------+
 *  |        Entry Count (16)       |  Snapshot Loss (16, 0.01 %)   |
 *  +-------------------------------+-------------------------------+
 *  |                         Reserved (32)                         |
 *  +---------------------------------------------------------------+
 *  |                      Entry 0 Room Id (32)                     |
 *  +---------------------------------------------------------------+
 *  |                      Entry 0 Reserved (32)                    |
 *  +---------------------------------------------------------------+
 *  |                    Entry 0 Acked Tick (64)                    |
 *  +---------------------------------------------------------------+
 *  |                        Entry 1 ...                           ...
 * </pre>
 */
public final class SnapshotAckFlyweight extends FrameHeaderFlyweight
{
    /** Acked tick meaning "no baseline: send the next snapshot in full". */
    public static final long NO_TICK = -1;

    /** Offset of the entry count. */
    public static final int COUNT_OFFSET = 8;
    /** Offset of the reported snapshot loss, in hundredths of a percent. */
    public static final int LOSS_OFFSET = 10;
    /** Offset of the first entry. */
    public static final int ENTRIES_OFFSET = 16;
    /** Length of one entry. */
    public static final int ENTRY_LENGTH = 16;
    /** Offset of the room id within an entry. */
    public static final int ENTRY_ROOM_ID_OFFSET = 0;
    /** Offset of the acked tick within an entry. */
    public static final int ENTRY_TICK_OFFSET = 8;
    /** Most entries one frame may carry. */
    public static final int MAX_ENTRIES = 64;
    /** Largest frame. */
    public static final int MAX_LENGTH = ENTRIES_OFFSET + MAX_ENTRIES * ENTRY_LENGTH;

    /**
     * @param count number of entries.
     * @return the frame length for that many entries.
     */
    public static int length(final int count)
    {
        return ENTRIES_OFFSET + count * ENTRY_LENGTH;
    }

    /**
     * @return number of entries as declared.
     */
    public int count()
    {
        return getShort(COUNT_OFFSET);
    }

    /**
     * @param count number of entries.
     * @return this for a fluent API.
     */
    public SnapshotAckFlyweight count(final int count)
    {
        putShort(COUNT_OFFSET, count);
        putInt(COUNT_OFFSET + 4, 0);
        return this;
    }

    /**
     * @return the client's recent snapshot loss in hundredths of a percent.
     */
    public int lossHundredthsPercent()
    {
        return getShort(LOSS_OFFSET);
    }

    /**
     * @param loss recent snapshot loss in hundredths of a percent, 0 to 10000.
     * @return this for a fluent API.
     */
    public SnapshotAckFlyweight lossHundredthsPercent(final int loss)
    {
        putShort(LOSS_OFFSET, loss);
        return this;
    }

    /**
     * @param index of the entry.
     * @return the entry's room id.
     */
    public int roomId(final int index)
    {
        return getInt(ENTRIES_OFFSET + index * ENTRY_LENGTH + ENTRY_ROOM_ID_OFFSET);
    }

    /**
     * @param index of the entry.
     * @return the entry's acked tick, or {@link #NO_TICK}.
     */
    public long tick(final int index)
    {
        return getLong(ENTRIES_OFFSET + index * ENTRY_LENGTH + ENTRY_TICK_OFFSET);
    }

    /**
     * @param index  of the entry.
     * @param roomId the room.
     * @param tick   newest tick delivered for the room, or {@link #NO_TICK}.
     * @return this for a fluent API.
     */
    public SnapshotAckFlyweight entry(final int index, final int roomId, final long tick)
    {
        final int entryOffset = ENTRIES_OFFSET + index * ENTRY_LENGTH;
        putInt(entryOffset + ENTRY_ROOM_ID_OFFSET, roomId);
        putInt(entryOffset + ENTRY_ROOM_ID_OFFSET + 4, 0);
        putLong(entryOffset + ENTRY_TICK_OFFSET, tick);
        return this;
    }
}
