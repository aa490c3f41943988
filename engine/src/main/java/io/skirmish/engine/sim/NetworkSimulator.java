package io.skirmish.engine.sim;

import io.skirmish.engine.transport.LocalRelay;
import io.skirmish.engine.transport.RelayFactory;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;

import java.util.SplittableRandom;

/**
 * A seeded network simulator in the manner of netcode's and yojimbo's: packets handed to {@link #send} come out of
 * {@link #poll} after a latency plus jitter, some are lost, some duplicated and some held back so that they arrive
 * after later packets. Given the same seed, settings and sequence of calls and times, it makes the same decisions
 * (see {@code NetworkSimulatorTest}).
 * <p>
 * Settings may be changed from any thread at any time (the demo's sliders do); {@link #send} and {@link #poll}
 * must be called from one thread. Time is passed in, never read, so tests control it. Capacity is fixed: when
 * the simulator is full a packet is dropped and counted in {@link #overflowDrops()}.
 */
public final class NetworkSimulator implements RelayFactory
{
    /** Receives packets whose delivery time has come. */
    @FunctionalInterface
    public interface PacketHandler
    {
        /**
         * A packet is delivered. The array is reused after the call returns.
         *
         * @param data   packet bytes.
         * @param length number of bytes.
         * @param tag    the tag given to {@link #send}, e.g. a direction or destination index.
         */
        void onPacket(byte[] data, int length, int tag);
    }

    /**
     * Sees every packet handed to the simulator, before any other fault is applied: a capture point for tests, and a
     * targeted fault (drop the packets of one stream, say).
     */
    @FunctionalInterface
    public interface PacketTap
    {
        /**
         * A packet is handed to {@link #send}, on the thread that calls it.
         *
         * @param buffer packet bytes; valid only during the call.
         * @param offset of the packet.
         * @param length of the packet.
         * @param tag    the tag given to {@link #send}.
         * @return true to let the packet through to the simulated network, false to drop it (counted as lost).
         */
        boolean onSend(DirectBuffer buffer, int offset, int length, int tag);
    }

    /** Default largest packet, in bytes. */
    public static final int DEFAULT_MAX_PACKET_LENGTH = 2048;
    /** Default number of packets that can be in flight. */
    public static final int DEFAULT_CAPACITY = 8192;

    private volatile long latencyNs;
    private volatile long jitterNs;
    private volatile double lossRate;
    private volatile double duplicateRate;
    private volatile double reorderRate;

    private final SplittableRandom random;
    private final int maxPacketLength;
    private final byte[][] payloads;
    private final int[] lengths;
    private final int[] tags;
    private final long[] deliverAtNs;
    private final long[] order;
    private final int[] heap;
    private final int[] freeSlots;
    private int freeCount;
    private int heapSize;
    private long sequence;

    private long packetsSent;
    private volatile PacketTap tap;
    private long packetsLost;
    private long packetsDuplicated;
    private long packetsReordered;
    private long overflowDrops;

    /**
     * A simulator with default capacity and packet size.
     *
     * @param seed for the random decisions.
     */
    public NetworkSimulator(final long seed)
    {
        this(seed, DEFAULT_CAPACITY, DEFAULT_MAX_PACKET_LENGTH);
    }

    /**
     * @param seed            for the random decisions.
     * @param capacity        packets that can be in flight at once.
     * @param maxPacketLength largest packet accepted, in bytes.
     */
    public NetworkSimulator(final long seed, final int capacity, final int maxPacketLength)
    {
        this.random = new SplittableRandom(seed);
        this.maxPacketLength = maxPacketLength;
        this.payloads = new byte[capacity][];
        this.lengths = new int[capacity];
        this.tags = new int[capacity];
        this.deliverAtNs = new long[capacity];
        this.order = new long[capacity];
        this.heap = new int[capacity];
        this.freeSlots = new int[capacity];
        for (int i = 0; i < capacity; i++)
        {
            freeSlots[i] = capacity - 1 - i;
        }
        freeCount = capacity;
    }

