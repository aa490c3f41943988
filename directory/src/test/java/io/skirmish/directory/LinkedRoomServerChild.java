package io.skirmish.directory;

import io.skirmish.directory.server.RoomServerLink;
import io.skirmish.directory.server.RoomServerListener;
import io.skirmish.engine.ThreadingMode;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.Room;
import io.skirmish.engine.server.RoomOptions;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A room server on the directory in a JVM of its own, for {@link RoomFailoverSystemTest}: a {@link GameServer} with
 * its archive in {@code <root>/server-<id>} and a {@link RoomServerLink} with the shared archive root, so a room
 * the directory re-places here from a dead server is restored from that server's directory with its sessions.
 * Every durable room with at least the given members gets a broadcast "event SEQ" every 2 ms, printed as
 * "sent SEQ". Prints "ready" once registered, and "placed ROOM restored=B seq=S members=M at=EPOCH_MS" for each
 * placed room, and "deferred N" whenever the link's deferred placements count changes. Arguments: port, Aeron directory, shared root, server id, directory nodes, room id to create
 * durable (0 for none), members to wait for.
 */
public final class LinkedRoomServerChild
{
    private LinkedRoomServerChild()
    {
    }

    /**
     * @param args port, Aeron directory, shared root, server id, nodes, room id or 0, members.
     * @throws InterruptedException if interrupted.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        final int port = Integer.parseInt(args[0]);
        final File root = new File(args[2]);
        final int serverId = Integer.parseInt(args[3]);
        final int roomId = Integer.parseInt(args[5]);
        final int members = Integer.parseInt(args[6]);
        final String address = "127.0.0.1:" + port;
        final RoomServerLink link = new RoomServerLink(new RoomServerLink.Context()
            .nodes(args[4])
            .serverId(serverId)
            .publicAddress(address)
            .capacity(100)
            .sharedArchiveRoot(root)
            .reportIntervalNs(TimeUnit.MILLISECONDS.toNanos(200))
            .connectTimeoutNs(TimeUnit.SECONDS.toNanos(30))
            .roomOptions((id, kind, min, max, properties) -> options())
            .listener(new RoomServerListener()
            {
                public void onRoomPlaced(final Room room, final int kind, final byte[] properties,
                    final boolean restored)
                {
                    System.out.println("placed " + room.roomId() + " restored=" + restored + " seq=" +
                        room.lastSeq() + " members=" + room.memberCount() + " at=" + System.currentTimeMillis());
                }
            })
            .idleStrategy(DirectoryTests.idle()));
        final GameServer server = GameServer.launch(new GameServer.Context()
            .bindAddress("127.0.0.1")
            .port(port)
            .aeronDirectoryName(args[1])
            .archiveDirectoryName(new File(root, "server-" + serverId).getAbsolutePath())
            .sessionIdBase(serverId << 20)
            .threadingMode(ThreadingMode.SHARED)
            .idleStrategy(DirectoryTests.idle())
            .driverIdleStrategy(DirectoryTests.idle())
            .keepAliveIntervalNs(TimeUnit.MILLISECONDS.toNanos(100))
            .sessionTimeoutNs(TimeUnit.SECONDS.toNanos(3))
            .resumeWindowNs(TimeUnit.SECONDS.toNanos(60))
            .errorHandler(Throwable::printStackTrace)
            .listener(link.listener(null)));
        if (roomId > 0)
        {
            final CountDownLatch created = new CountDownLatch(1);
            while (!server.proxy().execute(() ->
            {
                server.createRoom(roomId, options().durable(true));
                created.countDown();
            }))
            {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            created.await();
        }
        link.start(server);
        while (!link.isRegistered())
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        System.out.println("ready");
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[64]);
        final Runnable broadcast = () -> server.forEachRoom((room) ->
        {
            if (room.isDurable() && room.memberCount() >= members)
            {
                final int length = payload.putStringWithoutLengthUtf8(0, "event " + (room.lastSeq() + 1));
                final long seq = room.broadcast(7, payload, 0, length);
                System.out.println("sent " + seq);
            }
        });
        long deferred = 0;
        while (true)
        {
            server.proxy().execute(broadcast);
            if (link.placementsDeferred() != deferred)
            {
                deferred = link.placementsDeferred();
                System.out.println("deferred " + deferred);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }

    private static RoomOptions options()
    {
        return new RoomOptions().maxMembers(16).historyCount(16_384).historyBytes(8 * 1024 * 1024);
    }
}
