package io.skirmish.directory;

import org.agrona.CloseHelper;
import org.agrona.concurrent.ShutdownSignalBarrier;

import java.io.File;
import java.util.function.IntFunction;

/**
 * Development mode: every node of a directory cluster in this one process, each with its own media driver, archive,
 * consensus module and directory service, on its own ports and directories. The same nodes as separate processes
 * are {@link DirectoryNode}s; this is for laptops, samples and tests that do not kill processes.
 */
public final class DirectoryCluster implements AutoCloseable
{
    private final DirectoryNode[] nodes;

    private DirectoryCluster(final DirectoryNode[] nodes)
    {
        this.nodes = nodes;
    }

    /**
     * @param host     the nodes' host.
     * @param basePort node i takes the ports from {@code basePort + 10 * i}.
     * @param count    how many nodes (3 survive the loss of one).
     * @return the nodes string for {@link DirectoryNode.Context#nodes(String)} and
     *         {@link DirectoryClient.Context#nodes(String)}.
     */
    public static String nodes(final String host, final int basePort, final int count)
    {
        final StringBuilder nodes = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            nodes.append(i > 0 ? "," : "").append(host).append(':').append(basePort + 10 * i);
        }
        return nodes.toString();
    }

    /**
     * Launch every node of a cluster in this process.
     *
     * @param count   how many nodes.
     * @param context the context of node i, with its node id and the nodes set (and anything else to change);
     *                launch concludes them.
     * @return the running cluster.
     */
    public static DirectoryCluster launch(final int count, final IntFunction<DirectoryNode.Context> context)
    {
        final DirectoryNode[] nodes = new DirectoryNode[count];
        try
        {
            for (int i = 0; i < count; i++)
            {
                nodes[i] = DirectoryNode.launch(context.apply(i));
            }
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.closeAll(nodes);
            throw ex;
        }
        return new DirectoryCluster(nodes);
    }

    /**
     * @param index node id.
     * @return the node.
     */
    public DirectoryNode node(final int index)
    {
        return nodes[index];
    }

    /**
     * @return how many nodes.
     */
    public int size()
    {
        return nodes.length;
    }

    /**
     * @return the leader, or null during an election.
     */
    public DirectoryNode leader()
    {
        for (final DirectoryNode node : nodes)
        {
            if (null != node && node.isLeader())
            {
                return node;
            }
        }
        return null;
    }

    /**
     * Stop every node.
     */
    public void close()
    {
        CloseHelper.closeAll(nodes);
    }

    /**
     * Run three nodes on localhost from port 9000 (or the first argument) until SIGINT or SIGTERM, in directories
     * under {@code java.io.tmpdir}, starting empty.
     *
     * @param args optional base port.
     */
    public static void main(final String[] args)
    {
        final int basePort = args.length > 0 ? Integer.parseInt(args[0]) : 9000;
        final String nodes = nodes("localhost", basePort, 3);
        try (ShutdownSignalBarrier barrier = new ShutdownSignalBarrier();
            DirectoryCluster cluster = launch(3, (i) -> new DirectoryNode.Context().nodeId(i).nodes(nodes)
                .deleteOnStart(true)
                .baseDir(new File(System.getProperty("java.io.tmpdir"), "skirmish-directory-dev-" + i))))
        {
            System.out.println("directory cluster (dev mode, " + cluster.size() + " nodes in one process) up, nodes=" + nodes);
            barrier.await();
        }
    }
}
