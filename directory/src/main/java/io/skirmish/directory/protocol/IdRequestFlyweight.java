package io.skirmish.directory.protocol;

/**
 * CONFIRM_SEAT, RELEASE_SEAT (the id is a seat id) and DESCRIBE_ROOM (the id is a room id), to the directory.
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                      Header (16 bytes)                        |
 *  +---------------------------------------------------------------+
 *  |                             Id (64)                           |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class IdRequestFlyweight extends DirectoryHeaderFlyweight
{
    /** Offset of the id. */
    public static final int ID_OFFSET = 16;
    /** Length of the message. */
    public static final int LENGTH = 24;

    /**
     * @return the seat or room id.
     */
    public long id()
    {
        return getLong(ID_OFFSET);
    }

    /**
     * @param id the seat or room id.
     * @return this for a fluent API.
     */
    public IdRequestFlyweight id(final long id)
    {
        putLong(ID_OFFSET, id);
        return this;
    }
}
