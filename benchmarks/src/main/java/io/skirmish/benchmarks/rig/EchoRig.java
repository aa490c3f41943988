package io.skirmish.benchmarks.rig;

import io.skirmish.engine.server.GameServer;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;

import java.io.File;

/**
 * A ping-pong pair on loopback UDP: what the caller sends comes back to its {@link EchoHandler}. The caller's thread
 * sends and polls; in {@link Threading#THREADED} mode the echoing side has a thread of its own.
 */
public interface EchoRig extends AutoCloseable
{
    /** The engine rig's room. */
    int ENGINE_ROOM_ID = 1;

    /** What echoes. */
    enum Impl
    {
        /** A {@code GameClient} emits an event to a room of one; the {@code GameServer} sequences and relays it. */
        ENGINE,
        /** Raw Aeron: one exclusive publication per direction, and an echo that offers each message back. */
        AERON
    }

    /**
     * Launch a rig and wait until it is ready to echo.
     *
     * @param impl       what echoes.
     * @param threading  thread arrangement.
     * @param echoIdle   idle strategy of the echo thread in {@link Threading#THREADED} mode (unused otherwise).
     * @param handler    receives each echo on the polling thread.
     * @return the connected rig.
     */
    static EchoRig launch(
        final Impl impl, final Threading threading, final IdleStrategy echoIdle, final EchoHandler handler)
    {
        return Impl.ENGINE == impl ?
            new EngineEchoRig(threading, echoIdle, handler, null, false) : new AeronEchoRig(threading, echoIdle, handler);
    }

    /**
     * Launch an engine rig whose server requires connect tokens: the client connects with a token minted with the
     * secret, and every frame it sends carries the authentication trailer, or with payload encryption every frame
     * both ways is sealed.
     *
     * @param threading          thread arrangement.
     * @param echoIdle           idle strategy of the server thread in {@link Threading#THREADED} mode.
     * @param handler            receives each echo on the polling thread.
     * @param connectTokenSecret the server's token secret, or null for a server that accepts every client.
     * @param payloadEncryption  the client asks for AES-GCM payload encryption (needs a token secret).
     * @return the connected rig.
     */
    static EchoRig launchEngine(
        final Threading threading, final IdleStrategy echoIdle, final EchoHandler handler,
        final byte[] connectTokenSecret, final boolean payloadEncryption)
    {
        return new EngineEchoRig(threading, echoIdle, handler, connectTokenSecret, payloadEncryption);
    }

    /**
     * Launch an engine rig whose room is durable: every event is recorded to an Aeron Archive embedded in the server
     * (its driver, and with {@link Threading#THREADED} its duty cycle: the recording's cost lands on the server's
     * thread).
     *
     * @param threading  thread arrangement.
     * @param echoIdle   idle strategy of the server thread in {@link Threading#THREADED} mode.
     * @param handler    receives each echo on the polling thread.
     * @param archiveDir the archive directory (the caller deletes it after closing the rig).
     * @return the connected rig.
     */
    static EchoRig launchDurable(
        final Threading threading, final IdleStrategy echoIdle, final EchoHandler handler, final File archiveDir)
    {
        return new EngineEchoRig(threading, echoIdle, handler, null, false, archiveDir);
    }

    /**
     * Send one message.
     *
     * @param buffer payload.
     * @param offset of the payload.
     * @param length of the payload.
     * @return true when sent, false when back-pressured (poll and retry).
     */
    boolean send(DirectBuffer buffer, int offset, int length);

    /**
     * Drive what the caller's thread owns: the pinging side, and in {@link Threading#SINGLE_THREAD} mode the echoing
     * side as well. Echoes are handed to the {@link EchoHandler} here.
     *
     * @return work count, 0 when idle.
     */
    int poll();

    /**
     * @return the engine's server, or null for raw Aeron.
     */
    default GameServer server()
    {
        return null;
    }

    /**
     * Stop any echo thread and release everything; throws when the rig recorded errors.
     */
    void close();
}
