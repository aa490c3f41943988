package io.skirmish.engine.transport;

import io.aeron.Publication;
import io.aeron.logbuffer.BufferClaim;
import io.skirmish.engine.SendResult;
import io.skirmish.engine.security.LaneCrypto;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * The one way a frame leaves, on either side: sealed by the connection's {@link LaneCrypto} (when given), offered
 * or claimed with {@code ADMIN_ACTION} retried a few times, and counted in frames and bytes out. Back pressure and
 * not-connected are returned, never retried here. Single-threaded (its conductor); allocation-free.
 */
public final class FrameOffer
{
    private static final int ADMIN_ACTION_RETRIES = 3;

    private final AtomicCounter framesOut;
    private final AtomicCounter bytesOut;

    /**
     * @param framesOut counts frames sent.
     * @param bytesOut  counts bytes sent (trailers included).
     */
    public FrameOffer(final AtomicCounter framesOut, final AtomicCounter bytesOut)
    {
        this.framesOut = framesOut;
        this.bytesOut = bytesOut;
    }

    /**
     * Seal and offer a frame.
     *
     * @param outlet the lane, or null when there is none ({@link SendResult#NOT_CONNECTED}).
     * @param crypto the connection's crypto, or null to send the frame as it is.
     * @param lane   the lane id for sealing.
     * @param buffer holding the frame, with room for a trailer after it.
     * @param offset of the frame.
     * @param length of the frame.
     * @return the new position, or a negative {@link SendResult} code.
     */
    public long offer(
        final Outlet outlet,
        final LaneCrypto crypto,
        final int lane,
        final MutableDirectBuffer buffer,
        final int offset,
        final int length)
    {
        if (null == outlet)
        {
            return SendResult.NOT_CONNECTED;
        }
        DirectBuffer frame = buffer;
        int frameOffset = offset;
        int frameLength = length;
        if (null != crypto)
        {
            frameLength = crypto.seal(lane, buffer, offset, length);
            frame = crypto.sealedBuffer();
            frameOffset = crypto.sealedOffset();
        }
        long result;
        int attempts = 0;
        do
        {
            result = outlet.offer(frame, frameOffset, frameLength);
        }
        while (Publication.ADMIN_ACTION == result && ++attempts < ADMIN_ACTION_RETRIES);
        if (result > 0)
        {
            framesOut.incrementRelease();
            bytesOut.getAndAddRelease(frameLength);
        }
        return result;
    }

    /**
     * Claim space for a frame and its trailer; write the frame into the claim, then {@link #commit} it.
     *
     * @param outlet the lane.
     * @param crypto the connection's crypto (for the trailer's length), or null.
     * @param length of the frame without trailer.
     * @param claim  to wrap the space.
     * @return the new position, or a negative {@link SendResult} code.
     */
    public long tryClaim(final Outlet outlet, final LaneCrypto crypto, final int length, final BufferClaim claim)
    {
        final int total = length + (null == crypto ? 0 : crypto.sendTrailerLength());
        long result;
        int attempts = 0;
        do
        {
            result = outlet.tryClaim(total, claim);
        }
        while (Publication.ADMIN_ACTION == result && ++attempts < ADMIN_ACTION_RETRIES);
        return result;
    }

    /**
     * Seal a frame written into a claim where it stands, commit it and count it.
     *
     * @param claim  holding the frame.
     * @param crypto the connection's crypto, or null.
     * @param lane   the lane id for sealing.
     * @param length of the frame without trailer.
     * @return the bytes committed.
     */
    public int commit(final BufferClaim claim, final LaneCrypto crypto, final int lane, final int length)
    {
        final int total = null == crypto ? length : crypto.sealInPlace(lane, claim.buffer(), claim.offset(), length);
        claim.commit();
        framesOut.incrementRelease();
        bytesOut.getAndAddRelease(total);
        return total;
    }
}
