package io.skirmish.samples;

import io.skirmish.directory.DirectoryCluster;
import io.skirmish.directory.DirectoryNode;

import java.io.File;
import java.nio.charset.StandardCharsets;

/**
 * Scenario: the room directory (issue 17), one node or the three-node development cluster in this process, until
 * Ctrl-C or SIGTERM (or {@code --duration}).
 * <pre>
 *   java -jar skirmish-demo.jar directory --dev [--base-port 9000] [--duration S]
 *   java -jar skirmish-demo.jar directory --node N --nodes host:port,host:port,host:port [--dir DIR] [--clean]
 *       [--duration S]
 * </pre>
 * {@code --dev} runs three nodes on localhost from the base port (each node 10 ports apart), starting empty; room
 * servers join with {@code server --directory localhost:9000,localhost:9010,localhost:9020}. {@code --node} runs
 * one node of a cluster spread over processes or hosts, recovering its state from {@code --dir} unless
 * {@code --clean}.
 */
final class DirectoryCommand
{
    private DirectoryCommand()
    {
    }

    static int run(final CommandLine line)
    {
        final boolean dev = line.flag("dev");
        final int basePort = line.intValue("base-port", 9000);
        final int nodeId = line.intValue("node", -1);
        final String nodes = line.string("nodes", null);
        final String dir = line.string("dir", null);
        final boolean clean = line.flag("clean");
        final long durationNs = line.durationNs("duration", Long.MAX_VALUE);
        line.checkAllUsed();
        if (dev == (nodeId >= 0))
        {
            throw new IllegalArgumentException("directory: either --dev or --node N --nodes ...");
        }

        final Shutdown shutdown = Shutdown.register();
        try (AutoCloseable running = dev ? devCluster(basePort) : node(nodeId, nodes, dir, clean))
        {
            System.out.flush();
            shutdown.await(durationNs);
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("directory failed: " + ex.getMessage(), ex);
        }
        finally
        {
            System.out.println("directory stopped");
            System.out.flush();
            shutdown.done();
        }
        return 0;
    }

    private static AutoCloseable devCluster(final int basePort)
    {
        final String nodes = DirectoryCluster.nodes("localhost", basePort, 3);
        final DirectoryCluster cluster = DirectoryCluster.launch(3, (i) -> new DirectoryNode.Context()
            .nodeId(i)
            .nodes(nodes)
            .deleteOnStart(true)
            .baseDir(new File(System.getProperty("java.io.tmpdir"), "skirmish-directory-dev-" + i)));
        System.out.printf("directory cluster (dev mode, 3 nodes in one process) up, nodes=%s%n", nodes);
        return cluster;
    }

    private static AutoCloseable node(final int nodeId, final String nodes, final String dir, final boolean clean)
    {
        if (null == nodes)
        {
            throw new IllegalArgumentException("directory --node needs --nodes host:port,host:port,host:port");
        }
        final DirectoryNode.Context ctx = new DirectoryNode.Context().nodeId(nodeId).nodes(nodes).deleteOnStart(clean)
            .backendSecret(secret(DirectoryNode.Configuration.BACKEND_SECRET_ENV))
            .serverSecret(secret(DirectoryNode.Configuration.SERVER_SECRET_ENV));
        if (null != dir)
        {
            ctx.baseDir(new File(dir));
        }
        final DirectoryNode node = DirectoryNode.launch(ctx);
        System.out.printf("directory node %d up, nodes=%s dir=%s%n", node.nodeId(), nodes,
            ctx.baseDir().getAbsolutePath());
        return node;
    }

    /**
     * @param environmentVariable holding a directory secret (UTF-8).
     * @return its bytes, or null when unset.
     */
    static byte[] secret(final String environmentVariable)
    {
        final String value = System.getenv(environmentVariable);
        return null == value ? null : value.getBytes(StandardCharsets.UTF_8);
    }
}
