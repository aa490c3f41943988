package io.skirmish.engine;

import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.Room;
import io.skirmish.engine.server.RoomOptions;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;

/**
 * A server with one durable room, run as a separate process by {@link RoomRestoreSystemTest} until it is killed:
 * it records a keyframe after {@link #KEYFRAME_SEQ} and broadcasts "event SEQ" forever, printing "sent SEQ" after
 * each. Arguments: port, Aeron directory, archive directory, room id.
 */
public final class DurableRoomChild
{
    /** The keyframe follows this seq. */
    public static final long KEYFRAME_SEQ = 20;

    private DurableRoomChild()
    {
    }

    /**
     * @param args port, Aeron directory, archive directory, room id.
     */
    public static void main(final String[] args)
    {
        final GameServer server = GameServer.launch(new GameServer.Context()
            .bindAddress("127.0.0.1")
            .port(Integer.parseInt(args[0]))
            .aeronDirectoryName(args[1])
            .archiveDirectoryName(args[2])
            .threadingMode(ThreadingMode.INVOKER));
        final Room room = server.createRoom(Integer.parseInt(args[3]), new RoomOptions().durable(true));
        final SleepingMillisIdleStrategy idle = new SleepingMillisIdleStrategy(1);
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[64]);
        while (true)
        {
            final long next = room.lastSeq() + 1;
            final int length = payload.putStringWithoutLengthUtf8(0, "event " + next);
            final long seq = room.broadcast(7, payload, 0, length);
            if (KEYFRAME_SEQ == seq)
            {
                final byte[] state = ("state after " + seq).getBytes(StandardCharsets.US_ASCII);
                room.recordKeyframe(new UnsafeBuffer(state), 0, state.length);
            }
            System.out.println("sent " + seq);
            idle.idle(server.poll());
            idle.idle(0);
        }
    }
}
