package io.skirmish.engine.server;

import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.protocol.ConnectRequestFlyweight;
import io.skirmish.engine.protocol.FrameHeaderFlyweight;
import io.skirmish.engine.protocol.FrameType;
import io.skirmish.engine.protocol.LaneBindFlyweight;
import io.skirmish.engine.security.AuthTrailer;
import io.skirmish.engine.security.FrameCipher;
import io.skirmish.engine.security.LaneCrypto;
import io.skirmish.engine.status.Counters;
import io.skirmish.engine.transport.FrameCheck;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.function.Consumer;
import java.util.function.IntFunction;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The one inbound gate: every client frame passes it before anything reads it. In order it checks the lane, the
 * frame's shape and clear header, its length, the session it claims (which must own the lane), its authentication
 * or encryption under that session's keys, and the session's rate limits. Each rejection is counted under its own
 * reason; malformed, oversized and rate-limited frames also count against the session, which is disconnected past
 * {@code maxViolationsPerSession}. Forged and unauthenticated frames do not, since a third party can send them under
 * a victim's session id. A passed frame is read from {@link #frameBuffer()}, {@link #frameOffset()} and
 * {@link #frameLength()}, on behalf of {@link #peer()}. Conductor thread only.
 */
final class FrameGate
{
    /** Result of a pass for a dropped frame. */
    static final int DROPPED = -1;

    private final GameServer.Context ctx;
    private final boolean tokens;
    private final int maxFrameLength;
    private final CachedNanoClock clock;
    private final IntFunction<Peer> peers;
    private final Consumer<Peer> onAbuse;
    private final Counters counters;
    private final AtomicCounter framesIn;
    private final AtomicCounter bytesIn;
    private final AtomicCounter unauthenticated;
    private final AtomicCounter oversize;
    private final AtomicCounter malformed;
    private final AtomicCounter rateLimited;
    private final LaneBindFlyweight laneBindFlyweight = new LaneBindFlyweight();
    private DirectBuffer frameBuffer;
    private int frameOffset;
    private int frameLength;
    private Peer peer;

    /**
     * @param peers   looks a session up by id (for LANE_BIND).
     * @param onAbuse disconnects a session that went past its violations.
     */
    FrameGate(
        final GameServer.Context ctx,
        final Counters counters,
        final CachedNanoClock clock,
        final IntFunction<Peer> peers,
        final Consumer<Peer> onAbuse)
    {
        this.ctx = ctx;
        this.tokens = null != ctx.connectTokenSecret;
        this.maxFrameLength = ctx.maxFrameLength();
        this.clock = clock;
        this.peers = peers;
        this.onAbuse = onAbuse;
        this.counters = counters;
        this.framesIn = counters.get(EngineCounter.FRAMES_IN);
        this.bytesIn = counters.get(EngineCounter.BYTES_IN);
        this.unauthenticated = counters.get(EngineCounter.DROPPED_UNAUTHENTICATED);
        this.oversize = counters.get(EngineCounter.DROPPED_OVERSIZE);
        this.malformed = counters.get(EngineCounter.DROPPED_MALFORMED);
        this.rateLimited = counters.get(EngineCounter.DROPPED_RATE_LIMITED);
    }

    /**
     * Pass a frame of a client's upstream lane. A CONNECT_REQUEST passes with its shape checked only: the handshake
     * authenticates it. A LANE_BIND must come from a binding or connected session and carry its secret; it may come on
     * a lane no session owns yet (a session moving to another port pair or path). Everything else must come from the
     * session that owns the lane, connected (inputs, snapshot acks) or at least binding (control frames). A frame Aeron had to fragment is refused: the engine never sends
     * one.
     *
     * @param unfragmented true when the frame arrived in one Aeron fragment.
     * @return the frame type, or {@link #DROPPED}.
     */
    int passUpstream(
        final Lane lane,
        final DirectBuffer buffer,
        final int offset,
        final int fragmentLength,
        final boolean unfragmented)
    {
        peer = null;
        if (lane.isClosed())
        {
            return drop(unauthenticated);
        }
        if (!unfragmented)
        {
            oversize.incrementRelease();
            violation(lane.peer);
            return DROPPED;
        }
        final int length = frameLength(buffer, offset, fragmentLength);
        if (!isValid(buffer, offset, length, lane.peer))
        {
            return DROPPED;
        }
        final int type = buffer.getByte(offset + FrameHeaderFlyweight.TYPE_OFFSET) & 0xFF;
        if (FrameType.CONNECT_REQUEST == type)
        {
            frameBuffer = buffer;
            frameOffset = offset;
            frameLength = fragmentLength;
            peer = lane.peer;
            return type;
        }
        final int sessionId = sessionIdOf(buffer, offset);
        if (FrameType.LANE_BIND == type)
        {
            final Peer owner = peers.apply(sessionId);
            if (null == owner ||
                (owner.state() != SessionState.BINDING && owner.state() != SessionState.CONNECTED) ||
                (null != lane.peer && lane.peer != owner))
            {
                return drop(unauthenticated);
            }
            if (!open(owner, buffer, offset, fragmentLength))
            {
                return DROPPED;
            }
            laneBindFlyweight.wrap(frameBuffer, frameOffset, frameLength);
            if (owner.secret != laneBindFlyweight.secret())
            {
                return drop(unauthenticated);
            }
            return accept(owner, type);
        }
        final Peer owner = lane.peer;
        final boolean inputs = FrameType.INPUT == type || FrameType.SNAPSHOT_ACK == type;
        if (null == owner || owner.lane != lane || owner.sessionId != sessionId ||
            (owner.state() != SessionState.CONNECTED && (inputs || owner.state() != SessionState.BINDING)))
        {
            return drop(unauthenticated);
        }
        if (!open(owner, buffer, offset, fragmentLength) || !withinByteRate(owner, type, length))
        {
            return DROPPED;
        }
        return accept(owner, type);
    }

    /**
     * A reliable frame about to be handled for the first time is within the session's message and byte rates.
     *
     * @param owner  the session.
     * @param type   the enclosed frame's type.
     * @param length the enclosed frame's length.
     * @return false when it is over a rate: counted, and against the session.
     */
    boolean withinMessageRate(final Peer owner, final int type, final int length)
    {
        final long nowNs = clock.nanoTime();
        switch (type)
        {
            case FrameType.MESSAGE:
            case FrameType.ROOM_EMIT:
            case FrameType.JOIN_REQUEST:
            case FrameType.LEAVE_REQUEST:
            case FrameType.REPLAY_REQUEST:
            case FrameType.FEED_REQUEST:
                if (owner.messageBucket.tryConsume(nowNs, 1))
                {
                    return true;
                }
                rateLimited.incrementRelease();
                violation(owner);
                return false;

            default:
                return true;
        }
    }

    DirectBuffer frameBuffer()
    {
        return frameBuffer;
    }

    int frameOffset()
    {
        return frameOffset;
    }

    int frameLength()
    {
        return frameLength;
    }

    /**
     * @return the session the passed frame came from (null for a CONNECT_REQUEST on a new lane).
     */
    Peer peer()
    {
        return peer;
    }

    /**
     * A frame that passed turned out malformed inside, or broke a rule of its type: counted under its reason and
     * against the session.
     */
    void reject(final Peer peer, final EngineCounter reason)
    {
        counters.get(reason).incrementRelease();
        violation(peer);
    }

    /**
     * A frame that passed turned out malformed inside, in a way a well-behaved client can produce (a stale
     * request): counted only.
     */
    void count(final EngineCounter reason)
    {
        counters.get(reason).incrementRelease();
    }

    private int accept(final Peer owner, final int type)
    {
        owner.lastHeardNs = clock.nanoTime();
        framesIn.incrementRelease();
        bytesIn.getAndAddRelease(frameLength);
        peer = owner;
        return type;
    }

    private int drop(final AtomicCounter reason)
    {
        reason.incrementRelease();
        return DROPPED;
    }

    private boolean open(final Peer owner, final DirectBuffer buffer, final int offset, final int fragmentLength)
    {
        if (!tokens)
        {
            frameBuffer = buffer;
            frameOffset = offset;
            frameLength = fragmentLength;
            return true;
        }
        final LaneCrypto crypto = owner.crypto;
        final int length = crypto.open(FrameCipher.UPSTREAM_LANE, buffer, offset, fragmentLength);
        if (length < 0)
        {
            unauthenticated.incrementRelease();
            return false;
        }
        frameBuffer = crypto.openedBuffer();
        frameOffset = crypto.openedOffset();
        frameLength = length;
        return true;
    }

    private boolean isValid(final DirectBuffer buffer, final int offset, final int length, final Peer owner)
    {
        if (length < FrameHeaderFlyweight.HEADER_LENGTH)
        {
            malformed.incrementRelease();
            violation(owner);
            return false;
        }
        final int result = FrameHeaderFlyweight.validate(buffer, offset, length);
        if (FrameHeaderFlyweight.VALID != result)
        {
            counters.get(FrameCheck.dropCounter(result)).incrementRelease();
            violation(owner);
            return false;
        }
        if (length > maxFrameLength)
        {
            oversize.incrementRelease();
            violation(owner);
            return false;
        }
        return true;
    }

    private boolean withinByteRate(final Peer owner, final int type, final int length)
    {
        switch (type)
        {
            case FrameType.INPUT:
            case FrameType.SNAPSHOT_ACK:
            case FrameType.RELIABLE:
                if (owner.byteBucket.tryConsume(clock.nanoTime(), length))
                {
                    return true;
                }
                rateLimited.incrementRelease();
                violation(owner);
                return false;

            default:
                return true;
        }
    }

    private void violation(final Peer owner)
    {
        if (null != owner && owner.state() != SessionState.CLOSED && ++owner.violations > ctx.maxViolationsPerSession)
        {
            onAbuse.accept(owner);
        }
    }

    /**
     * Length of the frame inside a fragment: without the authentication trailer when tokens are in use. A connect
     * request without credentials comes from a client without a key and carries no trailer; it is answered
     * TOKEN_INVALID.
     */
    private int frameLength(final DirectBuffer buffer, final int offset, final int fragmentLength)
    {
        if (!tokens)
        {
            return fragmentLength;
        }
        if (fragmentLength == ConnectRequestFlyweight.CREDENTIALS_OFFSET &&
            (buffer.getByte(offset + FrameHeaderFlyweight.TYPE_OFFSET) & 0xFF) == FrameType.CONNECT_REQUEST &&
            buffer.getInt(offset + ConnectRequestFlyweight.CREDENTIALS_LENGTH_OFFSET, LITTLE_ENDIAN) == 0)
        {
            return fragmentLength;
        }
        return fragmentLength - trailerLength(buffer, offset, fragmentLength);
    }

    /**
     * Length of the trailer of a client frame on a server with connect tokens: an encryption trailer when the frame
     * is sealed (the flag on a CONNECT_REQUEST asks for encryption instead, and that frame carries a SipHash trailer).
     */
    static int trailerLength(final DirectBuffer buffer, final int offset, final int fragmentLength)
    {
        return fragmentLength >= FrameHeaderFlyweight.HEADER_LENGTH && isSealed(buffer, offset) ?
            FrameCipher.TRAILER_LENGTH : AuthTrailer.LENGTH;
    }

    static boolean isSealed(final DirectBuffer buffer, final int offset)
    {
        return FrameCipher.isSealed(buffer, offset) &&
            (buffer.getByte(offset + FrameHeaderFlyweight.TYPE_OFFSET) & 0xFF) != FrameType.CONNECT_REQUEST;
    }

    private static int sessionIdOf(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + FrameHeaderFlyweight.SESSION_ID_OFFSET, LITTLE_ENDIAN);
    }
}
