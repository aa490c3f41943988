package io.skirmish.engine.transport;

import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.Int2ObjectHashMap;

/**
 * Reassembles fragmented messages per Aeron session like Aeron's {@code FragmentAssembler}, but never beyond a
 * maximum length: a sender chooses its own term length, so a message may legally be up to 16 MiB; anything longer
 * than the engine accepts is dropped as it arrives instead of being buffered, and reported once.
 */
public final class BoundedFragmentAssembler implements FragmentHandler
{
    /** Told about a message that was dropped for its length. */
    @FunctionalInterface
    public interface OversizeHandler
    {
        /**
         * @param header of the last fragment of the dropped message.
         */
        void onOversize(Header header);
    }

    private static final class Builder
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
        int length;
        boolean active;
        boolean overflowed;
    }

    private final FragmentHandler delegate;
    private final OversizeHandler oversizeHandler;
    private final int maxLength;
    private final Int2ObjectHashMap<Builder> builders = new Int2ObjectHashMap<>();

    /**
     * @param delegate  receives whole messages.
     * @param maxLength longest message kept.
     * @param oversize  told about each message dropped for its length.
     */
    public BoundedFragmentAssembler(final FragmentHandler delegate, final int maxLength, final OversizeHandler oversize)
    {
        this.delegate = delegate;
        this.maxLength = maxLength;
        this.oversizeHandler = oversize;
    }

    /**
     * {@inheritDoc}
     */
    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final byte flags = header.flags();
        if ((flags & FrameDescriptor.UNFRAGMENTED) == FrameDescriptor.UNFRAGMENTED)
        {
            delegate.onFragment(buffer, offset, length, header);
            return;
        }

        Builder builder = builders.get(header.sessionId());
        if ((flags & FrameDescriptor.BEGIN_FRAG_FLAG) == FrameDescriptor.BEGIN_FRAG_FLAG)
        {
            if (null == builder)
            {
                builder = new Builder();
                builders.put(header.sessionId(), builder);
            }
            builder.active = true;
            builder.overflowed = false;
            builder.length = 0;
        }
        if (null == builder || !builder.active)
        {
            return;
        }

        if (!builder.overflowed)
        {
            if (builder.length + length > maxLength)
            {
                builder.overflowed = true;
            }
            else
            {
                builder.buffer.putBytes(builder.length, buffer, offset, length);
                builder.length += length;
            }
        }

        if ((flags & FrameDescriptor.END_FRAG_FLAG) == FrameDescriptor.END_FRAG_FLAG)
        {
            builder.active = false;
            if (builder.overflowed)
            {
                oversizeHandler.onOversize(header);
            }
            else
            {
                delegate.onFragment(builder.buffer, 0, builder.length, header);
            }
        }
    }

    /**
     * Forget the partial message of an Aeron session whose image went away.
     *
     * @param sessionId the image's session id.
     */
    public void freeSessionBuffer(final int sessionId)
    {
        builders.remove(sessionId);
    }
}
