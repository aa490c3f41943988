package io.skirmish.engine.transport;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

/**
 * Puts frames back together from the chunks they were sent in when too long for one datagram. Chunks of one frame
 * share a key (its type, room and seq); each holds {@code ceil(frameLength / chunkCount)} bytes but the last. A
 * frame's chunks are kept across the resends that loss brings, so that every resend fills in more of it instead of
 * having to arrive whole: over a lossy path a long frame completes in a few resends even when no single one would
 * arrive complete. Holds a bounded number of frames at once; a new key takes the slot touched longest ago.
 * Single-threaded; allocation-free once each slot's buffer exists.
 */
public final class ChunkAssembler
{
    /** Result of {@link #onChunk} while the frame still lacks chunks. */
    public static final int INCOMPLETE = 0;
    /** Result of {@link #onChunk} for a chunk that contradicts its frame's declared shape. */
    public static final int MALFORMED = -1;

    private final int maxFrameLength;
    private final Slot[] slots;
    private long touches;
    private Slot completed;

    private static final class Slot
    {
        int type;
        int roomId;
        long seq;
        int frameLength;
        int chunkCount;
        int received;
        long[] have;
        UnsafeBuffer buffer;
        long touchedAt;
        boolean active;
    }

    /**
     * @param slots          frames kept in progress at once.
     * @param maxFrameLength longest frame accepted.
     */
    public ChunkAssembler(final int slots, final int maxFrameLength)
    {
        this.maxFrameLength = maxFrameLength;
        this.slots = new Slot[slots];
        for (int i = 0; i < slots; i++)
        {
            this.slots[i] = new Slot();
        }
    }

    /**
     * @param frameLength   length of a frame.
     * @param maxChunkBytes most frame bytes one chunk can carry.
     * @return the chunks it travels in.
     */
    public static int chunkCount(final int frameLength, final int maxChunkBytes)
    {
        return (frameLength + maxChunkBytes - 1) / maxChunkBytes;
    }

    /**
     * @param frameLength length of a frame.
     * @param chunkCount  chunks it travels in.
     * @param index       of a chunk.
     * @return offset of that chunk's bytes in the frame.
     */
    public static int chunkOffset(final int frameLength, final int chunkCount, final int index)
    {
        return index * stride(frameLength, chunkCount);
    }

    /**
     * @param frameLength length of a frame.
     * @param chunkCount  chunks it travels in.
     * @param index       of a chunk.
     * @return bytes of the frame that chunk carries.
     */
    public static int chunkLength(final int frameLength, final int chunkCount, final int index)
    {
        final int stride = stride(frameLength, chunkCount);
        return index < chunkCount - 1 ? stride : frameLength - stride * (chunkCount - 1);
    }

    private static int stride(final int frameLength, final int chunkCount)
    {
        return (frameLength + chunkCount - 1) / chunkCount;
    }

    /**
     * Take a chunk.
     *
     * @param type        of the chunked frame.
     * @param roomId      of the chunked frame.
     * @param seq         of the chunked frame.
     * @param frameLength of the whole frame.
     * @param index       of this chunk.
     * @param count       of chunks.
     * @param buffer      holding the chunk's bytes.
     * @param offset      of the chunk's bytes.
     * @param length      of the chunk's bytes.
     * @return the whole frame's length when this chunk completed it (read it from {@link #frameBuffer()}),
     * {@link #INCOMPLETE}, or {@link #MALFORMED}.
     */
    public int onChunk(
        final int type,
        final int roomId,
        final long seq,
        final int frameLength,
        final int index,
        final int count,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        if (frameLength < 1 || frameLength > maxFrameLength || count < 1 || count > frameLength || index < 0 ||
            index >= count || chunkLength(frameLength, count, index) != length || chunkLength(frameLength, count,
            count - 1) < 1)
        {
            return MALFORMED;
        }
        final Slot slot = slotFor(type, roomId, seq, frameLength, count);
        slot.touchedAt = ++touches;
        final long bit = 1L << (index & 63);
        final int word = index >>> 6;
        if ((slot.have[word] & bit) == 0)
        {
            slot.have[word] |= bit;
            slot.received++;
            slot.buffer.putBytes(chunkOffset(frameLength, count, index), buffer, offset, length);
        }
        if (slot.received < count)
        {
            return INCOMPLETE;
        }
        slot.active = false;
        completed = slot;
        return frameLength;
    }

    /**
     * @return the buffer holding the frame the last complete {@link #onChunk} finished, from offset 0; valid until
     * the next chunk.
     */
    public DirectBuffer frameBuffer()
    {
        return completed.buffer;
    }

    /**
     * Forget every frame in progress.
     */
    public void reset()
    {
        for (final Slot slot : slots)
        {
            slot.active = false;
        }
    }

    /**
     * @return frames in progress.
     */
    public int inProgress()
    {
        int count = 0;
        for (final Slot slot : slots)
        {
            count += slot.active ? 1 : 0;
        }
        return count;
    }

    private Slot slotFor(final int type, final int roomId, final long seq, final int frameLength, final int count)
    {
        Slot victim = null;
        for (final Slot slot : slots)
        {
            if (slot.active && slot.type == type && slot.roomId == roomId && slot.seq == seq)
            {
                return slot.frameLength == frameLength && slot.chunkCount == count ?
                    slot : start(slot, type, roomId, seq, frameLength, count);
            }
            if (null == victim || (victim.active && (!slot.active || slot.touchedAt < victim.touchedAt)))
            {
                victim = slot;
            }
        }
        return start(victim, type, roomId, seq, frameLength, count);
    }

    private Slot start(
        final Slot slot, final int type, final int roomId, final long seq, final int frameLength, final int count)
    {
        slot.type = type;
        slot.roomId = roomId;
        slot.seq = seq;
        slot.frameLength = frameLength;
        slot.chunkCount = count;
        slot.received = 0;
        final int words = (count + 63) >>> 6;
        if (null == slot.have || slot.have.length < words)
        {
            slot.have = new long[words];
        }
        else
        {
            Arrays.fill(slot.have, 0, words, 0);
        }
        if (null == slot.buffer)
        {
            slot.buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(maxFrameLength, 64));
        }
        slot.active = true;
        return slot;
    }
}
