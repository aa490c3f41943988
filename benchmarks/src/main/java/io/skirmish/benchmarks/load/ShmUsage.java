package io.skirmish.benchmarks.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Memory an Aeron directory really uses: its files are sparse (term buffers are mapped at full length but only the
 * pages written are backed), so the apparent size says little. Measured as {@code du} does, blocks allocated times
 * 512, by running {@code du -s -B1}.
 */
public final class ShmUsage
{
    private ShmUsage()
    {
    }

    /**
     * @param directories Aeron directories, for example under {@code /dev/shm}.
     * @return bytes of the blocks allocated to all their files, or -1 when {@code du} failed.
     */
    public static long bytesUsed(final String... directories)
    {
        long total = 0;
        for (final String directory : directories)
        {
            final long bytes = bytesUsed(directory);
            if (bytes < 0)
            {
                return -1;
            }
            total += bytes;
        }
        return total;
    }

    private static long bytesUsed(final String directory)
    {
        try
        {
            // a file the driver deletes meanwhile makes du complain and exit 1, but it still prints the total
            final Process du = new ProcessBuilder("du", "-s", "-B1", directory)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
            String total = null;
            try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(du.getInputStream(), StandardCharsets.UTF_8)))
            {
                String line;
                while (null != (line = reader.readLine()))
                {
                    total = line;
                }
            }
            if (!du.waitFor(30, TimeUnit.SECONDS) || null == total)
            {
                du.destroyForcibly();
                return -1;
            }
            return Long.parseLong(total.split("\\s+")[0]);
        }
        catch (final IOException | RuntimeException ex)
        {
            return -1;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
