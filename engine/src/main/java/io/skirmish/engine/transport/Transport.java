package io.skirmish.engine.transport;

import io.aeron.Aeron;
import io.aeron.AeronCounters;
import io.aeron.CommonContext;
import io.aeron.Publication;
import io.aeron.archive.Archive;
import io.aeron.archive.ArchiveThreadingMode;
import io.aeron.RethrowingErrorHandler;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.status.SystemCounterDescriptor;
import io.skirmish.engine.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.IoUtil;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NoOpLock;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersReader;

import java.io.File;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static io.aeron.driver.ThreadingMode.INVOKER;
import static io.aeron.driver.ThreadingMode.SHARED;

/**
 * Owns the media driver (when embedded) and the Aeron client of one server or client, arranged for a
 * {@link ThreadingMode}. In {@link ThreadingMode#SHARED} and {@link ThreadingMode#INVOKER} the driver runs in
 * Aeron's INVOKER mode and the Aeron client uses a conductor invoker, and {@link #invoke()} drives both from the
 * engine's own duty cycle. An embedded archive is invoked there too, but never drives the driver itself: Aeron's
 * {@code ArchivingMediaDriver} hands the archive the driver's invoker, and its shared conductor then runs the whole
 * driver (conductor, sender, receiver) three more times per archive duty cycle, so four driver duty cycles per engine
 * duty cycle, each a walk over every publication and image (the cost that grew with idle sessions). The archive gets
 * an Aeron client of its own that invokes the driver only while it waits for the driver's answer.
 */
public final class Transport implements AutoCloseable
{
    /** Liveness timeouts between an embedded driver and its client when both are driven by the caller's poll(). */
    public static final long INVOKED_LIVENESS_TIMEOUT_NS = TimeUnit.HOURS.toNanos(1);

    private final MediaDriver driver;
    private final Archive archive;
    private final Aeron archiveAeron;
    private final Aeron aeron;
    private final boolean ownsAeron;
    private final AgentInvoker driverInvoker;
    private final AgentInvoker archiveInvoker;
    private final AgentInvoker conductorInvoker;
    private final AgentInvoker driverAndArchiveInvoker;

    private Transport(
        final MediaDriver driver,
        final Archive archive,
        final Aeron archiveAeron,
        final Aeron aeron,
        final boolean ownsAeron,
        final AgentInvoker driverInvoker,
        final AgentInvoker conductorInvoker,
        final ErrorHandler errorHandler)
    {
        this.driver = driver;
        this.archive = archive;
        this.archiveAeron = archiveAeron;
        this.aeron = aeron;
        this.ownsAeron = ownsAeron;
        this.driverInvoker = driverInvoker;
        this.archiveInvoker = null != archive ? archive.invoker() : null;
        this.conductorInvoker = conductorInvoker;
        if (null != driverInvoker || null != archiveInvoker)
        {
            driverAndArchiveInvoker = new AgentInvoker(errorHandler, null, new DriverAndArchiveAgent());
            driverAndArchiveInvoker.start();
        }
        else
        {
            driverAndArchiveInvoker = null;
        }
    }

    /**
     * {@link #launch(Aeron, boolean, String, ThreadingMode, IdleStrategy, Consumer, Archive.Context, ErrorHandler,
     * String)}
     * without an archive.
     *
     * @param sharedAeron        an Aeron client to use as-is (not closed by us), or null.
     * @param embedded           launch an embedded driver.
     * @param aeronDirectoryName directory of the driver (external), or of the embedded driver; null for random.
     * @param threadingMode      engine threading mode.
     * @param driverIdleStrategy idle strategy of the embedded driver thread (DEDICATED only).
     * @param driverCustomizer   applied to the embedded driver context last (loss generators, limits), or null.
     * @param errorHandler       for the driver and client.
     * @param clientName         Aeron client name.
     * @return the transport.
     */
    public static Transport launch(
        final Aeron sharedAeron,
        final boolean embedded,
        final String aeronDirectoryName,
        final ThreadingMode threadingMode,
        final IdleStrategy driverIdleStrategy,
        final Consumer<MediaDriver.Context> driverCustomizer,
        final ErrorHandler errorHandler,
        final String clientName)
    {
        return launch(sharedAeron, embedded, aeronDirectoryName, threadingMode, driverIdleStrategy, driverCustomizer,
            null, errorHandler, clientName);
    }

