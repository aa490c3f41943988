package io.skirmish.samples.ui;

import io.skirmish.samples.client.ArenaClient;
import io.skirmish.samples.client.ArenaInterpolator;
import io.skirmish.samples.client.ArenaView;
import io.skirmish.samples.client.ClientStats;
import org.agrona.DirectBuffer;

import javax.swing.JPanel;
import javax.swing.Timer;
import java.awt.Dimension;
import java.awt.Graphics;
import java.awt.Graphics2D;
import java.awt.event.KeyAdapter;
import java.awt.event.KeyEvent;
import java.awt.event.MouseAdapter;
import java.awt.event.MouseEvent;

import static io.skirmish.samples.arena.ArenaProtocol.roomName;

/**
 * The arena view of a window: repaints at 60 frames per second from a {@link Timer}, feeds the snapshots the
 * client copied (state bytes and arrival time) into an {@link ArenaInterpolator}, and draws the interpolated world.
 * Arrow keys or WASD steer the local player; until one is pressed, the autopilot steers. Used on the Swing event
 * thread only.
 */
public final class ArenaPanel extends JPanel
{
    private static final long serialVersionUID = 1L;
    private static final int FRAME_INTERVAL_MS = 16;

    private final transient ArenaClient player;
    private final transient ArenaInterpolator interpolator;
    private final transient ArenaClient.SnapshotHandler onSnapshot = this::onSnapshot;
    private final transient ArenaView view = new ArenaView();
    private final transient ArenaRenderer renderer = new ArenaRenderer();
    private final Timer timer;
    private int roomId;
    private int titleRoomId = -1;
    private boolean titleManual;
    private boolean up;
    private boolean down;
    private boolean left;
    private boolean right;
    private long fpsWindowStartNs = System.nanoTime();
    private int framesInWindow;

    /**
     * @param player  the local player.
     * @param delayNs interpolation delay in nanoseconds.
     */
    public ArenaPanel(final ArenaClient player, final long delayNs)
    {
        this.player = player;
        this.interpolator = new ArenaInterpolator(64, delayNs);
        setPreferredSize(new Dimension(820, 560));
        setFocusable(true);
        setBackground(ArenaRenderer.BACKGROUND);
        timer = new Timer(FRAME_INTERVAL_MS, (e) -> repaint());
        timer.setCoalesce(true);
        addKeyListener(new KeyAdapter()
        {
            public void keyPressed(final KeyEvent e)
            {
                onKey(e.getKeyCode(), true);
            }

            public void keyReleased(final KeyEvent e)
            {
                onKey(e.getKeyCode(), false);
            }
        });
        addMouseListener(new MouseAdapter()
        {
            public void mousePressed(final MouseEvent e)
            {
                requestFocusInWindow();
            }
        });
    }

    /**
     * Start repainting.
     */
    public void start()
    {
        timer.start();
    }

    /**
     * Stop repainting.
     */
    public void stop()
    {
        timer.stop();
    }

    /**
     * @param delayNs new interpolation delay in nanoseconds.
     */
    public void delayNs(final long delayNs)
    {
        interpolator.delayNs(delayNs);
    }

    /**
     * @return the interpolation delay in nanoseconds.
     */
    public long delayNs()
    {
        return interpolator.delayNs();
    }

    /**
     * {@inheritDoc}
     */
    protected void paintComponent(final Graphics graphics)
    {
        final long nowNs = System.nanoTime();
        player.pollSnapshots(onSnapshot);
        final ClientStats stats = player.stats();
        if (0 == stats.arenaRoomId && 0 != roomId && stats.sessionId != 0)
        {
            interpolator.clear();
            roomId = 0;
        }
        interpolator.sample(nowNs, view);
        view.localSessionId = stats.sessionId;
        final boolean manual = player.isManual();
        if (roomId != titleRoomId || manual != titleManual)
        {
            titleRoomId = roomId;
            titleManual = manual;
            view.title = (0 == roomId ? "no arena" : roomName(roomId)) +
                (manual ? "   (you steer: arrows/WASD)" : "   (autopilot: press arrows/WASD to steer)");
        }

        framesInWindow++;
        if (nowNs - fpsWindowStartNs >= 1_000_000_000L)
        {
            view.fps = framesInWindow * 1e9 / (nowNs - fpsWindowStartNs);
            framesInWindow = 0;
            fpsWindowStartNs = nowNs;
        }
        renderer.render((Graphics2D)graphics, view, getWidth(), getHeight());
    }

    private void onSnapshot(
        final int roomId,
        final long tick,
        final long arrivalNs,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        if (roomId != this.roomId)
        {
            interpolator.clear();
            this.roomId = roomId;
        }
        interpolator.add(tick, arrivalNs, buffer, offset, length);
    }

    private void onKey(final int keyCode, final boolean pressed)
    {
        switch (keyCode)
        {
            case KeyEvent.VK_UP:
            case KeyEvent.VK_W:
                up = pressed;
                break;
            case KeyEvent.VK_DOWN:
            case KeyEvent.VK_S:
                down = pressed;
                break;
            case KeyEvent.VK_LEFT:
            case KeyEvent.VK_A:
                left = pressed;
                break;
            case KeyEvent.VK_RIGHT:
            case KeyEvent.VK_D:
                right = pressed;
                break;
            default:
                return;
        }
        player.manualInput((right ? 1 : 0) - (left ? 1 : 0), (down ? 1 : 0) - (up ? 1 : 0));
    }
}
