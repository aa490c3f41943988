package io.skirmish.engine.security;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class SipHashTest
{
    @Test
    void shouldMatchReferenceVectors()
    {
        // key 00 01 .. 0f, messages 00 01 .. (n-1): test vectors of the SipHash paper, appendix A
        final long k0 = 0x0706050403020100L;
        final long k1 = 0x0f0e0d0c0b0a0908L;
        final UnsafeBuffer message = new UnsafeBuffer(new byte[64]);
        for (int i = 0; i < 64; i++)
        {
            message.putByte(i, (byte)i);
        }
        assertEquals(0x726fdb47dd0e0e31L, SipHash.hash(k0, k1, message, 0, 0));
        assertEquals(0x74f839c593dc67fdL, SipHash.hash(k0, k1, message, 0, 1));
        assertEquals(0x93f5f5799a932462L, SipHash.hash(k0, k1, message, 0, 8));
        assertEquals(0xa129ca6149be45e5L, SipHash.hash(k0, k1, message, 0, 15));
        assertNotEquals(SipHash.hash(k0, k1, message, 0, 15), SipHash.hash(k0 + 1, k1, message, 0, 15));
    }
}
