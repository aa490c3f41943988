package io.skirmish.engine.protocol;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FrameHeaderFlyweightTest
{
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[128]);

    @Test
    void shouldRoundTripEventFrame()
    {
        final RoomEventFlyweight out = new RoomEventFlyweight();
        out.wrapForEncode(buffer, 8, FrameType.ROOM_EVENT, 42);
        out.flags(FrameHeaderFlyweight.FLAG_KRYO);
        out.roomId(7).typeId(3).seq(Long.MAX_VALUE - 1).senderSessionId(9);
        final RoomEventFlyweight in = new RoomEventFlyweight();
        in.wrap(buffer, 8, RoomEventFlyweight.PAYLOAD_OFFSET + 5);
        assertEquals(FrameHeaderFlyweight.CURRENT_VERSION, in.version());
        assertEquals(FrameType.ROOM_EVENT, in.type());
        assertEquals(FrameHeaderFlyweight.FLAG_KRYO, in.flags());
        assertEquals(42, in.sessionId());
        assertEquals(7, in.roomId());
        assertEquals(3, in.typeId());
        assertEquals(Long.MAX_VALUE - 1, in.seq());
        assertEquals(9, in.senderSessionId());
        assertEquals(5, in.payloadLength());
        assertEquals(FrameHeaderFlyweight.VALID, FrameHeaderFlyweight.validate(buffer, 8, 37));
    }

    @Test
    void shouldRejectShortUnknownAndWrongVersionFrames()
    {
        new PingFlyweight().wrapForEncode(buffer, 0, FrameType.PING, 1);
        assertEquals(FrameHeaderFlyweight.VALID, FrameHeaderFlyweight.validate(buffer, 0, PingFlyweight.LENGTH));
        assertEquals(FrameHeaderFlyweight.TOO_SHORT, FrameHeaderFlyweight.validate(buffer, 0, PingFlyweight.LENGTH - 1));
        assertEquals(FrameHeaderFlyweight.TOO_SHORT, FrameHeaderFlyweight.validate(buffer, 0, 3));
        buffer.putByte(FrameHeaderFlyweight.TYPE_OFFSET, (byte)0);
        assertEquals(FrameHeaderFlyweight.UNKNOWN_TYPE, FrameHeaderFlyweight.validate(buffer, 0, 16));
        buffer.putByte(FrameHeaderFlyweight.TYPE_OFFSET, (byte)(FrameType.MAX_TYPE + 1));
        assertEquals(FrameHeaderFlyweight.UNKNOWN_TYPE, FrameHeaderFlyweight.validate(buffer, 0, 16));
        buffer.putByte(FrameHeaderFlyweight.TYPE_OFFSET, (byte)FrameType.PING);
        buffer.putByte(FrameHeaderFlyweight.VERSION_OFFSET, (byte)(FrameHeaderFlyweight.CURRENT_VERSION + 1));
        assertEquals(FrameHeaderFlyweight.BAD_VERSION, FrameHeaderFlyweight.validate(buffer, 0, 16));
    }

    @Test
    void shouldBoundDeclaredCredentialsLength()
    {
        final ConnectRequestFlyweight request = new ConnectRequestFlyweight();
        request.wrapForEncode(buffer, 0, FrameType.CONNECT_REQUEST, 0);
        request.credentials(new UnsafeBuffer(new byte[10]), 0, 10);
        request.wrap(buffer, 0, ConnectRequestFlyweight.CREDENTIALS_OFFSET + 10);
        assertEquals(true, request.isCredentialsLengthValid());
        request.wrap(buffer, 0, ConnectRequestFlyweight.CREDENTIALS_OFFSET + 9);
        assertEquals(false, request.isCredentialsLengthValid());
        buffer.putInt(ConnectRequestFlyweight.CREDENTIALS_LENGTH_OFFSET, -1, java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(false, request.isCredentialsLengthValid());
    }
}
