package io.github.asyncio4j.crawler;

import static io.github.asyncio4j.Async.await;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.http.HttpServer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * {@code ./asyncio4j crawl [options] ROOT...}: the crawler as a command-line tool.
 *
 * <p>The command line is a picocli model built in code (one table of options, {@code OPTIONS}), not read from
 * annotations: picocli's annotation scan (and the proxies the JDK makes for annotations) cost about a tenth of a
 * second at every start, which is a large part of a short crawl.
 */
public final class CrawlCommand implements Callable<Integer> {
    static final String VERSION = "asyncio4j crawler 0.1";

    /**
     * The options in the order {@code --help} lists them: each declared once, with the field it sets. A default is
     * the string picocli converts, as a user would type it; {@code ${DEFAULT-VALUE}} in a description shows it.
     */
    private static final List<Opt<?>> OPTIONS = List.of(
            new Opt<>("--max-tasks", "N", "100", "worker coroutines (${DEFAULT-VALUE})",
                    int.class, (c, v) -> c.maxTasks = v),
            new Opt<>("--max-redirect", "N", "10", "redirects followed from one URL (${DEFAULT-VALUE})",
                    int.class, (c, v) -> c.maxRedirect = v),
            new Opt<>("--max-tries", "N", "4", "attempts per URL when fetching fails or is answered 408, 429, 500, "
                    + "502, 503 or 504 (${DEFAULT-VALUE})", int.class, (c, v) -> c.maxTries = v),
            new Opt<>("--exclude", "REGEX", null, "do not fetch URLs that match",
                    Pattern.class, (c, v) -> c.exclude = v),
            Opt.flag("--strict", "a host must equal a root's host (the default)", (c, v) -> c.strict = v),
            Opt.flag("--lenient", "ignore a leading 'www.' when matching hosts", (c, v) -> c.lenient = v),
            new Opt<>("--max-pages", "N", null, "admit at most N URLs", Long.class, (c, v) -> c.maxPages = v),
            new Opt<>("--timeout", "SECONDS", "10", "per request (${DEFAULT-VALUE})",
                    double.class, (c, v) -> c.timeout = v),
            new Opt<>("--per-host", "N", "0", "concurrent requests per host at most (0: no limit)",
                    int.class, (c, v) -> c.perHost = v),
            new Opt<>("--max-body", "BYTES", "10485760", "largest body accepted (${DEFAULT-VALUE})",
                    long.class, (c, v) -> c.maxBody = v),
            new Opt<>("--max-depth", "N", null, "follow links at most N deep from a root (a redirect keeps its depth)",
                    Integer.class, (c, v) -> c.maxDepth = v),
            new Opt<>("--delay", "SECONDS", "0", "between requests to one host at least (and at least robots.txt's "
                    + "Crawl-delay) (${DEFAULT-VALUE})", double.class, (c, v) -> c.delay = v),
            new Opt<>("--max-retry-after", "SECONDS", "120", "the longest Retry-After honoured by pausing the host; a "
                    + "longer one fails the URL (${DEFAULT-VALUE})", double.class, (c, v) -> c.maxRetryAfter = v),
            Opt.flag("--auto-throttle", "adapt each host's concurrency and delay to its response times and to "
                    + "429/503 answers (within --per-host and --delay)", (c, v) -> c.autoThrottle = v),
            Opt.flag("--sitemaps", "also start from the sitemaps named in the roots' robots.txt",
                    (c, v) -> c.sitemaps = v),
            new Opt<>("--workers", "N", null, "threads extracting links (default: the number of cores)",
                    Integer.class, (c, v) -> c.workers = v),
            Opt.flag("--ignore-robots", "do not read robots.txt", (c, v) -> c.ignoreRobots = v),
            Opt.flag("--http1", "speak HTTP/1.1 only (default: HTTP/2 where a site offers it over TLS)",
                    (c, v) -> c.http1 = v),
            new Opt<>("--user-agent", "UA", null, "the User-Agent header", String.class, (c, v) -> c.userAgent = v),
            new Opt<>("--json", "FILE", null, "write the report as JSON", Path.class, (c, v) -> c.json = v),
            new Opt<>("--html", "FILE", null, "write the report as an HTML page with charts",
                    Path.class, (c, v) -> c.html = v),
            new Opt<>("--state", "DIR", null, "keep the crawl in DIR (SQLite): the same command run again resumes it",
                    Path.class, (c, v) -> c.stateDir = v),
            new Opt<>("--frontier", "redis://HOST:PORT[/DB]", null, "share the crawl with other processes through "
                    + "Redis", String.class, (c, v) -> c.frontier = v),
            new Opt<>("--crawl-id", "NAME", "default", "which crawl of the shared frontier (${DEFAULT-VALUE})",
                    String.class, (c, v) -> c.crawlId = v),
            new Opt<>("--lease", "SECONDS", "30", "with --frontier: how long the URLs of a process that stopped "
                    + "renewing its claims wait before others take them (${DEFAULT-VALUE})",
                    double.class, (c, v) -> c.lease = v),
            new Opt<>("--output", "FILE", null, "write the items to FILE (.jsonl: JSON Lines, .csv: CSV; "
                    + "-: JSON Lines on stdout)", String.class, (c, v) -> c.output = v),
            new Opt<>("--warc", "FILE", null, "write every request and response as WARC 1.1 records (gzip per record "
                    + "if FILE ends in .gz)", Path.class, (c, v) -> c.warc = v),
            new Opt<>("--warc-max-size", "BYTES", "1073741824", "start a new WARC file past this size "
                    + "(${DEFAULT-VALUE})", long.class, (c, v) -> c.warcMaxSize = v),
            new Opt<>("--seeds", "FILE", null, "more roots, one URL a line ('-': standard input; blank lines and "
                    + "# comments skipped), read as the crawl goes", Path.class, (c, v) -> c.seeds = v),
            new Opt<>("--scope", "host|domain|any", "host", "which links are followed: to a root's host, a root's "
                    + "registrable domain, or any (${DEFAULT-VALUE})", String.class, (c, v) -> c.scope = v),
            new Opt<>("--max-pages-per-host", "N", null, "admit at most N URLs per host",
                    Long.class, (c, v) -> c.maxPagesPerHost = v),
            new Opt<>("--max-connections", "N", null, "open connections in all, idle ones closed oldest first "
                    + "(default: twice --max-tasks, at least 256)", Integer.class, (c, v) -> c.maxConnections = v),
            Opt.flag("--recrawl", "with --state: fetch every recorded page again, conditionally (If-None-Match, "
                    + "If-Modified-Since); a 304 keeps the record", (c, v) -> c.recrawl = v),
            new Opt<>("--ca-cert", "FILE", null, "trust the PEM certificates in FILE beside the default ones",
                    Path.class, (c, v) -> c.caCert = v),
            Opt.flag("-v,--verbose", "a line per URL in the report", (c, v) -> c.verbose = v),
            Opt.flag("-q,--quiet", "no progress display", (c, v) -> c.quiet = v),
            Opt.flag("--demo", "crawl a generated site served on a free loopback port", (c, v) -> c.demo = v),
            new Opt<>("--pages", "N", "2000", "pages of the demo site (${DEFAULT-VALUE})",
                    int.class, (c, v) -> c.pages = v),
            Opt.flag("--serve-demo", "only serve the demo site (for other crawlers), until Ctrl-C",
                    (c, v) -> c.serveDemo = v),
            new Opt<>("--port", "PORT", "0", "the demo server's port (0: any free one)",
                    int.class, (c, v) -> c.port = v));

