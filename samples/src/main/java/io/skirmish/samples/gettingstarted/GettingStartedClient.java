package io.skirmish.samples.gettingstarted;

import io.skirmish.engine.client.GameClient;
import org.agrona.concurrent.BackoffIdleStrategy;

import java.util.function.BooleanSupplier;

/** A minimal game client: connects, joins the lobby, says hello and waits to hear it back from the room. */
public final class GettingStartedClient
{
    public static void main(final String[] args)
    {
        final Chat[] heard = new Chat[1];
        try (GameClient client = GameClient.connect(new GameClient.Context()
            .server(args.length > 0 ? args[0] : "localhost:40123").messageRegistry(Chat.registry())))
        {
            client.on(Chat.class, (roomId, senderSessionId, chat) -> heard[0] = chat);
            pollUntil(client, client::isConnected);
            client.join(Chat.LOBBY);
            pollUntil(client, () -> client.isMemberOf(Chat.LOBBY));
            client.emit(Chat.LOBBY, new Chat("hello from session " + client.sessionId()));
            pollUntil(client, () -> null != heard[0]);
            System.out.println("heard in room " + Chat.LOBBY + ": " + heard[0].text());
        }
    }

    private static void pollUntil(final GameClient client, final BooleanSupplier condition)
    {
        final BackoffIdleStrategy idle = new BackoffIdleStrategy();
        while (!condition.getAsBoolean())
        {
            if (!client.isConnected() && !client.state().isConnecting())
            {
                throw new IllegalStateException(client.state() + ": " + client.disconnectReason());
            }
            idle.idle(client.poll());   // INVOKER mode: the game loop drives the client; callbacks run here
        }
    }
}
