package io.skirmish.benchmarks.rig;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentInvoker;

import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * An embedded media driver in {@link ThreadingMode#INVOKER} mode plus an Aeron client whose conductor is an
 * {@link AgentInvoker}, with the same driver settings the engine's transport uses for its SHARED and INVOKER modes
 * (64 KiB publication and IPC terms by default, sparse term files, spies do not simulate connections). Nothing runs
 * until {@link #invoke()} is called, so the owner decides which thread drives it: exactly one thread at a time.
 */
public final class AeronStack implements AutoCloseable, IntSupplier
{
    private final MediaDriver driver;
    private final Aeron aeron;
    private final AgentInvoker driverInvoker;
    private final AgentInvoker conductorInvoker;

    private AeronStack(final MediaDriver driver, final Aeron aeron)
    {
        this.driver = driver;
        this.aeron = aeron;
        this.driverInvoker = driver.sharedAgentInvoker();
        this.conductorInvoker = aeron.conductorAgentInvoker();
    }

    /**
     * Launch a driver and connect a client to it.
     *
     * @param clientName          Aeron client name.
     * @param counterValuesLength bytes of the driver's counter values buffer (0 for Aeron's default); raise it for
     *                            hundreds of publications.
     * @param errorHandler        for the driver and the client.
     * @return the stack, not yet driven.
     */
    public static AeronStack launch(
        final String clientName, final int counterValuesLength, final ErrorHandler errorHandler)
    {
        return launch(clientName, counterValuesLength, errorHandler, null);
    }

    /**
     * Launch a driver, with changes to its context, and connect a client to it.
     *
     * @param clientName          Aeron client name.
     * @param counterValuesLength bytes of the driver's counter values buffer (0 for Aeron's default).
     * @param errorHandler        for the driver and the client.
     * @param driverCustomizer    applied to the driver's context last (such as a client context's
     *                            {@code driverSettings}), or null.
     * @return the stack, not yet driven.
     */
    public static AeronStack launch(
        final String clientName,
        final int counterValuesLength,
        final ErrorHandler errorHandler,
        final Consumer<MediaDriver.Context> driverCustomizer)
    {
        MediaDriver driver = null;
        Aeron aeron = null;
        try
        {
            final MediaDriver.Context driverCtx = new MediaDriver.Context()
                .aeronDirectoryName(CommonContext.generateRandomDirName())
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true)
                .threadingMode(ThreadingMode.INVOKER)
                .publicationTermBufferLength(64 * 1024)
                .ipcTermBufferLength(64 * 1024)
                .termBufferSparseFile(true)
                .spiesSimulateConnection(false)
                .errorHandler(errorHandler)
                .warnIfDirectoryExists(false);
            if (counterValuesLength > 0)
            {
                driverCtx.counterValuesBufferLength(counterValuesLength);
            }
            if (null != driverCustomizer)
            {
                driverCustomizer.accept(driverCtx);
            }
            driver = MediaDriver.launch(driverCtx);
            aeron = Aeron.connect(new Aeron.Context()
                .clientName(clientName)
                .aeronDirectoryName(driver.aeronDirectoryName())
                .errorHandler(errorHandler)
                .useConductorAgentInvoker(true)
                .driverAgentInvoker(driver.sharedAgentInvoker()));
            return new AeronStack(driver, aeron);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(aeron, driver);
            throw ex;
        }
    }

    /**
     * @return the Aeron client (conductor invoked by {@link #invoke()}).
     */
    public Aeron aeron()
    {
        return aeron;
    }

    /**
     * @return the embedded driver.
     */
    public MediaDriver driver()
    {
        return driver;
    }

    /**
     * Run one duty cycle of the driver (conductor, sender, receiver) and of the client conductor, in the same order
     * as the engine's transport.
     *
     * @return work count.
     */
    public int invoke()
    {
        return driverInvoker.invoke() + conductorInvoker.invoke();
    }

    /**
     * {@link #invoke()}, so a stack can be driven wherever a duty cycle is expected.
     *
     * @return work count.
     */
    public int getAsInt()
    {
        return invoke();
    }

    /**
     * Close the client, then the driver (which deletes its directory).
     */
    public void close()
    {
        CloseHelper.quietCloseAll(aeron, driver);
    }
}
