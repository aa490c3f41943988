package io.skirmish.engine.archive;

import io.aeron.archive.ArchiveMarkFile;
import io.aeron.archive.codecs.mark.MarkFileHeaderDecoder;
import io.aeron.archive.codecs.mark.MessageHeaderDecoder;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

/**
 * Exclusive ownership of an archive directory by one live server process, so that a server restarted right after
 * the previous one was killed does not wait out Aeron Archive's mark-file liveness timeout (10 s).
 * <p>
 * Aeron Archive refuses to launch on a directory whose {@code archive-mark.dat} activity timestamp is younger than
 * 10 s: it cannot tell a live archive from a dead one sooner. This lock can: it is an exclusive {@link FileLock} on
 * {@value #FILE_NAME} in the directory, held for the server's lifetime, which the operating system releases when the
 * process dies however it dies (SIGKILL included). Acquiring it therefore proves that no other skirmish server owns
 * the directory. The mark file is then released only when its recorded owner ({@code pid} in its header) is not a
 * live process other than this one (so an archive some other tool runs on the directory is never stolen), by setting
 * its activity timestamp to 0 (older than any liveness timeout). A live owner is refused with a clear error.
 * Within one JVM, a directory locked by a server is refused without touching the file (closing a second channel to a
 * locked file would release the process's lock). Cold path; any thread.
 */
public final class ArchiveDirectoryLock implements AutoCloseable
{
    /** The lock file's name in the archive directory. */
    public static final String FILE_NAME = "skirmish-archive.lock";

    /** {@link #releasedMarkFilePid()} when no mark file was released. */
    public static final long NULL_PID = -1;

    private static final Set<String> LOCKED_IN_THIS_JVM = new HashSet<>();

    private final String key;
    private final FileChannel channel;
    private final FileLock lock;
    private final long releasedMarkFilePid;

    private ArchiveDirectoryLock(
        final String key, final FileChannel channel, final FileLock lock, final long releasedMarkFilePid)
    {
        this.key = key;
        this.channel = channel;
        this.lock = lock;
        this.releasedMarkFilePid = releasedMarkFilePid;
    }

    /**
     * Take the directory for this process, and release the mark file a dead owner left active.
     *
     * @param directory the archive directory (created if missing).
     * @return the lock, to close when the archive has stopped.
     * @throws IllegalStateException if a live process owns the directory.
     */
    public static ArchiveDirectoryLock acquire(final File directory)
    {
        final File file;
        final String key;
        try
        {
            IoUtil.ensureDirectoryExists(directory, "archive directory");
            file = new File(directory, FILE_NAME);
            key = file.getCanonicalPath();
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("archive directory " + directory + ": " + ex.getMessage(), ex);
        }
        return lock(directory, file, key, true);
    }

    /**
     * Take a dead server's directory to read it, writing nothing: the lock proves that no live server owns it (and
     * keeps one from starting on it until {@link #close()}), but neither the lock file nor the mark file is
     * changed. For a surviving server reading a dead one's recordings and sessions ({@link ForeignArchive}).
     *
     * @param directory the archive directory, which must exist.
     * @return the lock, to close once the directory has been read.
     * @throws IllegalStateException if the directory is missing, or a live process owns it.
     */
    public static ArchiveDirectoryLock acquireToRead(final File directory)
    {
        final File file = new File(directory, FILE_NAME);
        final String key;
        try
        {
            if (!directory.isDirectory())
            {
                throw new IOException("not a directory");
            }
            key = file.getCanonicalPath();
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("archive directory " + directory + ": " + ex.getMessage(), ex);
        }
        return lock(directory, file, key, false);
    }

