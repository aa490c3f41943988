package io.skirmish.engine;

import io.aeron.archive.client.AeronArchive;
import io.skirmish.engine.archive.RoomArchive;
import io.skirmish.engine.archive.RoomRecordings;
import io.skirmish.engine.server.DurableDelivery;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.Room;
import io.skirmish.engine.server.RoomOptions;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A server with one durable room, run as a separate process by {@link DurableSessionsSystemTest} until it is
 * killed: once the expected number of clients has joined it broadcasts "event SEQ" every millisecond or so,
 * printing "sent SEQ" after each. Arguments: port, Aeron directory, archive directory, room id, members to wait for,
 * optionally {@code tokens} to require connect tokens, and optionally {@code live} to make the room
 * {@link DurableDelivery#LIVE} ({@code live-stop:N}: LIVE, and the room's recording is stopped once it reaches seq
 * N, so that the clients deliver past what a restart restores, as a far-behind archive would leave it).
 */
public final class DurableSessionsChild
{
    /** The resume window of the child and of the server that replaces it. */
    public static final long RESUME_WINDOW_NS = TimeUnit.SECONDS.toNanos(60);
    /** The connect token secret when run with tokens (sixth argument {@code tokens}). */
    public static final byte[] TOKEN_SECRET =
        "0123456789abcdef0123456789abcdef-durable-sessions".getBytes(StandardCharsets.US_ASCII);

    /**
     * @param ctx  a server context.
     * @param port its port.
     * @return it, requiring connect tokens minted with {@link #TOKEN_SECRET} for {@code game.example.com:port}.
     */
    public static GameServer.Context withTokens(final GameServer.Context ctx, final int port)
    {
        return ctx.connectTokenSecret(TOKEN_SECRET).publicAddresses("game.example.com:" + port);
    }

    private DurableSessionsChild()
    {
    }

    private static void stopRecording(final String aeronDirectoryName, final int roomId)
    {
        // on a thread of its own: the INVOKER server's archive answers only while the main loop polls
        final Thread stopper = new Thread(() ->
        {
            try (AeronArchive archive = AeronArchive.connect(RoomArchive.localArchiveContext(aeronDirectoryName));
                RoomRecordings recordings = new RoomRecordings(archive, false, RoomArchive.DEFAULT_RECORDING_CHANNEL,
                    RoomRecordings.DEFAULT_REPLAY_CHANNEL, RoomRecordings.DEFAULT_REPLAY_STREAM_ID))
            {
                final LongArrayList ids = recordings.recordingIds(roomId);
                System.out.println("recording stopped " +
                    archive.tryStopRecordingByIdentity(ids.getLong(ids.size() - 1)));
            }
        }, "stop-recording");
        stopper.setDaemon(true);
        stopper.start();
    }

    /**
     * @param args port, Aeron directory, archive directory, room id, members to wait for, "tokens" or "plain",
     *             optionally "live".
     */
    public static void main(final String[] args)
    {
        final int port = Integer.parseInt(args[0]);
        final GameServer.Context ctx = new GameServer.Context();
        if (args.length > 5 && "tokens".equals(args[5]))
        {
            withTokens(ctx, port);
        }
        final GameServer server = GameServer.launch(ctx
            .bindAddress("127.0.0.1")
            .port(port)
            .aeronDirectoryName(args[1])
            .archiveDirectoryName(args[2])
            .keepAliveIntervalNs(TimeUnit.MILLISECONDS.toNanos(100))
            .sessionTimeoutNs(TimeUnit.SECONDS.toNanos(3))
            .resumeWindowNs(RESUME_WINDOW_NS)
            .threadingMode(ThreadingMode.INVOKER));
        final String deliveryArg = args.length > 6 ? args[6] : "recorded";
        final DurableDelivery delivery = deliveryArg.startsWith("live") ?
            DurableDelivery.LIVE : DurableDelivery.RECORDED;
        final Room room = server.createRoom(Integer.parseInt(args[3]), new RoomOptions().durable(true)
            .durableDelivery(delivery));
        final long stopRecordingAt = deliveryArg.startsWith("live-stop:") ?
            Long.parseLong(deliveryArg.substring("live-stop:".length())) : Long.MAX_VALUE;
        final AtomicBoolean stopping = new AtomicBoolean();
        final int members = Integer.parseInt(args[4]);
        final SleepingMillisIdleStrategy idle = new SleepingMillisIdleStrategy(1);
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[64]);
        System.out.println("ready");
        while (true)
        {
            if (room.memberCount() >= members)
            {
                final int length = payload.putStringWithoutLengthUtf8(0, "event " + (room.lastSeq() + 1));
                final long seq = room.broadcast(7, payload, 0, length);
                System.out.println("sent " + seq);
                if (seq >= stopRecordingAt && stopping.compareAndSet(false, true))
                {
                    stopRecording(server.aeronDirectoryName(), room.roomId());
                }
            }
            idle.idle(server.poll());
            idle.idle(0);
        }
    }
}
