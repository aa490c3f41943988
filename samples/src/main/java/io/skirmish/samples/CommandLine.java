package io.skirmish.samples;

import org.agrona.SystemUtil;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The demo's command line, parsed by hand: a subcommand followed by {@code --name value} options and
 * {@code --flag} switches. Unknown options are errors, so a typo does not silently fall back to a default.
 */
public final class CommandLine
{
    private final String command;
    private final Map<String, String> options = new HashMap<>();
    private final Set<String> used = new HashSet<>();

    private CommandLine(final String command)
    {
        this.command = command;
    }

    /**
     * Parse.
     *
     * @param args  the arguments; the first, if it does not start with {@code --}, is the subcommand.
     * @param flags names of the options that take no value.
     * @return the parsed command line.
     * @throws IllegalArgumentException on a malformed command line.
     */
    public static CommandLine parse(final String[] args, final String... flags)
    {
        int index = 0;
        final String command = args.length > 0 && !args[0].startsWith("--") ? args[index++] : "";
        final CommandLine line = new CommandLine(command);
        final Set<String> flagNames = Set.of(flags);
        while (index < args.length)
        {
            final String arg = args[index++];
            if (!arg.startsWith("--") || arg.length() < 3)
            {
                throw new IllegalArgumentException("expected an option, got: " + arg);
            }
            final int equals = arg.indexOf('=');
            final String name = equals > 0 ? arg.substring(2, equals) : arg.substring(2);
            final String value;
            if (equals > 0)
            {
                value = arg.substring(equals + 1);
            }
            else if (flagNames.contains(name))
            {
                value = "true";
            }
            else
            {
                if (index >= args.length)
                {
                    throw new IllegalArgumentException("option --" + name + " needs a value");
                }
                value = args[index++];
            }
            line.options.put(name, value);
        }
        return line;
    }

    /**
     * @return the subcommand, empty for none.
     */
    public String command()
    {
        return command;
    }

    /**
     * @param name option name without dashes.
     * @return true when given.
     */
    public boolean has(final String name)
    {
        used.add(name);
        return options.containsKey(name);
    }

    /**
     * @param name         option name without dashes.
     * @param defaultValue when not given.
     * @return the value.
     */
    public String string(final String name, final String defaultValue)
    {
        used.add(name);
        return options.getOrDefault(name, defaultValue);
    }

    /**
     * @param name option name without dashes.
     * @return the value.
     * @throws IllegalArgumentException when not given.
     */
    public String required(final String name)
    {
        used.add(name);
        final String value = options.get(name);
        if (null == value)
        {
            throw new IllegalArgumentException("missing required option --" + name);
        }
        return value;
    }

    /**
     * @param name         option name without dashes.
     * @param defaultValue when not given.
     * @return the value.
     */
    public int intValue(final String name, final int defaultValue)
    {
        final String value = string(name, null);
        try
        {
            return null == value ? defaultValue : Integer.parseInt(value);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("--" + name + " must be an integer: " + value);
        }
    }

    /**
     * @param name         option name without dashes.
     * @param defaultValue when not given.
     * @return the value.
     */
    public double doubleValue(final String name, final double defaultValue)
    {
        final String value = string(name, null);
        try
        {
            return null == value ? defaultValue : Double.parseDouble(value);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("--" + name + " must be a number: " + value);
        }
    }

    /**
     * A duration: a plain number is seconds; a suffix (ms, s, m, ...) as Agrona's {@link SystemUtil#parseDuration}.
     *
     * @param name           option name without dashes.
     * @param defaultValueNs when not given.
     * @return the value in nanoseconds.
     */
    public long durationNs(final String name, final long defaultValueNs)
    {
        final String value = string(name, null);
        if (null == value)
        {
            return defaultValueNs;
        }
        try
        {
            final boolean plainNumber = !value.isEmpty() && Character.isDigit(value.charAt(value.length() - 1));
            return plainNumber ? (long)(Double.parseDouble(value) * 1e9) : SystemUtil.parseDuration(name, value);
        }
        catch (final RuntimeException ex)
        {
            throw new IllegalArgumentException("--" + name + " must be a duration (e.g. 20, 20s, 500ms): " + value);
        }
    }

    /**
     * @param name option name without dashes.
     * @return true when the flag was given (and not set to false).
     */
    public boolean flag(final String name)
    {
        return Boolean.parseBoolean(string(name, "false"));
    }

    /**
     * Fail on options that no part of the command asked for.
     *
     * @throws IllegalArgumentException naming the first unknown option.
     */
    public void checkAllUsed()
    {
        for (final String name : options.keySet())
        {
            if (!used.contains(name))
            {
                throw new IllegalArgumentException("unknown option --" + name + " for " +
                    (command.isEmpty() ? "the demo" : command));
            }
        }
    }

    /**
     * Split {@code host:port}.
     *
     * @param hostAndPort e.g. {@code 127.0.0.1:40123}.
     * @return the host.
     */
    public static String host(final String hostAndPort)
    {
        final int colon = hostAndPort.lastIndexOf(':');
        if (colon <= 0)
        {
            throw new IllegalArgumentException("expected host:port, got: " + hostAndPort);
        }
        return hostAndPort.substring(0, colon);
    }

    /**
     * Split {@code host:port}.
     *
     * @param hostAndPort e.g. {@code 127.0.0.1:40123}.
     * @return the port.
     */
    public static int port(final String hostAndPort)
    {
        final int colon = hostAndPort.lastIndexOf(':');
        try
        {
            final int port = Integer.parseInt(hostAndPort.substring(colon + 1));
            if (colon <= 0 || port < 1 || port > 65534)
            {
                throw new NumberFormatException();
            }
            return port;
        }
        catch (final RuntimeException ex)
        {
            throw new IllegalArgumentException("expected host:port with a port in [1, 65534], got: " + hostAndPort);
        }
    }
}
