package io.skirmish.metrics;

import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.Room;
import io.skirmish.engine.server.Session;

/**
 * The admin API's JSON documents, written on the server's conductor thread (they read sessions and rooms). Hand
 * written: the documents are flat, and every string in them is an enum name or a number.
 */
final class AdminViews
{
    private AdminViews()
    {
    }

    /**
     * @return {@code {"draining":..,"sessions":N,"rooms":[room...]}}.
     */
    static String rooms(final GameServer server)
    {
        final StringBuilder sb = new StringBuilder(256);
        sb.append("{\"draining\":").append(server.isDraining())
            .append(",\"sessions\":").append(server.sessionCount())
            .append(",\"rooms\":[");
        final boolean[] first = { true };
        server.forEachRoom((room) ->
        {
            if (!first[0])
            {
                sb.append(',');
            }
            first[0] = false;
            room(sb, room);
        });
        return sb.append("]}").toString();
    }

    /**
     * @return one room's document, or null when there is no such room.
     */
    static String room(final GameServer server, final int roomId)
    {
        final Room room = server.room(roomId);
        return null == room ? null : room(new StringBuilder(256), room).toString();
    }

    /**
     * @return {@code {"sessions":[session...]}}.
     */
    static String sessions(final GameServer server)
    {
        final StringBuilder sb = new StringBuilder(256).append("{\"sessions\":[");
        final boolean[] first = { true };
        server.forEachSession((session) ->
        {
            if (!first[0])
            {
                sb.append(',');
            }
            first[0] = false;
            session(sb, session);
        });
        return sb.append("]}").toString();
    }

    private static StringBuilder room(final StringBuilder sb, final Room room)
    {
        final long tick = room.tick();
        sb.append("{\"roomId\":").append(room.roomId())
            .append(",\"memberCount\":").append(room.memberCount())
            .append(",\"maxMembers\":").append(room.options().maxMembers())
            .append(",\"tickRateHz\":").append(room.options().tickRateHz())
            .append(",\"tick\":").append(tick)
            .append(",\"lastTickNs\":").append(tick > 0 ? room.tickTimeNs(tick) : -1)
            .append(",\"lastSeq\":").append(room.lastSeq())
            .append(",\"oldestRetainedSeq\":").append(room.oldestRetainedSeq())
            .append(",\"members\":[");
        for (int i = 0, n = room.memberCount(); i < n; i++)
        {
            if (i > 0)
            {
                sb.append(',');
            }
            session(sb, room.member(i));
        }
        return sb.append("]}");
    }

    private static void session(final StringBuilder sb, final Session session)
    {
        sb.append("{\"sessionId\":").append(session.sessionId())
            .append(",\"clientId\":").append(session.clientId())
            .append(",\"state\":\"").append(session.state().name()).append('"')
            .append(",\"rttNs\":").append(session.rttNs())
            .append(",\"rooms\":").append(session.roomCount())
            .append(",\"lastInputTick\":").append(session.lastInputTick())
            .append('}');
    }
}
