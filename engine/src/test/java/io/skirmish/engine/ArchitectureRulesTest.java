package io.skirmish.engine;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Holds the engine's architecture (docs/architecture.md, "Packages"): which package may import which, what the
 * public API objects may not touch, and the house rules every source file keeps. It reads the sources as text, in
 * the manner of {@code ReferenceDocsTest}; each failure names the file and the rule.
 */
class ArchitectureRulesTest
{
    private static final Path SOURCES = Path.of("src/main/java/io/skirmish/engine");
    private static final String ENGINE = "io.skirmish.engine";
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?([\\w.]+)\\s*;", Pattern.MULTILINE);
    private static final Set<String> LEAVES = Set.of("protocol", "codec", "security", "status", "transport", "sim", "jfr", "archive");

    /** Engine packages each package may import; the root package is written "". */
    private static final Map<String, Set<String>> MAY_IMPORT = Map.ofEntries(
        Map.entry("", Set.of("codec")),
        Map.entry("protocol", Set.of()),
        Map.entry("codec", Set.of("")),
        Map.entry("security", Set.of("", "protocol")),
        Map.entry("status", Set.of("")),
        Map.entry("transport", Set.of("", "protocol", "security")),
        Map.entry("sim", Set.of("transport")),
        Map.entry("jfr", Set.of()),
        Map.entry("archive", Set.of("protocol", "transport")),
        Map.entry("server", Set.of("", "protocol", "codec", "security", "status", "transport", "jfr", "archive")),
        Map.entry("client", Set.of("", "protocol", "codec", "security", "status", "transport")));

    /** Besides Agrona and the JDK, which libraries each package may import. */
    private static final Map<String, Set<String>> MAY_USE = Map.ofEntries(
        Map.entry("", Set.of("io.aeron.")),
        Map.entry("protocol", Set.of()),
        Map.entry("codec", Set.of("com.esotericsoftware.kryo.")),
        Map.entry("security", Set.of()),
        Map.entry("status", Set.of("io.aeron.Aeron", "io.aeron.Counter")),
        Map.entry("transport", Set.of("io.aeron.")),
        Map.entry("sim", Set.of()),
        Map.entry("jfr", Set.of("jdk.jfr.")),
        Map.entry("archive", Set.of("io.aeron.")),
        Map.entry("server", Set.of("io.aeron.")),
        Map.entry("client", Set.of("io.aeron.")));

    /** The game's API objects and listeners: they never touch Aeron. */
    private static final Set<String> API_OBJECTS = Set.of(
        "server/Room.java", "server/Session.java", "server/ServerListener.java", "server/RoomListener.java",
        "server/RoomOptions.java", "server/ConnectRequest.java", "server/MessageHandler.java",
        "server/EmitHandler.java", "server/SnapshotWriter.java", "server/SessionState.java",
        "client/ClientListener.java", "client/ClientMessageHandler.java", "client/ClientState.java",
        "client/InterpolationBuffer.java", "NetworkInfo.java", "DisconnectReason.java", "LeaveReason.java");

    /** The one production class that may import the simulator: where a game asks for one. */
    private static final Set<String> SIMULATOR_USERS = Set.of("client/GameClient.java");

    @Test
    void packagesShouldImportOnlyWhatTheArchitectureAllows() throws IOException
    {
        final List<String> broken = new ArrayList<>();
        for (final Path file : sources())
        {
            final String pkg = packageOf(file);
            final String text = Files.readString(file);
            final Matcher matcher = IMPORT.matcher(text);
            while (matcher.find())
            {
                final String imported = matcher.group(1);
                if (imported.startsWith(ENGINE + "."))
                {
                    final String target = packageOfImport(imported);
                    if (!target.equals(pkg) && !MAY_IMPORT.get(pkg).contains(target) &&
                        !("sim".equals(target) && SIMULATOR_USERS.contains(relative(file))))
                    {
                        broken.add(relative(file) + " imports " + imported);
                    }
                }
                else if (!imported.startsWith("org.agrona.") && !imported.startsWith("java.") &&
                    !imported.startsWith("javax.") && MAY_USE.get(pkg).stream().noneMatch(imported::startsWith))
                {
                    broken.add(relative(file) + " uses " + imported);
                }
            }
        }
        assertEquals(List.of(), broken, "imports that break the package rules of docs/architecture.md");
    }

    @Test
    void apiObjectsShouldNeverImportAeron() throws IOException
    {
        final List<String> broken = new ArrayList<>();
        for (final String name : API_OBJECTS)
        {
            final Matcher matcher = IMPORT.matcher(Files.readString(SOURCES.resolve(name)));
            while (matcher.find())
            {
                if (matcher.group(1).startsWith("io.aeron."))
                {
                    broken.add(name + " imports " + matcher.group(1));
                }
            }
        }
        assertEquals(List.of(), broken, "the game's API objects must not depend on Aeron");
    }

    @Test
    void clientAndServerShouldNeverMeet() throws IOException
    {
        final List<String> broken = new ArrayList<>();
        for (final Path file : sources())
        {
            final String pkg = packageOf(file);
            final String text = Files.readString(file);
            if ("client".equals(pkg) && text.contains(ENGINE + ".server"))
            {
                broken.add(relative(file) + " names the server package");
            }
            if ("server".equals(pkg) && text.contains(ENGINE + ".client"))
            {
                broken.add(relative(file) + " names the client package");
            }
        }
        assertEquals(List.of(), broken, "the client never depends on the server, nor the server on the client");
    }

