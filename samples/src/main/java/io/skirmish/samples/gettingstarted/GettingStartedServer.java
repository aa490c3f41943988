package io.skirmish.samples.gettingstarted;

import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.ServerListener;
import io.skirmish.engine.server.Session;
import org.agrona.concurrent.ShutdownSignalBarrier;

/** A minimal game server: one lobby room that relays every chat to its members. Ctrl+C stops it. */
public final class GettingStartedServer
{
    public static void main(final String[] args)
    {
        final int port = args.length > 0 ? Integer.parseInt(args[0]) : 40123;
        try (ShutdownSignalBarrier barrier = new ShutdownSignalBarrier(); GameServer server = launch(port))
        {
            System.out.println("listening on UDP " + port + ", aeron.dir=" + server.aeronDirectoryName());
            barrier.await();
        }
    }

    public static GameServer launch(final int port)
    {
        return GameServer.launch(new GameServer.Context().port(port).messageRegistry(Chat.registry())
            .listener(new ServerListener()
            {
                public void onStart(final GameServer server)    // the server's own thread: set up rooms here
                {
                    server.createRoom(Chat.LOBBY, null);
                    server.onEmit(Chat.class, (room, sender, chat) -> !chat.text().isBlank()); // false vetoes
                }

                public void onSessionConnected(final Session session)
                {
                    System.out.println("session " + session.sessionId() + " connected");
                }
            }));
    }
}
