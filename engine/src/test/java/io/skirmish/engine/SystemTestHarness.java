package io.skirmish.engine;

import io.skirmish.engine.client.GameClient;
import io.skirmish.engine.server.GameServer;
import org.agrona.CloseHelper;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Owns the servers and clients of one test: launches them with their own driver directories and ports, polls the
 * INVOKER-mode ones, checks every embedded driver's error log is empty, and closes everything.
 */
public final class SystemTestHarness implements AutoCloseable
{
    public final List<GameServer> servers = new ArrayList<>();
    public final List<GameClient> clients = new ArrayList<>();
    private final List<String> driverErrors = new ArrayList<>();

    public GameServer.Context serverContext(final int port)
    {
        return new GameServer.Context()
            .bindAddress("127.0.0.1")
            .port(port)
            .threadingMode(ThreadingMode.INVOKER)
            .keepAliveIntervalNs(TimeUnit.MILLISECONDS.toNanos(100))
            .sessionTimeoutNs(TimeUnit.SECONDS.toNanos(3))
            .connectTimeoutNs(TimeUnit.SECONDS.toNanos(10))
            .errorHandler(Throwable::printStackTrace);
    }

    public GameClient.Context clientContext(final int port)
    {
        return new GameClient.Context()
            .server("127.0.0.1:" + port)
            .connectTimeoutNs(TimeUnit.SECONDS.toNanos(10))
            .errorHandler(Throwable::printStackTrace);
    }

    public GameServer launch(final GameServer.Context ctx)
    {
        final GameServer server = GameServer.launch(ctx);
        servers.add(server);
        return server;
    }

    public GameClient connect(final GameClient.Context ctx)
    {
        final GameClient client = GameClient.connect(ctx);
        clients.add(client);
        return client;
    }

    /**
     * Poll every INVOKER-mode server and client once.
     *
     * @return work count.
     */
    public int pollAll()
    {
        int work = 0;
        for (int i = 0; i < servers.size(); i++)
        {
            final GameServer server = servers.get(i);
            if (server.context().threadingMode() == ThreadingMode.INVOKER)
            {
                work += server.poll();
            }
        }
        for (int i = 0; i < clients.size(); i++)
        {
            final GameClient client = clients.get(i);
            if (client.context().threadingMode() == ThreadingMode.INVOKER)
            {
                work += client.poll();
            }
        }
        return work;
    }

    public void awaitConnected(final GameClient client)
    {
        Tests.await(client::isConnected, 20_000, this::pollAll, () -> "client connected, state=" + client.state());
    }

    /**
     * Close a client and forget it (its driver errors are checked first).
     *
     * @param client to close.
     */
    public void closeClient(final GameClient client)
    {
        collectErrors(DriverErrors.of(client));
        clients.remove(client);
        client.close();
    }

    public void abortClient(final GameClient client)
    {
        collectErrors(DriverErrors.of(client));
        clients.remove(client);
        client.abort();
    }

    private void collectErrors(final String errors)
    {
        if (!errors.isEmpty())
        {
            driverErrors.add(errors);
        }
    }

    public void close()
    {
        for (final GameClient client : clients)
        {
            collectErrors(DriverErrors.of(client));
        }
        for (final GameServer server : servers)
        {
            collectErrors(DriverErrors.of(server));
        }
        CloseHelper.closeAll(clients);
        CloseHelper.closeAll(servers);
        clients.clear();
        servers.clear();
        assertEquals(List.of(), driverErrors, "media driver error logs must be empty");
    }
}
