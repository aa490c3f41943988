package io.skirmish.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The meters of one room tag: a tagged room's own ({@code room="<id>"}), the aggregate of the rooms beyond the limit
 * ({@code room="other"}), or the sessions in no room ({@code room="none"}, RTT only). Sampler thread only.
 */
final class RoomMeters
{
    final String tag;
    final AtomicLong members = new AtomicLong();
    final Timer tickTime;
    final Timer rtt;
    private final Gauge membersGauge;

    RoomMeters(final MeterRegistry registry, final String tag, final boolean ticks)
    {
        this.tag = tag;
        final Tags tags = Tags.of(ServerMetrics.ROOM_TAG, tag);
        membersGauge = ticks ? Gauge.builder(ServerMetrics.ROOM_MEMBERS, members, AtomicLong::get)
            .description("members of the room (of all rooms beyond the tagged ones for room=other)")
            .tags(tags).register(registry) : null;
        tickTime = ticks ? Timer.builder(ServerMetrics.ROOM_TICK)
            .description("how long the room listener's onTick ran, each tick")
            .tags(tags)
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(1_000))
            .maximumExpectedValue(Duration.ofSeconds(1))
            .register(registry) : null;
        rtt = Timer.builder(ServerMetrics.SESSION_RTT)
            .description("round-trip time of the room's members (sessions in no room: room=none), each sample")
            .tags(tags)
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(50_000))
            .maximumExpectedValue(Duration.ofSeconds(10))
            .register(registry);
    }

    /**
     * Take this tag's meters out of the registry (a tagged room that closed).
     */
    void remove(final MeterRegistry registry)
    {
        if (null != membersGauge)
        {
            registry.remove(membersGauge);
        }
        if (null != tickTime)
        {
            registry.remove(tickTime);
        }
        registry.remove(rtt);
    }
}
