package io.skirmish.samples;

import org.agrona.MutableDirectBuffer;

import static io.skirmish.samples.arena.ArenaProtocol.*;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Encodes arena snapshots the way the server does, for tests that feed a client's interpolation.
 */
final class Snapshots
{
    private Snapshots()
    {
    }

    /**
     * Encode one snapshot of an arena of the standard size.
     *
     * @param buffer     to encode into, at offset 0.
     * @param tickRateHz the arena's tick rate.
     * @param ids        entity ids.
     * @param kinds      entity kinds.
     * @param flags      entity flags.
     * @param scores     entity scores.
     * @param xs         x positions.
     * @param ys         y positions.
     * @return the snapshot's length.
     */
    static int encode(
        final MutableDirectBuffer buffer,
        final int tickRateHz,
        final int[] ids,
        final byte[] kinds,
        final byte[] flags,
        final int[] scores,
        final float[] xs,
        final float[] ys)
    {
        buffer.putShort(SNAPSHOT_COUNT_OFFSET, (short)ids.length, LITTLE_ENDIAN);
        buffer.putShort(SNAPSHOT_TICK_RATE_OFFSET, (short)tickRateHz, LITTLE_ENDIAN);
        buffer.putShort(SNAPSHOT_WIDTH_OFFSET, (short)ARENA_WIDTH, LITTLE_ENDIAN);
        buffer.putShort(SNAPSHOT_HEIGHT_OFFSET, (short)ARENA_HEIGHT, LITTLE_ENDIAN);
        int position = SNAPSHOT_HEADER_LENGTH;
        for (int i = 0; i < ids.length; i++)
        {
            buffer.putInt(position + ENTITY_ID_OFFSET, ids[i], LITTLE_ENDIAN);
            buffer.putByte(position + ENTITY_KIND_OFFSET, kinds[i]);
            buffer.putByte(position + ENTITY_FLAGS_OFFSET, flags[i]);
            buffer.putShort(position + ENTITY_SCORE_OFFSET, (short)scores[i], LITTLE_ENDIAN);
            buffer.putFloat(position + ENTITY_X_OFFSET, xs[i], LITTLE_ENDIAN);
            buffer.putFloat(position + ENTITY_Y_OFFSET, ys[i], LITTLE_ENDIAN);
            position += ENTITY_LENGTH;
        }
        return position;
    }
}
