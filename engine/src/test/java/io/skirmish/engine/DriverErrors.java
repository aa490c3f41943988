package io.skirmish.engine;

import io.aeron.driver.MediaDriver;
import io.skirmish.engine.client.ClientTestSupport;
import io.skirmish.engine.client.GameClient;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.ServerTestSupport;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads the error log of an embedded media driver, so system tests can fail when the driver recorded errors.
 */
public final class DriverErrors
{
    private DriverErrors()
    {
    }

    /**
     * @param server a running server with an embedded driver.
     * @return the driver's error log, empty when there were none.
     */
    public static String of(final GameServer server)
    {
        return of(ServerTestSupport.driver(server));
    }

    /**
     * @param client a running client with an embedded driver.
     * @return the driver's error log, empty when there were none.
     */
    public static String of(final GameClient client)
    {
        return of(ClientTestSupport.driver(client));
    }

    static String of(final MediaDriver driver)
    {
        if (null == driver)
        {
            return "";
        }
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8))
        {
            final int count = driver.context().saveErrorLog(print);
            return 0 == count ? "" : out.toString(StandardCharsets.UTF_8);
        }
    }
}
