package io.skirmish.samples.ui;

import io.skirmish.samples.client.ArenaView;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;

import static io.skirmish.samples.arena.ArenaProtocol.*;

/**
 * Draws one frame of an arena with plain Java2D: the floor, the coins, the players (coloured by session, the local
 * one outlined) and a small heads-up line about the interpolation. It needs no window, so a test can draw into a
 * {@code BufferedImage}.
 */
public final class ArenaRenderer
{
    /** Colour around the arena. */
    public static final Color BACKGROUND = new Color(0x10, 0x13, 0x1a);
    private static final Color FLOOR = new Color(0x1b, 0x21, 0x2c);
    private static final Color GRID = new Color(0x24, 0x2c, 0x3a);
    private static final Color BORDER = new Color(0x4a, 0x5d, 0x80);
    private static final Color COIN = new Color(0xff, 0xc8, 0x30);
    private static final Color COIN_GLOW = new Color(0xff, 0xc8, 0x30, 0x50);
    private static final Color HIT = new Color(0xff, 0x45, 0x45);
    private static final Color TEXT = new Color(0xdd, 0xe3, 0xee);
    private static final Color DIM_TEXT = new Color(0x8a, 0x96, 0xaa);
    private static final Color WARN = new Color(0xff, 0x9d, 0x3a);
    private static final int MARGIN = 12;
    private static final int HEADER = 36;

    private final Font labelFont = new Font(Font.SANS_SERIF, Font.BOLD, 11);
    private final Font hudFont = new Font(Font.MONOSPACED, Font.PLAIN, 12);
    private final Ellipse2D.Float circle = new Ellipse2D.Float();
    private final Rectangle2D.Float rectangle = new Rectangle2D.Float();
    private final BasicStroke thinStroke = new BasicStroke(1f);
    private final BasicStroke thickStroke = new BasicStroke(2.5f);

    /**
     * @param sessionId a session id.
     * @return the colour of that player.
     */
    public static Color playerColor(final int sessionId)
    {
        final float hue = (sessionId * 0.61803398875f) % 1f;
        return Color.getHSBColor(hue, 0.62f, 0.96f);
    }

    /**
     * Draw a frame.
     *
     * @param g      to draw on.
     * @param view   what to draw.
     * @param width  of the area in pixels.
     * @param height of the area in pixels.
     */
    public void render(final Graphics2D g, final ArenaView view, final int width, final int height)
    {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(BACKGROUND);
        g.fillRect(0, 0, width, height);

        final float worldWidth = Math.max(1, view.width);
        final float worldHeight = Math.max(1, view.height);
        final float scale = Math.max(0.05f,
            Math.min((width - 2f * MARGIN) / worldWidth, (height - MARGIN - HEADER) / worldHeight));
        final float originX = (width - worldWidth * scale) / 2f;
        final float originY = HEADER + (height - MARGIN - HEADER - worldHeight * scale) / 2f;

        rectangle.setRect(originX, originY, worldWidth * scale, worldHeight * scale);
        g.setColor(FLOOR);
        g.fill(rectangle);
        g.setStroke(thinStroke);
        g.setColor(GRID);
        for (int x = 50; x < worldWidth; x += 50)
        {
            final int px = Math.round(originX + x * scale);
            g.drawLine(px, Math.round(originY), px, Math.round(originY + worldHeight * scale));
        }
        for (int y = 50; y < worldHeight; y += 50)
        {
            final int py = Math.round(originY + y * scale);
            g.drawLine(Math.round(originX), py, Math.round(originX + worldWidth * scale), py);
        }
        g.setStroke(thickStroke);
        g.setColor(BORDER);
        g.draw(rectangle);

        for (int i = 0; i < view.count; i++)
        {
            if (KIND_PICKUP == view.kinds[i])
            {
                drawCoin(g, originX + view.xs[i] * scale, originY + view.ys[i] * scale, scale);
            }
        }
        g.setFont(labelFont);
        for (int i = 0; i < view.count; i++)
        {
            if (KIND_PLAYER == view.kinds[i])
            {
                drawPlayer(g, view, i, originX + view.xs[i] * scale, originY + view.ys[i] * scale, scale);
            }
        }
        drawHud(g, view, width, height);
    }

    private void drawCoin(final Graphics2D g, final float x, final float y, final float scale)
    {
        final float r = PICKUP_RADIUS * scale;
        circle.setFrame(x - 2 * r, y - 2 * r, 4 * r, 4 * r);
        g.setColor(COIN_GLOW);
        g.fill(circle);
        circle.setFrame(x - r, y - r, 2 * r, 2 * r);
        g.setColor(COIN);
        g.fill(circle);
    }

    private void drawPlayer(
        final Graphics2D g, final ArenaView view, final int i, final float x, final float y, final float scale)
    {
        final int id = view.ids[i];
        final float r = PLAYER_RADIUS * scale;
        final boolean hit = (view.flags[i] & FLAG_HIT) != 0;
        final boolean scored = (view.flags[i] & FLAG_SCORED) != 0;
        circle.setFrame(x - r, y - r, 2 * r, 2 * r);
        g.setColor(hit ? HIT : playerColor(id));
        g.fill(circle);
        if (id == view.localSessionId || scored)
        {
            g.setStroke(thickStroke);
            g.setColor(scored ? COIN : Color.WHITE);
            circle.setFrame(x - r - 3, y - r - 3, 2 * r + 6, 2 * r + 6);
            g.draw(circle);
        }
        final String label = (id == view.localSessionId ? "you #" : "#") + id + "  " + view.scores[i];
        final FontMetrics metrics = g.getFontMetrics();
        g.setColor(TEXT);
        g.drawString(label, x - metrics.stringWidth(label) / 2f, y - r - 6);
    }

    private void drawHud(final Graphics2D g, final ArenaView view, final int width, final int height)
    {
        g.setFont(hudFont);
        g.setColor(TEXT);
        final String title = null == view.title ? "arena" : view.title;
        g.drawString(title, MARGIN, 14);
        if (0 == view.count)
        {
            g.setColor(DIM_TEXT);
            final String waiting = "waiting for snapshots...";
            g.drawString(waiting, (width - g.getFontMetrics().stringWidth(waiting)) / 2f, height / 2f);
            return;
        }
        final String hud = String.format("tick %.1f / %d   delay %.0f ms   buffer %+.0f ms   frames %d%s",
            view.renderTick, view.newestTick, view.delayMs, view.bufferAheadMs, view.bufferedFrames,
            view.fps > 0 ? String.format("   %.0f fps", view.fps) : "");
        g.setColor(view.holding ? WARN : DIM_TEXT);
        g.drawString(view.holding ? hud + "   HOLD (no newer snapshot)" : hud, MARGIN, 29);
    }
}
