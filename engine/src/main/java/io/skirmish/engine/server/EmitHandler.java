package io.skirmish.engine.server;

import io.skirmish.engine.EngineCounter;

/**
 * Typed handler that validates a client's emit to a room, registered with {@link GameServer#onEmit(Class,
 * EmitHandler)}. Called on the server conductor thread before the event is sequenced and relayed. An exception it
 * throws drops the emit, and is counted in {@link EngineCounter#ERRORS} and passed to the server's error handler.
 *
 * @param <T> the message type.
 */
@FunctionalInterface
public interface EmitHandler<T>
{
    /**
     * A member emitted a message to a room.
     *
     * @param room    the room.
     * @param sender  the emitting member.
     * @param message the decoded message.
     * @return true to relay it to the room, false to veto it.
     */
    boolean onEmit(Room room, Session sender, T message);
}
