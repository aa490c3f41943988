package io.skirmish.samples.client;

import io.skirmish.engine.client.ClientState;

/**
 * One second of a client's network figures, as shown on screen and on the text dashboard. Immutable: the polling
 * thread publishes a new one each second and any thread may read it.
 */
public final class ClientStats
{
    /** A placeholder before the first second has passed. */
    public static final ClientStats EMPTY = new Builder().build();

    /** Display name of the client. */
    public final String name;
    /** Session id, 0 before the first connect. */
    public final int sessionId;
    /** Connection state. */
    public final ClientState state;
    /** Smoothed RTT in ms ({@code GameClient.rttNs}). */
    public final double rttMs;
    /** Smoothed RTT variation in ms ({@code GameClient.rttJitterNs}). */
    public final double jitterMs;
    /** Snapshots received in the last second. */
    public final double snapshotsPerSecond;
    /** Snapshot loss in percent over the last second: ticks not received against ticks the server advanced. */
    public final double snapshotLossPercent;
    /** Bytes received per second ({@code BYTES_IN} delta). */
    public final double bytesInPerSecond;
    /** Bytes sent per second ({@code BYTES_OUT} delta). */
    public final double bytesOutPerSecond;
    /** Size of the newest snapshot in bytes: the full decoded state, however it travelled. */
    public final int lastSnapshotBytes;
    /** Mean snapshot size (full decoded state) over the last second. */
    public final double meanSnapshotBytes;
    /** Share of the snapshots received over the last second that came as deltas (baseline tick >= 0), in percent. */
    public final double deltaSnapshotPercent;
    /** Newest tick received from the current arena. */
    public final long newestTick;
    /** Last seq delivered in the lobby, -1 when not a member. */
    public final long lobbySeq;
    /** Room id of the current arena, 0 for none. */
    public final int arenaRoomId;
    /** Last seq delivered in the current arena, -1 when not a member. */
    public final long arenaSeq;
    /** Engine counter: gaps detected. */
    public final long gapsDetected;
    /** Engine counter: events replayed. */
    public final long eventsReplayed;
    /** Engine counter: resyncs. */
    public final long resyncs;
    /** Engine counter: duplicate events dropped. */
    public final long duplicatesDropped;
    /** Engine counter: events delivered. */
    public final long eventsDelivered;
    /** Room events this client emitted. */
    public final long eventsSent;
    /** The network simulator's settings, or "direct". */
    public final String network;
    /** How long before their tick the server said the newest inputs arrived, in milliseconds (the input lead). */
    public final double inputLeadMs;
    /** Share of the leads reported over the run that were on time (not negative), in percent. */
    public final double inputsOnTimePercent;
    /** Mean distance between the predicted and the server's position of the own player, last second. */
    public final double predictionError;
    /** How far back the server judged the newest own shot, in milliseconds. */
    public final double rewindDepthMs;
    /** Own shots whose verdict came back over the run. */
    public final long hitChecks;
    /** Share of those whose verdict matched the own hit test, in percent. */
    public final double rewindAgreementPercent;

    private ClientStats(final Builder builder)
    {
        name = builder.name;
        sessionId = builder.sessionId;
        state = builder.state;
        rttMs = builder.rttMs;
        jitterMs = builder.jitterMs;
        snapshotsPerSecond = builder.snapshotsPerSecond;
        snapshotLossPercent = builder.snapshotLossPercent;
        bytesInPerSecond = builder.bytesInPerSecond;
        bytesOutPerSecond = builder.bytesOutPerSecond;
        lastSnapshotBytes = builder.lastSnapshotBytes;
        meanSnapshotBytes = builder.meanSnapshotBytes;
        deltaSnapshotPercent = builder.deltaSnapshotPercent;
        newestTick = builder.newestTick;
        lobbySeq = builder.lobbySeq;
        arenaRoomId = builder.arenaRoomId;
        arenaSeq = builder.arenaSeq;
        gapsDetected = builder.gapsDetected;
        eventsReplayed = builder.eventsReplayed;
        resyncs = builder.resyncs;
        duplicatesDropped = builder.duplicatesDropped;
        eventsDelivered = builder.eventsDelivered;
        eventsSent = builder.eventsSent;
        network = builder.network;
        inputLeadMs = builder.inputLeadMs;
        inputsOnTimePercent = builder.inputsOnTimePercent;
        predictionError = builder.predictionError;
        rewindDepthMs = builder.rewindDepthMs;
        hitChecks = builder.hitChecks;
        rewindAgreementPercent = builder.rewindAgreementPercent;
    }

    /**
     * Mutable builder, reused by the polling thread.
     */
    public static final class Builder
    {
        String name = "";
        int sessionId;
        ClientState state = ClientState.DISCONNECTED;
        double rttMs;
        double jitterMs;
        double snapshotsPerSecond;
        double snapshotLossPercent;
        double bytesInPerSecond;
        double bytesOutPerSecond;
        int lastSnapshotBytes;
        double meanSnapshotBytes;
        double deltaSnapshotPercent;
        long newestTick;
        long lobbySeq = -1;
        int arenaRoomId;
        long arenaSeq = -1;
        long gapsDetected;
        long eventsReplayed;
        long resyncs;
        long duplicatesDropped;
        long eventsDelivered;
        long eventsSent;
        String network = "direct";
        double inputLeadMs;
        double inputsOnTimePercent;
        double predictionError;
        double rewindDepthMs;
        long hitChecks;
        double rewindAgreementPercent;

        /**
         * @return an immutable copy.
         */
        public ClientStats build()
        {
            return new ClientStats(this);
        }
    }
}