    /**
     * @param tap shown every packet handed to {@link #send} (and may drop it), or null for none.
     * @return this for a fluent API.
     */
    public NetworkSimulator tap(final PacketTap tap)
    {
        this.tap = tap;
        return this;
    }

    /**
     * @param latencyMs one-way latency in milliseconds.
     * @return this for a fluent API.
     */
    public NetworkSimulator latencyMs(final double latencyMs)
    {
        this.latencyNs = (long)(latencyMs * 1_000_000);
        return this;
    }

    /**
     * @return one-way latency in milliseconds.
     */
    public double latencyMs()
    {
        return latencyNs / 1e6;
    }

    /**
     * @param jitterMs each packet's latency varies uniformly within plus or minus this, in milliseconds.
     * @return this for a fluent API.
     */
    public NetworkSimulator jitterMs(final double jitterMs)
    {
        this.jitterNs = (long)(jitterMs * 1_000_000);
        return this;
    }

    /**
     * @return jitter in milliseconds.
     */
    public double jitterMs()
    {
        return jitterNs / 1e6;
    }

    /**
     * @param percent of packets lost, 0 to 100.
     * @return this for a fluent API.
     */
    public NetworkSimulator lossPercent(final double percent)
    {
        this.lossRate = clampPercent(percent) / 100.0;
        return this;
    }

    /**
     * @return percent of packets lost.
     */
    public double lossPercent()
    {
        return lossRate * 100.0;
    }

    /**
     * @param percent of packets delivered twice, 0 to 100.
     * @return this for a fluent API.
     */
    public NetworkSimulator duplicatePercent(final double percent)
    {
        this.duplicateRate = clampPercent(percent) / 100.0;
        return this;
    }

    /**
     * @return percent of packets duplicated.
     */
    public double duplicatePercent()
    {
        return duplicateRate * 100.0;
    }

    /**
     * @param percent of packets held back (an extra delay of latency plus twice the jitter plus 1 ms) so that they
     *                arrive after packets sent later, 0 to 100.
     * @return this for a fluent API.
     */
    public NetworkSimulator reorderPercent(final double percent)
    {
        this.reorderRate = clampPercent(percent) / 100.0;
        return this;
    }

    /**
     * @return percent of packets reordered.
     */
    public double reorderPercent()
    {
        return reorderRate * 100.0;
    }

    /**
     * A NAT-like {@link UdpRelay} through this simulator, for a client's lanes: its front sockets on the given host,
     * its upstream sockets on any address.
     *
     * @param bindHost local address of the relay's front sockets.
     * @param clock    the client's clock.
     * @return the relay.
     */
    public LocalRelay newRelay(final String bindHost, final NanoClock clock)
    {
        return new UdpRelay(bindHost, "0.0.0.0", this, clock);
    }

    /**
     * @return true when any fault or delay is configured.
     */
    public boolean isActive()
    {
        return latencyNs > 0 || jitterNs > 0 || lossRate > 0 || duplicateRate > 0 || reorderRate > 0;
    }

    /**
     * Hand a packet to the simulated network.
     *
     * @param nowNs  current time in nanoseconds.
     * @param buffer packet bytes.
     * @param offset of the packet.
     * @param length of the packet.
     * @param tag    returned with the packet on delivery.
     * @return number of copies scheduled: 0 when lost (or over capacity), 1, or 2 when duplicated.
     */
    public int send(final long nowNs, final DirectBuffer buffer, final int offset, final int length, final int tag)
    {
        packetsSent++;
        final PacketTap tap = this.tap;
        if (null != tap && !tap.onSend(buffer, offset, length, tag))
        {
            packetsLost++;
            return 0;
        }
        if (length > maxPacketLength || length < 0)
        {
            overflowDrops++;
            return 0;
        }
        if (lossRate > 0 && random.nextDouble() < lossRate)
        {
            packetsLost++;
            return 0;
        }

        int copies = 1;
        if (duplicateRate > 0 && random.nextDouble() < duplicateRate)
        {
            packetsDuplicated++;
            copies = 2;
        }

        int scheduled = 0;
        for (int i = 0; i < copies; i++)
        {
            if (schedule(nowNs + delayNs(), buffer, offset, length, tag))
            {
                scheduled++;
            }
        }
        return scheduled;
    }

