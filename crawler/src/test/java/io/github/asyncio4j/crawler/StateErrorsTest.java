package io.github.asyncio4j.crawler;

import static io.github.asyncio4j.crawler.CrawlCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code --state} the crawl cannot use is refused before anything is fetched, with one line that says why and
 * exit code 2: made by a crawl with other options, in use by another crawl, not a crawl state.
 */
@Timeout(60)
class StateErrorsTest {
    private static final String ROOT = "http://127.0.0.1:9/";     // never reached: the state is refused first

    @TempDir
    Path dir;

    private static void assertRefused(CrawlCommandTest.Run r, String... message) {
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").doesNotContain("Exception").contains(message);
    }

    @Test
    void aStateMadeWithOtherOptionsIsRefused() {
        Path state = dir.resolve("state");
        SqliteState.open(state, CrawlConfig.builder(List.of(URI.create(ROOT))).build()).close();
        assertRefused(run("-q", "--state", state.toString(), "--exclude", "private", ROOT),
                "--state " + state, "other options", "--exclude: '(none)' there, 'private' here");
        assertRefused(run("-q", "--state", state.toString(), "http://127.0.0.1:9/other"),
                "ROOT: '" + ROOT + "' there, 'http://127.0.0.1:9/other' here");
    }

    @Test
    void aStateInUseIsRefused() {
        Path state = dir.resolve("state");
        try (SqliteState held = SqliteState.open(state, CrawlConfig.builder(List.of(URI.create(ROOT))).build())) {
            assertRefused(run("-q", "--state", state.toString(), ROOT), "in use by another crawl");
        }
    }

    @Test
    void aCorruptedStateIsRefused() throws Exception {
        Path state = Files.createDirectories(dir.resolve("state"));
        Files.writeString(state.resolve("crawl.db"), "this is not a database, just some text ".repeat(200));
        assertRefused(run("-q", "--state", state.toString(), ROOT), "cannot be used as a crawl state",
                "not a database");
    }

    @Test
    void aStateThatIsAFileIsRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertRefused(run("-q", "--state", file.toString(), ROOT), "--state " + file);
    }

    @Test
    void stateAndFrontierExcludeEachOther() {
        CrawlCommandTest.Run r = run("--state", dir.toString(), "--frontier", "redis://127.0.0.1:9", ROOT);
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--state and --frontier exclude each other");
    }
}
