package io.skirmish.engine.server;

import io.skirmish.engine.DisconnectReason;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A connect attempt, shown to {@link ServerListener#onConnectRequest(ConnectRequest)} before a session is created.
 * Call {@link #reject(DisconnectReason)} to refuse it. The instance is reused: do not keep it.
 * <p>
 * Threading: valid on the server conductor thread during that call only.
 */
public final class ConnectRequest
{
    private final UnsafeBuffer credentials = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer userData = new UnsafeBuffer(0, 0);
    private long clientId;
    private boolean resume;
    private Session resumeSession;
    private DisconnectReason rejectReason;

    void reset(
        final DirectBuffer buffer,
        final int credentialsOffset,
        final int credentialsLength,
        final boolean resume)
    {
        credentials.wrap(buffer, credentialsOffset, credentialsLength);
        userData.wrap(buffer, credentialsOffset, 0);
        clientId = 0;
        this.resume = resume;
        resumeSession = null;
        rejectReason = null;
    }

    void resumeSession(final Session session)
    {
        this.resumeSession = session;
    }

    void identity(final long clientId, final DirectBuffer buffer, final int offset, final int length)
    {
        this.clientId = clientId;
        userData.wrap(buffer, offset, length);
    }

    /**
     * @return the raw credentials the client presented (its connect token), valid during the call only.
     */
    public DirectBuffer credentials()
    {
        return credentials;
    }

    /**
     * @return the client id vouched for by the connect token, 0 when tokens are not in use.
     */
    public long clientId()
    {
        return clientId;
    }

    /**
     * @return the user data carried by the connect token, empty when tokens are not in use.
     */
    public DirectBuffer userData()
    {
        return userData;
    }

    /**
     * @return true when the client is resuming an existing session.
     */
    public boolean isResume()
    {
        return resume;
    }

    /**
     * The session a resume is for, with the game's {@link Session#attachment()}, so that the game can refuse a resume
     * it no longer wants (a match that ended, a player it banned). Known only when the request named a live session
     * and proved it owns it (its secret and, with connect tokens, a trailer under the session's key).
     *
     * @return the session being resumed, or null for a new session or an unknown one.
     */
    public Session resumeSession()
    {
        return resumeSession;
    }

    /**
     * Refuse the connection; the client sees the reason.
     *
     * @param reason told to the client, usually {@link DisconnectReason#DENIED}.
     */
    public void reject(final DisconnectReason reason)
    {
        this.rejectReason = reason;
    }

    DisconnectReason rejectReason()
    {
        return rejectReason;
    }
}
