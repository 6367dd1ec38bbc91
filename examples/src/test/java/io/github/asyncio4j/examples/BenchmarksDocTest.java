package io.github.asyncio4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * BENCHMARKS.md and README's "How fast" summary are of one run: every table in BENCHMARKS.md is followed by the
 * line naming the commit it was measured at, every such line names the run's commit (bench/results/latest.json),
 * and README's summary block is the summary that run wrote into latest.json, word for word. {@code ./asyncio4j
 * bench} writes all three; a hand edit of any figure fails here.
 */
class BenchmarksDocTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern STAMP = Pattern.compile("^Commit `([0-9a-f]+(?:-dirty)?)`, measured ([^.]+?)(?: \\(--quick\\))?\\.$");

    private static JsonObject latest() throws IOException {
        return JsonParser.parseString(Files.readString(ROOT.resolve("bench/results/latest.json"))).getAsJsonObject();
    }

    @Test
    void everyTableNamesTheRunsOneCommit() throws IOException {
        String commit = latest().get("commit").getAsString();
        List<String> lines = Files.readAllLines(ROOT.resolve("BENCHMARKS.md"));
        Set<String> stamped = new LinkedHashSet<>();
        List<String> unstamped = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            boolean tableEnds = lines.get(i).startsWith("|") && (i + 1 == lines.size() || !lines.get(i + 1).startsWith("|"));
            if (!tableEnds) {
                continue;
            }
            Matcher m = i + 2 < lines.size() ? STAMP.matcher(lines.get(i + 2)) : null;
            if (m != null && lines.get(i + 1).isEmpty() && m.matches()) {
                stamped.add(m.group(1));
            } else {
                unstamped.add("BENCHMARKS.md:" + (i + 1));
            }
        }
        assertThat(unstamped).as("tables without their commit line").isEmpty();
        assertThat(stamped).containsExactly(commit);
        assertThat(commit).as("measured on committed sources").doesNotEndWith("-dirty");
    }

    @Test
    void readmesSummaryIsTheRunsSummary() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        String start = "<!-- bench-summary: written by ./asyncio4j bench -->\n";
        int i = readme.indexOf(start);
        int j = readme.indexOf("<!-- bench-summary end -->");
        assertThat(i).as("README's summary markers").isNotNegative();
        assertThat(j).isGreaterThan(i);
        String block = readme.substring(i + start.length(), j).strip().replaceAll("\\s+", " ");
        assertThat(block).isEqualTo(latest().get("summary").getAsString());
    }
}
