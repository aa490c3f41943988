package io.skirmish.benchmarks.rig;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.skirmish.engine.server.GameServer;
import io.skirmish.metrics.ServerMetrics;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The metrics a deployed server would carry, for a benchmark to measure their cost: {@link ServerMetrics} bound to a
 * Prometheus registry and sampling once a second (its task runs on the server's conductor), and a thread of its own
 * that scrapes the registry once a second, as Prometheus would. Both threads sleep in between.
 */
public final class ScrapedMetrics implements AutoCloseable
{
    private final ServerMetrics metrics;
    private final PrometheusMeterRegistry registry;
    private final Thread scraper;
    private final AtomicLong scrapes = new AtomicLong();
    private final AtomicLong scrapedBytes = new AtomicLong();
    private volatile boolean running = true;

    /**
     * @param server the server to measure.
     */
    public ScrapedMetrics(final GameServer server)
    {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        metrics = new ServerMetrics(new ServerMetrics.Context().server(server));
        metrics.bindTo(registry);
        metrics.start();
        scraper = new Thread(() ->
        {
            while (running)
            {
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1)); // Prometheus' scrape interval, shortened
                if (running)
                {
                    scrapedBytes.addAndGet(registry.scrape().length());
                    scrapes.incrementAndGet();
                }
            }
        }, "benchmark-scraper");
        scraper.setDaemon(true);
        scraper.start();
    }

    /**
     * @return scrapes so far.
     */
    public long scrapes()
    {
        return scrapes.get();
    }

    /**
     * Stop sampling and scraping; fails when nothing was scraped or the sampler timed out, so a run whose metrics
     * did not work cannot pass for one with metrics.
     */
    public void close()
    {
        running = false;
        LockSupport.unpark(scraper);
        try
        {
            scraper.join(5_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        metrics.close();
        final double samples = registry.get("skirmish.metrics.samples").counter().count();
        if (0 == scrapes.get() || 0 == samples)
        {
            throw new IllegalStateException("metrics did not run: scrapes=" + scrapes.get() + " samples=" + samples);
        }
    }
}
