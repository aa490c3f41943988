package io.skirmish.engine.server;

import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.protocol.InputFlyweight;
import io.skirmish.engine.status.Counters;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.status.AtomicCounter;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Unpacks the inputs of a client's upstream, after the {@link FrameGate} passed them: the redundant copies each frame
 * carries are sorted out so that the game gets each tick's input once, in order, and hears of the ticks that never
 * arrived; the newest snapshot tick the frame acknowledges goes to the snapshot publisher. For a client in a ticking
 * room (the room of the snapshot the frame acknowledges) it measures how long before its tick the newest input
 * arrived (the lead, sent back in that member's snapshots for its tick clock) and counts inputs that arrived after
 * their tick ({@link EngineCounter#INPUTS_LATE}). Each input's render view is set on the session for the game's lag
 * compensation. Conductor thread only; allocation-free.
 */
final class InputHandler
{
    static final int MAX_INPUT_REDUNDANCY = 64;

    private final FrameGate gate;
    private final SnapshotPublisher snapshots;
    private final ServerListener listener;
    private final InputFlyweight inputFlyweight = new InputFlyweight();
    private final int[] entryOffsets = new int[MAX_INPUT_REDUNDANCY];
    private final int[] entryLengths = new int[MAX_INPUT_REDUNDANCY];
    private final int[] entryFromBacks = new int[MAX_INPUT_REDUNDANCY];
    private final int[] entrySpans = new int[MAX_INPUT_REDUNDANCY];
    private final int[] entryBlends = new int[MAX_INPUT_REDUNDANCY];
    private final NanoClock clock;
    private final AtomicCounter inputsLate;
    private final AtomicCounter inputsReceived;
    private final AtomicCounter inputsMissing;

    InputHandler(
        final FrameGate gate,
        final SnapshotPublisher snapshots,
        final ServerListener listener,
        final NanoClock clock,
        final Counters counters)
    {
        this.clock = clock;
        this.inputsLate = counters.get(EngineCounter.INPUTS_LATE);
        this.gate = gate;
        this.snapshots = snapshots;
        this.listener = listener;
        this.inputsReceived = counters.get(EngineCounter.INPUTS_RECEIVED);
        this.inputsMissing = counters.get(EngineCounter.INPUTS_MISSING);
    }

    void onInput(final Peer peer, final DirectBuffer buffer, final int offset, final int length)
    {
        final Session session = peer.session;
        final InputFlyweight input = inputFlyweight;
        input.wrap(buffer, offset, length);
        final long ackTick = input.ackTick();
        if (ackTick > session.ackedSnapshotTick)
        {
            session.ackedSnapshotTick = ackTick;
        }
        if (0 != input.ackRoomId())
        {
            snapshots.onAck(peer, input.ackRoomId(), ackTick, false);
        }
        final int count = input.count();
        if (count < 0 || count > MAX_INPUT_REDUNDANCY || !unpack(buffer, offset, length, count))
        {
            gate.reject(peer, EngineCounter.DROPPED_MALFORMED);
            return;
        }
        if (0 == count)
        {
            return;
        }
        final long newest = input.newestInputTick();
        final long oldest = newest - count + 1;
        if (oldest > newest)
        {
            // the ticks wrap around Long.MIN_VALUE: no client sends that
            gate.reject(peer, EngineCounter.DROPPED_MALFORMED);
            return;
        }
        final Membership membership = 0 == input.ackRoomId() ? null : session.memberships.get(input.ackRoomId());
        final Room room = null == membership || membership.room.tickIntervalNs <= 0 ? null : membership.room;
        if (null != room && newest > membership.leadInputTick)
        {
            final long leadNs =
                room.nextTickNs + (newest - room.tick - 1) * room.tickIntervalNs - clock.nanoTime();
            membership.leadInputTick = newest;
            membership.leadNs = leadNs;
            session.inputLeadNs = leadNs;
        }
        final long last = session.lastInputTick;
        if (newest <= last)
        {
            return;
        }
        long from = oldest;
        if (last != Long.MIN_VALUE)
        {
            if (oldest > last + 1)
            {
                inputsMissing.getAndAddRelease(oldest - (last + 1));
                listener.onInputMissing(session, last + 1, oldest - 1);
            }
            from = Math.max(oldest, last + 1);
        }
        for (long tick = from; tick <= newest; tick++)
        {
            final int index = (int)(newest - tick);
            session.lastInputTick = tick;
            inputsReceived.incrementRelease();
            if (null != room && tick <= room.tick)
            {
                inputsLate.incrementRelease();
            }
            final int fromBack = entryFromBacks[index];
            if (InputFlyweight.NO_RENDER == fromBack)
            {
                session.inputRenderFromTick = -1;
                session.inputRenderToTick = -1;
                session.inputRenderBlend = 0;
            }
            else
            {
                session.inputRenderFromTick = tick - fromBack;
                session.inputRenderToTick = tick - fromBack + entrySpans[index];
                session.inputRenderBlend = entryBlends[index] / (double)InputFlyweight.BLEND_ONE;
            }
            listener.onInput(session, tick, buffer, entryOffsets[index], entryLengths[index]);
        }
    }

    /**
     * Find the entries of an input frame (newest first).
     *
     * @return false when an entry runs past the frame.
     */
    private boolean unpack(final DirectBuffer buffer, final int offset, final int length, final int count)
    {
        int position = offset + InputFlyweight.ENTRIES_OFFSET;
        final int end = offset + length;
        for (int i = 0; i < count; i++)
        {
            if (position + InputFlyweight.ENTRY_HEADER_LENGTH > end)
            {
                return false;
            }
            final int entryLength = buffer.getShort(position, LITTLE_ENDIAN) & 0xFFFF;
            position += InputFlyweight.ENTRY_HEADER_LENGTH;
            if (position + entryLength > end)
            {
                return false;
            }
            entryFromBacks[i] = buffer.getShort(
                position - InputFlyweight.ENTRY_HEADER_LENGTH + InputFlyweight.ENTRY_RENDER_FROM_BACK_OFFSET,
                LITTLE_ENDIAN) & 0xFFFF;
            entrySpans[i] = buffer.getShort(
                position - InputFlyweight.ENTRY_HEADER_LENGTH + InputFlyweight.ENTRY_RENDER_SPAN_OFFSET,
                LITTLE_ENDIAN) & 0xFFFF;
            entryBlends[i] = buffer.getShort(
                position - InputFlyweight.ENTRY_HEADER_LENGTH + InputFlyweight.ENTRY_RENDER_BLEND_OFFSET,
                LITTLE_ENDIAN) & 0xFFFF;
            entryOffsets[i] = position;
            entryLengths[i] = entryLength;
            position += entryLength;
        }
        return true;
    }
}
