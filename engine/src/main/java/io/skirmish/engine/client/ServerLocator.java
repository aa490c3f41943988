package io.skirmish.engine.client;

import io.skirmish.engine.DisconnectReason;

/**
 * Where a session went when its server no longer answers its resume, or refuses it: the game implements it by asking
 * its backend (which asks the room directory where the session's room is now), and the client resumes there, with
 * the same session id, resume secret and session key, as a resume on the old server would. Set with
 * {@code GameClient.Context#serverLocator(ServerLocator)}.
 * <p>
 * Called on the thread that drives the client (the one calling {@code GameClient.poll()} in {@code INVOKER} mode,
 * the client's agent thread otherwise), so it must not block: ask the backend asynchronously and answer false until
 * the answer is in. It is asked each time a resume attempt went unanswered (about once a second, or a third of the
 * connect timeout when that is longer: {@link DisconnectReason#TIMED_OUT}) and when a server refused the resume
 * ({@link DisconnectReason#RESUME_REJECTED}, before the {@link ResumeFallback}), for as long as the resume window
 * lasts.
 */
@FunctionalInterface
public interface ServerLocator
{
    /**
     * The resume is not getting through: is the session somewhere else now?
     *
     * @param sessionId the session being resumed.
     * @param server    the server it was resuming on, {@code host:port}.
     * @param reason    {@link DisconnectReason#TIMED_OUT} for an unanswered attempt,
     *                  {@link DisconnectReason#RESUME_REJECTED} for a refusal.
     * @param move      where to say the new server is.
     * @return true when {@code move} was given a server: the client resumes there at once; false to go on as
     * before.
     */
    boolean locate(int sessionId, String server, DisconnectReason reason, Move move);

    /**
     * The server a session moved to.
     */
    final class Move
    {
        String server;
        String responseEndpoint;

        void clear()
        {
            server = null;
            responseEndpoint = null;
        }

        /**
         * @param hostAndPort the new server's request endpoint {@code host:port}; its response endpoint is
         *                    {@code host:port+1}.
         */
        public void server(final String hostAndPort)
        {
            server(hostAndPort, null);
        }

        /**
         * @param hostAndPort      the new server's request endpoint {@code host:port}.
         * @param responseEndpoint its response endpoint, when not request port + 1 (e.g. through a relay).
         */
        public void server(final String hostAndPort, final String responseEndpoint)
        {
            final int colon = hostAndPort.lastIndexOf(':');
            if (colon <= 0)
            {
                throw new IllegalArgumentException("server must be host:port: " + hostAndPort);
            }
            this.server = hostAndPort;
            this.responseEndpoint = null != responseEndpoint ? responseEndpoint :
                hostAndPort.substring(0, colon) + ":" + (Integer.parseInt(hostAndPort.substring(colon + 1)) + 1);
        }
    }
}
