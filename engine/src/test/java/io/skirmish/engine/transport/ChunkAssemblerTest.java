package io.skirmish.engine.transport;

import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.SendResult;
import io.skirmish.engine.protocol.ChunkFlyweight;
import io.skirmish.engine.protocol.FrameType;
import io.skirmish.engine.protocol.RoomEventFlyweight;
import io.skirmish.engine.status.Counters;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChunkAssemblerTest
{
    private final Counters counters = new Counters(new CountersManager(
        new UnsafeBuffer(new byte[512 * 1024]), new UnsafeBuffer(new byte[128 * 1024])), true);
    private final FrameOffer frameOffer =
        new FrameOffer(counters.get(EngineCounter.FRAMES_OUT), counters.get(EngineCounter.BYTES_OUT));
    private final RecordingOutlet outlet = new RecordingOutlet();
    private final ChunkFlyweight chunk = new ChunkFlyweight();

    private UnsafeBuffer event(final long seq, final int payloadLength)
    {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[RoomEventFlyweight.PAYLOAD_OFFSET + payloadLength + 64]);
        final RoomEventFlyweight event = new RoomEventFlyweight();
        event.wrapForEncode(frame, 0, FrameType.ROOM_EVENT, 7);
        event.roomId(3).typeId(1).seq(seq).senderSessionId(0);
        for (int i = 0; i < payloadLength; i++)
        {
            frame.putByte(RoomEventFlyweight.PAYLOAD_OFFSET + i, (byte)(i * 31 + seq));
        }
        return frame;
    }

    private int feed(final ChunkAssembler assembler, final UnsafeBuffer chunkFrame)
    {
        chunk.wrap(chunkFrame, 0, chunkFrame.capacity());
        return assembler.onChunk(chunk.chunkedType(), chunk.roomId(), chunk.seq(), chunk.chunkedLength(),
            chunk.chunkIndex(), chunk.chunkCount(), chunkFrame, ChunkFlyweight.DATA_OFFSET, chunk.dataLength());
    }

    @Test
    void shouldSplitTooLongAFrameIntoChunksAndPutItBackTogether()
    {
        final int length = RoomEventFlyweight.PAYLOAD_OFFSET + 5000;
        final UnsafeBuffer frame = event(9, 5000);

        assertTrue(frameOffer.offerChunked(outlet, null, 3, frame, 0, length) > 0);

        final int count = outlet.frameCount();
        assertEquals(ChunkAssembler.chunkCount(length, outlet.maxPayloadLength() - ChunkFlyweight.DATA_OFFSET), count);
        final ChunkAssembler assembler = new ChunkAssembler(2, 8192);
        int whole = 0;
        for (int i = count - 1; i >= 0; i--)
        {
            assertTrue(outlet.frame(i).capacity() <= outlet.maxPayloadLength(), "each chunk fits a datagram");
            whole = feed(assembler, outlet.frame(i));
            assertEquals(i == 0 ? length : ChunkAssembler.INCOMPLETE, whole, "chunk " + i);
        }
        assertArrayEquals(bytes(frame, length), bytes(assembler.frameBuffer(), length));
    }

    @Test
    void shouldKeepChunksAcrossResendsSoThatLossyResendsComplete()
    {
        final int length = RoomEventFlyweight.PAYLOAD_OFFSET + 8000;
        final UnsafeBuffer frame = event(11, 8000);
        final ChunkAssembler assembler = new ChunkAssembler(2, 8192);
        final SplittableRandom random = new SplittableRandom(5);
        int resends = 0;
        int whole = 0;
        while (whole == 0)
        {
            resends++;
            outlet.clear();
            assertTrue(frameOffer.offerChunked(outlet, null, 3, frame, 0, length) > 0);
            for (int i = 0; i < outlet.frameCount() && whole == 0; i++)
            {
                if (random.nextInt(100) >= 40)
                {
                    whole = feed(assembler, outlet.frame(i));
                }
            }
        }
        assertEquals(length, whole);
        assertTrue(resends > 1, "40% loss lost some chunk of the first send");
        assertArrayEquals(bytes(frame, length), bytes(assembler.frameBuffer(), length));
    }

    @Test
    void shouldNotMixFramesAndRefuseChunksThatContradictTheirFrame()
    {
        final ChunkAssembler assembler = new ChunkAssembler(2, 4096);
        final UnsafeBuffer data = new UnsafeBuffer(new byte[4096]);
        assertEquals(ChunkAssembler.INCOMPLETE, assembler.onChunk(16, 3, 1, 300, 0, 3, data, 0, 100));
        assertEquals(ChunkAssembler.INCOMPLETE, assembler.onChunk(16, 3, 2, 300, 0, 3, data, 0, 100));
        assertEquals(ChunkAssembler.INCOMPLETE, assembler.onChunk(16, 3, 1, 300, 0, 3, data, 0, 100), "again");
        assertEquals(2, assembler.inProgress());
        assertEquals(ChunkAssembler.MALFORMED, assembler.onChunk(16, 3, 1, 300, 1, 3, data, 0, 99), "wrong length");
        assertEquals(ChunkAssembler.MALFORMED, assembler.onChunk(16, 3, 1, 300, 3, 3, data, 0, 100), "past count");
        assertEquals(ChunkAssembler.MALFORMED, assembler.onChunk(16, 3, 1, 5000, 0, 3, data, 0, 100), "too long");
        assertEquals(ChunkAssembler.MALFORMED, assembler.onChunk(16, 3, 1, 2, 0, 3, data, 0, 1), "more chunks than bytes");
        assertEquals(ChunkAssembler.INCOMPLETE, assembler.onChunk(16, 3, 1, 300, 1, 3, data, 0, 100));
        assertEquals(300, assembler.onChunk(16, 3, 1, 300, 2, 3, data, 0, 100));
        assertEquals(ChunkAssembler.INCOMPLETE, assembler.onChunk(16, 3, 3, 300, 0, 3, data, 0, 100),
            "a third frame takes the slot of the oldest");
        assertEquals(2, assembler.inProgress());
    }

    @Test
    void shouldOfferAllChunksOrNoneAndRefuseUnchunkedFramesTooLongForADatagram()
    {
        final int length = RoomEventFlyweight.PAYLOAD_OFFSET + 3000;
        final UnsafeBuffer frame = event(4, 3000);
        outlet.refuse(SendResult.BACK_PRESSURED);
        assertEquals(SendResult.BACK_PRESSURED, frameOffer.offerChunked(outlet, null, 3, frame, 0, length));
        outlet.accept();
        assertEquals(0, outlet.frameCount());
        assertEquals(SendResult.MESSAGE_TOO_LARGE, frameOffer.offer(outlet, null, 3, frame, 0, length));
        assertEquals(0, outlet.frameCount());
    }

    private static byte[] bytes(final DirectBuffer buffer, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(0, bytes);
        return bytes;
    }
}
