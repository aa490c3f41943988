package io.skirmish.engine.transport;

import io.skirmish.engine.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.LangUtil;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.IdleStrategy;

/**
 * Who runs a conductor's duty cycle, by {@link ThreadingMode}: an {@code AgentRunner} thread of its own, or the
 * caller's {@link #poll()} in {@link ThreadingMode#INVOKER} mode (the driver and the Aeron client are then invoked
 * from the same cycle, see {@link Transport}). Shared by the server and the client.
 */
public final class DutyCycle implements AutoCloseable
{
    private final Agent agent;
    private final AgentRunner runner;
    private final int cyclesPerPoll;

    /**
     * Start the agent on its own thread unless the mode is {@link ThreadingMode#INVOKER}.
     *
     * @param mode          the threading mode.
     * @param agent         the conductor.
     * @param idle          the thread's idle strategy.
     * @param errors        for errors the agent throws.
     * @param cyclesPerPoll most duty cycles one {@link #poll()} runs while they find work.
     */
    public DutyCycle(
        final ThreadingMode mode,
        final Agent agent,
        final IdleStrategy idle,
        final ErrorHandler errors,
        final int cyclesPerPoll)
    {
        this.agent = agent;
        this.cyclesPerPoll = cyclesPerPoll;
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
     * Run duty cycles on the caller's thread until one finds no work, at most {@code cyclesPerPoll} of them. An
     * invoked media driver reads at most one datagram per socket per cycle, so a game loop that polls a few dozen
     * times a second needs several cycles per poll to drain what arrived in between.
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
            int total = 0;
            for (int i = 0; i < cyclesPerPoll; i++)
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
