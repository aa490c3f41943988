package io.skirmish.samples.ui;

import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.sim.NetworkSimulator;
import io.skirmish.samples.arena.ArenaServer;
import io.skirmish.samples.client.ArenaClient;
import io.skirmish.samples.client.ClientStats;

import javax.imageio.ImageIO;
import javax.swing.BorderFactory;
import javax.swing.Box;
import javax.swing.BoxLayout;
import javax.swing.JButton;
import javax.swing.JCheckBox;
import javax.swing.JComboBox;
import javax.swing.JComponent;
import javax.swing.JFrame;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.JSlider;
import javax.swing.JTextArea;
import javax.swing.JTextField;
import javax.swing.SwingUtilities;
import javax.swing.Timer;
import javax.swing.WindowConstants;
import javax.swing.border.TitledBorder;
import java.awt.BorderLayout;
import java.awt.Color;
import java.awt.Component;
import java.awt.Dimension;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.GridLayout;
import java.awt.event.WindowAdapter;
import java.awt.event.WindowEvent;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.function.DoubleConsumer;
import java.util.function.Supplier;

import static io.skirmish.samples.arena.ArenaProtocol.LOBBY_ROOM_ID;
import static io.skirmish.samples.arena.ArenaProtocol.arenaRoomId;
import static io.skirmish.samples.arena.ArenaProtocol.roomName;

/**
 * The demo window: the arena on the left; on the right the local client's network figures (with the full snapshot
 * size, the share of snapshots that arrived as deltas and, with an in-process server, the mean bytes the server
 * actually sent per snapshot), the rooms' seqs and
 * recovery counters, live sliders for the simulated network (latency, jitter, loss, duplication, reordering),
 * arena buttons and, in the all-in-one demo, a line per bot; chat at the bottom. Built and used on the Swing event
 * thread.
 */
public final class DemoWindow
{
    private static final Color PANEL = new Color(0x1a, 0x1f, 0x29);
    private static final Color TEXT = new Color(0xdd, 0xe3, 0xee);
    private static final Font MONO = new Font(Font.MONOSPACED, Font.PLAIN, 12);
    private static final int OUTAGE_MS = 7000;

    private final JFrame frame;
    private final ArenaPanel arenaPanel;
    private final ArenaClient player;
    private final ArenaServer server;
    private final Supplier<List<ClientStats>> others;
    private final JLabel connectionLabel = new JLabel();
    private final JLabel roomsLabel = new JLabel();
    private final JLabel botsLabel = new JLabel();
    private final JTextArea chatArea = new JTextArea(10, 60);
    private final Timer statsTimer;
    private final Runnable onClose;
    private boolean closed;

    /**
     * Build the window (on the Swing event thread).
     *
     * @param title      window title.
     * @param player     the local player.
     * @param arenaCount arenas on the server.
     * @param delayNs    interpolation delay in nanoseconds.
     * @param server     the in-process game server, or null.
     * @param others     the bots' stats for the side panel (may return an empty list).
     * @param onClose    run once when the window closes.
     */
    public DemoWindow(
        final String title,
        final ArenaClient player,
        final int arenaCount,
        final long delayNs,
        final ArenaServer server,
        final Supplier<List<ClientStats>> others,
        final Runnable onClose)
    {
        this.player = player;
        this.server = server;
        this.others = others;
        this.onClose = onClose;
        frame = new JFrame(title);
        frame.setDefaultCloseOperation(WindowConstants.DISPOSE_ON_CLOSE);
        frame.addWindowListener(new WindowAdapter()
        {
            public void windowClosed(final WindowEvent e)
            {
                close();
            }
        });

        arenaPanel = new ArenaPanel(player, delayNs);
        final JPanel side = new JPanel();
        side.setLayout(new BoxLayout(side, BoxLayout.Y_AXIS));
        side.setBackground(PANEL);
        side.add(section("Connection", connectionLabel));
        side.add(section("Rooms (reliable lane)", roomsLabel));
        side.add(section("Simulated network", simulatorControls(player.networkSimulator())));
        side.add(section("Interpolation and arena", arenaControls(arenaCount)));
        if (null != others)
        {
            side.add(section("Bots", botsLabel));
        }
        side.add(Box.createVerticalGlue());
        final JScrollPane sideScroll = new JScrollPane(
            side, JScrollPane.VERTICAL_SCROLLBAR_AS_NEEDED, JScrollPane.HORIZONTAL_SCROLLBAR_NEVER);
        sideScroll.setPreferredSize(new Dimension(450, 760));
        sideScroll.setBorder(null);

        final JPanel main = new JPanel(new BorderLayout());
        main.setBackground(PANEL);
        main.add(arenaPanel, BorderLayout.CENTER);
        main.add(chatPanel(), BorderLayout.SOUTH);
        final JPanel content = new JPanel(new BorderLayout());
        content.setBackground(PANEL);
        content.add(main, BorderLayout.CENTER);
        content.add(sideScroll, BorderLayout.EAST);
        frame.setContentPane(content);
        frame.pack();
        frame.setLocationByPlatform(true);

        statsTimer = new Timer(250, (e) -> refresh());
    }

