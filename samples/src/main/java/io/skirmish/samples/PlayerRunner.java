package io.skirmish.samples;

import io.skirmish.samples.arena.ArenaServer;
import io.skirmish.samples.client.ArenaClient;
import io.skirmish.samples.client.ClientStats;
import io.skirmish.samples.ui.DemoWindow;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;

import javax.swing.Timer;
import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Runs the local player of a window: its client is polled by an {@link AgentRunner} thread (the client's embedded
 * driver, its simulated network and the game), and the window lives on the Swing event thread.
 */
final class PlayerRunner implements AutoCloseable
{
    private final ArenaClient player;
    private final AgentRunner runner;

    PlayerRunner(final ArenaClient player)
    {
        this.player = player;
        this.runner = new AgentRunner(
            SampleConfiguration.idleStrategy(),
            Throwable::printStackTrace,
            null,
            new Agent()
            {
                public int doWork()
                {
                    return player.poll();
                }

                public void onClose()
                {
                    player.close();
                }

                public String roleName()
                {
                    return "skirmish-player";
                }
            });
        AgentRunner.startOnThread(runner);
    }

    ArenaClient player()
    {
        return player;
    }

    /**
     * Open the window for the player (and take the screenshot if {@link SampleConfiguration#SCREENSHOT} is set).
     *
     * @param title      window title.
     * @param arenaCount arenas on the server.
     * @param game       the in-process game server, or null.
     * @param others     the bots' stats, or null.
     * @param onClose    run when the window closes.
     * @return the window.
     */
    DemoWindow openWindow(
        final String title,
        final int arenaCount,
        final ArenaServer game,
        final Supplier<List<ClientStats>> others,
        final Runnable onClose)
    {
        final AtomicReference<DemoWindow> window = new AtomicReference<>();
        DemoWindow.onEventThread(() ->
        {
            final DemoWindow w = new DemoWindow(
                title, player, arenaCount, SampleConfiguration.INTERPOLATION_DELAY_NS, game, others, onClose);
            w.show();
            window.set(w);
            if (null != SampleConfiguration.SCREENSHOT)
            {
                final Timer timer = new Timer(
                    (int)TimeUnit.NANOSECONDS.toMillis(SampleConfiguration.SCREENSHOT_DELAY_NS),
                    (e) -> screenshot(w));
                timer.setRepeats(false);
                timer.start();
            }
        });
        return window.get();
    }

    private static void screenshot(final DemoWindow window)
    {
        final File file = new File(SampleConfiguration.SCREENSHOT);
        try
        {
            window.screenshot(file);
            System.out.println("screenshot written to " + file.getAbsolutePath());
        }
        catch (final IOException ex)
        {
            System.err.println("screenshot failed: " + ex);
        }
        if (SampleConfiguration.EXIT_AFTER_SCREENSHOT)
        {
            window.close();
        }
    }

    /**
     * Stop polling and close the player's session (on its own thread).
     */
    public void close()
    {
        runner.close();
    }
}
