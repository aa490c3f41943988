package io.skirmish.benchmarks.rig;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.driver.MediaDriver;
import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.FeedEndReason;
import io.skirmish.engine.client.FeedListener;
import io.skirmish.engine.client.GameClient;
import io.skirmish.engine.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Spectator clients ({@link GameClient#spectate}) of one durable room, as separate viewers would be: they share one
 * client-side media driver (SHARED threading, backoff idle) and Aeron client, and are driven by a thread of their own
 * with a backoff idle strategy, so the players' side of the benchmark pays only for what the server does for them.
 */
final class EngineSpectators implements SpectatorLoad
{
    private final Errors errors = new Errors("engine-spectators");
    private final AtomicLongArray frames;
    private final AtomicLong ended = new AtomicLong();
    private volatile FeedEndReason firstEndReason;
    private final MediaDriver driver;
    private final Aeron aeron;
    private final GameClient[] clients;
    private final AgentRunner runner;

    EngineSpectators(final int count, final String serverEndpoint, final int roomId, final long delayNs)
    {
        frames = new AtomicLongArray(count);
        MediaDriver driver = null;
        Aeron aeron = null;
        final GameClient[] clients = new GameClient[count];
        try
        {
            driver = MediaDriver.launch(new MediaDriver.Context()
                .aeronDirectoryName(CommonContext.generateRandomDirName())
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true)
                .threadingMode(io.aeron.driver.ThreadingMode.SHARED)
                .sharedIdleStrategy(new BackoffIdleStrategy(
                    10, 20, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(1)))
                .publicationTermBufferLength(64 * 1024)
                .ipcTermBufferLength(64 * 1024)
                .termBufferSparseFile(true)
                .spiesSimulateConnection(false)
                .warnIfDirectoryExists(false)
                .errorHandler(errors));
            aeron = Aeron.connect(new Aeron.Context()
                .aeronDirectoryName(driver.aeronDirectoryName())
                .clientName("skirmish-spectators")
                .idleStrategy(new SleepingMillisIdleStrategy(1))
                .errorHandler(errors));
            for (int i = 0; i < count; i++)
            {
                clients[i] = GameClient.connect(new GameClient.Context()
                    .server(serverEndpoint)
                    .threadingMode(ThreadingMode.INVOKER)
                    .aeron(aeron)
                    .embeddedMediaDriver(false)
                    .errorHandler(errors));
            }
            Deadline.await(() -> allConnected(clients), 60_000, () -> poll(clients), () -> "spectators connected");
            for (int i = 0; i < count && delayNs >= 0; i++)
            {
                if (clients[i].spectate(roomId, delayNs, new CountingListener(i)) <= 0)
                {
                    throw new IllegalStateException("spectate refused");
                }
            }
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(clients);
            CloseHelper.quietCloseAll(aeron, driver);
            throw ex;
        }
        this.driver = driver;
        this.aeron = aeron;
        this.clients = clients;
        runner = new AgentRunner(new BackoffIdleStrategy(
            10, 20, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(1)), errors, null, new Agent()
        {
            public int doWork()
            {
                return poll(clients);
            }

            public String roleName()
            {
                return "engine-spectators";
            }
        });
        AgentRunner.startOnThread(runner);
    }

    private long sum(final EngineCounter counter)
    {
        long total = 0;
        for (final GameClient client : clients)
        {
            total += client.counter(counter);
        }
        return total;
    }

    private static boolean allConnected(final GameClient[] clients)
    {
        for (final GameClient client : clients)
        {
            if (!client.isConnected())
            {
                return false;
            }
        }
        return true;
    }

    private static int poll(final GameClient[] clients)
    {
        int work = 0;
        for (final GameClient client : clients)
        {
            work += client.poll();
        }
        return work;
    }

    /**
     * {@inheritDoc}
     */
    public int poll()
    {
        return 0;
    }

    /**
     * {@inheritDoc}
     */
    public long framesReceived()
    {
        long total = 0;
        for (int i = 0; i < frames.length(); i++)
        {
            total += frames.get(i);
        }
        return total;
    }

    /**
     * {@inheritDoc}
     */
    public int count()
    {
        return frames.length();
    }

    /**
     * {@inheritDoc}
     */
    public long framesReceived(final int spectator)
    {
        return frames.get(spectator);
    }

    /**
     * {@inheritDoc}
     */
    public void close()
    {
        CloseHelper.close(runner);
        final long delivered = sum(EngineCounter.FEED_FRAMES_DELIVERED);
        final long gaps = sum(EngineCounter.FEED_GAPS_DETECTED);
        final long duplicates = sum(EngineCounter.FEED_DUPLICATES_DROPPED);
        CloseHelper.closeAll(clients);
        CloseHelper.closeAll(aeron, driver);
        if (ended.get() > 0)
        {
            throw new IllegalStateException(ended.get() + " spectator feeds ended before the run did, the first with " +
                firstEndReason + "; client counters: delivered " + delivered + ", gaps " + gaps + ", duplicates " +
                duplicates);
        }
        errors.check();
    }

    /**
     * One spectator's feed: counts the frames it is handed (on the spectators' thread) into its own slot.
     */
    private final class CountingListener implements FeedListener
    {
        private final int index;

        CountingListener(final int index)
        {
            this.index = index;
        }

        public void onFeedKeyframe(
            final int feedId,
            final int roomId,
            final long seq,
            final long timestampNs,
            final DirectBuffer buffer,
            final int offset,
            final int length)
        {
            frames.lazySet(index, frames.get(index) + 1);
        }

        public void onFeedEvent(
            final int feedId,
            final int roomId,
            final long seq,
            final int typeId,
            final int flags,
            final int senderSessionId,
            final long timestampNs,
            final DirectBuffer buffer,
            final int offset,
            final int length)
        {
            frames.lazySet(index, frames.get(index) + 1);
        }

        public void onFeedEnd(final int feedId, final int roomId, final long lastSeq, final FeedEndReason reason)
        {
            if (null == firstEndReason)
            {
                firstEndReason = reason;
            }
            ended.incrementAndGet();
        }
    }
}
