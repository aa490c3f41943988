package io.skirmish.engine.server;

import org.agrona.CloseHelper;
import org.agrona.LangUtil;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.status.AtomicCounter;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * What a resume needs of each session, kept in a small append-only file beside the room recordings so that the
 * sessions of a server process that died can resume into the rooms a new process restores. A record is written
 * when a session connects, joins or leaves a durable room (a cold path, never per event), and a removal when it
 * closes: its id, client id, the durable rooms it is in with the seq it had acknowledged at that change, the newest
 * seq of its direct stream, an HMAC-SHA256 of its resume secret (never the secret itself), and for a session
 * authenticated with a connect token its session key sealed with AES-256-GCM (a fresh 96-bit nonce per record, the
 * session id as associated data). The keys come from the store key the server is given (the game's
 * {@code sessionStoreKey}, else one derived from its {@code connectTokenSecret}): the digest key and the sealing
 * key are HMAC-SHA256 of the store key over distinct labels, and the header keeps only a check value of it, so a
 * file read off the disk yields neither secrets nor session keys. Without a store key (no connect tokens), a random
 * digest key is kept in the header, and no session key exists to seal. Opening the file reads it (a torn last record,
 * from a process killed while writing, is ignored) and rewrites it compacted; it is compacted again when it has
 * grown past {@link #compactionBytes}. Conductor thread only.
 * <pre>
 * header:  int magic | int version (2) | int keyMode (0 key in header, 1 external key) | 32 bytes key or check
 * record:  int bodyLength | int crc32(body) | body
 * body:    int type (1 put, 2 remove) | int sessionId
 *          put: long clientId | 32 bytes digest | long directSeq | int count | count * (int roomId | long ackedSeq)
 *               | int keyed | keyed: 12 bytes nonce | 32 bytes sealed (k0, k1) and tag
 * </pre>
 * Version 1 files (no key mode, no keyed field) are read, and rewritten as version 2.
 */
final class SessionStore implements AutoCloseable
{
    /** The file's name inside the archive directory. */
    static final String FILE_NAME = "skirmish-sessions.log";

    private static final int MAGIC = 0x53534B53;
    private static final int VERSION = 2;
    private static final int KEY_LENGTH = 32;
    private static final int HEADER_LENGTH_V1 = 8 + KEY_LENGTH;
    private static final int HEADER_LENGTH = 12 + KEY_LENGTH;
    private static final int KEY_IN_HEADER = 0;
    private static final int EXTERNAL_KEY = 1;
    private static final int NONCE_LENGTH = 12;
    private static final int SEALED_LENGTH = 32;
    /** Default size past which the file is rewritten compacted. */
    static final long DEFAULT_COMPACTION_BYTES = 4 * 1024 * 1024;
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
        final boolean keyed;
        final long k0;
        final long k1;

        Record(
            final int sessionId,
            final long clientId,
            final byte[] digest,
            final long directSeq,
            final int[] roomIds,
            final long[] ackedSeqs,
            final boolean keyed,
            final long k0,
            final long k1)
        {
            this.sessionId = sessionId;
            this.clientId = clientId;
            this.digest = digest;
            this.directSeq = directSeq;
            this.roomIds = roomIds;
            this.ackedSeqs = ackedSeqs;
            this.keyed = keyed;
            this.k0 = k0;
            this.k1 = k1;
        }
    }

    private final boolean readOnly;
    private final File file;
    private final File directory;
    private final long compactionBytes;
    private final byte[] headerKey;
    private final int keyMode;
    private final SecretKeySpec sealKey;
    private final SecureRandom random = new SecureRandom();
    private FileChannel channel;
    private long fileBytes;
    private long compactions;
    private String discarded;
    private AtomicCounter compactionCounter;
    private final Mac mac;
    private final ByteBuffer buffer = ByteBuffer.allocate(MAX_BODY_LENGTH + 8).order(LITTLE_ENDIAN);
    private final ByteBuffer secretBytes = ByteBuffer.allocate(12).order(LITTLE_ENDIAN);
    private final CRC32 crc = new CRC32();
    private final Int2ObjectHashMap<Record> loaded = new Int2ObjectHashMap<>();
    private final Int2ObjectHashMap<Record> live = new Int2ObjectHashMap<>();
    private int highestSessionId;

    /**
     * Open the store in a directory, reading what a previous process left there, with a random digest key kept in
     * the file (no connect tokens: no session keys to seal).
     *
     * @param directory the archive directory.
     */
    SessionStore(final File directory)
    {
        this(directory, null, DEFAULT_COMPACTION_BYTES);
    }

    /**
     * Open the store in a directory, reading what a previous process left there.
     *
     * @param directory       the archive directory.
     * @param storeKey        at least 32 bytes the digest and sealing keys are derived from, kept out of the file;
     *                        null for a random digest key kept in the file (then keyed sessions cannot be stored).
     * @param compactionBytes the file is rewritten compacted when an append takes it past this size.
     */
    SessionStore(final File directory, final byte[] storeKey, final long compactionBytes)
    {
        this(directory, storeKey, compactionBytes, false);
    }

    /**
     * Read the sessions a dead server persisted in its archive directory, without writing to the file (no
     * compaction, no appends): for taking them over on another server.
     *
     * @param directory the dead server's archive directory.
     * @param storeKey  the store key it used (the same settings as this server's), or null.
     * @return the store, read; its {@link #put} and {@link #remove} must not be called.
     */
    static SessionStore readOnly(final File directory, final byte[] storeKey)
    {
        return new SessionStore(directory, storeKey, DEFAULT_COMPACTION_BYTES, true);
    }

    private SessionStore(final File directory, final byte[] storeKey, final long compactionBytes,
        final boolean readOnly)
    {
        this.readOnly = readOnly;
        this.directory = directory;
        this.file = new File(directory, FILE_NAME);
        this.compactionBytes = compactionBytes;
        this.keyMode = null == storeKey ? KEY_IN_HEADER : EXTERNAL_KEY;
        try
        {
            if (!readOnly && !directory.exists() && !directory.mkdirs())
            {
                throw new IOException("cannot create " + directory);
            }
            this.mac = Mac.getInstance("HmacSHA256");
            final byte[] digestKey;
            if (null == storeKey)
            {
                final byte[] fileKey = file.exists() ? readKey() : null;
                if (null == fileKey)
                {
                    digestKey = new byte[KEY_LENGTH];
                    random.nextBytes(digestKey);
                }
                else
                {
                    digestKey = fileKey;
                }
                this.headerKey = digestKey;
                this.sealKey = null;
            }
            else
            {
                digestKey = derive(storeKey, "skirmish session store: resume secret digests");
                this.sealKey = new SecretKeySpec(derive(storeKey, "skirmish session store: session keys"), "AES");
                this.headerKey = derive(storeKey, "skirmish session store: key check");
            }
            mac.init(new SecretKeySpec(digestKey, "HmacSHA256"));
            if (file.exists())
            {
                read();
            }
            loaded.putAll(live);
            if (!readOnly)
            {
                rewrite();
            }
        }
        catch (final IOException | GeneralSecurityException ex)
        {
            throw new IllegalStateException("session store " + file + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * @param sessionStoreKey    the game's store key, or null.
     * @param connectTokenSecret the server's token secret, or null.
     * @return the store key: the game's; else one derived from the token secret with HMAC-SHA256 (a label of its
     * own, so it is not the token secret); else null (no tokens: a random digest key in the file).
     */
    static byte[] storeKey(final byte[] sessionStoreKey, final byte[] connectTokenSecret)
    {
        if (null != sessionStoreKey)
        {
            return sessionStoreKey;
        }
        if (null == connectTokenSecret)
        {
            return null;
        }
        try
        {
            return derive(connectTokenSecret, "skirmish session store key");
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static byte[] derive(final byte[] key, final String label) throws GeneralSecurityException
    {
        final Mac hmac = Mac.getInstance("HmacSHA256");
        hmac.init(new SecretKeySpec(key, "HmacSHA256"));
        return hmac.doFinal(label.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Write the live records to a temporary file, force it, and rename it over the file (atomic on POSIX file
     * systems): a crash at any point leaves either the old file or the new one, whole.
     */
    private void rewrite() throws IOException, GeneralSecurityException
    {
        CloseHelper.quietClose(channel);
        final File temp = new File(directory, FILE_NAME + ".tmp");
        long bytes;
        try (FileChannel out = FileChannel.open(temp.toPath(), StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE))
        {
            buffer.clear();
            buffer.putInt(MAGIC).putInt(VERSION).putInt(keyMode).put(headerKey).flip();
            bytes = buffer.remaining();
            writeFully(out, buffer);
            for (final Record record : live.values())
            {
                encodePut(record.sessionId, record.clientId, record.digest, record.directSeq, record.roomIds,
                    record.ackedSeqs, record.roomIds.length, record.keyed, record.k0, record.k1);
                bytes += buffer.remaining();
                writeFully(out, buffer);
            }
            out.force(true);
        }
        if (!temp.renameTo(file))
        {
            throw new IOException("cannot replace " + file);
        }
        fileBytes = bytes;
        channel = FileChannel.open(file.toPath(), StandardOpenOption.WRITE, StandardOpenOption.APPEND);
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
     * @return why the records a previous process left were not loaded (the store key differs), or null.
     */
    String discarded()
    {
        return discarded;
    }

    /**
     * @param counter counts compactions ({@code SESSION_STORE_COMPACTIONS}).
     */
    void compactionCounter(final AtomicCounter counter)
    {
        this.compactionCounter = counter;
    }

    /**
     * @return how many times the file was compacted since it was opened (beyond the rewrite on opening).
     */
    long compactions()
    {
        return compactions;
    }

    /**
     * @return the file's length in bytes as this store wrote it.
     */
    long fileBytes()
    {
        return fileBytes;
    }

    /**
     * @return true when session keys can be stored (a store key was given).
     */
    boolean canSealKeys()
    {
        return null != sealKey;
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
            ackedSeqs, count, peer.keyed, peer.keyK0, peer.keyK1);
        // the live set first: a compaction the append sets off rewrites the file from it
        live.put(peer.sessionId, new Record(peer.sessionId, peer.session.clientId, digest,
            peer.session.direct.stream.lastSeq, Arrays.copyOf(roomIds, count), Arrays.copyOf(ackedSeqs, count),
            peer.keyed, peer.keyK0, peer.keyK1));
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
        live.remove(sessionId);
        loaded.remove(sessionId);
        append();
    }

    private void encodePut(
        final int sessionId,
        final long clientId,
        final byte[] digest,
        final long directSeq,
        final int[] roomIds,
        final long[] ackedSeqs,
        final int count,
        final boolean keyed,
        final long k0,
        final long k1)
    {
        if (keyed && null == sealKey)
        {
            throw new IllegalStateException("a session key needs a store key to be sealed with");
        }
        buffer.clear();
        buffer.putInt(0).putInt(0).putInt(PUT).putInt(sessionId).putLong(clientId).put(digest).putLong(directSeq)
            .putInt(count);
        for (int i = 0; i < count; i++)
        {
            buffer.putInt(roomIds[i]).putLong(ackedSeqs[i]);
        }
        buffer.putInt(keyed ? 1 : 0);
        if (keyed)
        {
            final byte[] nonce = new byte[NONCE_LENGTH];
            random.nextBytes(nonce);
            buffer.put(nonce).put(seal(sessionId, nonce, k0, k1));
        }
        buffer.putInt(0, buffer.position() - 8);
        finish();
    }

    private byte[] seal(final int sessionId, final byte[] nonce, final long k0, final long k1)
    {
        try
        {
            final Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, sealKey, new GCMParameterSpec(128, nonce));
            aes.updateAAD(ByteBuffer.allocate(4).order(LITTLE_ENDIAN).putInt(sessionId).array());
            return aes.doFinal(ByteBuffer.allocate(16).order(LITTLE_ENDIAN).putLong(k0).putLong(k1).array());
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("sealing a session key: " + ex.getMessage(), ex);
        }
    }

    /**
     * @return the session key halves, or null when the sealed bytes do not open under the store key.
     */
    private long[] open(final int sessionId, final byte[] nonce, final byte[] sealed)
    {
        try
        {
            final Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
            aes.init(Cipher.DECRYPT_MODE, sealKey, new GCMParameterSpec(128, nonce));
            aes.updateAAD(ByteBuffer.allocate(4).order(LITTLE_ENDIAN).putInt(sessionId).array());
            final ByteBuffer key = ByteBuffer.wrap(aes.doFinal(sealed)).order(LITTLE_ENDIAN);
            return new long[]{ key.getLong(), key.getLong() };
        }
        catch (final GeneralSecurityException ex)
        {
            return null;
        }
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
        if (readOnly)
        {
            throw new IllegalStateException("session store " + file + " is open read-only");
        }
        try
        {
            fileBytes += buffer.remaining();
            writeFully(channel, buffer);
            if (fileBytes > compactionBytes)
            {
                rewrite();
                compactions++;
                if (null != compactionCounter)
                {
                    compactionCounter.incrementRelease();
                }
            }
        }
        catch (final IOException | GeneralSecurityException ex)
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

    private ByteBuffer readAll() throws IOException
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
            return all;
        }
    }

    /**
     * @return the digest key a file without an external key keeps in its header, or null when it has none.
     */
    private byte[] readKey() throws IOException
    {
        final ByteBuffer all = readAll();
        if (all.remaining() < HEADER_LENGTH_V1 || all.getInt() != MAGIC)
        {
            return null;
        }
        final int version = all.getInt();
        if ((2 == version && (all.remaining() < HEADER_LENGTH - 8 || all.getInt() != KEY_IN_HEADER)) ||
            (1 != version && 2 != version))
        {
            return null;
        }
        final byte[] key = new byte[KEY_LENGTH];
        all.get(key);
        return key;
    }

    /**
     * Load the records of the file when its header matches this store's key.
     */
    private void read() throws IOException
    {
        final ByteBuffer all = readAll();
        if (all.remaining() < HEADER_LENGTH_V1 || all.getInt() != MAGIC)
        {
            discarded = "not a session store";
            return;
        }
        final int version = all.getInt();
        final int mode = 1 == version ? KEY_IN_HEADER : all.getInt();
        final byte[] key = new byte[KEY_LENGTH];
        if ((1 != version && 2 != version) || all.remaining() < KEY_LENGTH)
        {
            discarded = "unknown version " + version;
            return;
        }
        all.get(key);
        if (mode != keyMode || !MessageDigest.isEqual(key, headerKey))
        {
            discarded = EXTERNAL_KEY == mode && EXTERNAL_KEY == keyMode ? "the store key differs" :
                "written " + (EXTERNAL_KEY == mode ? "with" : "without") + " a store key, opened " +
                (EXTERNAL_KEY == keyMode ? "with" : "without") + " one";
            return;
        }
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
                live.remove(sessionId);
            }
            else if (PUT == type)
            {
                final Record record = readPut(all, version, sessionId);
                if (null != record)
                {
                    live.put(sessionId, record);
                }
            }
            all.position(next);
        }
    }

    private Record readPut(final ByteBuffer all, final int version, final int sessionId)
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
        final boolean keyed = version >= 2 && 1 == all.getInt();
        long k0 = 0;
        long k1 = 0;
        if (keyed)
        {
            final byte[] nonce = new byte[NONCE_LENGTH];
            final byte[] sealed = new byte[SEALED_LENGTH];
            all.get(nonce).get(sealed);
            final long[] key = null == sealKey ? null : open(sessionId, nonce, sealed);
            if (null == key)
            {
                discarded = "the session key of session " + sessionId + " does not open under the store key";
                return null; // cannot be resumed without its key
            }
            k0 = key[0];
            k1 = key[1];
        }
        return new Record(sessionId, clientId, digest, directSeq, roomIds, ackedSeqs, keyed, k0, k1);
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
