package io.skirmish.samples;

import io.skirmish.engine.FeedEndReason;
import io.skirmish.engine.SendResult;
import io.skirmish.engine.client.FeedListener;
import io.skirmish.engine.client.GameClient;
import io.skirmish.samples.ui.FeedWindow;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

import java.awt.GraphicsEnvironment;
import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

import static io.skirmish.samples.arena.ArenaProtocol.arenaRoomId;

/**
 * Scenarios: spectate a durable room behind a delay, or replay its newest recording at a speed, read-only, fed from
 * the server's archive (the server runs with {@code --archive DIR}).
 * <pre>
 *   java -jar skirmish-demo.jar spectate --server HOST:PORT [--room R] [--delay 2s] [--duration S] [--headless]
 *   java -jar skirmish-demo.jar replay --server HOST:PORT [--room R] [--speed X] [--from SEQ] [--recording ID]
 *       [--duration S] [--headless]
 * </pre>
 * The room defaults to the first arena; speed 1 is the recorded pace, 0 as fast as possible. A replay is of the
 * room's newest match (across the recordings of a server's restarts), or with {@code --recording} of the match that
 * archive recording belongs to (an older one). A window says that it
 * is a spectator or a replay and shows the newest frames; without a display (or with {@code --headless}) it prints a
 * line a second. It ends when the feed ends (the room closed, the replay finished) or after {@code --duration}, and
 * prints a summary line: {@code feed <mode> room R: N frames (K keyframes, G gaps), last seq S, end REASON}.
 * Exit codes: 0 when the feed ran (or ran until the duration), 1 when the server refused it or the session was lost.
 */
public final class FeedCommand
{
    private FeedCommand()
    {
    }

    /**
     * @param line the parsed command line ({@code spectate} or {@code replay}).
     * @param out  where the progress and summary lines go.
     * @return exit code.
     */
    public static int run(final CommandLine line, final PrintStream out)
    {
        final boolean spectate = "spectate".equals(line.command());
        final String server = line.string("server", "localhost:" + SampleConfiguration.PORT);
        CommandLine.port(server);
        final int roomId = line.intValue("room", arenaRoomId(0));
        final long delayNs = spectate ? line.durationNs("delay", TimeUnit.SECONDS.toNanos(2)) : 0;
        final double speed = spectate ? 1 : line.doubleValue("speed", 1);
        final long fromSeq = spectate ? 1 : line.intValue("from", 1);
        final long recordingId = spectate ? -1 : line.intValue("recording", -1);
        final boolean headless = line.flag("headless") || GraphicsEnvironment.isHeadless();
        final long durationNs = line.durationNs("duration", Long.MAX_VALUE);
        line.checkAllUsed();

        final Viewer viewer = new Viewer();
        final String what = spectate ?
            String.format("SPECTATOR - room %d, %.1f s behind", roomId, delayNs / 1e9) :
            String.format("REPLAY - room %d at %s from seq %d", roomId, 0 == speed ? "full speed" : speed + "x", fromSeq);
        final Shutdown shutdown = Shutdown.register();
        final Runnable closeWindow = headless ? () -> { } :
            FeedWindow.open("Skirmish - " + what, what, viewer::text, shutdown::request);
        final IdleStrategy idle = new SleepingMillisIdleStrategy(1);
        try (GameClient client = GameClient.connect(new GameClient.Context().server(server)))
        {
            final long startNs = System.nanoTime();
            long feedId = 0;
            long nextPrintNs = startNs + TimeUnit.SECONDS.toNanos(1);
            while (null == viewer.end && !shutdown.isRequested() && System.nanoTime() - startNs < durationNs)
            {
                idle.idle(client.poll());
                if (0 == feedId && client.isConnected())
                {
                    feedId = spectate ? client.spectate(roomId, delayNs, viewer) :
                        client.replay(roomId, recordingId, fromSeq, speed, viewer);
                    if (feedId < 0)
                    {
                        out.println("feed refused: " + SendResult.describe(feedId));
                        return 1;
                    }
                    out.println(what + " from " + server);
                }
                if (headless && System.nanoTime() - nextPrintNs >= 0)
                {
                    nextPrintNs += TimeUnit.SECONDS.toNanos(1);
                    out.println(viewer.progress());
                }
            }
            out.printf("feed %s room %d: %d frames (%d keyframes, %d gaps), last seq %d, end %s%n",
                spectate ? "spectate" : "replay", roomId, viewer.frames, viewer.keyframes, viewer.gaps, viewer.lastSeq,
                null == viewer.end ? "DURATION" : viewer.end.name());
            out.flush();
        }
        finally
        {
            closeWindow.run();
            shutdown.done();
        }
        final FeedEndReason end = viewer.end;
        return null == end || FeedEndReason.FINISHED == end || FeedEndReason.ROOM_CLOSED == end ||
            FeedEndReason.STOPPED == end ? 0 : 1;
    }

    /** What the feed delivered, written on the polling thread, read by the window's. */
    static final class Viewer implements FeedListener
    {
        private static final int LINES = 24;
        private final ArrayDeque<String> newest = new ArrayDeque<>();
        volatile long frames;
        volatile long keyframes;
        volatile long gaps;
        volatile long lastSeq;
        volatile FeedEndReason end;

        public void onFeedKeyframe(
            final int feedId, final int roomId, final long seq, final long timestampNs, final DirectBuffer buffer,
            final int offset, final int length)
        {
            keyframes++;
            add(seq, String.format("keyframe after seq %d, %d bytes", seq, length));
        }

        public void onFeedEvent(
            final int feedId, final int roomId, final long seq, final int typeId, final int flags,
            final int senderSessionId, final long timestampNs, final DirectBuffer buffer, final int offset,
            final int length)
        {
            add(seq, String.format("event %d type %d from %d, %d bytes", seq, typeId, senderSessionId, length));
        }

        public void onFeedGap(final int feedId, final int roomId, final long fromSeq, final int lostFrames)
        {
            gaps++;
            add(lastSeq, "the recording lost " + lostFrames + " frames from seq " + fromSeq);
        }

        public void onFeedEnd(final int feedId, final int roomId, final long lastSeq, final FeedEndReason reason)
        {
            end = reason;
            add(this.lastSeq, "end: " + reason);
        }

        private void add(final long seq, final String line)
        {
            frames++;
            lastSeq = seq;
            synchronized (newest)
            {
                newest.addFirst(line);
                if (newest.size() > LINES)
                {
                    newest.removeLast();
                }
            }
        }

        String progress()
        {
            return String.format("frames %d  keyframes %d  gaps %d  last seq %d", frames, keyframes, gaps, lastSeq);
        }

        String text()
        {
            final StringBuilder sb = new StringBuilder(progress()).append(System.lineSeparator())
                .append(System.lineSeparator());
            synchronized (newest)
            {
                for (final String line : newest)
                {
                    sb.append(line).append(System.lineSeparator());
                }
            }
            return sb.toString();
        }
    }
}
