package io.skirmish.benchmarks.rig;

import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.YieldingIdleStrategy;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Raw Aeron fan-out, the control for {@link EngineFanOutRig} and the arrangement of DESIGN.md's raw figure: one
 * exclusive publication per member (256 KiB terms, MTU 1408, plain unicast on loopback), each event encoded once and
 * offered to every publication, retrying a back-pressured one. The sending side is an {@link AeronStack} invoked by
 * the caller's thread; each member has its own {@link AeronStack}, all invoked by one "members" thread, exactly as the
 * engine rig arranges its members. Frames are 64 bytes: the engine's 32-byte event header plus the 32-byte payload.
 */
final class AeronFanOutRig implements FanOutRig
{
    static final int STREAM_ID = 1002;
    static final int FRAME_LENGTH = 32 + PAYLOAD_LENGTH;

    private final Errors errors = new Errors("aeron-fan-out");
    private final UnsafeBuffer frame = new UnsafeBuffer(BufferUtil.allocateDirectAligned(FRAME_LENGTH, 64));
    private final AeronStack sender;
    private final AeronStack[] memberStacks;
    private final ExclusivePublication[] publications;
    private final Subscription[] subscriptions;
    private final AtomicLong received = new AtomicLong();
    private final AgentRunner membersRunner;
    private long receivedPlain;
    private int launched;

    AeronFanOutRig(final int memberCount)
    {
        memberStacks = new AeronStack[memberCount];
        publications = new ExclusivePublication[memberCount];
        subscriptions = new Subscription[memberCount];
        final FragmentHandler counter = (buffer, offset, length, header) -> receivedPlain++;
        AeronStack sender = null;
        try
        {
            sender = AeronStack.launch(
                "raw-fan-out", Math.max(1024 * 1024, Integer.highestOneBit(memberCount * 16 * 128) * 2), errors);
            final AeronStack senderStack = sender;
            for (int i = 0; i < memberCount; i++)
            {
                final String channel = "aeron:udp?endpoint=127.0.0.1:" + Ports.nextPair() +
                    AeronEchoRig.CHANNEL_PARAMS;
                memberStacks[i] = AeronStack.launch("raw-member-" + i, 0, errors);
                launched = i + 1;
                subscriptions[i] = memberStacks[i].aeron().addSubscription(channel, STREAM_ID);
                publications[i] = sender.aeron().addExclusivePublication(channel, STREAM_ID);
                pollMembers(counter);
                sender.invoke();
            }
            Deadline.await(this::allConnected, 30_000, () -> senderStack.invoke() + pollMembers(counter),
                () -> "raw Aeron members connected");
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(memberStacks);
            CloseHelper.quietClose(sender);
            throw ex;
        }
        this.sender = sender;

        membersRunner = new AgentRunner(new YieldingIdleStrategy(), errors, null, new Agent()
        {
            public int doWork()
            {
                return pollMembers(counter);
            }

            public String roleName()
            {
                return "raw-aeron-members";
            }
        });
        AgentRunner.startOnThread(membersRunner);
    }

    private boolean allConnected()
    {
        for (final ExclusivePublication publication : publications)
        {
            if (!publication.isConnected())
            {
                return false;
            }
        }
        return true;
    }

    private int pollMembers(final FragmentHandler handler)
    {
        int work = 0;
        for (int i = 0, n = launched; i < n; i++)
        {
            work += memberStacks[i].invoke();
            work += subscriptions[i].poll(handler, 256);
        }
        received.lazySet(receivedPlain);
        return work;
    }

    /**
     * {@inheritDoc}
     */
    public int members()
    {
        return publications.length;
    }

    /**
     * {@inheritDoc}
     */
    public boolean lossy()
    {
        return false;
    }

    /**
     * {@inheritDoc}
     */
    public int broadcast()
    {
        final ExclusivePublication[] publications = this.publications;
        for (final ExclusivePublication publication : publications)
        {
            long result;
            while ((result = publication.offer(frame, 0, FRAME_LENGTH)) < 0)
            {
                if (Publication.CLOSED == result || Publication.MAX_POSITION_EXCEEDED == result)
                {
                    throw new IllegalStateException("publication unusable: " + result);
                }
                sender.invoke();
            }
        }
        return publications.length;
    }

    /**
     * {@inheritDoc}
     */
    public int pollSender()
    {
        return sender.invoke();
    }

    /**
     * {@inheritDoc}
     */
    public long received()
    {
        return received.get();
    }

    /**
     * {@inheritDoc}
     */
    public void close()
    {
        CloseHelper.close(membersRunner);
        CloseHelper.closeAll(memberStacks);
        CloseHelper.close(sender);
        errors.check();
    }
}
