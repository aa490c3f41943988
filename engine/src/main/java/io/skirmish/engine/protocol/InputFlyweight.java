package io.skirmish.engine.protocol;

/**
 * INPUT, client to server on the unreliable lane: the newest N inputs (redundancy against loss), newest first, and
 * the newest snapshot tick the client has received (the server's delta baseline for this client).
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
 *  |                         Reserved (32)                         |
 *  +-------------------------------+-------------------------------+
 *  |     Entry 0 Length (16)       |   Entry 0 bytes (tick = newest)...
 *  +-------------------------------+-------------------------------+
 *  |     Entry 1 Length (16)       |   Entry 1 bytes (tick = newest - 1) ...
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
    /** Offset of the first entry. */
    public static final int ENTRIES_OFFSET = 32;
    /** Length of an entry's length prefix. */
    public static final int ENTRY_HEADER_LENGTH = 2;

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
     * @param count number of entries.
     * @return this for a fluent API.
     */
    public InputFlyweight count(final int count)
    {
        putInt(COUNT_OFFSET, count);
        putInt(COUNT_OFFSET + 4, 0);
        return this;
    }
}
