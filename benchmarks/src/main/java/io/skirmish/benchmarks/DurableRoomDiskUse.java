package io.skirmish.benchmarks;

import io.aeron.archive.status.RecordingPos;
import io.skirmish.benchmarks.rig.Errors;
import io.skirmish.benchmarks.rig.Limits;
import io.skirmish.benchmarks.rig.Ports;
import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.ThreadingMode;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.Room;
import io.skirmish.engine.server.RoomOptions;
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Disk use of a busy durable room: a server with an embedded archive and one durable room, driven in real time for
 * {@code seconds} per configuration: at {@code tickRate} Hz it broadcasts what {@code members} members emitting
 * {@code eventsPerMember} events per second of {@code payloadLength} bytes would have it relay (each such event is
 * recorded once, whatever the member count), and every {@code keyframeSeconds} it records a keyframe of
 * {@code 80 + 16 x members} bytes (the demo arena's layout: a header and 16 bytes per player). The bytes recorded
 * are read from the archive's recording-position counter (Aeron frame headers and alignment included: what the
 * segment files hold), and extrapolated to a minute and an hour. Snapshots and inputs are not recorded, so neither
 * is generated. Any frame lost to the recording is reported (it would make the figure too low).
 * <p>
 * Settings are system properties: {@code members} (comma-separated, default {@code 8,32,64}), {@code seconds} (30),
 * {@code eventsPerMember} (3), {@code payloadLength} (32), {@code keyframeSeconds} (5), {@code tickRate} (30).
 * <pre>
 * java --add-opens java.base/jdk.internal.misc=ALL-UNNAMED -Dseconds=30 \
 *     -cp benchmarks/target/benchmarks.jar io.skirmish.benchmarks.DurableRoomDiskUse
 * </pre>
 */
public final class DurableRoomDiskUse
{
    private static final int ROOM_ID = 1;
    private static final int EVENT_TYPE_ID = 7;
    private static final int KEYFRAME_HEADER_LENGTH = 80;
    private static final int KEYFRAME_BYTES_PER_MEMBER = 16;

    private DurableRoomDiskUse()
    {
    }

    /**
     * Measure every configuration and print the table.
     *
     * @param args ignored; see the class Javadoc for the system properties.
     * @throws IOException when the archive directory cannot be created.
     */
    public static void main(final String[] args) throws IOException
    {
        final String[] memberCounts = System.getProperty("members", "8,32,64").split(",");
        final int seconds = Integer.getInteger("seconds", 30);
        final double eventsPerMember = Double.parseDouble(System.getProperty("eventsPerMember", "3"));
        final int payloadLength = Integer.getInteger("payloadLength", 32);
        final int keyframeSeconds = Integer.getInteger("keyframeSeconds", 5);
        final int tickRate = Integer.getInteger("tickRate", 30);
        final PrintStream out = System.out;
        out.printf(Locale.ROOT, "# durable room disk use: %d s per configuration in real time, %d Hz, %.1f events/s " +
            "per member of %d B, keyframe every %d s (80 + 16 B per member)%n",
            seconds, tickRate, eventsPerMember, payloadLength, keyframeSeconds);
        out.println("| members | events/s | keyframe B | events recorded | keyframes | bytes recorded | " +
            "B/event (incl. keyframes) | MB/min | MB/hour | frames lost |");
        out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (final String count : memberCounts)
        {
            run(Integer.parseInt(count.trim()), seconds, eventsPerMember, payloadLength, keyframeSeconds, tickRate, out);
        }
    }

    private static void run(
        final int members,
        final int seconds,
        final double eventsPerMember,
        final int payloadLength,
        final int keyframeSeconds,
        final int tickRate,
        final PrintStream out) throws IOException
    {
        final File archiveDir = Files.createTempDirectory("skirmish-disk-use").toFile();
        final Errors errors = new Errors("disk-use");
        final UnsafeBuffer payload = new UnsafeBuffer(BufferUtil.allocateDirectAligned(payloadLength, 64));
        final int keyframeLength = KEYFRAME_HEADER_LENGTH + KEYFRAME_BYTES_PER_MEMBER * members;
        final UnsafeBuffer keyframe = new UnsafeBuffer(BufferUtil.allocateDirectAligned(keyframeLength, 64));
        GameServer server = null;
        try
        {
            server = GameServer.launch(new GameServer.Context()
                .bindAddress("127.0.0.1")
                .port(Ports.nextPair())
                .maxMessagesPerSecond(Limits.UNLIMITED_RATE)
                .maxBytesPerSecond(Limits.UNLIMITED_RATE)
                .threadingMode(ThreadingMode.INVOKER)
                .archiveDirectoryName(archiveDir.getAbsolutePath())
                .errorHandler(errors));
            final Room room = server.createRoom(ROOM_ID, new RoomOptions().durable(true));
            final long tickNs = TimeUnit.SECONDS.toNanos(1) / tickRate;
            final long keyframeTicks = (long)keyframeSeconds * tickRate;
            final double eventsPerTick = members * eventsPerMember / tickRate;
            final long startNs = System.nanoTime();
            final long endNs = startNs + TimeUnit.SECONDS.toNanos(seconds);
            long nextTickNs = startNs;
            long tick = 0;
            long events = 0;
            long keyframes = 0;
            double owed = 0;
            while (System.nanoTime() - endNs < 0)
            {
                final long nowNs = System.nanoTime();
                if (nowNs - nextTickNs >= 0)
                {
                    nextTickNs += tickNs;
                    tick++;
                    owed += eventsPerTick;
                    while (owed >= 1)
                    {
                        owed -= 1;
                        payload.putLong(0, ++events);
                        room.broadcast(EVENT_TYPE_ID, payload, 0, payloadLength);
                    }
                    if (0 == tick % keyframeTicks)
                    {
                        keyframe.putLong(0, tick);
                        room.recordKeyframe(keyframe, 0, keyframeLength);
                        keyframes++;
                    }
                }
                if (0 == server.poll())
                {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                }
            }
            final long drainUntilNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (System.nanoTime() - drainUntilNs < 0)
            {
                server.poll();
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            final long recorded = recordedBytes(server.aeron().countersReader());
            final long lost = server.counter(EngineCounter.RECORDING_FRAMES_LOST);
            final double elapsedS = (double)seconds;
            final double perMinute = recorded / elapsedS * 60;
            out.printf(Locale.ROOT, "| %d | %.0f | %d | %d | %d | %d | %.1f | %.2f | %.1f | %d |%n",
                members, members * eventsPerMember, keyframeLength, events, keyframes, recorded,
                events > 0 ? (double)recorded / events : 0, perMinute / 1e6, perMinute * 60 / 1e6, lost);
        }
        finally
        {
            CloseHelper.quietClose(server);
            IoUtil.delete(archiveDir, true);
        }
        errors.check();
    }

    private static long recordedBytes(final CountersReader counters)
    {
        final long[] total = new long[1];
        counters.forEach((counterId, typeId, keyBuffer, label) ->
        {
            if (RecordingPos.RECORDING_POSITION_TYPE_ID == typeId)
            {
                total[0] += counters.getCounterValue(counterId);
            }
        });
        return total[0];
    }
}
