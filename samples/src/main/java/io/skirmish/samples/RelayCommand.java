package io.skirmish.samples;

import io.skirmish.engine.sim.NetworkSimulator;
import io.skirmish.engine.sim.UdpRelay;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SystemNanoClock;

import java.util.concurrent.TimeUnit;

/**
 * Scenario: a NAT-like UDP relay in front of a server, optionally with a simulated network. It listens on
 * {@code port} and {@code port + 1} and forwards to the target's {@code port} and {@code port + 1}, from a fresh
 * source port per client, as a NAT does; clients pointed at the relay reach the server only through it.
 * <pre>
 *   java -jar skirmish-demo.jar relay --listen 127.0.0.1:40200 --target 127.0.0.1:40123 \
 *       [--latency MS] [--jitter MS] [--loss PCT] [--dup PCT] [--reorder PCT] [--duration S]
 *   java -jar skirmish-demo.jar bots --server 127.0.0.1:40200 --count 8 --duration 20 --summary
 * </pre>
 */
public final class RelayCommand
{
    private RelayCommand()
    {
    }

    /**
     * Run the relay from the command line.
     *
     * @param args the subcommand's arguments.
     */
    public static void main(final String[] args)
    {
        System.exit(run(CommandLine.parse(ServerCommand.prepend("relay", args))));
    }

    /**
     * @param line the parsed command line.
     * @return exit code.
     */
    public static int run(final CommandLine line)
    {
        final String listen = line.required("listen");
        final String target = line.required("target");
        final SimulatorOptions simulatorOptions = SimulatorOptions.from(line, SampleConfiguration.SEED);
        final long durationNs = line.durationNs("duration", Long.MAX_VALUE);
        line.checkAllUsed();

        final String listenHost = CommandLine.host(listen);
        final int listenPort = CommandLine.port(listen);
        final String targetHost = CommandLine.host(target);
        final int targetPort = CommandLine.port(target);
        final NetworkSimulator simulator = simulatorOptions.newSimulator(0);
        final UdpRelay relay = new UdpRelay(listenHost, "0.0.0.0", simulator, SystemNanoClock.INSTANCE);
        relay.addRoute(listenPort, targetHost, targetPort);
        relay.addRoute(listenPort + 1, targetHost, targetPort + 1);

        final Shutdown shutdown = Shutdown.register();
        try (AgentRunner runner = new AgentRunner(
            SampleConfiguration.idleStrategy(),
            Throwable::printStackTrace,
            null,
            relay))
        {
            AgentRunner.startOnThread(runner);
            System.out.printf("relay %s:%d,%d -> %s:%d,%d  network: %s; Ctrl-C to stop%n",
                listenHost, listenPort, listenPort + 1, targetHost, targetPort, targetPort + 1,
                io.skirmish.samples.client.ArenaClient.describe(simulator));
            final long startNs = System.nanoTime();
            while (!shutdown.await(Math.min(TimeUnit.SECONDS.toNanos(5), durationNs)) &&
                System.nanoTime() - startNs < durationNs)
            {
                System.out.printf("sent %d  lost %d  duplicated %d  reordered %d  in flight %d%n",
                    simulator.packetsSent(), simulator.packetsLost(), simulator.packetsDuplicated(),
                    simulator.packetsReordered(), simulator.inFlight());
            }
        }
        finally
        {
            shutdown.done();
        }
        return 0;
    }
}