    List<URI> roots = new ArrayList<>();
    int maxTasks;
    int maxRedirect;
    int maxTries;
    Pattern exclude;
    boolean strict;
    boolean lenient;
    Long maxPages;
    double timeout;
    int perHost;
    long maxBody;
    Integer maxDepth;
    double delay;
    double maxRetryAfter;
    boolean autoThrottle;
    boolean sitemaps;
    Integer workers;
    boolean ignoreRobots;
    boolean http1;
    String userAgent = CrawlConfig.DEFAULT_USER_AGENT;
    Path json;
    Path html;
    Path stateDir;
    String frontier;
    String crawlId;
    double lease;
    Path warc;
    String output;
    long warcMaxSize;
    Path seeds;
    String scope;
    Long maxPagesPerHost;
    Integer maxConnections;
    Path caCert;
    boolean recrawl;
    boolean verbose;
    boolean quiet;
    boolean demo;
    int pages;
    boolean serveDemo;
    int port;

    /** The model of this command's line ({@link #commandLine}): usage errors found after parsing name it. */
    private CommandSpec spec;
    private final PrintStream out;
    private final PrintStream err;
    /** The command's name in its messages and usage ({@code crawl}, or {@code spider} with a user's spider). */
    private final String name;
    /** The spider, or null: the {@code crawl} command's own. */
    private final Spider spider;