    /**
     * Launch or attach.
     *
     * @param sharedAeron        an Aeron client to use as-is (not closed by us), or null.
     * @param embedded           launch an embedded driver.
     * @param aeronDirectoryName directory of the driver (external), or of the embedded driver; null for random.
     * @param threadingMode      engine threading mode.
     * @param driverIdleStrategy idle strategy of the embedded driver thread (DEDICATED only).
     * @param driverCustomizer   applied to the embedded driver context last (loss generators, limits), or null.
     * @param archiveCtx         when not null (and embedded), an Aeron Archive is launched with the driver (an
     *                           its threading follows the driver's, and it never drives the driver per duty cycle.
     * @param errorHandler       for the driver and client.
     * @param clientName         Aeron client name.
     * @return the transport.
     */
    public static Transport launch(
        final Aeron sharedAeron,
        final boolean embedded,
        final String aeronDirectoryName,
        final ThreadingMode threadingMode,
        final IdleStrategy driverIdleStrategy,
        final Consumer<MediaDriver.Context> driverCustomizer,
        final Archive.Context archiveCtx,
        final ErrorHandler errorHandler,
        final String clientName)
    {
        if (null != sharedAeron)
        {
            return new Transport(null, null, null, sharedAeron, false, null, null, errorHandler);
        }

        final boolean invoked = threadingMode != ThreadingMode.DEDICATED;
        MediaDriver driver = null;
        Archive archive = null;
        Aeron archiveAeron = null;
        Aeron aeron = null;
        try
        {
            String dir = aeronDirectoryName;
            if (embedded)
            {
                if (null == dir)
                {
                    dir = CommonContext.generateRandomDirName();
                }
                final MediaDriver.Context driverCtx = new MediaDriver.Context()
                    .aeronDirectoryName(dir)
                    .dirDeleteOnStart(true)
                    .dirDeleteOnShutdown(true)
                    .threadingMode(invoked ? INVOKER : SHARED)
                    .sharedIdleStrategy(driverIdleStrategy)
                    .publicationTermBufferLength(64 * 1024)
                    .ipcTermBufferLength(64 * 1024)
                    .termBufferSparseFile(true)
                    .spiesSimulateConnection(false)
                    .errorHandler(errorHandler)
                    .warnIfDirectoryExists(false);
                if (invoked)
                {
                    // the driver and the client only run when the game polls: a game loop that pauses must not make
                    // either side declare the other dead and close itself
                    driverCtx
                        .clientLivenessTimeoutNs(INVOKED_LIVENESS_TIMEOUT_NS)
                        .publicationUnblockTimeoutNs(INVOKED_LIVENESS_TIMEOUT_NS + TimeUnit.SECONDS.toNanos(1));
                }
                if (null != driverCustomizer)
                {
                    driverCustomizer.accept(driverCtx);
                }
                driver = MediaDriver.launch(driverCtx);
                if (null != archiveCtx)
                {
                    if (invoked)
                    {
                        archiveAeron = archiveClient(driver, archiveCtx, errorHandler, clientName);
                    }
                    archive = launchArchive(driver, archiveCtx, invoked, archiveAeron, errorHandler);
                }
                dir = driver.aeronDirectoryName();
            }

            final Aeron.Context aeronCtx = new Aeron.Context()
                .clientName(clientName)
                .errorHandler(errorHandler)
                .useConductorAgentInvoker(invoked);
            if (null != dir)
            {
                aeronCtx.aeronDirectoryName(dir);
            }
            if (invoked && null != driver)
            {
                aeronCtx.driverAgentInvoker(driver.sharedAgentInvoker())
                    .driverTimeoutMs(TimeUnit.NANOSECONDS.toMillis(INVOKED_LIVENESS_TIMEOUT_NS));
            }
            aeron = Aeron.connect(aeronCtx);

            return new Transport(
                driver,
                archive,
                archiveAeron,
                aeron,
                true,
                invoked && null != driver ? driver.sharedAgentInvoker() : null,
                invoked ? aeron.conductorAgentInvoker() : null,
                errorHandler);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(aeron, archive, archiveAeron, driver);
            throw ex;
        }
    }

    /**
     * The archive's own Aeron client when invoked: it drives the driver only while it waits for the driver's answer
     * (not {@code Archive.Context.mediaDriverAgentInvoker}: with it the archive's conductor runs the whole driver
     * three times in each of its own duty cycles).
     */
    private static Aeron archiveClient(
        final MediaDriver driver, final Archive.Context archiveCtx, final ErrorHandler errorHandler,
        final String clientName)
    {
        return Aeron.connect(new Aeron.Context()
            .aeronDirectoryName(driver.aeronDirectoryName())
            .errorHandler(null != archiveCtx.errorHandler() ? archiveCtx.errorHandler() : errorHandler)
            .driverAgentInvoker(driver.sharedAgentInvoker())
            .useConductorAgentInvoker(true)
            .subscriberErrorHandler(RethrowingErrorHandler.INSTANCE)
            .clientLock(NoOpLock.INSTANCE)
            .driverTimeoutMs(TimeUnit.NANOSECONDS.toMillis(INVOKED_LIVENESS_TIMEOUT_NS))
            .clientName("archive " + clientName));
    }

