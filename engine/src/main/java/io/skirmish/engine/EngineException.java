package io.skirmish.engine;

/**
 * An error raised by the engine, with a category as in Aeron's {@code AeronException}. Expected network conditions
 * are never exceptions; they are {@link SendResult} codes or counters.
 */
public class EngineException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /** How bad an error is. */
    public enum Category
    {
        /** The engine cannot continue. */
        FATAL,
        /** An operation failed; the engine continues. */
        ERROR,
        /** Something unexpected but harmless. */
        WARN
    }

    /** How bad the error is. */
    private final Category category;

    /**
     * @param message  describing the error.
     * @param category how bad it is.
     */
    public EngineException(final String message, final Category category)
    {
        super(message);
        this.category = category;
    }

    /**
     * @param message  describing the error.
     * @param cause    of the error.
     * @param category how bad it is.
     */
    public EngineException(final String message, final Throwable cause, final Category category)
    {
        super(message, cause);
        this.category = category;
    }

    /**
     * @return the category.
     */
    public Category category()
    {
        return category;
    }
}
