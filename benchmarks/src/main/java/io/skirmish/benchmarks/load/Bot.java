package io.skirmish.benchmarks.load;

import io.skirmish.engine.DisconnectReason;
import io.skirmish.engine.LeaveReason;
import io.skirmish.engine.client.ClientListener;
import io.skirmish.engine.client.ClientState;
import io.skirmish.engine.client.GameClient;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One simulated player: its {@link GameClient} (INVOKER mode, on a shared client-side driver), what it received, and
 * its input schedule. Once connected it joins its room; once joined, and while inputs are on, it sends an
 * {@value #INPUT_LENGTH}-byte input every {@code 1 / 30} s at its own phase (the engine repeats earlier inputs in
 * each packet, {@code inputRedundancy}). Driven by the fleet's thread only.
 */
final class Bot implements ClientListener
{
    /** Bytes of one input. */
    static final int INPUT_LENGTH = 16;
    private static final long INPUT_PERIOD_NS = 1_000_000_000L / Scenario.TICK_RATE_HZ;

    private final int roomId;
    private final long inputPhaseNs;
    private final SeqCheck seqCheck = new SeqCheck();
    private GameClient client;
    private boolean joinAsked;
    private boolean joined;
    private boolean ended;
    private DisconnectReason endReason;
    private long snapshots;
    private long events;
    private long inputTick;
    private long nextInputNs;
    private long inputsDropped;
    private long windowSnapshots;
    private long connectionsLost;
    private long resumes;
    private long launchedNs;
    private long connectNs = -1;
    private long refusedFull;
    private long refusedBusy;
    private long sampleSnapshots;

    Bot(final int roomId, final long inputPhaseNs)
    {
        this.roomId = roomId;
        this.inputPhaseNs = inputPhaseNs % INPUT_PERIOD_NS;
    }

    void client(final GameClient client, final long launchedNs)
    {
        this.client = client;
        this.launchedNs = launchedNs;
    }

    /**
     * @return nanoseconds from its launch to its first connection, or -1 while it has not connected.
     */
    long connectNs()
    {
        return connectNs;
    }

    GameClient client()
    {
        return client;
    }

    /**
     * Poll the client (its duty cycles: receive, acknowledge, keep alive).
     *
     * @param nowNs the loop's clock.
     * @return work count.
     */
    int poll(final long nowNs)
    {
        final int work = client.poll();
        if (connectNs < 0 && client.isConnected())
        {
            connectNs = nowNs - launchedNs;
        }
        return work;
    }

    /**
     * Ask to join once connected, and send an input when one is due.
     *
     * @param nowNs      the loop's clock.
     * @param sendInputs true while inputs are on.
     * @param input      the input bytes to send (shared by all bots).
     * @return work count.
     */
    int act(final long nowNs, final boolean sendInputs, final UnsafeBuffer input)
    {
        int work = 0;
        if (!joinAsked && connectNs >= 0 && client.isConnected())
        {
            joinAsked = true;
            client.join(roomId);
            work++;
        }
        if (sendInputs && joined)
        {
            if (0 == nextInputNs)
            {
                nextInputNs = nowNs - Math.floorMod(nowNs, INPUT_PERIOD_NS) + inputPhaseNs;
            }
            if (nowNs - nextInputNs >= 0)
            {
                input.putLong(0, ++inputTick);
                if (client.sendInput(inputTick, input, 0, INPUT_LENGTH) < 0)
                {
                    inputsDropped++;
                }
                nextInputNs += INPUT_PERIOD_NS;
                if (nowNs - nextInputNs >= 0)
                {
                    nextInputNs = nowNs + INPUT_PERIOD_NS; // late: skip rather than burst
                }
                work++;
            }
        }
        return work;
    }

    boolean isConnected()
    {
        return null != client && client.isConnected();
    }

    boolean isJoined()
    {
        return joined;
    }

    boolean hasEnded()
    {
        return ended;
    }

    DisconnectReason endReason()
    {
        return endReason;
    }

    long snapshots()
    {
        return snapshots;
    }

    long events()
    {
        return events;
    }

    long inputsSent()
    {
        return inputTick;
    }

    long inputsDropped()
    {
        return inputsDropped;
    }

    SeqCheck seqCheck()
    {
        return seqCheck;
    }

    void markWindowStart()
    {
        windowSnapshots = snapshots;
    }

    long snapshotsSinceWindowStart()
    {
        return snapshots - windowSnapshots;
    }

    long connectionsLost()
    {
        return connectionsLost;
    }

    long resumes()
    {
        return resumes;
    }

    /**
     * {@inheritDoc}
     */
    public void onStateChange(final ClientState oldState, final ClientState newState)
    {
        if (ClientState.CONNECTED == oldState)
        {
            connectionsLost++;
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onConnected(final int sessionId, final boolean resumed)
    {
        if (resumed)
        {
            resumes++;
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onConnectRefused(final DisconnectReason reason, final long retryInNs)
    {
        if (DisconnectReason.SERVER_BUSY == reason)
        {
            refusedBusy++;
        }
        else
        {
            refusedFull++;
        }
    }

    /**
     * @return times the server refused it as full.
     */
    long refusedFull()
    {
        return refusedFull;
    }

    /**
     * @return times the server refused it as busy.
     */
    long refusedBusy()
    {
        return refusedBusy;
    }

    /**
     * @return true once it was refused at least once, or connected, or gave up: it no longer holds a connect slot.
     */
    boolean hasAnswer()
    {
        return refusedFull + refusedBusy > 0 || connectNs >= 0 || ended;
    }

    /**
     * @return snapshots received since the previous call.
     */
    long snapshotsSinceSample()
    {
        final long count = snapshots - sampleSnapshots;
        sampleSnapshots = snapshots;
        return count;
    }

    /**
     * {@inheritDoc}
     */
    public void onDisconnected(final DisconnectReason reason)
    {
        ended = true;
        endReason = reason;
    }

    /**
     * {@inheritDoc}
     */
    public void onJoined(final int roomId, final long nextSeq)
    {
        if (this.roomId == roomId)
        {
            joined = true;
            seqCheck.onJoined(nextSeq);
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onLeft(final int roomId, final LeaveReason reason)
    {
        if (this.roomId == roomId)
        {
            joined = false;
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onEvent(
        final int roomId,
        final long seq,
        final int senderSessionId,
        final int typeId,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        if (this.roomId == roomId)
        {
            seqCheck.onSeq(seq);
            if (Scenario.EVENT_TYPE_ID == typeId)
            {
                events++;
            }
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onMemberJoined(final int roomId, final long seq, final int sessionId)
    {
        if (this.roomId == roomId)
        {
            seqCheck.onSeq(seq);
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onMemberLeft(final int roomId, final long seq, final int sessionId, final LeaveReason reason)
    {
        if (this.roomId == roomId)
        {
            seqCheck.onSeq(seq);
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onResync(
        final int roomId, final long seq, final DirectBuffer buffer, final int offset, final int length)
    {
        if (this.roomId == roomId)
        {
            seqCheck.onResync(seq);
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onSnapshot(
        final int roomId,
        final long tick,
        final long baselineTick,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        snapshots++;
    }
}
