package io.skirmish.samples.gettingstarted;

import io.skirmish.engine.EngineCounter;
import io.skirmish.engine.server.GameServer;
import io.skirmish.engine.Tests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Keeps {@code docs/getting-started.md} and the README honest: the example server and client really talk in a room
 * over loopback UDP, and every Java block in those documents is the examples' source, verbatim.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GettingStartedTest
{
    private static final Path SOURCES = Path.of("src/main/java/io/skirmish/samples/gettingstarted");
    private static final String README_SECTION = "## Use it in your game server";
    private static final List<String> EXAMPLES = List.of("Chat.java", "GettingStartedServer.java",
        "GettingStartedClient.java");

    @Test
    void serverAndClientShouldTalkInTheLobby()
    {
        final int port = Tests.freePortPair();
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final PrintStream stdout = System.out;
        try (GameServer server = GettingStartedServer.launch(port))
        {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            GettingStartedClient.main(new String[]{ "localhost:" + port });

            Tests.await(() -> 0 == server.counter(EngineCounter.SESSIONS_ACTIVE), 10_000, null,
                () -> "the client's session closed");
            assertEquals(1, server.counter(EngineCounter.SESSIONS_ACCEPTED));
            assertEquals(0, server.counter(EngineCounter.EMITS_VETOED));
            // sequenced in the lobby: the client joined, its chat, the client left
            assertEquals(3, server.counter(EngineCounter.ROOM_EVENTS_SENT));
        }
        finally
        {
            System.setOut(stdout);
        }
        final String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("session 1 connected"), printed);
        assertTrue(printed.contains("heard in room 1: hello from session 1"), printed);
    }

    @Test
    void gettingStartedShouldShowEachExampleVerbatim() throws IOException
    {
        final String guide = Files.readString(Path.of("../docs/getting-started.md"));
        for (final String example : EXAMPLES)
        {
            final String source = Files.readString(SOURCES.resolve(example));
            assertTrue(guide.contains("```java\n" + source + "```"),
                "docs/getting-started.md must contain " + example + " verbatim in a ```java block; copy it again");
        }
    }

    /**
     * Every Java block of the getting-started guide, and of the README's getting-started section, must be copied from
     * the examples (other README sections may show other code).
     */
    @Test
    void javaBlocksInDocsShouldBeExcerptsOfTheExamples() throws IOException
    {
        final StringBuilder sources = new StringBuilder();
        for (final String example : EXAMPLES)
        {
            sources.append(Files.readString(SOURCES.resolve(example)));
        }
        final String readme = Files.readString(Path.of("../README.md"));
        final int sectionStart = readme.indexOf(README_SECTION);
        assertTrue(sectionStart >= 0, "README.md must have the section " + README_SECTION);
        final int sectionEnd = readme.indexOf("\n## ", sectionStart + README_SECTION.length());
        final String section = readme.substring(sectionStart, sectionEnd < 0 ? readme.length() : sectionEnd);

        for (final String doc : List.of("README.md", "docs/getting-started.md"))
        {
            final List<String> blocks = javaBlocks(
                doc.startsWith("README") ? section : Files.readString(Path.of("..", doc)));
            assertTrue(!blocks.isEmpty(), doc + " has no ```java block");
            for (final String block : blocks)
            {
                if (!isExcerpt(block, sources.toString()))
                {
                    fail(doc + ": this ```java block is not an excerpt of the getting-started examples in " +
                        SOURCES + "; copy it from there:\n" + block);
                }
            }
        }
    }

    static List<String> javaBlocks(final String markdown)
    {
        final List<String> blocks = new ArrayList<>();
        int from = 0;
        int start;
        while ((start = markdown.indexOf("```java\n", from)) >= 0)
        {
            final int end = markdown.indexOf("```", start + 8);
            blocks.add(markdown.substring(start + 8, end));
            from = end + 3;
        }
        return blocks;
    }

    /**
     * A block is an excerpt when the sources contain it verbatim, allowing only for the indentation it had in the
     * class (the docs may show a method outdented).
     */
    static boolean isExcerpt(final String block, final String sources)
    {
        for (int indent = 0; indent <= 12; indent += 4)
        {
            final String prefix = " ".repeat(indent);
            final StringBuilder indented = new StringBuilder();
            for (final String line : block.split("\n", -1))
            {
                indented.append(line.isEmpty() ? "" : prefix).append(line).append('\n');
            }
            indented.setLength(indented.length() - 1);
            if (sources.contains(indented))
            {
                return true;
            }
        }
        return false;
    }
}