    @Test
    void sourcesShouldKeepTheHouseRules() throws IOException
    {
        final List<String> broken = new ArrayList<>();
        for (final Path file : sources())
        {
            final String name = relative(file);
            final String text = Files.readString(file);
            final String code = withoutCommentsAndStrings(text);
            if (code.contains("ForTest"))
            {
                broken.add(name + ": a test seam in production code (move it to test support)");
            }
            if (code.contains("Thread.onSpinWait"))
            {
                broken.add(name + ": a spin (make it a bounded pass)");
            }
            final Matcher inline = Pattern.compile("(?<![\\w.\"])(?:io\\.aeron|org\\.agrona|io\\.skirmish|java\\.util)" +
                "\\.[\\w.]*[A-Z]\\w*").matcher(stripImportsAndPackage(code));
            while (inline.find())
            {
                broken.add(name + ": inline fully-qualified name " + inline.group());
            }
            final long lines = text.lines().count();
            if (lines > 700 && !text.contains("class Context") && !name.equals("CommonContext.java"))
            {
                broken.add(name + ": " + lines + " lines (a collaborator owns one thing; split it)");
            }
            for (final String method : methodsOver(code, 100))
            {
                broken.add(name + ": method " + method + " is over 100 lines");
            }
        }
        assertEquals(List.of(), broken, "house rules (docs/architecture.md, \"Nevers\")");
    }

    @Test
    void everyPackageShouldSayWhatItIs() throws IOException
    {
        final List<String> missing = new ArrayList<>();
        for (final String leaf : Stream.concat(LEAVES.stream(), Stream.of("server", "client", "")).toList())
        {
            if (!Files.exists(SOURCES.resolve(leaf).resolve("package-info.java")))
            {
                missing.add("".equals(leaf) ? ENGINE : ENGINE + "." + leaf);
            }
        }
        assertEquals(List.of(), missing, "packages without a package-info.java");
    }

    private static List<Path> sources() throws IOException
    {
        try (Stream<Path> files = Files.walk(SOURCES))
        {
            return files.filter((path) -> path.toString().endsWith(".java")).sorted().collect(Collectors.toList());
        }
    }

    private static String relative(final Path file)
    {
        return SOURCES.relativize(file).toString().replace('\\', '/');
    }

    private static String packageOf(final Path file)
    {
        final Path parent = SOURCES.relativize(file).getParent();
        return null == parent ? "" : parent.toString().replace('\\', '.');
    }

    private static String packageOfImport(final String imported)
    {
        final String rest = imported.substring(ENGINE.length() + 1);
        final String first = rest.substring(0, rest.indexOf('.') < 0 ? rest.length() : rest.indexOf('.'));
        return Character.isUpperCase(first.charAt(0)) ? "" : first;
    }

    private static String withoutCommentsAndStrings(final String text)
    {
        return text
            .replaceAll("(?s)/\\*.*?\\*/", "")
            .replaceAll("//[^\n]*", "")
            .replaceAll("\"(?:\\\\.|[^\"\\\\])*\"", "\"\"");
    }

    private static String stripImportsAndPackage(final String code)
    {
        return code.replaceAll("(?m)^(?:import|package) [^\n]*\n", "");
    }

    /**
     * Methods whose bodies, from the line of their signature to their closing brace, run over a number of lines:
     * found by brace depth at the class member level (depth 1 inside a top-level class, 2 inside a nested one).
     */
    private static List<String> methodsOver(final String code, final int maxLines)
    {
        final List<String> over = new ArrayList<>();
        final Pattern signature = Pattern.compile(
            "^\\s+(?:(?:public|protected|private|static|final|synchronized|abstract|default)\\s+)*" +
            "(?:<[^>]+>\\s+)?[\\w<>\\[\\], .?]+\\s+(\\w+)\\s*\\([^;{]*$");
        final String[] lines = code.split("\n", -1);
        for (int i = 0; i < lines.length; i++)
        {
            final Matcher matcher = signature.matcher(lines[i]);
            if (!matcher.find() || lines[i].contains(" new ") || lines[i].trim().startsWith("return"))
            {
                continue;
            }
            int j = i;
            while (j < lines.length && !lines[j].contains("{"))
            {
                if (lines[j].contains(";"))
                {
                    j = -1;
                    break;
                }
                j++;
            }
            if (j < 0 || j >= lines.length)
            {
                continue;
            }
            int depth = 0;
            int k = j;
            for (; k < lines.length; k++)
            {
                depth += count(lines[k], '{') - count(lines[k], '}');
                if (depth <= 0)
                {
                    break;
                }
            }
            if (k - i + 1 > maxLines)
            {
                over.add(matcher.group(1) + " (" + (k - i + 1) + " lines)");
            }
        }
        return over;
    }

    private static int count(final String line, final char c)
    {
        int n = 0;
        for (int i = 0; i < line.length(); i++)
        {
            n += line.charAt(i) == c ? 1 : 0;
        }
        return n;
    }
}
