package io.skirmish.engine.server;

import org.agrona.MutableDirectBuffer;

/**
 * Writes one member's snapshot for a tick straight into engine-owned buffer space, for
 * {@link Room#publishSnapshot(long, SnapshotWriter)}. Called on the server conductor thread, once per connected
 * member, in the order of {@link Room#member(int)}. The buffer is reused for the next member as soon as the call
 * returns; do not keep it. Keep an instance in a field (a capturing lambda made per tick allocates).
 */
@FunctionalInterface
public interface SnapshotWriter
{
    /**
     * Write the member's view of the state for the tick.
     *
     * @param member    the receiving member.
     * @param tick      the snapshot's tick.
     * @param buffer    where to write.
     * @param offset    at which to write.
     * @param maxLength most bytes that may be written ({@link GameServer.Context#maxSnapshotLength(int)}).
     * @return bytes written, or a negative value to send this member nothing for this tick.
     */
    int write(Session member, long tick, MutableDirectBuffer buffer, int offset, int maxLength);
}