    /**
     * Launch the archive on the embedded driver, as Aeron's {@code ArchivingMediaDriver} would (the driver's error
     * counter and handler), but with the given client, if any, instead of the driver's invoker.
     */
    private static Archive launchArchive(
        final MediaDriver driver,
        final Archive.Context archiveCtx,
        final boolean invoked,
        final Aeron archiveAeron,
        final ErrorHandler errorHandler)
    {
        archiveCtx
            .threadingMode(invoked ? ArchiveThreadingMode.INVOKER : ArchiveThreadingMode.SHARED)
            .idleStrategySupplier(SleepingMillisIdleStrategy::new)
            .aeronDirectoryName(driver.aeronDirectoryName());
        if (null == archiveCtx.errorHandler())
        {
            archiveCtx.errorHandler(errorHandler);
        }
        if (null == archiveCtx.errorCounter())
        {
            archiveCtx.errorCounter(new AtomicCounter(
                driver.context().countersValuesBuffer(), SystemCounterDescriptor.ERRORS.id()));
        }
        if (null != archiveAeron)
        {
            archiveCtx.aeron(archiveAeron);
        }
        return Archive.launch(archiveCtx);
    }

    /**
     * @return the Aeron client.
     */
    public Aeron aeron()
    {
        return aeron;
    }

    /**
     * @return true when the Aeron client closed itself (its driver timed it out, or went away); the counters and
     * logs it mapped are gone and must not be touched again.
     */
    public boolean isClosed()
    {
        return aeron.isClosed();
    }

    /**
     * @return the embedded media driver, or null when attached to an external one.
     */
    public MediaDriver driver()
    {
        return driver;
    }

    /**
     * @return the embedded Aeron Archive, or null when none was launched.
     */
    public Archive archive()
    {
        return archive;
    }

    /**
     * @return an invoker of the embedded driver and archive when they are invoked rather than threaded (for an
     * {@code AeronArchive.Context.agentInvoker} to run while it waits), or null.
     */
    public AgentInvoker driverAndArchiveInvoker()
    {
        return driverAndArchiveInvoker;
    }

    /**
     * @return the directory of the driver in use.
     */
    public String aeronDirectoryName()
    {
        return aeron.context().aeronDirectoryName();
    }

    /**
     * Drive the embedded driver and the Aeron client conductor when they are invoked rather than threaded.
     *
     * @return work count.
     */
    public int invoke()
    {
        int workCount = 0;
        if (null != driverInvoker)
        {
            workCount += driverInvoker.invoke();
        }
        if (null != archiveInvoker)
        {
            workCount += archiveInvoker.invoke();
        }
        if (null != conductorInvoker)
        {
            workCount += conductorInvoker.invoke();
        }
        return workCount;
    }

    /**
     * Drive the transport until the driver has sent everything offered to the publications so far, or 200 ms
     * passed: lets a final DISCONNECT leave before the driver is closed. Cold path.
     *
     * @param publication whose offered data must leave.
     * @param relay       an in-process relay to drive too, or null.
     */
    public void flush(final Publication publication, final LocalRelay relay)
    {
        flush(new Publication[]{ publication }, relay);
    }

    /**
     * {@link #flush(Publication, LocalRelay)} several publications at once.
     *
     * @param publications whose offered data must leave; null entries are skipped.
     * @param relay        an in-process relay to drive too, or null.
     */
    public void flush(final Publication[] publications, final LocalRelay relay)
    {
        final CountersReader counters = aeron.countersReader();
        final long deadlineNs = System.nanoTime() + 200_000_000L;
        while (System.nanoTime() - deadlineNs < 0)
        {
            invoke();
            if (null != relay)
            {
                relay.poll(System.nanoTime());
            }
            boolean drained = true;
            for (final Publication publication : publications)
            {
                if (null == publication || publication.isClosed() || !publication.isConnected())
                {
                    continue;
                }
                final int counterId = senderPositionCounterId(counters, publication.registrationId());
                if (counterId >= 0 && counters.getCounterValue(counterId) < publication.position())
                {
                    drained = false;
                    break;
                }
            }
            if (drained && (null == relay || relay.isDrained()))
            {
                return;
            }
            Thread.yield();
        }
    }

    private static int senderPositionCounterId(final CountersReader counters, final long registrationId)
    {
        // No label strings: the forEach(MetaData) scan allocated one per counter on every flush iteration.
        return counters.findByTypeIdAndRegistrationId(
            AeronCounters.DRIVER_SENDER_POSITION_TYPE_ID, registrationId);
    }

    /**
     * Close the Aeron client (when owned) and the embedded driver, deleting its directory.
     */
    public void close()
    {
        if (ownsAeron)
        {
            CloseHelper.quietClose(aeron);
        }
        if (null != driver)
        {
            final File dir = driver.context().aeronDirectory();
            CloseHelper.quietCloseAll(archive, archiveAeron, driver);
            if (null != dir && dir.exists())
            {
                IoUtil.delete(dir, true);
            }
        }
    }

    private final class DriverAndArchiveAgent implements Agent
    {
        public int doWork()
        {
            int workCount = 0;
            if (null != driverInvoker)
            {
                workCount += driverInvoker.invoke();
            }
            if (null != archiveInvoker)
            {
                workCount += archiveInvoker.invoke();
            }
            return workCount;
        }

        public String roleName()
        {
            return "skirmish-driver-and-archive";
        }
    }
}
