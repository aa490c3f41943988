package io.skirmish.engine.client;

import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.logbuffer.Header;
import io.skirmish.engine.DisconnectReason;
import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.protocol.ChunkFlyweight;
import io.skirmish.engine.protocol.DisconnectFlyweight;
import io.skirmish.engine.protocol.FrameHeaderFlyweight;
import io.skirmish.engine.protocol.FrameType;
import io.skirmish.engine.protocol.PingFlyweight;
import io.skirmish.engine.protocol.ReliableAckFlyweight;
import io.skirmish.engine.protocol.RoomEventFlyweight;
import io.skirmish.engine.security.FrameCipher;
import io.skirmish.engine.security.LaneCrypto;
import io.skirmish.engine.status.Counters;
import io.skirmish.engine.transport.ChunkAssembler;
import io.skirmish.engine.transport.FrameCheck;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Decodes what the server sends on the downstream lane: each frame is validated and opened under the connection's
 * keys, then handed to its owner: the conductor (handshake, lane bound, keepalive, disconnect), the
 * {@link ReliableOutbox} (acknowledgements of the client's reliable frames), the {@link EventDelivery} (events,
 * resyncs, resume state, stream heads) or the {@link SnapshotReceiver}. A frame sent in chunks is put back together
 * first. The pair of the {@link ClientSender}. Client thread only; allocation-free.
 */
final class ServerFrameAdapter implements FragmentHandler
{
    /** Chunked frames kept in progress at once. */
    static final int CHUNK_SLOTS = 8;

    /** The conductor's part: the handshake and the connection's life. */
    interface Handler
    {
        void onAccept(DirectBuffer buffer, int offset, int length);

        void onReject(DirectBuffer buffer, int offset, int length);

        void onLaneBound();

        void onResumeState(DirectBuffer buffer, int offset, int length);

        void onDisconnect(DisconnectReason reason);

        void onPing(long originTimeNs);

        void onPong(long originTimeNs);

        void onHeard();

        /** A frame that proves the server hears this client (an acknowledgement). */
        void onAnswered();
    }

    private final Handler handler;
    private final EventDelivery delivery;
    private final SnapshotReceiver snapshots;
    private final ReliableOutbox outbox;
    private final LaneCrypto crypto;
    private final ErrorHandler errors;
    private final Counters counters;
    private final ChunkAssembler chunks;
    private final PingFlyweight pingFlyweight = new PingFlyweight();
    private final DisconnectFlyweight disconnectFlyweight = new DisconnectFlyweight();
    private final ReliableAckFlyweight ackFlyweight = new ReliableAckFlyweight();
    private final ChunkFlyweight chunkFlyweight = new ChunkFlyweight();
    private final AtomicCounter framesIn;
    private final AtomicCounter bytesIn;
    private final AtomicCounter unauthenticated;
    private final AtomicCounter oversize;
    private final AtomicCounter malformed;
    private final AtomicCounter chunkedCompleted;
    private ClientFeeds feeds;
    private long nowNs;

    ServerFrameAdapter(
        final int maxMessageLength,
        final Handler handler,
        final EventDelivery delivery,
        final SnapshotReceiver snapshots,
        final ReliableOutbox outbox,
        final LaneCrypto crypto,
        final Counters counters,
        final ErrorHandler errors)
    {
        this.handler = handler;
        this.delivery = delivery;
        this.snapshots = snapshots;
        this.outbox = outbox;
        this.crypto = crypto;
        this.errors = errors;
        this.counters = counters;
        this.chunks = new ChunkAssembler(CHUNK_SLOTS, RoomEventFlyweight.PAYLOAD_OFFSET + maxMessageLength + 4096);
        this.framesIn = counters.get(EngineCounter.FRAMES_IN);
        this.bytesIn = counters.get(EngineCounter.BYTES_IN);
        this.unauthenticated = counters.get(EngineCounter.DROPPED_UNAUTHENTICATED);
        this.oversize = counters.get(EngineCounter.DROPPED_OVERSIZE);
        this.malformed = counters.get(EngineCounter.DROPPED_MALFORMED);
        this.chunkedCompleted = counters.get(EngineCounter.CHUNKED_FRAMES_COMPLETED);
    }

    void feeds(final ClientFeeds feeds)
    {
        this.feeds = feeds;
    }

    int poll(final ClientLanes lanes, final int fragmentLimit, final long nowNs)
    {
        this.nowNs = nowNs;
        return lanes.pollDownstream(this, fragmentLimit);
    }

    /**
     * Forget chunks of a connection that ended.
     */
    void reset()
    {
        chunks.reset();
    }

