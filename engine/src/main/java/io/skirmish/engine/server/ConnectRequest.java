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
        rejectReason = null;
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
