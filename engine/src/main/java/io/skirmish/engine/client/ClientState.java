package io.skirmish.engine.client;

/**
 * The client's connection state machine (see {@code docs/STATE-MACHINE.md}). As in netcode, the sign carries the
 * meaning: negative is a terminal failure, zero is disconnected, positive is progress towards {@link #CONNECTED}.
 * Every transition goes through one place and is reported to {@link ClientListener#onStateChange}.
 * Immutable; safe on any thread.
 */
public enum ClientState
{
    /** The server refused the connection or resume; see {@link GameClient#disconnectReason()}. */
    CONNECTION_REJECTED(-3),
    /** The connect attempt got no answer in time. */
    CONNECT_TIMED_OUT(-2),
    /** An established session heard nothing from the server in time. */
    CONNECTION_TIMED_OUT(-1),
    /** Not connected: not yet started, closed, or disconnected by the server with a reason. */
    DISCONNECTED(0),
    /** Waiting for the Aeron lanes to the server to connect. */
    CONNECTING_TRANSPORT(1),
    /** Lanes up; CONNECT_REQUEST sent, waiting for the answer. */
    SENDING_CONNECT_REQUEST(2),
    /** Accepted; binding the unreliable lanes to the session. */
    BINDING_LANES(3),
    /** Connected: every lane works. */
    CONNECTED(4),
    /**
     * The server refused the connect as full or busy and the game asked to retry
     * ({@link GameClient.Context#retryWhenRefusedNs(long)}): lanes closed, waiting a backoff with jitter before asking
     * again. Counted as connecting.
     */
    WAITING_TO_RETRY(5);

    private final int code;

    ClientState(final int code)
    {
        this.code = code;
    }

    /**
     * @return the signed state code.
     */
    public int code()
    {
        return code;
    }

    /**
     * @return true for the terminal failure states.
     */
    public boolean isFailure()
    {
        return code < 0;
    }

    /**
     * @return true while a connect is in progress.
     */
    public boolean isConnecting()
    {
        return code > 0 && this != CONNECTED;
    }
}
