package io.skirmish.engine.server;

import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.protocol.FrameType;
import io.skirmish.engine.protocol.StreamHeadsFlyweight;
import io.skirmish.engine.transport.RecordingOutlet;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StreamHeadsProbeTest
{
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final int ROOM_ID = 9;

    private final ServerFixture fixture = new ServerFixture(ServerFixture.context());
    private final Room room = fixture.room(ROOM_ID, new RoomOptions());
    private final Peer alice = fixture.connectedPeer();
    private final Membership member = fixture.join(room, alice);
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[16]);

    private String heads(final RecordingOutlet outlet)
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < outlet.frameCount(); i++)
        {
            final UnsafeBuffer frame = outlet.frame(i);
            if (frame.getByte(1) == FrameType.STREAM_HEADS)
            {
                final StreamHeadsFlyweight heads = new StreamHeadsFlyweight();
                heads.wrap(frame, 0, frame.capacity());
                for (int e = 0; e < heads.count(); e++)
                {
                    sb.append(heads.roomId(e)).append('@').append(heads.headSeq(e)).append(' ');
                }
            }
        }
        return sb.toString().trim();
    }

    @Test
    void shouldTellASessionItsUnacknowledgedHeadsAfterTheDelayAndStopOnceAcknowledged()
    {
        final StreamHeadsProbe probe = fixture.fanOut.heads();
        fixture.fanOut.onEventAck(alice.session.direct, alice.session.direct.nextSeqToSend - 1);
        fixture.fanOut.broadcast(room, 1, 0, payload, 0, 4, 0, 0);
        final long head = fixture.fanOut.broadcast(room, 1, 0, payload, 0, 4, 0, 0);
        final RecordingOutlet outlet = ServerFixture.events(alice);
        outlet.clear();

        assertEquals(0, probe.probeHeads(fixture.advance(24 * MS)), "too soon");
        assertEquals(1, probe.probeHeads(fixture.advance(2 * MS)));
        assertEquals(ROOM_ID + "@" + head, heads(outlet));
        assertEquals(1, fixture.counter(EngineCounter.STREAM_HEADS_SENT));

        outlet.clear();
        assertEquals(0, probe.probeHeads(fixture.advance(10 * MS)), "not again before another delay");
        fixture.fanOut.onEventAck(member, head);
        assertEquals(0, probe.probeHeads(fixture.advance(30 * MS)), "acknowledged: nothing to tell");
        assertEquals("", heads(outlet));
    }
}
