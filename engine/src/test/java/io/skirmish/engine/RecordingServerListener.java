package io.skirmish.engine;

import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.ServerListener;
import io.skirmish.engine.server.Session;
import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records what a server saw, safe to read from the test thread.
 */
public class RecordingServerListener implements ServerListener
{
    public final List<Session> connected = new CopyOnWriteArrayList<>();
    public final List<Session> resumed = new CopyOnWriteArrayList<>();
    public final List<DisconnectReason> suspended = new CopyOnWriteArrayList<>();
    public final List<DisconnectReason> closed = new CopyOnWriteArrayList<>();
    public final List<String> messages = new CopyOnWriteArrayList<>();
    public final List<Object> objects = new CopyOnWriteArrayList<>();
    public final List<Long> inputTicks = new CopyOnWriteArrayList<>();
    public final List<long[]> missingInputs = new CopyOnWriteArrayList<>();
    public volatile GameServer server;

    public void onStart(final GameServer server)
    {
        this.server = server;
    }

    public void onSessionConnected(final Session session)
    {
        connected.add(session);
    }

    public void onSessionResumed(final Session session)
    {
        resumed.add(session);
    }

    public void onSessionSuspended(final Session session, final DisconnectReason reason)
    {
        suspended.add(reason);
    }

    public void onSessionClosed(final Session session, final DisconnectReason reason)
    {
        closed.add(reason);
    }

    public void onMessage(
        final Session session, final int typeId, final DirectBuffer buffer, final int offset, final int length)
    {
        messages.add(typeId + ":" + buffer.getStringWithoutLengthUtf8(offset, length));
    }

    public void onMessage(final Session session, final Object message)
    {
        objects.add(message);
    }

    public void onInput(
        final Session session, final long inputTick, final DirectBuffer buffer, final int offset, final int length)
    {
        inputTicks.add(inputTick);
    }

    public void onInputMissing(final Session session, final long fromTick, final long toTick)
    {
        missingInputs.add(new long[]{ fromTick, toTick });
    }

    public static List<String> copy(final List<String> list)
    {
        return new ArrayList<>(list);
    }
}
