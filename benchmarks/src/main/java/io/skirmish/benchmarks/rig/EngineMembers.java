package io.skirmish.benchmarks.rig;

import io.skirmish.engine.ClientListener;
import io.skirmish.engine.GameClient;
import io.skirmish.engine.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * Many INVOKER-mode {@link GameClient}s in one process, driven by one thread with {@link #poll()}; a different thread
 * may take over after a hand-off that orders memory (such as {@code Thread.start}). Counts the events of type
 * {@link #EVENT_TYPE_ID} and the snapshots every member receives.
 * <p>
 * The members either share one client-side {@link AeronStack} (one embedded driver and one Aeron client whose
 * conductor is invoked, as a bot host would run them), or each has its own embedded INVOKER driver, as separate
 * game processes would. <b>Note:</b> members sharing a driver also share one receive socket for their response
 * channels (identical channel URIs), and Aeron's receiver reads one datagram per socket per duty cycle, so a shared
 * driver caps what all members together can receive; measure a server's fan-out with a driver per member.
 */
public final class EngineMembers implements AutoCloseable
{
    /** Type id of the events the members count. */
    public static final int EVENT_TYPE_ID = 7;
    /** Members launched before waiting for them to connect, so the server is not flooded with handshakes. */
    public static final int CONNECT_BATCH = 16;

    private final Errors errors = new Errors("engine-members");
    private final AeronStack stack;
    private final GameClient[] clients;
    private final AtomicLong eventsPublished = new AtomicLong();
    private long events;
    private long snapshots;
    private int joins;
    private int launched;

    /**
     * Launch the driver(s) and start connecting every member; see {@link #awaitJoined} to finish. Launching a member
     * with its own driver blocks for a while, so the members launched before it, and the server, are polled between
     * launches: an invoked Aeron client that is not serviced for 10 s closes itself.
     *
     * @param count          number of members.
     * @param serverEndpoint the server's request endpoint, {@code host:port}.
     * @param shareOneDriver true for one client-side driver shared by all members, false for a driver per member.
     * @param serverPoller   drives the server when the calling thread owns it (return 0 otherwise).
     */
    public EngineMembers(
        final int count, final String serverEndpoint, final boolean shareOneDriver, final IntSupplier serverPoller)
    {
        // Each member adds about 40 counters (its own, and the driver's for 2 publications and 2 images).
        final int counterValuesLength = Math.max(1024 * 1024, Integer.highestOneBit(count * 64 * 128) * 2);
        stack = shareOneDriver ? AeronStack.launch("skirmish-members", counterValuesLength, errors) : null;
        clients = new GameClient[count];
        final ClientListener listener = new ClientListener()
        {
            public void onJoined(final int roomId, final long nextSeq)
            {
                joins++;
            }

            public void onEvent(
                final int roomId,
                final long seq,
                final int senderSessionId,
                final int typeId,
                final DirectBuffer buffer,
                final int offset,
                final int length)
            {
                if (EVENT_TYPE_ID == typeId)
                {
                    events++;
                }
            }

            public void onSnapshot(
                final int roomId,
                final long tick,
                final long baselineTick,
                final DirectBuffer buffer,
                final int offset,
                final int length)
            {
                snapshots++;
            }
        };
        try
        {
            for (int i = 0; i < count; i++)
            {
                final GameClient.Context ctx = new GameClient.Context()
                    .server(serverEndpoint)
                    .threadingMode(ThreadingMode.INVOKER)
                    .connectTimeoutNs(TimeUnit.SECONDS.toNanos(60))
                    .errorHandler(errors)
                    .listener(listener);
                if (null != stack)
                {
                    ctx.aeron(stack.aeron());
                }
                clients[i] = GameClient.connect(ctx);
                launched = i + 1;
                poll();
                serverPoller.getAsInt();
                if (launched % CONNECT_BATCH == 0 || launched == count)
                {
                    Deadline.await(this::allConnected, 60_000, () -> poll() + serverPoller.getAsInt(),
                        () -> connectedCount() + "/" + launched + " members connected");
                }
            }
        }
        catch (final RuntimeException ex)
        {
            close();
            throw ex;
        }
    }

    /**
     * Drive until every member is connected and has joined a room.
     *
     * @param roomId       the room each member asks to join.
     * @param serverPoller drives the server too when the same thread owns it (return 0 otherwise).
     */
    public void awaitJoined(final int roomId, final IntSupplier serverPoller)
    {
        final IntSupplier poller = () -> poll() + serverPoller.getAsInt();
        final long timeoutMs = 30_000 + clients.length * 100L;
        Deadline.await(this::allConnected, timeoutMs, poller, () -> connectedCount() + "/" + clients.length +
            " members connected");
        final int joinsBefore = joins;
        for (final GameClient client : clients)
        {
            client.join(roomId);
        }
        Deadline.await(() -> joins - joinsBefore == clients.length, timeoutMs, poller,
            () -> (joins - joinsBefore) + "/" + clients.length + " members joined room " + roomId);
    }

    private boolean allConnected()
    {
        return connectedCount() == launched;
    }

    private int connectedCount()
    {
        int connected = 0;
        for (int i = 0, n = launched; i < n; i++)
        {
            connected += clients[i].isConnected() ? 1 : 0;
        }
        return connected;
    }

    /**
     * @param index from 0 to {@link #count()} - 1.
     * @return that member.
     */
    public GameClient client(final int index)
    {
        return clients[index];
    }

    /**
     * @return number of members.
     */
    public int count()
    {
        return clients.length;
    }

    /**
     * One duty cycle of the shared driver and Aeron client (when shared), then of every member (which invokes its
     * own driver when not shared); publishes the event count.
     *
     * @return work count.
     */
    public int poll()
    {
        int work = null == stack ? 0 : stack.invoke();
        final GameClient[] clients = this.clients;
        for (int i = 0, n = launched; i < n; i++)
        {
            work += clients[i].poll();
        }
        eventsPublished.lazySet(events);
        return work;
    }

    /**
     * @return events of type {@link #EVENT_TYPE_ID} received by all members (polling thread).
     */
    public long events()
    {
        return events;
    }

    /**
     * @return events received by all members as of the last completed {@link #poll()} (any thread).
     */
    public long eventsPublished()
    {
        return eventsPublished.get();
    }

    /**
     * @return snapshots received by all members (polling thread).
     */
    public long snapshots()
    {
        return snapshots;
    }

    /**
     * Drop every member without telling the server (no flush: nobody drives a shared driver during close), then
     * release the drivers. Throws when any member recorded errors.
     */
    public void close()
    {
        for (final GameClient client : clients)
        {
            if (null != client)
            {
                client.abort();
            }
        }
        CloseHelper.quietClose(stack);
        errors.check();
    }
}
