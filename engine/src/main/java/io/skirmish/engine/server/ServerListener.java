package io.skirmish.engine.server;

import io.skirmish.engine.DisconnectReason;
import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.ThreadingMode;
import org.agrona.DirectBuffer;

/**
 * The game's hooks into a {@link GameServer}. Every method has a no-op default. Every method is called on the
 * server conductor thread (the {@code skirmish-server} agent thread, or the thread calling {@link GameServer#poll()}
 * in {@link ThreadingMode#INVOKER} mode) and must not block. Buffers and decoded messages are valid only during
 * the call.
 * <p>
 * Errors: an exception thrown by a callback is caught, counted in {@link EngineCounter#ERRORS} and passed to the
 * context's {@link GameServer.Context#errorHandler(org.agrona.ErrorHandler) error handler}; the server carries on.
 * A {@link #onConnectRequest(ConnectRequest)} that throws rejects the connection with
 * {@link DisconnectReason#DENIED}.
 */
public interface ServerListener
{
    /**
     * The conductor runs its first duty cycle: the place to create rooms and register handlers in
     * {@link ThreadingMode#SHARED} and {@link ThreadingMode#DEDICATED} modes.
     *
     * @param server the server.
     */
    default void onStart(final GameServer server)
    {
    }

    /**
     * A client asks to connect or resume. Call {@link ConnectRequest#reject(DisconnectReason)} to refuse.
     *
     * @param request the attempt.
     */
    default void onConnectRequest(final ConnectRequest request)
    {
    }

    /**
     * A new session is connected on every lane.
     *
     * @param session the session.
     */
    default void onSessionConnected(final Session session)
    {
    }

    /**
     * A session lost its connection and is kept for the resume window.
     *
     * @param session the session.
     * @param reason  why the connection was lost.
     */
    default void onSessionSuspended(final Session session, final DisconnectReason reason)
    {
    }

    /**
     * A suspended session was resumed by its client.
     *
     * @param session the session.
     */
    default void onSessionResumed(final Session session)
    {
    }

    /**
     * A session ended for good; it has left all its rooms.
     *
     * @param session the session.
     * @param reason  why.
     */
    default void onSessionClosed(final Session session, final DisconnectReason reason)
    {
    }

    /**
     * A raw message sent directly to the server by a client.
     *
     * @param session the sender.
     * @param typeId  the game's type id.
     * @param buffer  the payload.
     * @param offset  of the payload.
     * @param length  of the payload.
     */
    default void onMessage(
        final Session session, final int typeId, final DirectBuffer buffer, final int offset, final int length)
    {
    }

    /**
     * A registered (Kryo) message sent directly to the server, when no typed handler is registered for its type.
     *
     * @param session the sender.
     * @param message the decoded message.
     */
    default void onMessage(final Session session, final Object message)
    {
    }

    /**
     * An input from a client's input lane, handed over once per input tick and in tick order.
     *
     * @param session   the sender.
     * @param inputTick the client's input tick.
     * @param buffer    the input bytes.
     * @param offset    of the input.
     * @param length    of the input.
     */
    default void onInput(
        final Session session, final long inputTick, final DirectBuffer buffer, final int offset, final int length)
    {
    }

    /**
     * Inputs that never arrived, not even in a later packet's redundant copies.
     *
     * @param session  the sender.
     * @param fromTick first missing input tick.
     * @param toTick   last missing input tick, inclusive.
     */
    default void onInputMissing(final Session session, final long fromTick, final long toTick)
    {
    }
}
