package io.github.asyncio4j.crawler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The command line: the demo crawl end to end, its JSON and HTML reports, and usage errors. */
@Timeout(120)
class CrawlCommandTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = CrawlCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theDemoCrawlsTheWholeGeneratedSiteAndWritesItsReports() throws Exception {
        Path json = dir.resolve("report.json");
        Path html = dir.resolve("report.html");
        int pages = 300;
        Run r = run("--demo", "--pages", String.valueOf(pages), "-q", "--json", json.toString(), "--html",
                html.toString());
        assertThat(r.code()).as(r.err()).isZero();
        int expected = new DemoSite(pages).expectedUrls();
        assertThat(r.out()).contains("Finished " + expected + " URLs").contains("Statuses:").contains("404");

        JsonObject report = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        JsonObject summary = report.getAsJsonObject("summary");
        assertThat(report.getAsJsonArray("pages")).hasSize(expected);
        assertThat(summary.get("errors").getAsInt()).isEqualTo(2);             // /reset and /huge
        assertThat(summary.get("fetched").getAsInt()).isEqualTo(expected - 2);
        assertThat(summary.getAsJsonObject("statuses").get("302").getAsInt()).isEqualTo(2);   // the loop
        assertThat(summary.getAsJsonObject("excluded").keySet()).contains("robots", "host");
        for (String key : new String[] {"fetched", "errors", "redirects", "bytes", "seconds", "pages_per_second",
                "statuses", "content_types", "hosts", "response_times"}) {
            assertThat(summary.has(key)).as(key).isTrue();
        }
        JsonObject failed = null;
        for (var p : report.getAsJsonArray("pages")) {
            JsonObject o = p.getAsJsonObject();
            for (String key : new String[] {"url", "status", "content_type", "bytes", "links", "new_links",
                    "redirect_to", "error", "ms"}) {
                assertThat(o.has(key)).as(key).isTrue();
            }
            if (o.get("url").getAsString().endsWith("/reset")) {
                failed = o;
            }
        }
        assertThat(failed).isNotNull();
        assertThat(failed.get("status").isJsonNull()).isTrue();
        assertThat(failed.get("error").getAsString()).isNotBlank();

        String page = Files.readString(html);
        assertThat(page).startsWith("<!DOCTYPE html>").contains("<svg").contains("Pages over time")
                .contains("Response times").contains("Hosts")
                .doesNotContain("<script");
    }

    @Test
    void verboseListsEveryUrl() {
        Run r = run("--demo", "--pages", "20", "-q", "-v");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("/page/19 200 text/html").contains("/loop/a 302 redirect to")
                .contains("/reset error after 4 tries").contains("excluded (robots)");
    }

    @Test
    void anOutputFileThatCannotBeWrittenStopsTheCrawlBeforeItStarts() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String root = "http://127.0.0.1:" + server.getLocalPort() + "/";
            Path regularFile = Files.writeString(dir.resolve("file"), "x");
            String[][] cases = {
                    {"--json", dir.resolve("no/such/dir/report.json").toString(), "does not exist"},
                    {"--html", dir.toString(), "it is a directory"},
                    {"--warc", dir.resolve("no/such/dir/crawl.warc.gz").toString(), "does not exist"},
                    {"--json", regularFile.resolve("report.json").toString(), "is not a directory"}};
            for (String[] c : cases) {
                Run r = run("-q", c[0], c[1], root);
                assertThat(r.code()).as(r.err()).isEqualTo(2);
                assertThat(r.err().strip()).as("one line").doesNotContain("\n")
                        .startsWith("crawl: " + c[0] + " " + c[1] + ": cannot write there").contains(c[2]);
                assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
                assertThat(r.out()).isEmpty();
            }
            server.setSoTimeout(50);
            assertThatThrownBy(server::accept).as("no request was made").isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void newOptionsAreChecked() {
        Run delay = run("--delay", "-1", "http://example.invalid/");
        assertThat(delay.code()).isEqualTo(1);
        assertThat(delay.err()).contains("--delay must be");
        Run workers = run("-q", "--workers", "0", "http://example.invalid/");
        assertThat(workers.code()).isEqualTo(1);
        assertThat(workers.err()).contains("workers must be at least 1");
    }

    @Test
    void usageErrorsNameTheMistake() {
        Run none = run();
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("give at least one ROOT URL, or --demo");
        Run both = run("--strict", "--lenient", "http://example.invalid/");
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("--strict and --lenient exclude each other");
        Run badRoot = run("-q", "ftp://example.invalid/");
        assertThat(badRoot.code()).isEqualTo(1);
        assertThat(badRoot.err()).contains("a root must be an http or https URL");
        Run badNumber = run("--max-tasks", "many", "http://example.invalid/");
        assertThat(badNumber.code()).isEqualTo(2);
        assertThat(badNumber.err()).contains("--max-tasks");
    }
}
