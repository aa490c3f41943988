package io.skirmish.engine.client;

import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.SendResult;
import io.skirmish.engine.protocol.FrameType;
import io.skirmish.engine.protocol.MessageFlyweight;
import io.skirmish.engine.protocol.ReliableFrameFlyweight;
import io.skirmish.engine.security.LaneCrypto;
import io.skirmish.engine.status.Counters;
import io.skirmish.engine.status.RttEstimator;
import io.skirmish.engine.transport.FrameOffer;
import io.skirmish.engine.transport.RecordingOutlet;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReliableOutboxTest
{
    private static final int SESSION_ID = 42;
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final Counters counters = new Counters(new CountersManager(
        new UnsafeBuffer(new byte[512 * 1024]), new UnsafeBuffer(new byte[128 * 1024])), false);
    private final RecordingOutlet outlet = new RecordingOutlet();
    private final RttEstimator rtt = new RttEstimator(Long.MAX_VALUE);
    private final ReliableOutbox outbox = new ReliableOutbox(64 * 1024,
        new FrameOffer(counters.get(EngineCounter.FRAMES_OUT), counters.get(EngineCounter.BYTES_OUT)),
        new LaneCrypto(null, true), rtt, counters);
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[16 * 1024]);
    private final ReliableFrameFlyweight envelope = new ReliableFrameFlyweight();
    private long nowNs = TimeUnit.SECONDS.toNanos(100);

    ReliableOutboxTest()
    {
        outbox.sessionId(SESSION_ID);
    }

    private long send(final int payloadLength)
    {
        final MessageFlyweight message = new MessageFlyweight();
        message.wrapForEncode(frame, 0, FrameType.MESSAGE, SESSION_ID);
        message.seq(outbox.nextSeq()).typeId(1);
        return outbox.send(frame, 0, MessageFlyweight.PAYLOAD_OFFSET + payloadLength, outlet, nowNs);
    }

    /**
     * @return the seq of each RELIABLE frame offered, chunk by chunk.
     */
    private List<Long> sentSeqs()
    {
        final List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < outlet.frameCount(); i++)
        {
            final UnsafeBuffer sent = outlet.frame(i);
            envelope.wrap(sent, 0, sent.capacity());
            assertEquals(FrameType.RELIABLE, envelope.type());
            assertEquals(SESSION_ID, envelope.sessionId());
            seqs.add(envelope.seq());
        }
        return seqs;
    }

    @Test
    void shouldNumberFramesSendThemAtOnceAndKeepThemUntilAcknowledged()
    {
        assertEquals(1, send(10));
        assertEquals(2, send(10));
        assertEquals(3, send(10));
        assertEquals(List.of(1L, 2L, 3L), sentSeqs());
        assertEquals(3, outbox.pending());

        outbox.onAck(2, 2, 0, nowNs);
        assertEquals(1, outbox.pending());
        assertEquals(0, outbox.poll(outlet, nowNs + MS), "nothing due yet");
    }

    @Test
    void shouldSendAgainOnlyWhatTheServerLacksOncePerRoundTrip()
    {
        for (int i = 0; i < 5; i++)
        {
            send(10);
        }
        outlet.clear();

        // the server handled 1, holds 3 and 5 (bits 0 and 2 after ackedSeq + 1 = 2)
        outbox.onAck(1, 5, 0b101, nowNs);
        assertEquals(2, outbox.poll(outlet, nowNs));
        assertEquals(List.of(2L, 4L), sentSeqs());
        assertEquals(2, counters.get(EngineCounter.RELIABLE_FRAMES_RESENT).get());

        outlet.clear();
        outbox.onAck(1, 5, 0b101, nowNs + MS);
        assertEquals(0, outbox.poll(outlet, nowNs + MS), "asked again within a round trip: already on its way");
    }

    @Test
    void shouldSendEverythingUnacknowledgedAgainAfterTheTimeoutAndBackOff()
    {
        send(10);
        send(10);
        outlet.clear();
        assertEquals(0, outbox.poll(outlet, nowNs + 99 * MS));
        assertEquals(2, outbox.poll(outlet, nowNs + 100 * MS));
        assertEquals(List.of(1L, 2L), sentSeqs());
        outlet.clear();
        assertEquals(0, outbox.poll(outlet, nowNs + 299 * MS), "the timeout doubled");
        assertEquals(2, outbox.poll(outlet, nowNs + 300 * MS));
    }

    @Test
    void shouldKeepAtMostAWindowInFlightAndSendTheRestAsAcknowledgementsCome()
    {
        for (int i = 0; i < 100; i++)
        {
            send(4);
        }
        assertEquals(ReliableOutbox.IN_FLIGHT, outlet.frameCount());
        outlet.clear();

        outbox.onAck(10, 10, 0, nowNs);
        assertEquals(10, outbox.poll(outlet, nowNs));
        assertEquals(List.of(64L, 65L, 66L, 67L, 68L, 69L, 70L, 71L, 72L, 73L), sentSeqs());
    }

    @Test
    void shouldSendAFrameTooLongForADatagramAsChunksOfOneSeq()
    {
        send(5000);
        final List<Long> seqs = sentSeqs();
        assertTrue(seqs.size() > 3, "chunks: " + seqs.size());
        for (int i = 0; i < seqs.size(); i++)
        {
            assertEquals(1L, seqs.get(i));
            envelope.wrap(outlet.frame(i), 0, outlet.frame(i).capacity());
            assertEquals(i, envelope.chunkIndex());
            assertEquals(seqs.size(), envelope.chunkCount());
            assertEquals(MessageFlyweight.PAYLOAD_OFFSET + 5000, envelope.enclosedLength());
        }
        assertEquals(1, counters.get(EngineCounter.CHUNKED_FRAMES_SENT).get());
    }

    @Test
    void shouldRefuseASendThatDoesNotFitRatherThanDropAnything()
    {
        int sent = 0;
        while (send(8000) > 0)
        {
            sent++;
        }
        assertEquals(SendResult.QUEUE_FULL, send(8000));
        assertEquals(sent, outbox.pending());
        outbox.onAck(1, 1, 0, nowNs);
        assertTrue(send(8000) > 0, "room again once the first is acknowledged");
    }

    @Test
    void shouldSendFromWhereTheServerGotOnANewConnectionAndNumberOnInANewProcess()
    {
        send(10);
        send(10);
        send(10);
        outlet.clear();

        outbox.onNewConnection(2);
        assertEquals(1, outbox.pending());
        assertEquals(1, outbox.poll(outlet, nowNs));
        assertEquals(List.of(3L), sentSeqs());

        final ReliableOutbox successor = new ReliableOutbox(64 * 1024,
            new FrameOffer(counters.get(EngineCounter.FRAMES_OUT), counters.get(EngineCounter.BYTES_OUT)),
            new LaneCrypto(null, true), rtt, counters);
        successor.onNewConnection(57);
        assertEquals(58, successor.nextSeq(), "a new process resuming the session numbers on");
    }
}
