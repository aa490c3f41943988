package io.skirmish.samples.bots;

import io.skirmish.samples.client.ArenaClient;

import java.util.SplittableRandom;

import static io.skirmish.samples.arena.ArenaProtocol.LOBBY_ROOM_ID;
import static io.skirmish.samples.arena.ArenaProtocol.arenaRoomId;

/**
 * A bot: a player on autopilot that chats at a set rate, alternating between the lobby and its arena, and now and
 * then moves to another arena. Polled by the fleet's thread.
 */
final class Bot
{
    private static final String[] LINES =
    {
        "gg", "nice one", "coin over here!", "watch out", "lag?", "brb", "who took my coin", "o/", "rematch?", "ez",
    };

    private final ArenaClient player;
    private final SplittableRandom random;
    private final long emitIntervalNs;
    private final long hopIntervalNs;
    private final int arenaCount;
    private final boolean lobby;
    private long nextEmitNs;
    private long nextHopNs;
    private boolean active = true;
    private boolean toLobby;
    private long hops;
    private long emitFailures;

    Bot(
        final ArenaClient player,
        final long seed,
        final double emitRatePerSecond,
        final long hopIntervalNs,
        final int arenaCount,
        final boolean lobby,
        final long nowNs)
    {
        this.player = player;
        this.random = new SplittableRandom(seed);
        this.emitIntervalNs = emitRatePerSecond > 0 ? (long)(1e9 / emitRatePerSecond) : 0;
        this.hopIntervalNs = hopIntervalNs;
        this.arenaCount = arenaCount;
        this.lobby = lobby;
        this.nextEmitNs = nowNs + jittered(Math.max(emitIntervalNs, 200_000_000L));
        this.nextHopNs = nowNs + hopIntervalNs / 2 + jittered(hopIntervalNs);
    }

    ArenaClient player()
    {
        return player;
    }

    long hops()
    {
        return hops;
    }

    long emitFailures()
    {
        return emitFailures;
    }

    /**
     * Stop chatting and moving between arenas; keep polling and steering.
     */
    void quiesce()
    {
        active = false;
    }

    int poll(final long nowNs)
    {
        int work = player.poll();
        if (active && player.client().isConnected())
        {
            if (emitIntervalNs > 0 && nowNs - nextEmitNs >= 0)
            {
                nextEmitNs = nowNs + jittered(emitIntervalNs);
                emit();
                work++;
            }
            if (hopIntervalNs > 0 && arenaCount > 1 && nowNs - nextHopNs >= 0)
            {
                nextHopNs = nowNs + jittered(hopIntervalNs);
                final int current = player.currentArena();
                if (0 != current)
                {
                    int next = arenaRoomId(random.nextInt(arenaCount));
                    if (next == current)
                    {
                        next = arenaRoomId((next - arenaRoomId(0) + 1) % arenaCount);
                    }
                    if (player.switchArena(next))
                    {
                        hops++;
                    }
                }
                work++;
            }
        }
        return work;
    }

    private void emit()
    {
        toLobby = lobby && !toLobby;
        final int arena = player.currentArena();
        final int roomId = toLobby || 0 == arena ? LOBBY_ROOM_ID : arena;
        final long result = player.emitChat(roomId, LINES[random.nextInt(LINES.length)]);
        if (result <= 0)
        {
            emitFailures++;
        }
    }

    private long jittered(final long intervalNs)
    {
        return intervalNs / 2 + (long)(random.nextDouble() * intervalNs);
    }
}
