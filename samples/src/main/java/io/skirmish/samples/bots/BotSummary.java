package io.skirmish.samples.bots;

/**
 * The outcome of a bot run: what was sent, what every bot should have been delivered while it was a member of a
 * room, what it was delivered, and the network figures. {@link #toJson()} gives one line of JSON.
 */
public final class BotSummary
{
    /** Bots started. */
    public long bots;
    /** Bots connected at the end. */
    public long connected;
    /** Bots that failed to connect or lost their session for good. */
    public long connectFailures;
    /** Chat events the bots emitted. */
    public long eventsSent;
    /** Distinct room events delivered within the bots' memberships. */
    public long eventsReceived;
    /** Room events that should have been delivered (membership events included; resync-skipped ones not). */
    public long eventsExpected;
    /** Events delivered after a higher seq. */
    public long outOfOrder;
    /** Events delivered twice. */
    public long duplicates;
    /** Events that should have been delivered and were not. */
    public long missing;
    /** Events delivered outside any membership. */
    public long unexpected;
    /** Events whose (origin, counter) did not rise per room and origin. */
    public long originOrderErrors;
    /** Memberships ended by a leave that no other bot saw announced (checked up to the last delivered seq). */
    public long unverifiedLeaves;
    /** Engine counter, summed over bots: gaps detected. */
    public long gapsDetected;
    /** Engine counter, summed over bots: events replayed. */
    public long replayed;
    /** Engine counter, summed over bots: resyncs. */
    public long resyncs;
    /** Seqs skipped by resyncs. */
    public long resyncSkipped;
    /** Engine counter, summed over bots: duplicate events dropped by the engine. */
    public long duplicatesDropped;
    /** Engine counter, summed over bots: snapshots received. */
    public long snapshotsReceived;
    /** Engine counter, summed over bots: stale snapshots dropped. */
    public long staleDropped;
    /** Arena snapshot loss over the run, in percent (ticks advanced but not received). */
    public double snapshotLossPercent;
    /** Arena moves. */
    public long hops;
    /** Median time from emitting a chat event to its delivery back to the emitter, in microseconds. */
    public long rttP50Us;
    /** 99th percentile of the same, in microseconds. */
    public long rttP99Us;
    /** Median of the engine's smoothed ping RTT, sampled every 100 ms, in microseconds. */
    public long pingRttP50Us;
    /** Seconds the bots ran (before draining). */
    public double durationS;
    /** True when all bots shared one media driver and one Aeron client. */
    public boolean sharedDriver;
    /** Images of the bots' subscriptions at the end (one downstream subscription per bot, one image each expected). */
    public long subscriptionImages;
    /** Most images any one bot subscription had (1 when bots do not see each other's traffic). */
    public long maxImagesPerSubscription;
    /** Arena snapshots received over the run that travelled as deltas against an acknowledged tick, in percent. */
    public double deltaSnapshotPercent;
    /** Engine counter, summed over bots: delta snapshots dropped because their baseline was no longer held. */
    public long baselineMissing;
    /** Inputs the server reported as arriving before their tick, of all leads reported, in percent. */
    public double inputsOnTimePercent;
    /** Shots the bots fired whose server verdict (judged by rewinding to what the bot rendered) came back. */
    public long hitChecks;
    /** Share of those verdicts that matched the bot's own hit test, in percent. */
    public double rewindAgreementPercent;

    /**
     * @return true when nothing was lost, duplicated or reordered and every bot stayed connected.
     */
    public boolean isClean()
    {
        return 0 == outOfOrder && 0 == duplicates && 0 == missing && 0 == unexpected && 0 == originOrderErrors &&
            0 == connectFailures && connected == bots;
    }

    /**
     * @return what made the run unclean, e.g. {@code "missing=3 connected=5/6"}, or an empty string.
     */
    public String problems()
    {
        final StringBuilder sb = new StringBuilder();
        append(sb, "outOfOrder", outOfOrder);
        append(sb, "duplicates", duplicates);
        append(sb, "missing", missing);
        append(sb, "unexpected", unexpected);
        append(sb, "originOrderErrors", originOrderErrors);
        append(sb, "connectFailures", connectFailures);
        if (connected != bots)
        {
            sb.append(sb.length() > 0 ? " " : "").append("connected=").append(connected).append('/').append(bots);
        }
        return sb.toString();
    }

    private static void append(final StringBuilder sb, final String name, final long value)
    {
        if (0 != value)
        {
            sb.append(sb.length() > 0 ? " " : "").append(name).append('=').append(value);
        }
    }

    /**
     * @return the summary as one line of JSON.
     */
    public String toJson()
    {
        return "{\"bots\":" + bots +
            ",\"connected\":" + connected +
            ",\"connectFailures\":" + connectFailures +
            ",\"eventsSent\":" + eventsSent +
            ",\"eventsReceived\":" + eventsReceived +
            ",\"eventsExpected\":" + eventsExpected +
            ",\"outOfOrder\":" + outOfOrder +
            ",\"duplicates\":" + duplicates +
            ",\"missing\":" + missing +
            ",\"unexpected\":" + unexpected +
            ",\"originOrderErrors\":" + originOrderErrors +
            ",\"unverifiedLeaves\":" + unverifiedLeaves +
            ",\"gapsDetected\":" + gapsDetected +
            ",\"replayed\":" + replayed +
            ",\"resyncs\":" + resyncs +
            ",\"resyncSkipped\":" + resyncSkipped +
            ",\"duplicatesDropped\":" + duplicatesDropped +
            ",\"snapshotsReceived\":" + snapshotsReceived +
            ",\"staleDropped\":" + staleDropped +
            ",\"snapshotLossPercent\":" + String.format(java.util.Locale.ROOT, "%.2f", snapshotLossPercent) +
            ",\"hops\":" + hops +
            ",\"rttP50Us\":" + rttP50Us +
            ",\"rttP99Us\":" + rttP99Us +
            ",\"pingRttP50Us\":" + pingRttP50Us +
            ",\"durationS\":" + String.format(java.util.Locale.ROOT, "%.1f", durationS) +
            ",\"sharedDriver\":" + sharedDriver +
            ",\"subscriptionImages\":" + subscriptionImages +
            ",\"maxImagesPerSubscription\":" + maxImagesPerSubscription +
            ",\"deltaSnapshotPercent\":" + String.format(java.util.Locale.ROOT, "%.2f", deltaSnapshotPercent) +
            ",\"baselineMissing\":" + baselineMissing +
            ",\"inputsOnTimePercent\":" + String.format(java.util.Locale.ROOT, "%.2f", inputsOnTimePercent) +
            ",\"hitChecks\":" + hitChecks +
            ",\"rewindAgreementPercent\":" + String.format(java.util.Locale.ROOT, "%.2f", rewindAgreementPercent) +
            "}";
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return toJson();
    }
}
