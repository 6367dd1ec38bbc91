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
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The command line: the demo crawl end to end, its JSON and HTML reports, and usage errors. */
@Timeout(120)
class CrawlCommandTest {
    @TempDir
    Path dir;

    /** {@code crawl --help} at the default width (80 columns, no terminal), byte for byte. */
    static final String HELP = """
            Usage: crawl [-hqvV] [--auto-throttle] [--demo] [--http1] [--ignore-robots]
                         [--lenient] [--recrawl] [--serve-demo] [--sitemaps] [--strict]
                         [--ca-cert=FILE] [--crawl-id=NAME] [--delay=SECONDS]
                         [--exclude=REGEX] [--frontier=redis://HOST:PORT[/DB]]
                         [--html=FILE] [--json=FILE] [--lease=SECONDS] [--max-body=BYTES]
                         [--max-connections=N] [--max-depth=N] [--max-pages=N]
                         [--max-pages-per-host=N] [--max-redirect=N]
                         [--max-retry-after=SECONDS] [--max-tasks=N] [--max-tries=N]
                         [--pages=N] [--per-host=N] [--port=PORT] [--scope=host|domain|any]
                         [--seeds=FILE] [--state=DIR] [--timeout=SECONDS] [--user-agent=UA]
                         [--warc=FILE] [--warc-max-size=BYTES] [--workers=N] [ROOT...]
            Crawls the web from ROOT URLs, concurrently: the network on one thread
            (asyncio4j's event loop), link extraction on --workers threads; reports what it
            found. Ctrl-C stops it and prints the partial report.
                  [ROOT...]             where to start (http or https URLs)
                  --max-tasks=N         worker coroutines (100)
                  --max-redirect=N      redirects followed from one URL (10)
                  --max-tries=N         attempts per URL when fetching fails or is answered
                                          408, 429, 500, 502, 503 or 504 (4)
                  --exclude=REGEX       do not fetch URLs that match
                  --strict              a host must equal a root's host (the default)
                  --lenient             ignore a leading 'www.' when matching hosts
                  --max-pages=N         admit at most N URLs
                  --timeout=SECONDS     per request (10)
                  --per-host=N          concurrent requests per host at most (0: no limit)
                  --max-body=BYTES      largest body accepted (10485760)
                  --max-depth=N         follow links at most N deep from a root (a redirect
                                          keeps its depth)
                  --delay=SECONDS       between requests to one host at least (and at least
                                          robots.txt's Crawl-delay) (0)
                  --max-retry-after=SECONDS
                                        the longest Retry-After honoured by pausing the
                                          host; a longer one fails the URL (120)
                  --auto-throttle       adapt each host's concurrency and delay to its
                                          response times and to 429/503 answers (within
                                          --per-host and --delay)
                  --sitemaps            also start from the sitemaps named in the roots'
                                          robots.txt
                  --workers=N           threads extracting links (default: the number of
                                          cores)
                  --ignore-robots       do not read robots.txt
                  --http1               speak HTTP/1.1 only (default: HTTP/2 where a site
                                          offers it over TLS)
                  --user-agent=UA       the User-Agent header
                  --json=FILE           write the report as JSON
                  --html=FILE           write the report as an HTML page with charts
                  --state=DIR           keep the crawl in DIR (SQLite): the same command
                                          run again resumes it
                  --frontier=redis://HOST:PORT[/DB]
                                        share the crawl with other processes through Redis
                  --crawl-id=NAME       which crawl of the shared frontier (default)
                  --lease=SECONDS       with --frontier: how long the URLs of a process
                                          that stopped renewing its claims wait before
                                          others take them (30)
                  --warc=FILE           write every request and response as WARC 1.1
                                          records (gzip per record if FILE ends in .gz)
                  --warc-max-size=BYTES start a new WARC file past this size (1073741824)
                  --seeds=FILE          more roots, one URL a line ('-': standard input;
                                          blank lines and # comments skipped), read as the
                                          crawl goes
                  --scope=host|domain|any
                                        which links are followed: to a root's host, a
                                          root's registrable domain, or any (host)
                  --max-pages-per-host=N
                                        admit at most N URLs per host
                  --max-connections=N   open connections in all, idle ones closed oldest
                                          first (default: twice --max-tasks, at least 256)
                  --recrawl             with --state: fetch every recorded page again,
                                          conditionally (If-None-Match, If-Modified-Since);
                                          a 304 keeps the record
                  --ca-cert=FILE        trust the PEM certificates in FILE beside the
                                          default ones
              -v, --verbose             a line per URL in the report
              -q, --quiet               no progress display
                  --demo                crawl a generated site served on a free loopback
                                          port
                  --pages=N             pages of the demo site (2000)
                  --serve-demo          only serve the demo site (for other crawlers),
                                          until Ctrl-C
                  --port=PORT           the demo server's port (0: any free one)
              -h, --help                Show this help message and exit.
              -V, --version             Print version information and exit.

            Exit codes:
              0     the crawl ran to its end
              1     a bad option value, or a failure (such as --state or --warc that cannot
                      be written mid-crawl: what was written stays, and --state resumes
                      from it)
              2     bad usage, or the crawl cannot start as asked (an output file that
                      cannot be written, its state or its frontier: checked before the
                      first request)
              130   stopped by Ctrl-C
            """.replace("\n", System.lineSeparator());

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
        assertThat(delay.code()).isEqualTo(2);      // a mistake on the command line: one line, exit 2
        assertThat(delay.err()).contains("--delay must be");
        Run retryAfter = run("--max-retry-after", "-1", "http://example.invalid/");
        assertThat(retryAfter.code()).isEqualTo(2);
        assertThat(retryAfter.err()).contains("--max-retry-after must be a number of seconds, 0 or more, not -1");
        Run workers = run("-q", "--workers", "0", "http://example.invalid/");
        assertThat(workers.code()).isEqualTo(1);
        assertThat(workers.err()).contains("workers must be at least 1");
    }

    @Test
    void usageErrorsNameTheMistake() {
        Run none = run();
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("give at least one ROOT URL, --seeds FILE, or --demo");
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

    @Test
    void helpPrintsTheWholeUsageText() {
        for (String flag : new String[] {"--help", "-h", "-qh"}) {
            Run r = run(flag);
            assertThat(r.code()).as(flag).isZero();
            assertThat(r.out()).as(flag).isEqualTo(HELP);
            assertThat(r.err()).as(flag).isEmpty();
        }
        assertThat(run("-h", "--version").out()).as("help wins").isEqualTo(HELP);
    }

    @Test
    void versionPrintsTheVersion() {
        for (String flag : new String[] {"--version", "-V"}) {
            Run r = run(flag);
            assertThat(r.code()).as(flag).isZero();
            assertThat(r.out()).as(flag).isEqualTo("asyncio4j crawler 0.1" + System.lineSeparator());
            assertThat(r.err()).as(flag).isEmpty();
        }
    }

    /** picocli's own messages for values it cannot convert, each followed by the usage text, exit code 2. */
    @Test
    void aValueThatCannotBeConvertedIsAUsageError() {
        String[][] cases = {
                {"Invalid value for option '--max-tasks': 'many' is not an int", "--max-tasks", "many", "http://x/"},
                {"Invalid value for option '--max-tasks': 'many' is not an int", "--max-tasks=many", "http://x/"},
                {"Invalid value for option '--max-pages': 'x' is not a long", "--max-pages", "x", "http://x/"},
                {"Invalid value for option '--timeout': 'abc' is not a double", "--timeout", "abc", "http://x/"},
                {"Unknown option: '--foo'", "--foo", "http://x/"},
                {"Missing required parameter for option '--json' (FILE)", "--json"},
                {"Unmatched argument at index 1: 'http://exa^mple/'", "-q", "http://exa^mple/"},
                {"Invalid value for option '--max-tasks': 'many' is not an int", "--help", "--max-tasks", "many"}};
        for (String[] c : cases) {
            String[] args = Arrays.copyOfRange(c, 1, c.length);
            Run r = run(args);
            assertThat(r.code()).as(c[0]).isEqualTo(2);
            assertThat(r.err()).isEqualTo(c[0] + System.lineSeparator() + HELP);
            assertThat(r.out()).isEmpty();
        }
        Run regex = run("--exclude", "[a-z", "http://x/");
        assertThat(regex.code()).isEqualTo(2);
        assertThat(regex.err()).startsWith("Invalid value for option '--exclude': cannot convert '[a-z' to Pattern "
                + "(java.util.regex.PatternSyntaxException: Unclosed character class near index 3").endsWith(HELP);
    }

    @Test
    void booleanOptionsTakeNoValueAndClusterAsShortOptions() {
        for (String[] args : new String[][] {{"-qv", "ftp://x/"}, {"-vq", "ftp://x/"},
                {"--ignore-robots=false", "-q", "ftp://x/"}, {"--strict=true", "-q", "ftp://x/"}}) {
            Run r = run(args);
            assertThat(r.code()).as(String.join(" ", args)).isEqualTo(1);     // parsed: the root is refused
            assertThat(r.err()).isEqualTo("crawl: a root must be an http or https URL with a host: ftp://x/"
                    + System.lineSeparator());
        }
        Run both = run("--strict", "--lenient", "http://example.invalid/");
        assertThat(both.err()).isEqualTo("--strict and --lenient exclude each other" + System.lineSeparator() + HELP);
    }
}
