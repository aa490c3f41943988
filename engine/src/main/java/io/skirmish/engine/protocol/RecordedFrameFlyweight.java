package io.skirmish.engine.protocol;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * One frame of a durable room's recorded stream in Aeron Archive: an event of the room (with its seq, type id,
 * event flags and payload, membership system events included), a keyframe of the game's room state tagged with the
 * room seq it follows, or a gap marker saying that frames were lost before reaching the recording (Seq: the first
 * lost frame's seq; Type Id: how many frames were lost), or the client reliable seq behind the events that follow
 * ({@link #SENDER_SEQ}), or a ticking room's tick ({@link #TICK}). Each frame is one Aeron message. Little-endian.
 * <pre>
 *  +-------------------------------+-------------------------------+
 *  |       Record Type (16)        |       Event Flags (16)        |
 *  +-------------------------------+-------------------------------+
 *  |                          Room Id (32)                         |
 *  +---------------------------------------------------------------+
 *  |                            Seq (64)                           |
 *  +---------------------------------------------------------------+
 *  |                       Timestamp Ns (64)                       |
 *  +---------------------------------------------------------------+
 *  |                Type Id or Lost Frame Count (32)               |
 *  +---------------------------------------------------------------+
 *  |                    Sender Session Id (32)                     |
 *  +---------------------------------------------------------------+
 *  |                           Payload                            ...
 * </pre>
 */
public final class RecordedFrameFlyweight
{
    /** Record type: a room event. */
    public static final int EVENT = 1;
    /** Record type: a keyframe of the game's room state. */
    public static final int KEYFRAME = 2;
    /** Record type: frames were lost before the recording (its pending buffer overflowed). */
    public static final int GAP = 3;
    /**
     * Record type: the client reliable seq of the frame whose handling produced the events that follow (Seq: the
     * room seq of the next event; Sender: the client's session; Payload: the reliable seq, 64 bits). A restarted
     * server acknowledges a restored session's frames up to the highest it finds, so none is applied twice.
     */
    public static final int SENDER_SEQ = 4;
    /**
     * Record type: a ticking room's tick, recorded about once a second (Seq: the room's last seq; Payload: the tick,
     * 64 bits, then the server's wall clock in epoch milliseconds, 64 bits). A restored room continues its tick count
     * from the last one plus the ticks of the wall-clock time since, so that tick numbers keep rising across a
     * restart. Readers that do not know it skip it.
     */
    public static final int TICK = 5;
    /**
     * Record type: the start of a restored room's recording, whose frames up to the restored seq repeat what the
     * room's earlier recordings hold, so that the recording is self-contained (Seq: the restored keyframe's seq, or 0
     * without one; Type Id: 1 when a repeated keyframe follows, else 0; Payload: the seq the room was restored at,
     * 64 bits). It is the recording's first record. A restore starts from the newest recording that begins with it,
     * a stitched replay skips the repeat, and it never starts a lifetime. Readers that do not know it skip it.
     */
    public static final int RESTORED = 6;
    /** Length of a {@link #TICK} record's payload. */
    public static final int TICK_PAYLOAD_LENGTH = 16;

    /** Offset of the record type. */
    public static final int RECORD_TYPE_OFFSET = 0;
    /** Offset of the event flags (those of the ROOM_EVENT frame). */
    public static final int FLAGS_OFFSET = 2;
    /** Offset of the room id. */
    public static final int ROOM_ID_OFFSET = 4;
    /** Offset of the seq. */
    public static final int SEQ_OFFSET = 8;
    /** Offset of the server's nano clock when the frame was recorded. */
    public static final int TIMESTAMP_OFFSET = 16;
    /** Offset of the type id (events), 0 (keyframes), or the lost frame count (gaps). */
    public static final int TYPE_ID_OFFSET = 24;
    /** Offset of the sending session id, 0 for the server. */
    public static final int SENDER_OFFSET = 28;
    /** Offset of the payload; also the header length. */
    public static final int PAYLOAD_OFFSET = 32;

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;
    private int length;

    /**
     * @param buffer holding the frame.
     * @param offset of the frame.
     * @param length of the frame.
     * @return this for a fluent API.
     */
    public RecordedFrameFlyweight wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer instanceof MutableDirectBuffer ? (MutableDirectBuffer)buffer : null;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /**
     * @return record type: {@link #EVENT}, {@link #KEYFRAME} or {@link #GAP}.
     */
    public int recordType()
    {
        return buffer.getShort(offset + RECORD_TYPE_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
    }

    /**
     * @return the event's flags.
     */
    public int flags()
    {
        return buffer.getShort(offset + FLAGS_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
    }

    /**
     * @return room id.
     */
    public int roomId()
    {
        return buffer.getInt(offset + ROOM_ID_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @return seq of the event, the seq a keyframe follows, or the first lost seq of a gap.
     */
    public long seq()
    {
        return buffer.getLong(offset + SEQ_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @return the server's nano clock when recorded.
     */
    public long timestampNs()
    {
        return buffer.getLong(offset + TIMESTAMP_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @return type id of an event, or the lost frame count of a gap.
     */
    public int typeId()
    {
        return buffer.getInt(offset + TYPE_ID_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @return the sending session id, 0 for the server.
     */
    public int senderSessionId()
    {
        return buffer.getInt(offset + SENDER_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @return offset of the payload in the wrapped buffer.
     */
    public int payloadOffset()
    {
        return offset + PAYLOAD_OFFSET;
    }

    /**
     * @return payload length.
     */
    public int payloadLength()
    {
        return length - PAYLOAD_OFFSET;
    }

    /**
     * Write a header.
     *
     * @param recordType      {@link #EVENT}, {@link #KEYFRAME} or {@link #GAP}.
     * @param flags           event flags.
     * @param roomId          room id.
     * @param seq             seq.
     * @param timestampNs     nano clock now.
     * @param typeId          type id or lost frame count.
     * @param senderSessionId sender, 0 for the server.
     * @return this for a fluent API.
     */
    public RecordedFrameFlyweight header(
        final int recordType,
        final int flags,
        final int roomId,
        final long seq,
        final long timestampNs,
        final int typeId,
        final int senderSessionId)
    {
        final MutableDirectBuffer b = mutableBuffer;
        b.putShort(offset + RECORD_TYPE_OFFSET, (short)recordType, LITTLE_ENDIAN);
        b.putShort(offset + FLAGS_OFFSET, (short)flags, LITTLE_ENDIAN);
        b.putInt(offset + ROOM_ID_OFFSET, roomId, LITTLE_ENDIAN);
        b.putLong(offset + SEQ_OFFSET, seq, LITTLE_ENDIAN);
        b.putLong(offset + TIMESTAMP_OFFSET, timestampNs, LITTLE_ENDIAN);
        b.putInt(offset + TYPE_ID_OFFSET, typeId, LITTLE_ENDIAN);
        b.putInt(offset + SENDER_OFFSET, senderSessionId, LITTLE_ENDIAN);
        return this;
    }
}
