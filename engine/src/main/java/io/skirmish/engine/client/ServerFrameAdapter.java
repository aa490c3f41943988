package io.skirmish.engine.client;

import io.aeron.FragmentAssembler;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.logbuffer.Header;
import io.skirmish.engine.DisconnectReason;
import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.protocol.DisconnectFlyweight;
import io.skirmish.engine.protocol.FrameHeaderFlyweight;
import io.skirmish.engine.protocol.FrameType;
import io.skirmish.engine.protocol.PingFlyweight;
import io.skirmish.engine.security.FrameCipher;
import io.skirmish.engine.security.LaneCrypto;
import io.skirmish.engine.status.Counters;
import io.skirmish.engine.transport.FrameCheck;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Decodes what the server sends: the events lane (validated, opened under the connection's keys, then handed to
 * the conductor's handshake, the {@link EventDelivery} or the keepalive) and the snapshot lane (opened, then handed to
 * the {@link SnapshotReceiver}). The pair of the {@link ClientSender}. Client thread only.
 */
final class ServerFrameAdapter
{
    /** The conductor's part: the handshake and the connection's life. */
    interface Handler
    {
        void onAccept(DirectBuffer buffer, int offset, int length);

        void onReject(DirectBuffer buffer, int offset, int length);

        void onLaneBound();

        void onDisconnect(DisconnectReason reason);

        void onPing(long originTimeNs);

        void onPong(long originTimeNs);

        void onHeard();
    }

    private final Handler handler;
    private final EventDelivery delivery;
    private final SnapshotReceiver snapshots;
    private final LaneCrypto crypto;
    private final ErrorHandler errors;
    private final Counters counters;
    private final FragmentAssembler eventsAssembler = new FragmentAssembler(this::onEventsFrame);
    private final FragmentHandler snapshotHandler = this::onSnapshotFragment;
    private final PingFlyweight pingFlyweight = new PingFlyweight();
    private final DisconnectFlyweight disconnectFlyweight = new DisconnectFlyweight();
    private final AtomicCounter framesIn;
    private final AtomicCounter bytesIn;
    private final AtomicCounter unauthenticated;
    private long nowNs;

    ServerFrameAdapter(
        final Handler handler,
        final EventDelivery delivery,
        final SnapshotReceiver snapshots,
        final LaneCrypto crypto,
        final Counters counters,
        final ErrorHandler errors)
    {
        this.handler = handler;
        this.delivery = delivery;
        this.snapshots = snapshots;
        this.crypto = crypto;
        this.errors = errors;
        this.counters = counters;
        this.framesIn = counters.get(EngineCounter.FRAMES_IN);
        this.bytesIn = counters.get(EngineCounter.BYTES_IN);
        this.unauthenticated = counters.get(EngineCounter.DROPPED_UNAUTHENTICATED);
    }

    int pollEvents(final ClientLanes lanes, final int fragmentLimit, final long nowNs)
    {
        this.nowNs = nowNs;
        return lanes.pollEvents(eventsAssembler, fragmentLimit);
    }

    int pollSnapshots(final ClientLanes lanes, final int fragmentLimit)
    {
        return lanes.pollSnapshots(snapshotHandler, fragmentLimit);
    }

    private void onEventsFrame(
        final DirectBuffer fragment, final int fragmentOffset, final int fragmentLength, final Header header)
    {
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
            length = crypto.open(FrameCipher.SERVER_CONTROL_LANE, fragment, fragmentOffset, fragmentLength);
            if (length < 0)
            {
                unauthenticated.incrementRelease();
                return;
            }
            buffer = crypto.openedBuffer();
            offset = crypto.openedOffset();
        }
        handler.onHeard();
        framesIn.incrementRelease();
        bytesIn.getAndAddRelease(length);
        try
        {
            onFrame(type, buffer, offset, length);
        }
        catch (final Throwable t)
        {
            errors.onError(t);
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
            case FrameType.RESUME_STATE:
                delivery.onResumeState(buffer, offset, length);
                break;
            case FrameType.ROOM_EVENT:
                delivery.onRoomEvent(buffer, offset, length, nowNs);
                break;
            case FrameType.RESYNC:
                delivery.onResync(buffer, offset, length);
                break;
            default:
                counters.get(EngineCounter.DROPPED_UNKNOWN_TYPE).incrementRelease();
                break;
        }
    }

    private void onSnapshotFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final boolean unfragmented = (header.flags() & FrameDescriptor.UNFRAGMENTED) == FrameDescriptor.UNFRAGMENTED;
        if (crypto.isEncrypted())
        {
            final int frameLength = unfragmented ?
                crypto.open(FrameCipher.SERVER_SNAPSHOT_LANE, buffer, offset, length) : LaneCrypto.REJECTED;
            if (frameLength < 0)
            {
                unauthenticated.incrementRelease();
                return;
            }
            snapshots.onFrame(crypto.openedBuffer(), crypto.openedOffset(), frameLength, true);
        }
        else if (length >= FrameHeaderFlyweight.HEADER_LENGTH && FrameCipher.isSealed(buffer, offset))
        {
            unauthenticated.incrementRelease();
        }
        else
        {
            snapshots.onFrame(buffer, offset, length, unfragmented);
        }
    }
}
