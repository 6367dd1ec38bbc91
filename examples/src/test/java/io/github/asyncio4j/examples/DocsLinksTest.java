package io.github.asyncio4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The project's Markdown cites only what a clone has: every relative link resolves to a file or directory of the
 * repository (links into a build's {@code target/}, the javadoc, are made by {@code ./asyncio4j javadoc} and left
 * out), and no text names a path of the machine it was written on.
 */
class DocsLinksTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern MACHINE_PATH = Pattern.compile("(?<![\\w.])(/work/|/home/|/root/|\\.\\./shared/)");

    private static List<Path> markdown() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(p -> p.toString().endsWith(".md"))
                    .filter(p -> !ROOT.relativize(p).toString().matches("(.*/)?(target|node_modules|\\.git)/.*"))
                    .toList();
        }
    }

    @Test
    void everyRelativeLinkResolvesInTheRepository() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path md : markdown()) {
            Matcher m = LINK.matcher(Files.readString(md));
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("^[a-z]+:.*") || target.startsWith("#") || target.contains("/target/")) {
                    continue;
                }
                String file = target.replaceFirst("#.*$", "");
                if (!Files.exists(md.resolveSibling(file).normalize())) {
                    broken.add(ROOT.relativize(md) + ": " + target);
                }
            }
        }
        assertThat(broken).isEmpty();
    }

    @Test
    void noTextCitesAPathOutsideTheRepository() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path md : markdown()) {
            List<String> lines = Files.readAllLines(md);
            for (int i = 0; i < lines.size(); i++) {
                if (MACHINE_PATH.matcher(lines.get(i)).find()) {
                    found.add(ROOT.relativize(md) + ":" + (i + 1) + ": " + lines.get(i).strip());
                }
            }
        }
        assertThat(found).isEmpty();
    }
}
