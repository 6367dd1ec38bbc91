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
        description = {"Crawls the web from ROOT URLs, concurrently: the network on one thread (asyncio4j's event "
                + "loop), link extraction on --workers threads; reports what it found. Ctrl-C stops it and prints "
                + "the partial report."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the crawl ran to its end", "1:a bad option value, or a failure (such as --state or "
                + "--warc that cannot be written mid-crawl: what was written stays, and --state resumes from it)",
                "2:bad usage, or the crawl cannot start as asked (an output file that cannot be written, its state "
                        + "or its frontier: checked before the first request)",
                "130:stopped by Ctrl-C"})
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
    @Option(names = "--max-depth", paramLabel = "N", description = "follow links at most N deep from a root (a redirect keeps its depth)")
    Integer maxDepth;
    @Option(names = "--delay", paramLabel = "SECONDS", defaultValue = "0", description = "between requests to one host at least (and at least robots.txt's Crawl-delay) (${DEFAULT-VALUE})")
    double delay;
    @Option(names = "--sitemaps", description = "also start from the sitemaps named in the roots' robots.txt")
    boolean sitemaps;
    @Option(names = "--workers", paramLabel = "N", description = "threads extracting links (default: the number of cores)")
    Integer workers;
    @Option(names = "--ignore-robots", description = "do not read robots.txt")
    boolean ignoreRobots;
    @Option(names = "--user-agent", paramLabel = "UA", description = "the User-Agent header")
    String userAgent = CrawlConfig.DEFAULT_USER_AGENT;
    @Option(names = "--json", paramLabel = "FILE", description = "write the report as JSON")
    Path json;
    @Option(names = "--html", paramLabel = "FILE", description = "write the report as an HTML page with charts")
    Path html;
    @Option(names = "--state", paramLabel = "DIR", description = "keep the crawl in DIR (SQLite): the same command run again resumes it")
    Path stateDir;
    @Option(names = "--frontier", paramLabel = "redis://HOST:PORT[/DB]", description = "share the crawl with other processes through Redis")
    String frontier;
    @Option(names = "--crawl-id", paramLabel = "NAME", defaultValue = "default", description = "which crawl of the shared frontier (${DEFAULT-VALUE})")
    String crawlId;
    @Option(names = "--lease", paramLabel = "SECONDS", defaultValue = "30", description = "with --frontier: how long the URLs of a process that stopped renewing its claims wait before others take them (${DEFAULT-VALUE})")
    double lease;
    @Option(names = "--warc", paramLabel = "FILE", description = "write every request and response as WARC 1.1 records (gzip per record if FILE ends in .gz)")
    Path warc;
    @Option(names = "--warc-max-size", paramLabel = "BYTES", defaultValue = "1073741824", description = "start a new WARC file past this size (${DEFAULT-VALUE})")
    long warcMaxSize;
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
        CrawlCommand crawl = new CrawlCommand(out, err);
        CommandLine cl = new CommandLine(crawl);
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        cl.setExecutionExceptionHandler((e, command, parsed) -> {
            if (e instanceof CrawlSetupException || e instanceof OutputFile.UnwritableException) {
                err.println("crawl: " + e.getMessage());    // the user can fix it: one line, no stack trace
                return 2;
            }
            CrawlWriteException write = CrawlWriteException.in(e);
            if (write != null) {
                err.println("crawl: " + write.getMessage() + ": the crawl stopped; what was written before stays"
                        + (crawl.stateDir != null ? ", and the same command resumes the crawl" : ""));
                return 1;
            }
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
        if (stateDir != null && frontier != null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--state and --frontier exclude each other: a shared crawl lives in Redis");
        }
        if (!(lease > 0)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--lease must be positive, not " + lease);
        }
        if (warcMaxSize <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--warc-max-size must be positive, not " + warcMaxSize);
        }
        if (!(delay >= 0) || Double.isInfinite(delay)) {
            throw new IllegalArgumentException("--delay must be a number of seconds, 0 or more, not " + delay);
        }
        OutputFile.check("--json", json);     // before the first request: a report is never lost at the end
        OutputFile.check("--html", html);
        OutputFile.check("--warc", warc);
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
                        .timeout(Duration.ofNanos((long) (timeout * 1e9)))
                        .delay(Duration.ofNanos((long) (delay * 1e9))).sitemaps(sitemaps);
                if (maxPages != null) {
                    b.maxPages(maxPages);
                }
                if (maxDepth != null) {
                    b.maxDepth(maxDepth);
                }
                if (workers != null) {
                    b.workers(workers);
                }
                CrawlConfig config = b.build();
                if (demo && !quiet) {
                    err.println("crawl: demo site of " + pages + " pages at " + start.get(0));
                }
                CrawlReport report;
                try (WarcRecorder recorder = warc == null ? null : WarcRecorder.open(warc, warcMaxSize);
                     CrawlState state = openState(config);
                     Fetcher fetcher = new HttpFetcher(config, maxBody, recorder)) {
                    Crawler crawler = new Crawler(config, fetcher, state);
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

    /** The crawl's state: in memory, in SQLite ({@code --state}), or shared in Redis ({@code --frontier}). */
    private CrawlState openState(CrawlConfig config) {
        if (stateDir != null) {
            SqliteState state = SqliteState.open(stateDir, config);
            if (state.resumed() && !quiet) {
                err.println("crawl: resuming the crawl in " + stateDir);
            }
            return state;
        }
        if (frontier != null) {
            return RedisState.connect(RedisAddress.parse(frontier), crawlId, config, lease);
        }
        return new MemoryState();
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
