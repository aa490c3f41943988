package io.skirmish.directory;

import io.aeron.driver.MediaDriver;
import io.skirmish.directory.protocol.DirectoryResult;
import io.skirmish.directory.server.RoomServerLink;
import io.skirmish.engine.ThreadingMode;
import io.skirmish.engine.client.GameClient;
import io.skirmish.engine.security.ConnectTokens;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.Room;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Room servers on the directory: a real three-node directory in this process, two real {@link GameServer}s (each
 * with its embedded media driver) running a {@link RoomServerLink}, a backend asking for seats by ticket and real
 * {@link GameClient}s connecting with the tokens minted from those seats, all over UDP on localhost.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RoomServerLinkSystemTest
{
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef-directory".getBytes(
        StandardCharsets.US_ASCII);
    private static final int KIND = 3;
    private static final int CAPACITY = 20;

    private final File dir = new File(System.getProperty("java.io.tmpdir"), "skirmish-room-link-test-" +
        System.nanoTime());
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<GameClient> clients = new ArrayList<>();
    private final GameServer[] servers = new GameServer[2];
    private final RoomServerLink[] links = new RoomServerLink[2];
    private String nodes;
    private MediaDriver backendDriver;
    private DirectoryCluster cluster;

    @BeforeEach
    void before()
    {
        nodes = DirectoryCluster.nodes("localhost", DirectoryTests.freeBasePort(3), 3);
        backendDriver = DirectoryTests.clientDriver(new File(dir, "backend-driver"));
    }

    @AfterEach
    void after()
    {
        CloseHelper.closeAll(clients);
        CloseHelper.closeAll(links);
        CloseHelper.closeAll(servers);
        CloseHelper.closeAll(closeables);
        CloseHelper.closeAll(cluster, backendDriver);
        IoUtil.delete(dir, true);
    }

    @Test
    void shouldPlaceRoomsOnTheLeastLoadedServerAndLandPlayersInTheirSeatsRooms()
    {
        cluster = DirectoryCluster.launch(3, (i) -> DirectoryTests.nodeContext(nodes, i, dir));
        for (int i = 0; i < 2; i++)
        {
            startServer(i);
        }
        DirectoryTests.await(() -> links[0].isRegistered() && links[1].isRegistered(), 30_000, () ->
        {
        }, () -> "both room servers registered");
        final DirectoryClient backend = DirectoryClient.connect(new DirectoryClient.Context()
            .nodes(nodes)
            .aeronDirectoryName(backendDriver.aeronDirectoryName())
            .backendId(1)
            .connectTimeoutNs(TimeUnit.SECONDS.toNanos(20))
            .requestTimeoutNs(TimeUnit.SECONDS.toNanos(20))
            .idleStrategy(DirectoryTests.idle()));
        closeables.add(backend);

        final Ticket ticket = new Ticket().kind(KIND).partySize(1).minPlayers(2).maxPlayers(4)
            .properties("eu".getBytes(StandardCharsets.US_ASCII));
        final Seat[] seats = new Seat[6];
        for (int i = 0; i < seats.length; i++)
        {
            seats[i] = new Seat();
            if (5 == i)
            {
                ticket.ttlMs(5_000);
            }
            final long seatId = backend.requestSeat(ticket, seats[i]);
            assertTrue(seatId > 0, "seat " + i + ": " + DirectoryResult.name(seatId));
        }
        final int roomA = seats[0].roomId();
        final int roomB = seats[4].roomId();
        for (int i = 0; i < 4; i++)
        {
            assertEquals(roomA, seats[i].roomId(), "the first four fill the first room: " + seats[i]);
            assertEquals(1, seats[i].serverId(), "both servers empty: the lowest id: " + seats[i]);
        }
        assertNotEquals(roomA, roomB);
        assertEquals(roomB, seats[5].roomId());
        assertEquals(2, seats[4].serverId(), "the second room goes to the less loaded server: " + seats[4]);
        assertEquals(DirectoryResult.NO_CAPACITY, backend.requestSeat(roomA, 1, new Seat()), "room A is full");
        final RoomStatus status = new RoomStatus();
        assertEquals(DirectoryResult.OK, backend.describe(roomB, status));
        assertEquals(2, status.reserved(), "room B holds seat 5 and the unused seat 6: " + status);

        final long tokenExpiry = System.currentTimeMillis() + 60_000;
        final ConnectTokens tokens = new ConnectTokens(SECRET);
        for (int i = 0; i < 5; i++)
        {
            final ConnectTokens.Minted minted = seats[i].mint(tokens, 100 + i, tokenExpiry);
            connect(seats[i].address(), minted);
        }
        DirectoryTests.await(() -> clients.get(0).isMemberOf(roomA) && clients.get(1).isMemberOf(roomA) &&
            clients.get(2).isMemberOf(roomA) && clients.get(3).isMemberOf(roomA) && clients.get(4).isMemberOf(roomB),
            30_000, this::pollClients, () -> "every player in its seat's room");

        DirectoryTests.await(() -> described(backend, roomA, status, 4, 0), 20_000, this::pollClients,
            () -> "the directory counts room A's 4 members, " + status);
        assertEquals(1, status.serverId());
        assertEquals(RoomStatus.OPEN, status.state());
        assertEquals(4, status.maxPlayers());
        assertEquals(4, membersOnServer(0, roomA), "the server's own count");
        DirectoryTests.await(() -> described(backend, roomB, status, 1, 0), 20_000, this::pollClients,
            () -> "room B: 1 member, and the unused seat expired, " + status);
        assertEquals(2, status.serverId());
        assertEquals(DirectoryResult.NO_SUCH_SEAT, backend.confirm(seats[5].seatId()));
        assertEquals(1, membersOnServer(1, roomB));

        assertEquals(4, links[0].seatsTaken());
        assertEquals(1, links[1].seatsTaken());
        assertEquals(1, links[0].roomsPlaced());
        assertEquals(1, links[1].roomsPlaced());
        DirectoryTests.await(() -> 4 == links[0].seatsConfirmed() && 1 == links[1].seatsConfirmed(), 20_000,
            this::pollClients, () -> "every seat confirmed: " + links[0].seatsConfirmed() + ", " +
            links[1].seatsConfirmed());

        final ConnectTokens.Minted late = seats[5].mint(tokens, 200, tokenExpiry);
        connect(seats[5].address(), late);
        DirectoryTests.await(() -> clients.get(5).isMemberOf(roomB), 30_000, this::pollClients,
            () -> "a player with an expired seat still lands in the room");
        DirectoryTests.await(() -> 1 == links[1].seatsExpiredBeforeConfirm(), 20_000, this::pollClients,
            () -> "its confirm answered NO_SUCH_SEAT");
        DirectoryTests.await(() -> described(backend, roomB, status, 2, 0), 20_000, this::pollClients,
            () -> "the next report counts it, " + status);
        assertEquals(0, links[0].seatsRefused() + links[1].seatsRefused());
        assertEquals(0, links[0].placementsFailed() + links[1].placementsFailed());
    }

    @Test
    void shouldOpenTheRoomOfADurableTicketDurable()
    {
        cluster = DirectoryCluster.launch(3, (i) -> DirectoryTests.nodeContext(nodes, i, dir));
        startServer(0, new File(dir, "archive-0"));
        DirectoryTests.await(() -> links[0].isRegistered(), 30_000, () ->
        {
        }, () -> "the room server registered");
        final DirectoryClient backend = DirectoryClient.connect(new DirectoryClient.Context()
            .nodes(nodes)
            .aeronDirectoryName(backendDriver.aeronDirectoryName())
            .backendId(1)
            .connectTimeoutNs(TimeUnit.SECONDS.toNanos(20))
            .requestTimeoutNs(TimeUnit.SECONDS.toNanos(20))
            .idleStrategy(DirectoryTests.idle()));
        closeables.add(backend);

        final Seat durableSeat = new Seat();
        assertTrue(backend.requestSeat(new Ticket().kind(KIND).partySize(1).minPlayers(1).maxPlayers(4)
            .durable(true), durableSeat) > 0);
        final Seat plainSeat = new Seat();
        assertTrue(backend.requestSeat(new Ticket().kind(KIND).partySize(1).minPlayers(1).maxPlayers(4),
            plainSeat) > 0);
        assertNotEquals(durableSeat.roomId(), plainSeat.roomId(), "a plain ticket does not match a durable room");

        final GameServer server = servers[0];
        final AtomicReferenceArray<Room> opened = new AtomicReferenceArray<>(2);
        DirectoryTests.await(() ->
        {
            server.proxy().execute(() ->
            {
                opened.set(0, server.room(durableSeat.roomId()));
                opened.set(1, server.room(plainSeat.roomId()));
            });
            return null != opened.get(0) && null != opened.get(1);
        }, 30_000, RoomServerLinkSystemTest::noWork, () -> "both placed rooms opened on the server");
        assertTrue(opened.get(0).isDurable(), "the durable ticket's room is recorded");
        assertTrue(!opened.get(1).isDurable(), "the plain ticket's room is not");
        final RoomStatus status = new RoomStatus();
        DirectoryTests.await(() -> DirectoryResult.OK == backend.describe(durableSeat.roomId(), status) &&
            RoomStatus.OPEN == status.state(), 20_000, RoomServerLinkSystemTest::noWork,
            () -> "the durable room reported open: " + status);
        assertTrue(status.isDurable(), status::toString);
        assertEquals(0, links[0].placementsFailed());
    }

    private static void noWork()
    {
    }

    private boolean described(
        final DirectoryClient backend, final int roomId, final RoomStatus status, final int members, final int reserved)
    {
        return DirectoryResult.OK == backend.describe(roomId, status) && members == status.members() &&
            reserved == status.reserved();
    }

    private void startServer(final int index)
    {
        startServer(index, null);
    }

    private void startServer(final int index, final File archiveDir)
    {
        final int port = DirectoryTests.freeBasePort(1);
        final String address = "127.0.0.1:" + port;
        links[index] = new RoomServerLink(new RoomServerLink.Context()
            .nodes(nodes)
            .serverId(index + 1)
            .publicAddress(address)
            .capacity(CAPACITY)
            .reportIntervalNs(TimeUnit.MILLISECONDS.toNanos(200))
            .connectTimeoutNs(TimeUnit.SECONDS.toNanos(20))
            .idleStrategy(DirectoryTests.idle()));
        servers[index] = GameServer.launch(new GameServer.Context()
            .bindAddress("127.0.0.1")
            .port(port)
            .aeronDirectoryName(new File(dir, "server-" + index).getAbsolutePath())
            .embeddedMediaDriver(true)
            .threadingMode(ThreadingMode.SHARED)
            .idleStrategy(DirectoryTests.idle())
            .driverIdleStrategy(DirectoryTests.idle())
            .keepAliveIntervalNs(TimeUnit.MILLISECONDS.toNanos(100))
            .connectTokenSecret(SECRET)
            .publicAddresses(address)
            .errorHandler(Throwable::printStackTrace)
            .archiveDirectoryName(null == archiveDir ? null : archiveDir.getAbsolutePath())
            .listener(links[index].listener(null)));
        links[index].start(servers[index]);
    }

    private void connect(final String address, final ConnectTokens.Minted minted)
    {
        clients.add(GameClient.connect(new GameClient.Context()
            .server(address)
            .aeronDirectoryName(new File(dir, "client-" + clients.size()).getAbsolutePath())
            .embeddedMediaDriver(true)
            .connectTimeoutNs(TimeUnit.SECONDS.toNanos(20))
            .connectToken(minted.token(), minted.sessionKey())
            .errorHandler(Throwable::printStackTrace)));
    }

    private void pollClients()
    {
        for (final GameClient client : clients)
        {
            client.poll();
        }
    }

    private int membersOnServer(final int index, final int roomId)
    {
        final AtomicInteger members = new AtomicInteger(-1);
        assertTrue(servers[index].proxy().execute(() ->
        {
            final Room room = servers[index].room(roomId);
            members.set(null == room ? -2 : room.memberCount());
        }));
        DirectoryTests.await(() -> -1 != members.get(), 10_000, this::pollClients, () -> "the conductor ran");
        return members.get();
    }
}
