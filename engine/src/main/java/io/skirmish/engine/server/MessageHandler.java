package io.skirmish.engine.server;

import io.skirmish.engine.EngineCounter;

/**
 * Typed handler for a registered message type sent directly by a client to the server, registered with
 * {@link GameServer#on(Class, MessageHandler)}. Called on the server conductor thread. An exception it throws is
 * counted in {@link EngineCounter#ERRORS} and passed to the server's error handler.
 *
 * @param <T> the message type.
 */
@FunctionalInterface
public interface MessageHandler<T>
{
    /**
     * A message arrived.
     *
     * @param session the sender.
     * @param message the decoded message.
     */
    void onMessage(Session session, T message);
}
