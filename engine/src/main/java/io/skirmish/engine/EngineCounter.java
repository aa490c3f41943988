package io.skirmish.engine;

/**
 * Every counter the engine keeps, with a stable Aeron counter type id and label. The counters live in the Aeron CnC
 * file of the driver the server or client is attached to, so Aeron's stock {@code io.aeron.samples.AeronStat}
 * shows them next to the driver's own counters, labelled {@code skirmish-server <port>: ...} or
 * {@code skirmish-client <id>: ...}.
 * <p>
 * Threading: the owning conductor writes the values with release semantics; read them from any thread with
 * {@code GameServer.counter(EngineCounter)} or {@code GameClient.counter(EngineCounter)}, or from another process.
 */
public enum EngineCounter
{
    /** Sessions currently open (connected, binding or suspended). */
    SESSIONS_ACTIVE(4100, Scope.SERVER, "sessions active"),
    /** Sessions accepted since start. */
    SESSIONS_ACCEPTED(4101, Scope.SERVER, "sessions accepted"),
    /** Sessions resumed after a connection loss. */
    SESSIONS_RESUMED(4102, Scope.SERVER, "sessions resumed"),
    /** Connect or resume attempts refused (full, denied, bad token, bad resume). */
    CONNECTS_REJECTED(4103, Scope.SERVER, "connects rejected"),
    /** Sessions closed because nothing was heard within the timeout. */
    SESSIONS_TIMED_OUT(4104, Scope.BOTH, "sessions timed out"),
    /** Sessions disconnected for repeated protocol violations. */
    SESSIONS_KICKED_FOR_ABUSE(4105, Scope.SERVER, "sessions kicked for abuse"),
    /** Frames received and accepted. */
    FRAMES_IN(4106, Scope.BOTH, "frames in"),
    /** Frames sent. */
    FRAMES_OUT(4107, Scope.BOTH, "frames out"),
    /** Bytes received in accepted frames. */
    BYTES_IN(4108, Scope.BOTH, "bytes in"),
    /** Bytes sent. */
    BYTES_OUT(4109, Scope.BOTH, "bytes out"),
    /** Frames dropped: malformed (too short, bad lengths or fields). */
    DROPPED_MALFORMED(4110, Scope.BOTH, "dropped malformed"),
    /** Frames dropped: unsupported protocol version. */
    DROPPED_BAD_VERSION(4111, Scope.BOTH, "dropped bad version"),
    /** Frames dropped: unknown or misdirected frame type. */
    DROPPED_UNKNOWN_TYPE(4112, Scope.BOTH, "dropped unknown type"),
    /** Frames dropped: larger than the configured maximum. */
    DROPPED_OVERSIZE(4113, Scope.BOTH, "dropped oversize"),
    /** Frames dropped: not from a live session, wrong session id or failed authentication. */
    DROPPED_UNAUTHENTICATED(4114, Scope.BOTH, "dropped unauthenticated"),
    /** Frames dropped: Kryo type id not registered or payload not decodable. */
    DROPPED_UNDECODABLE(4115, Scope.BOTH, "dropped undecodable"),
    /** Frames dropped: the session exceeded its rate limit. */
    DROPPED_RATE_LIMITED(4116, Scope.SERVER, "dropped rate limited"),
    /** Unreliable sends dropped because the lane was back-pressured or not connected. */
    UNRELIABLE_SEND_DROPPED(4117, Scope.BOTH, "unreliable sends dropped"),
    /** Reliable sends that failed because the lane was back-pressured or not connected. */
    RELIABLE_SEND_FAILED(4118, Scope.BOTH, "reliable sends failed"),
    /** Rooms open. */
    ROOMS_ACTIVE(4119, Scope.SERVER, "rooms active"),
    /** Room events sequenced (one per event, not per member). */
    ROOM_EVENTS_SENT(4120, Scope.SERVER, "room events sent"),
    /** Room event deliveries offered to members (events x members). */
    ROOM_EVENT_DELIVERIES(4121, Scope.SERVER, "room event deliveries"),
    /** Member deliveries skipped because that member was back-pressured or not connected (it is marked behind). */
    FANOUT_SKIPPED(4122, Scope.SERVER, "fan-out skipped (back-pressure)"),
    /** Events resent from history on request. */
    EVENTS_REPLAYED(4123, Scope.BOTH, "events replayed"),
    /** Resyncs: the requested range had left the history. */
    RESYNCS(4124, Scope.BOTH, "resyncs"),
    /** Client emits vetoed by the server. */
    EMITS_VETOED(4125, Scope.SERVER, "emits vetoed"),
    /** Room events delivered to the game in order. */
    EVENTS_DELIVERED(4126, Scope.CLIENT, "events delivered"),
    /** Gaps in room or direct sequences detected. */
    GAPS_DETECTED(4127, Scope.CLIENT, "gaps detected"),
    /** Events already delivered that arrived again and were dropped. */
    DUPLICATES_DROPPED(4128, Scope.BOTH, "duplicates dropped"),
    /** Snapshots sent (parts). */
    SNAPSHOTS_SENT(4129, Scope.SERVER, "snapshot parts sent"),
    /** Snapshots received and used. */
    SNAPSHOTS_RECEIVED(4130, Scope.CLIENT, "snapshots received"),
    /** Snapshot frames dropped as stale or duplicate (at or below the newest tick, or a part already held). */
    SNAPSHOTS_STALE_DROPPED(4131, Scope.CLIENT, "snapshots stale dropped"),
    /** Snapshots dropped incomplete: a newer tick started before every part arrived. */
    SNAPSHOTS_INCOMPLETE_DROPPED(4132, Scope.CLIENT, "snapshots incomplete dropped"),
    /** Inputs handed to the game. */
    INPUTS_RECEIVED(4133, Scope.SERVER, "inputs received"),
    /** Inputs that never arrived (reported missing). */
    INPUTS_MISSING(4134, Scope.SERVER, "inputs missing"),
    /** Room ticks that started later than their schedule. */
    TICKS_LATE(4135, Scope.SERVER, "ticks late"),
    /** Errors reported to the error handler. */
    ERRORS(4136, Scope.BOTH, "errors"),
    /** Snapshots sent delta-encoded against a member's acked baseline. */
    SNAPSHOTS_DELTA_SENT(4137, Scope.SERVER, "snapshots sent as delta"),
    /** Snapshots sent in full (no usable acked baseline, or the delta was not smaller). */
    SNAPSHOTS_FULL_SENT(4138, Scope.SERVER, "snapshots sent in full"),
    /** Bytes of snapshot frames sent (engine headers included, Aeron headers not). */
    SNAPSHOT_BYTES_SENT(4139, Scope.SERVER, "snapshot bytes sent"),
    /** Delta snapshots dropped because their baseline was not in the client's window (a full one is requested). */
    SNAPSHOTS_BASELINE_MISSING(4140, Scope.CLIENT, "snapshots dropped: baseline missing"),
    /** Accepted connections whose lanes did not bind in time and were retried on fresh lanes as a resume. */
    LANE_REBINDS(4141, Scope.CLIENT, "lane rebinds"),
    /** Reliable client frames sent again: their acknowledgement did not come in time, or a later one came first. */
    RELIABLE_FRAMES_RESENT(4142, Scope.CLIENT, "reliable frames resent"),
    /** Reliable client frames that arrived again after they had been handled (a lost acknowledgement). */
    RELIABLE_DUPLICATES_DROPPED(4143, Scope.SERVER, "reliable duplicates dropped"),
    /** Reliable client frames that arrived before an earlier one: kept until it comes (dropped if chunked). */
    RELIABLE_OUT_OF_ORDER(4144, Scope.SERVER, "reliable frames out of order"),
    /** Frames too long for a datagram, sent as chunks. */
    CHUNKED_FRAMES_SENT(4145, Scope.BOTH, "chunked frames sent"),
    /** Chunked frames put back together. */
    CHUNKED_FRAMES_COMPLETED(4146, Scope.BOTH, "chunked frames completed"),
    /** STREAM_HEADS frames sent to sessions with events they have not acknowledged. */
    STREAM_HEADS_SENT(4147, Scope.SERVER, "stream heads sent"),
    /** Lost last events found from a STREAM_HEADS frame and asked for. */
    TAIL_GAPS_DETECTED(4148, Scope.CLIENT, "tail gaps detected"),
    /** Connected sessions moved to new lanes, off a path that went silent (NAT rebinding, a network change). */
    LANES_MIGRATED(4149, Scope.BOTH, "lanes migrated"),
    /** Connect requests sent again while no answer came. */
    CONNECT_REQUESTS_RESENT(4150, Scope.CLIENT, "connect requests resent"),
    /** New connects refused because the server had {@code maxSessions} sessions ({@code SERVER_FULL}). */
    CONNECTS_REFUSED_FULL(4151, Scope.SERVER, "connects refused full"),
    /** New connects refused because the server was at its load limit ({@code SERVER_BUSY}). */
    CONNECTS_REFUSED_BUSY(4152, Scope.SERVER, "connects refused busy"),
    /** Gauge: handshakes in flight, from an admitted connect request until its lanes are bound. */
    HANDSHAKES_IN_FLIGHT(4153, Scope.SERVER, "handshakes in flight"),
    /** Gauge: connect requests waiting for a handshake slot, in order of arrival. */
    CONNECTS_QUEUED(4154, Scope.SERVER, "connects queued"),
    /** Connect requests dropped because the admission queue was full (the client asks again). */
    CONNECTS_DROPPED_QUEUE_FULL(4155, Scope.SERVER, "connects dropped queue full"),
    /** Gauge: the conductor thread's load over the last second, in per mille of its time. */
    SERVER_LOAD_PERMILLE(4156, Scope.SERVER, "server load permille"),
    /** Gauge: room members whose snapshot rate is lowered because they fall behind. */
    DEGRADED_MEMBERS(4157, Scope.SERVER, "degraded members"),
    /** Snapshots not sent to a degraded member (its rate lowered) or to a member whose lane had no room. */
    SNAPSHOTS_THINNED(4158, Scope.SERVER, "snapshots thinned"),
    /** Connects the server refused as full or busy, asked again after a backoff. */
    CONNECT_RETRIES_AFTER_REFUSAL(4159, Scope.CLIENT, "connect retries after refusal"),
    /** Inputs handed to the game after the room had already simulated their tick (the client's lead was short). */
    INPUTS_LATE(4160, Scope.SERVER, "inputs late"),
    /** Lag-compensation rewinds served. */
    REWINDS(4161, Scope.SERVER, "rewinds"),
    /** Lag-compensation rewinds asked for further back than the limit, served at the limit. */
    REWINDS_CLAMPED(4162, Scope.SERVER, "rewinds clamped"),
    /** New connects refused because the server was draining before it stops ({@code SERVER_DRAINING}). */
    CONNECTS_REFUSED_DRAINING(4163, Scope.SERVER, "connects refused draining"),
    /**
     * Gauge: the wait in ms the server advises the clients it refuses as full or busy, grown while it refuses more
     * than {@code refusalRateTarget} a second; 0 when it advises none.
     */
    REFUSAL_RETRY_AFTER_MS(4170, Scope.SERVER, "refusal retry after ms"),
    /**
     * Duty cycles that began more than 100 ms after the one before (a GC pause, a starved process, a blocking cold
     * path): the time beyond that is not counted against peers' liveness.
     */
    DUTY_CYCLE_STALLS(4171, Scope.BOTH, "duty cycle stalls"),
    /** Durable-room frames that waited in a room's pending buffer because the recording was back-pressured. */
    RECORDING_FRAMES_DEFERRED(4180, Scope.SERVER, "recording frames deferred"),
    /** Durable-room frames lost to the recording because the pending buffer was full (each loss is a gap). */
    RECORDING_FRAMES_LOST(4181, Scope.SERVER, "recording frames lost"),
    /** Gap markers written to durable-room recordings, one per run of lost frames. */
    RECORDING_GAPS(4182, Scope.SERVER, "recording gaps"),
    /** Durable rooms' recordings purged by the automatic retention ({@code recordingRetentionMs} and the like). */
    RECORDINGS_PURGED(4188, Scope.SERVER, "recordings purged"),
    /** Gauge: spectator feeds open (one per spectating client and room). */
    FEED_SPECTATORS(4190, Scope.SERVER, "feed spectators"),
    /** Gauge: replay feeds open (one per replaying client). */
    FEED_REPLAYS(4191, Scope.SERVER, "feed replays"),
    /** Gauge: Aeron Archive replays feeding them (one per spectated room and delay, one per replay). */
    FEED_ARCHIVE_REPLAYS(4192, Scope.SERVER, "feed archive replays"),
    /** Feed frames sent to clients (each spectator counts), resent ones included. */
    FEED_FRAMES_SENT(4193, Scope.SERVER, "feed frames sent"),
    /** Feed frames sent again after a gap or a missing acknowledgement. */
    FEED_FRAMES_RESENT(4194, Scope.SERVER, "feed frames resent"),
    /** Writes (emits) to a room the client only spectates or replays, refused. */
    FEED_WRITES_REFUSED(4195, Scope.BOTH, "feed writes refused"),
    /** Times a feed's delay buffer filled and reading the archive paused until spectators drained it. */
    FEED_BUFFER_FULL(4196, Scope.SERVER, "feed buffer full"),
    /** Frames dropped from a full delay buffer before any spectator had them (late joiners start after them). */
    FEED_FRAMES_EVICTED(4197, Scope.SERVER, "feed frames evicted"),
    /** Feeds cut off because their client held a full buffer too long. */
    FEED_OVERRUNS(4198, Scope.SERVER, "feed overruns"),
    /** Feed requests refused (no such room or recording, limits, malformed). */
    FEEDS_REFUSED(4199, Scope.SERVER, "feeds refused"),
    /** Feed frames delivered to the game's feed listener. */
    FEED_FRAMES_DELIVERED(4200, Scope.CLIENT, "feed frames delivered"),
    /** Gaps seen in a feed (a frame after a lost one), each asked for again. */
    FEED_GAPS_DETECTED(4201, Scope.CLIENT, "feed gaps detected"),
    /** Feed frames received twice and dropped. */
    FEED_DUPLICATES_DROPPED(4202, Scope.CLIENT, "feed duplicates dropped"),
    /** FEED_FRAMEs sent to clients, each a batch of feed frames (resent ones included). */
    FEED_BATCHES_SENT(4203, Scope.SERVER, "feed batches sent"),
    /** FEED_ACKs received from clients. */
    FEED_ACKS_RECEIVED(4204, Scope.SERVER, "feed acks received"),
    /**
     * Direct streams that a resume continued past undelivered seqs: the server was restarted and the direct messages
     * the previous process had sent but the client had not received are gone ({@code onDirectStreamReset}).
     */
    DIRECT_STREAM_RESETS(4183, Scope.CLIENT, "direct stream resets"),
    /**
     * Rooms a resume found restored (after a server restart) at a seq below what this client had delivered: a
     * {@code LIVE} durable room delivered events its recording had not yet got when the server died. The client went
     * back to the restored seq and asked for a resync ({@code onRoomRestored}, then {@code onResync}).
     */
    ROOM_RESTORE_RESYNCS(4189, Scope.CLIENT, "room restore resyncs"),
    /** Rewrites of the session store ({@code skirmish-sessions.log}) that dropped closed sessions' records. */
    SESSION_STORE_COMPACTIONS(4184, Scope.SERVER, "session store compactions");

