package io.skirmish.directory.protocol;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Authentication of the directory's sessions (Aeron Cluster's authenticator, on the leader's consensus module): the
 * client's credentials name its role, the directory answers with a random challenge, and the client proves that it
 * holds its role's shared secret by answering HMAC-SHA256(secret, challenge || role). The answer is compared in
 * constant time. An authenticated session's principal is its role, which the service checks on every command: a
 * backend cannot register or report a server, and a room server cannot ask for seats.
 * <pre>
 * credentials: +-----------+-----------+     principal: +-----------+
 *              |Version (8)|  Role (8) |                |  Role (8) |
 *              +-----------+-----------+                +-----------+
 * </pre>
 * Cold path: a few allocations per connection.
 */
public final class DirectoryAuth
{
    /** Version of the credentials. */
    public static final int VERSION = 1;
    /** No authentication (the directory runs without secrets): every command is allowed. */
    public static final int ROLE_ANY = 0;
    /** A game backend: asks for, confirms and releases seats, describes rooms. */
    public static final int ROLE_BACKEND = 1;
    /** A room server: registers, reports, heartbeats, confirms seats, describes rooms. */
    public static final int ROLE_SERVER = 2;
    /** Length of a challenge. */
    public static final int CHALLENGE_LENGTH = 32;

    private static final int BLOCK = 64;

    private DirectoryAuth()
    {
    }

    /**
     * @param role {@link #ROLE_BACKEND} or {@link #ROLE_SERVER}.
     * @return the credentials a client sends with its connect request.
     */
    public static byte[] credentials(final int role)
    {
        return new byte[]{ (byte)VERSION, (byte)role };
    }

    /**
     * @param credentials as sent, may be null.
     * @return the role they claim, or -1 when malformed.
     */
    public static int roleOfCredentials(final byte[] credentials)
    {
        if (null == credentials || 2 != credentials.length || VERSION != credentials[0])
        {
            return -1;
        }
        final int role = credentials[1];
        return ROLE_BACKEND == role || ROLE_SERVER == role ? role : -1;
    }

    /**
     * @param role an authenticated role.
     * @return the session's principal.
     */
    public static byte[] principal(final int role)
    {
        return new byte[]{ (byte)role };
    }

    /**
     * @param principal a session's encoded principal, empty or null without authentication.
     * @return its role, {@link #ROLE_ANY} when the directory does not authenticate.
     */
    public static int roleOfPrincipal(final byte[] principal)
    {
        return null == principal || 0 == principal.length ? ROLE_ANY : principal[0];
    }

    /**
     * @param secret    the role's shared secret.
     * @param challenge the directory's challenge.
     * @param role      the role claimed.
     * @return the answer to the challenge.
     */
    public static byte[] response(final byte[] secret, final byte[] challenge, final int role)
    {
        final byte[] message = new byte[challenge.length + 1];
        System.arraycopy(challenge, 0, message, 0, challenge.length);
        message[challenge.length] = (byte)role;
        return hmacSha256(secret, message);
    }

    /**
     * @param secret    the role's shared secret.
     * @param challenge the challenge sent.
     * @param role      the role claimed.
     * @param response  the client's answer, may be null.
     * @return true when the answer proves the secret (compared in constant time).
     */
    public static boolean isValidResponse(
        final byte[] secret, final byte[] challenge, final int role, final byte[] response)
    {
        return null != response && MessageDigest.isEqual(response(secret, challenge, role), response);
    }

    /**
     * HMAC (RFC 2104) with SHA-256.
     *
     * @param key     the key.
     * @param message the message.
     * @return the 32-byte MAC.
     */
    public static byte[] hmacSha256(final byte[] key, final byte[] message)
    {
        try
        {
            final MessageDigest digest = MessageDigest.getInstance("SHA-256");
            final byte[] block = new byte[BLOCK];
            final byte[] shortKey = key.length > BLOCK ? digest.digest(key) : key;
            System.arraycopy(shortKey, 0, block, 0, shortKey.length);
            final byte[] inner = new byte[BLOCK];
            final byte[] outer = new byte[BLOCK];
            for (int i = 0; i < BLOCK; i++)
            {
                inner[i] = (byte)(block[i] ^ 0x36);
                outer[i] = (byte)(block[i] ^ 0x5c);
            }
            digest.reset();
            digest.update(inner);
            digest.update(message);
            final byte[] innerHash = digest.digest();
            digest.update(outer);
            digest.update(innerHash);
            return digest.digest();
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("SHA-256 missing", ex);
        }
    }
}
