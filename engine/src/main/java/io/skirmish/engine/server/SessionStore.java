package io.skirmish.engine.server;

import org.agrona.CloseHelper;
import org.agrona.LangUtil;
import org.agrona.collections.Int2ObjectHashMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * What a resume needs of each session, kept in a small append-only file beside the room recordings so that the
 * sessions of a server process that died can resume into the rooms a new process restores. A record is written
 * when a session connects, joins or leaves a durable room (a cold path, never per event), and a removal when it
 * closes: its id, client id, the durable rooms it is in with the seq it had acknowledged at that change, the newest
 * seq of its direct stream, and an HMAC-SHA256 of its resume secret under a random key kept in the file's header,
 * never the secret itself. Opening the file reads it (a torn last record, from a process killed while writing, is
 * ignored) and rewrites it compacted. Conductor thread only.
 * <pre>
 * header:  int magic | int version | 32 bytes digest key
 * record:  int bodyLength | int crc32(body) | body
 * body:    int type (1 put, 2 remove) | int sessionId
 *          put: long clientId | 32 bytes digest | long directSeq | int count | count * (int roomId | long ackedSeq)
 * </pre>
 */
final class SessionStore implements AutoCloseable
{
    /** The file's name inside the archive directory. */
    static final String FILE_NAME = "skirmish-sessions.log";

    private static final int MAGIC = 0x53534B53;
    private static final int VERSION = 1;
    private static final int KEY_LENGTH = 32;
    private static final int HEADER_LENGTH = 8 + KEY_LENGTH;
    private static final int PUT = 1;
    private static final int REMOVE = 2;
    private static final int DIGEST_LENGTH = 32;
    private static final int MAX_BODY_LENGTH = 64 * 1024;

    /** One session as it was persisted. */
    static final class Record
    {
        final int sessionId;
        final long clientId;
        final byte[] digest;
        final long directSeq;
        final int[] roomIds;
        final long[] ackedSeqs;

        Record(
            final int sessionId,
            final long clientId,
            final byte[] digest,
            final long directSeq,
            final int[] roomIds,
            final long[] ackedSeqs)
        {
            this.sessionId = sessionId;
            this.clientId = clientId;
            this.digest = digest;
            this.directSeq = directSeq;
            this.roomIds = roomIds;
            this.ackedSeqs = ackedSeqs;
        }
    }

    private final File file;
    private final FileChannel channel;
    private final Mac mac;
    private final ByteBuffer buffer = ByteBuffer.allocate(MAX_BODY_LENGTH + 8).order(LITTLE_ENDIAN);
    private final ByteBuffer secretBytes = ByteBuffer.allocate(12).order(LITTLE_ENDIAN);
    private final CRC32 crc = new CRC32();
    private final Int2ObjectHashMap<Record> loaded = new Int2ObjectHashMap<>();
    private int highestSessionId;

