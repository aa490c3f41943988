package io.skirmish.engine;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.SplittableRandom;

/**
 * A sample game world for snapshot tests: 64 entities of 32 bytes at fixed offsets (id, x, y, z, yaw, vx, vy,
 * health, flags) after a 16-byte header (tick, member id). Each step moves about 10% of the entities.
 */
final class SampleWorld
{
    static final int ENTITIES = 64;
    static final int ENTITY_LENGTH = 32;
    static final int HEADER_LENGTH = 16;
    static final int LENGTH = HEADER_LENGTH + ENTITIES * ENTITY_LENGTH;

    private final UnsafeBuffer state = new UnsafeBuffer(new byte[LENGTH]);
    private final SplittableRandom random;
    private final int changePercent;

    SampleWorld(final long seed, final int changePercent)
    {
        this.random = new SplittableRandom(seed);
        this.changePercent = changePercent;
        for (int e = 0; e < ENTITIES; e++)
        {
            final int at = HEADER_LENGTH + e * ENTITY_LENGTH;
            state.putInt(at, 1000 + e);
            state.putFloat(at + 4, (float)random.nextDouble(-500, 500));
            state.putFloat(at + 8, (float)random.nextDouble(-500, 500));
            state.putFloat(at + 12, 0);
            state.putFloat(at + 16, (float)random.nextDouble(0, 360));
            state.putShort(at + 28, (short)100);
        }
    }

    /**
     * Advance the world one tick: about {@code changePercent}% of entities move and turn.
     *
     * @param tick the new tick.
     */
    void step(final long tick)
    {
        state.putLong(0, tick);
        for (int e = 0; e < ENTITIES; e++)
        {
            if (random.nextInt(100) < changePercent)
            {
                final int at = HEADER_LENGTH + e * ENTITY_LENGTH;
                final float vx = (float)random.nextDouble(-3, 3);
                final float vy = (float)random.nextDouble(-3, 3);
                state.putFloat(at + 4, state.getFloat(at + 4) + vx);
                state.putFloat(at + 8, state.getFloat(at + 8) + vy);
                state.putFloat(at + 16, (float)random.nextDouble(0, 360));
                state.putFloat(at + 20, vx);
                state.putFloat(at + 24, vy);
                if (random.nextInt(10) == 0)
                {
                    state.putShort(at + 28, (short)random.nextInt(0, 100));
                }
            }
        }
    }

    /**
     * Write one member's view (the world with the member's id in the header).
     *
     * @param memberId the member.
     * @param buffer   where to write.
     * @param offset   at which to write.
     * @return bytes written.
     */
    int write(final int memberId, final MutableDirectBuffer buffer, final int offset)
    {
        buffer.putBytes(offset, state, 0, LENGTH);
        buffer.putInt(offset + 8, memberId);
        return LENGTH;
    }

    UnsafeBuffer state()
    {
        return state;
    }
}
