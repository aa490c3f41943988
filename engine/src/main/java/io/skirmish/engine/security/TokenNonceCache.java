package io.skirmish.engine.security;

import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;

/**
 * The nonces of connect tokens already used on this server, each kept until its token expires, so a token is
 * accepted once only. Purged of expired entries at most once a second. Single-threaded (the server conductor).
 */
public final class TokenNonceCache
{
    private static final long PURGE_INTERVAL_NS = 1_000_000_000L;

    private final Long2LongHashMap expiresAtMsByNonce = new Long2LongHashMap(0);
    private long nextPurgeNs;

    /**
     * Record a verified token's nonce.
     *
     * @param token  holding the token.
     * @param offset of the token.
     * @return true when the nonce was new; false when this token was used before (a replay).
     */
    public boolean tryUse(final DirectBuffer token, final int offset)
    {
        final long key = key(token, offset);
        if (expiresAtMsByNonce.containsKey(key))
        {
            return false;
        }
        expiresAtMsByNonce.put(key, ConnectTokens.expiresAtEpochMs(token, offset));
        return true;
    }

    /**
     * @param token  holding the token.
     * @param offset of the token.
     * @return true when this token's nonce was used before.
     */
    public boolean isUsed(final DirectBuffer token, final int offset)
    {
        return expiresAtMsByNonce.containsKey(key(token, offset));
    }

    private static long key(final DirectBuffer token, final int offset)
    {
        return ConnectTokens.nonceHigh(token, offset) ^ Long.rotateLeft(ConnectTokens.nonceLow(token, offset), 29);
    }

    /**
     * Forget the nonces of tokens that have expired (a replay of one is refused as expired anyway).
     *
     * @param nowNs  the conductor's clock, to pace the purge.
     * @param nowMs  wall-clock time in epoch milliseconds, to compare with expiries.
     */
    public void purge(final long nowNs, final long nowMs)
    {
        if (nowNs - nextPurgeNs < 0 || expiresAtMsByNonce.isEmpty())
        {
            return;
        }
        nextPurgeNs = nowNs + PURGE_INTERVAL_NS;
        final Long2LongHashMap.EntryIterator it = expiresAtMsByNonce.entrySet().iterator();
        while (it.hasNext())
        {
            it.next();
            if (it.getLongValue() <= nowMs)
            {
                it.remove();
            }
        }
    }

    /**
     * @return number of nonces held.
     */
    public int size()
    {
        return expiresAtMsByNonce.size();
    }
}
