package io.skirmish.samples.ui;

import javax.swing.BorderFactory;
import javax.swing.JFrame;
import javax.swing.JLabel;
import javax.swing.JScrollPane;
import javax.swing.JTextArea;
import javax.swing.SwingUtilities;
import javax.swing.Timer;
import javax.swing.WindowConstants;
import java.awt.BorderLayout;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.Font;
import java.awt.event.WindowAdapter;
import java.awt.event.WindowEvent;
import java.util.function.Supplier;

/**
 * The window of a spectator or a replay: a banner that says which it is (the room, the delay or the speed), the
 * feed's figures, and its newest frames. Built on the Swing event thread; refreshed five times a second from a
 * supplier that any thread may serve.
 */
public final class FeedWindow
{
    private static final Color PANEL = new Color(0x1a, 0x1f, 0x29);
    private static final Color TEXT = new Color(0xdd, 0xe3, 0xee);
    private static final Color BANNER = new Color(0xf0, 0xb4, 0x29);

    private final JFrame frame;
    private final Timer timer;

    private FeedWindow(final String title, final String banner, final Supplier<String> text, final Runnable onClose)
    {
        frame = new JFrame(title);
        frame.setDefaultCloseOperation(WindowConstants.DISPOSE_ON_CLOSE);
        final JLabel label = new JLabel(banner);
        label.setOpaque(true);
        label.setBackground(PANEL);
        label.setForeground(BANNER);
        label.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        label.setBorder(BorderFactory.createEmptyBorder(8, 12, 8, 12));
        final JTextArea area = new JTextArea();
        area.setEditable(false);
        area.setBackground(PANEL);
        area.setForeground(TEXT);
        area.setFont(new Font(Font.MONOSPACED, Font.PLAIN, 12));
        frame.getContentPane().setLayout(new BorderLayout());
        frame.getContentPane().add(label, BorderLayout.NORTH);
        frame.getContentPane().add(new JScrollPane(area), BorderLayout.CENTER);
        frame.setPreferredSize(new Dimension(720, 480));
        frame.addWindowListener(new WindowAdapter()
        {
            public void windowClosed(final WindowEvent e)
            {
                onClose.run();
            }
        });
        timer = new Timer(200, e -> area.setText(text.get()));
        frame.pack();
        frame.setVisible(true);
        timer.start();
    }

    /**
     * Open the window on the Swing event thread.
     *
     * @param title   the window's title.
     * @param banner  what the feed is, e.g. "SPECTATOR - room 2, 2 s behind".
     * @param text    the feed's figures and newest frames, asked for five times a second.
     * @param onClose run when the window is closed.
     * @return a handle to close it.
     */
    public static Runnable open(
        final String title, final String banner, final Supplier<String> text, final Runnable onClose)
    {
        final FeedWindow[] window = new FeedWindow[1];
        SwingUtilities.invokeLater(() -> window[0] = new FeedWindow(title, banner, text, onClose));
        return () -> SwingUtilities.invokeLater(() ->
        {
            if (null != window[0])
            {
                window[0].timer.stop();
                window[0].frame.dispose();
            }
        });
    }
}
