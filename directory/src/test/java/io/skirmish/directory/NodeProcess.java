package io.skirmish.directory;

import org.agrona.IoUtil;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A directory node in a JVM of its own ({@link DirectoryNode#main}), for tests where a node dies: {@link #kill()}
 * is a SIGKILL. Its output is kept for failure messages; {@link #close()} kills it if it still runs and deletes its
 * Aeron directory, which a killed driver leaves behind.
 */
final class NodeProcess implements AutoCloseable
{
    private final List<String> output = new ArrayList<>();
    private final File aeronDir;
    private final Process process;
    private final Thread reader;
    private final int nodeId;

    NodeProcess(final int nodeId, final String nodes, final File baseDir, final String... properties) throws IOException
    {
        this.nodeId = nodeId;
        this.aeronDir = new File(baseDir, "aeron-" + nodeId);
        final String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        final List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "-Xmx192m", "-XX:MaxDirectMemorySize=256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        for (final String property : properties)
        {
            command.add("-D" + property);
        }
        command.addAll(List.of("-cp", classPath, DirectoryNode.class.getName(),
            "--node", Integer.toString(nodeId), "--nodes", nodes,
            "--dir", new File(baseDir, "node-" + nodeId).getAbsolutePath(),
            "--aeron-dir", aeronDir.getAbsolutePath(), "--clean"));
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        reader = new Thread(this::read, "node-" + nodeId + "-output");
        reader.setDaemon(true);
        reader.start();
    }

    private void read()
    {
        try (BufferedReader in = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while (null != (line = in.readLine()))
            {
                synchronized (output)
                {
                    output.add(line);
                }
            }
        }
        catch (final IOException ignore)
        {
            // the process ended
        }
    }

    int nodeId()
    {
        return nodeId;
    }

    String output()
    {
        synchronized (output)
        {
            return "node " + nodeId + ":\n" + String.join("\n", output);
        }
    }

    boolean isAlive()
    {
        return process.isAlive();
    }

    /**
     * SIGKILL, and wait until it is gone.
     *
     * @return true when it ended within 10 s.
     */
    boolean kill() throws InterruptedException
    {
        process.destroyForcibly();
        return process.waitFor(10, TimeUnit.SECONDS);
    }

    public void close() throws InterruptedException
    {
        if (process.isAlive())
        {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        reader.join(2_000);
        IoUtil.delete(aeronDir, true);
    }
}