    /** The command on the standard streams. */
    public CrawlCommand() {
        this(System.out, System.err);
    }

    CrawlCommand(PrintStream out, PrintStream err) {
        this(out, err, "crawl", null);
    }

    CrawlCommand(PrintStream out, PrintStream err, String name, Spider spider) {
        this.out = out;
        this.err = err;
        this.name = name;
        this.spider = spider;
    }

    /** Runs {@code crawl} with {@code args} and exits with its code. */
    public static void main(String[] args) {
        // picocli's default factory otherwise looks for Groovy's Closure class on the class path (every jar opened
        // and searched, ~10 ms of every start), for closures in annotations this command does not have.
        System.setProperty("picocli.disable.closures", "true");
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command line; returns the exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        return run(new CrawlCommand(out, err), args, out, err);
    }

    /** Runs the command line with {@code spider} (the {@code spider} command); returns the exit code. */
    static int run(String[] args, PrintStream out, PrintStream err, Spider spider) {
        return run(new CrawlCommand(out, err, "spider", spider), args, out, err);
    }

    private static int run(CrawlCommand crawl, String[] args, PrintStream out, PrintStream err) {
        String name = crawl.name;
        CommandLine cl = crawl.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setExecutionExceptionHandler((e, command, parsed) -> {
            if (e instanceof CrawlSetupException || e instanceof OutputFile.UnwritableException) {
                err.println(name + ": " + e.getMessage());    // the user can fix it: one line, no stack trace
                return 2;
            }
            CrawlWriteException write = CrawlWriteException.in(e);
            if (write != null) {
                err.println(name + ": " + write.getMessage() + ": the crawl stopped; what was written before stays"
                        + (crawl.stateDir != null ? ", and the same command resumes the crawl" : ""));
                return 1;
            }
            if (e instanceof IllegalArgumentException) {
                err.println(name + ": " + e.getMessage());    // a bad value: the message says which
            } else {
                err.print(name + ": failed: ");
                e.printStackTrace(err);
            }
            return 1;
        });
        return cl.execute(args);
    }

