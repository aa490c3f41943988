package io.skirmish.samples.gettingstarted;

import io.skirmish.engine.codec.MessageRegistry;

/**
 * The game's one message. Server and client register it under the same type id, as KryoNet games do.
 *
 * @param text what was said.
 */
public record Chat(String text)
{
    /** The room every client joins. */
    public static final int LOBBY = 1;

    /**
     * @return a registry of every message type the game sends.
     */
    public static MessageRegistry registry()
    {
        return new MessageRegistry().register(1, Chat.class);
    }
}
