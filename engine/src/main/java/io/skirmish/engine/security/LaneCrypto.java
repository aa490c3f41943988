package io.skirmish.engine.security;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.Arrays;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cryptographic state of one connection, for one side: the session key, the connection's AES-GCM frame key when
 * the session is encrypted, and a send and a receive counter per lane. Frames are sealed at the last step before
 * they are offered and opened at the first step after their clear header was validated, so everything in between
 * (histories, outboxes, inboxes) only ever holds plain frames.
 * <ul>
 *     <li>Encrypted: every frame after the accept is sealed with AES-GCM, both ways ({@link FrameCipher}).</li>
 *     <li>Authenticated (a session key, no encryption): client frames carry a SipHash trailer
 *     ({@link AuthTrailer}), which the server checks; server frames go as they are.</li>
 *     <li>Neither: frames go as they are.</li>
 * </ul>
 * A receiver accepts each of a lane's counters once, within a {@link ReplayWindow} of the highest, which rejects
 * replays while frames on unreliable streams may come out of order. The client's counters rise across the connections
 * of a session and start from the wall clock in a new process ({@link #resetConnection(long)}), and the server keeps
 * its window of them for the session's life, so that a copied request cannot resume a session. The server's own
 * counters start from zero with every connection ({@link #startConnection}), under a new key when encrypted.
 * <p>
 * Thread safety: single-threaded (its conductor). The {@link FrameCipher} is shared by every connection of a
 * conductor; the sealed and opened views are valid until that cipher's next seal or open.
 */
public final class LaneCrypto
{
    /** Result of {@link #open} for a frame that does not authenticate, replays a counter or is wrongly sealed. */
    public static final int REJECTED = FrameCipher.REJECTED;

    private static final int LANE_COUNT = 5;

    private final FrameCipher cipher;
    private final boolean clientSide;
    private final long[] sent = new long[LANE_COUNT];
    private final ReplayWindow[] received = new ReplayWindow[LANE_COUNT];
    private boolean keyed;
    private long k0;
    private long k1;
    private SecretKeySpec frameKey;
    private DirectBuffer sealedBuffer;
    private int sealedOffset;
    private DirectBuffer openedBuffer;
    private int openedOffset;

    /**
     * @param cipher     the conductor's cipher, shared by its connections.
     * @param clientSide true on the client, which authenticates what it sends; false on the server, which checks
     *                   what it receives.
     */
    public LaneCrypto(final FrameCipher cipher, final boolean clientSide)
    {
        this.cipher = cipher;
        this.clientSide = clientSide;
        for (int i = 0; i < LANE_COUNT; i++)
        {
            received[i] = new ReplayWindow();
        }
    }

    /**
     * The first send counter of a connection started now by a client: the wall clock in milliseconds times 2^20, so
     * that a new process resuming a session counts above what its predecessor sent.
     *
     * @param epochMs the wall clock.
     * @return the counter base.
     */
    public static long counterBase(final long epochMs)
    {
        return epochMs << 20;
    }

    /**
     * Set the session key, from the connect token (server) or the backend (client).
     *
     * @param k0 low half.
     * @param k1 high half.
     */
    public void sessionKey(final long k0, final long k1)
    {
        this.k0 = k0;
        this.k1 = k1;
        this.keyed = true;
    }

    /**
     * @return true when a session key is set: frames are authenticated (or encrypted).
     */
    public boolean hasSessionKey()
    {
        return keyed;
    }

    /**
     * Start a new connection of the session (the server): its send counters from zero and, when asked, a new frame
     * key from both sides' nonces (cold path: it allocates the key). The window of the client's counters is kept: they
     * rise across connections.
     *
     * @param clientNonce from the connect request.
     * @param serverNonce from the accept.
     * @param encrypt     true for an encrypted connection; needs a session key.
     */
    public void startConnection(final long clientNonce, final long serverNonce, final boolean encrypt)
    {
        frameKey = encrypt && keyed ?
            FrameCipher.deriveKey(FrameCipher.keyBytes(k0, k1), clientNonce, serverNonce) : null;
        Arrays.fill(sent, 0);
    }

    /**
     * The client's side of {@link #startConnection}, on the accept: the frame key from both nonces and the receive
     * counters from zero. The send counters keep rising: the connect request already used one.
     *
     * @param clientNonce from the connect request.
     * @param serverNonce from the accept.
     */
    public void acceptConnection(final long clientNonce, final long serverNonce)
    {
        frameKey = FrameCipher.deriveKey(FrameCipher.keyBytes(k0, k1), clientNonce, serverNonce);
        resetReceived();
    }

    /**
     * Forget the connection's frame key and the server's counters (the client, on fresh lanes); the send counters go
     * on rising, from at least the given base.
     *
     * @param counterBase the lowest first counter, {@link #counterBase(long)} of now.
     */
    public void resetConnection(final long counterBase)
    {
        frameKey = null;
        for (int i = 0; i < LANE_COUNT; i++)
        {
            sent[i] = Math.max(sent[i], counterBase);
        }
        resetReceived();
    }

    /**
     * @return true when this connection is encrypted.
     */
    public boolean isEncrypted()
    {
        return null != frameKey;
    }

    /**
     * @return bytes {@link #seal} adds to a frame this side sends.
     */
    public int sendTrailerLength()
    {
        return null != frameKey ? FrameCipher.TRAILER_LENGTH : clientSide && keyed ? AuthTrailer.LENGTH : 0;
    }

    /**
     * Seal a frame for sending. An encrypted frame is written to the cipher's buffer, leaving the source as it was
     * (one encoded frame can be sealed for many receivers); an authentication trailer is appended in place, after the
     * frame, where the buffer must have room for it. Read the result from {@link #sealedBuffer()} at
     * {@link #sealedOffset()}.
     *
     * @param lane   the sending lane's id ({@link FrameCipher#UPSTREAM_LANE} and the others).
     * @param buffer holding the frame.
     * @param offset of the frame.
     * @param length of the frame.
     * @return the sealed length.
     */
    public int seal(final int lane, final MutableDirectBuffer buffer, final int offset, final int length)
    {
        if (null != frameKey)
        {
            final int sealedLength = cipher.seal(frameKey, lane, ++sent[lane], buffer, offset, length);
            sealedBuffer = cipher.sealed();
            sealedOffset = 0;
            return sealedLength;
        }
        sealedBuffer = buffer;
        sealedOffset = offset;
        return clientSide && keyed ? AuthTrailer.append(k0, k1, buffer, offset, length, ++sent[lane]) : length;
    }

    /**
     * Seal a frame where it stands, in a claim with {@link #sendTrailerLength()} bytes of room after it.
     *
     * @param lane   the sending lane's id.
     * @param buffer holding the frame.
     * @param offset of the frame.
     * @param length of the frame.
     * @return the sealed length.
     */
    public int sealInPlace(final int lane, final MutableDirectBuffer buffer, final int offset, final int length)
    {
        if (null != frameKey)
        {
            return cipher.sealInPlace(frameKey, lane, ++sent[lane], buffer, offset, length);
        }
        return clientSide && keyed ? AuthTrailer.append(k0, k1, buffer, offset, length, ++sent[lane]) : length;
    }

    /**
     * @return the buffer holding the frame the last {@link #seal} produced.
     */
    public DirectBuffer sealedBuffer()
    {
        return sealedBuffer;
    }

    /**
     * @return the offset of the frame the last {@link #seal} produced.
     */
    public int sealedOffset()
    {
        return sealedOffset;
    }

    /**
     * Open a received frame whose clear header was validated: decrypt an encrypted one, check the trailer of an
     * authenticated one. A frame sealed on a connection that is not encrypted, or not sealed on one that is, is
     * rejected. Read the plain frame from {@link #openedBuffer()} at {@link #openedOffset()}.
     *
     * @param lane           the sending lane's id.
     * @param buffer         holding the received fragment.
     * @param offset         of the fragment.
     * @param fragmentLength of the fragment, trailer included.
     * @return the plain frame's length, or {@link #REJECTED}.
     */
    public int open(final int lane, final DirectBuffer buffer, final int offset, final int fragmentLength)
    {
        final boolean sealed = FrameCipher.isSealed(buffer, offset);
        if (null != frameKey)
        {
            final ReplayWindow window = received[lane];
            final int length = sealed ?
                cipher.open(frameKey, lane, window.floor(), buffer, offset, fragmentLength) : REJECTED;
            if (length < 0 || !window.accept(cipher.openedCounter()))
            {
                return REJECTED;
            }
            openedBuffer = cipher.opened();
            openedOffset = 0;
            return length;
        }
        if (sealed)
        {
            return REJECTED;
        }
        openedBuffer = buffer;
        openedOffset = offset;
        if (!clientSide && keyed)
        {
            final ReplayWindow window = received[lane];
            final long counter = AuthTrailer.verify(k0, k1, buffer, offset, fragmentLength, window.floor());
            if (counter < 0 || !window.accept(counter))
            {
                return REJECTED;
            }
            return fragmentLength - AuthTrailer.LENGTH;
        }
        return fragmentLength;
    }

    /**
     * @return the buffer holding the frame the last successful {@link #open} produced.
     */
    public DirectBuffer openedBuffer()
    {
        return openedBuffer;
    }

    /**
     * @return the offset of the frame the last successful {@link #open} produced.
     */
    public int openedOffset()
    {
        return openedOffset;
    }

    /**
     * Check the authentication trailer of a frame verified outside {@link #open} (a resume request, a connect
     * request sent again) under this session's key, and record its counter, which must be fresh on the lane: a copy
     * of an earlier request is refused.
     *
     * @param lane           the lane.
     * @param buffer         holding the fragment.
     * @param offset         of the fragment.
     * @param fragmentLength including the trailer.
     * @return the frame's counter, or a negative value when the trailer does not verify or replays a counter.
     */
    public long verifyTrailer(final int lane, final DirectBuffer buffer, final int offset, final int fragmentLength)
    {
        if (!keyed)
        {
            return -1;
        }
        final ReplayWindow window = received[lane];
        final long counter = AuthTrailer.verify(k0, k1, buffer, offset, fragmentLength, window.floor());
        return counter >= 0 && window.accept(counter) ? counter : -1;
    }

    /**
     * Record the counter of a frame verified outside {@link #open} (the connect request that started the
     * connection, verified under its token's key), so that it cannot be replayed on its lane.
     *
     * @param lane    the lane.
     * @param counter the accepted counter.
     */
    public void received(final int lane, final long counter)
    {
        received[lane].accept(counter);
    }

    private void resetReceived()
    {
        for (int i = 0; i < LANE_COUNT; i++)
        {
            received[i].reset(0);
        }
    }
}
