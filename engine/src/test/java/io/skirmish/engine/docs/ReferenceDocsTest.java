package io.skirmish.engine.docs;

import io.skirmish.engine.CommonContext;
import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.client.GameClient;
import io.skirmish.engine.protocol.FrameType;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.server.RoomOptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Keeps the reference pages in {@code docs/} complete as the engine grows: every frame diagram, every setting, every
 * system property and every counter must be documented. Each failure names what is missing and where it belongs.
 */
class ReferenceDocsTest
{
    private static final Path DOCS = Path.of("../docs");
    private static final Path PROTOCOL_SOURCES = Path.of("src/main/java/io/skirmish/engine/protocol");
    private static final Pattern PRE_BLOCK = Pattern.compile("<pre>\\n(.*?)\\n \\* </pre>", Pattern.DOTALL);

    @Test
    void wireFormatShouldShowEveryFlyweightDiagramVerbatim() throws IOException
    {
        final String doc = Files.readString(DOCS.resolve("WIRE-FORMAT.md"));
        final List<String> missing = new ArrayList<>();
        try (Stream<Path> files = Files.list(PROTOCOL_SOURCES))
        {
            for (final Path file : (Iterable<Path>)files.sorted()::iterator)
            {
                if (!file.getFileName().toString().endsWith("Flyweight.java"))
                {
                    continue;
                }
                final Matcher matcher = PRE_BLOCK.matcher(Files.readString(file));
                if (!matcher.find())
                {
                    missing.add(file.getFileName() + " (its class Javadoc has no <pre> diagram)");
                    continue;
                }
                final StringBuilder diagram = new StringBuilder();
                for (final String line : matcher.group(1).split("\n", -1))
                {
                    diagram.append(line.startsWith(" * ") ? line.substring(3) : line.substring(2)).append('\n');
                }
                if (!doc.contains("```text\n" + diagram + "```"))
                {
                    missing.add(file.getFileName() + ":\n" + diagram);
                }
            }
        }
        assertEquals(List.of(), missing,
            "docs/WIRE-FORMAT.md must show each flyweight's <pre> diagram verbatim in a ```text block");
    }

    @Test
    void wireFormatShouldListEveryFrameType() throws IOException, IllegalAccessException
    {
        final String doc = Files.readString(DOCS.resolve("WIRE-FORMAT.md"));
        final List<String> missing = new ArrayList<>();
        for (final Field field : FrameType.class.getFields())
        {
            if (field.getType() == int.class && !"MAX_TYPE".equals(field.getName()) &&
                !doc.contains("| " + field.getInt(null) + " | `" + field.getName() + "` |"))
            {
                missing.add(field.getName());
            }
        }
        assertEquals(List.of(), missing, "docs/WIRE-FORMAT.md must list these frame types in its frame-type table");
    }

    @Test
    void configurationShouldDocumentEverySettingAndSystemProperty() throws IOException, IllegalAccessException
    {
        final String doc = Files.readString(DOCS.resolve("configuration.md"));
        final TreeSet<String> missing = new TreeSet<>();
        for (final Class<?> settings : List.of(GameServer.Context.class, GameClient.Context.class, RoomOptions.class))
        {
            for (final Method method : settings.getMethods())
            {
                final boolean setter = method.getReturnType() == settings ||
                    (method.getDeclaringClass() == CommonContext.class && method.getReturnType() == CommonContext.class);
                if (Modifier.isPublic(method.getModifiers()) && setter && !method.isBridge() &&
                    method.getParameterCount() > 0 && !doc.contains("`" + method.getName() + "("))
                {
                    missing.add(settings.getName() + "#" + method.getName());
                }
            }
        }
        for (final Class<?> configuration : List.of(GameServer.Configuration.class, GameClient.Configuration.class))
        {
            for (final Field field : configuration.getFields())
            {
                if (field.getName().endsWith("_PROP_NAME") && !doc.contains("`" + field.get(null) + "`"))
                {
                    missing.add(configuration.getName() + "." + field.getName() + " = " + field.get(null));
                }
            }
        }
        assertEquals(List.of(), List.copyOf(missing),
            "docs/configuration.md must document these settings (as `name(`) and system properties (as `name`)");
    }

    @Test
    void operationsShouldListEveryCounter() throws IOException
    {
        final String doc = Files.readString(DOCS.resolve("operations.md"));
        final List<String> missing = new ArrayList<>();
        for (final EngineCounter counter : EngineCounter.values())
        {
            if (!doc.contains("| " + counter.typeId() + " | `" + counter.name() + "` | " + counter.label() + " |"))
            {
                missing.add(counter.typeId() + " " + counter.name() + " \"" + counter.label() + "\"");
            }
        }
        assertEquals(List.of(), missing, "docs/operations.md must list these counters in its counter table");
    }
}
