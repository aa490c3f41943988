package io.skirmish.engine;

import io.aeron.CommonContext;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ext.DebugReceiveChannelEndpoint;
import io.aeron.driver.ext.DebugSendChannelEndpoint;
import io.aeron.driver.ext.LossGenerator;
import io.aeron.driver.ext.RandomLossGenerator;
import io.aeron.driver.status.SystemCounterDescriptor;
import io.skirmish.engine.client.ClientState;
import io.skirmish.engine.client.ClientTestSupport;
import io.skirmish.engine.client.GameClient;
import io.skirmish.engine.codec.MessageRegistry;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.Room;
import io.skirmish.engine.server.RoomOptions;
import io.skirmish.engine.server.ServerListener;
import io.skirmish.engine.server.Session;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The transport under Aeron's own loss generators, with an external media driver, in every threading mode, with
 * Kryo messages, counters in the CnC file and an injected clock.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TransportSystemTest
{
    private final SystemTestHarness harness = new SystemTestHarness();
    private MediaDriver externalDriver;

    @AfterEach
    void after()
    {
        try
        {
            harness.close();
        }
        finally
        {
            CloseHelper.close(externalDriver);
        }
    }

    private static Consumer<MediaDriver.Context> randomLoss(final double rate, final long seed)
    {
        final LossGenerator noLoss = (address, buffer, length) -> false;
        return (ctx) -> ctx
            .receiveChannelEndpointSupplier((udpChannel, dispatcher, statusIndicator, context) ->
                new DebugReceiveChannelEndpoint(udpChannel, dispatcher, statusIndicator, context,
                    new RandomLossGenerator(rate, seed), noLoss))
            .sendChannelEndpointSupplier((udpChannel, statusIndicator, context) ->
                new DebugSendChannelEndpoint(udpChannel, statusIndicator, context, noLoss, noLoss));
    }

    private static long systemCounter(final GameServer server, final SystemCounterDescriptor descriptor)
    {
        return server.aeron().countersReader().getCounterValue(descriptor.id());
    }

    private static long systemCounter(final GameClient client, final SystemCounterDescriptor descriptor)
    {
        return client.aeron().countersReader().getCounterValue(descriptor.id());
    }

    @Test
    void shouldDeliverBothWaysInOrderUnderTwentyPercentAeronLossWithTheEnginesOwnRecovery()
    {
        final int port = Tests.freePortPair();
        final List<String> received = new CopyOnWriteArrayList<>();
        final GameServer server = harness.launch(harness.serverContext(port)
            .driverCustomizer(randomLoss(0.2, 42))
            .sessionTimeoutNs(TimeUnit.SECONDS.toNanos(10))
            // the whole burst fits the direct stream's history, so that loss is recovered by replay, not resync
            .directHistory(4096, 1 << 20)
            .listener(new ServerListener()
            {
                public void onMessage(
                    final Session session, final int typeId, final DirectBuffer buffer, final int offset,
                    final int length)
                {
                    received.add(buffer.getStringWithoutLengthUtf8(offset, length));
                }
            }));
        final RecordingClientListener clientListener = new RecordingClientListener();
        final GameClient client = harness.connect(harness.clientContext(port)
            .driverCustomizer(randomLoss(0.2, 43))
            .connectTimeoutNs(TimeUnit.SECONDS.toNanos(20))
            .listener(clientListener));
        Tests.await(client::isConnected, 30_000, harness::pollAll, () -> "connect under loss");
        final Session session = server.session(client.sessionId());

        final int count = 2000;
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        int sentUp = 0;
        int sentDown = 0;
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (sentUp < count || sentDown < count)
        {
            assertTrue(System.nanoTime() < deadline, "sending took too long: up " + sentUp + " down " + sentDown);
            if (sentUp < count)
            {
                final int length = buffer.putStringWithoutLengthUtf8(0, "up-" + sentUp + "-" + "y".repeat(150));
                if (client.send(1, buffer, 0, length) > 0)
                {
                    sentUp++;
                }
            }
            if (sentDown < count)
            {
                final int length = buffer.putStringWithoutLengthUtf8(0, "down-" + sentDown);
                if (server.send(session, 2, buffer, 0, length) > 0)
                {
                    sentDown++;
                }
            }
            harness.pollAll();
        }
        Tests.await(() -> received.size() == count && clientListener.events.size() == count, 60_000,
            harness::pollAll, () -> "delivery up " + received.size() + " down " + clientListener.events.size());

        for (int i = 0; i < count; i++)
        {
            assertEquals("up-" + i + "-" + "y".repeat(150), received.get(i));
            assertEquals("0/" + (i + 1) + "/0/2/down-" + i, clientListener.events.get(i));
        }
        // one reliability mechanism: both lanes are unreliable at the Aeron level, the engine recovered every loss
        final long naks = systemCounter(server, SystemCounterDescriptor.NAK_MESSAGES_SENT) +
            systemCounter(client, SystemCounterDescriptor.NAK_MESSAGES_SENT);
        assertEquals(0, naks, "Aeron NAKs");
        assertTrue(server.counter(EngineCounter.EVENTS_REPLAYED) > 0, "server events replayed");
        assertTrue(client.counter(EngineCounter.RELIABLE_FRAMES_RESENT) > 0, "client reliable frames resent");
        assertEquals(0, client.counter(EngineCounter.RESYNCS), "resyncs");
    }

    @Test
    void shouldShowEngineCountersInTheCncFileForAeronStat()
    {
        final int port = Tests.freePortPair();
        final GameServer server = harness.launch(harness.serverContext(port));
        final GameClient client = harness.connect(harness.clientContext(port));
        harness.awaitConnected(client);
        final UnsafeBuffer buffer = RoomSystemTest.utf8("x");
        client.send(1, buffer, 0, 1);
        Tests.await(() -> server.counter(EngineCounter.FRAMES_IN) > 2, 5_000, harness::pollAll, () -> "frames");

        // read the server driver's CnC file the way io.aeron.samples.AeronStat does
        final CountersReader reader = server.aeron().countersReader();
        final List<String> labels = new ArrayList<>();
        final long[] sessionsActive = { -1 };
        reader.forEach((counterId, typeId, keyBuffer, label) ->
        {
            if (label.startsWith("skirmish-server " + port + ":"))
            {
                labels.add(label);
                if (typeId == EngineCounter.SESSIONS_ACTIVE.typeId())
                {
                    sessionsActive[0] = reader.getCounterValue(counterId);
                }
            }
        });
        assertTrue(labels.contains("skirmish-server " + port + ": frames in"), labels.toString());
        assertTrue(labels.contains("skirmish-server " + port + ": dropped malformed"), labels.toString());
        assertEquals(1, sessionsActive[0]);
    }

    @Test
    void shouldAttachToExternalMediaDriverAndRunClientInEveryMode()
    {
        final String dir = CommonContext.generateRandomDirName();
        externalDriver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(dir)
            .threadingMode(io.aeron.driver.ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy())
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .publicationTermBufferLength(64 * 1024));
        final int port = Tests.freePortPair();
        final RecordingServerListener serverListener = new RecordingServerListener();
        harness.launch(harness.serverContext(port)
            .embeddedMediaDriver(false)
            .aeronDirectoryName(dir)
            .threadingMode(ThreadingMode.SHARED)
            .listener(serverListener));

        for (final ThreadingMode mode : ThreadingMode.values())
        {
            final GameClient client = harness.connect(harness.clientContext(port).threadingMode(mode));
            Tests.await(client::isConnected, 10_000, harness::pollAll, () -> mode + " client connects");
            final UnsafeBuffer hello = RoomSystemTest.utf8("client mode " + mode);
            assertTrue(client.send(1, hello, 0, hello.capacity()) > 0 || mode != ThreadingMode.INVOKER);
            harness.closeClient(client);
        }
        Tests.await(() -> serverListener.closed.size() == 3, 10_000, harness::pollAll,
            () -> "three clean disconnects: " + serverListener.closed);
        assertTrue(serverListener.messages.contains("1:client mode INVOKER"));
    }

    /** A registered game message. */
    public static final class Chat
    {
        public String text;
        public int channel;

        public Chat()
        {
        }

        Chat(final String text, final int channel)
        {
            this.text = text;
            this.channel = channel;
        }
    }

    /** A class the game forgot to register. */
    public static final class Unregistered
    {
        public int value;
    }

    @Test
    void shouldCarryRegisteredKryoMessagesWithTypedHandlers()
    {
        final MessageRegistry registry = new MessageRegistry().register(1, Chat.class);
        final int port = Tests.freePortPair();
        final List<String> serverChats = new CopyOnWriteArrayList<>();
        final GameServer server = harness.launch(harness.serverContext(port).messageRegistry(registry));
        server.on(Chat.class, (session, chat) -> serverChats.add(session.sessionId() + ":" + chat.text));
        final Room room = server.createRoom(3, new RoomOptions());
        server.onEmit(Chat.class, (r, sender, chat) -> !chat.text.contains("badword"));

        final List<String> clientChats = new ArrayList<>();
        final GameClient client = harness.connect(harness.clientContext(port).messageRegistry(registry));
        client.on(Chat.class, (roomId, sender, chat) -> clientChats.add(roomId + "/" + sender + "/" + chat.text));
        harness.awaitConnected(client);
        client.join(3);
        Tests.await(() -> client.isMemberOf(3), 5_000, harness::pollAll, () -> "joined");

        assertTrue(client.send(new Chat("hi server", 0)) > 0);
        assertEquals(SendResult.NOT_REGISTERED, client.send(new Unregistered()));
        assertTrue(client.emit(3, new Chat("hi room", 1)) > 0);
        assertTrue(client.emit(3, new Chat("badword", 1)) > 0);
        assertTrue(room.broadcast(new Chat("from server", 2)) > 0);
        assertEquals(SendResult.NOT_REGISTERED, room.broadcast(new Unregistered()));

        Tests.await(() -> serverChats.size() == 1 && clientChats.size() == 2, 5_000, harness::pollAll,
            () -> "chats " + serverChats + " " + clientChats);
        assertEquals(List.of(client.sessionId() + ":hi server"), serverChats);
        assertEquals(List.of("3/0/from server", "3/" + client.sessionId() + "/hi room"), clientChats);
        assertEquals(1, server.counter(EngineCounter.EMITS_VETOED));

        // a forged Kryo payload for a registered type id is dropped and counted, and the server keeps serving
        final UnsafeBuffer garbage = new UnsafeBuffer(new byte[]{ (byte)0xFF, (byte)0xFF, (byte)0xFF, (byte)0xFF, 7 });
        assertTrue(ClientTestSupport.sendRawKryoMessage(client, 1, garbage, 0, garbage.capacity()) > 0);
        Tests.await(() -> server.counter(EngineCounter.DROPPED_UNDECODABLE) == 1, 5_000, harness::pollAll,
            () -> "undecodable counted");
        assertTrue(client.send(new Chat("still here", 0)) > 0);
        Tests.await(() -> serverChats.size() == 2, 5_000, harness::pollAll, () -> "server still serves");
    }

    @Test
    void shouldTimeOutConnectWhenNoServer()
    {
        final int port = Tests.freePortPair();
        final RecordingClientListener listener = new RecordingClientListener();
        final GameClient client = harness.connect(harness.clientContext(port)
            .listener(listener)
            .connectTimeoutNs(TimeUnit.MILLISECONDS.toNanos(700)));
        Tests.await(() -> client.state() == ClientState.CONNECT_TIMED_OUT, 10_000, harness::pollAll,
            () -> "connect timeout, state=" + client.state());
        assertEquals(DisconnectReason.CONNECT_TIMED_OUT, listener.disconnected);
    }

    @Test
    void shouldTimeOutSessionsByInjectedClock()
    {
        final int port = Tests.freePortPair();
        final CachedNanoClock clock = new CachedNanoClock();
        clock.update(System.nanoTime());
        final RecordingServerListener serverListener = new RecordingServerListener();
        final GameServer server = harness.launch(harness.serverContext(port)
            .nanoClock(clock)
            .resumeWindowNs(TimeUnit.SECONDS.toNanos(60))
            .listener(serverListener));
        final GameClient client = harness.connect(harness.clientContext(port));
        Tests.await(client::isConnected, 10_000, () ->
        {
            clock.update(System.nanoTime());
            return harness.pollAll();
        }, () -> "connected");
        assertNull(serverListener.suspended.isEmpty() ? null : serverListener.suspended.get(0));

        // the client falls silent and what it sent has arrived (a frame heard in the same cycle would rightly keep
        // the session alive)
        Tests.drive(100, () ->
        {
            clock.update(System.nanoTime());
            return server.poll();
        });

        // only the server's clock runs on, in duty cycles 50 ms apart (a jump between two cycles would be a stall
        // of the server itself, which is not the client's silence), past the session timeout: the server
        // suspends at the first cycle beyond it, the client resumes
        final long silentFromNs = System.nanoTime();
        final long timeoutNs = server.context().sessionTimeoutNs();
        long offsetNs = 0;
        while (serverListener.suspended.isEmpty() && offsetNs < 2 * timeoutNs)
        {
            offsetNs += TimeUnit.MILLISECONDS.toNanos(50);
            clock.update(silentFromNs + offsetNs);
            server.poll();
        }
        assertEquals(1, serverListener.suspended.size(), "suspended once");
        assertTrue(offsetNs > timeoutNs - TimeUnit.MILLISECONDS.toNanos(500) &&
            offsetNs <= timeoutNs + TimeUnit.MILLISECONDS.toNanos(200),
            "suspended " + offsetNs / 1_000_000 + " ms into the silence, timeout " + timeoutNs / 1_000_000 + " ms");
        assertEquals(DisconnectReason.TIMED_OUT, serverListener.suspended.get(0));
        final long runOnNs = silentFromNs + offsetNs - System.nanoTime();
        Tests.await(() -> serverListener.resumed.size() == 1 && client.isConnected(), 15_000, () ->
        {
            clock.update(System.nanoTime() + runOnNs);
            return harness.pollAll();
        }, () -> "client resumed, state=" + client.state());
        assertEquals(1, server.sessionCount());
    }
}
