package io.skirmish.benchmarks.rig;

import com.esotericsoftware.kryonet.Client;
import com.esotericsoftware.kryonet.Connection;
import com.esotericsoftware.kryonet.Listener;
import com.esotericsoftware.kryonet.Server;
import com.esotericsoftware.minlog.Log;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.YieldingIdleStrategy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * KryoNet fan-out, used the way KryoNet's own examples use it: a {@link Server} with its update thread
 * ({@code start()}), the caller's thread calling {@code sendToAllUDP} or {@code sendToAllTCP} with a {@code byte[]},
 * and the members' {@link Client}s updated round-robin by one "members" thread (rather than one thread per client,
 * which 256 clients on 2 cores could not afford). Runs on the engine's Kryo 5.6.2 (see benchmarks/pom.xml).
 */
final class KryoNetFanOutRig implements FanOutRig
{
    static final int SERVER_WRITE_BUFFER = 256 * 1024;
    static final int CLIENT_WRITE_BUFFER = 8 * 1024;
    static final int OBJECT_BUFFER = 2048;

    private final Errors errors = new Errors("kryonet-fan-out");
    private final boolean udp;
    private final byte[] payload = new byte[PAYLOAD_LENGTH];
    private final Server server;
    private final Client[] clients;
    private final boolean[] failed;
    private final AgentRunner membersRunner;
    private final AtomicLong received = new AtomicLong();
    private long receivedPlain;

    KryoNetFanOutRig(final int memberCount, final boolean udp)
    {
        Log.set(Log.LEVEL_WARN);
        this.udp = udp;
        final int port = Ports.nextPair();
        server = new Server(SERVER_WRITE_BUFFER, OBJECT_BUFFER);
        server.getKryo().register(byte[].class);
        clients = new Client[memberCount];
        failed = new boolean[memberCount];
        final Listener counter = new Listener()
        {
            public void received(final Connection connection, final Object object)
            {
                if (object instanceof byte[])
                {
                    received.lazySet(++receivedPlain);
                }
            }
        };
        AgentRunner runner = null;
        try
        {
            server.bind(new InetSocketAddress("127.0.0.1", port), new InetSocketAddress("127.0.0.1", port + 1));
            server.start();
            for (int i = 0; i < memberCount; i++)
            {
                clients[i] = new Client(CLIENT_WRITE_BUFFER, OBJECT_BUFFER);
                clients[i].getKryo().register(byte[].class);
                clients[i].addListener(counter);
            }
            runner = new AgentRunner(new YieldingIdleStrategy(), errors, null, new Agent()
            {
                public int doWork()
                {
                    final long before = receivedPlain;
                    for (int i = 0; i < clients.length; i++)
                    {
                        try
                        {
                            clients[i].update(0);
                        }
                        catch (final IOException ex)
                        {
                            if (!failed[i])
                            {
                                failed[i] = true;
                                errors.onError(ex);
                            }
                        }
                    }
                    return (int)(receivedPlain - before);
                }

                public String roleName()
                {
                    return "kryonet-members";
                }
            });
            AgentRunner.startOnThread(runner);
            for (final Client client : clients)
            {
                client.connect(10_000, "127.0.0.1", port, port + 1);
            }
            Deadline.await(() -> server.getConnections().length == memberCount, 10_000, () -> 0,
                () -> server.getConnections().length + "/" + memberCount + " KryoNet connections");
        }
        catch (final IOException ex)
        {
            closeQuietly(runner);
            throw new UncheckedIOException(ex);
        }
        catch (final RuntimeException ex)
        {
            closeQuietly(runner);
            throw ex;
        }
        membersRunner = runner;
    }

    private void closeQuietly(final AgentRunner runner)
    {
        CloseHelper.quietClose(runner);
        for (final Client client : clients)
        {
            if (null != client)
            {
                client.close();
                disposeQuietly(client);
            }
        }
        server.stop();
        final Thread updateThread = server.getUpdateThread();
        if (null != updateThread)
        {
            try
            {
                updateThread.join(5_000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        disposeQuietly(server);
    }

    private void disposeQuietly(final Client client)
    {
        try
        {
            client.dispose();
        }
        catch (final IOException ex)
        {
            errors.onError(ex);
        }
    }

    private void disposeQuietly(final Server server)
    {
        try
        {
            server.dispose();
        }
        catch (final IOException ex)
        {
            errors.onError(ex);
        }
    }

    /**
     * {@inheritDoc}
     */
    public int members()
    {
        return clients.length;
    }

    /**
     * {@inheritDoc}
     */
    public boolean lossy()
    {
        return udp;
    }

    /**
     * {@inheritDoc}
     */
    public int broadcast()
    {
        if (udp)
        {
            server.sendToAllUDP(payload);
        }
        else
        {
            server.sendToAllTCP(payload);
        }
        return clients.length;
    }

    /**
     * {@inheritDoc}
     */
    public int pollSender()
    {
        return 0;
    }

    /**
     * {@inheritDoc}
     */
    public long received()
    {
        return received.get();
    }

    /**
     * {@inheritDoc}
     */
    public void close()
    {
        closeQuietly(membersRunner);
        errors.check();
    }
}
