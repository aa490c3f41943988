package io.skirmish.engine.protocol;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The header that starts every Skirmish frame, and the base of every frame flyweight.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+-------------------------------+
 *  |    Version    |     Type      |             Flags             |
 *  +---------------+---------------+-------------------------------+
 *  |                          Session Id                           |
 *  +---------------------------------------------------------------+
 *  |                        Type-specific body                    ...
 * </pre>
 * Session id is the Skirmish session id (0 before a session exists), never Aeron's transport session id.
 * A flyweight holds no state but the wrapped buffer, its offset and the frame length.
 */
public class FrameHeaderFlyweight
{
    /** Protocol version written by this build. A frame with another version is rejected. */
    public static final int CURRENT_VERSION = 6;
    /** Length of the common header in bytes. */
    public static final int HEADER_LENGTH = 8;

    /** Offset of the version byte. */
    public static final int VERSION_OFFSET = 0;
    /** Offset of the type byte. */
    public static final int TYPE_OFFSET = 1;
    /** Offset of the 16-bit flags. */
    public static final int FLAGS_OFFSET = 2;
    /** Offset of the 32-bit session id. */
    public static final int SESSION_ID_OFFSET = 4;

    /** Flag: the payload is a Kryo-encoded registered message whose type id is in the frame. */
    public static final int FLAG_KRYO = 0x1;
    /** Flag on ROOM_EMIT: do not deliver the event back to the emitting session. */
    public static final int FLAG_EXCEPT_SENDER = 0x2;
    /** Flag on ROOM_EVENT: the event is a replay of history, not a live send. */
    public static final int FLAG_REPLAY = 0x4;
    /** Flag on ROOM_EVENT: the event is part of a late-join backlog. */
    public static final int FLAG_BACKLOG = 0x8;
    /** Flag on ROOM_EVENT and RESYNC: a membership (system) event, payload is the member's session id. */
    public static final int FLAG_SYSTEM = 0x10;
    /**
     * Flag on any frame but CONNECT_REQUEST, CONNECT_ACCEPT and CONNECT_REJECT: the body is AES-GCM encrypted and a
     * 24-byte counter and tag trailer follows. On CONNECT_REQUEST: the client asks for encryption; on
     * CONNECT_ACCEPT: the server grants it (the frames themselves stay in clear).
     */
    public static final int FLAG_ENCRYPTED = 0x8000;

    /** The wrapped buffer. */
    protected DirectBuffer buffer;
    /** The wrapped buffer when it is writable, otherwise null. */
    protected MutableDirectBuffer mutableBuffer;
    /** Offset of the frame in the wrapped buffer. */
    protected int offset;
    /** Length of the wrapped frame in bytes (the remaining capacity when wrapped for encoding). */
    protected int frameLength;