    /**
     * Open the store in a directory, reading what a previous process left there.
     *
     * @param directory the archive directory.
     */
    SessionStore(final File directory)
    {
        this.file = new File(directory, FILE_NAME);
        byte[] key = null;
        try
        {
            if (!directory.exists() && !directory.mkdirs())
            {
                throw new IOException("cannot create " + directory);
            }
            if (file.exists())
            {
                key = read();
            }
            if (null == key)
            {
                key = new byte[KEY_LENGTH];
                new SecureRandom().nextBytes(key);
                loaded.clear();
            }
            this.mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            final File temp = new File(directory, FILE_NAME + ".tmp");
            try (FileChannel out = FileChannel.open(temp.toPath(), StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE))
            {
                buffer.clear();
                buffer.putInt(MAGIC).putInt(VERSION).put(key).flip();
                writeFully(out, buffer);
                for (final Record record : loaded.values())
                {
                    encodePut(record.sessionId, record.clientId, record.digest, record.directSeq, record.roomIds,
                        record.ackedSeqs, record.roomIds.length);
                    writeFully(out, buffer);
                }
                out.force(true);
            }
            if (!temp.renameTo(file))
            {
                throw new IOException("cannot replace " + file);
            }
            this.channel = FileChannel.open(file.toPath(), StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        }
        catch (final IOException | GeneralSecurityException ex)
        {
            throw new IllegalStateException("session store " + file + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * @return the sessions a previous process persisted and did not close, by id, until {@link #clearLoaded()}.
     */
    List<Record> loaded()
    {
        return new ArrayList<>(loaded.values());
    }

    /**
     * Forget the loaded records (they were restored, or the game chose not to).
     */
    void clearLoaded()
    {
        loaded.clear();
    }

    /**
     * @return the highest session id any persisted record carried: new sessions are numbered after it.
     */
    int highestSessionId()
    {
        return highestSessionId;
    }

    /**
     * @param sessionId the session.
     * @param secret    its resume secret.
     * @return the keyed digest of the secret, as the store keeps it.
     */
    byte[] digest(final int sessionId, final long secret)
    {
        secretBytes.clear();
        secretBytes.putInt(sessionId).putLong(secret).flip();
        mac.reset();
        mac.update(secretBytes);
        return mac.doFinal();
    }

    /**
     * @return true when the presented secret digests to the stored digest (compared in constant time).
     */
    boolean matches(final byte[] storedDigest, final int sessionId, final long presentedSecret)
    {
        return MessageDigest.isEqual(storedDigest, digest(sessionId, presentedSecret));
    }

    /**
     * Persist a session as it is now: its durable memberships with their acknowledged seqs.
     */
    void put(final Peer peer)
    {
        final byte[] digest = null != peer.secretDigest ? peer.secretDigest : digest(peer.sessionId, peer.secret);
        final int[] roomIds = new int[peer.session.memberships.size()];
        final long[] ackedSeqs = new long[roomIds.length];
        int count = 0;
        for (final Membership m : peer.session.memberships.values())
        {
            if (null != m.room && m.room.options.durable)
            {
                roomIds[count] = m.room.roomId;
                ackedSeqs[count] = m.ackedSeq;
                count++;
            }
        }
        encodePut(peer.sessionId, peer.session.clientId, digest, peer.session.direct.stream.lastSeq, roomIds,
            ackedSeqs, count);
        append();
    }

    /**
     * The session closed: it may not resume, after a restart either.
     */
    void remove(final int sessionId)
    {
        buffer.clear();
        buffer.putInt(8).putInt(0).putInt(REMOVE).putInt(sessionId);
        finish();
        append();
    }

    private void encodePut(
        final int sessionId,
        final long clientId,
        final byte[] digest,
        final long directSeq,
        final int[] roomIds,
        final long[] ackedSeqs,
        final int count)
    {
        buffer.clear();
        buffer.putInt(0).putInt(0).putInt(PUT).putInt(sessionId).putLong(clientId).put(digest).putLong(directSeq)
            .putInt(count);
        for (int i = 0; i < count; i++)
        {
            buffer.putInt(roomIds[i]).putLong(ackedSeqs[i]);
        }
        buffer.putInt(0, buffer.position() - 8);
        finish();
    }

    private void finish()
    {
        final int end = buffer.position();
        crc.reset();
        crc.update(buffer.array(), 8, end - 8);
        buffer.putInt(4, (int)crc.getValue());
        buffer.flip();
    }

    private void append()
    {
        try
        {
            writeFully(channel, buffer);
        }
        catch (final IOException ex)
        {
            LangUtil.rethrowUnchecked(ex);
        }
    }

    private static void writeFully(final FileChannel out, final ByteBuffer buffer) throws IOException
    {
        while (buffer.hasRemaining())
        {
            out.write(buffer);
        }
    }

    /**
     * @return the key of the file, or null when it has no valid header.
     */
    private byte[] read() throws IOException
    {
        try (FileChannel in = FileChannel.open(file.toPath(), StandardOpenOption.READ))
        {
            final ByteBuffer all = ByteBuffer.allocate((int)Math.min(Integer.MAX_VALUE - 8, in.size()))
                .order(LITTLE_ENDIAN);
            while (all.hasRemaining() && in.read(all) >= 0)
            {
                // read it all
            }
            all.flip();
            if (all.remaining() < HEADER_LENGTH || all.getInt() != MAGIC || all.getInt() != VERSION)
            {
                return null;
            }
            final byte[] key = new byte[KEY_LENGTH];
            all.get(key);
            while (all.remaining() >= 8)
            {
                final int length = all.getInt();
                final int checksum = all.getInt();
                if (length < 8 || length > MAX_BODY_LENGTH || length > all.remaining())
                {
                    break; // a torn last record
                }
                crc.reset();
                crc.update(all.array(), all.position(), length);
                if ((int)crc.getValue() != checksum)
                {
                    break;
                }
                final int next = all.position() + length;
                final int type = all.getInt();
                final int sessionId = all.getInt();
                highestSessionId = Math.max(highestSessionId, sessionId);
                if (REMOVE == type)
                {
                    loaded.remove(sessionId);
                }
                else if (PUT == type)
                {
                    final long clientId = all.getLong();
                    final byte[] digest = new byte[DIGEST_LENGTH];
                    all.get(digest);
                    final long directSeq = all.getLong();
                    final int count = all.getInt();
                    final int[] roomIds = new int[count];
                    final long[] ackedSeqs = new long[count];
                    for (int i = 0; i < count; i++)
                    {
                        roomIds[i] = all.getInt();
                        ackedSeqs[i] = all.getLong();
                    }
                    loaded.put(sessionId, new Record(sessionId, clientId, digest, directSeq, roomIds, ackedSeqs));
                }
                all.position(next);
            }
            return key;
        }
    }

    /**
     * @return the file the sessions are kept in.
     */
    File file()
    {
        return file;
    }

    public void close()
    {
        CloseHelper.quietClose(channel);
    }
}
