package io.github.asyncio4j.crawler;

import static io.github.asyncio4j.crawler.CrawlCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.netpreserve.jwarc.WarcReader;
import org.netpreserve.jwarc.WarcRecord;
import org.netpreserve.jwarc.WarcResponse;

/**
 * A crawl's own records failing mid-crawl (real failures, no seam): the {@code --state} database locked by
 * another program until the writer gives up, a {@code --warc} rotation onto a path that is a directory. The
 * crawl ends with exit 1 and one line naming the option and the cause, no stack trace; what was written before
 * stays, and a {@code --state} crawl run again resumes from it without fetching the recorded pages again.
 */
@Timeout(120)
class WriteFailureTest {
    @TempDir
    Path dir;

    private static void assertOneLine(CrawlCommandTest.Run r, String... parts) {
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        assertThat(r.err().strip()).as("one line").doesNotContain("\n").doesNotContain("\tat ")
                .startsWith("crawl: ").contains(parts).contains("what was written before stays");
    }

    /** The pages recorded in the state database {@code db}; none while it is not made yet. */
    private static List<String> doneUrls(Path db) throws Exception {
        List<String> urls = new ArrayList<>();
        if (!Files.exists(db)) {
            return urls;
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + db + "?mode=ro");
             Statement s = c.createStatement()) {
            try (ResultSet made = s.executeQuery("SELECT 1 FROM sqlite_master WHERE name = 'pages'")) {
                if (!made.next()) {
                    return urls;
                }
            }
            ResultSet rs = s.executeQuery("SELECT url FROM pages");
            while (rs.next()) {
                urls.add(rs.getString(1));
            }
        }
        return urls;
    }

    @Test
    void aStateThatCannotBeWrittenEndsTheCrawlAndTheNextRunResumes() throws Exception {
        Path state = dir.resolve("state");
        Path db = state.resolve("crawl.db");
        try (CountingServer server = new CountingServer(60, 0.1)) {
            String[] args = {"-q", "--state", state.toString(), "--max-tasks", "2", "--max-tries", "1",
                    "--timeout", "5", server.root()};
            CompletableFuture<CrawlCommandTest.Run> first = CompletableFuture.supplyAsync(() -> run(args));
            while (doneUrls(db).size() < 5) {
                assertThat(first).as("the crawl is still running").isNotDone();
                Thread.sleep(20);
            }
            List<String> kept;
            try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + db)) {   // another program
                try (Statement s = other.createStatement()) {
                    s.execute("BEGIN EXCLUSIVE");
                    kept = doneUrls(db);    // readers still read (WAL): what was committed before the lock
                    assertOneLine(first.get(60, TimeUnit.SECONDS), "--state " + state, "writing failed",
                            "SQLITE_BUSY", "the same command resumes the crawl");
                    s.execute("ROLLBACK");
                }
            }
            assertThat(kept).hasSizeGreaterThanOrEqualTo(5);
            assertThat(doneUrls(db)).containsAll(kept);

            CrawlCommandTest.Run second = run(args);
            assertThat(second.code()).as(second.err()).isZero();
            assertThat(doneUrls(db)).doesNotHaveDuplicates().hasSize(server.site().expectedUrls());
            for (String url : kept) {
                assertThat(server.count(url)).as("recorded before the failure: not fetched again: %s", url)
                        .isEqualTo(1);
            }
        }
    }

    @Test
    void aWarcThatCannotBeWrittenEndsTheCrawlAndKeepsTheRecordsBefore() throws Exception {
        Path warc = dir.resolve("crawl.warc");
        Path blocked = Files.createDirectory(WarcRecorder.rotated(warc, 2));   // the second rotation fails
        try (CountingServer server = new CountingServer(20)) {
            CrawlCommandTest.Run r = run("-q", "--warc", warc.toString(), "--warc-max-size", "1", "--max-tries",
                    "1", "--max-tasks", "1", server.root());
            assertOneLine(r, "--warc " + warc, "writing failed", blocked.toString());
            assertThat(r.err()).doesNotContain("resumes");
            int responses = 0;
            try (WarcReader reader = new WarcReader(WarcRecorder.rotated(warc, 1))) {
                for (WarcRecord record : reader) {
                    if (record instanceof WarcResponse) {
                        responses++;
                    }
                }
            }
            assertThat(responses).as("the exchange written before the failure").isEqualTo(1);
        }
    }
}
