package io.skirmish.samples;

import io.skirmish.samples.client.ArenaInterpolator;
import io.skirmish.samples.client.ArenaView;
import io.skirmish.samples.ui.ArenaRenderer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;

import static io.skirmish.samples.arena.ArenaProtocol.*;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Draws one frame of the arena into an image, without a window, and checks that the players and coins show.
 */
class ArenaRendererTest
{
    @Test
    void shouldRenderInterpolatedArenaIntoImage()
    {
        final ArenaInterpolator buffer = new ArenaInterpolator(8, 100_000_000L);
        final long tickNs = 1_000_000_000L / 30;
        final UnsafeBuffer state = new UnsafeBuffer(new byte[MAX_SNAPSHOT_LENGTH]);
        assertTrue(buffer.add(10, 10 * tickNs, state, 0, encode(state, 100f)));
        assertTrue(buffer.add(11, 11 * tickNs, state, 0, encode(state, 130f)));
        final ArenaView view = new ArenaView();
        view.localSessionId = 7;
        view.title = "arena-1";
        assertTrue(buffer.sample(11 * tickNs + 100_000_000L - tickNs / 2, view));

        final int width = 640;
        final int height = 440;
        final BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        final Graphics2D g = image.createGraphics();
        new ArenaRenderer().render(g, view, width, height);
        g.dispose();

        final int background = ArenaRenderer.BACKGROUND.getRGB() & 0xFF_FFFF;
        final int player = ArenaRenderer.playerColor(7).getRGB() & 0xFF_FFFF;
        int differing = 0;
        int playerPixels = 0;
        int coinPixels = 0;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                final int rgb = image.getRGB(x, y) & 0xFF_FFFF;
                differing += rgb != background ? 1 : 0;
                playerPixels += rgb == player ? 1 : 0;
                coinPixels += rgb == 0xFFC830 ? 1 : 0;
            }
        }
        assertTrue(differing > width * height / 2, "the arena floor is drawn: " + differing);
        assertTrue(playerPixels > 50, "the local player is drawn: " + playerPixels);
        assertTrue(coinPixels > 10, "the coin is drawn: " + coinPixels);
    }

    private static int encode(final UnsafeBuffer state, final float playerX)
    {
        return Snapshots.encode(
            state,
            30,
            new int[]{ 7, 9, 0 },
            new byte[]{ KIND_PLAYER, KIND_PLAYER, KIND_PICKUP },
            new byte[]{ 0, FLAG_HIT, 0 },
            new int[]{ 3, 1, 0 },
            new float[]{ playerX, 600f, 500f },
            new float[]{ 300f, 200f, 320f });
    }
}
