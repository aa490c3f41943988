package io.skirmish.directory;

import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.client.EgressListener;
import io.aeron.cluster.codecs.EventCode;
import io.aeron.logbuffer.Header;
import io.aeron.exceptions.AeronException;
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
    private AeronCluster cluster;
    private long lastSendNs;
    private long nextConnectNs;
    private long reconnects;
    private boolean closed;

    ClusterConnection(
        final String nodes, final String aeronDirectoryName, final String egressHost, final long messageTimeoutNs,
        final long keepAliveIntervalNs, final IdleStrategy idleStrategy, final Listener listener)
    {
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
                .egressListener(this));
            return true;
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
}