    /**
     * This command's line: picocli's model built from {@link #OPTIONS}, the same one picocli would read from
     * {@code @Command(mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true, ...)}, with
     * {@code -h}/{@code --help} and {@code -V}/{@code --version} last. Binds each value to this object's field.
     */
    private CommandLine commandLine() {
        spec = CommandSpec.wrapWithoutInspection(this).name(spider == null ? "crawl" : "spider FILE.java")
                .version(VERSION);
        spec.usageMessage().sortOptions(false).autoWidth(true)
                .description("Crawls the web from ROOT URLs, concurrently: the network on one thread "
                        + "(asyncio4j's event loop), link extraction on --workers threads; reports what it found. "
                        + "Ctrl-C stops it and prints the partial report.")
                .exitCodeListHeading("%nExit codes:%n")
                .exitCodeList(UsageMessageSpec.keyValuesMap("0:the crawl ran to its end",
                        "1:a bad option value, or a failure (such as --state or --warc that cannot be written "
                                + "mid-crawl: what was written stays, and --state resumes from it)",
                        "2:bad usage, or the crawl cannot start as asked (an output file that cannot be written, its "
                                + "state or its frontier: checked before the first request)",
                        "130:stopped by Ctrl-C"));
        Binding<List<URI>> rootsBinding = new Binding<>(v -> roots = v);
        spec.addPositional(PositionalParamSpec.builder().paramLabel("ROOT").arity("0..*")
                .type(List.class).auxiliaryTypes(URI.class).description("where to start (http or https URLs)")
                .hasInitialValue(false).getter(rootsBinding).setter(rootsBinding).build());
        for (Opt<?> option : OPTIONS) {
            if (spider != null || !option.names().equals("--output")) {   // items are a spider's
                spec.addOption(option.spec(this));
            }
        }
        spec.addOption(OptionSpec.builder("-h", "--help").type(boolean.class).usageHelp(true)
                .description("Show this help message and exit.").build());
        spec.addOption(OptionSpec.builder("-V", "--version").type(boolean.class).versionHelp(true)
                .description("Print version information and exit.").build());
        // picocli's own Path converter calls Paths.get by reflection, whose first call spins method-handle classes
        // (three, at a crawl given a FILE option, which the AOT cache does not keep); this one is a plain call.
        return new CommandLine(spec).registerConverter(Path.class, Path::of);
    }

