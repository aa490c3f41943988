package io.skirmish.benchmarks.rig;

import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.IdleStrategy;

/**
 * Raw Aeron ping-pong arranged exactly as the engine arranges its transport, so the difference to
 * {@link EngineEchoRig} is the engine's own work. Each side is an {@link AeronStack} (INVOKER driver, invoked client
 * conductor), with one exclusive publication per direction over plain unicast UDP on loopback with the engine's
 * reliable-lane settings (256 KiB terms, MTU 1408). In {@link Threading#THREADED} mode the echo side is one
 * {@link AgentRunner} thread that invokes its driver and client conductor and polls, like the engine's SHARED
 * server; in {@link Threading#SINGLE_THREAD} mode the caller drives both sides.
 */
final class AeronEchoRig implements EchoRig
{
    static final int STREAM_ID = 1001;
    static final String CHANNEL_PARAMS = "|term-length=256k|mtu=1408";

    private final Errors errors = new Errors("aeron-echo");
    private final boolean singleThread;
    private final AeronStack pingStack;
    private final AeronStack echoStack;
    private final ExclusivePublication pingPublication;
    private final Subscription pongSubscription;
    private final ExclusivePublication echoPublication;
    private final Subscription echoSubscription;
    private final FragmentHandler pongHandler;
    private final FragmentHandler echoHandler = this::onPing;
    private final AgentRunner echoRunner;

    AeronEchoRig(final Threading threading, final IdleStrategy echoIdle, final EchoHandler handler)
    {
        singleThread = Threading.SINGLE_THREAD == threading;
        pongHandler = (buffer, offset, length, header) -> handler.onEcho(buffer, offset, length);
        final int port = Ports.nextPair();
        final String pingChannel = "aeron:udp?endpoint=127.0.0.1:" + port + CHANNEL_PARAMS;
        final String pongChannel = "aeron:udp?endpoint=127.0.0.1:" + (port + 1) + CHANNEL_PARAMS;

        AeronStack ping = null;
        AeronStack echo = null;
        try
        {
            ping = AeronStack.launch("raw-ping", 0, errors);
            echo = AeronStack.launch("raw-echo", 0, errors);
            echoSubscription = echo.aeron().addSubscription(pingChannel, STREAM_ID);
            pingPublication = ping.aeron().addExclusivePublication(pingChannel, STREAM_ID);
            pongSubscription = ping.aeron().addSubscription(pongChannel, STREAM_ID);
            echoPublication = echo.aeron().addExclusivePublication(pongChannel, STREAM_ID);
            pingStack = ping;
            echoStack = echo;

            Deadline.await(
                () -> pingPublication.isConnected() && echoPublication.isConnected() &&
                    pongSubscription.isConnected() && echoSubscription.isConnected(),
                10_000,
                () -> pingStack.invoke() + echoStack.invoke(),
                () -> "raw Aeron ping and pong connected");
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(ping, echo);
            throw ex;
        }

        if (singleThread)
        {
            echoRunner = null;
        }
        else
        {
            echoRunner = new AgentRunner(echoIdle, errors, null, new Agent()
            {
                public int doWork()
                {
                    return echoStack.invoke() + echoSubscription.poll(echoHandler, 10);
                }

                public String roleName()
                {
                    return "raw-aeron-echo";
                }
            });
            AgentRunner.startOnThread(echoRunner);
        }
    }

    private void onPing(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        long result;
        while ((result = echoPublication.offer(buffer, offset, length)) < 0)
        {
            if (Publication.CLOSED == result || Publication.MAX_POSITION_EXCEEDED == result)
            {
                throw new IllegalStateException("echo publication unusable: " + result);
            }
            echoStack.invoke();
        }
    }

    /**
     * {@inheritDoc}
     */
    public boolean send(final DirectBuffer buffer, final int offset, final int length)
    {
        return pingPublication.offer(buffer, offset, length) > 0;
    }

    /**
     * {@inheritDoc}
     */
    public int poll()
    {
        int work = pingStack.invoke();
        if (singleThread)
        {
            work += echoStack.invoke();
            work += echoSubscription.poll(echoHandler, 10);
        }
        work += pongSubscription.poll(pongHandler, 10);
        return work;
    }

    /**
     * {@inheritDoc}
     */
    public void close()
    {
        CloseHelper.closeAll(echoRunner, pingStack, echoStack);
        errors.check();
    }
}
