package io.skirmish.engine.security;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenBucketTest
{
    @Test
    void shouldAllowBurstThenRate()
    {
        final TokenBucket bucket = new TokenBucket(100, 10, 0);
        int allowed = 0;
        for (int i = 0; i < 20; i++)
        {
            if (bucket.tryConsume(0, 1))
            {
                allowed++;
            }
        }
        assertEquals(10, allowed);
        assertFalse(bucket.tryConsume(5_000_000, 1));
        assertTrue(bucket.tryConsume(10_000_000, 1));
        long now = 10_000_000;
        allowed = 0;
        for (int i = 0; i < 10_000; i++)
        {
            now += 1_000_000;
            if (bucket.tryConsume(now, 1))
            {
                allowed++;
            }
        }
        assertTrue(allowed >= 990 && allowed <= 1010, "about 100/s over 10 s: " + allowed);
    }

    @Test
    void shouldNeverExceedBurst()
    {
        final TokenBucket bucket = new TokenBucket(1000, 5, 0);
        assertTrue(bucket.tryConsume(60_000_000_000L, 5));
        assertFalse(bucket.tryConsume(60_000_000_000L, 1));
    }
}
