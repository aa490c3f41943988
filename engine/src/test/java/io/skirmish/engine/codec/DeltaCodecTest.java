package io.skirmish.engine.codec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The default byte-level delta codec: exact round trips for any baseline and target, compact output for sparse
 * changes, refusal when the delta would not fit, and safe rejection of malformed deltas.
 */
class DeltaCodecTest
{
    private final XorRleDeltaCodec codec = new XorRleDeltaCodec();
    private final UnsafeBuffer encoded = new UnsafeBuffer(new byte[64 * 1024]);
    private final UnsafeBuffer decoded = new UnsafeBuffer(new byte[64 * 1024]);

    private int encode(final byte[] baseline, final byte[] target, final int maxLength)
    {
        return codec.encode(
            new UnsafeBuffer(baseline), 0, baseline.length, new UnsafeBuffer(target), 0, target.length,
            encoded, 0, maxLength);
    }

    private byte[] roundTrip(final byte[] baseline, final byte[] target)
    {
        final int length = encode(baseline, target, encoded.capacity());
        assertTrue(length > 0, "encoded length " + length);
        final int decodedLength = codec.decode(
            new UnsafeBuffer(baseline), 0, baseline.length, encoded, 0, length, decoded, 0, decoded.capacity());
        assertEquals(target.length, decodedLength);
        final byte[] result = new byte[decodedLength];
        decoded.getBytes(0, result);
        assertArrayEquals(target, result);
        return Arrays.copyOf(encoded.byteArray(), length);
    }

    @Test
    void shouldEncodeEqualStatesAsLengthOnly()
    {
        final byte[] state = random(new SplittableRandom(1), 2048);
        final byte[] delta = roundTrip(state, state.clone());
        assertEquals(2, delta.length, "varint(2048) only");
    }

    @Test
    void shouldHandleEmptyStates()
    {
        assertEquals(1, roundTrip(new byte[0], new byte[0]).length);
        roundTrip(new byte[0], random(new SplittableRandom(2), 100));
        assertEquals(1, roundTrip(random(new SplittableRandom(3), 100), new byte[0]).length);
        assertEquals(1, roundTrip(new byte[0], new byte[50]).length, "zeros past an empty baseline are free");
    }

    @Test
    void shouldRoundTripAllDifferentAndRefuseWhenNotSmaller()
    {
        final byte[] baseline = new byte[1000];
        final byte[] target = new byte[1000];
        Arrays.fill(target, (byte)0x5A);
        final byte[] delta = roundTrip(baseline, target);
        assertTrue(delta.length > target.length, "all-different costs more than the state: " + delta.length);
        assertEquals(DeltaCodec.TOO_LONG, encode(baseline, target, target.length - 1));
        assertEquals(DeltaCodec.TOO_LONG, encode(baseline, target, 0));
    }

    @Test
    void shouldRoundTripDifferentLengths()
    {
        final SplittableRandom random = new SplittableRandom(4);
        final byte[] base = random(random, 500);
        final byte[] longer = Arrays.copyOf(base, 900);
        for (int i = 500; i < 900; i += 7)
        {
            longer[i] = (byte)i;
        }
        roundTrip(base, longer);
        roundTrip(longer, base);
        roundTrip(base, Arrays.copyOf(base, 1));
        roundTrip(Arrays.copyOf(base, 3), base);
    }

    @ParameterizedTest
    @ValueSource(ints = { 0, 1, 2, 3, 5, 10, 50, 100 })
    void shouldRoundTripRandomStatesAtEveryChangeDensity(final int changePercent)
    {
        final SplittableRandom random = new SplittableRandom(changePercent);
        for (int i = 0; i < 300; i++)
        {
            final byte[] baseline = random(random, random.nextInt(0, 3000));
            final int targetLength = random.nextBoolean() ? baseline.length : random.nextInt(0, 3000);
            final byte[] target = Arrays.copyOf(baseline, targetLength);
            for (int j = 0; j < targetLength; j++)
            {
                if (random.nextInt(100) < changePercent)
                {
                    target[j] = (byte)random.nextInt(256);
                }
            }
            roundTrip(baseline, target);
        }
    }

