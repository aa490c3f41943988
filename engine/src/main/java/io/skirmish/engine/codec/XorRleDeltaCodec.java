package io.skirmish.engine.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The engine's default {@link DeltaCodec}: a general byte-level delta that needs no knowledge of the game's state
 * layout. The target is XORed against the baseline (a baseline shorter than the target reads as zeros past its
 * end), so unchanged bytes become zero; the zero runs are then skipped and the changed bytes written as literals.
 * <pre>
 *   delta   = varint(targetLength) token*
 *   token   = varint(zeroRun) varint(literalLength &gt;= 1) literalLength * byte(target[i] ^ baseline[i])
 * </pre>
 * Varints are unsigned LEB128 (7 bits a byte, low bits first). Bytes after the last literal are unchanged. A zero
 * run shorter than {@value #MIN_ZERO_RUN} bytes inside changed data is kept in the literal, since a new token would
 * cost as much. Unchanged data is skipped eight bytes at a time.
 * <p>
 * Cost: a state whose entities are laid out at fixed offsets and change ~10% per tick encodes to a little more than
 * the changed bytes (see {@code SnapshotBandwidthSystemTest} for measured figures). Stateless: one instance may be
 * shared by any number of servers and clients. Allocation-free.
 * <p>
 * Threading: stateless and allocation free; safe to share between threads. Errors are results, never exceptions:
 * {@link DeltaCodec#TOO_LONG} when the output does not fit, {@link DeltaCodec#MALFORMED} for a delta that does not
 * decode.
 */
public final class XorRleDeltaCodec implements DeltaCodec
{
    /** Shortest run of unchanged bytes that ends a literal. */
    public static final int MIN_ZERO_RUN = 3;

    /** A shared instance (the codec is stateless). */
    public static final XorRleDeltaCodec INSTANCE = new XorRleDeltaCodec();

    private static final int MAX_VARINT_LENGTH = 5;

    /**
     * {@inheritDoc}
     */
    public int encode(
        final DirectBuffer baseline,
        final int baselineOffset,
        final int baselineLength,
        final DirectBuffer target,
        final int targetOffset,
        final int targetLength,
        final MutableDirectBuffer out,
        final int outOffset,
        final int maxLength)
    {
        if (maxLength < 0 || targetLength < 0 || baselineLength < 0)
        {
            return TOO_LONG;
        }
        final int end = outOffset + maxLength;
        int position = putVarint(out, outOffset, end, targetLength);
        if (position < 0)
        {
            return TOO_LONG;
        }

        final int common = Math.min(baselineLength, targetLength);
        int runStart = 0;
        int i = 0;
        while (true)
        {
            i = nextDifference(baseline, baselineOffset, target, targetOffset, targetLength, common, i);
            if (i >= targetLength)
            {
                break;
            }

            int literalEnd = i + 1;
            int j = i + 1;
            while (j < targetLength)
            {
                if (xorAt(baseline, baselineOffset, baselineLength, target, targetOffset, j) != 0)
                {
                    literalEnd = ++j;
                }
                else if (++j - literalEnd >= MIN_ZERO_RUN)
                {
                    break;
                }
            }

            final int literalLength = literalEnd - i;
            position = putVarint(out, position, end, i - runStart);
            if (position < 0)
            {
                return TOO_LONG;
            }
            position = putVarint(out, position, end, literalLength);
            if (position < 0 || end - position < literalLength)
            {
                return TOO_LONG;
            }
            writeXor(baseline, baselineOffset, baselineLength, target, targetOffset, i, literalLength, out, position);
            position += literalLength;
            runStart = literalEnd;
            i = literalEnd;
        }
        return position - outOffset;
    }

    /**
     * {@inheritDoc}
     */
    public int decode(
        final DirectBuffer baseline,
        final int baselineOffset,
        final int baselineLength,
        final DirectBuffer delta,
        final int deltaOffset,
        final int deltaLength,
        final MutableDirectBuffer out,
        final int outOffset,
        final int maxLength)
    {
        if (deltaLength < 1 || baselineLength < 0)
        {
            return MALFORMED;
        }
        final int end = deltaOffset + deltaLength;
        long packed = getVarint(delta, deltaOffset, end);
        if (packed < 0)
        {
            return MALFORMED;
        }
        final int targetLength = (int)(packed >>> 32);
        int position = (int)packed;
        if (targetLength > maxLength)
        {
            return MALFORMED;
        }

        final int copied = Math.min(baselineLength, targetLength);
        if (copied > 0)
        {
            out.putBytes(outOffset, baseline, baselineOffset, copied);
        }
        if (targetLength > copied)
        {
            out.setMemory(outOffset + copied, targetLength - copied, (byte)0);
        }

        int i = 0;
        while (position < end)
        {
            packed = getVarint(delta, position, end);
            if (packed < 0)
            {
                return MALFORMED;
            }
            final int skip = (int)(packed >>> 32);
            position = (int)packed;
            packed = getVarint(delta, position, end);
            if (packed < 0)
            {
                return MALFORMED;
            }
            final int literalLength = (int)(packed >>> 32);
            position = (int)packed;
            if (literalLength < 1 || skip > targetLength - i)
            {
                return MALFORMED;
            }
            i += skip;
            if (literalLength > targetLength - i || literalLength > end - position)
            {
                return MALFORMED;
            }
            applyXor(delta, position, literalLength, out, outOffset + i);
            i += literalLength;
            position += literalLength;
        }
        return targetLength;
    }

    private static int nextDifference(
        final DirectBuffer baseline,
        final int baselineOffset,
        final DirectBuffer target,
        final int targetOffset,
        final int targetLength,
        final int common,
        final int from)
    {
        int i = from;
        while (i + 8 <= common &&
            baseline.getLong(baselineOffset + i) == target.getLong(targetOffset + i))
        {
            i += 8;
        }
        while (i < common && baseline.getByte(baselineOffset + i) == target.getByte(targetOffset + i))
        {
            i++;
        }
        if (i < common)
        {
            return i;
        }

        while (i + 8 <= targetLength && 0 == target.getLong(targetOffset + i))
        {
            i += 8;
        }
        while (i < targetLength && 0 == target.getByte(targetOffset + i))
        {
            i++;
        }
        return i;
    }

    private static int xorAt(
        final DirectBuffer baseline,
        final int baselineOffset,
        final int baselineLength,
        final DirectBuffer target,
        final int targetOffset,
        final int index)
    {
        final int t = target.getByte(targetOffset + index);
        return index < baselineLength ? (t ^ baseline.getByte(baselineOffset + index)) & 0xFF : t & 0xFF;
    }

    private static void writeXor(
        final DirectBuffer baseline,
        final int baselineOffset,
        final int baselineLength,
        final DirectBuffer target,
        final int targetOffset,
        final int from,
        final int length,
        final MutableDirectBuffer out,
        final int outPosition)
    {
        int k = 0;
        final int inBaseline = Math.max(0, Math.min(length, baselineLength - from));
        while (k + 8 <= inBaseline)
        {
            out.putLong(outPosition + k,
                target.getLong(targetOffset + from + k) ^ baseline.getLong(baselineOffset + from + k));
            k += 8;
        }
        while (k < inBaseline)
        {
            out.putByte(outPosition + k,
                (byte)(target.getByte(targetOffset + from + k) ^ baseline.getByte(baselineOffset + from + k)));
            k++;
        }
        if (k < length)
        {
            out.putBytes(outPosition + k, target, targetOffset + from + k, length - k);
        }
    }

    private static void applyXor(
        final DirectBuffer delta, final int deltaPosition, final int length, final MutableDirectBuffer out, final int at)
    {
        int k = 0;
        while (k + 8 <= length)
        {
            out.putLong(at + k, out.getLong(at + k) ^ delta.getLong(deltaPosition + k));
            k += 8;
        }
        while (k < length)
        {
            out.putByte(at + k, (byte)(out.getByte(at + k) ^ delta.getByte(deltaPosition + k)));
            k++;
        }
    }

    private static int putVarint(final MutableDirectBuffer out, final int from, final int end, final int value)
    {
        int position = from;
        int remaining = value;
        while ((remaining & ~0x7F) != 0)
        {
            if (position >= end)
            {
                return -1;
            }
            out.putByte(position++, (byte)((remaining & 0x7F) | 0x80));
            remaining >>>= 7;
        }
        if (position >= end)
        {
            return -1;
        }
        out.putByte(position++, (byte)remaining);
        return position;
    }

    /**
     * @return (value &lt;&lt; 32) | next position, or -1 when truncated, too long or larger than an int.
     */
    private static long getVarint(final DirectBuffer buffer, final int from, final int end)
    {
        long value = 0;
        int shift = 0;
        int position = from;
        for (int n = 0; n < MAX_VARINT_LENGTH; n++)
        {
            if (position >= end)
            {
                return -1;
            }
            final int b = buffer.getByte(position++);
            value |= (long)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value > Integer.MAX_VALUE ? -1 : (value << 32) | position;
            }
            shift += 7;
        }
        return -1;
    }
}
