package io.github.asyncio4j.crawler;

import static io.github.asyncio4j.Async.await;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.http.HttpServer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./asyncio4j crawl [options] ROOT...}: the crawler as a command-line tool. */
@Command(name = "crawl", mixinStandardHelpOptions = true, version = "asyncio4j crawler 0.1",
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Crawls the web from ROOT URLs, concurrently, on one thread (asyncio4j's event loop), and "
                + "reports what it found. Ctrl-C stops it and prints the partial report."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the crawl ran to its end", "1:bad usage or a failure", "130:stopped by Ctrl-C"})
public final class CrawlCommand implements Callable<Integer> {
    @Parameters(paramLabel = "ROOT", arity = "0..*", description = "where to start (http or https URLs)")
    List<URI> roots = new ArrayList<>();

    @Option(names = "--max-tasks", paramLabel = "N", defaultValue = "100", description = "worker coroutines (${DEFAULT-VALUE})")
    int maxTasks;
    @Option(names = "--max-redirect", paramLabel = "N", defaultValue = "10", description = "redirects followed from one URL (${DEFAULT-VALUE})")
    int maxRedirect;
    @Option(names = "--max-tries", paramLabel = "N", defaultValue = "4", description = "attempts per URL when fetching fails (${DEFAULT-VALUE})")
    int maxTries;
    @Option(names = "--exclude", paramLabel = "REGEX", description = "do not fetch URLs that match")
    Pattern exclude;
    @Option(names = "--strict", negatable = false, description = "a host must equal a root's host (the default)")
    boolean strict;
    @Option(names = "--lenient", description = "ignore a leading 'www.' when matching hosts")
    boolean lenient;
    @Option(names = "--max-pages", paramLabel = "N", description = "admit at most N URLs")
    Long maxPages;
    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10", description = "per request (${DEFAULT-VALUE})")
    double timeout;
    @Option(names = "--per-host", paramLabel = "N", defaultValue = "0", description = "concurrent requests per host at most (0: no limit)")
    int perHost;
    @Option(names = "--max-body", paramLabel = "BYTES", defaultValue = "10485760", description = "largest body accepted (${DEFAULT-VALUE})")
    long maxBody;
    @Option(names = "--ignore-robots", description = "do not read robots.txt")
    boolean ignoreRobots;
    @Option(names = "--user-agent", paramLabel = "UA", description = "the User-Agent header")
    String userAgent = CrawlConfig.DEFAULT_USER_AGENT;
    @Option(names = "--json", paramLabel = "FILE", description = "write the report as JSON")
    Path json;
    @Option(names = "--html", paramLabel = "FILE", description = "write the report as an HTML page with charts")
    Path html;
    @Option(names = {"-v", "--verbose"}, description = "a line per URL in the report")
    boolean verbose;
    @Option(names = {"-q", "--quiet"}, description = "no progress display")
    boolean quiet;
    @Option(names = "--demo", description = "crawl a generated site served on a free loopback port")
    boolean demo;
    @Option(names = "--pages", paramLabel = "N", defaultValue = "2000", description = "pages of the demo site (${DEFAULT-VALUE})")
    int pages;
    @Option(names = "--serve-demo", description = "only serve the demo site (for other crawlers), until Ctrl-C")
    boolean serveDemo;
    @Option(names = "--port", paramLabel = "PORT", defaultValue = "0", description = "the demo server's port (0: any free one)")
    int port;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final PrintStream out;
    private final PrintStream err;

    public CrawlCommand() {
        this(System.out, System.err);
    }

    CrawlCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command line; returns the exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new CrawlCommand(out, err));
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        cl.setExecutionExceptionHandler((e, command, parsed) -> {
            if (e instanceof IllegalArgumentException) {
                err.println("crawl: " + e.getMessage());    // a bad value: the message says which
            } else {
                err.print("crawl: failed: ");
                e.printStackTrace(err);
            }
            return 1;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        if (strict && lenient) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--strict and --lenient exclude each other");
        }
        if (serveDemo) {
            return Async.run(serve());
        }
        if (demo != roots.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    demo ? "--demo crawls its own site: give no ROOT" : "give at least one ROOT URL, or --demo");
        }
        return Async.run(crawl());
    }

    private Coroutine<Integer> crawl() {
        return Coroutine.of(() -> {
            EventLoop loop = Async.getRunningLoop();
            HttpServer server = demo ? await(HttpServer.startRaw(new DemoSite(pages), "127.0.0.1", port)) : null;
            try {
                List<URI> start = demo ? List.of(URI.create(server.url("/"))) : roots;
                CrawlConfig.Builder b = CrawlConfig.builder(start).maxTasks(maxTasks).maxRedirect(maxRedirect)
                        .maxTries(maxTries).exclude(exclude).strict(!lenient).perHost(perHost)
                        .obeyRobots(!ignoreRobots).userAgent(userAgent)
                        .timeout(Duration.ofNanos((long) (timeout * 1e9)));
                if (maxPages != null) {
                    b.maxPages(maxPages);
                }
                CrawlConfig config = b.build();
                if (demo && !quiet) {
                    err.println("crawl: demo site of " + pages + " pages at " + start.get(0));
                }
                CrawlReport report;
                try (Fetcher fetcher = new HttpFetcher(config, maxBody)) {
                    Crawler crawler = new Crawler(config, fetcher);
                    // Ctrl-C stops the crawl gracefully (partial report, exit 130) instead of Async.run's
                    // cancellation; the handler removes itself, so a second Ctrl-C ends the JVM.
                    loop.addSignalHandler("INT", () -> {
                        loop.removeSignalHandler("INT");
                        crawler.stop();
                    });
                    try (Progress p = quiet ? null : Progress.start(loop, crawler.progress(), err)) {
                        report = await(crawler.crawl());
                    } finally {
                        loop.removeSignalHandler("INT");
                    }
                }
                TextReport.write(report, out, verbose);
                write(json, w -> JsonReport.write(report, w));
                write(html, w -> HtmlReport.write(report, w));
                return report.interrupted() ? 130 : 0;
            } finally {
                if (server != null) {
                    server.close();
                }
            }
        });
    }

    private Coroutine<Integer> serve() {
        return Coroutine.of(() -> {
            EventLoop loop = Async.getRunningLoop();
            HttpServer server = await(HttpServer.startRaw(new DemoSite(pages), "127.0.0.1", port));
            out.println(server.url("/"));
            out.flush();
            loop.addSignalHandler("INT", server::close);
            loop.addSignalHandler("TERM", server::close);
            await(server.waitClosed());
            return 0;
        });
    }

    private interface ReportWriter {
        void write(Writer w) throws IOException;
    }

    private void write(Path file, ReportWriter writer) throws IOException {
        if (file == null) {
            return;
        }
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            writer.write(w);
        }
        err.println("crawl: wrote " + file);
    }
}
