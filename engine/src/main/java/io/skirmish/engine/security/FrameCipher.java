package io.skirmish.engine.security;

import io.skirmish.engine.EngineException;
import io.skirmish.engine.protocol.FrameHeaderFlyweight;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import static java.nio.ByteOrder.BIG_ENDIAN;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * AES-128-GCM payload encryption of frames, for sessions that asked for it. The 8-byte frame header stays in clear
 * (so frames can be validated and routed before any cryptography) and is authenticated as associated data, with
 * {@link FrameHeaderFlyweight#FLAG_ENCRYPTED} set; the body is encrypted; a 24-byte trailer follows.
 * <pre>
 *  +---------------------------------------------------------------+
 *  |            Frame Header (8 bytes, FLAG_ENCRYPTED set)         |
 *  +---------------------------------------------------------------+
 *  |                      Encrypted Body                          ...
 *  +---------------------------------------------------------------+
 *  |                        Lane Counter (64)                      |
 *  +---------------------------------------------------------------+
 *  |                                                               |
 *  +                     AES-GCM Tag (128)                         +
 *  |                                                               |
 *  +---------------------------------------------------------------+
 * </pre>
 * The 96-bit nonce is the lane id (32, big-endian) followed by the lane counter (64, big-endian). Each direction
 * and lane has its own lane id, and the key is new for every connection (see {@link #deriveKey}), so a nonce never
 * repeats under a key as long as each sender's counters only rise, which they do. A receiver accepts a counter
 * only above the last one it accepted on that lane, which also rejects replays.
 * <p>
 * Thread safety: not thread safe; one instance per conductor thread. Errors: {@link #open} returns a negative
 * value for a frame that does not authenticate; {@link #seal} throws {@link EngineException} only if the JDK's
 * AES-GCM fails, which it does not for valid keys.
 */
public final class FrameCipher
{
    /** Length of the trailer: the lane counter and the GCM tag. */
    public static final int TRAILER_LENGTH = 24;
    /** Lane id of the client's upstream lane (client to server), part of every nonce. */
    public static final int UPSTREAM_LANE = 1;
    /** Lane id of the server's downstream lane (server to client), part of every nonce. */
    public static final int DOWNSTREAM_LANE = 3;
    /** Result of {@link #open} for a frame that does not authenticate or replays a counter. */
    public static final int REJECTED = -1;

    private static final int TAG_LENGTH = 16;
    private static final int HEADER = FrameHeaderFlyweight.HEADER_LENGTH;
    private static final byte[] KEY_LABEL = "skirmish-frame-key".getBytes(StandardCharsets.US_ASCII);

    private final Cipher cipher;
    private final byte[] nonce = new byte[12];
    private final UnsafeBuffer nonceBuffer = new UnsafeBuffer(nonce);
    private byte[] sealScratch;
    private byte[] openScratch;
    private final UnsafeBuffer sealed = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer opened = new UnsafeBuffer(0, 0);
    private long openedCounter;

    /**
     * @param maxFrameLength largest frame (without trailer) this instance seals or opens; it grows if needed.
     */
    public FrameCipher(final int maxFrameLength)
    {
        try
        {
            cipher = Cipher.getInstance("AES/GCM/NoPadding");
        }
        catch (final GeneralSecurityException ex)
        {
            throw new EngineException("AES/GCM unavailable", ex, EngineException.Category.FATAL);
        }
        sealScratch = new byte[maxFrameLength + TRAILER_LENGTH];
        openScratch = new byte[maxFrameLength + TRAILER_LENGTH];
        sealed.wrap(sealScratch);
        opened.wrap(openScratch);
    }

    /**
     * Derive a connection's frame key: HMAC-SHA256 under the session key (from the connect token) of a label, the
     * client's nonce from its connect request and the server's nonce from its accept, cut to 128 bits. Both nonces
     * are fresh per connection, so no connection ever reuses another's key, even after a resume.
     *
     * @param sessionKey  16-byte session key.
     * @param clientNonce from CONNECT_REQUEST.
     * @param serverNonce from CONNECT_ACCEPT.
     * @return the AES key.
     */
    static SecretKeySpec deriveKey(final byte[] sessionKey, final long clientNonce, final long serverNonce)
    {
        try
        {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(sessionKey, "HmacSHA256"));
            mac.update(KEY_LABEL);
            final byte[] nonces = new byte[16];
            final UnsafeBuffer buffer = new UnsafeBuffer(nonces);
            buffer.putLong(0, clientNonce, LITTLE_ENDIAN);
            buffer.putLong(8, serverNonce, LITTLE_ENDIAN);
            final byte[] full = mac.doFinal(nonces);
            return new SecretKeySpec(full, 0, 16, "AES");
        }
        catch (final GeneralSecurityException ex)
        {
            throw new EngineException("HmacSHA256 unavailable", ex, EngineException.Category.FATAL);
        }
    }

    /**
     * The session key as bytes, from its two halves.
     *
     * @param k0 low half.
     * @param k1 high half.
     * @return the 16-byte key.
     */
    static byte[] keyBytes(final long k0, final long k1)
    {
        final byte[] key = new byte[16];
        final UnsafeBuffer buffer = new UnsafeBuffer(key);
        buffer.putLong(0, k0, LITTLE_ENDIAN);
        buffer.putLong(8, k1, LITTLE_ENDIAN);
        return key;
    }

    /**
     * Encrypt a frame into this instance's sealed buffer ({@link #sealed()}, from offset 0). The source is not
     * changed, so one encoded frame can be sealed for many members.
     *
     * @param key         the connection's frame key.
     * @param lane        the sending lane's id.
     * @param counter     the lane's next counter, above every counter used before under this key and lane.
     * @param buffer      holding the plain frame.
     * @param offset      of the frame.
     * @param frameLength of the frame, header included.
     * @return the sealed length, {@code frameLength + TRAILER_LENGTH}.
     */
    int seal(
        final SecretKeySpec key,
        final int lane,
        final long counter,
        final DirectBuffer buffer,
        final int offset,
        final int frameLength)
    {
        if (frameLength + TRAILER_LENGTH > sealScratch.length)
        {
            sealScratch = new byte[frameLength + TRAILER_LENGTH];
            sealed.wrap(sealScratch);
        }
        final byte[] scratch = sealScratch;
        buffer.getBytes(offset, scratch, 0, frameLength);
        final int flags = sealed.getShort(FrameHeaderFlyweight.FLAGS_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
        sealed.putShort(
            FrameHeaderFlyweight.FLAGS_OFFSET, (short)(flags | FrameHeaderFlyweight.FLAG_ENCRYPTED), LITTLE_ENDIAN);
        nonceBuffer.putInt(0, lane, BIG_ENDIAN);
        nonceBuffer.putLong(4, counter, BIG_ENDIAN);
        final int bodyLength = frameLength - HEADER;
        try
        {
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_LENGTH * 8, nonce));
            cipher.updateAAD(scratch, 0, HEADER);
            cipher.doFinal(scratch, HEADER, bodyLength, scratch, HEADER);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new EngineException("AES-GCM seal failed", ex, EngineException.Category.ERROR);
        }
        System.arraycopy(scratch, frameLength, scratch, frameLength + 8, TAG_LENGTH);
        sealed.putLong(frameLength, counter, LITTLE_ENDIAN);
        return frameLength + TRAILER_LENGTH;
    }

    /**
     * {@link #seal} a frame where it stands: for a frame written into a claim of {@code frameLength +}
     * {@link #TRAILER_LENGTH} bytes.
     *
     * @param key         the connection's frame key.
     * @param lane        the sending lane's id.
     * @param counter     the lane's next counter.
     * @param buffer      holding the plain frame, with room for the trailer after it.
     * @param offset      of the frame.
     * @param frameLength of the frame, header included.
     * @return the sealed length, {@code frameLength + TRAILER_LENGTH}.
     */
    int sealInPlace(
        final SecretKeySpec key,
        final int lane,
        final long counter,
        final MutableDirectBuffer buffer,
        final int offset,
        final int frameLength)
    {
        final int sealedLength = seal(key, lane, counter, buffer, offset, frameLength);
        buffer.putBytes(offset, sealed, 0, sealedLength);
        return sealedLength;
    }

    /**
     * @param buffer holding a frame of at least a header.
     * @param offset of the frame.
     * @return true when the frame's header has {@link FrameHeaderFlyweight#FLAG_ENCRYPTED}.
     */
    public static boolean isSealed(final DirectBuffer buffer, final int offset)
    {
        return (buffer.getShort(offset + FrameHeaderFlyweight.FLAGS_OFFSET, LITTLE_ENDIAN) &
            FrameHeaderFlyweight.FLAG_ENCRYPTED) != 0;
    }

    /**
     * @return the buffer {@link #seal} writes into; valid until the next seal.
     */
    UnsafeBuffer sealed()
    {
        return sealed;
    }

    /**
     * Decrypt and authenticate a sealed frame into this instance's opened buffer ({@link #opened()}, from offset
     * 0), with {@link FrameHeaderFlyweight#FLAG_ENCRYPTED} cleared. The source is not changed.
     *
     * @param key            the connection's frame key.
     * @param lane           the sending lane's id.
     * @param lastCounter    the highest counter accepted on this lane.
     * @param buffer         holding the sealed frame.
     * @param offset         of the frame.
     * @param fragmentLength of the sealed frame, trailer included.
     * @return the plain frame's length, or {@link #REJECTED} when the flag is missing, the counter does not rise
     * or the tag does not match.
     */
    int open(
        final SecretKeySpec key,
        final int lane,
        final long lastCounter,
        final DirectBuffer buffer,
        final int offset,
        final int fragmentLength)
    {
        final int frameLength = fragmentLength - TRAILER_LENGTH;
        if (frameLength < HEADER || !isSealed(buffer, offset))
        {
            return REJECTED;
        }
        final long counter = buffer.getLong(offset + frameLength, LITTLE_ENDIAN);
        if (counter <= lastCounter)
        {
            return REJECTED;
        }
        if (frameLength + TAG_LENGTH > openScratch.length)
        {
            openScratch = new byte[frameLength + TRAILER_LENGTH];
            opened.wrap(openScratch);
        }
        final byte[] scratch = openScratch;
        buffer.getBytes(offset, scratch, 0, frameLength);
        buffer.getBytes(offset + frameLength + 8, scratch, frameLength, TAG_LENGTH);
        nonceBuffer.putInt(0, lane, BIG_ENDIAN);
        nonceBuffer.putLong(4, counter, BIG_ENDIAN);
        try
        {
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_LENGTH * 8, nonce));
            cipher.updateAAD(scratch, 0, HEADER);
            cipher.doFinal(scratch, HEADER, frameLength - HEADER + TAG_LENGTH, scratch, HEADER);
        }
        catch (final GeneralSecurityException | IllegalStateException ex)
        {
            return REJECTED;
        }
        final int flags = opened.getShort(FrameHeaderFlyweight.FLAGS_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
        opened.putShort(
            FrameHeaderFlyweight.FLAGS_OFFSET, (short)(flags & ~FrameHeaderFlyweight.FLAG_ENCRYPTED), LITTLE_ENDIAN);
        openedCounter = counter;
        return frameLength;
    }

    /**
     * @return the buffer {@link #open} writes into; valid until the next open.
     */
    UnsafeBuffer opened()
    {
        return opened;
    }

    /**
     * @return the counter of the frame the last successful {@link #open} accepted.
     */
    long openedCounter()
    {
        return openedCounter;
    }
}
