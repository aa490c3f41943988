package io.skirmish.engine.client;

/**
 * Why a session's direct stream continued past seqs the client never received
 * ({@link ClientListener#onDirectStreamReset}).
 */
public enum DirectStreamResetReason
{
    /**
     * The server process was restarted (after a crash) and restored the session from its session store: what the
     * previous process had sent on the direct stream after the session's last persisted change is not recorded.
     */
    SERVER_RESTARTED
}