    /**
     * Show the window and start drawing.
     */
    public void show()
    {
        frame.setVisible(true);
        arenaPanel.start();
        statsTimer.start();
        arenaPanel.requestFocusInWindow();
        refresh();
    }

    /**
     * Write a picture of the window's content to a PNG file, drawn by Swing itself (no screen capture needed).
     *
     * @param file where to write.
     * @throws IOException if the file cannot be written.
     */
    public void screenshot(final File file) throws IOException
    {
        final JComponent content = (JComponent)frame.getContentPane();
        final BufferedImage image = new BufferedImage(
            content.getWidth(), content.getHeight(), BufferedImage.TYPE_INT_RGB);
        final Graphics2D g = image.createGraphics();
        try
        {
            content.printAll(g);
        }
        finally
        {
            g.dispose();
        }
        final File parent = file.getAbsoluteFile().getParentFile();
        if (null != parent)
        {
            parent.mkdirs();
        }
        ImageIO.write(image, "png", file);
    }

    /**
     * Close the window and run the close action once.
     */
    public void close()
    {
        if (!closed)
        {
            closed = true;
            arenaPanel.stop();
            statsTimer.stop();
            frame.dispose();
            onClose.run();
        }
    }

    private static JPanel section(final String title, final Component body)
    {
        final JPanel panel = new JPanel(new BorderLayout());
        panel.setBackground(PANEL);
        final TitledBorder border = BorderFactory.createTitledBorder(
            BorderFactory.createLineBorder(new Color(0x3a, 0x46, 0x5c)), title);
        border.setTitleColor(new Color(0x9f, 0xb4, 0xd8));
        panel.setBorder(BorderFactory.createCompoundBorder(
            BorderFactory.createEmptyBorder(4, 6, 2, 6),
            BorderFactory.createCompoundBorder(border, BorderFactory.createEmptyBorder(2, 6, 4, 6))));
        if (body instanceof JLabel)
        {
            body.setFont(MONO);
            body.setForeground(TEXT);
        }
        panel.add(body, BorderLayout.CENTER);
        panel.setAlignmentX(Component.LEFT_ALIGNMENT);
        panel.setMaximumSize(new Dimension(Integer.MAX_VALUE, panel.getPreferredSize().height + 200));
        return panel;
    }

    private JPanel simulatorControls(final NetworkSimulator simulator)
    {
        final JPanel panel = new JPanel(new GridLayout(0, 1, 0, 0));
        panel.setBackground(PANEL);
        if (null == simulator)
        {
            final JLabel label = new JLabel("direct connection (no simulator)");
            label.setForeground(TEXT);
            panel.add(label);
            return panel;
        }
        panel.add(slider("latency", "ms", 0, 250, simulator.latencyMs(), simulator::latencyMs));
        panel.add(slider("jitter", "ms", 0, 100, simulator.jitterMs(), simulator::jitterMs));
        final JSlider[] loss = new JSlider[1];
        panel.add(slider("loss", "%", 0, 30, simulator.lossPercent(), simulator::lossPercent, loss));
        panel.add(slider("duplicate", "%", 0, 20, simulator.duplicatePercent(), simulator::duplicatePercent));
        panel.add(slider("reorder", "%", 0, 20, simulator.reorderPercent(), simulator::reorderPercent));
        final JButton outage = new JButton("outage: drop everything for " + OUTAGE_MS / 1000 + " s");
        outage.setFocusable(false);
        final Timer restore = new Timer(OUTAGE_MS, (e) ->
        {
            simulator.lossPercent(loss[0].getValue());
            loss[0].setEnabled(true);
            outage.setEnabled(true);
        });
        restore.setRepeats(false);
        outage.addActionListener((e) ->
        {
            outage.setEnabled(false);
            loss[0].setEnabled(false);
            simulator.lossPercent(100);
            restore.start();
        });
        panel.add(outage);
        return panel;
    }

