package io.skirmish.engine.server;

import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.protocol.FrameHeaderFlyweight;
import io.skirmish.engine.protocol.FrameType;
import io.skirmish.engine.protocol.MessageFlyweight;
import io.skirmish.engine.protocol.PingFlyweight;
import io.skirmish.engine.protocol.ReliableAckFlyweight;
import io.skirmish.engine.protocol.ReliableFrameFlyweight;
import io.skirmish.engine.transport.ChunkAssembler;
import io.skirmish.engine.transport.RecordingOutlet;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ReliableReceiverTest
{
    private final ServerFixture fixture = new ServerFixture(ServerFixture.context());
    private final List<String> handled = new ArrayList<>();
    private final FrameGate gate = fixture.newGate((peer) -> { });
    private final ReliableReceiver receiver = new ReliableReceiver(fixture.ctx.maxFrameLength(), fixture.counters,
        gate, fixture.sender, (peer, type, buffer, offset, length) ->
        {
            handled.add(type + ":" + buffer.getStringWithoutLengthAscii(
                offset + MessageFlyweight.PAYLOAD_OFFSET, length - MessageFlyweight.PAYLOAD_OFFSET));
        });
    private final Peer peer = fixture.connectedPeer();
    private final ReliableFrameFlyweight envelope = new ReliableFrameFlyweight();
    private final ReliableAckFlyweight ack = new ReliableAckFlyweight();

    private UnsafeBuffer message(final String text)
    {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[MessageFlyweight.PAYLOAD_OFFSET + text.length()]);
        final MessageFlyweight message = new MessageFlyweight();
        message.wrapForEncode(frame, 0, FrameType.MESSAGE, peer.sessionId);
        message.seq(0).typeId(1);
        frame.putStringWithoutLengthAscii(MessageFlyweight.PAYLOAD_OFFSET, text);
        return frame;
    }

    private void receive(final long seq, final UnsafeBuffer inner, final int index, final int count)
    {
        final int length = inner.capacity();
        final int chunkLength = ChunkAssembler.chunkLength(length, count, index);
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[ReliableFrameFlyweight.DATA_OFFSET + chunkLength]);
        envelope.wrapForEncode(frame, 0, FrameType.RELIABLE, peer.sessionId);
        envelope.seq(seq).enclosedLength(length).chunk(index, count);
        frame.putBytes(ReliableFrameFlyweight.DATA_OFFSET, inner, ChunkAssembler.chunkOffset(length, count, index),
            chunkLength);
        receiver.onFrame(peer, frame, 0, frame.capacity());
    }

    private void receive(final long seq, final String text)
    {
        receive(seq, message(text), 0, 1);
    }

    private String lastAck()
    {
        final RecordingOutlet outlet = ServerFixture.events(peer);
        outlet.clear();
        receiver.sendAcks();
        final UnsafeBuffer frame = outlet.frame(outlet.frameCount() - 1);
        ack.wrap(frame, 0, frame.capacity());
        assertEquals(FrameType.RELIABLE_ACK, ack.type());
        return ack.ackedSeq() + "/" + ack.highestSeenSeq() + "/" + Long.toBinaryString(ack.heldMask());
    }

    @Test
    void shouldHandleEachSeqOnceInOrderAndAcknowledgeIt()
    {
        receive(1, "a");
        receive(2, "b");
        receive(2, "b");
        receive(1, "a");
        assertEquals(List.of(FrameType.MESSAGE + ":a", FrameType.MESSAGE + ":b"), handled);
        assertEquals(2, fixture.counter(EngineCounter.RELIABLE_DUPLICATES_DROPPED));
        assertEquals("2/2/0", lastAck());
    }

    @Test
    void shouldKeepFramesThatCameAfterALostOneAndSayWhichItHolds()
    {
        receive(1, "a");
        receive(3, "c");
        receive(5, "e");
        assertEquals(List.of(FrameType.MESSAGE + ":a"), handled);
        assertEquals("1/5/101", lastAck(), "3 and 5 held, 2 and 4 lacking");

        receive(2, "b");
        assertEquals(List.of(FrameType.MESSAGE + ":a", FrameType.MESSAGE + ":b", FrameType.MESSAGE + ":c"), handled);
        receive(4, "d");
        assertEquals(5, handled.size());
        assertEquals(FrameType.MESSAGE + ":e", handled.get(4));
        assertEquals("5/5/0", lastAck());
    }

    @Test
    void shouldPutAChunkedFrameTogetherAcrossResends()
    {
        final UnsafeBuffer big = message("x".repeat(3000));
        receive(1, big, 0, 3);
        receive(1, big, 2, 3);
        receive(1, big, 0, 3);
        assertEquals(0, handled.size());
        receive(1, big, 1, 3);
        assertEquals(List.of(FrameType.MESSAGE + ":" + "x".repeat(3000)), handled);
        assertEquals(1, fixture.counter(EngineCounter.CHUNKED_FRAMES_COMPLETED));
    }

    @Test
    void shouldSpendTheSeqOfAFrameItRefuses()
    {
        final UnsafeBuffer ping = new UnsafeBuffer(new byte[PingFlyweight.LENGTH]);
        new PingFlyweight().wrapForEncode(ping, 0, FrameType.PING, peer.sessionId);
        receive(1, ping, 0, 1);
        final UnsafeBuffer other = message("not mine");
        other.putInt(FrameHeaderFlyweight.SESSION_ID_OFFSET, peer.sessionId + 1, LITTLE_ENDIAN);
        receive(2, other, 0, 1);
        receive(3, "c");
        assertEquals(List.of(FrameType.MESSAGE + ":c"), handled);
        assertEquals(1, fixture.counter(EngineCounter.DROPPED_UNKNOWN_TYPE), "a ping is not a reliable frame");
        assertEquals(1, fixture.counter(EngineCounter.DROPPED_MALFORMED), "another session's frame");
        assertEquals("3/3/0", lastAck());
    }
}
