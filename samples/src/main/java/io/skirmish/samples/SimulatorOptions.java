package io.skirmish.samples;

import io.skirmish.engine.sim.NetworkSimulator;

/**
 * The simulated-network options shared by the subcommands: {@code --latency MS --jitter MS --loss PCT --dup PCT
 * --reorder PCT --sim-seed N}.
 */
public final class SimulatorOptions
{
    /** One-way latency in ms. */
    public final double latencyMs;
    /** Jitter in ms. */
    public final double jitterMs;
    /** Loss in percent. */
    public final double lossPercent;
    /** Duplication in percent. */
    public final double duplicatePercent;
    /** Reordering in percent. */
    public final double reorderPercent;
    /** Seed of the first simulator. */
    public final long seed;
    /** True when any option was given. */
    public final boolean given;

    private SimulatorOptions(final CommandLine line, final long defaultSeed)
    {
        given = line.has("latency") || line.has("jitter") || line.has("loss") || line.has("dup") ||
            line.has("reorder");
        latencyMs = line.doubleValue("latency", 0);
        jitterMs = line.doubleValue("jitter", 0);
        lossPercent = line.doubleValue("loss", 0);
        duplicatePercent = line.doubleValue("dup", 0);
        reorderPercent = line.doubleValue("reorder", 0);
        seed = Long.parseLong(line.string("sim-seed", Long.toString(defaultSeed)));
    }

    /**
     * @param line        the command line.
     * @param defaultSeed seed when {@code --sim-seed} is not given.
     * @return the options.
     */
    public static SimulatorOptions from(final CommandLine line, final long defaultSeed)
    {
        return new SimulatorOptions(line, defaultSeed);
    }

    /**
     * @param index which simulator (its seed is {@code seed + index}).
     * @return a new simulator with these settings.
     */
    public NetworkSimulator newSimulator(final int index)
    {
        return new NetworkSimulator(seed + index)
            .latencyMs(latencyMs)
            .jitterMs(jitterMs)
            .lossPercent(lossPercent)
            .duplicatePercent(duplicatePercent)
            .reorderPercent(reorderPercent);
    }
}
