package io.skirmish.engine.transport;

import io.aeron.ExclusivePublication;
import io.aeron.logbuffer.BufferClaim;
import org.agrona.DirectBuffer;

/**
 * An {@link Outlet} over an Aeron exclusive publication; the lane registries own and close the publication.
 */
public final class PublicationOutlet implements Outlet
{
    private final ExclusivePublication publication;

    /**
     * @param publication to send on.
     */
    public PublicationOutlet(final ExclusivePublication publication)
    {
        this.publication = publication;
    }

    /**
     * @return the publication.
     */
    public ExclusivePublication publication()
    {
        return publication;
    }

    /**
     * {@inheritDoc}
     */
    public long offer(final DirectBuffer buffer, final int offset, final int length)
    {
        return publication.offer(buffer, offset, length);
    }

    /**
     * {@inheritDoc}
     */
    public long tryClaim(final int length, final BufferClaim claim)
    {
        return publication.tryClaim(length, claim);
    }

    /**
     * {@inheritDoc}
     */
    public boolean isConnected()
    {
        return publication.isConnected();
    }

    /**
     * {@inheritDoc}
     */
    public int maxPayloadLength()
    {
        return publication.maxPayloadLength();
    }

    /**
     * {@inheritDoc}
     */
    public long position()
    {
        return publication.isClosed() ? 0 : publication.position();
    }

    /**
     * {@inheritDoc}
     */
    public long availableWindow()
    {
        return publication.isClosed() ? 0 : publication.positionLimit() - publication.position();
    }
}
