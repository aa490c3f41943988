package io.skirmish.engine.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.skirmish.engine.SendResult;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * One Kryo, Input and Output for one thread (Kryo is not thread safe). Encodes straight into a caller's buffer
 * region through a reused byte array, and decodes from a bounded copy of the received bytes so that a declared
 * length can never read past the frame.
 */
public final class KryoCodec
{
    private static final int NOT_REGISTERED = -1;
    private static final int TOO_LARGE = -2;

    private final MessageRegistry registry;
    private final Kryo kryo;
    private final Output output;
    private final Input input = new BoundedKryo.BoundedInput();
    private final byte[] inputBytes;

    /**
     * @param registry         the frozen registry of both sides.
     * @param maxMessageLength longest encoding accepted either way.
     */
    public KryoCodec(final MessageRegistry registry, final int maxMessageLength)
    {
        this.registry = registry;
        this.kryo = registry.newKryo();
        this.output = new Output(Math.min(256, maxMessageLength), maxMessageLength);
        this.inputBytes = new byte[maxMessageLength];
    }

    /**
     * @return the registry.
     */
    public MessageRegistry registry()
    {
        return registry;
    }

    private int encode(final Object message)
    {
        if (registry.typeId(message.getClass()) < 0)
        {
            return NOT_REGISTERED;
        }
        output.reset();
        try
        {
            kryo.writeObject(output, message);
        }
        catch (final KryoException ex)
        {
            if (output.position() >= output.getMaxCapacity() || ex.getMessage().startsWith("Buffer overflow"))
            {
                return TOO_LARGE;
            }
            throw ex;
        }
        return output.position();
    }

    /**
     * Encode a registered message into a buffer.
     *
     * @param message to encode.
     * @param dst     destination, from offset 0.
     * @return the encoded length, or {@link SendResult#NOT_REGISTERED} or {@link SendResult#MESSAGE_TOO_LARGE}.
     */
    public long encodeTo(final Object message, final MutableDirectBuffer dst)
    {
        final int length = encode(message);
        if (length < 0)
        {
            return length == NOT_REGISTERED ? SendResult.NOT_REGISTERED : SendResult.MESSAGE_TOO_LARGE;
        }
        if (length > dst.capacity())
        {
            return SendResult.MESSAGE_TOO_LARGE;
        }
        dst.putBytes(0, output.getBuffer(), 0, length);
        return length;
    }

    /**
     * Decode a registered message type from a buffer region. Any Kryo failure, trailing garbage or length beyond
     * the limit is reported as null, never thrown.
     *
     * @param typeId registered type id.
     * @param buffer source.
     * @param offset of the encoded bytes.
     * @param length of the encoded bytes.
     * @return the message, or null when the type is unknown or the bytes do not decode.
     */
    public Object decode(final int typeId, final DirectBuffer buffer, final int offset, final int length)
    {
        final Class<?> type = registry.type(typeId);
        if (null == type || length > inputBytes.length || length < 0)
        {
            return null;
        }
        buffer.getBytes(offset, inputBytes, 0, length);
        input.setBuffer(inputBytes, 0, length);
        try
        {
            final Object message = kryo.readObject(input, type);
            return input.position() == length ? message : null;
        }
        catch (final RuntimeException | StackOverflowError ex)
        {
            return null;
        }
    }
}
