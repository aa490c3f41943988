package io.skirmish.directory.protocol;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The header every directory message starts with: on the cluster's ingress (backend or room server to the
 * directory), on its egress (directory to the session that asked) and in the directory's snapshots. One message is
 * one Aeron Cluster message; Aeron Cluster's own session header comes before it and is not shown.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-------------------------------+-------------------------------+
 *  |           Type (16)           |          Version (16)         |
 *  +-------------------------------+-------------------------------+
 *  |                         Reserved (32)                         |
 *  +---------------------------------------------------------------+
 *  |                      Correlation Id (64)                      |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                      Type-specific body                      ...
 * </pre>
 * Little-endian; 64-bit fields are aligned to 8 bytes from the start of the message.
 */
public class DirectoryHeaderFlyweight
{
    /** Version written by this build; a message with another version is refused and counted. */
    public static final int CURRENT_VERSION = 1;
    /** Offset of the type. */
    public static final int TYPE_OFFSET = 0;
    /** Offset of the version. */
    public static final int VERSION_OFFSET = 2;
    /** Offset of the correlation id. */
    public static final int CORRELATION_ID_OFFSET = 8;
    /** Length of the header. */
    public static final int HEADER_LENGTH = 16;

    /** The wrapped buffer. */
    protected DirectBuffer buffer;
    /** The wrapped buffer when writable, otherwise null. */
    protected MutableDirectBuffer mutableBuffer;
    /** Offset of the message in the buffer. */
    protected int offset;

    /**
     * Wrap a message for reading.
     *
     * @param buffer holding the message.
     * @param offset of the message.
     * @return this for a fluent API.
     */
    public DirectoryHeaderFlyweight wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer instanceof MutableDirectBuffer ? (MutableDirectBuffer)buffer : null;
        this.offset = offset;
        return this;
    }

    /**
     * Wrap a buffer and write a fresh header: type, current version, zero reserved field, correlation id.
     *
     * @param buffer        to write into.
     * @param offset        of the message.
     * @param type          message type, from {@link DirectoryMessageType}.
     * @param correlationId of the request, or the request answered.
     * @return this for a fluent API.
     */
    public DirectoryHeaderFlyweight wrapForEncode(
        final MutableDirectBuffer buffer, final int offset, final int type, final long correlationId)
    {
        wrap(buffer, offset);
        buffer.putShort(offset + TYPE_OFFSET, (short)type, LITTLE_ENDIAN);
        buffer.putShort(offset + VERSION_OFFSET, (short)CURRENT_VERSION, LITTLE_ENDIAN);
        buffer.putInt(offset + 4, 0, LITTLE_ENDIAN);
        buffer.putLong(offset + CORRELATION_ID_OFFSET, correlationId, LITTLE_ENDIAN);
        return this;
    }

    /**
     * @return the message type.
     */
    public int type()
    {
        return buffer.getShort(offset + TYPE_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
    }

    /**
     * @return the version it was written with.
     */
    public int version()
    {
        return buffer.getShort(offset + VERSION_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
    }

    /**
     * @return the correlation id.
     */
    public long correlationId()
    {
        return buffer.getLong(offset + CORRELATION_ID_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param fieldOffset from the start of the message.
     * @return the 32-bit field.
     */
    protected final int getInt(final int fieldOffset)
    {
        return buffer.getInt(offset + fieldOffset, LITTLE_ENDIAN);
    }

    /**
     * @param fieldOffset from the start of the message.
     * @param value       to write.
     */
    protected final void putInt(final int fieldOffset, final int value)
    {
        mutableBuffer.putInt(offset + fieldOffset, value, LITTLE_ENDIAN);
    }

    /**
     * @param fieldOffset from the start of the message.
     * @return the 64-bit field.
     */
    protected final long getLong(final int fieldOffset)
    {
        return buffer.getLong(offset + fieldOffset, LITTLE_ENDIAN);
    }

    /**
     * @param fieldOffset from the start of the message.
     * @param value       to write.
     */
    protected final void putLong(final int fieldOffset, final long value)
    {
        mutableBuffer.putLong(offset + fieldOffset, value, LITTLE_ENDIAN);
    }

    /**
     * Copy bytes out of the message.
     *
     * @param fieldOffset from the start of the message.
     * @param dst         destination.
     * @param length      how many bytes.
     */
    protected final void getBytes(final int fieldOffset, final byte[] dst, final int length)
    {
        buffer.getBytes(offset + fieldOffset, dst, 0, length);
    }

    /**
     * Copy bytes into the message.
     *
     * @param fieldOffset from the start of the message.
     * @param src         source.
     * @param length      how many bytes.
     */
    protected final void putBytes(final int fieldOffset, final byte[] src, final int length)
    {
        mutableBuffer.putBytes(offset + fieldOffset, src, 0, length);
    }

    /**
     * @param fieldOffset from the start of the message.
     * @param length      of the ASCII string.
     * @return the string.
     */
    protected final String getAscii(final int fieldOffset, final int length)
    {
        return buffer.getStringWithoutLengthAscii(offset + fieldOffset, length);
    }

    /**
     * @param fieldOffset from the start of the message.
     * @param value       ASCII string to write, without a length prefix.
     * @return bytes written.
     */
    protected final int putAscii(final int fieldOffset, final String value)
    {
        return mutableBuffer.putStringWithoutLengthAscii(offset + fieldOffset, value);
    }
}
