package io.skirmish.engine.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.Object2IntHashMap;

import java.util.ArrayList;
import java.util.List;

/**
 * The game's message types with explicit, stable type ids, shared by server and client (register the same types
 * with the same ids on both ends, as KryoNet's {@code Network.register} does). Type ids travel on the wire; Kryo
 * never writes class names, and a type id that is not registered is rejected and counted.
 * <p>
 * Register everything before launching; the registry freezes when the first server or client using it starts.
 * <pre>{@code
 * MessageRegistry registry = new MessageRegistry()
 *     .register(1, Chat.class)
 *     .register(2, BuyItem.class, new BuyItemSerializer());
 * }</pre>
 * Type ids are in {@code [1, }{@value #MAX_TYPE_ID}{@code ]}. Raw {@code DirectBuffer} messages use their own
 * type ids in the same space without registration.
 * <p>
 * Threading: registration is synchronized and may happen on any thread before launch; lookups are safe on any
 * thread once frozen. Errors: registering a duplicate or out-of-range id or class throws
 * {@link IllegalArgumentException}, and registering after the freeze throws {@link IllegalStateException}.
 */
public final class MessageRegistry
{
    /** Largest type id a game may use. */
    public static final int MAX_TYPE_ID = 65_535;

    /** Kryo registration ids are the type id plus this offset, clear of Kryo's built-in registrations. */
    static final int KRYO_ID_OFFSET = 100;

    private final Int2ObjectHashMap<Class<?>> classByTypeId = new Int2ObjectHashMap<>();
    private final Object2IntHashMap<Class<?>> typeIdByClass = new Object2IntHashMap<>(-1);
    private final List<Registration> registrations = new ArrayList<>();
    private volatile boolean frozen;

    private static final class Registration
    {
        final int typeId;
        final Class<?> type;
        final Serializer<?> serializer;

        Registration(final int typeId, final Class<?> type, final Serializer<?> serializer)
        {
            this.typeId = typeId;
            this.type = type;
            this.serializer = serializer;
        }
    }

    /**
     * Register a message class with Kryo's default serializer for it.
     *
     * @param typeId stable id on the wire, in [1, {@value #MAX_TYPE_ID}].
     * @param type   the message class.
     * @return this for a fluent API.
     * @throws IllegalArgumentException if the id or class is already registered or out of range.
     * @throws IllegalStateException    if the registry is frozen.
     */
    public MessageRegistry register(final int typeId, final Class<?> type)
    {
        return register(typeId, type, null);
    }

    /**
     * Register a message class with a serializer of the game's own. A serializer that reads untrusted client data
     * must bound every length it reads.
     *
     * @param typeId     stable id on the wire, in [1, {@value #MAX_TYPE_ID}].
     * @param type       the message class.
     * @param serializer the serializer, or null for Kryo's default.
     * @return this for a fluent API.
     * @throws IllegalArgumentException if the id or class is already registered or out of range.
     * @throws IllegalStateException    if the registry is frozen.
     */
    public synchronized MessageRegistry register(final int typeId, final Class<?> type, final Serializer<?> serializer)
    {
        if (frozen)
        {
            throw new IllegalStateException("MessageRegistry is frozen: register every type before launch");
        }
        if (typeId < 1 || typeId > MAX_TYPE_ID)
        {
            throw new IllegalArgumentException("typeId out of range [1, " + MAX_TYPE_ID + "]: " + typeId);
        }
        if (classByTypeId.containsKey(typeId))
        {
            throw new IllegalArgumentException(
                "typeId " + typeId + " already registered to " + classByTypeId.get(typeId).getName());
        }
        if (typeIdByClass.containsKey(type))
        {
            throw new IllegalArgumentException(type.getName() + " already registered as " + typeIdByClass.getValue(type));
        }
        classByTypeId.put(typeId, type);
        typeIdByClass.put(type, typeId);
        registrations.add(new Registration(typeId, type, serializer));
        return this;
    }

    /**
     * Type id of a registered class.
     *
     * @param type the message class.
     * @return its type id, or -1 when not registered.
     */
    public int typeId(final Class<?> type)
    {
        return typeIdByClass.getValue(type);
    }

    /**
     * Class registered under a type id.
     *
     * @param typeId the type id.
     * @return the class, or null when not registered.
     */
    public Class<?> type(final int typeId)
    {
        return classByTypeId.get(typeId);
    }

    /**
     * @return true once a server or client launched with this registry.
     */
    public boolean isFrozen()
    {
        return frozen;
    }

    /**
     * @return number of registered types.
     */
    public int size()
    {
        return registrations.size();
    }

    /**
     * Refuse further registrations (a Context's conclude does this: both sides must agree on the ids).
     */
    public synchronized void freeze()
    {
        frozen = true;
    }

    /**
     * Create a Kryo for one thread with every registered type, registration required and references off.
     *
     * @return a new Kryo.
     */
    synchronized Kryo newKryo()
    {
        final Kryo kryo = new Kryo();
        kryo.setRegistrationRequired(true);
        kryo.setReferences(false);
        BoundedKryo.install(kryo);
        for (final Registration r : registrations)
        {
            if (null == r.serializer)
            {
                kryo.register(r.type, KRYO_ID_OFFSET + r.typeId);
            }
            else
            {
                kryo.register(r.type, r.serializer, KRYO_ID_OFFSET + r.typeId);
            }
        }
        return kryo;
    }
}
