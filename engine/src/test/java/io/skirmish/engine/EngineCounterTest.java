package io.skirmish.engine;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Counter type ids are what {@code AeronStat} readers and dashboards key on: each is an explicit constant, unique,
 * in the engine's range, and not the per-room counters' id. (Their values are pinned by docs/operations.md through
 * {@code ReferenceDocsTest}.)
 */
class EngineCounterTest
{
    @Test
    void shouldGiveEveryCounterItsOwnTypeIdInTheEngineRange()
    {
        final Set<Integer> ids = new HashSet<>();
        for (final EngineCounter counter : EngineCounter.values())
        {
            assertTrue(ids.add(counter.typeId()), "duplicate type id " + counter.typeId() + " for " + counter);
            assertTrue(counter.typeId() >= EngineCounter.TYPE_ID_BASE, counter.toString());
            assertTrue(counter.typeId() != EngineCounter.ROOM_OLDEST_RETAINED_SEQ_TYPE_ID, counter.toString());
        }
        assertEquals(EngineCounter.values().length, ids.size());
        assertEquals(4100, EngineCounter.SESSIONS_ACTIVE.typeId());
        assertEquals(4141, EngineCounter.LANE_REBINDS.typeId());
    }
}