    /** Aeron counter type id of the first engine counter; every engine counter's id is fixed at or above it. */
    public static final int TYPE_ID_BASE = 4100;

    /** Aeron counter type id of the per-room "oldest retained seq" counters (one per open room). */
    public static final int ROOM_OLDEST_RETAINED_SEQ_TYPE_ID = 4299;

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

    private final int typeId;
    private final Scope scope;
    private final String label;

    EngineCounter(final int typeId, final Scope scope, final String label)
    {
        this.typeId = typeId;
        this.scope = scope;
        this.label = label;
    }

    /**
     * @return the Aeron counter type id.
     */
    public int typeId()
    {
        return typeId;
    }

    /**
     * @return the label suffix.
     */
    public String label()
    {
        return label;
    }

    /**
     * @return true for a gauge (a level that goes up and down), false for a count that only grows.
     */
    public boolean isGauge()
    {
        switch (this)
        {
            case SESSIONS_ACTIVE:
            case ROOMS_ACTIVE:
            case HANDSHAKES_IN_FLIGHT:
            case CONNECTS_QUEUED:
            case SERVER_LOAD_PERMILLE:
            case DEGRADED_MEMBERS:
            case REFUSAL_RETRY_AFTER_MS:
            case FEED_SPECTATORS:
            case FEED_REPLAYS:
            case FEED_ARCHIVE_REPLAYS:
                return true;
            default:
                return false;
        }
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
