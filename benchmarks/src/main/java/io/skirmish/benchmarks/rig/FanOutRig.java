package io.skirmish.benchmarks.rig;

/**
 * A server and a room of members on loopback: the caller's thread sends events to every member, and the members
 * count what they receive on a thread of their own. Each implementation sends the same 32-byte payload. Members
 * never share a driver or a socket, as separate game clients would not.
 */
public interface FanOutRig extends AutoCloseable
{
    /** Payload bytes per event. */
    int PAYLOAD_LENGTH = 32;

    /** Who fans out. */
    enum Impl
    {
        /** {@code Room.broadcast} of a raw buffer on an INVOKER-mode {@code GameServer} driven by the caller. */
        ENGINE,
        /** As {@link #ENGINE}, the room durable: every event also recorded to an Aeron Archive embedded in the server. */
        ENGINE_DURABLE,
        /** Raw Aeron, one exclusive publication per member, arranged like the engine rig (the control). */
        AERON,
        /** KryoNet {@code Server.sendToAllUDP} of a {@code byte[]}. */
        KRYONET_UDP,
        /** KryoNet {@code Server.sendToAllTCP} of a {@code byte[]}. */
        KRYONET_TCP
    }

    /**
     * Launch a rig with every member connected and in the room.
     *
     * @param impl    who fans out.
     * @param members room size.
     * @return the ready rig, members already counting.
     */
    static FanOutRig launch(final Impl impl, final int members)
    {
        switch (impl)
        {
            case ENGINE:
                return new EngineFanOutRig(members, false);
            case ENGINE_DURABLE:
                return new EngineFanOutRig(members, true);
            case AERON:
                return new AeronFanOutRig(members);
            default:
                return new KryoNetFanOutRig(members, Impl.KRYONET_UDP == impl);
        }
    }

    /**
     * @return number of members.
     */
    int members();

    /**
     * @return true when deliveries may be lost for good (UDP without reliability), so a sender that waits for them
     * must give up after a while; false when every delivery eventually arrives.
     */
    boolean lossy();

    /**
     * Send one event to every member (caller's thread).
     *
     * @return deliveries handed to the transport (the member count), 0 when nothing was sent.
     */
    int broadcast();

    /**
     * Drive the sending side when the caller's thread owns it (the engine server's duty cycle); 0 otherwise.
     *
     * @return work count.
     */
    int pollSender();

    /**
     * @return events received so far, summed over all members (any thread; may lag slightly).
     */
    long received();

    /**
     * Stop the members' thread and release everything; throws when the rig recorded errors.
     */
    void close();
}
