package io.skirmish.engine.archive;

import io.aeron.ChannelUri;
import io.aeron.CommonContext;
import io.aeron.archive.Archive;
import io.aeron.archive.ArchiveThreadingMode;
import io.aeron.archive.ArchivingMediaDriver;
import io.aeron.archive.CatalogView;
import io.aeron.archive.client.AeronArchive;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;

/**
 * Read access to the archive directory of a dead server (another process, on storage this server shares), without
 * writing to it: the directory is first taken with {@link ArchiveDirectoryLock#acquireToRead} (which fails while its
 * server lives, and keeps it from starting again until this is closed), then a <em>view</em> of it is made beside it:
 * a copy of the catalog and hard links to the segment files (copies where links cannot be made). An Aeron Archive of
 * its own, on a media driver of its own, is launched on the view, so its crash recovery (the stop position of the
 * recording that was active when the server died) and its mark file go to the view, never to the dead server's
 * files, which stay as they were for that server should it come back. Closing closes the archive and its driver,
 * deletes the view (the links, not the segments) and releases the lock. Cold path; blocks while the archive starts.
 */
public final class ForeignArchive implements AutoCloseable
{
    private static final String CATALOG_FILE_NAME = "archive.catalog";
    private static final String SEGMENT_SUFFIX = ".rec";

    private final File directory;
    private final ArchiveDirectoryLock lock;
    private final File view;
    private final ArchivingMediaDriver driver;
    private final AeronArchive archive;

    private ForeignArchive(
        final File directory,
        final ArchiveDirectoryLock lock,
        final File view,
        final ArchivingMediaDriver driver,
        final AeronArchive archive)
    {
        this.directory = directory;
        this.lock = lock;
        this.view = view;
        this.driver = driver;
        this.archive = archive;
    }

    /**
     * Open a dead server's archive directory for reading.
     *
     * @param directory the dead server's archive directory.
     * @return the archive, launched on a view of the directory and connected.
     * @throws IllegalStateException if a live server owns the directory, or it cannot be read.
     */
    public static ForeignArchive open(final File directory)
    {
        final ArchiveDirectoryLock lock = ArchiveDirectoryLock.acquireToRead(directory);
        File view = null;
        ArchivingMediaDriver driver = null;
        try
        {
            view = makeView(directory);
            final String aeronDir = CommonContext.generateRandomDirName();
            driver = ArchivingMediaDriver.launch(
                new MediaDriver.Context()
                    .aeronDirectoryName(aeronDir)
                    .dirDeleteOnStart(true)
                    .dirDeleteOnShutdown(true)
                    .threadingMode(ThreadingMode.SHARED)
                    .sharedIdleStrategy(new SleepingMillisIdleStrategy(1)),
                new Archive.Context()
                    .archiveDir(view)
                    .deleteArchiveOnStart(false)
                    .controlChannelEnabled(false)
                    .recordingEventsEnabled(false)
                    .replicationChannel("aeron:udp?endpoint=localhost:0")
                    .archiveClientContext(
                        new AeronArchive.Context().controlResponseChannel("aeron:udp?endpoint=localhost:0"))
                    .threadingMode(ArchiveThreadingMode.SHARED)
                    .idleStrategySupplier(SleepingMillisIdleStrategy::new));
            final AeronArchive archive = AeronArchive.connect(RoomArchive.localArchiveContext(aeronDir));
            return new ForeignArchive(directory, lock, view, driver, archive);
        }
        catch (final IOException | RuntimeException ex)
        {
            CloseHelper.quietClose(driver);
            if (null != view)
            {
                IoUtil.delete(view, true);
            }
            lock.close();
            throw new IllegalStateException("reading archive directory " + directory + ": " + ex.getMessage(), ex);
        }
    }

    private static File makeView(final File directory) throws IOException
    {
        final File view = new File(directory.getAbsoluteFile().getParentFile(),
            "." + directory.getName() + ".view-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        if (!view.mkdirs())
        {
            throw new IOException("cannot create " + view);
        }
        final File catalog = new File(directory, CATALOG_FILE_NAME);
        if (catalog.exists())
        {
            Files.copy(catalog.toPath(), new File(view, CATALOG_FILE_NAME).toPath(),
                StandardCopyOption.COPY_ATTRIBUTES);
        }
        final File[] segments = directory.listFiles((dir, name) -> name.endsWith(SEGMENT_SUFFIX));
        if (null != segments)
        {
            for (final File segment : segments)
            {
                final File link = new File(view, segment.getName());
                try
                {
                    Files.createLink(link.toPath(), segment.toPath());
                }
                catch (final IOException | UnsupportedOperationException ex)
                {
                    Files.copy(segment.toPath(), link.toPath());
                }
            }
        }
        return view;
    }

    /**
     * @param recordingChannel the recording channel of the dead server ({@link RoomArchive#DEFAULT_RECORDING_CHANNEL}).
     * @return the recordings of the dead server, replayed at full speed from its view (not owning the client).
     */
    public RoomRecordings recordings(final String recordingChannel)
    {
        return new RoomRecordings(archive, false, recordingChannel, RoomRecordings.DEFAULT_REPLAY_CHANNEL,
            RoomRecordings.DEFAULT_REPLAY_STREAM_ID);
    }

    /**
     * @return the dead server's archive directory.
     */
    public File directory()
    {
        return directory;
    }

    /**
     * Newest start of a room's recordings in an archive directory, read from its catalog without writing (and
     * without locking: a cheap probe for choosing among directories).
     *
     * @param directory        an archive directory.
     * @param roomId           the room.
     * @param recordingChannel the recording channel its server used.
     * @return the start timestamp (ms since the epoch) of the room's newest recording, or -1 when it has none.
     */
    public static long newestRecordingStartMs(final File directory, final int roomId, final String recordingChannel)
    {
        if (!new File(directory, CATALOG_FILE_NAME).exists())
        {
            return -1;
        }
        final String media = ChannelUri.parse(recordingChannel).media();
        final long[] newest = { -1 };
        try
        {
            CatalogView.listRecordings(directory,
                (controlSessionId, correlationId, recordingId, startTimestamp, stopTimestamp, startPosition,
                stopPosition, initialTermId, segmentFileLength, termBufferLength, mtuLength, sessionId, streamId,
                strippedChannel, originalChannel, sourceIdentity) ->
                {
                    if (streamId == roomId && strippedChannel.startsWith("aeron:" + media))
                    {
                        newest[0] = Math.max(newest[0], startTimestamp);
                    }
                });
        }
        catch (final RuntimeException ex)
        {
            return -1;
        }
        return newest[0];
    }

    /**
     * Close the archive and its driver, delete the view, release the directory.
     */
    public void close()
    {
        CloseHelper.quietCloseAll(archive, driver);
        IoUtil.delete(view, true);
        lock.close();
    }
}