    private static JPanel slider(
        final String name, final String unit, final int min, final int max, final double value,
        final DoubleConsumer setter)
    {
        return slider(name, unit, min, max, value, setter, new JSlider[1]);
    }

    private static JPanel slider(
        final String name, final String unit, final int min, final int max, final double value,
        final DoubleConsumer setter, final JSlider[] created)
    {
        final JPanel row = new JPanel(new BorderLayout(6, 0));
        row.setBackground(PANEL);
        final JLabel label = new JLabel();
        label.setFont(MONO);
        label.setForeground(TEXT);
        label.setPreferredSize(new Dimension(130, 20));
        final JSlider slider = new JSlider(min, max, (int)Math.round(value));
        slider.setBackground(PANEL);
        slider.setFocusable(false);
        final Runnable update = () ->
        {
            label.setText(String.format("%-9s %3d %s", name, slider.getValue(), unit));
            setter.accept(slider.getValue());
        };
        slider.addChangeListener((e) -> update.run());
        update.run();
        created[0] = slider;
        row.add(label, BorderLayout.WEST);
        row.add(slider, BorderLayout.CENTER);
        return row;
    }

    private JPanel arenaControls(final int arenaCount)
    {
        final JPanel panel = new JPanel(new GridLayout(0, 1, 0, 2));
        panel.setBackground(PANEL);
        panel.add(slider("delay", "ms", 0, 300, arenaPanel.delayNs() / 1e6,
            (ms) -> arenaPanel.delayNs((long)(ms * 1e6))));
        final JPanel buttons = new JPanel(new GridLayout(1, 0, 4, 0));
        buttons.setBackground(PANEL);
        for (int i = 0; i < arenaCount; i++)
        {
            final int roomId = arenaRoomId(i);
            final JButton button = new JButton(roomName(roomId));
            button.setFocusable(false);
            button.addActionListener((e) -> player.submit(() -> player.switchArena(roomId)));
            buttons.add(button);
        }
        final JCheckBox autopilot = new JCheckBox("autopilot", true);
        autopilot.setForeground(TEXT);
        autopilot.setBackground(PANEL);
        autopilot.setFocusable(false);
        autopilot.addActionListener((e) ->
        {
            if (autopilot.isSelected())
            {
                player.autopilotInput();
            }
            else
            {
                player.manualInput(0, 0);
            }
            arenaPanel.requestFocusInWindow();
        });
        buttons.add(autopilot);
        panel.add(buttons);
        return panel;
    }

    private JPanel chatPanel()
    {
        final JPanel panel = new JPanel(new BorderLayout(4, 4));
        panel.setBackground(PANEL);
        panel.setBorder(BorderFactory.createEmptyBorder(4, 6, 6, 6));
        chatArea.setEditable(false);
        chatArea.setFont(MONO);
        chatArea.setBackground(new Color(0x12, 0x16, 0x1e));
        chatArea.setForeground(TEXT);
        final JScrollPane scroll = new JScrollPane(chatArea);
        scroll.setBorder(BorderFactory.createLineBorder(new Color(0x3a, 0x46, 0x5c)));
        panel.add(scroll, BorderLayout.CENTER);

        final JPanel input = new JPanel(new BorderLayout(4, 0));
        input.setBackground(PANEL);
        final JComboBox<String> target = new JComboBox<>(new String[]{ "lobby", "arena" });
        target.setFocusable(false);
        final JTextField field = new JTextField();
        field.addActionListener((e) ->
        {
            final String text = field.getText().trim();
            field.setText("");
            if (!text.isEmpty())
            {
                final boolean toArena = 1 == target.getSelectedIndex();
                player.submit(() -> player.emitChat(toArena ? player.currentArena() : LOBBY_ROOM_ID, text));
            }
            arenaPanel.requestFocusInWindow();
        });
        input.add(target, BorderLayout.WEST);
        input.add(field, BorderLayout.CENTER);
        panel.add(input, BorderLayout.SOUTH);
        return panel;
    }

