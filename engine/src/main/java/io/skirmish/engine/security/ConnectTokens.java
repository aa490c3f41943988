package io.skirmish.engine.security;

import io.skirmish.engine.EngineException;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Connect tokens in netcode's manner. The game's backend, which shares a secret with its game servers, mints a
 * token for a client after its own login (over HTTPS); the client presents the token to the server in its connect
 * request. The server checks the HMAC-SHA256, the expiry, the server address it was minted for and that its nonce
 * was not used before.
 * <p>
 * Minting also yields the 16-byte session key, which the backend hands to the client beside the token and which
 * never travels on the game's UDP lanes: the client authenticates every frame with it (SipHash-2-4), and the server
 * derives the same key from the token and its secret.
 * <pre>
 *   0        8          16           24        40                 44                48
 *   +--------+----------+------------+---------+------------------+-----------------+--------------------+----------+
 *   |version | clientId | expiresAt  | nonce   | serverAddressLen | userDataLen     | serverAddress, user| HMAC-256 |
 *   |(8 B)   | (64)     | epoch ms   | (128)   | (16) + 16 spare  | (16) + 16 spare | data               | (32 B)   |
 * </pre>
 * Thread safety: an instance is not thread safe; use one per thread (the backend) or per conductor (the server).
 * Errors: {@link #verify} returns a negative result code, never throws; the constructor throws
 * {@link IllegalArgumentException} for a secret shorter than 32 bytes and {@link #mint} for an address or user data
 * over the limits.
 */
public final class ConnectTokens
{
    /** Length of the derived session key in bytes. */
    public static final int SESSION_KEY_LENGTH = 16;
    /** Largest user data in a token, in bytes. */
    public static final int MAX_USER_DATA_LENGTH = 256;
    /** Largest server address in a token, in bytes. */
    public static final int MAX_SERVER_ADDRESS_LENGTH = 128;
    /** Token format version. */
    public static final int VERSION = 1;

    /** {@link #verify} result: valid. */
    public static final int VALID = 0;
    /** {@link #verify} result: malformed or the HMAC does not match (forged). */
    public static final int INVALID = -1;
    /** {@link #verify} result: expired. */
    public static final int EXPIRED = -2;
    /** {@link #verify} result: minted for another server. */
    public static final int WRONG_SERVER = -3;

    /** Offset of the client id in a token. */
    public static final int CLIENT_ID_OFFSET = 8;
    static final int EXPIRES_OFFSET = 16;
    static final int NONCE_OFFSET = 24;
    static final int SERVER_ADDRESS_LENGTH_OFFSET = 40;
    static final int USER_DATA_LENGTH_OFFSET = 44;
    static final int BODY_OFFSET = 48;
    static final int MAC_LENGTH = 32;
    private static final byte[] KEY_LABEL = "skirmish-session-key".getBytes(StandardCharsets.US_ASCII);

    private final Mac mac;
    private final SecureRandom random = new SecureRandom();
    private final byte[] macOutput = new byte[MAC_LENGTH];
    private final byte[] scratch = new byte[BODY_OFFSET + MAX_SERVER_ADDRESS_LENGTH + MAX_USER_DATA_LENGTH];

    /**
     * @param secret the secret shared by backend and game servers, at least 32 bytes of randomness.
     */
    public ConnectTokens(final byte[] secret)
    {
        if (null == secret || secret.length < 32)
        {
            throw new IllegalArgumentException("connect token secret must be at least 32 bytes");
        }
        try
        {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        }
        catch (final GeneralSecurityException ex)
        {
            throw new EngineException("HmacSHA256 unavailable", ex, EngineException.Category.FATAL);
        }
    }

    /** A minted token and the session key that goes with it. */
    public static final class Minted
    {
        private final byte[] token;
        private final byte[] sessionKey;

        Minted(final byte[] token, final byte[] sessionKey)
        {
            this.token = token;
            this.sessionKey = sessionKey;
        }

        /**
         * @return the token the client presents (opaque to it).
         */
        public byte[] token()
        {
            return token.clone();
        }

        /**
         * @return the session key the client authenticates its frames with; give it to the client privately.
         */
        public byte[] sessionKey()
        {
            return sessionKey.clone();
        }
    }

    /**
     * Mint a token (backend side).
     *
     * @param clientId         the player's id in the game's backend.
     * @param expiresAtEpochMs wall-clock expiry in milliseconds since the epoch.
     * @param serverAddress    the server it is valid for, as configured in its
     *                         {@code GameServer.Context#publicAddresses} (e.g. {@code game1.example.com:40123}).
     * @param userData         up to {@value #MAX_USER_DATA_LENGTH} bytes the server sees on connect (may be empty).
     * @return the token and its session key.
     */
    public Minted mint(
        final long clientId, final long expiresAtEpochMs, final String serverAddress, final byte[] userData)
    {
        final byte[] address = serverAddress.getBytes(StandardCharsets.US_ASCII);
        if (address.length > MAX_SERVER_ADDRESS_LENGTH || userData.length > MAX_USER_DATA_LENGTH)
        {
            throw new IllegalArgumentException("server address or user data too long");
        }
        final int bodyLength = BODY_OFFSET + address.length + userData.length;
        final byte[] token = new byte[bodyLength + MAC_LENGTH];
        final UnsafeBuffer buffer = new UnsafeBuffer(token);
        buffer.putByte(0, (byte)VERSION);
        buffer.putLong(CLIENT_ID_OFFSET, clientId, LITTLE_ENDIAN);
        buffer.putLong(EXPIRES_OFFSET, expiresAtEpochMs, LITTLE_ENDIAN);
        buffer.putLong(NONCE_OFFSET, random.nextLong(), LITTLE_ENDIAN);
        buffer.putLong(NONCE_OFFSET + 8, random.nextLong(), LITTLE_ENDIAN);
        buffer.putInt(SERVER_ADDRESS_LENGTH_OFFSET, address.length, LITTLE_ENDIAN);
        buffer.putInt(USER_DATA_LENGTH_OFFSET, userData.length, LITTLE_ENDIAN);
        buffer.putBytes(BODY_OFFSET, address);
        buffer.putBytes(BODY_OFFSET + address.length, userData);
        mac.update(token, 0, bodyLength);
        try
        {
            mac.doFinal(token, bodyLength);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new EngineException("token MAC failed", ex, EngineException.Category.ERROR);
        }
        return new Minted(token, deriveKey(token, 0));
    }

    /**
     * Verify a token (server side, cold path: once per connect).
     *
     * @param buffer           containing the token.
     * @param offset           of the token.
     * @param length           of the token.
     * @param nowEpochMs       current wall-clock time.
     * @param serverAddresses  addresses this server answers to.
     * @return {@link #VALID}, {@link #INVALID}, {@link #EXPIRED} or {@link #WRONG_SERVER}.
     */
    public int verify(
        final DirectBuffer buffer, final int offset, final int length, final long nowEpochMs,
        final String[] serverAddresses)
    {
        if (length < BODY_OFFSET + MAC_LENGTH || length > scratch.length + MAC_LENGTH ||
            (buffer.getByte(offset) & 0xFF) != VERSION)
        {
            return INVALID;
        }
        final int addressLength = buffer.getInt(offset + SERVER_ADDRESS_LENGTH_OFFSET, LITTLE_ENDIAN);
        final int userDataLength = buffer.getInt(offset + USER_DATA_LENGTH_OFFSET, LITTLE_ENDIAN);
        if (addressLength < 0 || addressLength > MAX_SERVER_ADDRESS_LENGTH ||
            userDataLength < 0 || userDataLength > MAX_USER_DATA_LENGTH ||
            BODY_OFFSET + addressLength + userDataLength + MAC_LENGTH != length)
        {
            return INVALID;
        }
        final int bodyLength = length - MAC_LENGTH;
        buffer.getBytes(offset, scratch, 0, bodyLength);
        mac.update(scratch, 0, bodyLength);
        try
        {
            mac.doFinal(macOutput, 0);
        }
        catch (final GeneralSecurityException ex)
        {
            return INVALID;
        }
        final byte[] presented = new byte[MAC_LENGTH];
        buffer.getBytes(offset + bodyLength, presented);
        if (!MessageDigest.isEqual(macOutput, presented))
        {
            return INVALID;
        }
        if (buffer.getLong(offset + EXPIRES_OFFSET, LITTLE_ENDIAN) <= nowEpochMs)
        {
            return EXPIRED;
        }
        final String address = buffer.getStringWithoutLengthAscii(offset + BODY_OFFSET, addressLength);
        for (final String serverAddress : serverAddresses)
        {
            if (serverAddress.equals(address))
            {
                return VALID;
            }
        }
        return WRONG_SERVER;
    }

    /**
     * Derive the session key of a token (server side, after {@link #verify} returned {@link #VALID}).
     *
     * @param buffer containing the token.
     * @param offset of the token.
     * @return the 16-byte session key.
     */
    public byte[] sessionKey(final DirectBuffer buffer, final int offset)
    {
        final byte[] head = new byte[BODY_OFFSET];
        buffer.getBytes(offset, head);
        return deriveKey(head, 0);
    }

    /**
     * @param buffer holding a token that verified.
     * @param offset of the token.
     * @return the client id the backend minted the token for.
     */
    public static long clientId(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + CLIENT_ID_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param buffer holding a token that verified.
     * @param offset of the token.
     * @return when the token expires, in epoch milliseconds.
     */
    public static long expiresAtEpochMs(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + EXPIRES_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param buffer holding a token that verified.
     * @param offset of the token.
     * @return the high half of the token's 128-bit nonce.
     */
    public static long nonceHigh(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + NONCE_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param buffer holding a token that verified.
     * @param offset of the token.
     * @return the low half of the token's 128-bit nonce.
     */
    public static long nonceLow(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + NONCE_OFFSET + 8, LITTLE_ENDIAN);
    }

    /**
     * @param buffer holding a token that verified.
     * @param offset of the token.
     * @return where the game's user data starts in the buffer.
     */
    public static int userDataOffset(final DirectBuffer buffer, final int offset)
    {
        return offset + BODY_OFFSET + buffer.getInt(offset + SERVER_ADDRESS_LENGTH_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param buffer holding a token that verified.
     * @param offset of the token.
     * @return the length of the game's user data.
     */
    public static int userDataLength(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + USER_DATA_LENGTH_OFFSET, LITTLE_ENDIAN);
    }

    private byte[] deriveKey(final byte[] token, final int offset)
    {
        mac.update(KEY_LABEL);
        mac.update(token, offset + NONCE_OFFSET, 16);
        mac.update(token, offset + CLIENT_ID_OFFSET, 8);
        final byte[] full = mac.doFinal();
        final byte[] key = new byte[SESSION_KEY_LENGTH];
        System.arraycopy(full, 0, key, 0, SESSION_KEY_LENGTH);
        return key;
    }
}
