package io.skirmish.engine.server;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventHistoryTest
{
    private final UnsafeBuffer event = new UnsafeBuffer(new byte[1024]);
    private final UnsafeBuffer copy = new UnsafeBuffer(new byte[1024]);

    private void append(final EventHistory history, final long seq, final long nowNs, final int length)
    {
        event.setMemory(0, length, (byte)seq);
        event.putLong(0, seq);
        history.append(seq, nowNs, event, 0, length, 0);
    }

    private void assertKept(final EventHistory history, final long seq, final int length)
    {
        assertTrue(history.contains(seq), "contains " + seq);
        assertEquals(length, history.copy(seq, copy, 0));
        assertEquals(seq, copy.getLong(0));
        assertEquals((byte)seq, copy.getByte(length - 1));
    }

    @Test
    void shouldBoundByCount()
    {
        final EventHistory history = new EventHistory(10, 1 << 20, 0);
        for (long seq = 1; seq <= 25; seq++)
        {
            append(history, seq, 0, 40);
        }
        assertEquals(16, history.oldestSeq());
        assertEquals(25, history.newestSeq());
        assertFalse(history.contains(15));
        for (long seq = 16; seq <= 25; seq++)
        {
            assertKept(history, seq, 40);
        }
    }

    @Test
    void shouldBoundByBytesAcrossWrap()
    {
        final EventHistory history = new EventHistory(1000, 1000, 0);
        for (long seq = 1; seq <= 500; seq++)
        {
            final int length = 40 + (int)(seq * 7 % 90);
            append(history, seq, 0, length);
            int bytes = 0;
            for (long s = history.oldestSeq(); s <= history.newestSeq(); s++)
            {
                bytes += history.length(s);
            }
            assertTrue(bytes <= 1000, "bytes kept " + bytes);
            assertKept(history, seq, length);
            assertTrue(seq < 20 || history.size() >= 1000 / 130 - 1, "keeps as much as fits: " + history.size());
            for (long s = history.oldestSeq(); s <= history.newestSeq(); s++)
            {
                assertKept(history, s, 40 + (int)(s * 7 % 90));
            }
        }
    }

    @Test
    void shouldBoundByAge()
    {
        final EventHistory history = new EventHistory(100, 1 << 16, 1_000);
        append(history, 1, 0, 32);
        append(history, 2, 500, 32);
        append(history, 3, 1_200, 32);
        assertEquals(2, history.oldestSeq());
        history.expire(2_300);
        assertEquals(4, history.oldestSeq());
        assertFalse(history.contains(3));
        append(history, 4, 2_400, 32);
        assertKept(history, 4, 32);
    }

    @Test
    void shouldDropEverythingBeforeAnEventLargerThanTheBound()
    {
        final EventHistory history = new EventHistory(100, 256, 0);
        append(history, 1, 0, 100);
        append(history, 2, 0, 300);
        assertFalse(history.contains(1));
        assertFalse(history.contains(2));
        append(history, 3, 0, 100);
        assertKept(history, 3, 100);
    }

    @Test
    void shouldRejectOutOfOrderAppend()
    {
        final EventHistory history = new EventHistory(10, 1024, 0);
        append(history, 1, 0, 32);
        assertThrows(IllegalStateException.class, () -> append(history, 3, 0, 32));
    }
}
