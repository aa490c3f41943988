package io.skirmish.engine.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.serializers.CollectionSerializer;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers;
import com.esotericsoftware.kryo.serializers.MapSerializer;

import java.util.Collection;
import java.util.Map;

/**
 * Kryo 5.6.2 allocates arrays, strings and collections from the length a message declares before reading their
 * elements, so a four-byte payload can ask for gigabytes. These classes check every declared length against the
 * bytes actually left in the message (every element takes at least one byte) before anything is allocated.
 */
final class BoundedKryo
{
    private BoundedKryo()
    {
    }

    static void install(final Kryo kryo)
    {
        kryo.addDefaultSerializer(Collection.class, BoundedCollectionSerializer.class);
        kryo.addDefaultSerializer(Map.class, BoundedMapSerializer.class);
        kryo.addDefaultSerializer(Object[].class, BoundedObjectArraySerializer.class);
    }

    static void check(final Input input, final long elements, final int bytesPerElement)
    {
        final long remaining = input.limit() - input.position();
        if (elements < 0 || elements * bytesPerElement > remaining)
        {
            throw new KryoException("declared length " + elements + " exceeds the " + remaining + " bytes left");
        }
    }

    /** An {@link Input} whose bulk reads refuse lengths longer than the message. */
    static final class BoundedInput extends Input
    {
        public byte[] readBytes(final int length)
        {
            check(this, length, 1);
            return super.readBytes(length);
        }

        public int[] readInts(final int length)
        {
            check(this, length, 4);
            return super.readInts(length);
        }

        public int[] readInts(final int length, final boolean optimizePositive)
        {
            check(this, length, 1);
            return super.readInts(length, optimizePositive);
        }

        public long[] readLongs(final int length)
        {
            check(this, length, 8);
            return super.readLongs(length);
        }

        public long[] readLongs(final int length, final boolean optimizePositive)
        {
            check(this, length, 1);
            return super.readLongs(length, optimizePositive);
        }

        public float[] readFloats(final int length)
        {
            check(this, length, 4);
            return super.readFloats(length);
        }

        public double[] readDoubles(final int length)
        {
            check(this, length, 8);
            return super.readDoubles(length);
        }

        public short[] readShorts(final int length)
        {
            check(this, length, 2);
            return super.readShorts(length);
        }

        public char[] readChars(final int length)
        {
            check(this, length, 2);
            return super.readChars(length);
        }

        public boolean[] readBooleans(final int length)
        {
            check(this, length, 1);
            return super.readBooleans(length);
        }

        public String readString()
        {
            checkUtf8Length();
            return super.readString();
        }

        public StringBuilder readStringBuilder()
        {
            checkUtf8Length();
            return super.readStringBuilder();
        }

        private void checkUtf8Length()
        {
            final int start = position();
            if (start >= limit())
            {
                return;
            }
            int b = buffer[start];
            if ((b & 0x80) == 0)
            {
                return;
            }
            int p = start + 1;
            long charCount = b & 0x3F;
            if ((b & 0x40) != 0)
            {
                int shift = 6;
                do
                {
                    if (p >= limit())
                    {
                        throw new KryoException("truncated string length");
                    }
                    b = buffer[p++];
                    charCount |= (long)(b & 0x7F) << shift;
                    shift += 7;
                }
                while ((b & 0x80) != 0 && shift <= 27);
            }
            final long remaining = limit() - p;
            if (charCount - 1 > remaining)
            {
                throw new KryoException("declared string length " + (charCount - 1) + " exceeds the message");
            }
        }
    }

    /** Refuses collection sizes longer than the message. */
    public static final class BoundedCollectionSerializer extends CollectionSerializer<Collection<Object>>
    {
        protected Collection<Object> create(
            final Kryo kryo, final Input input, final Class<? extends Collection<Object>> type, final int size)
        {
            check(input, size, 1);
            return super.create(kryo, input, type, size);
        }
    }

    /** Refuses map sizes longer than the message. */
    public static final class BoundedMapSerializer extends MapSerializer<Map<Object, Object>>
    {
        protected Map<Object, Object> create(
            final Kryo kryo, final Input input, final Class<? extends Map<Object, Object>> type, final int size)
        {
            check(input, size, 2);
            return super.create(kryo, input, type, size);
        }
    }

    /** Refuses object array lengths longer than the message. */
    public static final class BoundedObjectArraySerializer extends DefaultArraySerializers.ObjectArraySerializer
    {
        /**
         * @param kryo the Kryo.
         * @param type the array type.
         */
        public BoundedObjectArraySerializer(final Kryo kryo, final Class<?> type)
        {
            super(kryo, type);
        }

        public Object[] read(final Kryo kryo, final Input input, final Class type)
        {
            final int start = input.position();
            final int length = input.readVarInt(true);
            input.setPosition(start);
            check(input, length - 1L, 1);
            return super.read(kryo, input, type);
        }
    }
}
