package io.skirmish.engine.transport;

import io.aeron.Publication;
import io.aeron.logbuffer.BufferClaim;
import io.aeron.protocol.DataHeaderFlyweight;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * An {@link Outlet} for unit tests: keeps a copy of every frame it takes, in order, and can be told to refuse
 * (back pressure, not connected, ...). While not connected it refuses with {@link Publication#NOT_CONNECTED}, as a
 * publication does. A claimed frame is recorded once it was committed (an aborted claim is not), at the next offer
 * or claim, or when the frames are read. Single-threaded.
 */
public final class RecordingOutlet implements Outlet
{
    private static final int CLAIM_CAPACITY = 64 * 1024;

    private final ArrayList<byte[]> frames = new ArrayList<>();
    private final UnsafeBuffer claimBuffer = new UnsafeBuffer(
        BufferUtil.allocateDirectAligned(DataHeaderFlyweight.HEADER_LENGTH + CLAIM_CAPACITY, 64));
    private long refusal;
    private boolean connected = true;
    private int maxPayloadLength = 1376;
    private long position;
    private int attempts;
    private int claimedLength = -1;

    /**
     * {@inheritDoc}
     */
    public long offer(final DirectBuffer buffer, final int offset, final int length)
    {
        attempts++;
        recordClaim();
        final long refused = refused();
        if (refused < 0)
        {
            return refused;
        }
        final byte[] frame = new byte[length];
        buffer.getBytes(offset, frame);
        frames.add(frame);
        position += length;
        return position;
    }

    /**
     * {@inheritDoc}
     */
    public long tryClaim(final int length, final BufferClaim claim)
    {
        attempts++;
        recordClaim();
        final long refused = refused();
        if (refused < 0)
        {
            return refused;
        }
        if (length > CLAIM_CAPACITY)
        {
            throw new IllegalArgumentException("claim too long for the recording outlet: " + length);
        }
        claimBuffer.setMemory(0, DataHeaderFlyweight.HEADER_LENGTH, (byte)0);
        claimBuffer.putShort(
            DataHeaderFlyweight.TYPE_FIELD_OFFSET, (short)DataHeaderFlyweight.HDR_TYPE_DATA, LITTLE_ENDIAN);
        claim.wrap(claimBuffer, 0, DataHeaderFlyweight.HEADER_LENGTH + length);
        claimedLength = length;
        position += length;
        return position;
    }

    /**
     * {@inheritDoc}
     */
    public boolean isConnected()
    {
        return connected;
    }

    /**
     * {@inheritDoc}
     */
    public int maxPayloadLength()
    {
        return maxPayloadLength;
    }

    /**
     * {@inheritDoc}
     */
    public long position()
    {
        return position;
    }

    /**
     * @param connected what {@link #isConnected()} answers; while false every offer and claim is refused.
     * @return this for a fluent API.
     */
    public RecordingOutlet connected(final boolean connected)
    {
        this.connected = connected;
        return this;
    }

    /**
     * @param length what {@link #maxPayloadLength()} answers.
     * @return this for a fluent API.
     */
    public RecordingOutlet maxPayloadLength(final int length)
    {
        this.maxPayloadLength = length;
        return this;
    }

    /**
     * Refuse every offer and claim from now on.
     *
     * @param code a negative {@link Publication} code, e.g. {@link Publication#BACK_PRESSURED}.
     * @return this for a fluent API.
     */
    public RecordingOutlet refuse(final long code)
    {
        if (code >= 0)
        {
            throw new IllegalArgumentException("a refusal is a negative code: " + code);
        }
        this.refusal = code;
        return this;
    }

    /**
     * Take every offer and claim again.
     *
     * @return this for a fluent API.
     */
    public RecordingOutlet accept()
    {
        this.refusal = 0;
        return this;
    }

    /**
     * @return offers and claims tried, refused ones included.
     */
    public int attempts()
    {
        return attempts;
    }

    /**
     * @return copies of the frames taken, oldest first.
     */
    public List<byte[]> frames()
    {
        recordClaim();
        return new ArrayList<>(frames);
    }

    /**
     * @return number of frames taken.
     */
    public int frameCount()
    {
        recordClaim();
        return frames.size();
    }

    /**
     * @param index from 0, oldest first.
     * @return a buffer over a copy of that frame, its capacity the frame's length.
     */
    public UnsafeBuffer frame(final int index)
    {
        recordClaim();
        return new UnsafeBuffer(frames.get(index).clone());
    }

    /**
     * @return a buffer over a copy of the newest frame.
     */
    public UnsafeBuffer lastFrame()
    {
        return frame(frameCount() - 1);
    }

    /**
     * Forget the frames taken and the attempts counted.
     */
    public void clear()
    {
        recordClaim();
        frames.clear();
        attempts = 0;
    }

    private long refused()
    {
        if (refusal < 0)
        {
            return refusal;
        }
        return connected ? 0 : Publication.NOT_CONNECTED;
    }

    private void recordClaim()
    {
        if (claimedLength < 0)
        {
            return;
        }
        final int length = claimedLength;
        claimedLength = -1;
        final int type = claimBuffer.getShort(DataHeaderFlyweight.TYPE_FIELD_OFFSET, LITTLE_ENDIAN);
        final boolean committed = claimBuffer.getIntVolatile(0) != 0 && DataHeaderFlyweight.HDR_TYPE_DATA == type;
        if (committed)
        {
            final byte[] frame = new byte[length];
            claimBuffer.getBytes(DataHeaderFlyweight.HEADER_LENGTH, frame);
            frames.add(frame);
        }
    }

    /**
     * {@inheritDoc}
     */
    public long availableWindow()
    {
        return refusal < 0 ? 0 : Long.MAX_VALUE;
    }
}
