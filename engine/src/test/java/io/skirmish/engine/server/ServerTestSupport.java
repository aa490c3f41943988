package io.skirmish.engine.server;

import io.aeron.driver.MediaDriver;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.util.Set;
import java.util.TreeSet;

/**
 * What system tests reach inside a {@link GameServer}, kept out of its public API (as {@code aeron-test-support}
 * does for Aeron).
 */
public final class ServerTestSupport
{
    private ServerTestSupport()
    {
    }

    /**
     * @param server a server.
     * @return its embedded media driver, or null.
     */
    public static MediaDriver driver(final GameServer server)
    {
        return server.transport().driver();
    }

    /**
     * @param server a server.
     * @return what it holds: sessions, lanes, binding sessions, outboxes, behind members.
     */
    public static String resourceCounts(final GameServer server)
    {
        return server.conductor().resourceCounts();
    }

    /**
     * @param server a server.
     * @return how many sessions each of its port pairs carries (read from another thread: for tests only).
     */
    public static int[] sessionsPerPair(final GameServer server)
    {
        return server.conductor().sessionsPerPair();
    }

    /**
     * @param server    a server.
     * @param sessionId a session.
     * @return the session's memberships, for a test's failure message.
     */
    public static String membershipDump(final GameServer server, final int sessionId)
    {
        return server.conductor().membershipDump(sessionId);
    }

    /**
     * Stop without telling clients, as a crashed process would.
     *
     * @param server to stop.
     */
    public static void abort(final GameServer server)
    {
        server.conductor().abort();
        server.dutyCycle().close();
        CloseHelper.quietClose(server.transport());
        server.releaseArchiveLock(); // the operating system would release it as the process died
    }

    /**
     * @param archiveDirectory   a server's archive directory.
     * @param connectTokenSecret its token secret, or null.
     * @return the ids of the sessions its session store holds open (read without writing).
     */
    public static Set<Integer> persistedSessionIds(final File archiveDirectory, final byte[] connectTokenSecret)
    {
        final Set<Integer> ids = new TreeSet<>();
        for (final SessionStore.Record record : SessionStore.readOnly(
            archiveDirectory, SessionStore.storeKey(null, connectTokenSecret)).loaded())
        {
            ids.add(record.sessionId);
        }
        return ids;
    }

    /**
     * @param room a room.
     * @param seq  a seq in its replay history.
     * @return the encoded event the history holds for that seq, as a member would be sent it on a replay.
     */
    public static byte[] historyEvent(final Room room, final long seq)
    {
        final EventHistory history = room.stream.history;
        if (!history.contains(seq))
        {
            throw new IllegalArgumentException("not in history: " + seq);
        }
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[history.length(seq)]);
        history.copy(seq, buffer, 0);
        return buffer.byteArray();
    }

    /**
     * @param room      a restored room.
     * @param sessionId a session.
     * @return the highest reliable seq of the session's frames the restore found recorded, or -1.
     */
    public static long restoredSenderSeq(final Room room, final int sessionId)
    {
        return null == room.restoredSenderSeqs ? -1 : room.restoredSenderSeqs.get(sessionId);
    }
}