    @Override
    public Integer call() throws Exception {
        if (strict && lenient) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--strict and --lenient exclude each other");
        }
        if (serveDemo) {
            return Async.run(serve());
        }
        if (demo ? !roots.isEmpty() || seeds != null : roots.isEmpty() && seeds == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), demo
                    ? "--demo crawls its own site: give no ROOT" + (seeds != null ? " and no --seeds" : "")
                    : "give at least one ROOT URL, --seeds FILE, or --demo");
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
            throw new CrawlSetupException("--delay must be a number of seconds, 0 or more, not " + delay);
        }
        if (!(maxRetryAfter >= 0) || Double.isInfinite(maxRetryAfter)) {
            throw new CrawlSetupException("--max-retry-after must be a number of seconds, 0 or more, not "
                    + maxRetryAfter);
        }
        CrawlScope.Kind scopeKind = checkBroadOptions();
        OutputFile.check("--json", json);     // before the first request: a report is never lost at the end
        OutputFile.check("--html", html);
        OutputFile.check("--warc", warc);
        if (output != null) {
            if (!output.equals("-")) {
                Path file = Path.of(output);
                OutputFile.check("--output", file);
                if (ItemFile.formatOf(file) == null) {
                    throw new CrawlSetupException("--output " + output + ": the format is taken from the extension: "
                            + ".jsonl (JSON Lines) or .csv (or - for JSON Lines on stdout)");
                }
            }
        }
        SSLContext ssl = tls();
        return Async.run(crawl(scopeKind, ssl));
    }

    /**
     * The client's TLS context ({@link NativeTls#choose}): trusting {@code --ca-cert}'s file beside the default
     * trust. The file is read here (a bad one is one line before the first request); the trust store is read
     * when the context is made.
     */
    private SSLContext tls() {
        String engine = System.getProperty(NativeTls.ENGINE_PROPERTY, "native");
        Collection<? extends Certificate> pem = caCert == null ? null : CaCertificates.certificates(caCert);
        Supplier<TrustManagerFactory> trust = () -> pem == null ? CaCertificates.defaultTrust()
                : CaCertificates.trust(caCert, pem);
        SSLContext context = NativeTls.choose(engine, NativeTls::unavailability, trust,
                http1 ? List.of("http/1.1") : List.of("h2", "http/1.1"),
                () -> pem == null ? null : CaCertificates.sslContext(caCert, trust.get()), System.err);
        if (context instanceof NativeTls.LazyContext lazy
                && roots.stream().anyMatch(r -> "https".equals(r.getScheme()))) {
            lazy.prepareInBackground();    // an https root: the first connection would wait for it anyway
        }
        return context;
    }

    /**
     * The broad-crawl options' values, checked before the first request: each mistake is one line and exit code 2
     * ({@link CrawlSetupException}). Returns the scope.
     */
    private CrawlScope.Kind checkBroadOptions() {
        CrawlScope.Kind kind;
        try {
            kind = CrawlScope.Kind.parse(scope);
        } catch (IllegalArgumentException e) {
            throw new CrawlSetupException(e.getMessage());
        }
        if (maxPagesPerHost != null && maxPagesPerHost < 1) {
            throw new CrawlSetupException("--max-pages-per-host must be at least 1, not " + maxPagesPerHost);
        }
        if (recrawl && stateDir == null) {
            throw new CrawlSetupException("--recrawl needs --state DIR: the stored crawl to crawl again");
        }
        if (maxConnections != null && maxConnections < 1) {
            throw new CrawlSetupException("--max-connections must be at least 1, not " + maxConnections);
        }
        if (seeds != null && !seeds.toString().equals("-")) {
            SeedFile.open(seeds, System.in).close();     // missing or unreadable: one line, before any request
        }
        return kind;
    }

    private Coroutine<Integer> crawl(CrawlScope.Kind scopeKind, SSLContext ssl) {
        return Coroutine.of(() -> {
            EventLoop loop = Async.getRunningLoop();
            HttpServer server = demo ? await(HttpServer.startRaw(new DemoSite(pages), "127.0.0.1", port)) : null;
            String keyStore = System.getProperty(DemoSite.KEY_STORE_PROPERTY);
            HttpServer tlsServer = demo && keyStore != null ? await(HttpServer.startRaw(new DemoSite(pages),
                    "127.0.0.1", 0, HttpServer.Options.defaults().withSsl(DemoSite.tls(Path.of(keyStore))))) : null;
            try {
                List<URI> start = !demo ? roots : tlsServer == null ? List.of(URI.create(server.url("/")))
                        : List.of(URI.create(server.url("/")), URI.create(tlsServer.url("/")));
                CrawlConfig.Builder b = CrawlConfig.builder(start).maxTasks(maxTasks).maxRedirect(maxRedirect)
                        .maxTries(maxTries).exclude(exclude).strict(!lenient).perHost(perHost)
                        .obeyRobots(!ignoreRobots).userAgent(userAgent).http2(!http1)
                        .timeout(Duration.ofNanos((long) (timeout * 1e9)))
                        .delay(Duration.ofNanos((long) (delay * 1e9))).sitemaps(sitemaps)
                        .maxRetryAfter(Duration.ofNanos((long) (maxRetryAfter * 1e9))).autoThrottle(autoThrottle)
                        .scope(scopeKind).seeds(seeds).recrawl(recrawl);
                if (maxPages != null) {
                    b.maxPages(maxPages);
                }
                if (maxDepth != null) {
                    b.maxDepth(maxDepth);
                }
                if (workers != null) {
                    b.workers(workers);
                }
                if (maxPagesPerHost != null) {
                    b.maxPagesPerHost(maxPagesPerHost);
                }
                if (maxConnections != null) {
                    b.maxConnections(maxConnections);
                }
                CrawlConfig config = b.build();
                if (demo && !quiet) {
                    err.println(name + ": demo site of " + pages + " pages at " + start.get(0));
                }
                CrawlReport report;
                try (WarcRecorder recorder = warc == null ? null : WarcRecorder.open(warc, warcMaxSize);
                     CrawlState state = openState(config);
                     ItemFile items = openItems(state);
                     Fetcher fetcher = new HttpFetcher(config, maxBody, recorder, ssl)) {
                    Crawler.Builder builder = Crawler.builder(config).fetcher(fetcher).state(state);
                    if (spider != null) {
                        builder.spider(spider);
                    }
                    if (items != null) {
                        builder.items(items);
                    }
                    Crawler crawler = builder.build();
                    crawler.seedWarnings(w -> err.println(name + ": " + w));
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
                // Items on stdout: the report goes to stderr, so that stdout is the items alone.
                TextReport.write(report, "-".equals(output) ? err : out, verbose);
                write(json, w -> JsonReport.write(report, w));
                write(html, w -> HtmlReport.write(report, w));
                return report.interrupted() ? 130 : 0;
            } finally {
                if (server != null) {
                    server.close();
                }
                if (tlsServer != null) {
                    tlsServer.close();
                }
            }
        });
    }

    /**
     * The {@code --output} file (null without one), opened before the first request: with a resumed {@code --state},
     * cut back to the items of the pages that state recorded done.
     */
    private ItemFile openItems(CrawlState state) {
        if (output == null) {
            return null;
        }
        if (output.equals("-")) {
            return ItemFile.stream(out);
        }
        Path file = Path.of(output);
        long offset = state instanceof SqliteState s ? s.itemsOutput(file) : 0;
        ItemFile items = ItemFile.open(file, ItemFile.formatOf(file), null, offset);
        if (state instanceof SqliteState s) {
            s.syncItems(items);
        }
        return items;
    }

    /** The crawl's state: in memory, in SQLite ({@code --state}), or shared in Redis ({@code --frontier}). */
    private CrawlState openState(CrawlConfig config) {
        if (stateDir != null) {
            SqliteState state = SqliteState.open(stateDir, config);
            if (state.resumed() && !quiet) {
                err.println(name + ": resuming the crawl in " + stateDir);
            }
            return state;
        }
        if (frontier != null) {
            return RedisState.connect(RedisAddress.parse(frontier), crawlId, config, lease);
        }
        return new MemoryState(config);
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
        err.println(name + ": wrote " + file);
    }

    /**
     * One option of {@link #OPTIONS}: its names (comma-separated), its value's label ({@code null} for a flag), its
     * default ({@code null}: none, the field keeps its own), its description, its type and the field it sets.
     */
    private record Opt<T>(String names, String label, String defaultValue, String description, Class<T> type,
                          BiConsumer<CrawlCommand, T> field) {
        /** A flag: an option without a value, false unless given. */
        static Opt<Boolean> flag(String names, String description, BiConsumer<CrawlCommand, Boolean> field) {
            return new Opt<>(names, null, null, description, boolean.class, field);
        }

        /** This option in picocli's model, bound to {@code command}'s field. */
        OptionSpec spec(CrawlCommand command) {
            Binding<T> binding = new Binding<>(v -> field.accept(command, v));
            OptionSpec.Builder b = OptionSpec.builder(names.split(",")).type(type).description(description)
                    .hasInitialValue(false).getter(binding).setter(binding);
            if (label != null) {
                b.paramLabel(label);
            }
            if (defaultValue != null) {
                b.defaultValue(defaultValue);
            }
            return b.build();
        }
    }

    /**
     * Where picocli puts one value: it keeps the value, as picocli's own binding does (picocli reads it back: a list
     * of values is added to), and hands each new one to the command's field. A command parses one line only, so
     * there is no initial value to reset the field to ({@code hasInitialValue(false)}): a field without a default
     * keeps the value it was declared with.
     */
    private static final class Binding<T> implements IGetter, ISetter {
        private final Consumer<T> field;
        private T value;

        Binding(Consumer<T> field) {
            this.field = field;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <V> V get() {
            return (V) value;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <V> V set(V newValue) {
            V old = (V) value;
            value = (T) newValue;
            field.accept(value);
            return old;
        }
    }
}
