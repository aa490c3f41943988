package io.skirmish.engine.client;

import io.skirmish.engine.EngineCounter;

/**
 * Typed handler for a registered message type received by a client, registered with
 * {@link GameClient#on(Class, ClientMessageHandler)}. Called on the thread driving the client, in seq order. An
 * exception it throws is counted in {@link EngineCounter#ERRORS} and passed to the client's error handler.
 *
 * @param <T> the message type.
 */
@FunctionalInterface
public interface ClientMessageHandler<T>
{
    /**
     * A message arrived.
     *
     * @param roomId          the room, or 0 for a direct message from the server.
     * @param senderSessionId the emitting session, 0 when the server sent it.
     * @param message         the decoded message.
     */
    void onMessage(int roomId, int senderSessionId, T message);
}
