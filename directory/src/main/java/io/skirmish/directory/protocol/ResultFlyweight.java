package io.skirmish.directory.protocol;

/**
 * RESULT, directory to the session that asked: the outcome of the request with the same correlation id, a
 * {@link DirectoryResult} code, and a value that depends on the request (the seat id for a confirm or release).
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                      Header (16 bytes)                        |
 *  +---------------------------------------------------------------+
 *  |                            Code (64)                          |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                            Value (64)                         |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class ResultFlyweight extends DirectoryHeaderFlyweight
{
    /** Offset of the code. */
    public static final int CODE_OFFSET = 16;
    /** Offset of the value. */
    public static final int VALUE_OFFSET = 24;
    /** Length of the message. */
    public static final int LENGTH = 32;

    /**
     * @return result code.
     */
    public long code()
    {
        return getLong(CODE_OFFSET);
    }

    /**
     * @param code result code.
     * @return this for a fluent API.
     */
    public ResultFlyweight code(final long code)
    {
        putLong(CODE_OFFSET, code);
        return this;
    }

    /**
     * @return the value.
     */
    public long value()
    {
        return getLong(VALUE_OFFSET);
    }

    /**
     * @param value the value.
     * @return this for a fluent API.
     */
    public ResultFlyweight value(final long value)
    {
        putLong(VALUE_OFFSET, value);
        return this;
    }
}
