package io.skirmish.engine.server;

import io.skirmish.engine.security.FrameCipher;
import io.skirmish.engine.security.LaneCrypto;
import io.skirmish.engine.security.TokenBucket;
import org.agrona.IoUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The persisted sessions: what is put comes back after a reopen, the secret only as a keyed digest that a wrong
 * secret does not match, a closed session is gone, and a torn last record is ignored.
 */
class SessionStoreTest
{
    private final FrameCipher cipher = new FrameCipher(1500);
    private File dir;

    @BeforeEach
    void before() throws IOException
    {
        dir = Files.createTempDirectory("skirmish-session-store").toFile();
    }

    @AfterEach
    void after()
    {
        IoUtil.delete(dir, true);
    }

    @Test
    void shouldRoundTripSessionsAndForgetClosedOnes() throws IOException
    {
        final long secretA = 0x1234_5678_9ABC_DEF0L;
        final long secretB = -42L;
        try (SessionStore store = new SessionStore(dir))
        {
            assertEquals(List.of(), store.loaded());
            final Peer a = peer(7, 1001, secretA);
            final Peer b = peer(8, 1002, secretB);
            final Peer c = peer(9, 1003, 99);
            store.put(a);
            store.put(b);
            store.put(c);
            a.session.direct.stream.lastSeq = 3;
            member(a, 41, 120);
            member(a, 42, 5);
            store.put(a);
            store.remove(c.sessionId);
        }
        final byte[] bytes = Files.readAllBytes(new File(dir, SessionStore.FILE_NAME).toPath());
        assertFalse(contains(bytes, secretA), "the secret is not in the file");

        try (SessionStore store = new SessionStore(dir))
        {
            final List<SessionStore.Record> records = store.loaded();
            records.sort(Comparator.comparingInt((r) -> r.sessionId));
            assertEquals(2, records.size(), "the closed session is gone");
            assertEquals(9, store.highestSessionId());
            final SessionStore.Record a = records.get(0);
            assertEquals(7, a.sessionId);
            assertEquals(1001, a.clientId);
            assertEquals(3, a.directSeq);
            assertEquals(2, a.roomIds.length);
            final long acked41 = a.roomIds[0] == 41 ? a.ackedSeqs[0] : a.ackedSeqs[1];
            final long acked42 = a.roomIds[0] == 41 ? a.ackedSeqs[1] : a.ackedSeqs[0];
            assertEquals(120, acked41);
            assertEquals(5, acked42);
            assertTrue(store.matches(a.digest, 7, secretA), "the right secret");
            assertFalse(store.matches(a.digest, 7, secretA + 1), "a wrong secret is refused");
            assertFalse(store.matches(a.digest, 8, secretA), "the secret of another session id");
            final SessionStore.Record b = records.get(1);
            assertTrue(store.matches(b.digest, 8, secretB));
            assertEquals(0, b.roomIds.length);
            System.out.println("session store: " + bytes.length + " bytes for 5 records, 2 sessions restored");
        }
        // a reopen compacted the file: reopened again, the same two
        try (SessionStore store = new SessionStore(dir))
        {
            assertEquals(2, store.loaded().size());
        }
    }

    @Test
    void shouldIgnoreATornLastRecord() throws IOException
    {
        try (SessionStore store = new SessionStore(dir))
        {
            store.put(peer(1, 11, 111));
            store.put(peer(2, 22, 222));
        }
        final File file = new File(dir, SessionStore.FILE_NAME);
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw"))
        {
            raf.setLength(raf.length() - 5);
        }
        try (SessionStore store = new SessionStore(dir))
        {
            final List<SessionStore.Record> records = store.loaded();
            assertEquals(1, records.size());
            assertEquals(1, records.get(0).sessionId);
            assertTrue(store.matches(records.get(0).digest, 1, 111));
        }
    }

    @Test
    void shouldStartAfreshOnAFileThatIsNotAStore() throws IOException
    {
        Files.write(new File(dir, SessionStore.FILE_NAME).toPath(), "not a store".getBytes(StandardCharsets.UTF_8));
        try (SessionStore store = new SessionStore(dir))
        {
            assertEquals(List.of(), store.loaded());
            final Peer peer = peer(3, 33, 333);
            store.put(peer);
            assertArrayEquals(store.digest(3, 333), store.digest(3, 333));
        }
        try (SessionStore store = new SessionStore(dir))
        {
            assertEquals(1, store.loaded().size());
        }
    }

