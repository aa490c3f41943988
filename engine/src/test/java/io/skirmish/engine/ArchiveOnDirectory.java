package io.skirmish.engine;

import io.aeron.CommonContext;
import io.aeron.archive.Archive;
import io.aeron.archive.ArchiveThreadingMode;
import io.aeron.archive.ArchivingMediaDriver;
import io.aeron.archive.client.AeronArchive;
import io.aeron.driver.MediaDriver;
import io.skirmish.engine.archive.RoomArchive;
import org.agrona.CloseHelper;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

import java.io.File;

import static io.aeron.driver.ThreadingMode.SHARED;

/**
 * An Aeron Archive of its own (an {@link ArchivingMediaDriver} on a fresh Aeron directory, sleeping idle) on an
 * archive directory a server recorded to, and a client of it: to read a stopped server's recordings as another
 * process would. Closing it closes the client, then the archive and its driver.
 */
public final class ArchiveOnDirectory implements AutoCloseable
{
    private final ArchivingMediaDriver driver;
    private final AeronArchive archive;
    private final String aeronDirectoryName;

    private ArchiveOnDirectory(
        final ArchivingMediaDriver driver, final AeronArchive archive, final String aeronDirectoryName)
    {
        this.driver = driver;
        this.archive = archive;
        this.aeronDirectoryName = aeronDirectoryName;
    }

    /**
     * @param dir the archive directory.
     * @return the archive, launched and connected.
     */
    public static ArchiveOnDirectory launch(final File dir)
    {
        final String aeronDir = CommonContext.generateRandomDirName();
        final ArchivingMediaDriver driver = ArchivingMediaDriver.launch(
            new MediaDriver.Context()
                .aeronDirectoryName(aeronDir)
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true)
                .threadingMode(SHARED)
                .sharedIdleStrategy(new SleepingMillisIdleStrategy(1)),
            new Archive.Context()
                .archiveDir(dir)
                .controlChannelEnabled(false)
                .replicationChannel("aeron:udp?endpoint=localhost:0")
                .archiveClientContext(
                    new AeronArchive.Context().controlResponseChannel("aeron:udp?endpoint=localhost:0"))
                .threadingMode(ArchiveThreadingMode.SHARED)
                .idleStrategySupplier(SleepingMillisIdleStrategy::new));
        try
        {
            return new ArchiveOnDirectory(
                driver, AeronArchive.connect(RoomArchive.localArchiveContext(aeronDir)), aeronDir);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(driver);
            throw ex;
        }
    }

    /**
     * @return the archive client.
     */
    public AeronArchive archive()
    {
        return archive;
    }

    /**
     * @return the Aeron directory of the archive's driver (a server can attach to it as an external driver).
     */
    public String aeronDirectoryName()
    {
        return aeronDirectoryName;
    }

    public void close()
    {
        CloseHelper.closeAll(archive, driver);
    }
}
