package io.skirmish.engine.transport;

import io.aeron.Publication;
import io.aeron.logbuffer.BufferClaim;
import io.aeron.protocol.DataHeaderFlyweight;
import io.skirmish.engine.SendResult;
import io.skirmish.engine.protocol.ChunkFlyweight;
import io.skirmish.engine.protocol.FrameHeaderFlyweight;
import io.skirmish.engine.protocol.FrameType;
import io.skirmish.engine.protocol.RoomEventFlyweight;
import io.skirmish.engine.security.LaneCrypto;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The one way a frame leaves, on either side: sealed by the connection's {@link LaneCrypto} (when given), offered
 * or claimed with {@code ADMIN_ACTION} retried a few times, and counted in frames and bytes out. Back pressure and
 * not-connected are returned, never retried here. A frame too long for one datagram is refused by {@link #offer},
 * and sent as {@code CHUNK} frames by {@link #offerChunked}, all of them or none, since the lanes are unreliable at
 * the Aeron level and a fragment lost would lose the whole frame. Single-threaded (its conductor); allocation-free.
 */
public final class FrameOffer
{
    /** Most chunks one frame may travel in. */
    public static final int MAX_CHUNKS = 0xFFFF;

    private static final int ADMIN_ACTION_RETRIES = 3;

    private final AtomicCounter framesOut;
    private final AtomicCounter bytesOut;
    private final ChunkFlyweight chunkFlyweight = new ChunkFlyweight();
    private final UnsafeBuffer chunkBuffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(64 * 1024, 64));
    private long chunkGeneration;

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
        if (length + trailerLength(crypto) > outlet.maxPayloadLength())
        {
            return SendResult.MESSAGE_TOO_LARGE;
        }
        return sealAndOffer(outlet, crypto, lane, buffer, offset, length);
    }

    /**
     * Seal and offer a frame; one too long for a datagram goes as {@code CHUNK} frames, offered only when the lane's
     * window takes every one of them. The chunks of a room event or a resync carry its room and seq, so that a
     * client keeps what arrived of one send when a resend fills in the rest.
     *
     * @param outlet the lane, or null when there is none ({@link SendResult#NOT_CONNECTED}).
     * @param crypto the connection's crypto, or null to send the frame as it is.
     * @param lane   the lane id for sealing.
     * @param buffer holding the frame, with room for a trailer after it.
     * @param offset of the frame.
     * @param length of the frame.
     * @return the new position, or a negative {@link SendResult} code.
     */
    public long offerChunked(
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
        final int trailer = trailerLength(crypto);
        final int maxPayload = outlet.maxPayloadLength();
        if (length + trailer <= maxPayload)
        {
            return sealAndOffer(outlet, crypto, lane, buffer, offset, length);
        }
        final int maxChunkBytes = Math.min(maxPayload, chunkBuffer.capacity()) - trailer - ChunkFlyweight.DATA_OFFSET;
        final int count = ChunkAssembler.chunkCount(length, maxChunkBytes);
        if (count > MAX_CHUNKS)
        {
            return SendResult.MESSAGE_TOO_LARGE;
        }
        if (outlet.availableWindow() < (long)count * (maxPayload + DataHeaderFlyweight.HEADER_LENGTH))
        {
            return SendResult.BACK_PRESSURED;
        }
        final int type = buffer.getByte(offset + FrameHeaderFlyweight.TYPE_OFFSET) & 0xFF;
        final boolean sequenced = FrameType.ROOM_EVENT == type || FrameType.RESYNC == type;
        final ChunkFlyweight chunk = chunkFlyweight;
        chunk.wrapForEncode(chunkBuffer, 0, FrameType.CHUNK,
            buffer.getInt(offset + FrameHeaderFlyweight.SESSION_ID_OFFSET, LITTLE_ENDIAN));
        chunk.seq(sequenced ? buffer.getLong(offset + RoomEventFlyweight.SEQ_OFFSET, LITTLE_ENDIAN) : ++chunkGeneration)
            .chunkedLength(length)
            .roomId(sequenced ? buffer.getInt(offset + RoomEventFlyweight.ROOM_ID_OFFSET, LITTLE_ENDIAN) : 0)
            .chunkedType(type);
        long result = 0;
        for (int i = 0; i < count; i++)
        {
            final int chunkLength = ChunkAssembler.chunkLength(length, count, i);
            chunk.chunk(i, count);
            chunkBuffer.putBytes(
                ChunkFlyweight.DATA_OFFSET, buffer, offset + ChunkAssembler.chunkOffset(length, count, i), chunkLength);
            result = sealAndOffer(outlet, crypto, lane, chunkBuffer, 0, ChunkFlyweight.DATA_OFFSET + chunkLength);
            if (result < 0)
            {
                return result;
            }
        }
        return result;
    }

    private static int trailerLength(final LaneCrypto crypto)
    {
        return null == crypto ? 0 : crypto.sendTrailerLength();
    }

    private long sealAndOffer(
        final Outlet outlet,
        final LaneCrypto crypto,
        final int lane,
        final MutableDirectBuffer buffer,
        final int offset,
        final int length)
    {
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
