package io.skirmish.samples.bots;

import io.skirmish.engine.client.GameClient;
import io.skirmish.samples.client.ArenaClient;

/**
 * Sets up one bot of a fleet before it connects: where it connects and with what connect token, which rooms it joins.
 * A game backend that got a seat for the bot from the room directory puts the seat's server and the token it minted
 * here ({@link BotFleet#addBot(BotSetup)}).
 */
@FunctionalInterface
public interface BotSetup
{
    /**
     * Called on the fleet's thread, after the fleet's own settings were applied and before the client connects.
     *
     * @param index   the bot's index in the fleet, from 0.
     * @param context the bot's client settings: server, connect token, ...
     * @param options what the bot's player does: lobby, arena, ...
     */
    void configure(int index, GameClient.Context context, ArenaClient.Options options);
}
