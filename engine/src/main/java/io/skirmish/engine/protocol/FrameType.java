package io.skirmish.engine.protocol;

/**
 * Frame type codes carried in byte 1 of every frame, and the minimum length of each frame type.
 */
public final class FrameType
{
    /** Client to server: open or resume a session. */
    public static final int CONNECT_REQUEST = 1;
    /** Server to client: session accepted. */
    public static final int CONNECT_ACCEPT = 2;
    /** Server to client: session refused with a reason. */
    public static final int CONNECT_REJECT = 3;
    /** Client to server on the input lane: binds the unreliable lanes to the session. */
    public static final int LANE_BIND = 4;
    /** Server to client: the unreliable lanes are bound, the session is fully connected. */
    public static final int LANE_BOUND = 5;
    /** Either direction: keepalive carrying the sender's clock for RTT. */
    public static final int PING = 6;
    /** Either direction: answer to {@link #PING}, echoing its timestamp. */
    public static final int PONG = 7;
    /** Either direction: the session ends, with a reason. */
    public static final int DISCONNECT = 8;
    /** Either direction, reliable lane: a direct message between server and one session. */
    public static final int MESSAGE = 9;
    /** Server to client, unreliable lane: one part of a tick-stamped state snapshot. */
    public static final int SNAPSHOT = 10;
    /** Client to server, unreliable lane: redundant inputs plus the newest snapshot tick delivered in one room. */
    public static final int INPUT = 11;
    /** Client to server: ask to join a room. */
    public static final int JOIN_REQUEST = 12;
    /** Client to server: ask to leave a room. */
    public static final int LEAVE_REQUEST = 13;
    /** Client to server: emit an event to a room, relayed by the server. */
    public static final int ROOM_EMIT = 15;
    /** Server to client: a sequenced room event. */
    public static final int ROOM_EVENT = 16;
    /** Client to server: ask for a missing range of room or direct events. */
    public static final int REPLAY_REQUEST = 17;
    /** Server to client: the requested range is older than the history; a resync follows. */
    public static final int RESYNC = 18;
    /** Client to server: cumulative acknowledgement of delivered events, per room. */
    public static final int EVENT_ACK = 20;
    /** Client to server, unreliable input lane: newest snapshot tick delivered, per room (delta baselines). */
    public static final int SNAPSHOT_ACK = 21;
    /** Server to client: where each stream of a resumed session continues and how far it reached. */
    public static final int RESUME_STATE = 22;
    /** Client to server: the numbered envelope of a frame that must arrive, or of one chunk of it. */
    public static final int RELIABLE = 23;
    /** Server to client: the client's reliable frames processed so far. */
    public static final int RELIABLE_ACK = 24;
    /** Server to client: one chunk of a frame too long for a datagram. */
    public static final int CHUNK = 25;
    /** Server to client: the newest seq of each stream the session has not acknowledged all of. */
    public static final int STREAM_HEADS = 26;
    /** Client to server, reliable: open or stop a spectator or replay feed of a durable room. */
    public static final int FEED_REQUEST = 27;
    /** Server to client: one numbered frame of a spectator or replay feed. */
    public static final int FEED_FRAME = 28;
    /** Client to server: the frames of a feed delivered so far, or a gap. */
    public static final int FEED_ACK = 29;

    /**
     * Highest frame type code in use. Codes 14 (JOIN_RESULT) and 19 (LEFT_ROOM) are retired: those notices are events
     * of the session's direct stream now ({@link SystemEvent}).
     */
    public static final int MAX_TYPE = 29;

    private static final int[] MIN_LENGTHS = new int[MAX_TYPE + 1];

