package io.skirmish.directory;

import io.skirmish.directory.protocol.DirectoryAuth;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DirectoryAuthTest
{
    @Test
    void shouldComputeTheSameHmacAsTheJdk() throws Exception
    {
        for (final int keyLength : new int[]{ 0, 1, 32, 64, 65, 200 })
        {
            final byte[] key = new byte[keyLength];
            Arrays.fill(key, (byte)(keyLength + 7));
            final byte[] message = ("message " + keyLength).getBytes(StandardCharsets.UTF_8);
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(0 == keyLength ? new byte[1] : key, "HmacSHA256"));
            if (keyLength > 0)
            {
                assertArrayEquals(mac.doFinal(message), DirectoryAuth.hmacSha256(key, message), "key " + keyLength);
            }
        }
    }

    @Test
    void shouldAcceptOnlyTheAnswerOfTheRightSecretAndRole()
    {
        final byte[] secret = "s3cret".getBytes(StandardCharsets.UTF_8);
        final byte[] challenge = new byte[DirectoryAuth.CHALLENGE_LENGTH];
        Arrays.fill(challenge, (byte)3);
        final byte[] answer = DirectoryAuth.response(secret, challenge, DirectoryAuth.ROLE_SERVER);
        assertTrue(DirectoryAuth.isValidResponse(secret, challenge, DirectoryAuth.ROLE_SERVER, answer));
        assertFalse(DirectoryAuth.isValidResponse(secret, challenge, DirectoryAuth.ROLE_BACKEND, answer),
            "the role is part of the answer");
        assertFalse(DirectoryAuth.isValidResponse("other".getBytes(StandardCharsets.UTF_8), challenge,
            DirectoryAuth.ROLE_SERVER, answer));
        assertFalse(DirectoryAuth.isValidResponse(secret, challenge, DirectoryAuth.ROLE_SERVER, null));
        assertFalse(DirectoryAuth.isValidResponse(secret, challenge, DirectoryAuth.ROLE_SERVER, new byte[0]));
    }

    @Test
    void shouldReadRolesFromCredentialsAndPrincipals()
    {
        assertEquals(DirectoryAuth.ROLE_BACKEND,
            DirectoryAuth.roleOfCredentials(DirectoryAuth.credentials(DirectoryAuth.ROLE_BACKEND)));
        assertEquals(-1, DirectoryAuth.roleOfCredentials(null));
        assertEquals(-1, DirectoryAuth.roleOfCredentials(new byte[0]));
        assertEquals(-1, DirectoryAuth.roleOfCredentials(new byte[]{ 1, 9 }));
        assertEquals(-1, DirectoryAuth.roleOfCredentials(new byte[]{ 2, 1 }), "unknown version");
        assertEquals(DirectoryAuth.ROLE_ANY, DirectoryAuth.roleOfPrincipal(new byte[0]));
        assertEquals(DirectoryAuth.ROLE_SERVER,
            DirectoryAuth.roleOfPrincipal(DirectoryAuth.principal(DirectoryAuth.ROLE_SERVER)));
    }
}