    public void onFragment(
        final DirectBuffer fragment, final int fragmentOffset, final int fragmentLength, final Header header)
    {
        if ((header.flags() & FrameDescriptor.UNFRAGMENTED) != FrameDescriptor.UNFRAGMENTED)
        {
            // the server never has Aeron fragment a frame: it chunks one itself
            oversize.incrementRelease();
            return;
        }
        final int valid = FrameHeaderFlyweight.validate(fragment, fragmentOffset, fragmentLength);
        if (FrameHeaderFlyweight.VALID != valid)
        {
            counters.get(FrameCheck.dropCounter(valid)).incrementRelease();
            return;
        }
        final int type = fragment.getByte(fragmentOffset + FrameHeaderFlyweight.TYPE_OFFSET) & 0xFF;
        DirectBuffer buffer = fragment;
        int offset = fragmentOffset;
        int length = fragmentLength;
        if (type != FrameType.CONNECT_ACCEPT && type != FrameType.CONNECT_REJECT)
        {
            length = crypto.open(FrameCipher.DOWNSTREAM_LANE, fragment, fragmentOffset, fragmentLength);
            if (length < 0)
            {
                unauthenticated.incrementRelease();
                return;
            }
            buffer = crypto.openedBuffer();
            offset = crypto.openedOffset();
        }
        handler.onHeard();
        try
        {
            if (FrameType.CHUNK == type)
            {
                onChunk(buffer, offset, length);
            }
            else if (FrameType.SNAPSHOT == type)
            {
                snapshots.onFrame(buffer, offset, length, true);
            }
            else
            {
                framesIn.incrementRelease();
                bytesIn.getAndAddRelease(length);
                onFrame(type, buffer, offset, length);
            }
        }
        catch (final Throwable t)
        {
            errors.onError(t);
        }
    }

    private void onChunk(final DirectBuffer buffer, final int offset, final int length)
    {
        final ChunkFlyweight chunk = chunkFlyweight;
        chunk.wrap(buffer, offset, length);
        final int whole = chunks.onChunk(chunk.chunkedType(), chunk.roomId(), chunk.seq(), chunk.chunkedLength(),
            chunk.chunkIndex(), chunk.chunkCount(), buffer, offset + ChunkFlyweight.DATA_OFFSET, chunk.dataLength());
        if (ChunkAssembler.MALFORMED == whole)
        {
            malformed.incrementRelease();
            return;
        }
        if (whole > 0)
        {
            final DirectBuffer frame = chunks.frameBuffer();
            final int valid = FrameHeaderFlyweight.validate(frame, 0, whole);
            final int type = frame.getByte(FrameHeaderFlyweight.TYPE_OFFSET) & 0xFF;
            if (FrameHeaderFlyweight.VALID != valid || type != chunk.chunkedType() || FrameType.CHUNK == type)
            {
                malformed.incrementRelease();
                return;
            }
            chunkedCompleted.incrementRelease();
            framesIn.incrementRelease();
            bytesIn.getAndAddRelease(whole);
            onFrame(type, frame, 0, whole);
        }
    }

    private void onFrame(final int type, final DirectBuffer buffer, final int offset, final int length)
    {
        switch (type)
        {
            case FrameType.CONNECT_ACCEPT:
                handler.onAccept(buffer, offset, length);
                break;
            case FrameType.CONNECT_REJECT:
                handler.onReject(buffer, offset, length);
                break;
            case FrameType.LANE_BOUND:
                handler.onLaneBound();
                break;
            case FrameType.PING:
                pingFlyweight.wrap(buffer, offset, length);
                handler.onPing(pingFlyweight.originTimeNs());
                break;
            case FrameType.PONG:
                pingFlyweight.wrap(buffer, offset, length);
                handler.onPong(pingFlyweight.originTimeNs());
                break;
            case FrameType.DISCONNECT:
                disconnectFlyweight.wrap(buffer, offset, length);
                handler.onDisconnect(DisconnectReason.get(disconnectFlyweight.reason()));
                break;
            case FrameType.RELIABLE_ACK:
                ackFlyweight.wrap(buffer, offset, length);
                outbox.onAck(ackFlyweight.ackedSeq(), ackFlyweight.highestSeenSeq(), ackFlyweight.heldMask(), nowNs);
                handler.onAnswered();
                break;
            case FrameType.RESUME_STATE:
                handler.onResumeState(buffer, offset, length);
                break;
            case FrameType.ROOM_EVENT:
                delivery.onRoomEvent(buffer, offset, length, nowNs);
                break;
            case FrameType.RESYNC:
                delivery.onResync(buffer, offset, length);
                break;
            case FrameType.STREAM_HEADS:
                delivery.onStreamHeads(buffer, offset, length, nowNs);
                break;
            case FrameType.FEED_FRAME:
                if (null != feeds)
                {
                    feeds.onFrame(buffer, offset, length, nowNs);
                }
                break;
            default:
                counters.get(EngineCounter.DROPPED_UNKNOWN_TYPE).incrementRelease();
                break;
        }
    }
}
