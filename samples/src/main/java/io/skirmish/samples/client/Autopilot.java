package io.skirmish.samples.client;

import java.util.SplittableRandom;

/**
 * Steers a player without a human: heads for the nearest coin it knows about, with a little wander so that
 * players do not move in straight lines, and wanders freely while it knows of none. Single-threaded.
 */
public final class Autopilot
{
    private final SplittableRandom random;
    private float wanderAngle;
    private float dx;
    private float dy;

    /**
     * @param seed for the wander.
     */
    public Autopilot(final long seed)
    {
        this.random = new SplittableRandom(seed);
        this.wanderAngle = (float)(random.nextDouble() * Math.PI * 2);
    }

    /**
     * Decide the next direction.
     *
     * @param x          own x, or NaN when unknown.
     * @param y          own y, or NaN when unknown.
     * @param targetsX   x of the coins.
     * @param targetsY   y of the coins.
     * @param targetCount number of coins.
     */
    public void steer(
        final float x, final float y, final float[] targetsX, final float[] targetsY, final int targetCount)
    {
        wanderAngle += (float)((random.nextDouble() - 0.5) * 0.6);
        float wx = (float)Math.cos(wanderAngle);
        float wy = (float)Math.sin(wanderAngle);
        if (!Float.isNaN(x) && targetCount > 0)
        {
            int nearest = 0;
            float best = Float.MAX_VALUE;
            for (int i = 0; i < targetCount; i++)
            {
                final float ex = targetsX[i] - x;
                final float ey = targetsY[i] - y;
                final float d = ex * ex + ey * ey;
                if (d < best)
                {
                    best = d;
                    nearest = i;
                }
            }
            final float distance = Math.max((float)Math.sqrt(best), 1f);
            wx = wx * 0.45f + (targetsX[nearest] - x) / distance;
            wy = wy * 0.45f + (targetsY[nearest] - y) / distance;
        }
        final float magnitude = Math.max((float)Math.sqrt(wx * wx + wy * wy), 0.001f);
        dx = wx / magnitude;
        dy = wy / magnitude;
    }

    /**
     * @return x direction in [-1, 1].
     */
    public float dx()
    {
        return dx;
    }

    /**
     * @return y direction in [-1, 1].
     */
    public float dy()
    {
        return dy;
    }
}