    @Test
    void shouldRoundTripAtOffsets()
    {
        final SplittableRandom random = new SplittableRandom(5);
        final byte[] baseline = random(random, 333);
        final byte[] target = baseline.clone();
        target[10] ^= 1;
        target[200] ^= 2;
        final UnsafeBuffer baselineBuffer = new UnsafeBuffer(new byte[400]);
        final UnsafeBuffer targetBuffer = new UnsafeBuffer(new byte[400]);
        baselineBuffer.putBytes(17, baseline);
        targetBuffer.putBytes(41, target);
        final int length = codec.encode(baselineBuffer, 17, 333, targetBuffer, 41, 333, encoded, 9, 1000);
        assertTrue(length > 0 && length < 20, "two changed bytes: " + length);
        assertEquals(333, codec.decode(baselineBuffer, 17, 333, encoded, 9, length, decoded, 5, 1000));
        final byte[] result = new byte[333];
        decoded.getBytes(5, result);
        assertArrayEquals(target, result);
    }

    @Test
    void shouldEncodeSparseEntityChangesCompactly()
    {
        final SplittableRandom random = new SplittableRandom(6);
        final byte[] baseline = random(random, 64 * 32);
        final byte[] target = baseline.clone();
        for (int e = 0; e < 64; e += 10)
        {
            for (int b = 4; b < 16; b++)
            {
                target[e * 32 + b] = (byte)random.nextInt(256);
            }
        }
        final byte[] delta = roundTrip(baseline, target);
        assertTrue(delta.length < 7 * 16, "7 entities x 12 changed bytes: " + delta.length);
    }

    @Test
    void shouldRejectMalformedDeltasWithoutThrowing()
    {
        final SplittableRandom random = new SplittableRandom(7);
        final byte[] baseline = random(random, 256);
        final byte[] target = baseline.clone();
        target[3] ^= 1;
        target[100] ^= 1;
        final int length = encode(baseline, target, 1000);
        final UnsafeBuffer baselineBuffer = new UnsafeBuffer(baseline);

        assertEquals(DeltaCodec.MALFORMED, codec.decode(baselineBuffer, 0, 256, encoded, 0, 0, decoded, 0, 1000));
        for (int cut = 1; cut < length; cut++)
        {
            final int result = codec.decode(baselineBuffer, 0, 256, encoded, 0, cut, decoded, 0, 1000);
            assertTrue(result == DeltaCodec.MALFORMED || result == 256, "cut " + cut + " -> " + result);
        }
        assertEquals(DeltaCodec.MALFORMED, codec.decode(baselineBuffer, 0, 256, encoded, 0, length, decoded, 0, 255),
            "decodes to more than maxLength");

        final UnsafeBuffer garbage = new UnsafeBuffer(new byte[64]);
        for (int i = 0; i < 20_000; i++)
        {
            final int garbageLength = random.nextInt(1, 64);
            for (int j = 0; j < garbageLength; j++)
            {
                garbage.putByte(j, (byte)random.nextInt(256));
            }
            final int result = codec.decode(baselineBuffer, 0, 256, garbage, 0, garbageLength, decoded, 0, 4096);
            assertTrue(result == DeltaCodec.MALFORMED || (result >= 0 && result <= 4096), "result " + result);
        }
    }

    @Test
    void shouldNotAllocate()
    {
        final SplittableRandom random = new SplittableRandom(8);
        final UnsafeBuffer baseline = new UnsafeBuffer(random(random, 2048));
        final UnsafeBuffer target = new UnsafeBuffer(new byte[2048]);
        target.putBytes(0, baseline, 0, 2048);
        for (int i = 0; i < 2048; i += 97)
        {
            target.putByte(i, (byte)i);
        }
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 20_000; i++)
        {
            cycle(baseline, target);
        }
        final long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 20_000; i++)
        {
            cycle(baseline, target);
        }
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 1024, "allocated " + allocated + " bytes");
    }

    private void cycle(final UnsafeBuffer baseline, final UnsafeBuffer target)
    {
        final int length = codec.encode(baseline, 0, 2048, target, 0, 2048, encoded, 0, 2047);
        if (codec.decode(baseline, 0, 2048, encoded, 0, length, decoded, 0, 4096) != 2048)
        {
            throw new AssertionError();
        }
    }

    private static byte[] random(final SplittableRandom random, final int length)
    {
        final byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)random.nextInt(256);
        }
        return bytes;
    }
}