    /**
     * Deliver, in delivery-time order, every packet whose time has come.
     *
     * @param nowNs   current time in nanoseconds.
     * @param handler receives each packet.
     * @param limit   most packets to deliver in this call.
     * @return number of packets delivered.
     */
    public int poll(final long nowNs, final PacketHandler handler, final int limit)
    {
        int delivered = 0;
        while (heapSize > 0 && delivered < limit)
        {
            final int slot = heap[0];
            if (deliverAtNs[slot] - nowNs > 0)
            {
                break;
            }
            removeTop();
            handler.onPacket(payloads[slot], lengths[slot], tags[slot]);
            freeSlots[freeCount++] = slot;
            delivered++;
        }
        return delivered;
    }

    /**
     * @return number of packets waiting for delivery.
     */
    public int inFlight()
    {
        return heapSize;
    }

    /**
     * @return packets handed to {@link #send}.
     */
    public long packetsSent()
    {
        return packetsSent;
    }

    /**
     * @return packets dropped as simulated loss.
     */
    public long packetsLost()
    {
        return packetsLost;
    }

    /**
     * @return packets duplicated.
     */
    public long packetsDuplicated()
    {
        return packetsDuplicated;
    }

    /**
     * @return packets held back to reorder them.
     */
    public long packetsReordered()
    {
        return packetsReordered;
    }

    /**
     * @return packets dropped because the simulator was full or the packet too large.
     */
    public long overflowDrops()
    {
        return overflowDrops;
    }

    private long delayNs()
    {
        final long latency = latencyNs;
        final long jitter = jitterNs;
        long delay = latency;
        if (jitter > 0)
        {
            delay += (long)((random.nextDouble() * 2.0 - 1.0) * jitter);
        }
        if (reorderRate > 0 && random.nextDouble() < reorderRate)
        {
            packetsReordered++;
            delay += latency + 2 * jitter + 1_000_000;
        }
        return Math.max(0, delay);
    }

    private boolean schedule(
        final long atNs, final DirectBuffer buffer, final int offset, final int length, final int tag)
    {
        if (freeCount == 0)
        {
            overflowDrops++;
            return false;
        }
        final int slot = freeSlots[--freeCount];
        byte[] payload = payloads[slot];
        if (null == payload)
        {
            payload = new byte[maxPacketLength];
            payloads[slot] = payload;
        }
        buffer.getBytes(offset, payload, 0, length);
        lengths[slot] = length;
        tags[slot] = tag;
        deliverAtNs[slot] = atNs;
        order[slot] = sequence++;
        siftUp(heapSize++, slot);
        return true;
    }

    private boolean before(final int a, final int b)
    {
        final long diff = deliverAtNs[a] - deliverAtNs[b];
        return diff < 0 || (diff == 0 && order[a] < order[b]);
    }

    private void siftUp(final int index, final int slot)
    {
        int i = index;
        while (i > 0)
        {
            final int parent = (i - 1) >>> 1;
            if (!before(slot, heap[parent]))
            {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = slot;
    }

    private void removeTop()
    {
        final int last = heap[--heapSize];
        int i = 0;
        while (true)
        {
            final int left = 2 * i + 1;
            if (left >= heapSize)
            {
                break;
            }
            final int right = left + 1;
            final int child = right < heapSize && before(heap[right], heap[left]) ? right : left;
            if (!before(heap[child], last))
            {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = last;
    }

    private static double clampPercent(final double percent)
    {
        if (percent < 0 || percent > 100 || Double.isNaN(percent))
        {
            throw new IllegalArgumentException("percent must be in [0, 100]: " + percent);
        }
        return percent;
    }
}