    static
    {
        final int h = FrameHeaderFlyweight.HEADER_LENGTH;
        MIN_LENGTHS[CONNECT_REQUEST] = ConnectRequestFlyweight.CREDENTIALS_OFFSET;
        MIN_LENGTHS[CONNECT_ACCEPT] = ConnectAcceptFlyweight.LENGTH;
        MIN_LENGTHS[CONNECT_REJECT] = ConnectRejectFlyweight.LENGTH;
        MIN_LENGTHS[LANE_BIND] = LaneBindFlyweight.LENGTH;
        MIN_LENGTHS[LANE_BOUND] = h;
        MIN_LENGTHS[PING] = PingFlyweight.LENGTH;
        MIN_LENGTHS[PONG] = PingFlyweight.LENGTH;
        MIN_LENGTHS[DISCONNECT] = DisconnectFlyweight.LENGTH;
        MIN_LENGTHS[MESSAGE] = MessageFlyweight.PAYLOAD_OFFSET;
        MIN_LENGTHS[SNAPSHOT] = SnapshotFlyweight.PAYLOAD_OFFSET;
        MIN_LENGTHS[INPUT] = InputFlyweight.ENTRIES_OFFSET;
        MIN_LENGTHS[JOIN_REQUEST] = RoomRequestFlyweight.PAYLOAD_OFFSET;
        MIN_LENGTHS[LEAVE_REQUEST] = RoomRequestFlyweight.PAYLOAD_OFFSET;
        MIN_LENGTHS[ROOM_EMIT] = RoomEventFlyweight.PAYLOAD_OFFSET;
        MIN_LENGTHS[ROOM_EVENT] = RoomEventFlyweight.PAYLOAD_OFFSET;
        MIN_LENGTHS[REPLAY_REQUEST] = ReplayRequestFlyweight.LENGTH;
        MIN_LENGTHS[RESYNC] = RoomEventFlyweight.PAYLOAD_OFFSET;
        MIN_LENGTHS[EVENT_ACK] = EventAckFlyweight.LENGTH;
        MIN_LENGTHS[SNAPSHOT_ACK] = SnapshotAckFlyweight.ENTRIES_OFFSET;
        MIN_LENGTHS[RESUME_STATE] = ResumeStateFlyweight.ENTRIES_OFFSET;
        MIN_LENGTHS[RELIABLE] = ReliableFrameFlyweight.DATA_OFFSET + 1;
        MIN_LENGTHS[RELIABLE_ACK] = ReliableAckFlyweight.LENGTH;
        MIN_LENGTHS[CHUNK] = ChunkFlyweight.DATA_OFFSET + 1;
        MIN_LENGTHS[STREAM_HEADS] = StreamHeadsFlyweight.ENTRIES_OFFSET;
        MIN_LENGTHS[FEED_REQUEST] = FeedRequestFlyweight.LENGTH;
        MIN_LENGTHS[FEED_FRAME] = FeedFrameFlyweight.RECORD_OFFSET + FeedFrameFlyweight.ENTRY_HEADER_LENGTH +
            RecordedFrameFlyweight.PAYLOAD_OFFSET;
        MIN_LENGTHS[FEED_ACK] = FeedAckFlyweight.LENGTH;
    }

    private FrameType()
    {
    }

    /**
     * Minimum valid length in bytes of a frame of the given type.
     *
     * @param type frame type code.
     * @return minimum length, or -1 when the type is unknown.
     */
    public static int minLength(final int type)
    {
        return type > 0 && type <= MAX_TYPE ? MIN_LENGTHS[type] : -1;
    }

    /**
     * Human-readable name of a frame type, for logs and tests (cold path).
     *
     * @param type frame type code.
     * @return the name.
     */
    public static String name(final int type)
    {
        switch (type)
        {
            case CONNECT_REQUEST: return "CONNECT_REQUEST";
            case CONNECT_ACCEPT: return "CONNECT_ACCEPT";
            case CONNECT_REJECT: return "CONNECT_REJECT";
            case LANE_BIND: return "LANE_BIND";
            case LANE_BOUND: return "LANE_BOUND";
            case PING: return "PING";
            case PONG: return "PONG";
            case DISCONNECT: return "DISCONNECT";
            case MESSAGE: return "MESSAGE";
            case SNAPSHOT: return "SNAPSHOT";
            case INPUT: return "INPUT";
            case JOIN_REQUEST: return "JOIN_REQUEST";
            case LEAVE_REQUEST: return "LEAVE_REQUEST";
            case ROOM_EMIT: return "ROOM_EMIT";
            case ROOM_EVENT: return "ROOM_EVENT";
            case REPLAY_REQUEST: return "REPLAY_REQUEST";
            case RESYNC: return "RESYNC";
            case EVENT_ACK: return "EVENT_ACK";
            case SNAPSHOT_ACK: return "SNAPSHOT_ACK";
            case RESUME_STATE: return "RESUME_STATE";
            case RELIABLE: return "RELIABLE";
            case RELIABLE_ACK: return "RELIABLE_ACK";
            case CHUNK: return "CHUNK";
            case STREAM_HEADS: return "STREAM_HEADS";
            case FEED_REQUEST: return "FEED_REQUEST";
            case FEED_FRAME: return "FEED_FRAME";
            case FEED_ACK: return "FEED_ACK";
            default: return "UNKNOWN(" + type + ")";
        }
    }
}