    /**
     * Wrap a buffer for reading.
     *
     * @param buffer containing the frame.
     * @param offset at which the frame begins.
     * @param length of the frame in bytes.
     * @return this for a fluent API.
     */
    public FrameHeaderFlyweight wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer instanceof MutableDirectBuffer ? (MutableDirectBuffer)buffer : null;
        this.offset = offset;
        this.frameLength = length;
        return this;
    }

    /**
     * Wrap a buffer for writing and write the header.
     *
     * @param buffer    to write into.
     * @param offset    at which the frame begins.
     * @param type      frame type code from {@link FrameType}.
     * @param sessionId Skirmish session id, 0 when none.
     * @return this for a fluent API.
     */
    public FrameHeaderFlyweight wrapForEncode(
        final MutableDirectBuffer buffer, final int offset, final int type, final int sessionId)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer;
        this.offset = offset;
        this.frameLength = buffer.capacity() - offset;
        buffer.putByte(offset + VERSION_OFFSET, (byte)CURRENT_VERSION);
        buffer.putByte(offset + TYPE_OFFSET, (byte)type);
        buffer.putShort(offset + FLAGS_OFFSET, (short)0, LITTLE_ENDIAN);
        buffer.putInt(offset + SESSION_ID_OFFSET, sessionId, LITTLE_ENDIAN);
        return this;
    }

    /**
     * @return the wrapped buffer.
     */
    public DirectBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return offset of the frame in the wrapped buffer.
     */
    public int offset()
    {
        return offset;
    }

    /**
     * @return length of the wrapped frame in bytes, as given to {@link #wrap(DirectBuffer, int, int)}.
     */
    public int frameLength()
    {
        return frameLength;
    }

    /**
     * @return protocol version of the frame.
     */
    public int version()
    {
        return buffer.getByte(offset + VERSION_OFFSET) & 0xFF;
    }

    /**
     * @return frame type code.
     */
    public int type()
    {
        return buffer.getByte(offset + TYPE_OFFSET) & 0xFF;
    }

    /**
     * @return the 16 flag bits.
     */
    public int flags()
    {
        return buffer.getShort(offset + FLAGS_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
    }

    /**
     * @param flags to set.
     * @return this for a fluent API.
     */
    public FrameHeaderFlyweight flags(final int flags)
    {
        mutableBuffer.putShort(offset + FLAGS_OFFSET, (short)flags, LITTLE_ENDIAN);
        return this;
    }

    /**
     * @return Skirmish session id.
     */
    public int sessionId()
    {
        return buffer.getInt(offset + SESSION_ID_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param sessionId Skirmish session id.
     * @return this for a fluent API.
     */
    public FrameHeaderFlyweight sessionId(final int sessionId)
    {
        mutableBuffer.putInt(offset + SESSION_ID_OFFSET, sessionId, LITTLE_ENDIAN);
        return this;
    }

    /**
     * Validate the frame in a buffer: long enough for a header, current version, known type and at least the
     * minimum length of that type. Allocation free.
     *
     * @param buffer containing the frame.
     * @param offset of the frame.
     * @param length of the frame.
     * @return {@link #VALID}, or a negative code: {@link #TOO_SHORT}, {@link #BAD_VERSION}, {@link #UNKNOWN_TYPE}.
     */
    public static int validate(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < HEADER_LENGTH)
        {
            return TOO_SHORT;
        }
        if ((buffer.getByte(offset + VERSION_OFFSET) & 0xFF) != CURRENT_VERSION)
        {
            return BAD_VERSION;
        }
        final int minLength = FrameType.minLength(buffer.getByte(offset + TYPE_OFFSET) & 0xFF);
        if (minLength < 0)
        {
            return UNKNOWN_TYPE;
        }
        if (length < minLength)
        {
            return TOO_SHORT;
        }
        return VALID;
    }

    /** {@link #validate} result: the frame may be read. */
    public static final int VALID = 0;
    /** {@link #validate} result: shorter than the header or than its type's minimum. */
    public static final int TOO_SHORT = -1;
    /** {@link #validate} result: unsupported protocol version. */
    public static final int BAD_VERSION = -2;
    /** {@link #validate} result: unknown frame type. */
    public static final int UNKNOWN_TYPE = -3;

    /**
     * @param fieldOffset offset of the field from the start of the frame.
     * @return the little-endian 32-bit field.
     */
    protected final int getInt(final int fieldOffset)
    {
        return buffer.getInt(offset + fieldOffset, LITTLE_ENDIAN);
    }

    /**
     * @param fieldOffset offset of the field from the start of the frame.
     * @param value       written little-endian as 32 bits.
     */
    protected final void putInt(final int fieldOffset, final int value)
    {
        mutableBuffer.putInt(offset + fieldOffset, value, LITTLE_ENDIAN);
    }

    /**
     * @param fieldOffset offset of the field from the start of the frame.
     * @return the little-endian 64-bit field.
     */
    protected final long getLong(final int fieldOffset)
    {
        return buffer.getLong(offset + fieldOffset, LITTLE_ENDIAN);
    }

    /**
     * @param fieldOffset offset of the field from the start of the frame.
     * @param value       written little-endian as 64 bits.
     */
    protected final void putLong(final int fieldOffset, final long value)
    {
        mutableBuffer.putLong(offset + fieldOffset, value, LITTLE_ENDIAN);
    }

    /**
     * @param fieldOffset offset of the field from the start of the frame.
     * @return the little-endian 16-bit field, unsigned.
     */
    protected final int getShort(final int fieldOffset)
    {
        return buffer.getShort(offset + fieldOffset, LITTLE_ENDIAN) & 0xFFFF;
    }

    /**
     * @param fieldOffset offset of the field from the start of the frame.
     * @param value       written little-endian as 16 bits.
     */
    protected final void putShort(final int fieldOffset, final int value)
    {
        mutableBuffer.putShort(offset + fieldOffset, (short)value, LITTLE_ENDIAN);
    }
}
