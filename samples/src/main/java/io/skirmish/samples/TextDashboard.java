package io.skirmish.samples;

import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.server.GameServer;
import io.skirmish.samples.arena.ArenaServer;
import io.skirmish.samples.client.ArenaClient;
import io.skirmish.samples.client.ClientStats;

import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.List;

import static io.skirmish.samples.arena.ArenaProtocol.LOBBY_ROOM_ID;
import static io.skirmish.samples.arena.ArenaProtocol.arenaRoomId;
import static io.skirmish.samples.arena.ArenaProtocol.roomName;

/**
 * The demo without a display: a block of text per interval with the server's rooms and counters, the snapshot
 * traffic (full state size against the mean bytes actually sent per snapshot, and how many went as deltas), a line
 * per client (RTT, jitter, snapshot rate and loss, bandwidth, full snapshot size and the share that arrived as
 * deltas, seqs, gap recovery) and the latest events one client saw. Used from one thread.
 */
public final class TextDashboard
{
    private static final int CHAT_LINES = 6;
    private static final String HEADER_FORMAT =
        "%-8s %5s %-10s %7s %6s %6s %6s %7s %7s %6s %6s %9s %-8s %5s %4s %4s %4s  %s%n";
    private static final String ROW_FORMAT =
        "%-8s %5s %-10s %7.2f %6.2f %6.1f %6.1f %7.1f %7.1f %6d %6.1f %9d %-8s %5d %4d %4d %4d  %s%n";

    private final PrintStream out;
    private final ArrayDeque<String> recent = new ArrayDeque<>();

    /**
     * @param out where to print.
     */
    public TextDashboard(final PrintStream out)
    {
        this.out = out;
    }

    /**
     * Print one block.
     *
     * @param header  first line.
     * @param game    the in-process game server, or null.
     * @param server  the in-process engine server, or null.
     * @param clients the clients to show.
     * @param events  the client whose recent events are shown, or null.
     */
    public void print(
        final String header,
        final ArenaServer game,
        final GameServer server,
        final List<ArenaClient> clients,
        final ArenaClient events)
    {
        final StringBuilder sb = new StringBuilder(4096);
        sb.append("== ").append(header).append(" ==\n");
        if (null != game && null != server)
        {
            sb.append(String.format("server  tick %d (late %d)  sessions %d  " +
                "events sent %d  deliveries %d  replayed %d  resyncs %d  fan-out skipped %d  inputs %d%n",
                game.tick(), server.counter(EngineCounter.TICKS_LATE), server.sessionCount(),
                server.counter(EngineCounter.ROOM_EVENTS_SENT), server.counter(EngineCounter.ROOM_EVENT_DELIVERIES),
                server.counter(EngineCounter.EVENTS_REPLAYED), server.counter(EngineCounter.RESYNCS),
                server.counter(EngineCounter.FANOUT_SKIPPED), server.counter(EngineCounter.INPUTS_RECEIVED)));
            sb.append(String.format("snapshot full %d B, sent %.0f B avg incl. headers " +
                "(delta %.0f%%: %.0f delta + %.0f full /s, %.1f kB/s)  total %d delta, %d full  dropped %d%n",
                game.lastSnapshotLength(), game.meanSnapshotBytesSent(), game.snapshotDeltaPercent(),
                game.snapshotsDeltaPerSecond(), game.snapshotsFullPerSecond(),
                game.snapshotBytesSentPerSecond() / 1024,
                server.counter(EngineCounter.SNAPSHOTS_DELTA_SENT), server.counter(EngineCounter.SNAPSHOTS_FULL_SENT),
                server.counter(EngineCounter.UNRELIABLE_SEND_DROPPED)));
            sb.append("rooms  ");
            for (int roomId = LOBBY_ROOM_ID; roomId <= arenaRoomId(game.arenaCount() - 1); roomId++)
            {
                sb.append(String.format("  %s: %d members, seq %d", roomName(roomId), game.roomMembers(roomId),
                    game.roomLastSeq(roomId)));
            }
            sb.append('\n');
        }
        sb.append(String.format(HEADER_FORMAT,
            "client", "sess", "state", "rtt ms", "jit ms", "snap/s", "loss%", "in kB/s", "out kB/s", "full B",
            "delta%", "lobby seq", "arena", "seq", "gaps", "rply", "rsyn", "network"));
        for (final ArenaClient client : clients)
        {
            final ClientStats s = client.stats();
            sb.append(String.format(ROW_FORMAT,
                client.name(), "#" + s.sessionId, shortState(s), s.rttMs, s.jitterMs, s.snapshotsPerSecond,
                s.snapshotLossPercent, s.bytesInPerSecond / 1024, s.bytesOutPerSecond / 1024, s.lastSnapshotBytes,
                s.deltaSnapshotPercent, s.lobbySeq, 0 == s.arenaRoomId ? "-" : roomName(s.arenaRoomId), s.arenaSeq,
                s.gapsDetected, s.eventsReplayed, s.resyncs, s.network));
        }
        if (null != events)
        {
            events.drainChat((line) ->
            {
                recent.addLast(line);
                if (recent.size() > CHAT_LINES)
                {
                    recent.removeFirst();
                }
            });
            if (!recent.isEmpty())
            {
                sb.append("latest events seen by ").append(events.name()).append(":\n");
                for (final String line : recent)
                {
                    sb.append("  ").append(line).append('\n');
                }
            }
        }
        out.print(sb);
        out.println();
        out.flush();
    }

    private static String shortState(final ClientStats stats)
    {
        final String state = stats.state.name();
        return state.length() > 10 ? state.substring(0, 10) : state;
    }
}
