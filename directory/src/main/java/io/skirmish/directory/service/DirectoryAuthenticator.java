package io.skirmish.directory.service;

import io.skirmish.directory.protocol.DirectoryAuth;
import io.aeron.Counter;
import io.aeron.security.Authenticator;
import io.aeron.security.AuthenticatorSupplier;
import io.aeron.security.SessionProxy;
import org.agrona.collections.Long2ObjectHashMap;

import java.security.SecureRandom;

/**
 * Aeron Cluster's authenticator for the directory's ingress (see {@link DirectoryAuth}): a connect request names a
 * role, is challenged with 32 random bytes, and is authenticated with the role as its principal when the answer proves
 * the role's secret; anything else (malformed credentials, a role without a secret, a wrong answer) is rejected and
 * counted. A session that never answers is timed out by the consensus module (its session timeout), and forgotten
 * here after {@link #FORGET_AFTER_MS}.
 * <p>
 * Thread: the consensus module's, for every method (and only on the leader).
 */
public final class DirectoryAuthenticator implements Authenticator
{
    /** Pending sessions older than this are dropped from the authenticator's table. */
    static final long FORGET_AFTER_MS = 60_000;

    private final byte[] backendSecret;
    private final byte[] serverSecret;
    private final Supplier supplier;
    private final SecureRandom random = new SecureRandom();
    private final Long2ObjectHashMap<Pending> pending = new Long2ObjectHashMap<>();

    private DirectoryAuthenticator(final byte[] backendSecret, final byte[] serverSecret, final Supplier supplier)
    {
        this.backendSecret = backendSecret;
        this.serverSecret = serverSecret;
        this.supplier = supplier;
    }

    /**
     * {@inheritDoc}
     */
    public void onConnectRequest(final long sessionId, final byte[] encodedCredentials, final long nowMs)
    {
        pending.values().removeIf((p) -> nowMs - p.createdAtMs > FORGET_AFTER_MS);
        final Pending session = new Pending();
        session.createdAtMs = nowMs;
        session.role = DirectoryAuth.roleOfCredentials(encodedCredentials);
        session.secret = DirectoryAuth.ROLE_BACKEND == session.role ? backendSecret :
            DirectoryAuth.ROLE_SERVER == session.role ? serverSecret : null;
        pending.put(sessionId, session);
    }

    /**
     * {@inheritDoc}
     */
    public void onConnectedSession(final SessionProxy sessionProxy, final long nowMs)
    {
        final Pending session = pending.get(sessionProxy.sessionId());
        if (null == session || null == session.secret)
        {
            reject(sessionProxy);
            return;
        }
        if (null == session.challenge)
        {
            session.challenge = new byte[DirectoryAuth.CHALLENGE_LENGTH];
            random.nextBytes(session.challenge);
        }
        sessionProxy.challenge(session.challenge);
    }

    /**
     * {@inheritDoc}
     */
    public void onChallengeResponse(final long sessionId, final byte[] encodedCredentials, final long nowMs)
    {
        final Pending session = pending.get(sessionId);
        if (null != session && null != session.challenge)
        {
            session.answered = true;
            session.valid = DirectoryAuth.isValidResponse(
                session.secret, session.challenge, session.role, encodedCredentials);
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onChallengedSession(final SessionProxy sessionProxy, final long nowMs)
    {
        final Pending session = pending.get(sessionProxy.sessionId());
        if (null == session)
        {
            reject(sessionProxy);
        }
        else if (session.answered)
        {
            if (!session.valid)
            {
                reject(sessionProxy);
            }
            else if (sessionProxy.authenticate(DirectoryAuth.principal(session.role)))
            {
                pending.remove(sessionProxy.sessionId());
            }
        }
    }

    private void reject(final SessionProxy sessionProxy)
    {
        pending.remove(sessionProxy.sessionId());
        sessionProxy.reject();
        final Counter refused = supplier.refusedCounter;
        if (null != refused)
        {
            refused.increment();
        }
    }

    private static final class Pending
    {
        long createdAtMs;
        int role;
        byte[] secret;
        byte[] challenge;
        boolean answered;
        boolean valid;
    }

    /**
     * Makes the authenticator of each consensus module (one per leadership, Aeron Cluster asks again), with the
     * roles' secrets; a role without a secret cannot connect.
     */
    public static final class Supplier implements AuthenticatorSupplier
    {
        private final byte[] backendSecret;
        private final byte[] serverSecret;
        private volatile Counter refusedCounter;

        /**
         * @param backendSecret the game backends' shared secret, or null to let no backend in.
         * @param serverSecret  the room servers' shared secret, or null to let no room server in.
         */
        public Supplier(final byte[] backendSecret, final byte[] serverSecret)
        {
            this.backendSecret = null == backendSecret ? null : backendSecret.clone();
            this.serverSecret = null == serverSecret ? null : serverSecret.clone();
        }

        /**
         * @param refusedCounter counts refused connections (the node's {@link DirectoryCounter#CONNECTIONS_REFUSED}),
         *                       set once the node's counters exist.
         */
        public void refusedCounter(final Counter refusedCounter)
        {
            this.refusedCounter = refusedCounter;
        }

        /**
         * {@inheritDoc}
         */
        public Authenticator get()
        {
            return new DirectoryAuthenticator(backendSecret, serverSecret, this);
        }
    }
}
