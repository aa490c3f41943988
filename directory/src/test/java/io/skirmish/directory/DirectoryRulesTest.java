package io.skirmish.directory;

import io.skirmish.directory.service.DirectoryCounter;
import io.skirmish.directory.server.RoomServerLink;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The house rules of the engine's {@code ArchitectureRulesTest} and {@code ReferenceDocsTest}, for the directory
 * module: which package may import which, file and name rules, a package-info per package, and the reference pages
 * (every flyweight's diagram in docs/WIRE-FORMAT.md, every setting in docs/configuration.md, every counter in
 * docs/operations.md).
 */
class DirectoryRulesTest
{
    private static final Path SOURCES = Path.of("src/main/java/io/skirmish/directory");
    private static final Path DOCS = Path.of("../docs");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?([\\w.]+)\\s*;", Pattern.MULTILINE);
    private static final Pattern PRE_BLOCK = Pattern.compile("<pre>\\n(.*?)\\n \\* </pre>", Pattern.DOTALL);

    /** Per package ("" the root): what it may import besides the JDK and Agrona. */
    private static final Map<String, Set<String>> MAY_USE = Map.of(
        "protocol", Set.of(),
        "service", Set.of("io.skirmish.directory.protocol.", "io.skirmish.engine.EngineException", "io.aeron."),
        "", Set.of("io.skirmish.directory.protocol.", "io.skirmish.directory.service.DirectoryService",
            "io.skirmish.directory.service.DirectoryAuthenticator", "io.skirmish.directory.service.DirectoryCounter",
            "io.skirmish.engine.EngineException", "io.skirmish.engine.security.ConnectTokens", "io.aeron."),
        "server", Set.of("io.skirmish.directory.DirectoryReporter", "io.skirmish.directory.ReporterListener",
            "io.skirmish.directory.Seat", "io.skirmish.engine.", "io.aeron."));

    @Test
    void packagesShouldImportOnlyWhatTheyMay() throws IOException
    {
        final List<String> broken = new ArrayList<>();
        for (final Path file : sources())
        {
            final String pkg = packageOf(file);
            final Matcher matcher = IMPORT.matcher(Files.readString(file));
            while (matcher.find())
            {
                final String imported = matcher.group(1);
                if (!imported.startsWith("java.") && !imported.startsWith("org.agrona.") &&
                    !imported.startsWith("io.skirmish.directory." + (pkg.isEmpty() ? "" : pkg + ".")) &&
                    MAY_USE.get(pkg).stream().noneMatch(imported::startsWith))
                {
                    broken.add(SOURCES.relativize(file) + " imports " + imported);
                }
            }
        }
        assertEquals(List.of(), broken, "directory package rules (docs/directory.md, \"Code\")");
    }

    @Test
    void sourcesShouldKeepTheHouseRules() throws IOException
    {
        final List<String> broken = new ArrayList<>();
        for (final Path file : sources())
        {
            final String text = Files.readString(file);
            final String code = text.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "")
                .replaceAll("\"(?:\\\\.|[^\"\\\\])*\"", "\"\"").replaceAll("(?m)^(?:import|package) [^\n]*\n", "");
            final Matcher inline = Pattern.compile("(?<![\\w.\"])(?:io\\.aeron|org\\.agrona|io\\.skirmish|java\\.util)" +
                "\\.[\\w.]*[A-Z]\\w*").matcher(code);
            while (inline.find())
            {
                broken.add(SOURCES.relativize(file) + ": inline fully-qualified name " + inline.group());
            }
            if (text.lines().count() > 700 && !text.contains("class Context"))
            {
                broken.add(SOURCES.relativize(file) + ": over 700 lines");
            }
            if (code.contains("Thread.onSpinWait") || code.contains("ForTest"))
            {
                broken.add(SOURCES.relativize(file) + ": a spin or a test seam");
            }
        }
        for (final String pkg : MAY_USE.keySet())
        {
            if (!Files.exists(SOURCES.resolve(pkg).resolve("package-info.java")))
            {
                broken.add(pkg + ": no package-info.java");
            }
        }
        assertEquals(List.of(), broken, "house rules");
    }

    @Test
    void wireFormatShouldShowEveryDirectoryFlyweightDiagramVerbatim() throws IOException
    {
        final String doc = Files.readString(DOCS.resolve("WIRE-FORMAT.md"));
        final List<String> missing = new ArrayList<>();
        try (Stream<Path> files = Files.list(SOURCES.resolve("protocol")))
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
                    missing.add(file.getFileName() + " (no <pre> diagram)");
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
        assertEquals(List.of(), missing, "docs/WIRE-FORMAT.md must show each directory flyweight's diagram verbatim");
    }

    @Test
    void configurationShouldDocumentEverySettingAndProperty() throws IOException, IllegalAccessException
    {
        final String doc = Files.readString(DOCS.resolve("configuration.md"));
        final TreeSet<String> missing = new TreeSet<>();
        for (final Class<?> settings : List.of(
            DirectoryNode.Context.class, DirectoryClient.Context.class, DirectoryReporter.Context.class,
            RoomServerLink.Context.class))
        {
            for (final Method method : settings.getMethods())
            {
                if (Modifier.isPublic(method.getModifiers()) && method.getReturnType() == settings &&
                    method.getParameterCount() > 0 && !doc.contains("`" + method.getName() + "("))
                {
                    missing.add(settings.getName() + "#" + method.getName());
                }
            }
        }
        for (final Field field : DirectoryNode.Configuration.class.getFields())
        {
            if (field.getName().endsWith("_PROP_NAME") && !doc.contains("`" + field.get(null) + "`"))
            {
                missing.add(field.getName() + " = " + field.get(null));
            }
        }
        assertEquals(List.of(), List.copyOf(missing), "docs/configuration.md must document these");
    }

    @Test
    void operationsShouldListEveryDirectoryCounter() throws IOException
    {
        final String doc = Files.readString(DOCS.resolve("operations.md"));
        final List<String> missing = new ArrayList<>();
        for (final DirectoryCounter counter : DirectoryCounter.values())
        {
            if (!doc.contains("| " + counter.typeId() + " | `" + counter.name() + "` | " + counter.label() + " |"))
            {
                missing.add(counter.typeId() + " " + counter.name() + " \"" + counter.label() + "\"");
            }
        }
        assertEquals(List.of(), missing, "docs/operations.md must list these counters");
    }

    private static List<Path> sources() throws IOException
    {
        try (Stream<Path> files = Files.walk(SOURCES))
        {
            return files.filter((path) -> path.toString().endsWith(".java")).sorted().toList();
        }
    }

    private static String packageOf(final Path file)
    {
        final Path parent = SOURCES.relativize(file).getParent();
        return null == parent ? "" : parent.toString().replace('\\', '.');
    }
}
