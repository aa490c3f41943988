package io.skirmish.engine.protocol;

/**
 * SNAPSHOT, server to client on the unreliable lane: one part of the state for a tick, delta-encoded against a
 * baseline tick the client acknowledged, or full when the baseline is {@link #NO_BASELINE}. Total Length is the
 * length of the encoded snapshot across all parts (the delta when there is a baseline); the decoded state's length
 * is carried inside the delta encoding. Snapshot Seq goes up by one per snapshot the server sends to this member of
 * this room (0: not sequenced), so the client can measure snapshot loss. Input Lead is how long before the room
 * simulated (or will simulate) its tick the member's newest input arrived, in microseconds (negative: late;
 * {@link #NO_LEAD}: none measured), for the input tick {@code tick + Lead Tick Delta}; the client's tick clock steers
 * by it.
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                       Header (8 bytes)                        |
 *  +---------------------------------------------------------------+
 *  |                          Room Id (32)                         |
 *  +-------------------------------+-------------------------------+
 *  |        Part Index (16)        |         Part Count (16)       |
 *  +-------------------------------+-------------------------------+
 *  |                           Tick (64)                           |
 *  +---------------------------------------------------------------+
 *  |                       Baseline Tick (64)                      |
 *  +---------------------------------------------------------------+
 *  |                     Total Length (32)                         |
 *  +---------------------------------------------------------------+
 *  |                        Snapshot Seq (32)                      |
 *  +---------------------------------------------------------------+
 *  |                     Input Lead (32, us)                       |
 *  +---------------------------------------------------------------+
 *  |                     Lead Tick Delta (32)                      |
 *  +---------------------------------------------------------------+
 *  |                       Payload (this part)                    ...
 * </pre>
 */
public final class SnapshotFlyweight extends FrameHeaderFlyweight
{
    /** Baseline tick of a full (non-delta) snapshot. */
    public static final long NO_BASELINE = -1;

    /** Offset of the room id. */
    public static final int ROOM_ID_OFFSET = 8;
    /** Offset of the part index. */
    public static final int PART_INDEX_OFFSET = 12;
    /** Offset of the part count. */
    public static final int PART_COUNT_OFFSET = 14;
    /** Offset of the tick. */
    public static final int TICK_OFFSET = 16;
    /** Offset of the baseline tick. */
    public static final int BASELINE_TICK_OFFSET = 24;
    /** Offset of the total length of the snapshot across all parts. */
    public static final int TOTAL_LENGTH_OFFSET = 32;
    /** Offset of the per-member snapshot sequence number (0 when not sequenced). */
    public static final int SNAPSHOT_SEQ_OFFSET = 36;
    /** Offset of the input lead in microseconds. */
    public static final int INPUT_LEAD_OFFSET = 40;
    /** Offset of the lead's input tick, as a distance from the snapshot's tick. */
    public static final int LEAD_TICK_DELTA_OFFSET = 44;
    /** Offset of this part's payload. */
    public static final int PAYLOAD_OFFSET = 48;
    /** Input lead value when none was measured. */
    public static final int NO_LEAD = Integer.MIN_VALUE;

    /**
     * @return room id.
     */
    public int roomId()
    {
        return getInt(ROOM_ID_OFFSET);
    }

    /**
     * @param roomId room id.
     * @return this for a fluent API.
     */
    public SnapshotFlyweight roomId(final int roomId)
    {
        putInt(ROOM_ID_OFFSET, roomId);
        return this;
    }

    /**
     * @return index of this part, from 0.
     */
    public int partIndex()
    {
        return getShort(PART_INDEX_OFFSET);
    }

    /**
     * @param index of this part.
     * @return this for a fluent API.
     */
    public SnapshotFlyweight partIndex(final int index)
    {
        putShort(PART_INDEX_OFFSET, index);
        return this;
    }

    /**
     * @return number of parts of the tick's snapshot.
     */
    public int partCount()
    {
        return getShort(PART_COUNT_OFFSET);
    }

    /**
     * @param count number of parts.
     * @return this for a fluent API.
     */
    public SnapshotFlyweight partCount(final int count)
    {
        putShort(PART_COUNT_OFFSET, count);
        return this;
    }

    /**
     * @return the tick.
     */
    public long tick()
    {
        return getLong(TICK_OFFSET);
    }

    /**
     * @param tick the tick.
     * @return this for a fluent API.
     */
    public SnapshotFlyweight tick(final long tick)
    {
        putLong(TICK_OFFSET, tick);
        return this;
    }

    /**
     * @return baseline tick, or {@link #NO_BASELINE} for a full snapshot.
     */
    public long baselineTick()
    {
        return getLong(BASELINE_TICK_OFFSET);
    }

    /**
     * @param tick baseline tick or {@link #NO_BASELINE}.
     * @return this for a fluent API.
     */
    public SnapshotFlyweight baselineTick(final long tick)
    {
        putLong(BASELINE_TICK_OFFSET, tick);
        return this;
    }

    /**
     * @return total snapshot length across all parts.
     */
    public int totalLength()
    {
        return getInt(TOTAL_LENGTH_OFFSET);
    }

    /**
     * Set the total length; also clears the snapshot seq and the lead (set them afterwards with
     * {@link #snapshotSeq(int)} and {@link #inputLead(int, int)}).
     *
     * @param length total snapshot length across all parts.
     * @return this for a fluent API.
     */
    public SnapshotFlyweight totalLength(final int length)
    {
        putInt(TOTAL_LENGTH_OFFSET, length);
        putInt(SNAPSHOT_SEQ_OFFSET, 0);
        putInt(INPUT_LEAD_OFFSET, NO_LEAD);
        putInt(LEAD_TICK_DELTA_OFFSET, 0);
        return this;
    }

    /**
     * @return the per-member snapshot sequence number, 0 when not sequenced.
     */
    public int snapshotSeq()
    {
        return getInt(SNAPSHOT_SEQ_OFFSET);
    }

    /**
     * @param seq the per-member snapshot sequence number (from 1; 0 for none).
     * @return this for a fluent API.
     */
    public SnapshotFlyweight snapshotSeq(final int seq)
    {
        putInt(SNAPSHOT_SEQ_OFFSET, seq);
        return this;
    }

    /**
     * @return the member's newest input lead in microseconds, {@link #NO_LEAD} when none.
     */
    public int inputLeadUs()
    {
        return getInt(INPUT_LEAD_OFFSET);
    }

    /**
     * @return the lead's input tick minus this snapshot's tick.
     */
    public int leadTickDelta()
    {
        return getInt(LEAD_TICK_DELTA_OFFSET);
    }

    /**
     * @param leadUs    the member's newest input lead in microseconds, or {@link #NO_LEAD}.
     * @param tickDelta the lead's input tick minus this snapshot's tick.
     * @return this for a fluent API.
     */
    public SnapshotFlyweight inputLead(final int leadUs, final int tickDelta)
    {
        putInt(INPUT_LEAD_OFFSET, leadUs);
        putInt(LEAD_TICK_DELTA_OFFSET, tickDelta);
        return this;
    }

    /**
     * @return length of this part's payload given the wrapped frame length.
     */
    public int payloadLength()
    {
        return frameLength - PAYLOAD_OFFSET;
    }
}
