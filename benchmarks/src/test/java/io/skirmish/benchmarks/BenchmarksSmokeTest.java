package io.skirmish.benchmarks;

import io.skirmish.benchmarks.rig.FanOutRig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps the benchmarks compiling and running in {@code mvn verify} without running them for real: one benchmark,
 * {@link RoomFanOutBenchmark} with a room of 8, in this JVM (no fork), no warm-up, one 200 ms measurement, for
 * the engine and both KryoNet modes. It also proves that KryoNet runs on the engine's Kryo 5. And the round trip
 * once with the metrics module sampled and scraped, long enough for a scrape.
 */
class BenchmarksSmokeTest
{
    @Test
    @Timeout(120)
    void shouldRunRoomFanOutForEngineAndKryoNet() throws RunnerException
    {
        final Collection<RunResult> results = new Runner(new OptionsBuilder()
            .include(Pattern.quote(RoomFanOutBenchmark.class.getName()) + "\\.broadcast")
            .param("members", "8")
            .forks(0)
            .warmupIterations(0)
            .measurementIterations(1)
            .measurementTime(TimeValue.milliseconds(200))
            .shouldFailOnError(true)
            .verbosity(VerboseMode.SILENT)
            .build()).run();

        assertEquals(FanOutRig.Impl.values().length, results.size());
        final Set<FanOutRig.Impl> seen = EnumSet.noneOf(FanOutRig.Impl.class);
        for (final RunResult result : results)
        {
            final FanOutRig.Impl impl = FanOutRig.Impl.valueOf(result.getParams().getParam("impl"));
            seen.add(impl);
            final Result<?> events = result.getPrimaryResult();
            final Result<?> deliveries = result.getSecondaryResults().get("deliveries");
            assertTrue(events.getScore() > 0, impl + " sent no events");
            assertTrue(null != deliveries && deliveries.getScore() > 0, impl + " delivered nothing");
        }
        assertEquals(EnumSet.allOf(FanOutRig.Impl.class), seen);
    }

    @Test
    @Timeout(120)
    void shouldRunTheRoundTripWithScrapedMetrics() throws RunnerException
    {
        final Collection<RunResult> results = new Runner(new OptionsBuilder()
            .include(Pattern.quote(EventRoundTripBenchmark.class.getName()) + "\\.roundTrip")
            .param("impl", "ENGINE")
            .param("threading", "SINGLE_THREAD")
            .param("payloadLength", "32")
            .param("scrapedMetrics", "true")
            .forks(0)
            .warmupIterations(0)
            .measurementIterations(1)
            .measurementTime(TimeValue.milliseconds(1500))
            .shouldFailOnError(true)
            .verbosity(VerboseMode.SILENT)
            .build()).run();

        // the trial's teardown fails it when the sampler or the 1 Hz scraper did not run
        assertEquals(1, results.size());
        assertTrue(results.iterator().next().getPrimaryResult().getSampleCount() > 0);
    }
}
