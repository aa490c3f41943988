package io.skirmish.engine.transport;

import io.skirmish.engine.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.LangUtil;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;

import java.util.concurrent.TimeUnit;

/**
 * Who runs a conductor's duty cycle, by {@link ThreadingMode}: an {@code AgentRunner} thread of its own, or the
 * caller's {@link #poll()} in {@link ThreadingMode#INVOKER} mode (the driver and the Aeron client are then invoked
 * from the same cycle, see {@link Transport}). Shared by the server and the client.
 */
public final class DutyCycle implements AutoCloseable
{
    /** Polls closer together than this run one cycle each: the caller is already polling in a tight loop. */
    static final long SPARSE_POLL_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private final Agent agent;
    private final AgentRunner runner;
    private final int cyclesPerPoll;
    private final NanoClock clock;
    private long lastPollNs;

    /**
     * Start the agent on its own thread unless the mode is {@link ThreadingMode#INVOKER}.
     *
     * @param mode          the threading mode.
     * @param agent         the conductor.
     * @param idle          the thread's idle strategy.
     * @param errors        for errors the agent throws.
     * @param cyclesPerPoll most duty cycles one {@link #poll()} runs while they find work.
     * @param clock         tells how far apart the polls come.
     */
    public DutyCycle(
        final ThreadingMode mode,
        final Agent agent,
        final IdleStrategy idle,
        final ErrorHandler errors,
        final int cyclesPerPoll,
        final NanoClock clock)
    {
        this.agent = agent;
        this.cyclesPerPoll = cyclesPerPoll;
        this.clock = clock;
        this.lastPollNs = clock.nanoTime();
        if (ThreadingMode.INVOKER == mode)
        {
            runner = null;
        }
        else
        {
            runner = new AgentRunner(idle, errors, null, agent);
            AgentRunner.startOnThread(runner);
        }
    }

    /**
     * Run duty cycles on the caller's thread: one when the caller polls in a tight loop (polls less than a
     * millisecond apart); otherwise until one finds no work, at most {@code cyclesPerPoll} of them. An invoked
     * media driver reads at most one datagram per socket per cycle, so a game loop that polls a few dozen times a
     * second needs several cycles per poll to drain what arrived in between, while a tight loop would only pay for a
     * cycle that finds nothing.
     *
     * @return the work count of all the cycles run.
     * @throws IllegalStateException when the agent runs its own thread.
     */
    public int poll()
    {
        if (null != runner)
        {
            throw new IllegalStateException(
                "poll() is for ThreadingMode.INVOKER; this " + agent.roleName() + " runs its own thread");
        }
        try
        {
            final long nowNs = clock.nanoTime();
            final int cycles = nowNs - lastPollNs >= SPARSE_POLL_NS ? cyclesPerPoll : 1;
            lastPollNs = nowNs;
            int total = 0;
            for (int i = 0; i < cycles; i++)
            {
                final int work = agent.doWork();
                if (0 == work)
                {
                    break;
                }
                total += work;
            }
            return total;
        }
        catch (final Exception ex)
        {
            LangUtil.rethrowUnchecked(ex);
            return 0;
        }
    }

    /**
     * @return true when the agent runs its own thread.
     */
    public boolean isThreaded()
    {
        return null != runner;
    }

    /**
     * Stop the agent: its thread is stopped and the agent closed, or, when invoked, the agent is closed here.
     */
    public void close()
    {
        if (null != runner)
        {
            CloseHelper.quietClose(runner);
        }
        else
        {
            agent.onClose();
        }
    }
}
