package io.skirmish.benchmarks.rig;

import io.skirmish.engine.client.ClientListener;
import io.skirmish.engine.security.ConnectTokens;
import io.skirmish.engine.client.GameClient;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.RoomOptions;
import io.skirmish.engine.server.ServerListener;
import io.skirmish.engine.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;

import java.io.File;

/**
 * Engine round trip: one {@link GameClient} in a room of one emits an event; the {@link GameServer} validates,
 * sequences, records and relays it to every member, which is the emitting client itself. Both sides have their own
 * embedded media driver. The client is INVOKER mode, driven by the caller; the server is SHARED mode on its own
 * thread ({@link Threading#THREADED}) or INVOKER mode driven by the caller too ({@link Threading#SINGLE_THREAD}).
 */
final class EngineEchoRig implements EchoRig
{
    static final int ROOM_ID = ENGINE_ROOM_ID;
    static final int TYPE_ID = 7;

    private final Errors errors = new Errors("engine-echo");
    private final boolean singleThread;
    private final GameServer server;
    private final GameClient client;
    private boolean joined;

    EngineEchoRig(
        final Threading threading, final IdleStrategy echoIdle, final EchoHandler handler,
        final byte[] connectTokenSecret, final boolean payloadEncryption)
    {
        this(threading, echoIdle, handler, connectTokenSecret, payloadEncryption, null);
    }

    /**
     * @param archiveDir with a directory, the room is durable: recorded to an archive embedded there (the caller
     *                   deletes it); null for a plain room.
     */
    EngineEchoRig(
        final Threading threading, final IdleStrategy echoIdle, final EchoHandler handler,
        final byte[] connectTokenSecret, final boolean payloadEncryption, final File archiveDir)
    {
        singleThread = Threading.SINGLE_THREAD == threading;
        final int port = Ports.nextPair();
        GameServer server = null;
        GameClient client = null;
        try
        {
            final GameServer.Context serverCtx = new GameServer.Context()
                .bindAddress("127.0.0.1")
                .port(port)
                .maxMessagesPerSecond(Limits.UNLIMITED_RATE)
                .maxBytesPerSecond(Limits.UNLIMITED_RATE)
                .threadingMode(singleThread ? ThreadingMode.INVOKER : ThreadingMode.SHARED)
                .idleStrategy(echoIdle)
                .errorHandler(errors)
                .listener(new ServerListener()
                {
                    public void onStart(final GameServer server)
                    {
                        server.createRoom(ROOM_ID, new RoomOptions().durable(null != archiveDir));
                    }
                });
            if (null != connectTokenSecret)
            {
                serverCtx.connectTokenSecret(connectTokenSecret);
            }
            if (null != archiveDir)
            {
                serverCtx.archiveDirectoryName(archiveDir.getAbsolutePath());
            }
            server = GameServer.launch(serverCtx);
            if (singleThread)
            {
                server.poll();
            }

            final GameClient.Context clientCtx = new GameClient.Context()
                .server("127.0.0.1:" + port)
                .threadingMode(ThreadingMode.INVOKER)
                .errorHandler(errors)
                .listener(new ClientListener()
                {
                    public void onJoined(final int roomId, final long nextSeq)
                    {
                        joined |= ROOM_ID == roomId;
                    }

                    public void onEvent(
                        final int roomId,
                        final long seq,
                        final int senderSessionId,
                        final int typeId,
                        final DirectBuffer buffer,
                        final int offset,
                        final int length)
                    {
                        if (TYPE_ID == typeId)
                        {
                            handler.onEcho(buffer, offset, length);
                        }
                    }
                });
            if (null != connectTokenSecret)
            {
                final ConnectTokens.Minted minted = new ConnectTokens(connectTokenSecret)
                    .mint(1, System.currentTimeMillis() + 3_600_000L, "127.0.0.1:" + port, new byte[0]);
                clientCtx.connectToken(minted.token(), minted.sessionKey()).payloadEncryption(payloadEncryption);
            }
            client = GameClient.connect(clientCtx);
            this.server = server;
            this.client = client;

            final GameClient connecting = client;
            Deadline.await(connecting::isConnected, 10_000, this::poll, () -> "engine client connected");
            client.join(ROOM_ID);
            Deadline.await(() -> joined, 10_000, this::poll, () -> "engine client joined the room");
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(client, server);
            throw ex;
        }
    }

    /**
     * {@inheritDoc}
     */
    public boolean send(final DirectBuffer buffer, final int offset, final int length)
    {
        return client.emit(ROOM_ID, TYPE_ID, buffer, offset, length) > 0;
    }

    /**
     * {@inheritDoc}
     */
    public int poll()
    {
        int work = client.poll();
        if (singleThread)
        {
            work += server.poll();
        }
        return work;
    }

    /**
     * {@inheritDoc}
     */
    public GameServer server()
    {
        return server;
    }

    /**
     * {@inheritDoc}
     */
    public void close()
    {
        CloseHelper.closeAll(client, server);
        errors.check();
    }
}
