package io.skirmish.engine.server;

/**
 * Which thread runs the server conductor, so that calls on the game's API from any other thread fail loudly instead
 * of racing with it. The thread is known from the conductor's start (or its first duty cycle when invoked).
 */
final class ConductorThread
{
    private volatile Thread thread;

    void claim()
    {
        if (null == thread)
        {
            thread = Thread.currentThread();
        }
    }

    void check()
    {
        final Thread thread = this.thread;
        if (null != thread && thread != Thread.currentThread())
        {
            throw new IllegalStateException(
                "GameServer methods must be called on the conductor thread (" + thread.getName() +
                "); use GameServer.proxy() from other threads");
        }
    }
}