    private void refresh()
    {
        final ClientStats s = player.stats();
        final StringBuilder connection = new StringBuilder();
        connection.append(String.format(
            "%s  session #%d  %s%n" +
            "rtt %6.1f ms    jitter %5.1f ms%n" +
            "snapshots %5.1f/s  loss %5.1f %%%n" +
            "in %7.1f kB/s   out %6.1f kB/s%n" +
            "snapshot full %4d B  delta %3.0f %%  tick %d%n" +
            "input lead %5.1f ms  prediction error %4.1f  rewind %5.1f ms%n",
            s.name, s.sessionId, s.state, s.rttMs, s.jitterMs, s.snapshotsPerSecond, s.snapshotLossPercent,
            s.bytesInPerSecond / 1024, s.bytesOutPerSecond / 1024, s.lastSnapshotBytes, s.deltaSnapshotPercent,
            s.newestTick, s.inputLeadMs, s.predictionError, s.rewindDepthMs));
        if (null != server)
        {
            connection.append(String.format("server judged %d shots by rewind, %.1f %% agreed with the shooter%n",
                server.shotsJudged(), server.shotAgreementPercent()));
        }
        if (null != server)
        {
            connection.append(String.format("server sent %4.0f B avg incl. headers, delta %3.0f %%%n",
                server.meanSnapshotBytesSent(), server.snapshotDeltaPercent()));
        }
        connection.append("network: ").append(s.network);
        connectionLabel.setText(html(connection.toString()));

        final StringBuilder rooms = new StringBuilder();
        rooms.append(String.format("last seq  lobby %d   %s %d%n", s.lobbySeq,
            0 == s.arenaRoomId ? "arena" : roomName(s.arenaRoomId), s.arenaSeq));
        rooms.append(String.format("gaps %d  replayed %d  resyncs %d  dup dropped %d%n",
            s.gapsDetected, s.eventsReplayed, s.resyncs, s.duplicatesDropped));
        rooms.append(String.format("delivered %d  emitted %d%n", s.eventsDelivered, s.eventsSent));
        if (null != server)
        {
            rooms.append("server:");
            for (int roomId = LOBBY_ROOM_ID; roomId <= arenaRoomId(server.arenaCount() - 1); roomId++)
            {
                rooms.append(String.format(" %s %d (%d)", roomName(roomId), server.roomLastSeq(roomId),
                    server.roomMembers(roomId)));
            }
            rooms.append(String.format("%nserver: replayed %d  resyncs %d  resumes %d%n",
                server.counter(EngineCounter.EVENTS_REPLAYED), server.counter(EngineCounter.RESYNCS),
                server.counter(EngineCounter.SESSIONS_RESUMED)));
            rooms.append(String.format("        fan-out skipped %d (back-pressure)",
                server.counter(EngineCounter.FANOUT_SKIPPED)));
        }
        roomsLabel.setText(html(rooms.toString()));

        if (null != others)
        {
            final StringBuilder bots = new StringBuilder("name      rtt ms  loss %  delta %  kB/s  seq\n");
            for (final ClientStats bot : others.get())
            {
                bots.append(String.format("%-8s %7.1f %7.1f %8.0f %5.1f  %s %d%n", bot.name, bot.rttMs,
                    bot.snapshotLossPercent, bot.deltaSnapshotPercent, bot.bytesInPerSecond / 1024,
                    0 == bot.arenaRoomId ? "-" : roomName(bot.arenaRoomId), bot.arenaSeq));
            }
            botsLabel.setText(html(bots.toString()));
        }

        final StringBuilder lines = new StringBuilder();
        player.drainChat((line) -> lines.append(line).append('\n'));
        if (lines.length() > 0)
        {
            chatArea.append(lines.toString());
            final int excess = chatArea.getLineCount() - 400;
            if (excess > 0)
            {
                try
                {
                    chatArea.replaceRange("", 0, chatArea.getLineEndOffset(excess - 1));
                }
                catch (final javax.swing.text.BadLocationException ignore)
                {
                    // the text changed under us; trim next time
                }
            }
            chatArea.setCaretPosition(chatArea.getDocument().getLength());
        }
    }

    private static String html(final String text)
    {
        return "<html><pre style='font-family:monospace;font-size:9px;margin:0'>" +
            text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "</pre></html>";
    }

    /**
     * Run a task on the Swing event thread and wait for it.
     *
     * @param task to run.
     */
    public static void onEventThread(final Runnable task)
    {
        try
        {
            SwingUtilities.invokeAndWait(task);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final java.lang.reflect.InvocationTargetException ex)
        {
            throw new IllegalStateException(ex.getCause());
        }
    }
}
