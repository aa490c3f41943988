package io.skirmish.engine;

import io.skirmish.engine.client.ClientListener;
import io.skirmish.engine.client.ClientState;
import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * Records what a client delivered to the game (INVOKER clients: read on the polling thread).
 */
public class RecordingClientListener implements ClientListener
{
    public final List<ClientState> states = new ArrayList<>();
    public final List<String> events = new ArrayList<>();
    public final List<Object> objects = new ArrayList<>();
    public final List<String> membership = new ArrayList<>();
    public final List<Long> snapshotTicks = new ArrayList<>();
    public final List<byte[]> snapshots = new ArrayList<>();
    public final List<String> resyncs = new ArrayList<>();
    public final List<Integer> joined = new ArrayList<>();
    public final List<String> left = new ArrayList<>();
    public final List<String> joinFailures = new ArrayList<>();
    public DisconnectReason disconnected;
    public int connects;
    public int resumes;

    public void onStateChange(final ClientState oldState, final ClientState newState)
    {
        states.add(newState);
    }

    public void onConnected(final int sessionId, final boolean resumed)
    {
        if (resumed)
        {
            resumes++;
        }
        else
        {
            connects++;
        }
    }

    public void onDisconnected(final DisconnectReason reason)
    {
        disconnected = reason;
    }

    public void onJoined(final int roomId, final long nextSeq)
    {
        joined.add(roomId);
    }

    public void onJoinFailed(final int roomId, final int requestId, final int status)
    {
        joinFailures.add(roomId + ":" + status);
    }

    public void onLeft(final int roomId, final LeaveReason reason)
    {
        left.add(roomId + ":" + reason);
    }

    public void onEvent(
        final int roomId,
        final long seq,
        final int senderSessionId,
        final int typeId,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        events.add(roomId + "/" + seq + "/" + senderSessionId + "/" + typeId + "/" +
            buffer.getStringWithoutLengthUtf8(offset, length));
    }

    public void onEvent(final int roomId, final long seq, final int senderSessionId, final Object message)
    {
        objects.add(message);
    }

    public void onMemberJoined(final int roomId, final long seq, final int sessionId)
    {
        membership.add("+" + roomId + "/" + seq + "/" + sessionId);
    }

    public void onMemberLeft(final int roomId, final long seq, final int sessionId, final LeaveReason reason)
    {
        membership.add("-" + roomId + "/" + seq + "/" + sessionId + "/" + reason);
    }

    public void onResync(final int roomId, final long seq, final DirectBuffer buffer, final int offset, final int length)
    {
        resyncs.add(roomId + "/" + seq + "/" + buffer.getStringWithoutLengthUtf8(offset, length));
    }

    public void onSnapshot(
        final int roomId,
        final long tick,
        final long baselineTick,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        snapshotTicks.add(tick);
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        snapshots.add(bytes);
    }
}
