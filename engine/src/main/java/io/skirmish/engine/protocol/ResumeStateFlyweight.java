package io.skirmish.engine.protocol;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * RESUME_STATE, server to client on the events lane, right after a {@code CONNECT_ACCEPT} that resumed a session:
 * where each of the session's streams continues ({@code From Seq}, the first seq the client has not acknowledged)
 * and how far it reached when the session came back ({@code Head Seq}). The client catches up from
 * {@code From Seq} (a new process resuming the session learns its rooms this way) and reports the session resumed
 * only once every stream has been delivered up to its head. Kinds: the direct stream, a room the client knows it is
 * in, a room joined while it was away (its JOIN_RESULT notice is still to come on the direct stream), and a room it
 * left while away (its LEFT_ROOM notice is still to come, after the room's events up to {@code Head Seq}). The
 * notice's seq on the direct stream travels with the entry: the server may not yet have had the client's
 * acknowledgement of a notice the client already delivered, and only the client can tell.
 * <p>
 * After the entries come the <b>restored rooms</b> ({@code Restored Count}, 0 from a server that sends none): for
 * each room the session was restored into after a server restart, the seq the room's recording ended at
 * ({@code Restored Seq}) and an id of that restore. A client that had delivered past the restored seq holds events
 * the restored room does not have (a {@code LIVE} durable room delivers before it records): it goes back to the
 * restored seq and asks for a resync ({@link ReplayRequestFlyweight#FLAG_RESYNC}) instead of taking the restored
 * room's new events with those seqs for duplicates. A client that sees the same restore id again acts once.
 * Clients that do not know the restored rooms stop reading after the entries.
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                       Header (8 bytes)                        |
 *  +---------------------------------------------------------------+
 *  |                         Entry Count (32)                      |
 *  +---------------------------------------------------------------+
 *  |                        Restored Count (32)                    |
 *  +---------------------------------------------------------------+
 *  |  Entries: Room Id (32), Kind (32), From Seq (64), Head Seq (64), Notice Seq (64) ...
 *  +---------------------------------------------------------------+
 *  |  Restored: Room Id (32), Reserved (32), Restored Seq (64), Restore Id (64) ...
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class ResumeStateFlyweight extends FrameHeaderFlyweight
{
    /** Kind of the session's direct stream (room 0). */
    public static final int DIRECT = 0;
    /** Kind of a room the client was in before it went away, and still is. */
    public static final int MEMBER = 1;
    /** Kind of a room joined while the client was away: its JOIN_RESULT notice is still to come. */
    public static final int JOINED_WHILE_AWAY = 2;
    /** Kind of a room left while the client was away: its LEFT_ROOM notice is still to come. */
    public static final int LEFT_WHILE_AWAY = 3;

    /** Offset of the entry count. */
    public static final int COUNT_OFFSET = 8;
    /** Offset of the first entry. */
    public static final int ENTRIES_OFFSET = 16;
    /** Length of one entry. */
    public static final int ENTRY_LENGTH = 32;
    /** Offset of the count of restored rooms (after the entries). */
    public static final int RESTORED_COUNT_OFFSET = 12;
    /** Length of one restored room. */
    public static final int RESTORED_LENGTH = 24;

    /**
     * @param count number of entries.
     * @return length of a frame with that many entries.
     */
    public static int length(final int count)
    {
        return ENTRIES_OFFSET + count * ENTRY_LENGTH;
    }

    /**
     * @param count         number of entries.
     * @param restoredCount number of restored rooms.
     * @return length of a frame with that many entries and restored rooms.
     */
    public static int length(final int count, final int restoredCount)
    {
        return length(count) + restoredCount * RESTORED_LENGTH;
    }

    /**
     * @return number of entries.
     */
    public int count()
    {
        return buffer.getInt(offset + COUNT_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param count number of entries.
     * @return this for a fluent API.
     */
    public ResumeStateFlyweight count(final int count)
    {
        mutableBuffer.putInt(offset + COUNT_OFFSET, count, LITTLE_ENDIAN);
        mutableBuffer.putInt(offset + COUNT_OFFSET + 4, 0, LITTLE_ENDIAN);
        return this;
    }

    /**
     * Write an entry.
     *
     * @param index   of the entry.
     * @param roomId  the stream (0 for the direct stream).
     * @param kind    {@link #DIRECT}, {@link #MEMBER}, {@link #JOINED_WHILE_AWAY} or {@link #LEFT_WHILE_AWAY}.
     * @param fromSeq first seq the client has not acknowledged.
     * @param headSeq newest seq of the stream (for a room left: the last one the session is owed).
     * @param noticeSeq seq on the direct stream of the room's JOIN_RESULT notice (a room joined) or LEFT_ROOM notice
     *                  (a room left while away), 0 for the direct stream.
     * @return this for a fluent API.
     */
    public ResumeStateFlyweight entry(
        final int index, final int roomId, final int kind, final long fromSeq, final long headSeq,
        final long noticeSeq)
    {
        final int at = offset + ENTRIES_OFFSET + index * ENTRY_LENGTH;
        mutableBuffer.putInt(at, roomId, LITTLE_ENDIAN);
        mutableBuffer.putInt(at + 4, kind, LITTLE_ENDIAN);
        mutableBuffer.putLong(at + 8, fromSeq, LITTLE_ENDIAN);
        mutableBuffer.putLong(at + 16, headSeq, LITTLE_ENDIAN);
        mutableBuffer.putLong(at + 24, noticeSeq, LITTLE_ENDIAN);
        return this;
    }

    /**
     * @param index of the entry.
     * @return its room id.
     */
    public int roomId(final int index)
    {
        return buffer.getInt(offset + ENTRIES_OFFSET + index * ENTRY_LENGTH, LITTLE_ENDIAN);
    }

    /**
     * @param index of the entry.
     * @return its kind.
     */
    public int kind(final int index)
    {
        return buffer.getInt(offset + ENTRIES_OFFSET + index * ENTRY_LENGTH + 4, LITTLE_ENDIAN);
    }

    /**
     * @param index of the entry.
     * @return its first unacknowledged seq.
     */
    public long fromSeq(final int index)
    {
        return buffer.getLong(offset + ENTRIES_OFFSET + index * ENTRY_LENGTH + 8, LITTLE_ENDIAN);
    }

    /**
     * @param index of the entry.
     * @return its head seq.
     */
    public long headSeq(final int index)
    {
        return buffer.getLong(offset + ENTRIES_OFFSET + index * ENTRY_LENGTH + 16, LITTLE_ENDIAN);
    }

    /**
     * @param index of the entry.
     * @return seq of the room's membership notice on the direct stream (0 for the direct stream).
     */
    public long noticeSeq(final int index)
    {
        return buffer.getLong(offset + ENTRIES_OFFSET + index * ENTRY_LENGTH + 24, LITTLE_ENDIAN);
    }

    /**
     * @return number of restored rooms (after the entries).
     */
    public int restoredCount()
    {
        return buffer.getInt(offset + RESTORED_COUNT_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param restoredCount number of restored rooms, written after {@link #count(int)}.
     * @return this for a fluent API.
     */
    public ResumeStateFlyweight restoredCount(final int restoredCount)
    {
        mutableBuffer.putInt(offset + RESTORED_COUNT_OFFSET, restoredCount, LITTLE_ENDIAN);
        return this;
    }

    /**
     * Write a restored room, after all {@link #count(int)} entries.
     *
     * @param index       of the restored room.
     * @param roomId      the room.
     * @param restoredSeq the seq the room's recording ended at.
     * @param restoreId   the restore's id (non-zero).
     * @return this for a fluent API.
     */
    public ResumeStateFlyweight restored(
        final int index, final int roomId, final long restoredSeq, final long restoreId)
    {
        final int at = restoredAt(index);
        mutableBuffer.putInt(at, roomId, LITTLE_ENDIAN);
        mutableBuffer.putInt(at + 4, 0, LITTLE_ENDIAN);
        mutableBuffer.putLong(at + 8, restoredSeq, LITTLE_ENDIAN);
        mutableBuffer.putLong(at + 16, restoreId, LITTLE_ENDIAN);
        return this;
    }

    /**
     * @param index of the restored room.
     * @return its room id.
     */
    public int restoredRoomId(final int index)
    {
        return buffer.getInt(restoredAt(index), LITTLE_ENDIAN);
    }

    /**
     * @param index of the restored room.
     * @return the seq its recording ended at.
     */
    public long restoredSeq(final int index)
    {
        return buffer.getLong(restoredAt(index) + 8, LITTLE_ENDIAN);
    }

    /**
     * @param index of the restored room.
     * @return the id of its restore.
     */
    public long restoreId(final int index)
    {
        return buffer.getLong(restoredAt(index) + 16, LITTLE_ENDIAN);
    }

    private int restoredAt(final int index)
    {
        return offset + ENTRIES_OFFSET + count() * ENTRY_LENGTH + index * RESTORED_LENGTH;
    }

    /**
     * @param buffer holding the frame.
     * @param offset of the frame.
     * @param length of the frame.
     * @return true when the frame is long enough for the counts it declares.
     */
    public static boolean isComplete(final DirectBuffer buffer, final int offset, final int length)
    {
        final int count = buffer.getInt(offset + COUNT_OFFSET, LITTLE_ENDIAN);
        final int restoredCount = buffer.getInt(offset + RESTORED_COUNT_OFFSET, LITTLE_ENDIAN);
        if (count < 0 || count > (length - ENTRIES_OFFSET) / ENTRY_LENGTH || restoredCount < 0)
        {
            return false;
        }
        return restoredCount <= (length - ENTRIES_OFFSET - count * ENTRY_LENGTH) / RESTORED_LENGTH;
    }

    /**
     * Wrap for encoding without the narrowing of the superclass's return type.
     *
     * @param buffer    to write into.
     * @param offset    at which the frame begins.
     * @param sessionId the session.
     * @return this for a fluent API.
     */
    public ResumeStateFlyweight wrapForEncode(final MutableDirectBuffer buffer, final int offset, final int sessionId)
    {
        super.wrapForEncode(buffer, offset, FrameType.RESUME_STATE, sessionId);
        return this;
    }
}
