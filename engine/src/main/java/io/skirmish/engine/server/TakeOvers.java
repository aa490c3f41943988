package io.skirmish.engine.server;

import org.agrona.collections.IntArrayList;
import org.agrona.collections.IntHashSet;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The mark another server leaves in a dead server's archive directory when it takes over one of its rooms: a small
 * text file of lines {@code room ID} and {@code session ID} (the only file a taking server writes there), so that the
 * dead server, should it come back on its directory, restores neither the room nor those sessions again
 * ({@link GameServer#restoreRoom} refuses the room, {@link GameServer#restoreSessions} skips the sessions). Cold path.
 */
final class TakeOvers
{
    /** The file's name inside the archive directory. */
    static final String FILE_NAME = "skirmish-taken-over.log";

    private TakeOvers()
    {
    }

    /**
     * Append the mark of a room taken over with its sessions, forced to disk.
     *
     * @param directory  the dead server's archive directory.
     * @param roomId     the room.
     * @param sessionIds its sessions taken over.
     * @param takenBy    who took them, for people reading the file.
     */
    static void mark(final File directory, final int roomId, final IntArrayList sessionIds, final String takenBy)
    {
        final StringBuilder text = new StringBuilder();
        text.append("room ").append(roomId).append(" taken-by ").append(takenBy).append('\n');
        for (int i = 0; i < sessionIds.size(); i++)
        {
            text.append("session ").append(sessionIds.getInt(i)).append('\n');
        }
        try
        {
            Files.write(new File(directory, FILE_NAME).toPath(), text.toString().getBytes(StandardCharsets.US_ASCII),
                StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE,
                StandardOpenOption.SYNC);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("marking room " + roomId + " taken over in " + directory + ": " +
                ex.getMessage(), ex);
        }
    }

    /**
     * @param directory an archive directory.
     * @return the rooms other servers took over from it.
     */
    static IntHashSet rooms(final File directory)
    {
        return read(directory, "room ");
    }

    /**
     * @param directory an archive directory.
     * @return the sessions other servers took over from it.
     */
    static IntHashSet sessions(final File directory)
    {
        return read(directory, "session ");
    }

    private static IntHashSet read(final File directory, final String prefix)
    {
        final IntHashSet ids = new IntHashSet();
        final File file = null == directory ? null : new File(directory, FILE_NAME);
        if (null == file || !file.exists())
        {
            return ids;
        }
        try
        {
            final List<String> lines = Files.readAllLines(file.toPath(), StandardCharsets.US_ASCII);
            for (final String line : lines)
            {
                if (line.startsWith(prefix))
                {
                    final int end = line.indexOf(' ', prefix.length());
                    try
                    {
                        ids.add(Integer.parseInt(line.substring(prefix.length(), end < 0 ? line.length() : end)));
                    }
                    catch (final NumberFormatException ignore)
                    {
                        // a torn last line
                    }
                }
            }
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("reading " + file + ": " + ex.getMessage(), ex);
        }
        return ids;
    }
}
