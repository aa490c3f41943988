package io.skirmish.engine.client;

import io.aeron.logbuffer.BufferClaim;
import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.SendResult;
import io.skirmish.engine.protocol.FrameType;
import io.skirmish.engine.protocol.InputFlyweight;
import io.skirmish.engine.security.FrameCipher;
import io.skirmish.engine.security.LaneCrypto;
import io.skirmish.engine.status.Counters;
import io.skirmish.engine.transport.FrameOffer;
import io.skirmish.engine.transport.Outlet;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.Arrays;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The client's inputs on the unreliable input lane: a ring of the last N inputs by tick, and each input sent with
 * as many earlier ones as fit one datagram, so that the server can fill in what was lost. Every input frame also
 * carries the newest snapshot tick received (the server's delta baseline), and each input the view the client was
 * rendering when it was produced (for the server's lag compensation). Written straight into a claim of the lane.
 * Tells the {@link TickClock}, when there is one, when each input was sent, and then sends each frame a second time
 * half a tick later ({@link #resend}). Client thread only; allocation-free.
 */
final class InputSender
{
    private final FrameOffer frameOffer;
    private final LaneCrypto crypto;
    private final SnapshotReceiver snapshots;
    private final int maxInputLength;
    private final long[] ticks;
    private final int[] lengths;
    private final int[] renderFromBacks;
    private final int[] renderSpans;
    private final int[] renderBlends;
    private final TickClock tickClock;
    private final NanoClock clock;
    private final UnsafeBuffer[] inputs;
    private final BufferClaim bufferClaim = new BufferClaim();
    private final InputFlyweight inputFlyweight = new InputFlyweight();
    private final AtomicCounter sendsDropped;
    private long lastInputTick = Long.MIN_VALUE;
    private long lastSentNs;
    private boolean resent = true;

    InputSender(
        final int redundancy,
        final int maxInputLength,
        final FrameOffer frameOffer,
        final LaneCrypto crypto,
        final SnapshotReceiver snapshots,
        final TickClock tickClock,
        final NanoClock clock,
        final Counters counters)
    {
        this.tickClock = tickClock;
        this.clock = clock;
        this.renderFromBacks = new int[redundancy];
        this.renderSpans = new int[redundancy];
        this.renderBlends = new int[redundancy];
        this.frameOffer = frameOffer;
        this.crypto = crypto;
        this.snapshots = snapshots;
        this.maxInputLength = maxInputLength;
        this.ticks = new long[redundancy];
        this.lengths = new int[redundancy];
        this.inputs = new UnsafeBuffer[redundancy];
        Arrays.fill(ticks, Long.MIN_VALUE);
        for (int i = 0; i < redundancy; i++)
        {
            inputs[i] = new UnsafeBuffer(new byte[maxInputLength]);
        }
        this.sendsDropped = counters.get(EngineCounter.UNRELIABLE_SEND_DROPPED);
    }

    /**
     * Keep the input for the tick, then send it with the earlier ones when there is a lane.
     *
     * @param outlet         the input lane, or null when not connected.
     * @param sessionId      for the frame header.
     * @param inputTick      the input's tick.
     * @param renderFromTick the older snapshot tick the client was rendering, or a negative value for none.
     * @param renderToTick   the newer snapshot tick it was blending towards (at least the from tick).
     * @param renderBlend    the blend between them, in [0, 1).
     * @return the new position, or a negative {@link SendResult} code.
     * @throws IllegalArgumentException when the tick is not above the last one.
     */
    long send(
        final Outlet outlet,
        final int sessionId,
        final long inputTick,
        final long renderFromTick,
        final long renderToTick,
        final double renderBlend,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        if (length > maxInputLength || length < 0)
        {
            return SendResult.MESSAGE_TOO_LARGE;
        }
        if (inputTick <= lastInputTick && lastInputTick != Long.MIN_VALUE)
        {
            throw new IllegalArgumentException("input ticks must increase: " + inputTick + " after " + lastInputTick);
        }
        lastInputTick = inputTick;
        final int slot = slot(inputTick);
        ticks[slot] = inputTick;
        lengths[slot] = length;
        inputs[slot].putBytes(0, buffer, offset, length);
        final long fromBack = inputTick - renderFromTick;
        final long span = renderToTick - renderFromTick;
        if (renderFromTick < 0 || fromBack < 0 || fromBack >= InputFlyweight.NO_RENDER || span < 0 || span > 0xFFFF)
        {
            renderFromBacks[slot] = InputFlyweight.NO_RENDER;
            renderSpans[slot] = 0;
            renderBlends[slot] = 0;
        }
        else
        {
            renderFromBacks[slot] = (int)fromBack;
            renderSpans[slot] = (int)span;
            renderBlends[slot] = (int)Math.max(0, Math.min(
                InputFlyweight.BLEND_ONE - 1, Math.round(renderBlend * InputFlyweight.BLEND_ONE)));
        }
        if (null == outlet)
        {
            return SendResult.NOT_CONNECTED_SESSION;
        }
        final long nowNs = clock.nanoTime();
        final long result = sendFrame(outlet, sessionId, inputTick, nowNs);
        lastSentNs = nowNs;
        resent = false;
        if (null != tickClock)
        {
            tickClock.onInputSent(inputTick, nowNs);
        }
        return result;
    }

    /**
     * With a tick clock, send the newest input frame again half a tick after it went, when no newer input went
     * meanwhile: a lost input frame is then repaired half a tick later rather than a whole one, which keeps inputs
     * on time at a smaller lead. Call once per duty cycle while connected.
     *
     * @param outlet    the input lane.
     * @param sessionId for the frame header.
     * @param nowNs     current time.
     * @return 1 when a frame went again, else 0.
     */
    int resend(final Outlet outlet, final int sessionId, final long nowNs)
    {
        if (null == tickClock || resent || Long.MIN_VALUE == lastInputTick ||
            nowNs - lastSentNs < tickClock.tickIntervalNs() / 2)
        {
            return 0;
        }
        resent = true;
        return sendFrame(outlet, sessionId, lastInputTick, nowNs) > 0 ? 1 : 0;
    }

    private long sendFrame(final Outlet outlet, final int sessionId, final long inputTick, final long nowNs)
    {
        final int maxLength = outlet.maxPayloadLength() - crypto.sendTrailerLength();
        int count = 0;
        int total = InputFlyweight.ENTRIES_OFFSET;
        for (long tick = inputTick; count < ticks.length; tick--, count++)
        {
            final int s = slot(tick);
            if (ticks[s] != tick || total + InputFlyweight.ENTRY_HEADER_LENGTH + lengths[s] > maxLength)
            {
                break;
            }
            total += InputFlyweight.ENTRY_HEADER_LENGTH + lengths[s];
        }
        final long result = frameOffer.tryClaim(outlet, crypto, total, bufferClaim);
        if (result < 0)
        {
            sendsDropped.incrementRelease();
            return result;
        }
        final MutableDirectBuffer claimed = bufferClaim.buffer();
        final int claimOffset = bufferClaim.offset();
        inputFlyweight.wrapForEncode(claimed, claimOffset, FrameType.INPUT, sessionId);
        inputFlyweight.ackTick(snapshots.lastAckTick()).newestInputTick(inputTick).count(count)
            .ackRoomId(snapshots.lastAckRoomId());
        int position = claimOffset + InputFlyweight.ENTRIES_OFFSET;
        for (int i = 0; i < count; i++)
        {
            final int s = slot(inputTick - i);
            final int entryLength = lengths[s];
            claimed.putShort(position, (short)entryLength, LITTLE_ENDIAN);
            claimed.putShort(
                position + InputFlyweight.ENTRY_RENDER_FROM_BACK_OFFSET, (short)renderFromBacks[s], LITTLE_ENDIAN);
            claimed.putShort(position + InputFlyweight.ENTRY_RENDER_SPAN_OFFSET, (short)renderSpans[s], LITTLE_ENDIAN);
            claimed.putShort(
                position + InputFlyweight.ENTRY_RENDER_BLEND_OFFSET, (short)renderBlends[s], LITTLE_ENDIAN);
            claimed.putBytes(position + InputFlyweight.ENTRY_HEADER_LENGTH, inputs[s], 0, entryLength);
            position += InputFlyweight.ENTRY_HEADER_LENGTH + entryLength;
        }
        frameOffer.commit(bufferClaim, crypto, FrameCipher.UPSTREAM_LANE, total);
        snapshots.onInputSent(nowNs);
        return result;
    }

    private int slot(final long tick)
    {
        return (int)Math.floorMod(tick, (long)ticks.length);
    }
}
