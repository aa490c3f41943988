package io.skirmish.benchmarks.load;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One report line between a child and the coordinator: a tag starting with {@code @} and {@code key=value} pairs
 * separated by spaces (values have no spaces). Built by the child, parsed by the coordinator.
 */
public final class Report
{
    private final String tag;
    private final Map<String, String> values = new LinkedHashMap<>();

    /**
     * @param tag such as {@code @RESULT}.
     */
    public Report(final String tag)
    {
        this.tag = tag;
    }

    /**
     * @param line a line as {@link #toString()} writes it.
     * @return the parsed report.
     */
    public static Report parse(final String line)
    {
        final String[] parts = line.trim().split(" +");
        final Report report = new Report(parts[0]);
        for (int i = 1; i < parts.length; i++)
        {
            final int equals = parts[i].indexOf('=');
            if (equals > 0)
            {
                report.values.put(parts[i].substring(0, equals), parts[i].substring(equals + 1));
            }
        }
        return report;
    }

    /**
     * @param key   a name without spaces.
     * @param value its value.
     * @return this.
     */
    public Report put(final String key, final long value)
    {
        values.put(key, Long.toString(value));
        return this;
    }

    /**
     * @param key   a name without spaces.
     * @param value its value, written with 3 decimals.
     * @return this.
     */
    public Report put(final String key, final double value)
    {
        values.put(key, String.format(Locale.ROOT, "%.3f", value));
        return this;
    }

    /**
     * @param key   a name without spaces.
     * @param value its value; spaces become underscores.
     * @return this.
     */
    public Report put(final String key, final String value)
    {
        values.put(key, String.valueOf(value).replace(' ', '_'));
        return this;
    }

    /**
     * @param other another report.
     * @return this, with the other's values whose keys this does not have.
     */
    public Report merge(final Report other)
    {
        other.values.forEach(values::putIfAbsent);
        return this;
    }

    /**
     * @return the tag.
     */
    public String tag()
    {
        return tag;
    }

    /**
     * @param key          a name.
     * @param defaultValue when absent or not a number.
     * @return the value.
     */
    public double number(final String key, final double defaultValue)
    {
        try
        {
            final String value = values.get(key);
            return null == value ? defaultValue : Double.parseDouble(value);
        }
        catch (final NumberFormatException ex)
        {
            return defaultValue;
        }
    }

    /**
     * @param key          a name.
     * @param defaultValue when absent.
     * @return the value.
     */
    public String text(final String key, final String defaultValue)
    {
        return values.getOrDefault(key, defaultValue);
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        final StringBuilder line = new StringBuilder(tag);
        values.forEach((key, value) -> line.append(' ').append(key).append('=').append(value));
        return line.toString();
    }
}
