package io.github.asyncio4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/guide.md cannot drift from the examples: every code excerpt marked {@code <!-- excerpt: File.java -->} is
 * in that example's source (or, for a path with a slash, in that file of the project), line for line and in
 * order (indentation aside; a line {@code ...} stands for lines left out); every output block that starts with
 * {@code $ ./asyncio4j example NAME} is that example's whole output; every block marked
 * {@code <!-- output: NAME -->} is a run of consecutive lines of it.
 */
class GuideTest {
    static final Path ROOT = Path.of("..");
    static final Path GUIDE = ROOT.resolve("docs/guide.md");
    static final Path SOURCES = Path.of("src/main/java/io/github/asyncio4j/examples");
    static final Pattern BLOCK = Pattern.compile("(?:<!-- (excerpt|output): (\\S+) -->\\n)?```(\\w*)\\n(.*?)```",
            Pattern.DOTALL);

    record Block(String mark, String target, String language, List<String> lines) {
    }

    static List<Block> blocks() throws IOException {
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(Files.readString(GUIDE));
        while (m.find()) {
            blocks.add(new Block(m.group(1), m.group(2), m.group(3), m.group(4).lines().toList()));
        }
        return blocks;
    }

    @Test
    void everyExcerptIsInItsSourceInOrder() throws IOException {
        List<Block> excerpts = blocks().stream().filter(b -> "excerpt".equals(b.mark())).toList();
        assertThat(excerpts).hasSizeGreaterThan(15);
        for (Block b : excerpts) {
            Path file = b.target().contains("/") ? ROOT.resolve(b.target()) : SOURCES.resolve(b.target());
            List<String> source = Files.readAllLines(file).stream().map(String::strip).toList();
            int at = 0;
            for (String line : b.lines()) {
                String wanted = line.strip();
                if (wanted.isEmpty() || wanted.equals("...")) {
                    continue;
                }
                int found = source.subList(at, source.size()).indexOf(wanted);
                assertThat(found).as("excerpt line of %s not found (in order): %s", b.target(), wanted)
                        .isNotNegative();
                at += found + 1;
            }
        }
    }

    @Test
    void everyJavaBlockIsCheckedUnlessItIsTheReadersOwnSketch() throws IOException {
        for (Block b : blocks()) {
            if (b.language().equals("java")) {
                assertThat(b.mark()).as("unchecked java block: %s", b.lines()).isEqualTo("excerpt");
            }
        }
    }

    @Test
    void everyPrintedRunIsWhatTheExamplePrints() throws IOException {
        int runs = 0;
        for (Block b : blocks()) {
            if (!b.lines().isEmpty() && b.lines().get(0).startsWith("$ ./asyncio4j example ")) {
                String name = b.lines().get(0).substring("$ ./asyncio4j example ".length()).strip();
                assertThat(Examples.ALL).as("example named in the guide").containsKey(name);
                assertThat(ExamplesTest.lines(Examples.ALL.get(name).body())).as(name)
                        .containsExactlyElementsOf(b.lines().subList(1, b.lines().size()));
                runs++;
            } else if ("output".equals(b.mark())) {
                assertThat(Examples.ALL).as("example named in the guide").containsKey(b.target());
                assertThat(ExamplesTest.output(Examples.ALL.get(b.target()).body())).as(b.target())
                        .contains(String.join("\n", b.lines()) + "\n");
                runs++;
            }
        }
        assertThat(runs).isGreaterThanOrEqualTo(9);
    }
}
