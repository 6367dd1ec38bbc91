package io.github.asyncio4j.crawler;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/** {@code --output}: refused before the first request when it cannot be written; items across kill -9 with --state. */
@Timeout(120)
class SpiderItemsCommandTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = CrawlCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), ItemsSpiderMain.SPIDER);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anOutputThatCannotBeWrittenIsRefusedBeforeTheFirstRequest() throws Exception {
        try (CountingServer server = new CountingServer(5)) {
            Run missing = run("-q", "--output", dir.resolve("no/such/items.jsonl").toString(), server.root());
            assertThat(missing.code()).isEqualTo(2);
            assertThat(missing.err()).isEqualTo("spider: --output " + dir.resolve("no/such/items.jsonl")
                    + ": cannot write there: directory " + dir.resolve("no/such") + " does not exist"
                    + System.lineSeparator());
            Run format = run("-q", "--output", dir.resolve("items.xml").toString(), server.root());
            assertThat(format.code()).isEqualTo(2);
            assertThat(format.err()).isEqualTo("spider: --output " + dir.resolve("items.xml") + ": the format is "
                    + "taken from the extension: .jsonl (JSON Lines) or .csv (or - for JSON Lines on stdout)"
                    + System.lineSeparator());
            assertThat(server.total()).isZero();
        }
    }

    @Test
    void itemsOnStdoutAndTheReportOnStderr() throws Exception {
        try (CountingServer server = new CountingServer(5)) {
            Run r = run("-q", "--output", "-", server.root());
            assertThat(r.code()).as(r.err()).isZero();
            List<String> lines = r.out().lines().toList();
            assertThat(lines).isNotEmpty().allMatch(l -> l.startsWith("{\"url\":") || l.startsWith("{\"page\":"));
            assertThat(lines.stream().filter(l -> l.startsWith("{\"url\":")).count()).isEqualTo(lines.size() / 2);
            assertThat(r.err()).contains("Finished ");
        }
    }

    @Test
    void theCrawlCommandHasNoOutputOption() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = CrawlCommand.run(new String[]{"--output", "x.jsonl", "http://127.0.0.1:9/"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("Unknown option: '--output'");
    }

    /**
     * Killed (SIGKILL) at seeded random points, then resumed until it completes: the items file holds every item of
     * an uninterrupted run, each once. Slowed (a server that waits 20 ms, commits every 20 ms, 4 tasks) so that a
     * kill lands anywhere: mid-page, between a page's items and its commit, mid-commit.
     */
    @Test
    @Timeout(600)
    @EnabledIfSystemProperty(named = "asyncio4j.expectEngine", matches = "continuation")
    void killedAtRandomPointsThenResumedTheItemsNeitherRepeatNorGoMissing() throws Exception {
        Random random = new Random(20261207);
        try (CountingServer server = new CountingServer(40, 0.02)) {
            Path whole = dir.resolve("whole.jsonl");
            Run uninterrupted = run("-q", "--max-tasks", "4", "--output", whole.toString(), server.root());
            assertThat(uninterrupted.code()).as(uninterrupted.err()).isZero();
            List<String> expected = Files.readAllLines(whole);
            assertThat(expected).hasSizeGreaterThan(80).doesNotHaveDuplicates();
            for (String format : List.of("jsonl", "csv")) {
                Path items = dir.resolve("items." + format);
                Path state = dir.resolve("state-" + format);
                List<String> args = List.of("-q", "--state", state.toString(), "--max-tasks", "4", "--max-tries", "1",
                        "--timeout", "3", "--output", items.toString(), server.root());
                int kills = 0;
                for (int run = 0; ; run++) {
                    assertThat(run).as("runs").isLessThan(30);
                    List<String> jvm = List.of("-Dasyncio4j.crawler.stateLingerMillis=20");
                    ChildCrawl crawl = ChildCrawl.startCommand(dir, format + run,
                            ChildCrawl.command(jvm, ItemsSpiderMain.class.getName(), args));
                    if (kills < 4) {
                        long lines = 0;
                        long target = 2 + random.nextInt(20);
                        while (crawl.isAlive() && lines < target) {
                            Thread.sleep(5);
                            lines = Files.exists(items) ? Files.readAllLines(items).size() : 0;
                        }
                        Thread.sleep(random.nextInt(30));
                    }
                    boolean killed = kills < 4 && crawl.isAlive();
                    if (killed) {
                        crawl.signal("KILL");
                        kills++;
                    }
                    int code = crawl.waitFor(120);
                    if (!killed) {
                        assertThat(code).as(crawl.output()).isZero();
                        break;
                    }
                }
                assertThat(kills).isEqualTo(4);
                List<String> got = Files.readAllLines(items);
                if (format.equals("jsonl")) {
                    assertThat(got).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
                } else {
                    assertThat(got.get(0)).isEqualTo("url,status");     // the first item's fields, once
                    // a row per item: "URL,STATUS" for the url items, "," for the link items (not the columns)
                    List<String> rows = new ArrayList<>(got.subList(1, got.size()));
                    List<String> want = new ArrayList<>();
                    for (String line : expected) {
                        want.add(line.startsWith("{\"url\":") ? line.substring(8, line.indexOf('"', 8)) + ","
                                + line.substring(line.lastIndexOf(':') + 1, line.length() - 1) : ",");
                    }
                    Collections.sort(rows);
                    Collections.sort(want);
                    assertThat(rows).isEqualTo(want);
                }
            }
        }
    }
}
