package io.skirmish.engine.archive;

import io.aeron.Aeron;
import io.aeron.ChannelUri;
import io.aeron.Subscription;
import io.aeron.archive.client.AeronArchive;
import io.aeron.archive.client.ControlResponsePoller;
import io.aeron.archive.client.ReplayParams;
import io.aeron.archive.codecs.ControlResponseCode;
import io.aeron.archive.codecs.ControlResponseDecoder;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;

import java.util.ArrayList;

/**
 * Starts Aeron Archive replays that follow a live recording without ever blocking the calling thread, so that a
 * spectator joining does not stall the conductor that serves the players. It has a control session of its own
 * (connected with {@link AeronArchive#asyncConnect(AeronArchive.Context)} on the first request, not shared with the
 * blocking calls of the server's other archive client, whose polls would swallow its responses): each
 * {@link Start} sends its replay request with the {@code ArchiveProxy}, takes the answer from the session's
 * {@link ControlResponsePoller}, then adds the replay's subscription with {@link Aeron#asyncAddSubscription} and
 * checks for it on later polls. The caller polls ({@link #poll(long)}, on its duty cycle) and watches each start's
 * state. A start that gets no answer within the archive client's message timeout fails. Cold path (a start
 * allocates); single-threaded (the server's conductor).
 */
public final class AsyncReplayStarter implements AutoCloseable
{
    private static final int RESPONSE_POLLS = 4;

    private final AeronArchive.Context template;
    private final String replayChannel;
    private final int replayStreamId;
    private final ErrorHandler errors;
    private final ReplayParams params = new ReplayParams();
    private final ArrayList<Start> starts = new ArrayList<>();
    private AeronArchive.AsyncConnect connect;
    private AeronArchive archive;
    private long connectDeadlineNs;

    /**
     * A replay being started: {@link #isDone()} with its session and subscription, or {@link #isFailed()}.
     */
    public static final class Start
    {
        static final int CONNECTING = 0;
        static final int SENT = 1;
        static final int SUBSCRIBING = 2;
        static final int DONE = 3;
        static final int FAILED = 4;

        private final long recordingId;
        private final int roomId;
        private final long delayNs;
        private int state = CONNECTING;
        private long correlationId = Aeron.NULL_VALUE;
        private long replaySessionId;
        private long registrationId;
        private long deadlineNs;
        private Subscription subscription;
        private String failure;

        Start(final long recordingId, final int roomId, final long delayNs)
        {
            this.recordingId = recordingId;
            this.roomId = roomId;
            this.delayNs = delayNs;
        }

        /**
         * @return the room the replay is for.
         */
        public int roomId()
        {
            return roomId;
        }

        /**
         * @return the spectator delay the replay is for.
         */
        public long delayNs()
        {
            return delayNs;
        }

        /**
         * @return true once the replay runs and its subscription is there.
         */
        public boolean isDone()
        {
            return DONE == state;
        }

        /**
         * @return true when the replay could not be started ({@link #failure()} says why).
         */
        public boolean isFailed()
        {
            return FAILED == state;
        }

        /**
         * @return why it failed, or null.
         */
        public String failure()
        {
            return failure;
        }

        /**
         * @return the replay's session id (valid once done).
         */
        public long replaySessionId()
        {
            return replaySessionId;
        }

        /**
         * @return the subscription to the replay's session (valid once done; the caller owns it).
         */
        public Subscription subscription()
        {
            return subscription;
        }
    }

    /**
     * @param template       an archive client context not yet concluded, cloned for each connection.
     * @param replayChannel  where the archive sends the replays.
     * @param replayStreamId the replays' stream id.
     * @param errors         told about failed connections and starts.
     */
    public AsyncReplayStarter(
        final AeronArchive.Context template,
        final String replayChannel,
        final int replayStreamId,
        final ErrorHandler errors)
    {
        this.template = template;
        this.replayChannel = replayChannel;
        this.replayStreamId = replayStreamId;
        this.errors = errors;
    }

    /**
     * Ask for a replay of a recording from its start, following it while it is live. Does not block.
     *
     * @param recordingId the recording.
     * @param roomId      the room it is for (kept with the start).
     * @param delayNs     the delay it is for (kept with the start).
     * @param nowNs       the caller's clock.
     * @return the start, to watch.
     */
    public Start start(final long recordingId, final int roomId, final long delayNs, final long nowNs)
    {
        final Start start = new Start(recordingId, roomId, delayNs);
        start.deadlineNs = nowNs + template.messageTimeoutNs();
        starts.add(start);
        return start;
    }