    private static ArchiveDirectoryLock lock(
        final File directory, final File file, final String key, final boolean takeOver)
    {
        synchronized (LOCKED_IN_THIS_JVM)
        {
            if (LOCKED_IN_THIS_JVM.contains(key))
            {
                throw new IllegalStateException("archive directory " + directory +
                    " is in use by another server in this process (pid " + ProcessHandle.current().pid() + ")");
            }
            FileChannel channel = null;
            try
            {
                channel = FileChannel.open(file.toPath(), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
                final FileLock lock;
                try
                {
                    lock = channel.tryLock();
                }
                catch (final OverlappingFileLockException ex)
                {
                    throw new IllegalStateException("archive directory " + directory + " is locked in this process");
                }
                if (null == lock)
                {
                    throw new IllegalStateException("archive directory " + directory +
                        " is in use by a live server (pid " + ownerPid(file) + ", holding " + FILE_NAME + ")");
                }
                long released = NULL_PID;
                if (takeOver)
                {
                    final byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
                    channel.truncate(0);
                    channel.write(ByteBuffer.wrap(pid), 0);
                    channel.force(true);
                    released = releaseDeadMarkFile(new File(directory, ArchiveMarkFile.FILENAME));
                }
                LOCKED_IN_THIS_JVM.add(key);
                return new ArchiveDirectoryLock(key, channel, lock, released);
            }
            catch (final IOException | RuntimeException ex)
            {
                CloseHelper.quietClose(channel);
                if (ex instanceof IllegalStateException)
                {
                    throw (IllegalStateException)ex;
                }
                throw new IllegalStateException("archive directory " + directory + ": " + ex.getMessage(), ex);
            }
        }
    }

    /**
     * Whether a live server holds the directory (a process's lock on {@value #FILE_NAME}, this process's
     * included), without taking it: the lock is tried and released at once, writing nothing. A directory that is
     * missing or has no lock file is not held. A probe: the answer may change right after.
     *
     * @param directory an archive directory.
     * @return true when a live process holds it.
     */
    public static boolean isHeld(final File directory)
    {
        final File file = new File(directory, FILE_NAME);
        final String key;
        try
        {
            if (!file.isFile())
            {
                return false;
            }
            key = file.getCanonicalPath();
        }
        catch (final IOException ex)
        {
            return false;
        }
        synchronized (LOCKED_IN_THIS_JVM)
        {
            if (LOCKED_IN_THIS_JVM.contains(key))
            {
                return true;
            }
            try (FileChannel channel = FileChannel.open(file.toPath(), StandardOpenOption.READ,
                StandardOpenOption.WRITE))
            {
                final FileLock lock = channel.tryLock();
                if (null == lock)
                {
                    return true;
                }
                lock.release();
                return false;
            }
            catch (final OverlappingFileLockException ex)
            {
                return true;
            }
            catch (final IOException ex)
            {
                return false;
            }
        }
    }

    /**
     * @return the pid of the dead process whose active mark file was released on acquiring, or
     * {@link #NULL_PID} when there was none to release.
     */
    public long releasedMarkFilePid()
    {
        return releasedMarkFilePid;
    }

    /**
     * Release the directory (after the archive has stopped).
     */
    public void close()
    {
        synchronized (LOCKED_IN_THIS_JVM)
        {
            if (channel.isOpen())
            {
                try
                {
                    lock.release();
                }
                catch (final IOException ignore)
                {
                    // closing the channel releases it too
                }
                CloseHelper.quietClose(channel);
                LOCKED_IN_THIS_JVM.remove(key);
            }
        }
    }

    private static String ownerPid(final File file)
    {
        try
        {
            return new String(Files.readAllBytes(file.toPath()), StandardCharsets.US_ASCII).trim();
        }
        catch (final IOException ex)
        {
            return "unknown";
        }
    }

    private static long releaseDeadMarkFile(final File markFile)
    {
        if (!markFile.exists() || markFile.length() < MessageHeaderDecoder.ENCODED_LENGTH +
            MarkFileHeaderDecoder.BLOCK_LENGTH)
        {
            return NULL_PID;
        }
        final MappedByteBuffer mapped = IoUtil.mapExistingFile(markFile, "archive mark file");
        try
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(mapped);
            final MessageHeaderDecoder messageHeader = new MessageHeaderDecoder().wrap(buffer, 0);
            final int offset = MarkFileHeaderDecoder.TEMPLATE_ID == messageHeader.templateId() &&
                MarkFileHeaderDecoder.SCHEMA_ID == messageHeader.schemaId() ? MessageHeaderDecoder.ENCODED_LENGTH : 0;
            final MarkFileHeaderDecoder header = new MarkFileHeaderDecoder()
                .wrap(buffer, offset, MarkFileHeaderDecoder.BLOCK_LENGTH, MarkFileHeaderDecoder.SCHEMA_VERSION);
            final long pid = header.pid();
            final long timestampOffset = offset + MarkFileHeaderDecoder.activityTimestampEncodingOffset();
            if (buffer.getLongVolatile((int)timestampOffset) <= 0)
            {
                return NULL_PID;
            }
            if (pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
            {
                return NULL_PID; // a live process that is not a skirmish server: Aeron Archive decides
            }
            buffer.putLongVolatile((int)timestampOffset, 0); // older than any liveness timeout

            mapped.force();
            return pid;
        }
        finally
        {
            IoUtil.unmap(mapped);
        }
    }
}
