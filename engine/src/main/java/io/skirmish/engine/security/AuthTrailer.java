package io.skirmish.engine.security;

import io.skirmish.engine.protocol.FrameHeaderFlyweight;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The 16-byte trailer that authenticates every client-to-server frame when the server uses connect tokens:
 * a per-lane counter that must rise (no replays) and a SipHash-2-4 tag, under the session key, of the frame and
 * the counter.
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                     Frame (header + body)                    ...
 *  +---------------------------------------------------------------+
 *  |                        Lane Counter (64)                      |
 *  +---------------------------------------------------------------+
 *  |              SipHash-2-4 Tag of all bytes above (64)          |
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class AuthTrailer
{
    /** Length of the trailer: the lane counter and the tag. */
    public static final int LENGTH = 16;
    private static final int MIN_AUTHENTICATED = FrameHeaderFlyweight.HEADER_LENGTH + LENGTH;

    private AuthTrailer()
    {
    }

    /**
     * Append the trailer after a frame.
     *
     * @param k0          key, low half.
     * @param k1          key, high half.
     * @param buffer      holding the frame, with room for the trailer after it.
     * @param offset      of the frame.
     * @param frameLength of the frame without trailer.
     * @param counter     the lane's next counter.
     * @return the length with the trailer.
     */
    static int append(
        final long k0, final long k1, final MutableDirectBuffer buffer, final int offset, final int frameLength,
        final long counter)
    {
        buffer.putLong(offset + frameLength, counter, LITTLE_ENDIAN);
        buffer.putLong(offset + frameLength + 8, SipHash.hash(k0, k1, buffer, offset, frameLength + 8), LITTLE_ENDIAN);
        return frameLength + LENGTH;
    }

    /**
     * Check the trailer at the end of a fragment.
     *
     * @param k0             key, low half.
     * @param k1             key, high half.
     * @param buffer         holding the fragment.
     * @param offset         of the fragment.
     * @param fragmentLength including the trailer.
     * @param lastCounter    highest counter accepted on this lane.
     * @return the frame's counter, or -1 when the tag is wrong or the counter is not above the last.
     */
    public static long verify(
        final long k0, final long k1, final DirectBuffer buffer, final int offset, final int fragmentLength,
        final long lastCounter)
    {
        if (fragmentLength < MIN_AUTHENTICATED)
        {
            return -1;
        }
        final int trailer = offset + fragmentLength - LENGTH;
        final long counter = buffer.getLong(trailer, LITTLE_ENDIAN);
        if (counter <= lastCounter)
        {
            return -1;
        }
        final long tag = SipHash.hash(k0, k1, buffer, offset, fragmentLength - 8);
        return tag == buffer.getLong(trailer + 8, LITTLE_ENDIAN) ? counter : -1;
    }

}
