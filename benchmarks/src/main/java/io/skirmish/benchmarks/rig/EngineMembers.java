package io.skirmish.benchmarks.rig;

import io.skirmish.engine.client.ClientListener;
import io.skirmish.engine.client.GameClient;
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

    /**
     * A shared driver is invoked before every this many members: its receiver reads one datagram per socket per duty
     * cycle and all members' responses arrive on one socket, so invoking it once per pass over hundreds of members
     * would cap what they all receive.
     */
    private static final int STACK_INVOKE_EVERY = 16;
    /** Most duty cycles in a row of a shared driver, or of the server, while it still finds work. */
    private static final int DRAIN_LIMIT = 16;
    private static final IntSupplier NO_SERVER = () -> 0;

    private final Errors errors = new Errors("engine-members");
    private final AeronStack[] stacks;
    private final int membersPerStack;
    private final boolean strict;
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
        this(count, serverEndpoint, shareOneDriver ? count : 0, true, serverPoller);
    }

    /**
     * Launch the drivers and start connecting every member, with groups of members sharing a client-side driver, as
     * several bot processes would; see {@link #awaitJoined} to finish.
     *
     * @param count           number of members.
     * @param serverEndpoint  the server's request endpoint, {@code host:port}.
     * @param membersPerStack members per shared client-side driver and Aeron client; 0 for a driver per member.
     * @param strict          true to fail when a member does not connect or join in time; false to go on with
     *                        the members that did (a load test past the machine's capacity), see
     *                        {@link #connectedCount()} and {@link #joinedCount()}.
     * @param serverPoller    drives the server when the calling thread owns it (return 0 otherwise).
     */
    public EngineMembers(
        final int count,
        final String serverEndpoint,
        final int membersPerStack,
        final boolean strict,
        final IntSupplier serverPoller)
    {
        this.membersPerStack = membersPerStack;
        this.strict = strict;
        final int stackCount = membersPerStack > 0 ? (count + membersPerStack - 1) / membersPerStack : 0;
        final int counterValuesLength =
            CounterSizing.clientValuesLength(Math.min(count, Math.max(1, membersPerStack)));
        stacks = new AeronStack[stackCount];
        try
        {
            for (int i = 0; i < stackCount; i++)
            {
                stacks[i] = AeronStack.launch("skirmish-members-" + i, counterValuesLength, errors);
            }
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(stacks);
            throw ex;
        }
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
                if (membersPerStack > 0)
                {
                    ctx.aeron(stacks[i / membersPerStack].aeron());
                }
                clients[i] = GameClient.connect(ctx);
                launched = i + 1;
                poll(serverPoller);
                if (launched % CONNECT_BATCH == 0 || launched == count)
                {
                    if (strict)
                    {
                        Deadline.await(this::allConnected, 60_000, () -> poll(serverPoller),
                            () -> connectedCount() + "/" + launched + " members connected; others: " +
                            unconnectedStates());
                    }
                    else
                    {
                        Deadline.awaitOrGiveUp(this::allConnected, 10_000, () -> poll(serverPoller));
                    }
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
        final IntSupplier poller = () -> poll(serverPoller);
        final long timeoutMs = 30_000 + clients.length * 100L;
        if (strict)
        {
            Deadline.await(this::allConnected, timeoutMs, poller, () -> connectedCount() + "/" + clients.length +
                " members connected");
        }
        else
        {
            Deadline.awaitOrGiveUp(this::allConnected, 30_000, poller);
        }
        final int joinsBefore = joins;
        int asked = 0;
        for (final GameClient client : clients)
        {
            if (client.isConnected())
            {
                client.join(roomId);
                asked++;
            }
        }
        final int expected = asked;
        if (strict)
        {
            Deadline.await(() -> joins - joinsBefore == clients.length, timeoutMs, poller,
                () -> (joins - joinsBefore) + "/" + clients.length + " members joined room " + roomId);
        }
        else
        {
            Deadline.awaitOrGiveUp(() -> joins - joinsBefore >= expected, 30_000, poller);
        }
    }

    /**
     * @return members whose room join was confirmed so far (polling thread).
     */
    public int joinedCount()
    {
        return joins;
    }

    private boolean allConnected()
    {
        return connectedCount() == launched;
    }

    private String unconnectedStates()
    {
        final StringBuilder states = new StringBuilder();
        for (int i = 0, n = launched; i < n; i++)
        {
            if (!clients[i].isConnected())
            {
                states.append(" #").append(i).append(' ').append(clients[i].state()).append('/')
                    .append(clients[i].disconnectReason());
            }
        }
        return states.toString();
    }

    /**
     * @return members connected now (polling thread).
     */
    public int connectedCount()
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
     * One duty cycle of every member (which invokes its own driver when not shared), with duty cycles of the shared
     * driver and Aeron client (when shared, up to {@value #DRAIN_LIMIT} while they find work) before every
     * {@value #STACK_INVOKE_EVERY} members; publishes the event count.
     *
     * @return work count.
     */
    public int poll()
    {
        return poll(NO_SERVER);
    }

    /**
     * {@link #poll()}, with the server (when the same thread drives it) given duty cycles before every
     * {@value #STACK_INVOKE_EVERY} members (up to {@value #DRAIN_LIMIT} while it finds work): with hundreds of
     * members a whole pass takes long, and a server polled once per pass would read too few datagrams.
     *
     * @param serverPoller drives the server (return 0 when it does not).
     * @return work count.
     */
    public int poll(final IntSupplier serverPoller)
    {
        int work = 0;
        for (int s = membersPerStack > 0 ? (launched + membersPerStack - 1) / membersPerStack : 0;
            s < stacks.length; s++)
        {
            work += stacks[s].invoke(); // a driver whose members are not launched yet still needs its duty cycle
        }
        final GameClient[] clients = this.clients;
        for (int i = 0, n = launched; i < n; i++)
        {
            if (membersPerStack > 0 && (i % membersPerStack) % STACK_INVOKE_EVERY == 0)
            {
                work += drain(stacks[i / membersPerStack]);
            }
            if (i % STACK_INVOKE_EVERY == 0 && serverPoller != NO_SERVER)
            {
                work += drain(serverPoller);
            }
            work += clients[i].poll();
        }
        eventsPublished.lazySet(events);
        return work;
    }


    private static int drain(final IntSupplier dutyCycle)
    {
        int work = 0;
        for (int i = 0; i < DRAIN_LIMIT; i++)
        {
            final int cycleWork = dutyCycle.getAsInt();
            if (0 == cycleWork)
            {
                break;
            }
            work += cycleWork;
        }
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
        CloseHelper.quietCloseAll(stacks);
        errors.check();
    }
}
