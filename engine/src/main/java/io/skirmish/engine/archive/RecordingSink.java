package io.skirmish.engine.archive;

import org.agrona.DirectBuffer;

/**
 * Where a room's recorded frames go: the recorded Aeron publication in production, a fake in unit tests. The
 * methods and results are those of {@code io.aeron.Publication}.
 */
public interface RecordingSink
{
    /**
     * Offer a frame gathered from two parts (header and payload).
     *
     * @param bufferOne first part.
     * @param offsetOne of the first part.
     * @param lengthOne of the first part.
     * @param bufferTwo second part.
     * @param offsetTwo of the second part.
     * @param lengthTwo of the second part, may be 0.
     * @return the new position, or a negative {@code Publication} code (back pressured, not connected, ...).
     */
    long offer(DirectBuffer bufferOne, int offsetOne, int lengthOne, DirectBuffer bufferTwo, int offsetTwo, int lengthTwo);

    /**
     * Offer a whole frame.
     *
     * @param buffer holding the frame.
     * @param offset of the frame.
     * @param length of the frame.
     * @return the new position, or a negative {@code Publication} code.
     */
    long offer(DirectBuffer buffer, int offset, int length);
}
