package io.skirmish.engine.security;

import io.skirmish.engine.protocol.FrameHeaderFlyweight;
import io.skirmish.engine.protocol.FrameType;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;
import javax.crypto.spec.SecretKeySpec;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class FrameCipherTest
{
    private final byte[] sessionKey = new byte[16];
    private final FrameCipher sender = new FrameCipher(64);
    private final FrameCipher receiver = new FrameCipher(64);

    private static UnsafeBuffer frame(final int length, final long seed)
    {
        final byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        buffer.putByte(FrameHeaderFlyweight.VERSION_OFFSET, (byte)FrameHeaderFlyweight.CURRENT_VERSION);
        buffer.putByte(FrameHeaderFlyweight.TYPE_OFFSET, (byte)FrameType.MESSAGE);
        buffer.putShort(FrameHeaderFlyweight.FLAGS_OFFSET, (short)FrameHeaderFlyweight.FLAG_KRYO, LITTLE_ENDIAN);
        return buffer;
    }

    private static byte[] copy(final UnsafeBuffer buffer, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(0, bytes);
        return bytes;
    }

    @Test
    void shouldRoundTripFramesOfEveryLengthWithoutChangingTheSource()
    {
        final SecretKeySpec key = FrameCipher.deriveKey(sessionKey, 1, 2);
        long counter = 0;
        for (int length = FrameHeaderFlyweight.HEADER_LENGTH; length < 3000; length += 37)
        {
            final UnsafeBuffer plain = frame(length, length);
            final byte[] original = copy(plain, length);
            final int sealedLength = sender.seal(key, FrameCipher.UPSTREAM_LANE, ++counter, plain, 0, length);
            assertEquals(length + FrameCipher.TRAILER_LENGTH, sealedLength);
            assertArrayEquals(original, copy(plain, length), "source unchanged");
            final byte[] sealed = copy(sender.sealed(), sealedLength);
            if (length > FrameHeaderFlyweight.HEADER_LENGTH + 8)
            {
                assertFalse(Arrays.equals(Arrays.copyOfRange(original, 8, length), Arrays.copyOfRange(sealed, 8, length)),
                    "body encrypted");
            }

            final int opened = receiver.open(
                key, FrameCipher.UPSTREAM_LANE, counter - 1, new UnsafeBuffer(sealed), 0, sealedLength);
            assertEquals(length, opened);
            assertArrayEquals(original, copy(receiver.opened(), length));
            assertEquals(counter, receiver.openedCounter());
        }
    }

    @Test
    void shouldRejectReplayWrongLaneWrongKeyTamperingAndMissingFlag()
    {
        final SecretKeySpec key = FrameCipher.deriveKey(sessionKey, 1, 2);
        final UnsafeBuffer plain = frame(100, 9);
        final int sealedLength = sender.seal(key, FrameCipher.UPSTREAM_LANE, 5, plain, 0, 100);
        final byte[] sealed = copy(sender.sealed(), sealedLength);

        assertEquals(100, receiver.open(key, FrameCipher.UPSTREAM_LANE, 4, new UnsafeBuffer(sealed), 0, sealedLength));
        assertEquals(FrameCipher.REJECTED,
            receiver.open(key, FrameCipher.UPSTREAM_LANE, 5, new UnsafeBuffer(sealed), 0, sealedLength), "replay");
        assertEquals(FrameCipher.REJECTED,
            receiver.open(key, FrameCipher.DOWNSTREAM_LANE, 4, new UnsafeBuffer(sealed), 0, sealedLength), "lane");
        assertEquals(FrameCipher.REJECTED, receiver.open(FrameCipher.deriveKey(sessionKey, 1, 3),
            FrameCipher.UPSTREAM_LANE, 4, new UnsafeBuffer(sealed), 0, sealedLength), "other connection's key");
        for (final int position : new int[]{ 1, 4, 20, 99, 100, 110, sealedLength - 1 })
        {
            final byte[] tampered = sealed.clone();
            tampered[position] ^= 0x40;
            assertEquals(FrameCipher.REJECTED, receiver.open(
                key, FrameCipher.UPSTREAM_LANE, 0, new UnsafeBuffer(tampered), 0, sealedLength), "bit " + position);
        }
        final byte[] unflagged = sealed.clone();
        unflagged[FrameHeaderFlyweight.FLAGS_OFFSET + 1] = 0;
        assertEquals(FrameCipher.REJECTED,
            receiver.open(key, FrameCipher.UPSTREAM_LANE, 0, new UnsafeBuffer(unflagged), 0, sealedLength));
        assertEquals(FrameCipher.REJECTED, receiver.open(key, FrameCipher.UPSTREAM_LANE, 0,
            new UnsafeBuffer(sealed), 0, FrameCipher.TRAILER_LENGTH + 3), "too short");
    }

    @Test
    void shouldDeriveADifferentKeyForEveryConnection()
    {
        final byte[] k1 = FrameCipher.deriveKey(sessionKey, 1, 2).getEncoded();
        assertArrayEquals(k1, FrameCipher.deriveKey(sessionKey, 1, 2).getEncoded());
        assertNotEquals(Arrays.toString(k1), Arrays.toString(FrameCipher.deriveKey(sessionKey, 1, 3).getEncoded()));
        assertNotEquals(Arrays.toString(k1), Arrays.toString(FrameCipher.deriveKey(sessionKey, 2, 2).getEncoded()));
        final byte[] otherSession = sessionKey.clone();
        otherSession[0] = 1;
        assertNotEquals(Arrays.toString(k1), Arrays.toString(FrameCipher.deriveKey(otherSession, 1, 2).getEncoded()));
        assertEquals(16, k1.length);
    }
}
