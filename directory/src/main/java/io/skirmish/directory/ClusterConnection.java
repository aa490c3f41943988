package io.skirmish.directory;

import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.client.EgressListener;
import io.aeron.cluster.codecs.EventCode;
import io.aeron.logbuffer.Header;
import io.aeron.exceptions.AeronException;
import io.aeron.security.AuthenticationException;
import io.aeron.security.CredentialsSupplier;
import io.aeron.security.NullCredentialsSupplier;
import io.skirmish.directory.protocol.DirectoryAuth;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;

/**
 * A session with the directory cluster, shared by {@link DirectoryClient} and {@link DirectoryReporter}: connects
 * through the nodes' ingress endpoints, follows leader changes (Aeron Cluster moves the session to the new leader
 * and tells us, and then we send again what is unanswered), keeps the session alive, and connects again when the
 * cluster closed it. Not thread safe: the owner's thread.
 */
final class ClusterConnection implements EgressListener, AutoCloseable
{
    /** What the owner hears. */
    interface Listener
    {
        /**
         * A directory message for this session.
         *
         * @param buffer holding it.
         * @param offset of it.
         * @param length of it.
         */
        void onMessage(DirectBuffer buffer, int offset, int length);

        /**
         * The session moved to a new leader, or a new session was connected: send again what is unanswered.
         */
        void onReconnected();
    }

    private final String nodes;
    private final String aeronDirectoryName;
    private final String egressHost;
    private final long messageTimeoutNs;
    private final long keepAliveIntervalNs;
    private final IdleStrategy idleStrategy;
    private final Listener listener;
    private final CredentialsSupplier credentials;
    private AeronCluster cluster;
    private boolean refused;
    private long lastSendNs;
    private long nextConnectNs;
    private long reconnects;
    private boolean closed;

    ClusterConnection(
        final String nodes, final String aeronDirectoryName, final String egressHost, final long messageTimeoutNs,
        final long keepAliveIntervalNs, final IdleStrategy idleStrategy, final int role, final byte[] secret,
        final Listener listener)
    {
        this.credentials = null == secret ? new NullCredentialsSupplier() : new RoleCredentials(role, secret);
        this.nodes = nodes;
        this.aeronDirectoryName = aeronDirectoryName;
        this.egressHost = egressHost;
        this.messageTimeoutNs = messageTimeoutNs;
        this.keepAliveIntervalNs = keepAliveIntervalNs;
        this.idleStrategy = idleStrategy;
        this.listener = listener;
    }

    static String ingressEndpoints(final String nodes)
    {
        final String[] entries = nodes.split(",");
        final StringBuilder endpoints = new StringBuilder();
        for (int i = 0; i < entries.length; i++)
        {
            endpoints.append(i > 0 ? "," : "").append(i).append('=').append(entries[i].trim());
        }
        return endpoints.toString();
    }

    /**
     * Connect, blocking up to the message timeout (cold path).
     *
     * @return true when connected.
     */
    boolean connect()
    {
        CloseHelper.quietClose(cluster);
        cluster = null;
        try
        {
            cluster = AeronCluster.connect(new AeronCluster.Context()
                .aeronDirectoryName(aeronDirectoryName)
                .ingressChannel("aeron:udp?term-length=128k")
                .ingressEndpoints(ingressEndpoints(nodes))
                .egressChannel("aeron:udp?term-length=128k|endpoint=" + egressHost + ":0")
                .messageTimeoutNs(messageTimeoutNs)
                .newLeaderTimeoutNs(messageTimeoutNs)
                .idleStrategy(idleStrategy)
                .credentialsSupplier(credentials)
                .egressListener(this));
            refused = false;
            return true;
        }
        catch (final AuthenticationException ex)
        {
            refused = true;
            return false;
        }
        catch (final AeronException ex)
        {
            return false;
        }
    }

    /**
     * @param nowNs now.
     * @return work done.
     */
    int poll(final long nowNs)
    {
        if (closed)
        {
            return 0;
        }
        if (null == cluster || cluster.isClosed())
        {
            if (nowNs - nextConnectNs < 0)
            {
                return 0;
            }
            nextConnectNs = nowNs + messageTimeoutNs;
            if (connect())
            {
                reconnects++;
                listener.onReconnected();
                return 1;
            }
            return 0;
        }
        int work = cluster.pollEgress();
        if (nowNs - lastSendNs - keepAliveIntervalNs > 0 && !cluster.isClosed() && cluster.sendKeepAlive())
        {
            lastSendNs = nowNs;
            work++;
        }
        return work;
    }

    /**
     * @param buffer holding the message.
     * @param offset of it.
     * @param length of it.
     * @param nowNs  now.
     * @return true when the cluster took it.
     */
    boolean offer(final DirectBuffer buffer, final int offset, final int length, final long nowNs)
    {
        if (null == cluster || cluster.isClosed())
        {
            return false;
        }
        if (cluster.offer(buffer, offset, length) > 0)
        {
            lastSendNs = nowNs;
            return true;
        }
        return false;
    }

    boolean isConnected()
    {
        return null != cluster && !cluster.isClosed();
    }

    int leaderMemberId()
    {
        return null == cluster ? -1 : cluster.leaderMemberId();
    }

    long reconnects()
    {
        return reconnects;
    }

    /**
     * @return true when the last attempt to connect was refused by the directory's authenticator.
     */
    boolean wasRefused()
    {
        return refused;
    }

    public void onMessage(
        final long clusterSessionId, final long timestamp, final DirectBuffer buffer, final int offset,
        final int length, final Header header)
    {
        listener.onMessage(buffer, offset, length);
    }

    public void onSessionEvent(
        final long correlationId, final long clusterSessionId, final long leadershipTermId, final int leaderMemberId,
        final EventCode code, final String detail)
    {
    }

    public void onNewLeader(
        final long clusterSessionId, final long leadershipTermId, final int leaderMemberId,
        final String ingressEndpoints)
    {
        listener.onReconnected();
    }

    public void close()
    {
        closed = true;
        CloseHelper.quietClose(cluster);
        cluster = null;
    }

    /** A role's credentials: the role in the connect request, HMAC-SHA256 of the challenge with the secret. */
    private static final class RoleCredentials implements CredentialsSupplier
    {
        private final int role;
        private final byte[] secret;

        RoleCredentials(final int role, final byte[] secret)
        {
            this.role = role;
            this.secret = secret.clone();
        }

        public byte[] encodedCredentials()
        {
            return DirectoryAuth.credentials(role);
        }

        public byte[] onChallenge(final byte[] encodedChallenge)
        {
            return DirectoryAuth.response(secret, encodedChallenge, role);
        }
    }
}
