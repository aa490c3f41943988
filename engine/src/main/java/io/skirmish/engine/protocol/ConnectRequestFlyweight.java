package io.skirmish.engine.protocol;

import org.agrona.DirectBuffer;

/**
 * CONNECT_REQUEST, client to server on the reliable lane: open a new session, or resume one.
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                       Header (8 bytes)                        |
 *  +---------------------------------------------------------------+
 *  |                        Client Nonce (64)                      |
 *  +---------------------------------------------------------------+
 *  |                   Resume Session Id (32, 0 = new)             |
 *  +---------------------------------------------------------------+
 *  |                     Credentials Length (32)                   |
 *  +---------------------------------------------------------------+
 *  |                        Resume Secret (64)                     |
 *  +---------------------------------------------------------------+
 *  |                    Next Reliable Seq (64)                     |
 *  +---------------------------------------------------------------+
 *  |                     Credentials (connect token)              ...
 * </pre>
 */
public final class ConnectRequestFlyweight extends FrameHeaderFlyweight
{
    /** Offset of the client nonce. */
    public static final int CLIENT_NONCE_OFFSET = 8;
    /** Offset of the session id to resume, 0 for a new session. */
    public static final int RESUME_SESSION_ID_OFFSET = 16;
    /** Offset of the credentials length. */
    public static final int CREDENTIALS_LENGTH_OFFSET = 20;
    /** Offset of the resume secret. */
    public static final int RESUME_SECRET_OFFSET = 24;
    /** Offset of the client's first reliable seq the server has not acknowledged (its next seq when none). */
    public static final int NEXT_RELIABLE_SEQ_OFFSET = 32;
    /** Offset of the credentials bytes. */
    public static final int CREDENTIALS_OFFSET = 40;

    /**
     * @return nonce chosen by the client for this attempt, echoed in the answer.
     */
    public long clientNonce()
    {
        return getLong(CLIENT_NONCE_OFFSET);
    }

    /**
     * @param nonce chosen by the client.
     * @return this for a fluent API.
     */
    public ConnectRequestFlyweight clientNonce(final long nonce)
    {
        putLong(CLIENT_NONCE_OFFSET, nonce);
        return this;
    }

    /**
     * @return session id to resume, or 0 for a new session.
     */
    public int resumeSessionId()
    {
        return getInt(RESUME_SESSION_ID_OFFSET);
    }

    /**
     * @param sessionId to resume, or 0.
     * @return this for a fluent API.
     */
    public ConnectRequestFlyweight resumeSessionId(final int sessionId)
    {
        putInt(RESUME_SESSION_ID_OFFSET, sessionId);
        return this;
    }

    /**
     * @return resume secret handed out at the original accept.
     */
    public long resumeSecret()
    {
        return getLong(RESUME_SECRET_OFFSET);
    }

    /**
     * @param secret resume secret.
     * @return this for a fluent API.
     */
    public ConnectRequestFlyweight resumeSecret(final long secret)
    {
        putLong(RESUME_SECRET_OFFSET, secret);
        return this;
    }

    /**
     * @return the client's first reliable seq not acknowledged to it (a resume into a restarted server's restored
     * session continues exactly from there); its next seq when all are acknowledged; 1 for a new session.
     */
    public long nextReliableSeq()
    {
        return getLong(NEXT_RELIABLE_SEQ_OFFSET);
    }

    /**
     * @param seq the client's first unacknowledged reliable seq.
     * @return this for a fluent API.
     */
    public ConnectRequestFlyweight nextReliableSeq(final long seq)
    {
        putLong(NEXT_RELIABLE_SEQ_OFFSET, seq);
        return this;
    }

    /**
     * @return length of the credentials in bytes as declared (check against {@link #frameLength()}).
     */
    public int credentialsLength()
    {
        return getInt(CREDENTIALS_LENGTH_OFFSET);
    }

    /**
     * Write the credentials and their length.
     *
     * @param src    source buffer.
     * @param srcOffset offset in the source.
     * @param length number of bytes.
     * @return this for a fluent API.
     */
    public ConnectRequestFlyweight credentials(final DirectBuffer src, final int srcOffset, final int length)
    {
        putInt(CREDENTIALS_LENGTH_OFFSET, length);
        if (length > 0)
        {
            mutableBuffer.putBytes(offset + CREDENTIALS_OFFSET, src, srcOffset, length);
        }
        return this;
    }

    /**
     * @return the encoded length of this frame given the declared credentials length.
     */
    public int encodedLength()
    {
        return CREDENTIALS_OFFSET + credentialsLength();
    }

    /**
     * @return true when the declared credentials length fits inside the frame.
     */
    public boolean isCredentialsLengthValid()
    {
        final int length = credentialsLength();
        return length >= 0 && length <= frameLength - CREDENTIALS_OFFSET;
    }
}
