package io.skirmish.engine.transport;

import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.protocol.FrameHeaderFlyweight;

/**
 * Which counter a frame that failed {@link FrameHeaderFlyweight#validate} is dropped under, for both sides.
 */
public final class FrameCheck
{
    private FrameCheck()
    {
    }

    /**
     * @param validationResult a result of {@link FrameHeaderFlyweight#validate} other than
     *                         {@link FrameHeaderFlyweight#VALID}.
     * @return the drop counter for it.
     */
    public static EngineCounter dropCounter(final int validationResult)
    {
        switch (validationResult)
        {
            case FrameHeaderFlyweight.BAD_VERSION:
                return EngineCounter.DROPPED_BAD_VERSION;
            case FrameHeaderFlyweight.UNKNOWN_TYPE:
                return EngineCounter.DROPPED_UNKNOWN_TYPE;
            default:
                return EngineCounter.DROPPED_MALFORMED;
        }
    }
}
