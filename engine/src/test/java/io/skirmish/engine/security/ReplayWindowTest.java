package io.skirmish.engine.security;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplayWindowTest
{
    private final ReplayWindow window = new ReplayWindow();

    @Test
    void shouldAcceptEachCounterOnceInAnyOrderWithinTheWindow()
    {
        assertTrue(window.accept(10));
        assertTrue(window.accept(12));
        assertTrue(window.accept(11), "out of order, within the window");
        assertFalse(window.accept(11), "a replay");
        assertFalse(window.accept(12), "a replay of the highest");
        assertEquals(12, window.highest());
        assertTrue(window.accept(9), "below the first one, within the window");
    }

    @Test
    void shouldRefuseWhatFellOutOfTheWindowAndNonPositiveCounters()
    {
        assertTrue(window.accept(1000));
        assertFalse(window.isFresh(1000 - ReplayWindow.WIDTH), "just out of the window");
        assertTrue(window.isFresh(1000 - ReplayWindow.WIDTH + 1));
        assertFalse(window.accept(0));
        assertFalse(window.accept(-5));
        assertEquals(1000 - ReplayWindow.WIDTH, window.floor());
    }

    @Test
    void shouldForgetTheBitmapWhenTheHighestJumpsFarAhead()
    {
        assertTrue(window.accept(5));
        assertTrue(window.accept(5 + 3 * ReplayWindow.WIDTH));
        assertFalse(window.accept(5));
        assertTrue(window.accept(5 + 3 * ReplayWindow.WIDTH - 1));
        window.reset(0);
        assertTrue(window.accept(5), "a reset window takes anything positive");
    }

    @Test
    void shouldRefuseAResumeRequestCopiedFromAnEarlierConnectionOfTheSession()
    {
        final LaneCrypto client = new LaneCrypto(null, true);
        final LaneCrypto server = new LaneCrypto(null, false);
        client.sessionKey(1, 2);
        server.sessionKey(1, 2);
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[64]);
        frame.putByte(1, (byte)1);

        client.resetConnection(LaneCrypto.counterBase(1_000));
        final int first = client.seal(FrameCipher.UPSTREAM_LANE, frame, 0, 24);
        final byte[] copy = new byte[first];
        frame.getBytes(0, copy);
        assertTrue(server.verifyTrailer(FrameCipher.UPSTREAM_LANE, frame, 0, first) > 0);
        server.startConnection(0, 0, false);

        client.resetConnection(LaneCrypto.counterBase(1_000));
        final int second = client.seal(FrameCipher.UPSTREAM_LANE, frame, 0, 24);
        assertTrue(server.verifyTrailer(FrameCipher.UPSTREAM_LANE, frame, 0, second) > 0,
            "the next connection counts on from above the last, in the same millisecond too");
        assertTrue(server.verifyTrailer(FrameCipher.UPSTREAM_LANE,
            new UnsafeBuffer(copy), 0, copy.length) < 0, "the copy is refused");
    }
}
