package io.skirmish.engine;

import io.skirmish.engine.client.ClientState;
import io.skirmish.engine.client.ClientTestSupport;
import io.skirmish.engine.client.GameClient;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.Room;
import io.skirmish.engine.server.RoomListener;
import io.skirmish.engine.server.RoomOptions;
import io.skirmish.engine.server.Session;
import io.skirmish.engine.sim.NetworkSimulator;
import io.skirmish.engine.sim.UdpRelay;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nothing is lost, whatever the network does (issue 14): over real UDP and real embedded media drivers, with the
 * client's lanes routed through the simulator's NAT-like {@link UdpRelay}, both sides keep producing while the
 * network misbehaves, and afterwards every room event, direct message, emit and client message has been delivered
 * exactly once, in order, in both directions.
 * <ul>
 *     <li>outages in both directions longer than the session timeout (3 s here) and longer than Aeron's image
 *     liveness timeout (the default 10 s, left as it is): the session is suspended and resumed;</li>
 *     <li>a NAT rebinding ({@link UdpRelay#rebindMappings()}) mid-session: the session carries on within seconds;</li>
 *     <li>no silent stalls: a black hole on one direction only, either on the whole link (lifted later) or on the
 *     path in use (for good, so only moving to fresh lanes helps), is noticed within the session timeout and
 *     recovered from;</li>
 *     <li>a client that falls behind a burst of 10,000 room events catches up from the room's history, with no
 *     resync.</li>
 * </ul>
 * The game side of the client keeps what it produces in its own queue and hands each item to the engine in order;
 * an item the engine does not take ({@code NOT_CONNECTED_SESSION} while the session reconnects) is offered again
 * later, as a game would. What the engine did take during an outage waits in its {@code ReliableOutbox}.
 * Measured times and counters are printed on standard out.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NetworkChaosSystemTest
{
    private static final int ROOM_ID = 7;
    private static final int BROADCAST_TYPE = 1;
    private static final int EMIT_TYPE = 2;
    private static final int DIRECT_TYPE = 3;
    private static final int MESSAGE_TYPE = 4;
    private static final long SESSION_TIMEOUT_MS = 3_000;
    private static final long CLIENT_PERIOD_NS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long SERVER_PERIOD_NS = TimeUnit.MILLISECONDS.toNanos(50);

    private final SystemTestHarness harness = new SystemTestHarness();
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[256]);
    private final ServerLog serverLog = new ServerLog();
    private final ClientLog clientLog = new ClientLog();
    private final ChaosTap tap = new ChaosTap();
    private GameServer server;
    private Room room;
    private GameClient client;
    private Session session;
    private Traffic traffic;

    @AfterEach
    void after()
    {
        harness.close();
    }

    /** What the server saw and sent: the room's log and the direct stream by seq, the client's frames in order. */
    static final class ServerLog extends RecordingServerListener implements RoomListener
    {
        final Map<Long, String> roomEvents = new HashMap<>();
        final Map<Long, String> directMessages = new HashMap<>();
        final Map<Integer, List<String>> emitsBySession = new HashMap<>();
        final Map<Integer, List<String>> messagesBySession = new HashMap<>();
        volatile long suspendedAtNs;

        public void onSessionSuspended(final Session session, final DisconnectReason reason)
        {
            super.onSessionSuspended(session, reason);
            suspendedAtNs = System.nanoTime();
        }

        public void onMessage(
            final Session session, final int typeId, final DirectBuffer buffer, final int offset, final int length)
        {
            messagesBySession.computeIfAbsent(session.sessionId(), (id) -> new ArrayList<>())
                .add(buffer.getStringWithoutLengthAscii(offset, length));
        }

        public boolean onEmit(
            final Room room, final Session sender, final int typeId, final DirectBuffer buffer, final int offset,
            final int length)
        {
            final String text = buffer.getStringWithoutLengthAscii(offset, length);
            emitsBySession.computeIfAbsent(sender.sessionId(), (id) -> new ArrayList<>()).add(text);
            roomEvents.put(room.lastSeq() + 1, text);
            return true;
        }

        public void onJoined(final Room room, final Session session)
        {
            roomEvents.put(room.lastSeq(), "+" + session.sessionId());
        }

        public void onLeft(final Room room, final Session session, final LeaveReason reason)
        {
            roomEvents.put(room.lastSeq(), "-" + session.sessionId());
        }

        List<String> emits(final int sessionId)
        {
            return emitsBySession.getOrDefault(sessionId, List.of());
        }

        List<String> messages(final int sessionId)
        {
            return messagesBySession.getOrDefault(sessionId, List.of());
        }
    }

    /** What the client delivered to the game, in order: the room as a RoomRecorder does, and the direct stream. */
    static final class ClientLog extends RoomSystemTest.RoomRecorder
    {
        final List<Long> directSeqs = new ArrayList<>();
        final List<String> directPayloads = new ArrayList<>();
        final List<String> stateTrace = new ArrayList<>();
        final long startNs = System.nanoTime();
        long leftConnectedNs;

        ClientLog()
        {
            super(ROOM_ID);
        }

        public void onStateChange(final ClientState oldState, final ClientState newState)
        {
            super.onStateChange(oldState, newState);
            final long nowNs = System.nanoTime();
            if (oldState == ClientState.CONNECTED && 0 == leftConnectedNs)
            {
                leftConnectedNs = nowNs;
            }
            stateTrace.add(TimeUnit.NANOSECONDS.toMillis(nowNs - startNs) + "ms:" + newState);
        }

        public void onEvent(
            final int roomId,
            final long seq,
            final int senderSessionId,
            final int typeId,
            final DirectBuffer buffer,
            final int offset,
            final int length)
        {
            super.onEvent(roomId, seq, senderSessionId, typeId, buffer, offset, length);
            if (0 == roomId)
            {
                directSeqs.add(seq);
                directPayloads.add(buffer.getStringWithoutLengthAscii(offset, length));
            }
        }

        void resetLeftConnected()
        {
            leftConnectedNs = 0;
        }
    }

    /**
     * The fault: drops datagrams by direction (tag bit 0 set: server to client) and by relay mapping (tag >>> 1 is
     * the mapping's index; the relay's indexes only grow here, as no mapping idles out or is forgotten). It also
     * notes the first datagram from the client on a mapping newer than those it black-holes: fresh lanes.
     */
    static final class ChaosTap implements NetworkSimulator.PacketTap
    {
        volatile boolean dropUpstream;
        volatile boolean dropDownstream;
        /** Mappings with an index below it are black-holed; Integer.MAX_VALUE: every mapping. */
        volatile int blackHoledBelow = Integer.MAX_VALUE;
        volatile int highestIndex = -1;
        /** Mappings from this index on were made after the fault began: the client's fresh lanes. */
        volatile int freshFrom = Integer.MAX_VALUE;
        volatile long freshLanesSeenNs;
        long dropped;

        public boolean onSend(final DirectBuffer buffer, final int offset, final int length, final int tag)
        {
            final int index = tag >>> 1;
            final boolean downstream = (tag & 1) != 0;
            if (index > highestIndex)
            {
                highestIndex = index;
            }
            final boolean onBlackHoledPath = index < blackHoledBelow;
            if (!downstream && index >= freshFrom && 0 == freshLanesSeenNs)
            {
                freshLanesSeenNs = System.nanoTime();
            }
            if (onBlackHoledPath && (downstream ? dropDownstream : dropUpstream))
            {
                dropped++;
                return false;
            }
            return true;
        }

        /** Black-hole every mapping, now and later. */
        void wholeLink(final boolean upstream, final boolean downstream)
        {
            blackHoledBelow = Integer.MAX_VALUE;
            freshFrom = highestIndex + 1;
            freshLanesSeenNs = 0;
            dropUpstream = upstream;
            dropDownstream = downstream;
        }

        /** Black-hole only the mappings that exist now: the path in use. */
        void currentPath(final boolean upstream, final boolean downstream)
        {
            freshLanesSeenNs = 0;
            blackHoledBelow = highestIndex + 1;
            freshFrom = blackHoledBelow;
            dropUpstream = upstream;
            dropDownstream = downstream;
        }

        void lift()
        {
            dropUpstream = false;
            dropDownstream = false;
        }
    }

    /**
     * Both sides producing at a steady rate: the server broadcasts to the room and sends direct messages; the game
     * on the client side makes an emit and a message each period, queues them, and hands them to the engine in
     * order, keeping any it refuses for later.
     */
    final class Traffic
    {
        boolean producing = true;
        int emitsMade;
        int emitsSent;
        int messagesMade;
        int messagesSent;
        int broadcasts;
        int directs;
        long lastDirectSeq;
        int emitsTakenWhileOut;
        int messagesTakenWhileOut;
        int refusedNotConnected;
        int refusedQueueFull;
        int refusedOther;
        boolean out;
        private long nextClientNs = System.nanoTime();
        private long nextServerNs = System.nanoTime();
        private boolean directTurn;
        private int lastRefusedEmit = -1;
        private int lastRefusedMessage = -1;
        int mostQueued;

        int poll()
        {
            final long nowNs = System.nanoTime();
            if (producing && nowNs - nextClientNs >= 0)
            {
                nextClientNs += CLIENT_PERIOD_NS;
                emitsMade++;
                messagesMade++;
            }
            sendQueued();
            if (producing && nowNs - nextServerNs >= 0)
            {
                nextServerNs += SERVER_PERIOD_NS;
                broadcast("s" + broadcasts++);
                directTurn = !directTurn;
                if (directTurn)
                {
                    final String text = "d" + directs++;
                    final int length = payload.putStringWithoutLengthAscii(0, text);
                    final long seq = server.send(session, DIRECT_TYPE, payload, 0, length);
                    assertTrue(seq > 0, "direct " + text + ": " + seq);
                    serverLog.directMessages.put(seq, text);
                    lastDirectSeq = seq;
                }
            }
            return harness.pollAll();
        }

        private void sendQueued()
        {
            mostQueued = Math.max(mostQueued, Math.max(emitsMade - emitsSent, messagesMade - messagesSent));
            while (emitsSent < emitsMade)
            {
                final int length = payload.putStringWithoutLengthAscii(0, "e" + emitsSent);
                final long result = client.emit(ROOM_ID, EMIT_TYPE, payload, 0, length);
                if (!taken(result, emitsSent == lastRefusedEmit))
                {
                    lastRefusedEmit = emitsSent;
                    break;
                }
                emitsSent++;
                emitsTakenWhileOut += out ? 1 : 0;
            }
            while (messagesSent < messagesMade)
            {
                final int length = payload.putStringWithoutLengthAscii(0, "m" + messagesSent);
                final long result = client.send(MESSAGE_TYPE, payload, 0, length);
                if (!taken(result, messagesSent == lastRefusedMessage))
                {
                    lastRefusedMessage = messagesSent;
                    break;
                }
                messagesSent++;
                messagesTakenWhileOut += out ? 1 : 0;
            }
        }

        /**
         * @param again true when this item was refused before (each item is counted once).
         */
        private boolean taken(final long result, final boolean again)
        {
            if (result > 0)
            {
                return true;
            }
            if (again)
            {
                return false;
            }
            if (result == SendResult.NOT_CONNECTED_SESSION)
            {
                refusedNotConnected++;
            }
            else if (result == SendResult.QUEUE_FULL)
            {
                refusedQueueFull++;
            }
            else
            {
                refusedOther++;
            }
            return false;
        }

        boolean allHandedOver()
        {
            return emitsSent == emitsMade && messagesSent == messagesMade;
        }

        public String toString()
        {
            return "emits made/sent " + emitsMade + "/" + emitsSent + " (taken while out " + emitsTakenWhileOut +
                "), messages made/sent " + messagesMade + "/" + messagesSent + " (taken while out " +
                messagesTakenWhileOut + "), most items waiting in the game's queue " + mostQueued +
                " (queue heads refused: not connected " + refusedNotConnected + ", queue full " +
                refusedQueueFull + ", other " + refusedOther + "), broadcasts " + broadcasts + ", directs " + directs;
        }
    }

    private long broadcast(final String text)
    {
        final int length = payload.putStringWithoutLengthAscii(0, text);
        final long seq = room.broadcast(BROADCAST_TYPE, payload, 0, length);
        assertTrue(seq > 0, "broadcast " + text + ": " + seq);
        serverLog.roomEvents.put(seq, text);
        return seq;
    }

    /**
     * A server (3 s session timeout, 30 s resume window, default Aeron timeouts), a room and one client through the
     * simulator's relay with the {@link ChaosTap}, joined and delivered an event.
     */
    private void start(final RoomOptions roomOptions)
    {
        final int port = Tests.freePortPair();
        server = harness.launch(harness.serverContext(port)
            .listener(serverLog)
            .defaultRoomListener(serverLog)
            .sessionTimeoutNs(TimeUnit.MILLISECONDS.toNanos(SESSION_TIMEOUT_MS))
            .keepAliveIntervalNs(TimeUnit.MILLISECONDS.toNanos(100))
            .resumeWindowNs(TimeUnit.SECONDS.toNanos(30)));
        room = server.createRoom(ROOM_ID, roomOptions);
        client = harness.connect(harness.clientContext(port)
            .listener(clientLog)
            .networkSimulator(new NetworkSimulator(14).tap(tap)));
        harness.awaitConnected(client);
        client.join(ROOM_ID);
        Tests.await(() -> clientLog.joined.contains(ROOM_ID), 10_000, harness::pollAll, () -> "joined");
        final long first = broadcast("first");
        Tests.await(() -> client.lastDeliveredSeq(ROOM_ID) == first, 10_000, harness::pollAll, () -> "delivered");
        session = server.session(client.sessionId());
        traffic = new Traffic();
    }

    private void start()
    {
        start(new RoomOptions());
    }

    /**
     * Stop producing, wait until everything produced has arrived both ways, and check it came exactly once, in
     * order.
     */
    private void settleAndVerify()
    {
        traffic.producing = false;
        final int sessionId = client.sessionId();
        Tests.await(() -> traffic.allHandedOver() &&
            serverLog.emits(sessionId).size() >= traffic.emitsMade &&
            serverLog.messages(sessionId).size() >= traffic.messagesMade &&
            client.lastDeliveredSeq(ROOM_ID) >= room.lastSeq() &&
            client.lastDeliveredSeq(0) >= traffic.lastDirectSeq,
            20_000, traffic::poll, () -> "everything arrived: " + traffic + "; server got emits " +
            serverLog.emits(sessionId).size() + " messages " + serverLog.messages(sessionId).size() +
            "; client delivered room " + client.lastDeliveredSeq(ROOM_ID) + "/" + room.lastSeq() + " direct " +
            client.lastDeliveredSeq(0) + "/" + traffic.lastDirectSeq + "; " + Tests.counters(client) + "; " +
            Tests.counters(server));
        Tests.drive(200, harness::pollAll);

        final List<String> expectedEmits = new ArrayList<>();
        for (int i = 0; i < traffic.emitsMade; i++)
        {
            expectedEmits.add("e" + i);
        }
        assertEquals(expectedEmits, serverLog.emits(sessionId), "the server got every emit once, in order");
        final List<String> expectedMessages = new ArrayList<>();
        for (int i = 0; i < traffic.messagesMade; i++)
        {
            expectedMessages.add("m" + i);
        }
        assertEquals(expectedMessages, serverLog.messages(sessionId), "the server got every message once, in order");

        final long firstRoomSeq = clientLog.seqs.get(0);
        RoomSystemTest.assertContiguous(clientLog.seqs, firstRoomSeq, room.lastSeq());
        for (int i = 0; i < clientLog.seqs.size(); i++)
        {
            assertEquals(serverLog.roomEvents.get(clientLog.seqs.get(i)), clientLog.payloads.get(i),
                "room event seq " + clientLog.seqs.get(i));
        }
        assertTrue(clientLog.payloads.contains("s0") && clientLog.payloads.contains("e0"),
            "the room stream holds the traffic");
        // the direct stream also carries membership notices, which are not direct messages
        final List<Long> directSent = new ArrayList<>(new TreeSet<>(serverLog.directMessages.keySet()));
        assertEquals(directSent, clientLog.directSeqs, "every direct message once, in order");
        for (int i = 0; i < clientLog.directSeqs.size(); i++)
        {
            assertEquals(serverLog.directMessages.get(clientLog.directSeqs.get(i)), clientLog.directPayloads.get(i),
                "direct message seq " + clientLog.directSeqs.get(i));
        }
        assertEquals(List.of(), clientLog.resyncs, "nothing needed a resync");
        assertEquals(0, client.counter(EngineCounter.RESYNCS));
        assertEquals(0, server.counter(EngineCounter.RESYNCS));
        assertEquals(0, server.counter(EngineCounter.ERRORS), Tests.counters(server));
        assertEquals(0, client.counter(EngineCounter.ERRORS), Tests.counters(client));
        assertEquals(1, clientLog.connects, "the game met the session once");
        assertEquals(List.of(), serverLog.closed, "the session never closed");
        assertEquals(1, server.sessionCount());
    }

    private static long msSince(final long startNs)
    {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
    }

    private void report(final String what)
    {
        System.out.println("[chaos] " + what + "; " + traffic + "; room seqs " + room.lastSeq() + ", direct seqs " +
            traffic.lastDirectSeq + "; states " + clientLog.stateTrace + "; " + Tests.counters(client) + "; " +
            Tests.counters(server));
    }

    /**
     * An outage of everything, both ways, longer than the session timeout, and (14 s) longer than Aeron's image
     * liveness timeout, while both sides keep producing: the session is suspended, resumes when the network comes
     * back, and nothing is lost either way.
     */
    @ParameterizedTest(name = "outage of {0} ms")
    @ValueSource(longs = { 8_000, 14_000 })
    void shouldResumeAfterAnOutageLongerThanTheTimeoutsWithNothingLost(final long outageMs)
    {
        start();
        assertTrue(outageMs > SESSION_TIMEOUT_MS);
        Tests.drive(1_000, traffic::poll);

        final int broadcastsBefore = traffic.broadcasts;
        final int directsBefore = traffic.directs;
        tap.wholeLink(true, true);
        traffic.out = true;
        final long outageStartNs = System.nanoTime();
        Tests.drive(outageMs, traffic::poll);
        traffic.out = false;
        tap.lift();
        assertEquals(1, serverLog.suspended.size(), "the server suspended the session during the outage");
        final long suspendedAfterMs = TimeUnit.NANOSECONDS.toMillis(serverLog.suspendedAtNs - outageStartNs);
        assertTrue(clientLog.leftConnectedNs != 0, "the client noticed the outage: " + clientLog.stateTrace);
        final long clientNoticedMs = TimeUnit.NANOSECONDS.toMillis(clientLog.leftConnectedNs - outageStartNs);
        assertTrue(traffic.broadcasts > broadcastsBefore && traffic.directs > directsBefore);
        assertTrue(traffic.emitsTakenWhileOut > 0 && traffic.messagesTakenWhileOut > 0,
            "the client's outbox took emits and messages during the outage: " + traffic);

        final long liftedNs = System.nanoTime();
        Tests.await(() -> clientLog.resumes == 1 && serverLog.resumed.size() == 1, 30_000, traffic::poll,
            () -> "resumed after the outage: " + clientLog.stateTrace + " " + Tests.counters(client) + " " +
            Tests.counters(server));
        final long resumedAfterMs = msSince(liftedNs);
        Tests.drive(1_000, traffic::poll);
        settleAndVerify();

        assertEquals(1, server.counter(EngineCounter.SESSIONS_RESUMED));
        assertEquals(1, clientLog.resumes);
        report("outage " + outageMs + " ms: client left CONNECTED " + clientNoticedMs + " ms in, suspended=" +
             serverLog.suspended + " " + suspendedAfterMs + " ms in, resumed " + resumedAfterMs +
            " ms after the network came back, tap dropped " + tap.dropped);
    }

    /**
     * The NAT forgets every mapping mid-session, events flowing both ways: the client's datagrams come from new
     * ports, the server's answers to the old ones go nowhere. The session carries on (or resumes) by itself within
     * a few seconds, and nothing is lost either way.
     */
    @Test
    void shouldCarryOnAfterANatRebindingWithNothingLost()
    {
        start();
        Tests.drive(1_000, traffic::poll);
        final UdpRelay relay = ClientTestSupport.relay(client);
        final int mappingsBefore = relay.mappingCount();

        final long requested = relay.rebindMappings();
        final long rebindNs = System.nanoTime();
        final long lastSeqBefore = room.lastSeq();
        final int emitsBefore = traffic.emitsSent;
        final int sessionId = client.sessionId();
        Tests.await(() -> relay.rebindsDone() == requested, 1_000, traffic::poll, () -> "rebound");
        Tests.await(() -> client.isConnected() &&
            client.lastDeliveredSeq(ROOM_ID) > lastSeqBefore + 2 &&
            serverLog.emits(sessionId).size() > emitsBefore + 2, 5_000, traffic::poll,
            () -> "flowing again both ways within 5 s of the rebinding: " + clientLog.stateTrace + " delivered " +
            client.lastDeliveredSeq(ROOM_ID) + " of " + room.lastSeq() + ", emits at the server " +
            serverLog.emits(sessionId).size() + " " + Tests.counters(client) + " " + Tests.counters(server));
        final long recoveredMs = msSince(rebindNs);
        Tests.drive(1_000, traffic::poll);
        settleAndVerify();

        assertTrue(relay.mappingCount() > 0);
        report("NAT rebinding: " + mappingsBefore + " mappings forgotten, flowing both ways again after " +
            recoveredMs + " ms, " + relay.datagramsToForgottenMappings() + " datagrams to forgotten mappings, " +
            "client resumes " + clientLog.resumes + ", server suspended " + serverLog.suspended);
    }

    /** What is black-holed. */
    enum BlackHole
    {
        /** Every datagram that way, on every path, until lifted (after twice the session timeout). */
        WHOLE_LINK,
        /** Every datagram that way on the path in use when it starts, for good: only fresh lanes get through. */
        CURRENT_PATH
    }

    /**
     * The client is CONNECTED but nothing from the server reaches it. It notices within the session timeout
     * (it moves to fresh lanes after the lane silence timeout) and recovers, by migrating or after the black hole
     * lifts, with nothing lost.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(BlackHole.class)
    void shouldNoticeABlackHoledDownstreamAndRecoverWithNothingLost(final BlackHole blackHole)
    {
        blackHoled(blackHole, false, true);
    }

    /**
     * The client is CONNECTED but nothing it sends reaches the server. It notices within the session timeout (no
     * answers to its pings: it moves to fresh lanes), and so does the server (it suspends the session) when the
     * whole link is cut; the session recovers, by migrating or after the black hole lifts, with nothing lost.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(BlackHole.class)
    void shouldNoticeABlackHoledUpstreamAndRecoverWithNothingLost(final BlackHole blackHole)
    {
        blackHoled(blackHole, true, false);
    }

    private void blackHoled(final BlackHole blackHole, final boolean upstream, final boolean downstream)
    {
        start();
        Tests.drive(1_000, traffic::poll);
        clientLog.resetLeftConnected();
        final long migratedBefore = client.counter(EngineCounter.LANES_MIGRATED);
        final long startNs = System.nanoTime();
        if (blackHole == BlackHole.WHOLE_LINK)
        {
            tap.wholeLink(upstream, downstream);
        }
        else
        {
            tap.currentPath(upstream, downstream);
        }
        traffic.out = true;
        final String what = (upstream ? "upstream " : "downstream ") + blackHole;

        final long recoveredMs;
        final long noticedMs;
        long serverNoticedMs = -1;
        if (blackHole == BlackHole.CURRENT_PATH)
        {
            // only the client can get off the dead path: it must, before the session times out
            Tests.await(() -> client.counter(EngineCounter.LANES_MIGRATED) > migratedBefore,
                SESSION_TIMEOUT_MS, traffic::poll, () -> "migrated off the dead path within the session timeout: " +
                clientLog.stateTrace + " " + Tests.counters(client) + " " + Tests.counters(server));
            recoveredMs = msSince(startNs);
            noticedMs = TimeUnit.NANOSECONDS.toMillis(tap.freshLanesSeenNs - startNs);
            traffic.out = false;
            assertEquals(List.of(), serverLog.suspended, "the session carried on");
            assertTrue(client.isConnected());
        }
        else
        {
            Tests.await(() -> 0 != tap.freshLanesSeenNs || 0 != clientLog.leftConnectedNs, SESSION_TIMEOUT_MS,
                traffic::poll, () -> "the client noticed within the session timeout: " + clientLog.stateTrace);
            final long firstSignNs = 0 != tap.freshLanesSeenNs ? tap.freshLanesSeenNs : clientLog.leftConnectedNs;
            noticedMs = TimeUnit.NANOSECONDS.toMillis(firstSignNs - startNs);
            if (upstream)
            {
                Tests.await(() -> !serverLog.suspended.isEmpty(), SESSION_TIMEOUT_MS + 1_000, traffic::poll,
                    () -> "the server noticed the silence by its session timeout: " + Tests.counters(server));
                serverNoticedMs = TimeUnit.NANOSECONDS.toMillis(serverLog.suspendedAtNs - startNs);
            }
            Tests.drive(2 * SESSION_TIMEOUT_MS - msSince(startNs), traffic::poll);
            assertTrue(0 != clientLog.leftConnectedNs, "the client noticed its connection was lost: " +
                clientLog.stateTrace);
            traffic.out = false;
            tap.lift();
            final long liftedNs = System.nanoTime();
            Tests.await(() -> client.isConnected() && clientLog.resumes == 1, 20_000, traffic::poll,
                () -> "resumed after the black hole lifted: " + clientLog.stateTrace + " " + Tests.counters(client) +
                " " + Tests.counters(server));
            recoveredMs = msSince(liftedNs);
            assertEquals(1, server.counter(EngineCounter.SESSIONS_RESUMED));
        }
        Tests.drive(1_000, traffic::poll);
        settleAndVerify();
        report("black-holed " + what + ": fresh lanes/state change " + noticedMs + " ms in, " +
            (blackHole == BlackHole.CURRENT_PATH ? "migrated " : "resumed ") + recoveredMs + " ms after " +
            (blackHole == BlackHole.CURRENT_PATH ? "the black hole began" : "it lifted") + ", suspended " +
            serverLog.suspended + (serverNoticedMs >= 0 ? " " + serverNoticedMs + " ms in" : "") +
            ", client left CONNECTED " +
            (0 == clientLog.leftConnectedNs ? "never" :
            TimeUnit.NANOSECONDS.toMillis(clientLog.leftConnectedNs - startNs) + " ms in") + ", client resumes " +
            clientLog.resumes + ", tap dropped " + tap.dropped);
    }

    /** How the client falls behind the burst. */
    enum Behind
    {
        /** The game stops polling the client (INVOKER mode) for a second. */
        NOT_POLLED,
        /** Everything from the server is black-holed for a second. */
        DOWNSTREAM_BLACK_HOLED
    }

    /**
     * A client that is behind when a burst of 10,000 room events is broadcast catches up from the room's history,
     * which holds them all: no resync, every event once, in order.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Behind.class)
    void shouldCatchUpABurstOfTenThousandEventsFromHistoryWithoutAResync(final Behind behind)
    {
        start(new RoomOptions().historyCount(16_384).historyBytes(16 << 20));
        Tests.drive(500, traffic::poll);
        traffic.producing = false;
        Tests.await(() -> client.lastDeliveredSeq(ROOM_ID) == room.lastSeq(), 10_000, harness::pollAll,
            () -> "caught up before the burst");
        final long replayedBefore = server.counter(EngineCounter.EVENTS_REPLAYED);

        final long behindStartNs = System.nanoTime();
        final Tests.Poller poller;
        if (behind == Behind.NOT_POLLED)
        {
            poller = server::poll;
        }
        else
        {
            tap.wholeLink(false, true);
            poller = harness::pollAll;
        }
        final long firstOfBurst = room.lastSeq() + 1;
        for (int i = 0; i < 10_000; i++)
        {
            broadcast("burst-" + i);
            if (i % 100 == 99)
            {
                poller.poll();
            }
        }
        final long burstMs = msSince(behindStartNs);
        final long last = room.lastSeq();
        Tests.drive(1_000 - msSince(behindStartNs), poller);
        tap.lift();

        final long catchUpStartNs = System.nanoTime();
        Tests.await(() -> client.lastDeliveredSeq(ROOM_ID) == last, 30_000, harness::pollAll,
            () -> "caught up on the burst: " + client.lastDeliveredSeq(ROOM_ID) + "/" + last + " " +
            Tests.counters(client) + " " + Tests.counters(server));
        final long catchUpMs = msSince(catchUpStartNs);

        final int from = clientLog.seqs.indexOf(firstOfBurst);
        assertTrue(from >= 0, "the burst's first event was delivered");
        final List<Long> burstSeqs = clientLog.seqs.subList(from, clientLog.seqs.size());
        RoomSystemTest.assertContiguous(burstSeqs, firstOfBurst, last);
        for (int i = 0; i < 10_000; i++)
        {
            assertEquals("burst-" + i, clientLog.payloads.get(from + i));
        }
        RoomSystemTest.assertContiguous(clientLog.seqs, clientLog.seqs.get(0), last);
        assertEquals(0, client.counter(EngineCounter.RESYNCS), Tests.counters(client));
        assertEquals(0, server.counter(EngineCounter.RESYNCS), Tests.counters(server));
        assertEquals(List.of(), clientLog.resyncs);
        assertTrue(server.counter(EngineCounter.EVENTS_REPLAYED) > replayedBefore, "caught up from the history: " +
            Tests.counters(server));
        assertTrue(client.counter(EngineCounter.EVENTS_REPLAYED) > 0, Tests.counters(client));
        assertTrue(client.isConnected());
        assertEquals(0, clientLog.resumes, "no resume needed");
        assertEquals(List.of(), serverLog.suspended);
        report("burst of 10000 while " + behind + ": broadcast in " + burstMs + " ms, behind for " +
            TimeUnit.NANOSECONDS.toMillis(catchUpStartNs - behindStartNs) + " ms, caught up " + catchUpMs +
            " ms later; server replayed " + (server.counter(EngineCounter.EVENTS_REPLAYED) - replayedBefore) +
            ", client replayed " + client.counter(EngineCounter.EVENTS_REPLAYED));
    }
}
