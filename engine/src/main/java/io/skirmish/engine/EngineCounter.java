package io.skirmish.engine;

/**
 * Every counter the engine keeps, with a stable Aeron counter type id and label. The counters live in the Aeron CnC
 * file of the driver the server or client is attached to, so Aeron's stock {@code io.aeron.samples.AeronStat}
 * shows them next to the driver's own counters, labelled {@code skirmish-server <port>: ...} or
 * {@code skirmish-client <id>: ...}.
 * <p>
 * Threading: the owning conductor writes the values with release semantics; read them from any thread with
 * {@link GameServer#counter(EngineCounter)} or {@link GameClient#counter(EngineCounter)}, or from another process.
 */
public enum EngineCounter
{
    /** Sessions currently open (connected, binding or suspended). */
    SESSIONS_ACTIVE(Scope.SERVER, "sessions active"),
    /** Sessions accepted since start. */
    SESSIONS_ACCEPTED(Scope.SERVER, "sessions accepted"),
    /** Sessions resumed after a connection loss. */
    SESSIONS_RESUMED(Scope.SERVER, "sessions resumed"),
    /** Connect or resume attempts refused (full, denied, bad token, bad resume). */
    CONNECTS_REJECTED(Scope.SERVER, "connects rejected"),
    /** Sessions closed because nothing was heard within the timeout. */
    SESSIONS_TIMED_OUT(Scope.BOTH, "sessions timed out"),
    /** Sessions disconnected for repeated protocol violations. */
    SESSIONS_KICKED_FOR_ABUSE(Scope.SERVER, "sessions kicked for abuse"),
    /** Frames received and accepted. */
    FRAMES_IN(Scope.BOTH, "frames in"),
    /** Frames sent. */
    FRAMES_OUT(Scope.BOTH, "frames out"),
    /** Bytes received in accepted frames. */
    BYTES_IN(Scope.BOTH, "bytes in"),
    /** Bytes sent. */
    BYTES_OUT(Scope.BOTH, "bytes out"),
    /** Frames dropped: malformed (too short, bad lengths or fields). */
    DROPPED_MALFORMED(Scope.BOTH, "dropped malformed"),
    /** Frames dropped: unsupported protocol version. */
    DROPPED_BAD_VERSION(Scope.BOTH, "dropped bad version"),
    /** Frames dropped: unknown or misdirected frame type. */
    DROPPED_UNKNOWN_TYPE(Scope.BOTH, "dropped unknown type"),
    /** Frames dropped: larger than the configured maximum. */
    DROPPED_OVERSIZE(Scope.BOTH, "dropped oversize"),
    /** Frames dropped: not from a live session, wrong session id or failed authentication. */
    DROPPED_UNAUTHENTICATED(Scope.BOTH, "dropped unauthenticated"),
    /** Frames dropped: Kryo type id not registered or payload not decodable. */
    DROPPED_UNDECODABLE(Scope.BOTH, "dropped undecodable"),
    /** Frames dropped: the session exceeded its rate limit. */
    DROPPED_RATE_LIMITED(Scope.SERVER, "dropped rate limited"),
    /** Unreliable sends dropped because the lane was back-pressured or not connected. */
    UNRELIABLE_SEND_DROPPED(Scope.BOTH, "unreliable sends dropped"),
    /** Reliable sends that failed because the lane was back-pressured or not connected. */
    RELIABLE_SEND_FAILED(Scope.BOTH, "reliable sends failed"),
    /** Rooms open. */
    ROOMS_ACTIVE(Scope.SERVER, "rooms active"),
    /** Room events sequenced (one per event, not per member). */
    ROOM_EVENTS_SENT(Scope.SERVER, "room events sent"),
    /** Room event deliveries offered to members (events x members). */
    ROOM_EVENT_DELIVERIES(Scope.SERVER, "room event deliveries"),
    /** Member deliveries skipped because that member was back-pressured or not connected (it is marked behind). */
    FANOUT_SKIPPED(Scope.SERVER, "fan-out skipped (back-pressure)"),
    /** Events resent from history on request. */
    EVENTS_REPLAYED(Scope.BOTH, "events replayed"),
    /** Resyncs: the requested range had left the history. */
    RESYNCS(Scope.BOTH, "resyncs"),
    /** Client emits vetoed by the server. */
    EMITS_VETOED(Scope.SERVER, "emits vetoed"),
    /** Room events delivered to the game in order. */
    EVENTS_DELIVERED(Scope.CLIENT, "events delivered"),
    /** Gaps in room or direct sequences detected. */
    GAPS_DETECTED(Scope.CLIENT, "gaps detected"),
    /** Events already delivered that arrived again and were dropped. */
    DUPLICATES_DROPPED(Scope.BOTH, "duplicates dropped"),
    /** Snapshots sent (parts). */
    SNAPSHOTS_SENT(Scope.SERVER, "snapshot parts sent"),
    /** Snapshots received and used. */
    SNAPSHOTS_RECEIVED(Scope.CLIENT, "snapshots received"),
    /** Snapshot frames dropped as stale or duplicate (at or below the newest tick, or a part already held). */
    SNAPSHOTS_STALE_DROPPED(Scope.CLIENT, "snapshots stale dropped"),
    /** Snapshots dropped incomplete: a newer tick started before every part arrived. */
    SNAPSHOTS_INCOMPLETE_DROPPED(Scope.CLIENT, "snapshots incomplete dropped"),
    /** Inputs handed to the game. */
    INPUTS_RECEIVED(Scope.SERVER, "inputs received"),
    /** Inputs that never arrived (reported missing). */
    INPUTS_MISSING(Scope.SERVER, "inputs missing"),
    /** Room ticks that started later than their schedule. */
    TICKS_LATE(Scope.SERVER, "ticks late"),
    /** Errors reported to the error handler. */
    ERRORS(Scope.BOTH, "errors"),
    /** Snapshots sent delta-encoded against a member's acked baseline. */
    SNAPSHOTS_DELTA_SENT(Scope.SERVER, "snapshots sent as delta"),
    /** Snapshots sent in full (no usable acked baseline, or the delta was not smaller). */
    SNAPSHOTS_FULL_SENT(Scope.SERVER, "snapshots sent in full"),
    /** Bytes of snapshot frames sent (engine headers included, Aeron headers not). */
    SNAPSHOT_BYTES_SENT(Scope.SERVER, "snapshot bytes sent"),
    /** Delta snapshots dropped because their baseline was not in the client's window (a full one is requested). */
    SNAPSHOTS_BASELINE_MISSING(Scope.CLIENT, "snapshots dropped: baseline missing"),
    /** Accepted connections whose lanes did not bind in time and were retried on fresh lanes as a resume. */
    LANE_REBINDS(Scope.CLIENT, "lane rebinds");

    /** Aeron counter type id of the first engine counter; each counter adds its ordinal. */
    public static final int TYPE_ID_BASE = 4100;

    /** Aeron counter type id of the per-room "oldest retained seq" counters (one per open room). */
    public static final int ROOM_OLDEST_RETAINED_SEQ_TYPE_ID = TYPE_ID_BASE + 199;

    /** Which side keeps a counter. */
    public enum Scope
    {
        /** Kept by the server. */
        SERVER,
        /** Kept by the client. */
        CLIENT,
        /** Kept by both. */
        BOTH
    }

    private final Scope scope;
    private final String label;

    EngineCounter(final Scope scope, final String label)
    {
        this.scope = scope;
        this.label = label;
    }

    /**
     * @return the Aeron counter type id.
     */
    public int typeId()
    {
        return TYPE_ID_BASE + ordinal();
    }

    /**
     * @return the label suffix.
     */
    public String label()
    {
        return label;
    }

    /**
     * @param server true for the server side, false for the client side.
     * @return true when that side keeps this counter.
     */
    public boolean isKeptBy(final boolean server)
    {
        return scope == Scope.BOTH || (server ? scope == Scope.SERVER : scope == Scope.CLIENT);
    }
}
