package io.skirmish.samples.client;

import io.skirmish.samples.arena.ArenaProtocol;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static io.skirmish.samples.arena.ArenaProtocol.*;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * A flyweight decoder over one arena snapshot's bytes ({@link ArenaProtocol}): every
 * entity's id, kind, flags, score and position, read from the buffer on access. Wrap it over a state, read it, and
 * wrap it again over the next one; nothing is copied or allocated. Valid while the wrapped bytes are.
 */
public final class SnapshotFrame
{
    private DirectBuffer buffer = new UnsafeBuffer(0, 0);
    private int offset;
    private int count;

    /**
     * Check a snapshot's bytes.
     *
     * @param buffer payload.
     * @param offset of the payload.
     * @param length of the payload.
     * @return true when the header and every entity it counts fit in the length.
     */
    public static boolean isValid(final DirectBuffer buffer, final int offset, final int length)
    {
        return length >= SNAPSHOT_HEADER_LENGTH &&
            SNAPSHOT_HEADER_LENGTH + (buffer.getShort(offset + SNAPSHOT_COUNT_OFFSET, LITTLE_ENDIAN) & 0xFFFF) *
            ENTITY_LENGTH <= length;
    }

    /**
     * Decode a snapshot payload from now on.
     *
     * @param buffer payload.
     * @param offset of the payload.
     * @param length of the payload.
     * @return true when wrapped; false when the payload is malformed (then the frame shows no entities).
     */
    public boolean wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        if (!isValid(buffer, offset, length))
        {
            count = 0;
            return false;
        }
        this.buffer = buffer;
        this.offset = offset;
        this.count = buffer.getShort(offset + SNAPSHOT_COUNT_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
        return true;
    }

    /**
     * @return the arena's tick rate in Hz, at least 1.
     */
    public int tickRateHz()
    {
        return Math.max(1, buffer.getShort(offset + SNAPSHOT_TICK_RATE_OFFSET, LITTLE_ENDIAN) & 0xFFFF);
    }

    /**
     * @return nanoseconds between ticks.
     */
    public long tickIntervalNs()
    {
        return 1_000_000_000L / tickRateHz();
    }

    /**
     * @return arena width.
     */
    public int width()
    {
        return buffer.getShort(offset + SNAPSHOT_WIDTH_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
    }

    /**
     * @return arena height.
     */
    public int height()
    {
        return buffer.getShort(offset + SNAPSHOT_HEIGHT_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
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
        return buffer.getInt(entity(index) + ENTITY_ID_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param index entity index.
     * @return its kind.
     */
    public int kind(final int index)
    {
        return buffer.getByte(entity(index) + ENTITY_KIND_OFFSET);
    }

    /**
     * @param index entity index.
     * @return its flags.
     */
    public int flags(final int index)
    {
        return buffer.getByte(entity(index) + ENTITY_FLAGS_OFFSET);
    }

    /**
     * @param index entity index.
     * @return its score.
     */
    public int score(final int index)
    {
        return buffer.getShort(entity(index) + ENTITY_SCORE_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
    }

    /**
     * @param index entity index.
     * @return its x.
     */
    public float x(final int index)
    {
        return buffer.getFloat(entity(index) + ENTITY_X_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param index entity index.
     * @return its y.
     */
    public float y(final int index)
    {
        return buffer.getFloat(entity(index) + ENTITY_Y_OFFSET, LITTLE_ENDIAN);
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
        if (hint >= 0 && hint < count && id(hint) == id && kind(hint) == kind)
        {
            return hint;
        }
        for (int i = 0; i < count; i++)
        {
            if (id(i) == id && kind(i) == kind)
            {
                return i;
            }
        }
        return -1;
    }

    private int entity(final int index)
    {
        return offset + SNAPSHOT_HEADER_LENGTH + index * ENTITY_LENGTH;
    }
}