    @Test
    void shouldSealSessionKeysUnderTheStoreKeyAndKeepNeitherInTheFile() throws IOException
    {
        final byte[] storeKey = "a store key of at least 32 bytes, from the game".getBytes(StandardCharsets.US_ASCII);
        final long k0 = 0x0123_4567_89AB_CDEFL;
        final long k1 = 0x7EDC_BA98_7654_3210L;
        final long secret = 0x5EC2_E75EC2_E7L;
        try (SessionStore store = new SessionStore(dir, storeKey, SessionStore.DEFAULT_COMPACTION_BYTES))
        {
            final Peer keyed = peer(4, 44, secret);
            keyed.keyed = true;
            keyed.keyK0 = k0;
            keyed.keyK1 = k1;
            store.put(keyed);
        }
        final byte[] bytes = Files.readAllBytes(new File(dir, SessionStore.FILE_NAME).toPath());
        assertFalse(contains(bytes, k0) || contains(bytes, k1), "the session key is not in the file");
        assertFalse(contains(bytes, secret), "the secret is not in the file");
        assertFalse(new String(bytes, StandardCharsets.ISO_8859_1).contains("a store key"), "nor the store key");

        try (SessionStore store = new SessionStore(dir, storeKey, SessionStore.DEFAULT_COMPACTION_BYTES))
        {
            final SessionStore.Record record = store.loaded().get(0);
            assertTrue(record.keyed);
            assertEquals(k0, record.k0);
            assertEquals(k1, record.k1);
            assertTrue(store.matches(record.digest, 4, secret));
            assertEquals(null, store.discarded());
        }
        final byte[] otherKey = "another store key of at least 32 bytes, rotated".getBytes(StandardCharsets.US_ASCII);
        try (SessionStore store = new SessionStore(dir, otherKey, SessionStore.DEFAULT_COMPACTION_BYTES))
        {
            assertEquals(List.of(), store.loaded(), "nothing restored under another key");
            assertEquals("the store key differs", store.discarded());
        }
    }

    @Test
    void shouldCompactTheFileWhenItGrowsPastTheLimit() throws IOException
    {
        final File file = new File(dir, SessionStore.FILE_NAME);
        try (SessionStore store = new SessionStore(dir, null, 8192))
        {
            final Peer kept = peer(1, 11, 111);
            store.put(kept);
            long compactionsSeen = 0;
            for (int i = 0; i < 1000; i++)
            {
                final Peer passing = peer(100 + i, 1000 + i, i);
                store.put(passing);
                if (i % 50 == 0 || store.compactions() != compactionsSeen)
                {
                    // the file as a SIGKILL would leave it, at any step: what is open, compaction or not
                    assertEquals(2, sessionsInCopy(file), "after put " + i);
                }
                store.remove(passing.sessionId);
                if (i % 50 == 0 || store.compactions() != compactionsSeen)
                {
                    assertEquals(1, sessionsInCopy(file), "after remove " + i);
                    compactionsSeen = store.compactions();
                }
                assertTrue(file.length() <= 8192 + 512, "file bounded: " + file.length());
            }
            assertTrue(store.compactions() >= 5, "compactions " + store.compactions());
            assertEquals(store.fileBytes(), file.length());
            System.out.println("session store: 2001 records appended, " + store.compactions() +
                " compactions, " + file.length() + " bytes left");
        }
        try (SessionStore store = new SessionStore(dir))
        {
            final List<SessionStore.Record> records = store.loaded();
            assertEquals(1, records.size(), "only the open session survives the compactions");
            assertTrue(store.matches(records.get(0).digest, 1, 111));
            assertEquals(1099, store.highestSessionId());
        }
    }

    private int sessionsInCopy(final File file) throws IOException
    {
        final File copyDir = Files.createTempDirectory(dir.toPath(), "copy").toFile();
        Files.copy(file.toPath(), new File(copyDir, SessionStore.FILE_NAME).toPath());
        try (SessionStore copy = new SessionStore(copyDir))
        {
            return copy.loaded().size();
        }
        finally
        {
            IoUtil.delete(copyDir, true);
        }
    }

    private Peer peer(final int sessionId, final long clientId, final long secret)
    {
        final Session session = new Session(sessionId, 1_000_000_000L);
        session.clientId = clientId;
        return new Peer(session, secret, new LaneCrypto(cipher, false), new EventHistory(16, 1024, 0),
            new TokenBucket(100, 200, 0), new TokenBucket(100, 200, 0));
    }

    private static void member(final Peer peer, final int roomId, final long ackedSeq)
    {
        final Room room = new Room(roomId, new RoomOptions().durable(true), null, null, null, null, null, null);
        final Membership m = new Membership(peer, room.stream, room);
        m.ackedSeq = ackedSeq;
        peer.session.memberships.put(roomId, m);
    }

    private static boolean contains(final byte[] bytes, final long value)
    {
        for (int i = 0; i + 8 <= bytes.length; i++)
        {
            long v = 0;
            for (int j = 7; j >= 0; j--)
            {
                v = (v << 8) | (bytes[i + j] & 0xFF);
            }
            if (v == value)
            {
                return true;
            }
        }
        return false;
    }
}
