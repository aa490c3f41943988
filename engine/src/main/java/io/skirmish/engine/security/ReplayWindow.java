package io.skirmish.engine.security;

/**
 * The counters a receiver has accepted on one lane: the highest, and which of the 64 below it. A counter above the
 * highest, or within the window and not yet seen, is fresh; anything else is a replay. Frames on unreliable streams
 * arrive out of order and more than once, so a counter need not rise, only never repeat, as in DTLS and IPsec.
 * Single-threaded; allocation-free.
 */
public final class ReplayWindow
{
    /** How far below the highest counter a frame may arrive and still be accepted. */
    public static final int WIDTH = 64;

    private long highest;
    private long seen;

    /**
     * @return the highest counter accepted, 0 when none.
     */
    public long highest()
    {
        return highest;
    }

    /**
     * @return every counter at or below this is refused without a look at its frame.
     */
    public long floor()
    {
        return highest - WIDTH;
    }

    /**
     * @param counter of a frame whose tag is still to be checked.
     * @return true when it has not been accepted before and is not too old.
     */
    public boolean isFresh(final long counter)
    {
        if (counter <= 0)
        {
            return false;
        }
        if (counter > highest)
        {
            return true;
        }
        final long behind = highest - counter;
        return behind < WIDTH && (seen & (1L << behind)) == 0;
    }

    /**
     * Record a counter whose frame authenticated.
     *
     * @param counter the frame's counter.
     * @return false when it was a replay after all (nothing is recorded).
     */
    public boolean accept(final long counter)
    {
        if (!isFresh(counter))
        {
            return false;
        }
        if (counter > highest)
        {
            final long shift = counter - highest;
            seen = shift >= WIDTH ? 0 : seen << shift;
            seen |= 1;
            highest = counter;
        }
        else
        {
            seen |= 1L << (highest - counter);
        }
        return true;
    }

    /**
     * Start again: nothing accepted, or everything up to a counter.
     *
     * @param counter the new highest, 0 for none.
     */
    public void reset(final long counter)
    {
        highest = counter;
        seen = counter > 0 ? 1 : 0;
    }
}