    /**
     * Advance the connection and the starts.
     *
     * @param nowNs the caller's clock.
     * @return work count.
     */
    public int poll(final long nowNs)
    {
        if (null == archive)
        {
            if (starts.isEmpty())
            {
                return 0;
            }
            return connect(nowNs);
        }
        int work = 0;
        final ControlResponsePoller poller = archive.controlResponsePoller();
        for (int i = 0; i < RESPONSE_POLLS; i++)
        {
            final int fragments = poller.poll();
            if (0 == fragments)
            {
                break;
            }
            work += fragments;
            if (poller.isPollComplete() && poller.controlSessionId() == archive.controlSessionId() &&
                ControlResponseDecoder.TEMPLATE_ID == poller.templateId())
            {
                onResponse(poller);
            }
        }
        for (int i = starts.size() - 1; i >= 0; i--)
        {
            final Start start = starts.get(i);
            work += advance(start, nowNs);
            if (start.isDone() || start.isFailed())
            {
                starts.remove(i);
            }
        }
        return work;
    }

    private int connect(final long nowNs)
    {
        try
        {
            if (null == connect)
            {
                connect = AeronArchive.asyncConnect(template.clone());
                connectDeadlineNs = nowNs + template.messageTimeoutNs();
            }
            archive = connect.poll();
            if (null != archive)
            {
                connect = null;
                return 1;
            }
            if (nowNs - connectDeadlineNs > 0)
            {
                throw new IllegalStateException("archive connect timed out in state " + connect.state());
            }
            return 0;
        }
        catch (final RuntimeException ex)
        {
            errors.onError(ex);
            CloseHelper.quietClose(connect);
            connect = null;
            for (final Start start : starts)
            {
                fail(start, "archive connect failed: " + ex.getMessage());
            }
            starts.clear();
            return 1;
        }
    }

    private int advance(final Start start, final long nowNs)
    {
        switch (start.state)
        {
            case Start.CONNECTING:
                start.correlationId = archive.context().aeron().nextCorrelationId();
                params.reset().length(AeronArchive.REPLAY_ALL_AND_FOLLOW);
                if (archive.archiveProxy().replay(start.recordingId, replayChannel, replayStreamId, params,
                    start.correlationId, archive.controlSessionId()))
                {
                    start.state = Start.SENT;
                    start.deadlineNs = nowNs + template.messageTimeoutNs();
                    return 1;
                }
                break;

            case Start.SENT:
                break;

            case Start.SUBSCRIBING:
                try
                {
                    final Subscription subscription = archive.context().aeron().getSubscription(start.registrationId);
                    if (null != subscription)
                    {
                        start.subscription = subscription;
                        start.state = Start.DONE;
                        return 1;
                    }
                }
                catch (final RuntimeException ex)
                {
                    errors.onError(ex);
                    stopReplay(start.replaySessionId);
                    fail(start, "replay subscription failed: " + ex.getMessage());
                    return 1;
                }
                break;

            default:
                return 0;
        }
        if (nowNs - start.deadlineNs > 0)
        {
            if (Start.SUBSCRIBING == start.state)
            {
                stopReplay(start.replaySessionId);
            }
            fail(start, "no answer from the archive within its message timeout");
            return 1;
        }
        return 0;
    }

    private void onResponse(final ControlResponsePoller poller)
    {
        for (int i = 0, n = starts.size(); i < n; i++)
        {
            final Start start = starts.get(i);
            if (Start.SENT == start.state && start.correlationId == poller.correlationId())
            {
                if (ControlResponseCode.OK == poller.code())
                {
                    start.replaySessionId = poller.relevantId();
                    start.registrationId = archive.context().aeron().asyncAddSubscription(
                        ChannelUri.addSessionId(replayChannel, (int)start.replaySessionId), replayStreamId);
                    start.state = Start.SUBSCRIBING;
                }
                else
                {
                    fail(start, "archive refused the replay: " + poller.errorMessage());
                }
                return;
            }
        }
    }

    private static void fail(final Start start, final String why)
    {
        start.failure = why;
        start.state = Start.FAILED;
    }

    /**
     * Stop a replay this starter started, without waiting for the archive's answer.
     *
     * @param replaySessionId the replay's session.
     */
    public void stopReplay(final long replaySessionId)
    {
        if (null != archive)
        {
            archive.archiveProxy().stopReplay(
                replaySessionId, archive.context().aeron().nextCorrelationId(), archive.controlSessionId());
        }
    }

    /**
     * @return the control session's archive client, or null before it connected.
     */
    public AeronArchive archive()
    {
        return archive;
    }

    /**
     * Close the control session (the replays it started end with it). Cold path.
     */
    public void close()
    {
        CloseHelper.quietCloseAll(connect, archive);
        connect = null;
        archive = null;
        starts.clear();
    }
}
