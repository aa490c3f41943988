package io.skirmish.engine.client;

import io.skirmish.engine.DisconnectReason;
import io.skirmish.engine.security.ConnectTokens;

/**
 * What a client does when the server refuses to resume its session ({@link DisconnectReason#RESUME_REJECTED}: the
 * resume window passed, or the server restarted; or the game's own reason from its connect hook): end, as by
 * default, or carry on as a new session. Called on the client's thread. Before a new session starts, the game is told
 * that the old one ended: {@link ClientListener#onLeft} for each room it was in, then
 * {@link ClientListener#onDisconnected}; then {@link ClientListener#onConnected} with the new session's id and
 * {@code resumed == false}.
 */
@FunctionalInterface
public interface ResumeFallback
{
    /** Always carry on as a new session, with the same credentials (for servers without connect tokens). */
    ResumeFallback NEW_SESSION = (reason, credentials) -> true;

    /**
     * The server refused the resume.
     *
     * @param reason      why.
     * @param credentials where to put a fresh connect token from the game's backend: a token is spent on first use,
     *                    so a server with connect tokens accepts a new session only with a new one.
     * @return true to connect as a new session, false to end.
     */
    boolean onResumeRefused(DisconnectReason reason, Credentials credentials);

    /**
     * Fresh credentials for the new session; untouched, the client's own are used again.
     */
    final class Credentials
    {
        byte[] token;
        byte[] sessionKey;

        /**
         * Use a new connect token minted by the game's backend ({@link ConnectTokens#mint}).
         *
         * @param token      the token.
         * @param sessionKey its 16-byte session key.
         */
        public void connectToken(final byte[] token, final byte[] sessionKey)
        {
            if (sessionKey.length != ConnectTokens.SESSION_KEY_LENGTH)
            {
                throw new IllegalArgumentException("session key must be 16 bytes");
            }
            this.token = token.clone();
            this.sessionKey = sessionKey.clone();
        }
    }
}
