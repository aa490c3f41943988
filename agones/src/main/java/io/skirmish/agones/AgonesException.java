package io.skirmish.agones;

/**
 * A call to the Agones SDK server failed: it answered an error (its HTTP status is kept), or it could not be reached
 * after every attempt.
 */
public final class AgonesException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final int status;

    AgonesException(final String message, final int status)
    {
        super(message);
        this.status = status;
    }

    AgonesException(final String message, final Throwable cause)
    {
        super(message, cause);
        this.status = 0;
    }

    /**
     * @return the HTTP status the SDK server answered, 0 when it was not reached.
     */
    public int status()
    {
        return status;
    }
}
