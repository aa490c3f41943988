package io.skirmish.directory;

import io.skirmish.directory.protocol.DirectoryAuth;
import io.skirmish.directory.protocol.DirectoryHeaderFlyweight;
import io.skirmish.directory.protocol.DirectoryMessageType;
import io.skirmish.directory.protocol.IdRequestFlyweight;
import io.skirmish.directory.protocol.RegisterServerFlyweight;
import io.skirmish.directory.protocol.ResultFlyweight;
import io.skirmish.directory.protocol.SeatGrantedFlyweight;
import io.skirmish.directory.protocol.SeatRequestFlyweight;
import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.client.EgressListener;
import io.aeron.logbuffer.Header;
import io.aeron.security.CredentialsSupplier;
import io.aeron.security.NullCredentialsSupplier;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.Long2LongHashMap;

import java.util.concurrent.TimeUnit;

/**
 * A directory session made by hand (an {@link AeronCluster} with the directory's wire format), for tests that send
 * what the directory's own clients never would: another role's commands, or a request again under the same
 * correlation id. Answers are kept by correlation id: a RESULT's code, or a SEAT_GRANTED's seat id.
 */
final class RawDirectorySession implements AutoCloseable, EgressListener
{
    private final AeronCluster session;
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
    private final Long2LongHashMap answers = new Long2LongHashMap(Long.MIN_VALUE);
    private final DirectoryHeaderFlyweight header = new DirectoryHeaderFlyweight();
    private final ResultFlyweight result = new ResultFlyweight();
    private final SeatGrantedFlyweight granted = new SeatGrantedFlyweight();

    /**
     * @param nodes              the directory's nodes.
     * @param aeronDirectoryName a running media driver.
     * @param role               {@link DirectoryAuth#ROLE_BACKEND} or {@link DirectoryAuth#ROLE_SERVER}, or
     *                           {@link DirectoryAuth#ROLE_ANY} for no credentials.
     * @param secret             the role's secret.
     */
    RawDirectorySession(final String nodes, final String aeronDirectoryName, final int role, final byte[] secret)
    {
        session = AeronCluster.connect(new AeronCluster.Context()
            .aeronDirectoryName(aeronDirectoryName)
            .ingressChannel("aeron:udp?term-length=128k")
            .ingressEndpoints(ClusterConnection.ingressEndpoints(nodes))
            .egressChannel("aeron:udp?term-length=128k|endpoint=localhost:0")
            .messageTimeoutNs(TimeUnit.SECONDS.toNanos(10))
            .credentialsSupplier(DirectoryAuth.ROLE_ANY == role ? new NullCredentialsSupplier() :
                new CredentialsSupplier()
                {
                    public byte[] encodedCredentials()
                    {
                        return DirectoryAuth.credentials(role);
                    }

                    public byte[] onChallenge(final byte[] encodedChallenge)
                    {
                        return DirectoryAuth.response(secret, encodedChallenge, role);
                    }
                })
            .egressListener(this));
    }

    long register(final int serverId, final long correlationId)
    {
        final RegisterServerFlyweight register = new RegisterServerFlyweight();
        register.wrapForEncode(buffer, 0, DirectoryMessageType.REGISTER_SERVER, correlationId);
        register.serverId(serverId).capacity(10).tokenKeyId(0).address("raw.example.com:1");
        return send(correlationId, register.length());
    }

    long seatInRoom(final int roomId, final long correlationId)
    {
        final SeatRequestFlyweight request = new SeatRequestFlyweight();
        request.wrapForEncode(buffer, 0, DirectoryMessageType.SEAT_BY_ROOM, correlationId);
        request.roomId(roomId).partySize(1).kind(0).minPlayers(0).maxPlayers(0).ttlMs(0).flags(0)
            .putProperties(new byte[0], 0);
        return send(correlationId, request.length());
    }

    long confirm(final long seatId, final long correlationId)
    {
        final IdRequestFlyweight request = new IdRequestFlyweight();
        request.wrapForEncode(buffer, 0, DirectoryMessageType.CONFIRM_SEAT, correlationId);
        request.id(seatId);
        return send(correlationId, IdRequestFlyweight.LENGTH);
    }

    private long send(final long correlationId, final int length)
    {
        answers.remove(correlationId);
        DirectoryTests.await(() -> session.offer(buffer, 0, length) > 0, 10_000, session::pollEgress,
            () -> "the request was taken");
        DirectoryTests.await(() -> answers.containsKey(correlationId), 10_000, session::pollEgress,
            () -> "an answer to " + correlationId);
        return answers.get(correlationId);
    }

    public void onMessage(
        final long clusterSessionId, final long timestamp, final DirectBuffer buffer, final int offset,
        final int length, final Header header)
    {
        if (length < DirectoryHeaderFlyweight.HEADER_LENGTH)
        {
            return;
        }
        final int type = this.header.wrap(buffer, offset).type();
        if (DirectoryMessageType.RESULT == type && length >= ResultFlyweight.LENGTH)
        {
            result.wrap(buffer, offset);
            answers.put(result.correlationId(), result.code());
        }
        else if (DirectoryMessageType.SEAT_GRANTED == type)
        {
            granted.wrap(buffer, offset);
            answers.put(granted.correlationId(), granted.seatId());
        }
    }

    public void close()
    {
        session.close();
    }
}
