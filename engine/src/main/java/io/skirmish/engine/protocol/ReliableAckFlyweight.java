package io.skirmish.engine.protocol;

/**
 * RELIABLE_ACK, server to client: every reliable frame up to and including {@code ackedSeq} has been processed; the
 * highest seq seen so far; and which of the 64 seqs after {@code ackedSeq + 1} the server holds, having arrived
 * after a loss (bit {@code i} for seq {@code ackedSeq + 2 + i}). The client sends again at once what the server
 * lacks below the highest seen (selective repeat), instead of waiting for its resend timeout. Sent in the duty cycle
 * after a reliable frame arrived, with whatever else goes to the client then (one datagram).
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                       Header (8 bytes)                        |
 *  +---------------------------------------------------------------+
 *  |                         Acked Seq (64)                        |
 *  +---------------------------------------------------------------+
 *  |                      Highest Seen Seq (64)                    |
 *  +---------------------------------------------------------------+
 *  |                       Held Seqs Mask (64)                     |
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class ReliableAckFlyweight extends FrameHeaderFlyweight
{
    /** Offset of the acked seq. */
    public static final int ACKED_SEQ_OFFSET = 8;
    /** Offset of the highest seq seen. */
    public static final int HIGHEST_SEEN_OFFSET = 16;
    /** Offset of the mask of seqs held after the first missing one. */
    public static final int HELD_MASK_OFFSET = 24;
    /** Length of the frame. */
    public static final int LENGTH = 32;

    /**
     * @return the highest reliable seq processed, with every one before it.
     */
    public long ackedSeq()
    {
        return getLong(ACKED_SEQ_OFFSET);
    }

    /**
     * @param seq the highest reliable seq processed.
     * @return this for a fluent API.
     */
    public ReliableAckFlyweight ackedSeq(final long seq)
    {
        putLong(ACKED_SEQ_OFFSET, seq);
        return this;
    }

    /**
     * @return the highest reliable seq that arrived, processed or not.
     */
    public long highestSeenSeq()
    {
        return getLong(HIGHEST_SEEN_OFFSET);
    }

    /**
     * @param seq the highest reliable seq that arrived.
     * @return this for a fluent API.
     */
    public ReliableAckFlyweight highestSeenSeq(final long seq)
    {
        putLong(HIGHEST_SEEN_OFFSET, seq);
        return this;
    }

    /**
     * @return bit {@code i} set when seq {@code ackedSeq + 2 + i} is held by the server.
     */
    public long heldMask()
    {
        return getLong(HELD_MASK_OFFSET);
    }

    /**
     * @param mask of the seqs held after the first missing one.
     * @return this for a fluent API.
     */
    public ReliableAckFlyweight heldMask(final long mask)
    {
        putLong(HELD_MASK_OFFSET, mask);
        return this;
    }
}
