package io.skirmish.engine.transport;

import io.skirmish.engine.ThreadingMode;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.NoOpIdleStrategy;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DutyCycleTest
{
    private final CachedNanoClock clock = new CachedNanoClock();
    private final CountingAgent agent = new CountingAgent();

    @Test
    void sparsePollRunsCyclesUntilOneFindsNoWork()
    {
        final DutyCycle cycle = invoked(64);
        agent.pending = 10;
        clock.advance(TimeUnit.MILLISECONDS.toNanos(16));

        assertEquals(10, cycle.poll());
        assertEquals(11, agent.cycles, "ten cycles with work and the one that found none");
    }

    @Test
    void sparsePollStopsAtCyclesPerPoll()
    {
        final DutyCycle cycle = invoked(4);
        agent.pending = 10;
        clock.advance(TimeUnit.MILLISECONDS.toNanos(16));

        assertEquals(4, cycle.poll());
        assertEquals(4, agent.cycles);
        assertEquals(6, agent.pending);
    }

    @Test
    void pollsLessThanAMillisecondApartRunOneCycleEach()
    {
        final DutyCycle cycle = invoked(64);
        agent.pending = 10;
        clock.advance(DutyCycle.SPARSE_POLL_NS - 1);

        assertEquals(1, cycle.poll());
        clock.advance(1000);
        assertEquals(1, cycle.poll());
        assertEquals(2, agent.cycles);

        clock.advance(DutyCycle.SPARSE_POLL_NS);
        assertEquals(8, cycle.poll());
        assertEquals(0, agent.pending);
    }

    @Test
    void pollIsRefusedWhenTheAgentHasItsOwnThread()
    {
        try (DutyCycle cycle = new DutyCycle(
            ThreadingMode.DEDICATED, agent, new NoOpIdleStrategy(), Throwable::printStackTrace, 64, clock))
        {
            assertThrows(IllegalStateException.class, cycle::poll);
        }
    }

    private DutyCycle invoked(final int cyclesPerPoll)
    {
        return new DutyCycle(
            ThreadingMode.INVOKER, agent, new NoOpIdleStrategy(), Throwable::printStackTrace, cyclesPerPoll, clock);
    }

    private static final class CountingAgent implements Agent
    {
        int pending;
        int cycles;

        public int doWork()
        {
            cycles++;
            if (pending > 0)
            {
                pending--;
                return 1;
            }
            return 0;
        }

        public String roleName()
        {
            return "counting";
        }
    }
}
