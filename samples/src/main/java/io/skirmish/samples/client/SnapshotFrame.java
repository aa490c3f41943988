package io.skirmish.samples.client;

import org.agrona.DirectBuffer;

import static io.skirmish.samples.arena.ArenaProtocol.*;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * One decoded arena snapshot: every entity's id, kind, flags, score and position at a tick, stamped with the local
 * time it arrived. Immutable once built, so the network thread can hand it to the render thread through a queue.
 */
public final class SnapshotFrame
{
    private final int roomId;
    private final long tick;
    private final long receivedNs;
    private final int tickRateHz;
    private final int width;
    private final int height;
    private final int count;
    private final int[] ids;
    private final byte[] kinds;
    private final byte[] flags;
    private final int[] scores;
    private final float[] xs;
    private final float[] ys;

    /**
     * Build a frame from arrays (which the frame takes over).
     *
     * @param roomId     the arena it shows.
     * @param tick       the snapshot's tick.
     * @param receivedNs local arrival time.
     * @param tickRateHz the arena's tick rate.
     * @param width      arena width.
     * @param height     arena height.
     * @param ids        entity ids.
     * @param kinds      entity kinds.
     * @param flags      entity flags.
     * @param scores     entity scores.
     * @param xs         x positions.
     * @param ys         y positions.
     */
    public SnapshotFrame(
        final int roomId,
        final long tick,
        final long receivedNs,
        final int tickRateHz,
        final int width,
        final int height,
        final int[] ids,
        final byte[] kinds,
        final byte[] flags,
        final int[] scores,
        final float[] xs,
        final float[] ys)
    {
        this.roomId = roomId;
        this.tick = tick;
        this.receivedNs = receivedNs;
        this.tickRateHz = Math.max(1, tickRateHz);
        this.width = width;
        this.height = height;
        this.count = ids.length;
        this.ids = ids;
        this.kinds = kinds;
        this.flags = flags;
        this.scores = scores;
        this.xs = xs;
        this.ys = ys;
    }

    /**
     * Decode a snapshot payload.
     *
     * @param roomId     the arena it shows.
     * @param tick       the snapshot's tick.
     * @param receivedNs local arrival time.
     * @param buffer     payload.
     * @param offset     of the payload.
     * @param length     of the payload.
     * @return the frame, or null when the payload is malformed.
     */
    public static SnapshotFrame decode(
        final int roomId,
        final long tick,
        final long receivedNs,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        if (length < SNAPSHOT_HEADER_LENGTH)
        {
            return null;
        }
        final int count = buffer.getShort(offset + SNAPSHOT_COUNT_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
        if (SNAPSHOT_HEADER_LENGTH + count * ENTITY_LENGTH > length)
        {
            return null;
        }
        final int[] ids = new int[count];
        final byte[] kinds = new byte[count];
        final byte[] flags = new byte[count];
        final int[] scores = new int[count];
        final float[] xs = new float[count];
        final float[] ys = new float[count];
        int position = offset + SNAPSHOT_HEADER_LENGTH;
        for (int i = 0; i < count; i++)
        {
            ids[i] = buffer.getInt(position + ENTITY_ID_OFFSET, LITTLE_ENDIAN);
            kinds[i] = buffer.getByte(position + ENTITY_KIND_OFFSET);
            flags[i] = buffer.getByte(position + ENTITY_FLAGS_OFFSET);
            scores[i] = buffer.getShort(position + ENTITY_SCORE_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
            xs[i] = buffer.getFloat(position + ENTITY_X_OFFSET, LITTLE_ENDIAN);
            ys[i] = buffer.getFloat(position + ENTITY_Y_OFFSET, LITTLE_ENDIAN);
            position += ENTITY_LENGTH;
        }
        return new SnapshotFrame(
            roomId,
            tick,
            receivedNs,
            buffer.getShort(offset + SNAPSHOT_TICK_RATE_OFFSET, LITTLE_ENDIAN) & 0xFFFF,
            buffer.getShort(offset + SNAPSHOT_WIDTH_OFFSET, LITTLE_ENDIAN) & 0xFFFF,
            buffer.getShort(offset + SNAPSHOT_HEIGHT_OFFSET, LITTLE_ENDIAN) & 0xFFFF,
            ids,
            kinds,
            flags,
            scores,
            xs,
            ys);
    }

    /**
     * @return the arena it shows.
     */
    public int roomId()
    {
        return roomId;
    }

    /**
     * @return the tick.
     */
    public long tick()
    {
        return tick;
    }

    /**
     * @return local arrival time in nanoseconds.
     */
    public long receivedNs()
    {
        return receivedNs;
    }

    /**
     * @return the arena's tick rate in Hz.
     */
    public int tickRateHz()
    {
        return tickRateHz;
    }

    /**
     * @return nanoseconds between ticks.
     */
    public long tickIntervalNs()
    {
        return 1_000_000_000L / tickRateHz;
    }

    /**
     * @return arena width.
     */
    public int width()
    {
        return width;
    }

    /**
     * @return arena height.
     */
    public int height()
    {
        return height;
    }

    /**
     * @return number of entities.
     */
    public int count()
    {
        return count;
    }

    /**
     * @param index entity index.
     * @return its id.
     */
    public int id(final int index)
    {
        return ids[index];
    }

    /**
     * @param index entity index.
     * @return its kind.
     */
    public int kind(final int index)
    {
        return kinds[index];
    }

    /**
     * @param index entity index.
     * @return its flags.
     */
    public int flags(final int index)
    {
        return flags[index];
    }

    /**
     * @param index entity index.
     * @return its score.
     */
    public int score(final int index)
    {
        return scores[index];
    }

    /**
     * @param index entity index.
     * @return its x.
     */
    public float x(final int index)
    {
        return xs[index];
    }

    /**
     * @param index entity index.
     * @return its y.
     */
    public float y(final int index)
    {
        return ys[index];
    }

    /**
     * Find an entity.
     *
     * @param kind entity kind.
     * @param id   entity id.
     * @param hint index to try first (the same index in the previous frame usually matches).
     * @return its index, or -1.
     */
    public int indexOf(final int kind, final int id, final int hint)
    {
        if (hint >= 0 && hint < count && ids[hint] == id && kinds[hint] == kind)
        {
            return hint;
        }
        for (int i = 0; i < count; i++)
        {
            if (ids[i] == id && kinds[i] == kind)
            {
                return i;
            }
        }
        return -1;
    }
}
